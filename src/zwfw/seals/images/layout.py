"""The geometry of a seal: ``layout_seal`` places the ring or frame, the star and every glyph (the
name along the upper arc, the purpose under the star, the code along the lower arc, or a name
stamp's grid), in millimetres, so that nothing touches."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from zwfw.seals.images.spec import _ROUND, _STAMPS, SealImageSpec, _check_spec, _invalid, _RoundStyle

EM_CENTRE_ABOVE_BASELINE = 0.38
NAME_GAP = 0.8  # ring's inner edge to the top of the name's em boxes
CODE_GAP = 0.6
PURPOSE_GAP = 1.0  # star's lower points to the top of the purpose line
PURPOSE_DROP = 2.5  # how much lower the purpose line may go to stay clear of the name
NAME_SQUEEZE_MIN = 0.8
NAME_GAP_BETWEEN = 0.25  # least space between neighbouring characters of the name, at their feet
CLEARANCE = 0.3  # least space between any two things on the seal


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
