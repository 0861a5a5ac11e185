"""A seal as a standalone SVG document, drawn from its layout."""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from zwfw.seals.images.layout import EM_CENTRE_ABOVE_BASELINE, layout_seal
from zwfw.seals.images.spec import SEAL_RED, SealImageSpec

SVG_FONT_FAMILY = "'Noto Serif CJK SC', 'Source Han Serif SC', 'Noto Serif SC', 'Songti SC', STSong, SimSun, 'Noto Sans CJK SC', serif"


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
