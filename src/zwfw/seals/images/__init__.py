"""电子印章印模: the picture of a seal, as SVG and as PNG, in the look of a Chinese official seal.

Round seals (单位公章 ``official`` 42 mm, 业务专用章 ``special`` 40 mm): a seal-red ring, the body's
name along the upper arc, clockwise from lower left to lower right, each character turned so its
baseline is tangent to the circle and its top points outward; a five-pointed star at the centre;
the purpose (``行政审批专用章``) straight below the star; the seal's code small along the lower arc,
read left to right with tops pointing inward. Name stamps: 法定代表人名章 ``legal_rep`` (a 20 mm
square, the name in columns read right to left, a three-character name completed with 印 as in
``王建国印``) and 个人签名 ``personal`` (a 30×12 mm rectangle, the name in one line).

``layout_seal`` is the only place with geometry: it returns the ring or frame, the star and every
glyph (character, centre, clockwise rotation and size, in millimetres). ``render_svg`` and
``render_png`` only draw that layout, so both renderings agree. A glyph's position is the centre of
its em box; the baseline lies ``EM_CENTRE_ABOVE_BASELINE`` em below it (CJK fonts put the
ideographic em box from -0.12 to 0.88 em).

Modules: ``spec`` (the kinds, their sizes, ``SealImageSpec`` and its checks), ``layout`` (all the
geometry: ``layout_seal``), ``svg`` (``render_svg``), ``png`` (``render_png``), ``fonts``
(``find_cjk_font``). Every name callers use is imported here:
``from zwfw.seals import images; images.render_png(...)``.
"""

from __future__ import annotations

from zwfw.seals.images.fonts import FONT_SEARCH_DIRS, SealFontMissing, find_cjk_font
from zwfw.seals.images.layout import PlacedGlyph, SealLayout, layout_seal
from zwfw.seals.images.png import check_drawable, render_png
from zwfw.seals.images.spec import SEAL_RED, SealImageSpec, seal_size_mm
from zwfw.seals.images.svg import render_svg

__all__ = [
    "FONT_SEARCH_DIRS",
    "SEAL_RED",
    "PlacedGlyph",
    "SealFontMissing",
    "SealImageSpec",
    "SealLayout",
    "check_drawable",
    "find_cjk_font",
    "layout_seal",
    "render_png",
    "render_svg",
    "seal_size_mm",
]
