"""A seal as an RGBA PNG, drawn from its layout with the CJK font in Pillow."""

from __future__ import annotations

import io
import math
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont
from PIL import Image, ImageDraw, ImageFont

from zwfw.seals.images.fonts import find_cjk_font
from zwfw.seals.images.layout import EM_CENTRE_ABOVE_BASELINE, PlacedGlyph, layout_seal
from zwfw.seals.images.spec import SEAL_RED, SealImageSpec, _invalid

DPI_RANGE = (72, 1200)


def render_png(spec: SealImageSpec, *, dpi: int = 300, font_path: Path | None = None) -> bytes:
    """An RGBA PNG, transparent around the ink, ``mm × dpi / 25.4`` pixels, the dpi in its pHYs chunk."""
    if isinstance(dpi, bool) or not isinstance(dpi, int) or not DPI_RANGE[0] <= dpi <= DPI_RANGE[1]:
        raise _invalid("dpi", f"分辨率应在 {DPI_RANGE[0]} 至 {DPI_RANGE[1]} dpi 之间")
    layout = layout_seal(spec)
    font_file = font_path if font_path is not None else _default_font()
    check_drawable(spec, font_path=font_file)
    width_px = round(layout.width_mm * dpi / 25.4)
    height_px = round(layout.height_mm * dpi / 25.4)
    factor = max(2, min(4, 6000 // max(width_px, height_px)))  # draw large, then average down
    scale = dpi / 25.4 * factor
    ox = (width_px * factor - layout.width_mm * scale) / 2
    oy = (height_px * factor - layout.height_mm * scale) / 2

    def px(x_mm: float, y_mm: float) -> tuple[float, float]:
        return (ox + x_mm * scale, oy + y_mm * scale)

    ink = Image.new("L", (width_px * factor, height_px * factor), 0)
    draw = ImageDraw.Draw(ink)
    half = layout.stroke_mm / 2
    if layout.ring is not None:
        cx, cy, r = layout.ring
        for radius, fill in ((r + half, 255), (r - half, 0)):
            (x0, y0), (x1, y1) = px(cx - radius, cy - radius), px(cx + radius, cy + radius)
            draw.ellipse((x0, y0, x1, y1), fill=fill)
    if layout.frame is not None:
        fx, fy, fw, fh = layout.frame
        for grow, fill in ((half, 255), (-half, 0)):
            (x0, y0), (x1, y1) = px(fx - grow, fy - grow), px(fx + fw + grow, fy + fh + grow)
            draw.rectangle((x0, y0, x1, y1), fill=fill)
    if layout.star:
        draw.polygon([px(x, y) for x, y in layout.star], fill=255)
    for g in layout.glyphs:
        _draw_glyph(ink, g, px(g.x_mm, g.y_mm), g.size_mm * scale, str(font_file))

    ink = ink.reduce(factor)
    image = Image.new("RGBA", (width_px, height_px), (*_rgb(SEAL_RED), 0))
    image.putalpha(ink)
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(dpi, dpi))
    return out.getvalue()


def _rgb(colour: str) -> tuple[int, int, int]:
    return (int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16))


def _draw_glyph(
    ink: Image.Image, g: PlacedGlyph, centre: tuple[float, float], size_px: float, font: str
) -> None:
    """Draw one character centred on its own tile, then narrow it, turn it about its centre and move it
    by the sub-pixel rest of its position in one affine transform, and lay it on the ink."""
    side = 2 * math.ceil(size_px * 0.8) + 4  # holds the em box at any rotation
    mid = side / 2
    tile = Image.new("L", (side, side), 0)
    ImageDraw.Draw(tile).text(
        (mid, mid + EM_CENTRE_ABOVE_BASELINE * size_px),
        g.char,
        font=_font(font, max(1, round(size_px))),
        fill=255,
        anchor="ms",
    )
    left, top = math.floor(centre[0] - mid), math.floor(centre[1] - mid)
    # the tile's pixel (x, y) goes to out = mid + shift + R(rotation)·diag(x_scale, 1)·((x, y) - mid);
    # Image.transform wants the inverse map, out -> tile
    ox, oy = centre[0] - left, centre[1] - top
    a = math.radians(g.rotation_deg)
    cos_a, sin_a = math.cos(a), math.sin(a)
    k = 1 / g.x_scale
    matrix = (
        k * cos_a,
        k * sin_a,
        mid - k * (cos_a * ox + sin_a * oy),
        -sin_a,
        cos_a,
        mid + sin_a * ox - cos_a * oy,
    )
    placed = tile.transform((side, side), Image.Transform.AFFINE, matrix, resample=Image.Resampling.BICUBIC)
    ink.paste(255, (left, top, left + side, top + side), placed)


def check_drawable(spec: SealImageSpec, *, font_path: Path | None = None) -> None:
    """Every character of the face has a glyph in the font the seal is drawn with: one the font lacks
    would be engraved as an empty box. Raises SEAL_IMAGE_INVALID naming the first such character."""
    drawable = _codepoints(str(font_path if font_path is not None else _default_font()))
    for field, label, text in (("name", "印章名称", spec.name), ("purpose", "用途文字", spec.purpose),
                               ("code", "印章编码", spec.code)):
        missing = next((ch for ch in text if not ch.isspace() and ord(ch) not in drawable), None)
        if missing is not None:
            raise _invalid(field, f"{label}中的“{missing}”在印章字体中没有字形，无法刻制（请改用规范汉字，或由平台管理员安装包含该字的字体）")


@cache
def _codepoints(path: str) -> frozenset[int]:
    """The characters the face that draws seals (``_simplified_face``) has glyphs for."""
    font = TTFont(path, fontNumber=_simplified_face(path), lazy=True)
    try:
        return frozenset(font.getBestCmap())
    finally:
        font.close()


@cache
def _font(path: str, size_px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size_px, index=_simplified_face(path))


@cache
def _simplified_face(path: str) -> int:
    """The face of a font collection made for simplified Chinese (``Noto Serif CJK SC``), else the first."""
    for index in range(16):
        try:
            family, _style = ImageFont.truetype(path, 12, index=index).getname()
        except OSError:
            break
        if family and family.endswith(" SC") and "Mono" not in family:
            return index
    return 0


@cache
def _default_font() -> Path:
    return find_cjk_font()
