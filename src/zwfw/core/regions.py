"""行政区划代码 (GB/T 2260).

The 34 province-level codes are stable and live here in code. City and county codes change
every year (the Ministry of Civil Affairs publishes the list), so they are DATA: the
``Region`` table, loaded from ``zwfw/core/data/regions.csv`` by a data migration and by
``zwfw manage load_regions FILE`` when operators update it.

CSV format (UTF-8, header required): ``code,name,level,parent_code,valid``
- ``code``: 6 digits; ``level``: province | prefecture | county;
- ``parent_code``: blank for provinces, otherwise the code of the containing region;
- ``valid``: 1/0 (or true/false) — 0 keeps an abolished code so old records still resolve.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zwfw.core.errors import ValidationFailed

# GB/T 2260 province-level divisions, 6-digit form NN0000 (reference/codes.md).
PROVINCES: dict[str, str] = {
    "11": "北京",
    "12": "天津",
    "13": "河北",
    "14": "山西",
    "15": "内蒙古",
    "21": "辽宁",
    "22": "吉林",
    "23": "黑龙江",
    "31": "上海",
    "32": "江苏",
    "33": "浙江",
    "34": "安徽",
    "35": "福建",
    "36": "江西",
    "37": "山东",
    "41": "河南",
    "42": "湖北",
    "43": "湖南",
    "44": "广东",
    "45": "广西",
    "46": "海南",
    "50": "重庆",
    "51": "四川",
    "52": "贵州",
    "53": "云南",
    "54": "西藏",
    "61": "陕西",
    "62": "甘肃",
    "63": "青海",
    "64": "宁夏",
    "65": "新疆",
    "71": "台湾",
    "81": "香港",
    "82": "澳门",
}

# GB/T 2260 code of the country as a whole; central authorities register credit codes under it
# (e.g. 11100000000013338W in reference/codes.md).
NATIONAL_REGION_CODE = "100000"

DEFAULT_REGIONS_CSV = Path(__file__).resolve().parent / "data" / "regions.csv"

LEVELS = ("province", "prefecture", "county")


def province_name(code: str) -> str | None:
    """The province-level name for a region code (its first two digits), or None if unknown."""
    return PROVINCES.get(code[:2]) if len(code) >= 2 else None


@dataclass(frozen=True)
class RegionRow:
    code: str
    name: str
    level: str
    parent_code: str
    valid: bool


class RegionFileInvalid(ValidationFailed):
    """The regions CSV broke a rule; details = [{"line", "reason"}]. Nothing was written."""

    def __init__(self, problems: list[dict[str, Any]]) -> None:
        first = problems[0]
        super().__init__(
            "INVALID_REGION_FILE",
            f"行政区划文件有 {len(problems)} 处错误，未导入；第{first['line']}行：{first['reason']}",
            details=problems,
        )


_TRUE = {"1", "true", "yes", "是"}
_FALSE = {"0", "false", "no", "否"}


def parse_regions_csv(text: str, *, known_codes: Iterable[str] = ()) -> list[RegionRow]:
    """Parse and validate a whole regions CSV; raise RegionFileInvalid listing every problem.

    ``known_codes`` are codes already in the database, accepted as parents.
    """
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    expected = {"code", "name", "level", "parent_code", "valid"}
    if reader.fieldnames is None or not expected <= {f.strip() for f in reader.fieldnames}:
        raise RegionFileInvalid([{"line": 1, "reason": "表头应为 code,name,level,parent_code,valid"}])
    rows: list[RegionRow] = []
    lines: list[int] = []
    problems: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for line_no, raw in enumerate(reader, start=2):
        cells = {k.strip(): (v or "").strip() for k, v in raw.items() if k is not None}
        code, name, level = cells["code"], cells["name"], cells["level"]
        parent, valid_raw = cells["parent_code"], cells["valid"].lower()
        reasons = []
        if len(code) != 6 or not code.isdigit():
            reasons.append(f"区划代码{code!r}应为6位数字")
        elif code[:2] not in PROVINCES:
            reasons.append(f"区划代码{code}的省级代码{code[:2]}不存在")
        if not name:
            reasons.append("名称不能为空")
        if level not in LEVELS:
            reasons.append(f"层级{level!r}应为 province、prefecture 或 county")
        if valid_raw not in _TRUE | _FALSE:
            reasons.append(f"valid 应为 1 或 0，实际为{cells['valid']!r}")
        if level == "province" and parent:
            reasons.append("省级区划不应有上级代码")
        if level in ("prefecture", "county") and not parent:
            reasons.append("地市级和区县级区划必须填写上级代码")
        if code in seen:
            reasons.append(f"区划代码{code}与第{seen[code]}行重复")
        seen.setdefault(code, line_no)
        if reasons:
            problems.extend({"line": line_no, "reason": r} for r in reasons)
            continue
        rows.append(RegionRow(code, name, level, parent, valid_raw in _TRUE))
        lines.append(line_no)
    known = set(known_codes) | {r.code for r in rows}
    for line_no, row in zip(lines, rows, strict=True):
        if row.parent_code and row.parent_code not in known:
            problems.append({"line": line_no, "reason": f"上级代码{row.parent_code}不存在（区划{row.code}）"})
    if problems:
        problems.sort(key=lambda p: p["line"])
        raise RegionFileInvalid(problems)
    return rows


def write_regions(region_model: Any, rows: list[RegionRow]) -> tuple[int, int]:
    """Upsert rows into the Region table (the model is passed so data migrations can use it).

    Codes absent from the file are left alone: an abolished code is marked valid=0 by the file,
    never deleted, because old cases and ID numbers still refer to it. Returns (created, updated).
    """
    created = updated = 0
    existing = {r.code: r for r in region_model.objects.filter(code__in=[row.code for row in rows])}
    for row in rows:
        values = {"name": row.name, "level": row.level, "parent_code": row.parent_code, "valid": row.valid}
        current = existing.get(row.code)
        if current is None:
            region_model.objects.create(code=row.code, **values)
            created += 1
        elif any(getattr(current, k) != v for k, v in values.items()):
            region_model.objects.filter(pk=current.pk).update(**values)
            updated += 1
    return created, updated


def load_regions(text: str) -> tuple[int, int]:
    """Validate the whole CSV, then upsert it in one transaction. Returns (created, updated)."""
    from django.db import transaction

    from zwfw.core.models import Region

    with transaction.atomic():
        rows = parse_regions_csv(text, known_codes=Region.objects.values_list("code", flat=True))
        return write_regions(Region, rows)


def region_name(code: str) -> str | None:
    """Name of a region from the table, falling back to the province-level table."""
    from zwfw.core.models import Region

    name = Region.objects.filter(code=code).values_list("name", flat=True).first()
    if name:
        return name
    return PROVINCES.get(code[:2]) if len(code) == 6 and code.endswith("0000") else None
