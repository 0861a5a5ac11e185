"""The XLSX files: one form rendered with openpyxl (byte-for-byte the same on every run), and the
files put into storage where they are missing."""

from __future__ import annotations

import datetime as dt
import zipfile
from io import BytesIO

from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.writer.excel import ExcelWriter

from zwfw.demo.forms.definitions import APPLICANT, FORMS, SAMPLE_DATE

FORMS_DIR = "catalog/forms"
SAMPLES_DIR = "catalog/samples"


def form_paths(key: str) -> tuple[str, str]:
    """(blank form path, sample path) in the media storage."""
    return f"{FORMS_DIR}/{key}.xlsx", f"{SAMPLES_DIR}/{key}-sample.xlsx"


_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_FIXED_TIME = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def render_form(key: str, *, sample: bool) -> bytes:
    """One form as XLSX bytes: a blank form, or the sample filled in for the fictional applicant."""
    spec = FORMS[key]
    wb = Workbook()
    ws = wb.active
    ws.title = "样表" if sample else "申请表"
    wb.properties.creator = "zwfw demo"
    wb.properties.created = _FIXED_TIME.replace(tzinfo=None)
    wb.properties.modified = _FIXED_TIME.replace(tzinfo=None)
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 60
    ws.merge_cells("A1:B1")
    ws["A1"] = spec["title"] + ("（示例样表）" if sample else "")
    ws["A1"].font = Font(size=16, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.merge_cells("A2:B2")
    ws["A2"] = (
        "示例样表：以下信息均为虚构，仅供参考填写格式"
        if sample
        else "填表说明：请用黑色签字笔或在线如实填写；带电子证照或共享数据的信息可由系统自动带出"
    )
    ws["A2"].font = Font(size=9, italic=True)
    row = 3
    for label, value in spec["fields"]:
        ws.cell(row=row, column=1, value=label).border = _BOX
        cell = ws.cell(row=row, column=2, value=value if sample else None)
        cell.border = _BOX
        cell.alignment = Alignment(wrap_text=True)
        row += 1
    row += 1
    ws.cell(
        row=row,
        column=1,
        value="申请人承诺：以上所填内容及提交材料真实、有效，如有虚假，愿承担相应法律责任。",
    )
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
    row += 1
    ws.cell(row=row, column=1, value="申请人（签名或盖章）")
    ws.cell(row=row, column=2, value=APPLICANT["name"] if sample else None)
    row += 1
    ws.cell(row=row, column=1, value="申请日期")
    ws.cell(row=row, column=2, value=SAMPLE_DATE if sample else "      年    月    日")
    # Workbook.save stamps "modified" and every zip entry with the wall clock; the seeded files must be
    # the same bytes on every node and every run, so the package is written with the fixed time.
    buffer = BytesIO()
    ExcelWriter(wb, _FixedTimeZip(buffer, "w", zipfile.ZIP_DEFLATED)).save()
    return buffer.getvalue()


class _FixedTimeZip(zipfile.ZipFile):
    """A zip whose entries written by name are dated _FIXED_TIME instead of now."""

    def writestr(self, zinfo_or_arcname, data, *args, **kwargs):  # type: ignore[no-untyped-def]
        if isinstance(zinfo_or_arcname, str):
            zinfo_or_arcname = zipfile.ZipInfo(zinfo_or_arcname, date_time=_FIXED_TIME.timetuple()[:6])
            zinfo_or_arcname.compress_type = self.compression
            zinfo_or_arcname.external_attr = 0o600 << 16
        super().writestr(zinfo_or_arcname, data, *args, **kwargs)


def ensure_forms(keys: list[str] | None = None, *, storage: Storage | None = None) -> dict[str, int]:
    """Write every blank form and sample that is not yet in storage. Returns created/existing counts."""
    storage = storage or default_storage
    created = existing = 0
    for key in keys if keys is not None else sorted(FORMS):
        for path, sample in zip(form_paths(key), (False, True), strict=True):
            if storage.exists(path):
                existing += 1
                continue
            saved = storage.save(path, ContentFile(render_form(key, sample=sample)))
            if saved != path:  # a concurrent writer got there first; keep theirs
                storage.delete(saved)
                existing += 1
            else:
                created += 1
    return {"created": created, "existing": existing}
