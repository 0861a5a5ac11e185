"""zwfw — 全国一体化在线政务服务平台, an integrated online government service platform."""

__version__ = "0.1.0"
