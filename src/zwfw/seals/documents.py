"""Official documents rendered as PDF (fpdf2, the CJK font embedded as a subset), ready for a seal:
notices and decisions in the GB/T 9704 manner — title, body, issuing body and date at the lower
right, where ``signing.Placement()`` puts the seal by default."""

from __future__ import annotations

import datetime as dt
import io
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTCollection
from fpdf import FPDF

from zwfw.seals.images import find_cjk_font


@cache
def face_index(font: Path) -> int:
    """Index of the Simplified Chinese face in a font collection (Noto CJK .ttc holds JP, KR, SC, ...)."""
    if font.suffix.lower() != ".ttc":
        return 0
    collection = TTCollection(str(font), lazy=True)
    for index, face in enumerate(collection.fonts):
        if " SC" in str(face["name"].getDebugName(1)):
            return index
    return 0


def new_pdf(title: str, *, orientation: str = "portrait") -> FPDF:
    """An A4 fpdf2 document with the installed CJK font registered as ``cjk`` (embedded as a subset)."""
    font = find_cjk_font()
    pdf = FPDF(orientation=orientation, format="A4")
    pdf.set_title(title)
    pdf.set_creator("zwfw")
    pdf.add_font("cjk", "", str(font), collection_font_number=face_index(font))
    return pdf


def render_notice_pdf(*, title: str, paragraphs: list[str], issuer: str, issued_on: dt.date) -> bytes:
    """An A4 notice: 标题, 正文, then 发文机关 and 成文日期 at the lower right of the last page."""
    pdf = new_pdf(title)
    pdf.set_margins(28, 37, 26)  # GB/T 9704-2012 §5.2.1: 天头 37 mm, 订口 28 mm
    pdf.add_page()
    pdf.set_font("cjk", size=22)
    pdf.multi_cell(0, 12, text=title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)
    pdf.set_font("cjk", size=16)  # 三号 for the body
    for paragraph in paragraphs:
        pdf.multi_cell(0, 10, text="\u3000\u3000" + paragraph, new_x="LMARGIN", new_y="NEXT")
    if pdf.get_y() > 297 - 90:
        pdf.add_page()
    pdf.set_y(297 - 80)
    pdf.cell(0, 10, text=issuer, align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 10, text=f"{issued_on.year}年{issued_on.month}月{issued_on.day}日", align="R")
    buffer = io.BytesIO()
    pdf.output(buffer)
    return buffer.getvalue()
