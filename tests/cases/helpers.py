"""Helpers of the case tests: submitting, accepting and the standard form."""

from __future__ import annotations

import io

from fpdf import FPDF
from PIL import Image

from tests.cases.conftest import at
from zwfw.cases import services
from zwfw.cases.models import ItemForm

FORM_SCHEMA = {
    "type": "object",
    "properties": {
        "applicant_name": {"type": "string", "title": "申请人姓名"},
        "shop_name": {"type": "string", "title": "店铺名称", "minLength": 2, "maxLength": 50},
        "area": {"type": "number", "title": "经营面积", "minimum": 1},
        "opening": {"type": "string", "title": "开业日期", "format": "date"},
        "scope": {"type": "string", "title": "经营范围", "enum": ["餐饮", "零售"]},
    },
    "required": ["applicant_name", "shop_name", "area"],
    "additionalProperties": False,
}
LAYOUT = {"order": ["applicant_name", "shop_name", "area", "opening", "scope"],
          "prefill": {"applicant_name": "person.name"}}
GOOD_FORM = {"shop_name": "张记小吃", "area": 35, "scope": "餐饮"}


def with_form(item):
    ItemForm.objects.create(item=item, schema=FORM_SCHEMA, layout=LAYOUT)
    return item


def submit(applicant, item, *, key="key-1", form=None, when="2026-02-13", **kwargs):
    return services.submit(
        actor=applicant.user, item=item, form_data=dict(GOOD_FORM if form is None else form),
        idempotency_key=key, now=at(when), **kwargs,
    )


def accepted(applicant, item, staff, *, key="key-1", when="2026-02-13"):
    case = submit(applicant, item, key=key, when=when)
    return services.accept(actor=staff["clerk"].user, case=case, now=at(when, 15))


def png_bytes(size: tuple[int, int] = (40, 30)) -> bytes:
    """A real PNG (a photo of the premises, say)."""
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


def pdf_bytes(text: str = "lease contract") -> bytes:
    """A real one-page PDF."""
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text=text)
    return bytes(pdf.output())
