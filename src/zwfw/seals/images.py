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
"""

from __future__ import annotations

import io
import math
import os
import shutil
import subprocess
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from PIL import Image, ImageDraw, ImageFont

from zwfw.core.errors import DomainError, ValidationFailed

__all__ = [
    "FONT_SEARCH_DIRS",
    "SEAL_RED",
    "PlacedGlyph",
    "SealFontMissing",
    "SealImageSpec",
    "SealLayout",
    "find_cjk_font",
    "layout_seal",
    "render_png",
    "render_svg",
    "seal_size_mm",
]

SEAL_RED = "#E60012"
KINDS = ("official", "special", "legal_rep", "personal")
MAX_NAME_CHARS = 40
MAX_PURPOSE_CHARS = 12
MAX_CODE_CHARS = 18  # 统一社会信用代码 has 18 characters, a 印章编码 13 digits
DPI_RANGE = (72, 1200)
EM_CENTRE_ABOVE_BASELINE = 0.38
SVG_FONT_FAMILY = "'Noto Serif CJK SC', 'Source Han Serif SC', 'Noto Serif SC', 'Songti SC', STSong, SimSun, 'Noto Sans CJK SC', serif"
FONT_SEARCH_DIRS: tuple[Path, ...] = (
    Path("/usr/share/fonts"),
    Path("/usr/local/share/fonts"),
    Path.home() / ".local/share/fonts",
    Path.home() / ".fonts",
)
# Best first: a bold serif (宋体-like) is closest to the engraved look, a sans face still reads well.
PREFERRED_FONT_FILES = (
    "NotoSerifCJK-Bold.ttc",
    "NotoSerifCJKsc-Bold.otf",
    "NotoSerifSC-Bold.otf",
    "SourceHanSerif-Bold.ttc",
    "SourceHanSerifSC-Bold.otf",
    "NotoSerifCJK-Black.ttc",
    "NotoSerifCJK-SemiBold.ttc",
    "NotoSerifCJK-Regular.ttc",
    "NotoSerifCJKsc-Regular.otf",
    "NotoSansCJK-Bold.ttc",
    "NotoSansCJKsc-Bold.otf",
    "NotoSansCJK-Regular.ttc",
    "NotoSansCJKsc-Regular.otf",
)


class SealFontMissing(DomainError):
    status = 503  # never a user's fault: the machine lacks the font package


@dataclass(frozen=True, kw_only=True)
class SealImageSpec:
    """What a seal image shows. Checked when built: an invalid spec cannot exist."""

    kind: str
    name: str
    purpose: str = ""
    code: str = ""

    def __post_init__(self) -> None:
        _check_spec(self)


@dataclass(frozen=True)
class PlacedGlyph:
    """One character on the seal: em-box centre (mm), clockwise rotation (degrees), em size (mm)."""

    char: str
    x_mm: float
    y_mm: float
    rotation_deg: float
    size_mm: float
    width_mm: float  # the advance across the glyph: the em for CJK, narrower for digits and Latin
    role: str  # "name" | "purpose" | "code"
    x_scale: float = 1.0  # < 1: the glyph is drawn narrowed to this share of its width (长体)

    def corners(self) -> tuple[tuple[float, float], ...]:
        """The glyph's box (advance × em) after rotation, clockwise from top left."""
        a = math.radians(self.rotation_deg)
        cos_a, sin_a = math.cos(a), math.sin(a)
        w, h = self.width_mm / 2, self.size_mm / 2
        return tuple(
            (self.x_mm + lx * cos_a - ly * sin_a, self.y_mm + lx * sin_a + ly * cos_a)
            for lx, ly in ((-w, -h), (w, -h), (w, h), (-w, h))
        )


@dataclass(frozen=True)
class SealLayout:
    """Everything drawn, in millimetres from the top left. ``ring`` is (cx, cy, centre-line radius),
    ``frame`` is (x, y, width, height) of the border's centre line; each kind has one of the two."""

    width_mm: float
    height_mm: float
    stroke_mm: float
    ring: tuple[float, float, float] | None
    frame: tuple[float, float, float, float] | None
    star: tuple[tuple[float, float], ...]
    glyphs: tuple[PlacedGlyph, ...]


@dataclass(frozen=True)
class _RoundStyle:
    diameter: float
    stroke: float
    star_radius: float  # circumscribed radius: 7 mm is the 14 mm star of a 42 mm seal
    name_size: float
    purpose_size: float
    code_size: float


_ROUND = {
    "official": _RoundStyle(
        diameter=42, stroke=1.2, star_radius=7.0, name_size=6.5, purpose_size=4.6, code_size=2.3
    ),
    "special": _RoundStyle(
        diameter=40, stroke=1.0, star_radius=6.5, name_size=6.2, purpose_size=4.4, code_size=2.2
    ),
}
_STAMPS = {"legal_rep": (20.0, 20.0, 1.0), "personal": (30.0, 12.0, 0.8)}  # width, height, border
NAME_GAP = 0.8  # ring's inner edge to the top of the name's em boxes
CODE_GAP = 0.6
PURPOSE_GAP = 1.0  # star's lower points to the top of the purpose line
PURPOSE_DROP = 2.5  # how much lower the purpose line may go to stay clear of the name
NAME_SQUEEZE_MIN = 0.8
NAME_GAP_BETWEEN = 0.25  # least space between neighbouring characters of the name, at their feet
CLEARANCE = 0.3  # least space between any two things on the seal


def seal_size_mm(kind: str) -> tuple[float, float]:
    """(width, height) of the seal's face in millimetres."""
    if kind in _ROUND:
        return (_ROUND[kind].diameter, _ROUND[kind].diameter)
    if kind in _STAMPS:
        return _STAMPS[kind][:2]
    raise _invalid("kind", _KIND_MESSAGE)


# ---- validation ----------------------------------------------------------------------------

_KIND_MESSAGE = "印章类型无效，应为 official（单位公章）、special（业务专用章）、legal_rep（法定代表人名章）或 personal（个人签名）"


def _invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed("SEAL_IMAGE_INVALID", message, details={"field": field})


def _check_text(field: str, label: str, value: object, limit: int) -> None:
    if not isinstance(value, str):
        raise _invalid(field, f"{label}必须是文本")
    if len(value) > limit:
        raise _invalid(field, f"{label}不能超过 {limit} 个字符")
    # Cc, Cf, Cs, Co, Cn: control, format (zero-width), surrogate, private-use and unassigned code points
    if any(unicodedata.category(ch).startswith("C") for ch in value):
        raise _invalid(field, f"{label}不能包含控制字符或不可见字符")


def _check_spec(spec: SealImageSpec) -> None:
    if spec.kind not in KINDS:
        raise _invalid("kind", _KIND_MESSAGE)
    _check_text("name", "印章名称", spec.name, MAX_NAME_CHARS)
    _check_text("purpose", "用途文字", spec.purpose, MAX_PURPOSE_CHARS)
    _check_text("code", "印章编码", spec.code, MAX_CODE_CHARS)
    if not spec.name.strip():
        raise _invalid("name", "请填写印章名称")
    if spec.kind == "special" and not spec.purpose.strip():
        raise _invalid("purpose", "业务专用章须写明用途，如“合同专用章”")
    if spec.kind in _STAMPS and (spec.purpose or spec.code):
        raise _invalid("purpose" if spec.purpose else "code", "名章只刻姓名，不含用途文字和印章编码")


# ---- geometry ------------------------------------------------------------------------------


@lru_cache(maxsize=256)
def layout_seal(spec: SealImageSpec) -> SealLayout:
    """Where everything goes; the one source of geometry for both renderings (remembered per spec:
    a seal is laid out when requested, and again for its PNG and SVG)."""
    _check_spec(spec)
    if spec.kind in _ROUND:
        return _layout_round(spec, _ROUND[spec.kind])
    return _layout_stamp(spec)


def _advance(ch: str, size: float) -> float:
    return size * 0.6 if ch.isascii() else size


def _name_span_deg(n: int, *, purpose: bool) -> float:
    # 210° for six characters growing to 250° for fourteen and more; short names keep ≤ 45° per step;
    # with a purpose line under the star the name stops at 220° so that the line can stay large
    return min(220.0 if purpose else 250.0, 180.0 + 5.0 * n, 45.0 * (n - 1))


def _layout_round(spec: SealImageSpec, style: _RoundStyle) -> SealLayout:
    c = style.diameter / 2
    inner = c - style.stroke
    span = _name_span_deg(len(spec.name), purpose=bool(spec.purpose))
    glyphs = _name_arc(spec.name, span=span, c=c, r_top=inner - NAME_GAP, nominal=style.name_size)
    glyphs += _code_arc(spec.code, glyphs, c=c, inner=inner, nominal=style.code_size)
    glyphs += _purpose_line(spec.purpose, glyphs, c=c, inner=inner, style=style)
    return SealLayout(
        width_mm=style.diameter,
        height_mm=style.diameter,
        stroke_mm=style.stroke,
        ring=(c, c, c - style.stroke / 2),
        frame=None,
        star=_star(c, c, style.star_radius),
        glyphs=tuple(glyphs),
    )


def _name_arc(name: str, *, span: float, c: float, r_top: float, nominal: float) -> list[PlacedGlyph]:
    n = len(name)
    if n == 1:
        return [PlacedGlyph(name, c, c - (r_top - nominal / 2), 0.0, nominal, nominal, "name")]
    half_step = math.radians(span / (n - 1)) / 2
    size = nominal
    while True:
        # Neighbours fan out from the centre, so their boxes come closest at the inner (bottom) edge:
        # half the glyph's width and half of NAME_GAP_BETWEEN must fit within (r_top - size)·tan(half
        # step). Where they do not, the glyphs are narrowed (长体, as engraved names are) down to
        # NAME_SQUEEZE_MIN, and only then made smaller; centres stay at least one em apart.
        room = 2 * (r_top - size) * math.tan(half_step) - NAME_GAP_BETWEEN
        squeeze = min(1.0, room / size)
        chord = 2 * (r_top - size / 2) * math.sin(half_step)
        if squeeze >= NAME_SQUEEZE_MIN and chord >= size:
            break
        size *= 0.99
    radius = r_top - size / 2
    glyphs = []
    for i, ch in enumerate(name):
        theta = -span / 2 + i * span / (n - 1)  # degrees clockwise from the top
        t = math.radians(theta)
        x, y = c + radius * math.sin(t), c - radius * math.cos(t)
        glyphs.append(PlacedGlyph(ch, x, y, theta, size, size * squeeze, "name", x_scale=squeeze))
    return glyphs


def _purpose_line(
    purpose: str, placed: list[PlacedGlyph], *, c: float, inner: float, style: _RoundStyle
) -> list[PlacedGlyph]:
    """The purpose, straight and as large as it fits: just under the star, or up to PURPOSE_DROP lower
    when the name's last characters crowd the line's ends."""
    if not purpose:
        return []
    highest = c + style.star_radius * math.cos(math.radians(36)) + PURPOSE_GAP  # the star's lower points
    best: list[PlacedGlyph] = []
    for step in range(round(PURPOSE_DROP / 0.25) + 1):
        line = _largest_line(
            purpose, highest + 0.25 * step, placed, c=c, inner=inner, nominal=style.purpose_size
        )
        if line and (not best or line[0].size_mm > best[0].size_mm + 0.05):
            best = line
    if not best:
        raise _invalid("purpose", "用途文字过长，排不进印面")
    return best


def _largest_line(
    text: str, top: float, placed: list[PlacedGlyph], *, c: float, inner: float, nominal: float
) -> list[PlacedGlyph]:
    size = nominal
    while size > 1.0:
        for squeeze in (1.0, 0.95, 0.9, 0.85, 0.8):  # narrowed first (长体), made smaller only then
            widths = [_advance(ch, size) * squeeze for ch in text]
            x = c - sum(widths) / 2
            line = []
            for ch, w in zip(text, widths, strict=True):
                line.append(
                    PlacedGlyph(ch, x + w / 2, top + size / 2, 0.0, size, w, "purpose", x_scale=squeeze)
                )
                x += w
            if _fits(line, placed, c=c, inner=inner):
                return line
        size *= 0.98
    return []


def _code_arc(
    code: str, placed: list[PlacedGlyph], *, c: float, inner: float, nominal: float
) -> list[PlacedGlyph]:
    if not code:
        return []
    size = nominal
    while size > 0.8:
        radius = inner - CODE_GAP - size / 2
        tracking = 0.12 * size
        widths = [_advance(ch, size) for ch in code]
        pos = -(sum(widths) + tracking * (len(code) - 1)) / 2
        arc = []
        for ch, w in zip(code, widths, strict=True):
            theta = 180.0 - math.degrees((pos + w / 2) / radius)  # left to right along the bottom
            t = math.radians(theta)
            x, y = c + radius * math.sin(t), c - radius * math.cos(t)
            arc.append(PlacedGlyph(ch, x, y, theta - 180.0, size, w, "code"))
            pos += w + tracking
        if _fits(arc, placed, c=c, inner=inner):
            return arc
        size *= 0.95
    raise _invalid("code", "印章编码过长，排不进印面")


def _fits(new: list[PlacedGlyph], placed: list[PlacedGlyph], *, c: float, inner: float) -> bool:
    limit = inner - CLEARANCE
    for g in new:
        if any(math.hypot(x - c, y - c) > limit for x, y in g.corners()):
            return False
        if any(not _separated(g.corners(), p.corners(), CLEARANCE) for p in placed):
            return False
    return True


def _separated(p: Sequence[tuple[float, float]], q: Sequence[tuple[float, float]], margin: float) -> bool:
    """Separating-axis test for two convex polygons: True when a gap of at least ``margin`` parts them."""
    for poly in (p, q):
        for i in range(len(poly)):
            (x1, y1), (x2, y2) = poly[i], poly[(i + 1) % len(poly)]
            nx, ny = y2 - y1, x1 - x2
            length = math.hypot(nx, ny)
            nx, ny = nx / length, ny / length
            pp = [x * nx + y * ny for x, y in p]
            qq = [x * nx + y * ny for x, y in q]
            if min(pp) - max(qq) >= margin or min(qq) - max(pp) >= margin:
                return True
    return False


def _star(cx: float, cy: float, radius: float) -> tuple[tuple[float, float], ...]:
    inner = radius * math.sin(math.radians(18)) / math.sin(math.radians(54))  # a regular pentagram
    points = []
    for i in range(10):
        r = radius if i % 2 == 0 else inner
        t = math.radians(i * 36)
        points.append((cx + r * math.sin(t), cy - r * math.cos(t)))
    return tuple(points)


def _layout_stamp(spec: SealImageSpec) -> SealLayout:
    width, height, stroke = _STAMPS[spec.kind]
    pad = 0.7
    x0, y0 = stroke + pad, stroke + pad
    usable_w, usable_h = width - 2 * x0, height - 2 * y0
    text = spec.name
    if spec.kind == "legal_rep":
        if len(text) == 3:
            text += "印"  # 三字名章 are engraved as four characters: 王建国印
        rows, cols = _grid(len(text))
    else:
        rows, cols = 1, len(text)
    cell = min(usable_w / cols, usable_h / rows)
    size = 0.94 * cell
    grid_w, grid_h = cols * cell, rows * cell
    left, top = x0 + (usable_w - grid_w) / 2, y0 + (usable_h - grid_h) / 2
    glyphs = []
    for i, ch in enumerate(text):
        if rows == 1:  # one line, left to right
            col, row = i, 0
        else:  # columns, read top to bottom and right to left as seals are
            col, row = cols - 1 - i // rows, i % rows
        x, y = left + (col + 0.5) * cell, top + (row + 0.5) * cell
        glyphs.append(PlacedGlyph(ch, x, y, 0.0, size, size, "name"))
    return SealLayout(
        width_mm=width,
        height_mm=height,
        stroke_mm=stroke,
        ring=None,
        frame=(stroke / 2, stroke / 2, width - stroke, height - stroke),
        star=(),
        glyphs=tuple(glyphs),
    )


def _grid(n: int) -> tuple[int, int]:
    if n <= 2:
        return 1, n
    rows = math.ceil(math.sqrt(n))
    return rows, math.ceil(n / rows)


# ---- SVG -----------------------------------------------------------------------------------


def _num(value: float) -> str:
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def render_svg(spec: SealImageSpec) -> str:
    """A standalone SVG document sized in millimetres (viewBox in mm), text as ``<text>`` elements."""
    layout = layout_seal(spec)
    w, h = _num(layout.width_mm), _num(layout.height_mm)
    label = quoteattr(f"电子印章：{spec.name}{spec.purpose}")
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}mm" height="{h}mm" viewBox="0 0 {w} {h}" '
        f'role="img" aria-label={label}>',
        f"<title>{escape(spec.name + spec.purpose)}</title>",
        f'<g fill="{SEAL_RED}" stroke="none">',
    ]
    stroke = _num(layout.stroke_mm)
    if layout.ring is not None:
        cx, cy, r = layout.ring
        parts.append(
            f'<circle cx="{_num(cx)}" cy="{_num(cy)}" r="{_num(r)}" fill="none" '
            f'stroke="{SEAL_RED}" stroke-width="{stroke}"/>'
        )
    if layout.frame is not None:
        x, y, fw, fh = layout.frame
        parts.append(
            f'<rect x="{_num(x)}" y="{_num(y)}" width="{_num(fw)}" height="{_num(fh)}" fill="none" '
            f'stroke="{SEAL_RED}" stroke-width="{stroke}"/>'
        )
    if layout.star:
        points = " ".join(f"{_num(x)},{_num(y)}" for x, y in layout.star)
        parts.append(f'<polygon class="star" points="{points}"/>')
    parts.append(f'<g font-family="{SVG_FONT_FAMILY}" font-weight="bold" text-anchor="middle">')
    for g in layout.glyphs:
        transform = f"translate({_num(g.x_mm)} {_num(g.y_mm)})"
        if g.rotation_deg:
            transform += f" rotate({_num(g.rotation_deg)})"
        if g.x_scale != 1.0:
            transform += f" scale({_num(g.x_scale)} 1)"
        parts.append(
            f'<text class="{g.role}" x="0" y="{_num(EM_CENTRE_ABOVE_BASELINE * g.size_mm)}" '
            f'font-size="{_num(g.size_mm)}" transform="{transform}">{escape(g.char)}</text>'
        )
    parts += ["</g>", "</g>", "</svg>", ""]
    return "\n".join(parts)


# ---- PNG -----------------------------------------------------------------------------------


def render_png(spec: SealImageSpec, *, dpi: int = 300, font_path: Path | None = None) -> bytes:
    """An RGBA PNG, transparent around the ink, ``mm × dpi / 25.4`` pixels, the dpi in its pHYs chunk."""
    if isinstance(dpi, bool) or not isinstance(dpi, int) or not DPI_RANGE[0] <= dpi <= DPI_RANGE[1]:
        raise _invalid("dpi", f"分辨率应在 {DPI_RANGE[0]} 至 {DPI_RANGE[1]} dpi 之间")
    layout = layout_seal(spec)
    font_file = font_path if font_path is not None else _default_font()
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


# ---- fonts ---------------------------------------------------------------------------------


def find_cjk_font(*, search_dirs: Sequence[Path] = FONT_SEARCH_DIRS, use_fontconfig: bool = True) -> Path:
    """The installed CJK font to draw seals with: Noto Serif CJK bold first, then other Noto CJK
    faces found under ``search_dirs``, then what fontconfig matches for Chinese (``:lang=zh-cn``)."""
    found: dict[str, Path] = {}
    for directory in search_dirs:
        if not directory.is_dir():
            continue
        for root, _dirs, files in os.walk(directory):
            for filename in files:
                if filename in PREFERRED_FONT_FILES and filename not in found:
                    found[filename] = Path(root) / filename
    for filename in PREFERRED_FONT_FILES:
        if filename in found:
            return found[filename]
    if use_fontconfig:
        matched = _fontconfig_chinese_font()
        if matched is not None:
            return matched
    raise SealFontMissing(
        "SEAL_FONT_MISSING",
        "未找到中文字体，无法生成印章图片；请安装 Debian 软件包 fonts-noto-cjk（apt-get install fonts-noto-cjk）",
        details={"searched": [str(d) for d in search_dirs]},
    )


def _fontconfig_chinese_font() -> Path | None:
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return None
    try:
        result = subprocess.run(
            [fc_match, "--format=%{file}\t%{lang}", ":lang=zh-cn"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    file, _, langs = result.stdout.partition("\t")
    # fc-match always answers with something; only a font that covers Chinese will do
    if result.returncode != 0 or "zh-cn" not in langs.split("|") or not Path(file).is_file():
        return None
    return Path(file)
