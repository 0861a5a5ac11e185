"""Demo data for one provincial node (浙江, 330000): catalogue seed with blank forms and samples.

Not a Django app: it sits outside the module layers and may import any module.
Entry point: ``zwfw.demo.seed.seed_demo``.
"""
