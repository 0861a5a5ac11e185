"""The spreadsheet forms of the catalogue (XLSX, CSV): sheets <-> the JSON document.

One sheet (or CSV file) per list, lists inside a row as JSON text, materials and handling items on sheets of
their own keyed by `item_code` (docs/catalog-format.md)."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Mapping
from typing import Any

from zwfw.catalog.records import (
    BASE_ITEM_FIELDS,
    DEPARTMENT_FIELDS,
    FORMAT,
    HANDLING_ITEM_FIELDS,
    ITEM_FIELDS,
    MATERIAL_FIELDS,
    TOPIC_FIELDS,
    F,
)
from zwfw.catalog.validation import (
    Problem,
)

KINDS = ("departments", "topics", "base_items", "items")
FIELDS = {
    "departments": DEPARTMENT_FIELDS,
    "topics": TOPIC_FIELDS,
    "base_items": BASE_ITEM_FIELDS,
    "items": tuple(f for f in ITEM_FIELDS if f.name not in ("handling_items", "materials")),
    "handling_items": (F("item_code", "str", required=True), *HANDLING_ITEM_FIELDS),
    "materials": (F("item_code", "str", required=True), *MATERIAL_FIELDS),
}
SHEETS = (*KINDS, "handling_items", "materials")

Sheet = list[tuple[int, dict[str, Any]]]  # (row number in the sheet, {column: raw value})


def read_xlsx(data: bytes) -> dict[str, Sheet] | str:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        return f"不是有效的 XLSX 文件：{type(exc).__name__}"
    sheets: dict[str, Sheet] = {}
    try:
        for ws in workbook.worksheets:
            rows = ws.iter_rows(values_only=True)
            header = next(rows, None)
            if header is None:
                sheets[ws.title] = []
                continue
            names = [str(h).strip() if h is not None else "" for h in header]
            sheet: Sheet = []
            for number, values in enumerate(rows, start=2):
                if values is None or all(v is None or v == "" for v in values):
                    continue
                sheet.append((number, {n: v for n, v in zip(names, values, strict=False) if n}))
            sheets[ws.title] = sheet
    finally:
        workbook.close()
    return sheets


def read_csv(data: Any) -> dict[str, Sheet] | str:
    files: dict[str, str] = {}
    if isinstance(data, Mapping):
        files = {str(k): str(v) for k, v in data.items()}
    elif isinstance(data, bytes):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                for info in zf.infolist():
                    if info.is_dir() or not info.filename.endswith(".csv"):
                        continue
                    if info.file_size > 200 * 1024 * 1024:
                        return f"{info.filename} 过大"
                    files[info.filename.rsplit("/", 1)[-1]] = zf.read(info).decode("utf-8-sig")
        except (zipfile.BadZipFile, UnicodeDecodeError) as exc:
            return f"不是有效的 CSV 压缩包（zip，UTF-8）：{exc}"
    else:
        return "CSV 应为 zip 压缩包的字节或 {文件名: 内容} 的映射"
    sheets: dict[str, Sheet] = {}
    for name, text in files.items():
        reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))
        header = next(reader, None)
        if header is None:
            sheets[name.removesuffix(".csv")] = []
            continue
        names = [h.strip() for h in header]
        sheet: Sheet = []
        # Numbered like a spreadsheet shows them: the header is row 1 (a cell may span several lines).
        for number, values in enumerate(reader, start=2):
            if all(v == "" for v in values):
                continue
            sheet.append((number, {n: csv_cell_in(v) for n, v in zip(names, values, strict=False) if n}))
        sheets[name.removesuffix(".csv")] = sheet
    return sheets


# CSV injection (OWASP): a cell beginning with one of these is taken for a formula by a spreadsheet.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell_out(value: str) -> str:
    """A text as written to CSV: prefixed with a single quote if, after any quotes it already starts with,
    it begins like a formula. The quotes are counted so that `csv_cell_in` undoes exactly this prefix."""
    return "'" + value if value.lstrip("'").startswith(FORMULA_START) else value


def csv_cell_in(value: str) -> str:
    """Undo `csv_cell_out`; any other leading quote is part of the text."""
    return value[1:] if value.startswith("'") and value.lstrip("'").startswith(FORMULA_START) else value


def assemble(
    sheets: dict[str, Sheet],
) -> tuple[dict[str, Any], dict[str, tuple[str, int]], list[tuple[str, Problem]]]:
    """Sheets -> the JSON document, with a locator from each record's pointer to its sheet row."""
    doc: dict[str, Any] = {"format": FORMAT}
    locator: dict[str, tuple[str, int]] = {}
    problems: list[tuple[str, Problem]] = []
    for name in sheets:
        if name not in (*SHEETS, "meta"):
            problems.append(("", Problem("", name, f"未知工作表 {name}")))
    for _, row in sheets.get("meta", []):
        if row.get("key") == "format" and row.get("value") != FORMAT:
            problems.append(("", Problem("", "format", f"格式应为 {FORMAT}")))
    for kind in KINDS:
        records = []
        for number, row in sheets.get(kind, []):
            locator[f"/{kind}/{len(records)}"] = (kind, number)
            records.append(coerce(row, FIELDS[kind]))
        doc[kind] = records
    item_index = {r.get("code"): i for i, r in enumerate(doc["items"]) if isinstance(r.get("code"), str)}
    for i in item_index.values():
        doc["items"][i]["handling_items"] = []
        doc["items"][i]["materials"] = []
    for child in ("handling_items", "materials"):
        for number, row in sheets.get(child, []):
            record = coerce(row, FIELDS[child])
            owner = record.pop("item_code", None)
            if owner not in item_index:
                problems.append(
                    ("", Problem("", "item_code", f"{child} 第 {number} 行的事项 {owner} 不在 items 表中"))
                )
                continue
            children = doc["items"][item_index[owner]][child]
            locator[f"/items/{item_index[owner]}/{child}/{len(children)}"] = (child, number)
            children.append(record)
    return doc, locator, problems


def coerce(row: Mapping[str, Any], fields: tuple[F, ...]) -> dict[str, Any]:
    """Cell values -> JSON values by the field's type. A value that cannot be converted is kept as it is,
    so validation reports it against its row and field; an empty optional cell is left out."""
    types = {f.name: f for f in fields}
    out: dict[str, Any] = {}
    for name, value in row.items():
        f = types.get(name)
        if f is None:
            out[name] = value
            continue
        if value is None or value == "":
            if f.type == "str" and f.required:
                out[name] = ""
            elif f.type == "nstr":
                out[name] = None
            continue
        out[name] = cell(f, value)
    return out


def cell(f: F, value: Any) -> Any:
    if f.type in ("str", "nstr"):
        if isinstance(value, bool):
            return value
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value) if isinstance(value, int | float) else value
    if f.type == "int":
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            return int(value.strip())
        return value
    if f.type == "bool":
        if isinstance(value, str):
            return {"true": True, "false": False, "是": True, "否": False, "1": True, "0": False}.get(
                value.strip().lower(), value
            )
        if isinstance(value, int) and not isinstance(value, bool) and value in (0, 1):
            return bool(value)
        return value
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


# ---- writing ------------------------------------------------------------------------------------------


def to_sheets(doc: Mapping[str, Any]) -> dict[str, tuple[list[str], list[list[Any]]]]:
    """Document -> {sheet: (header, rows)}; lists inside a row become JSON text."""
    sheets: dict[str, tuple[list[str], list[list[Any]]]] = {}
    for kind in KINDS:
        header = [f.name for f in FIELDS[kind]]
        sheets[kind] = (header, [[cell_out(r[name]) for name in header] for r in doc[kind]])
    for child in ("handling_items", "materials"):
        header = [f.name for f in FIELDS[child]]
        rows = []
        for item in doc["items"]:
            for record in item[child]:
                rows.append([item["code"], *(cell_out(record[name]) for name in header[1:])])
        sheets[child] = (header, rows)
    return sheets


def cell_out(value: Any) -> Any:
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def write_xlsx(sheets: Mapping[str, tuple[list[str], list[list[Any]]]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    meta = workbook.active
    meta.title = "meta"
    meta.append(["key", "value"])
    meta.append(["format", FORMAT])
    for name, (header, rows) in sheets.items():
        ws = workbook.create_sheet(name)
        ws.append(header)
        for values in rows:
            ws.append(values)
        # Text that starts with "=" is data, not a formula.
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def write_csv_zip(sheets: Mapping[str, tuple[list[str], list[list[Any]]]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, (header, rows) in sheets.items():
            zf.writestr(f"{name}.csv", csv_text(header, rows).encode("utf-8-sig"))
    return out.getvalue()


def csv_files(sheets: Mapping[str, tuple[list[str], list[list[Any]]]]) -> dict[str, str]:
    return {f"{name}.csv": csv_text(header, rows) for name, (header, rows) in sheets.items()}


def csv_text(header: list[str], rows: list[list[Any]]) -> str:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\n")
    # A bare carriage return is not quoted by QUOTE_MINIMAL (the line terminator is "\n"): such rows are
    # written with every field quoted, so the reader keeps it inside its cell.
    quoted = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(header)
    for values in rows:
        cells = [_csv_value(v) for v in values]
        (quoted if any(isinstance(c, str) and "\r" in c for c in cells) else writer).writerow(cells)
    return buf.getvalue()


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return csv_cell_out(value) if isinstance(value, str) else value
