"""电子印章印模: SVG and PNG seal images (no database)."""

from __future__ import annotations

import io
import itertools
import math
import re
import shutil
from pathlib import Path
from xml.etree import ElementTree

import pytest
from PIL import Image

from zwfw.core.errors import DomainError, ValidationFailed
from zwfw.seals.images import (
    SealFontMissing,
    SealImageSpec,
    find_cjk_font,
    layout_seal,
    render_png,
    render_svg,
    seal_size_mm,
)

SVG = "{http://www.w3.org/2000/svg}"
HANGZHOU = SealImageSpec(kind="official", name="杭州市市场监督管理局", purpose="行政审批专用章")
LONG_NAMES = [
    "杭州市西湖区市场监督管理局",
    "浙江省人力资源和社会保障厅",
    "浙江省杭州市西湖区人民政府行政服务中心管理办公室",  # 24
    "浙江省杭州市西湖区人民政府行政服务中心管理委员会综合办公室",  # 30
    "中华人民共和国浙江省杭州市西湖区人民政府行政服务中心管理委员会综合办公室",  # 37
]


def _has_cjk(text: str) -> bool:
    return re.search(r"[\u4e00-\u9fff]", text) is not None


def _separated(p, q, margin: float = 0.0) -> bool:
    """Separating-axis test for two convex polygons."""
    for poly in (p, q):
        for (x1, y1), (x2, y2) in zip(poly, [*poly[1:], poly[0]], strict=True):
            nx, ny = y2 - y1, x1 - x2
            pp = [x * nx + y * ny for x, y in p]
            qq = [x * nx + y * ny for x, y in q]
            norm = math.hypot(nx, ny)
            if (min(pp) - max(qq)) / norm >= margin or (min(qq) - max(pp)) / norm >= margin:
                return True
    return False


def _png(spec: SealImageSpec, dpi: int = 300) -> Image.Image:
    image = Image.open(io.BytesIO(render_png(spec, dpi=dpi)))
    image.load()
    return image


def _is_red(pixel: tuple[int, int, int, int]) -> bool:
    r, g, b, a = pixel
    return a > 200 and r > 180 and g < 60 and b < 80


# ---- sizes and SVG -------------------------------------------------------------------------


def test_seal_sizes_follow_the_kind():
    assert seal_size_mm("official") == (42.0, 42.0)
    assert seal_size_mm("special") == (40.0, 40.0)
    assert seal_size_mm("legal_rep") == (20.0, 20.0)
    assert seal_size_mm("personal") == (30.0, 12.0)


def test_official_svg_is_well_formed_sized_in_mm_and_self_contained():
    # given an official seal with a code, when rendered as SVG
    spec = SealImageSpec(kind="official", name=HANGZHOU.name, purpose=HANGZHOU.purpose, code="3301000012345")
    svg = render_svg(spec)

    # then it parses, is 42 mm with a viewBox in mm, and refers to nothing outside itself
    root = ElementTree.fromstring(svg.encode("utf-8"))
    assert root.tag == f"{SVG}svg"
    assert (root.get("width"), root.get("height"), root.get("viewBox")) == ("42mm", "42mm", "0 0 42 42")
    assert "href" not in svg
    assert "url(" not in svg
    assert "<image" not in svg

    # a red ring near the edge, a five-pointed star
    (ring,) = root.iter(f"{SVG}circle")
    assert ring.get("stroke") == "#E60012"
    assert ring.get("fill") == "none"
    assert float(ring.get("r")) == pytest.approx(20.4)
    assert 1.0 <= float(ring.get("stroke-width")) <= 1.2
    (star,) = root.iter(f"{SVG}polygon")
    assert len(star.get("points").split()) == 10
    assert next(root.iter(f"{SVG}g")).get("fill") == "#E60012"

    # every character as a <text> element, in a CJK serif font
    texts = list(root.iter(f"{SVG}text"))
    assert [t.text for t in texts if t.get("class") == "name"] == list(spec.name)
    assert "".join(t.text for t in texts if t.get("class") == "purpose") == "行政审批专用章"
    assert "".join(t.text for t in texts if t.get("class") == "code") == "3301000012345"
    families = next(g for g in root.iter(f"{SVG}g") if g.get("font-family")).get("font-family")
    assert "Noto Serif CJK SC" in families
    assert "SimSun" in families
    assert "Songti SC" in families


def test_special_seal_is_40mm():
    root = ElementTree.fromstring(
        render_svg(SealImageSpec(kind="special", name="杭州市财政局", purpose="合同专用章"))
    )
    assert (root.get("width"), root.get("height")) == ("40mm", "40mm")


def test_markup_in_the_name_is_escaped():
    spec = SealImageSpec(kind="official", name='A<B&C "公司" </svg>', purpose="合同专用章")

    root = ElementTree.fromstring(render_svg(spec))

    assert [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "name"] == list(spec.name)
    assert root.find(f"{SVG}title").text == spec.name + spec.purpose


def test_svg_draws_the_same_layout_as_the_png():
    layout = layout_seal(HANGZHOU)
    texts = list(ElementTree.fromstring(render_svg(HANGZHOU)).iter(f"{SVG}text"))

    assert len(texts) == len(layout.glyphs)
    for text, glyph in zip(texts, layout.glyphs, strict=True):
        numbers = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", text.get("transform"))]
        assert numbers[:2] == pytest.approx([glyph.x_mm, glyph.y_mm], abs=1e-3)
        if glyph.rotation_deg:
            assert numbers[2] == pytest.approx(glyph.rotation_deg, abs=1e-3)
        assert float(text.get("font-size")) == pytest.approx(glyph.size_mm, abs=1e-3)


# ---- geometry ------------------------------------------------------------------------------


def test_name_runs_clockwise_over_the_upper_arc_tops_outward():
    layout = layout_seal(HANGZHOU)
    c = 21.0
    names = [g for g in layout.glyphs if g.role == "name"]

    # from the lower left, over the top, to the lower right
    assert names[0].x_mm < c < names[0].y_mm
    assert names[-1].x_mm > c
    assert names[-1].y_mm > c
    angles = [math.degrees(math.atan2(g.x_mm - c, c - g.y_mm)) for g in names]
    assert angles == sorted(angles)
    assert 210 <= angles[-1] - angles[0] <= 250
    steps = [b - a for a, b in itertools.pairwise(angles)]
    assert max(steps) - min(steps) < 1e-6  # evenly spread
    # each turned with its position: baseline tangent, top pointing away from the centre
    for glyph, angle in zip(names, angles, strict=True):
        assert glyph.rotation_deg == pytest.approx(angle)
    # about 6.5 mm high, on one circle just inside the ring
    assert {round(g.size_mm, 6) for g in names} == {round(names[0].size_mm, 6)}
    assert 6.0 <= names[0].size_mm <= 6.5


@pytest.mark.parametrize("name", LONG_NAMES)
@pytest.mark.parametrize("kind", ["official", "special"])
def test_long_names_never_overlap_or_touch_the_ring_or_star(kind, name):
    purpose = "行政审批专用章" if kind == "official" else "合同专用章"
    layout = layout_seal(SealImageSpec(kind=kind, name=name, purpose=purpose, code="913301006543210987"))
    c = layout.width_mm / 2
    inner = c - layout.stroke_mm
    names = [g for g in layout.glyphs if g.role == "name"]

    assert "".join(g.char for g in names) == name
    for a, b in itertools.pairwise(names):
        assert math.hypot(a.x_mm - b.x_mm, a.y_mm - b.y_mm) >= a.size_mm  # centres one em apart at least
    star_hull = layout.star[::2]  # the outer points: a convex pentagon around the star
    for i, glyph in enumerate(layout.glyphs):
        corners = glyph.corners()
        assert all(math.hypot(x - c, y - c) < inner for x, y in corners), glyph
        assert _separated(corners, star_hull, 0.5), glyph
        for other in layout.glyphs[i + 1 :]:
            # the straight purpose line sets its characters advance to advance, their boxes may touch
            margin = -1e-9 if glyph.role == other.role == "purpose" else 0.1
            assert _separated(corners, other.corners(), margin), (glyph, other)


def test_short_name_and_empty_purpose_official_seal():
    layout = layout_seal(SealImageSpec(kind="official", name="杭州市财政局"))
    names = [g for g in layout.glyphs if g.role == "name"]

    assert [g.role for g in layout.glyphs] == ["name"] * 6
    assert names[0].size_mm == pytest.approx(6.5)
    assert names[0].x_scale == 1.0


def test_legal_rep_stamp_reads_in_columns_right_to_left():
    layout = layout_seal(SealImageSpec(kind="legal_rep", name="王建国"))
    by_char = {g.char: g for g in layout.glyphs}

    # 三字名章 is engraved 王建国印: right column 王建, left column 国印
    assert "".join(g.char for g in layout.glyphs) == "王建国印"
    assert by_char["王"].x_mm == by_char["建"].x_mm > by_char["国"].x_mm == by_char["印"].x_mm
    assert by_char["王"].y_mm == by_char["国"].y_mm < by_char["建"].y_mm == by_char["印"].y_mm
    assert layout.frame == (0.5, 0.5, 19.0, 19.0)
    for glyph in layout.glyphs:
        assert all(1.0 < v < 19.0 for xy in glyph.corners() for v in xy)


def test_personal_stamp_is_one_line():
    layout = layout_seal(SealImageSpec(kind="personal", name="王建国"))

    assert [g.char for g in layout.glyphs] == ["王", "建", "国"]
    assert len({g.y_mm for g in layout.glyphs}) == 1
    assert [g.x_mm for g in layout.glyphs] == sorted(g.x_mm for g in layout.glyphs)
    root = ElementTree.fromstring(render_svg(SealImageSpec(kind="personal", name="王建国")))
    assert (root.get("width"), root.get("height"), root.get("viewBox")) == ("30mm", "12mm", "0 0 30 12")
    assert root.find(f"{SVG}g/{SVG}rect").get("stroke") == "#E60012"


# ---- PNG -----------------------------------------------------------------------------------


@pytest.mark.parametrize("dpi", [150, 300])
def test_official_png_size_transparency_and_red_ink(dpi):
    image = _png(HANGZHOU, dpi)
    side = round(42 * dpi / 25.4)

    assert image.format == "PNG"
    assert image.mode == "RGBA"
    assert image.size == (side, side)
    assert image.info["dpi"] == pytest.approx((dpi, dpi), abs=0.5)
    for corner in ((0, 0), (side - 1, 0), (0, side - 1), (side - 1, side - 1)):
        assert image.getpixel(corner)[3] == 0
    assert _is_red(image.getpixel((side // 2, side // 2)))  # the star
    # the ring: red all the way round on its centre line
    radius = 20.4 * dpi / 25.4
    samples = [
        image.getpixel((round(side / 2 + radius * math.sin(t)), round(side / 2 - radius * math.cos(t))))
        for t in (math.radians(d) for d in range(360))
    ]
    assert sum(_is_red(p) for p in samples) >= 355
    # and inside the ring, between it and the name, nothing
    gap = (20.4 - 1.0) * dpi / 25.4
    assert image.getpixel((round(side / 2), round(side / 2 - gap)))[3] < 40


def test_png_has_ink_where_the_layout_puts_each_glyph():
    dpi = 300
    image = _png(HANGZHOU, dpi)
    alpha = image.getchannel("A")
    k = dpi / 25.4

    for glyph in layout_seal(HANGZHOU).glyphs:
        half = glyph.width_mm * 0.3 * k
        x, y = glyph.x_mm * k, glyph.y_mm * k
        box = (round(x - half), round(y - half), round(x + half), round(y + half))
        assert alpha.crop(box).getextrema()[1] > 200, glyph


@pytest.mark.parametrize(("kind", "mm"), [("legal_rep", (20, 20)), ("personal", (30, 12))])
def test_name_stamp_png(kind, mm):
    image = _png(SealImageSpec(kind=kind, name="王建国"), 600)

    assert image.size == (round(mm[0] * 600 / 25.4), round(mm[1] * 600 / 25.4))
    w = image.size[0]
    assert image.getpixel((w // 2, round(0.5 * 600 / 25.4)))[3] > 200  # the border's top edge
    assert _is_red(image.getpixel((w // 2, round(0.5 * 600 / 25.4))))
    border = round(1.6 * 600 / 25.4)  # just inside the border
    assert image.getpixel((border, border))[3] == 0


def test_sample_pngs_are_kept_for_people_to_look_at(artifacts_dir: Path):
    official = render_png(HANGZHOU, dpi=300)
    legal_rep = render_png(SealImageSpec(kind="legal_rep", name="王建国"), dpi=300)

    (artifacts_dir / "seal-official-hangzhou-scjgj.png").write_bytes(official)
    (artifacts_dir / "seal-official-hangzhou-scjgj.svg").write_text(render_svg(HANGZHOU), encoding="utf-8")
    (artifacts_dir / "seal-legal-rep-wangjianguo.png").write_bytes(legal_rep)
    long_name = SealImageSpec(
        kind="special", name="杭州市西湖区市场监督管理局", purpose="合同专用章", code="3301060054321"
    )
    (artifacts_dir / "seal-special-long-name.png").write_bytes(render_png(long_name, dpi=300))

    assert Image.open(io.BytesIO(official)).size == (496, 496)
    assert Image.open(io.BytesIO(legal_rep)).size == (236, 236)


def test_png_can_be_drawn_with_another_cjk_font():
    sans = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc")
    if not sans.is_file():
        pytest.skip("Noto Sans CJK is not installed")

    image = Image.open(io.BytesIO(render_png(HANGZHOU, dpi=200, font_path=sans)))

    assert image.size == (round(42 * 200 / 25.4),) * 2
    assert _is_red(image.getpixel((image.width // 2, image.height // 2)))


# ---- refusals ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": "round", "name": "杭州市财政局"}, "kind"),
        ({"kind": "official", "name": ""}, "name"),
        ({"kind": "official", "name": "   "}, "name"),
        ({"kind": "official", "name": "浙" * 41}, "name"),
        ({"kind": "official", "name": "杭州市\x07财政局"}, "name"),
        ({"kind": "official", "name": "杭州市\u200b财政局"}, "name"),
        ({"kind": "official", "name": "杭州市财政局", "purpose": "合同\n专用章"}, "purpose"),
        ({"kind": "official", "name": "杭州市财政局", "purpose": "章" * 13}, "purpose"),
        ({"kind": "official", "name": "杭州市财政局", "code": "1" * 19}, "code"),
        ({"kind": "special", "name": "杭州市财政局"}, "purpose"),
        ({"kind": "legal_rep", "name": "王建国", "purpose": "合同专用章"}, "purpose"),
        ({"kind": "personal", "name": "王建国", "code": "123"}, "code"),
        ({"kind": "official", "name": 42}, "name"),
    ],
)
def test_invalid_spec_is_refused(fields, field):
    with pytest.raises(ValidationFailed) as raised:
        SealImageSpec(**fields)

    assert raised.value.code == "SEAL_IMAGE_INVALID"
    assert raised.value.details == {"field": field}
    assert raised.value.status == 400
    assert _has_cjk(raised.value.message)


def test_forty_characters_is_the_longest_name():
    spec = SealImageSpec(kind="official", name="浙" * 40, purpose="行政审批专用章")

    assert len([g for g in layout_seal(spec).glyphs if g.role == "name"]) == 40


def test_unknown_kind_has_no_size():
    with pytest.raises(ValidationFailed) as raised:
        seal_size_mm("round")
    assert raised.value.code == "SEAL_IMAGE_INVALID"


@pytest.mark.parametrize("dpi", [71, 1201, 0, True])
def test_dpi_outside_72_to_1200_is_refused_and_nothing_is_written(dpi, tmp_path: Path):
    target = tmp_path / "seal.png"

    with pytest.raises(ValidationFailed) as raised:
        target.write_bytes(render_png(HANGZHOU, dpi=dpi))

    assert raised.value.code == "SEAL_IMAGE_INVALID"
    assert raised.value.details == {"field": "dpi"}
    assert _has_cjk(raised.value.message)
    assert list(tmp_path.iterdir()) == []


def test_spec_is_frozen_and_keyword_only():
    with pytest.raises(TypeError):
        SealImageSpec("official", "杭州市财政局")  # type: ignore[misc]
    with pytest.raises(AttributeError):
        HANGZHOU.name = "别的单位"  # type: ignore[misc]
    assert HANGZHOU.name == "杭州市市场监督管理局"


# ---- fonts ---------------------------------------------------------------------------------


def test_font_missing_is_a_clear_domain_error(tmp_path: Path):
    with pytest.raises(SealFontMissing) as raised:
        find_cjk_font(search_dirs=[tmp_path, tmp_path / "absent"], use_fontconfig=False)

    assert isinstance(raised.value, DomainError)
    assert raised.value.code == "SEAL_FONT_MISSING"
    assert "fonts-noto-cjk" in raised.value.message
    assert _has_cjk(raised.value.message)
    assert list(tmp_path.iterdir()) == []


def test_font_search_prefers_noto_serif_bold(tmp_path: Path):
    (tmp_path / "sans").mkdir()
    (tmp_path / "sans" / "NotoSansCJK-Regular.ttc").write_bytes(b"")
    (tmp_path / "deep" / "noto").mkdir(parents=True)
    (tmp_path / "deep" / "noto" / "NotoSerifCJK-Bold.ttc").write_bytes(b"")

    assert (
        find_cjk_font(search_dirs=[tmp_path], use_fontconfig=False)
        == tmp_path / "deep/noto/NotoSerifCJK-Bold.ttc"
    )


def test_font_search_falls_back_to_fontconfig(tmp_path: Path):
    if shutil.which("fc-match") is None:
        pytest.skip("fontconfig is not installed")
    found = find_cjk_font(search_dirs=[tmp_path])
    assert found.is_file()


def test_installed_font_is_noto_serif_cjk_bold():
    found = find_cjk_font()
    if found.name != "NotoSerifCJK-Bold.ttc":
        pytest.skip(f"fonts-noto-cjk is not installed here ({found})")
    assert found.is_file()
