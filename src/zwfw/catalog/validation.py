"""The rules a catalogue record must follow (docs/catalog-format.md, "Rules checked").

One place for every writer: services call it before writing, the import calls it on the whole file before
anything is written, the admin forms and the API call it through the services. Checks work on records
(plain dicts, see records.py); references are resolved through `Refs`, which sees the database and, during
an import, the records of the file.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage

from zwfw.catalog.errors import CatalogValidationError
from zwfw.catalog.models import (
    BaseItem,
    Department,
    ImplementationItem,
    ItemKind,
    ItemStatus,
    MaterialRequirement,
    MaterialSource,
    OnlineDepth,
    Topic,
)
from zwfw.catalog.records import (
    BASE_ITEM_FIELDS,
    DEPARTMENT_FIELDS,
    HANDLING_ITEM_FIELDS,
    ITEM_FIELDS,
    MATERIAL_FIELDS,
    TOPIC_FIELDS,
    F,
)
from zwfw.core.codes import InvalidCode, parse_credit_code, validate_region_code

ITEM_CODE_RE = re.compile(r"^[0-9A-Z]{31}$")
HANDLING_SUFFIX_RE = re.compile(r"^[0-9]{2}$")
TOPIC_CODE_RE = re.compile(r"^[-a-z0-9_]+$")
# GB/T 36904 证照类型代码: the defining department's 18-char credit code + a 3-digit sequence.
LICENSE_TYPE_CODE_RE = re.compile(r"^[0-9A-Z]{18}[0-9]{3}$")
CONTROL_CHARS_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Problem:
    """One broken rule. `row` is a JSON pointer relative to the record ("" = the record itself)."""

    row: str
    field: str
    reason: str


@dataclass(frozen=True)
class BaseFacts:
    kind: str
    legal_limit_days: int


class Refs:
    """What records may refer to: rows already in the database, overlaid by the records of a file."""

    def __init__(
        self,
        *,
        departments: Iterable[str] = (),
        topics: Iterable[str] = (),
        base_items: Mapping[str, BaseFacts] | None = None,
    ) -> None:
        self._departments = set(departments)
        self._topics = set(topics)
        self._base_items = dict(base_items or {})

    def has_department(self, credit_code: str) -> bool:
        return credit_code in self._departments or Department.objects.filter(credit_code=credit_code).exists()

    def has_topic(self, code: str) -> bool:
        return code in self._topics or Topic.objects.filter(code=code).exists()

    def has_base_item(self, code: str) -> bool:
        return self.base_item(code) is not None

    def base_item(self, code: str) -> BaseFacts | None:
        if code in self._base_items:
            return self._base_items[code]
        row = BaseItem.objects.filter(code=code).values("kind", "legal_limit_days").first()
        return BaseFacts(row["kind"], row["legal_limit_days"]) if row else None


# ---- entry points ---------------------------------------------------------------------------------------


def check_department(data: Any, *, refs: Refs | None = None) -> list[Problem]:
    """Problems of a department record (部门)."""
    refs = refs or Refs()
    problems = check_fields(data, DEPARTMENT_FIELDS)
    if not isinstance(data, Mapping):
        return problems
    bad = {p.field for p in problems}
    if "credit_code" not in bad:
        problems += _credit_code_problems(data["credit_code"], "credit_code")
    if "region_code" not in bad:
        problems += _region_problems(data["region_code"], "region_code")
    parent = data.get("parent_credit_code")
    if "parent_credit_code" not in bad and parent:
        if parent == data.get("credit_code"):
            problems.append(Problem("", "parent_credit_code", "上级部门不能是本部门"))
        elif not refs.has_department(parent):
            problems.append(Problem("", "parent_credit_code", f"上级部门 {parent} 不存在"))
    return problems


def check_topic(data: Any, *, refs: Refs | None = None) -> list[Problem]:
    """Problems of a topic record (主题)."""
    problems = check_fields(data, TOPIC_FIELDS)
    if not isinstance(data, Mapping):
        return problems
    if "code" not in {p.field for p in problems} and not TOPIC_CODE_RE.match(data["code"]):
        problems.append(Problem("", "code", "主题编码只能由小写字母、数字、连字符和下划线组成"))
    return problems


def check_base_item(data: Any, *, refs: Refs | None = None) -> list[Problem]:
    """Problems of a base catalogue record (基本目录事项)."""
    refs = refs or Refs()
    problems = check_fields(data, BASE_ITEM_FIELDS)
    if not isinstance(data, Mapping):
        return problems
    parent = data.get("parent_code")
    if "parent_code" not in {p.field for p in problems} and parent:
        if parent == data.get("code"):
            problems.append(Problem("", "parent_code", "主项不能是本事项"))
        elif not refs.has_base_item(parent):
            problems.append(Problem("", "parent_code", f"主项 {parent} 不存在"))
    return problems


def base_item_conflicts(
    code: str, kind: str, legal_limit_days: int, *, replaced_items: Collection[str] = ()
) -> list[tuple[str, Problem]]:
    """(item code, problem) for every published item of base item `code` that would break a rule if the
    base item had this `kind` and `legal_limit_days` (an item keeps its base item's kind and stays within
    its legal limit). Items in `replaced_items` are left out: the caller replaces their published version
    in the same transaction and checks the new one."""
    rows = (
        ImplementationItem.objects.filter(base_item__code=code, status=ItemStatus.PUBLISHED)
        .order_by("code")
        .values_list("code", "kind", "legal_limit_days")
    )
    out: list[tuple[str, Problem]] = []
    for item_code, item_kind, item_days in rows:
        if item_code in replaced_items:
            continue
        if item_kind != kind:
            out.append(
                (
                    item_code,
                    Problem(
                        "",
                        "kind",
                        f"已发布的实施清单事项 {item_code} 的事项类型为{_kind_label(item_kind)}，"
                        f"与基本目录事项修改后的类型（{_kind_label(kind)}）不一致",
                    ),
                )
            )
        if item_days > legal_limit_days:
            out.append(
                (
                    item_code,
                    Problem(
                        "",
                        "legal_limit_days",
                        f"已发布的实施清单事项 {item_code} 的法定办结时限为 {item_days} 个工作日，"
                        f"超过基本目录事项修改后的 {legal_limit_days} 个工作日",
                    ),
                )
            )
    return out


def _kind_label(kind: str) -> str:
    try:
        return str(ItemKind(kind).label)
    except ValueError:
        return kind


def check_item(data: Any, *, refs: Refs | None = None) -> list[Problem]:
    """Problems of an implementation item record (实施清单事项) with its materials and handling items."""
    refs = refs or Refs()
    problems = check_fields(data, ITEM_FIELDS)
    if not isinstance(data, Mapping):
        return problems
    bad = {p.field for p in problems}

    def ok(name: str) -> bool:
        return name in data and name not in bad

    dept_code = data.get("department_credit_code")
    dept_ok = ok("department_credit_code")
    if dept_ok:
        dept_problems = _credit_code_problems(dept_code, "department_credit_code")
        if not dept_problems and not refs.has_department(dept_code):
            dept_problems.append(Problem("", "department_credit_code", f"实施主体 {dept_code} 不存在"))
        problems += dept_problems
        dept_ok = not dept_problems
    code = data.get("code")
    if ok("code"):
        if not ITEM_CODE_RE.match(code):
            problems.append(Problem("", "code", "实施编码应为 31 位数字或大写字母"))
        elif dept_ok and not code.startswith(dept_code):
            problems.append(Problem("", "code", "实施编码应以实施主体的统一社会信用代码开头"))
    if ok("region_code"):
        problems += _region_problems(data["region_code"], "region_code")

    base = refs.base_item(data["base_code"]) if ok("base_code") else None
    if ok("base_code") and base is None:
        problems.append(Problem("", "base_code", f"基本目录事项 {data['base_code']} 不存在"))
    if base is not None and ok("kind") and data["kind"] != base.kind:
        problems.append(Problem("", "kind", f"事项类型应与基本目录事项一致（{ItemKind(base.kind).label}）"))
    if base is not None and ok("legal_limit_days") and data["legal_limit_days"] > base.legal_limit_days:
        problems.append(
            Problem(
                "", "legal_limit_days", f"法定办结时限不能超过基本目录事项的 {base.legal_limit_days} 个工作日"
            )
        )
    if (
        ok("promised_limit_days")
        and ok("legal_limit_days")
        and data["promised_limit_days"] > data["legal_limit_days"]
    ):
        problems.append(Problem("", "promised_limit_days", "承诺办结时限不能超过法定办结时限"))
    if ok("topics"):
        for index, topic in enumerate(data["topics"]):
            if not refs.has_topic(topic):
                problems.append(Problem("", f"topics.{index}", f"主题 {topic} 不存在"))
    visits = data.get("visits_required", 1)
    if ok("visits_required") and visits == 0 and data.get("online_depth") != OnlineDepth.FULLY_ONLINE:
        problems.append(
            Problem("", "online_depth", "到办事现场次数为 0 的事项，网上办理深度应为四级（全程网办）")
        )
    is_free = data.get("is_free", True)
    if "is_free" not in bad and is_free is False and "fees" not in bad and not data.get("fees"):
        problems.append(Problem("", "fees", "收费事项应至少列出一项收费项目"))
    result_license = data.get("result_license_type_code") if ok("result_license_type_code") else ""
    if result_license and not LICENSE_TYPE_CODE_RE.match(result_license):
        problems.append(
            Problem("", "result_license_type_code", "电子证照类型代码应为 18 位统一社会信用代码加 3 位数字")
        )

    handling_codes: set[str] = set()
    if ok("handling_items"):
        for index, handling in enumerate(data["handling_items"]):
            problems += _handling_problems(
                handling, f"/handling_items/{index}", code if ok("code") else None, handling_codes
            )
    if ok("materials"):
        known = handling_codes if ok("handling_items") else None
        for index, material in enumerate(data["materials"]):
            problems += check_material(material, row=f"/materials/{index}", handling_codes=known)
    return problems


def check_material(data: Any, *, row: str = "", handling_codes: set[str] | None = None) -> list[Problem]:
    """Problems of one material (申请材料) of an item; `handling_codes` are the item's 业务办理项 codes."""
    problems = [Problem(row, p.field, p.reason) for p in check_fields(data, MATERIAL_FIELDS)]
    if not isinstance(data, Mapping):
        return problems
    bad = {p.field for p in problems}

    def blank(name: str) -> bool:
        return name not in bad and not str(data.get(name) or "").strip()

    source, requirement = data.get("source"), data.get("requirement")
    if requirement == MaterialRequirement.CONDITIONAL and blank("condition"):
        problems.append(Problem(row, "condition", "情形必要的材料应说明适用情形"))
    if source == MaterialSource.E_LICENSE and blank("license_type_code"):
        problems.append(Problem(row, "license_type_code", "来源为电子证照的材料应填写电子证照类型代码"))
    elif (
        "license_type_code" not in bad
        and data.get("license_type_code")
        and not LICENSE_TYPE_CODE_RE.match(data["license_type_code"])
    ):
        problems.append(
            Problem(row, "license_type_code", "电子证照类型代码应为 18 位统一社会信用代码加 3 位数字")
        )
    if source == MaterialSource.SHARED_DATA and blank("shared_resource"):
        problems.append(Problem(row, "shared_resource", "来源为数据共享的材料应填写共享数据资源"))
    if source == MaterialSource.DEPARTMENT and blank("issuing_body"):
        problems.append(Problem(row, "issuing_body", "来源为政府部门核发的材料应填写核发部门"))
    if handling_codes is not None and "handling_codes" not in bad:
        for index, hcode in enumerate(data.get("handling_codes") or []):
            if hcode not in handling_codes:
                problems.append(Problem(row, f"handling_codes.{index}", f"业务办理项 {hcode} 不属于本事项"))
    for name in ("blank_form", "sample"):
        path = data.get(name)
        if name not in bad and path and not _stored_file_exists(path):
            problems.append(Problem(row, name, f"媒体存储中没有文件 {path}"))
    return problems


def validate_department(data: Any, *, refs: Refs | None = None) -> None:
    raise_problems(check_department(data, refs=refs))


def validate_topic(data: Any, *, refs: Refs | None = None) -> None:
    raise_problems(check_topic(data, refs=refs))


def validate_base_item(data: Any, *, refs: Refs | None = None) -> None:
    raise_problems(check_base_item(data, refs=refs))


def validate_item(data: Any, *, refs: Refs | None = None) -> None:
    raise_problems(check_item(data, refs=refs))


def field_path(problem: Problem) -> str:
    """A problem's place inside one record as a dotted path: "materials.3.condition"."""
    parts = [part for part in problem.row.split("/") if part]
    return ".".join([*parts, problem.field]) if problem.field else ".".join(parts)


def problems_to_details(problems: Iterable[Problem]) -> list[dict[str, str]]:
    return [{"field": field_path(p), "reason": p.reason} for p in problems]


def raise_problems(problems: list[Problem]) -> None:
    """Raise CatalogValidationError with details [{"field", "reason"}] if there is any problem."""
    if problems:
        raise CatalogValidationError(
            "CATALOG_INVALID",
            f"事项目录数据不符合规则（{len(problems)} 处）：{problems[0].reason}",
            details=problems_to_details(problems),
        )


# ---- field types ----------------------------------------------------------------------------------------


def check_fields(data: Any, fields: tuple[F, ...], *, prefix: str = "") -> list[Problem]:
    """Types, presence, blankness, length, range and enum values of a record's fields; unknown fields."""
    if not isinstance(data, Mapping):
        return [Problem("", prefix.rstrip("."), "应为对象（JSON object）")]
    problems: list[Problem] = []
    known = {f.name for f in fields}
    for key in data:
        if key not in known:
            problems.append(Problem("", f"{prefix}{key}", "未知字段"))
    for f in fields:
        name = f"{prefix}{f.name}"
        if f.name not in data:
            if f.required:
                problems.append(Problem("", name, f"缺少必填项「{f.label}」"))
            continue
        reason = _value_problem(f, data[f.name])
        if reason:
            problems.append(Problem("", name, reason))
        elif f.type == "objlist":
            for index, element in enumerate(data[f.name]):
                problems += check_fields(element, f.item_fields, prefix=f"{name}.{index}.")
    return problems


def _value_problem(f: F, value: Any) -> str | None:
    if f.type in ("str", "nstr"):
        if value is None and f.type == "nstr":
            return None
        if not isinstance(value, str):
            return "应为文本"
        return _text_problem(f, value)
    if f.type == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            return "应为整数"
        if f.choices is not None and value not in f.choices:
            return f"取值 {value} 无效，可选值：{'、'.join(str(c) for c in f.choices)}"
        if not f.min_value <= value <= f.max_value:
            return f"应在 {f.min_value} 到 {f.max_value} 之间"
        return None
    if f.type == "bool":
        return None if isinstance(value, bool) else "应为 true 或 false"
    if f.type == "strlist":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return "应为文本列表"
        for v in value:
            if not v.strip():
                return "列表中不能有空白项"
            if len(v) > 200:
                return "列表中每项不能超过 200 个字符"
            if CONTROL_CHARS_RE.search(v):
                return "含有不可见的控制字符"
            if f.choices is not None and v not in f.choices:
                return f"取值「{v}」无效，可选值：{'、'.join(f.choices)}"
        if len(value) > 100:
            return "列表不能超过 100 项"
        return None
    if f.type == "objlist":
        if not isinstance(value, list):
            return "应为对象列表"
        return None if len(value) <= 500 else "列表不能超过 500 项"
    raise AssertionError(f.type)  # pragma: no cover


def _text_problem(f: F, value: str) -> str | None:
    if CONTROL_CHARS_RE.search(value):
        return "含有不可见的控制字符"
    if f.required and not value.strip():
        return f"「{f.label}」不能为空"
    if f.max_length is not None and len(value) > f.max_length:
        return f"长度不能超过 {f.max_length} 个字符"
    if f.choices is not None and value not in f.choices:
        return f"取值「{value}」无效，可选值：{'、'.join(f.choices)}"
    return None


def _credit_code_problems(value: str, field: str) -> list[Problem]:
    try:
        parsed = parse_credit_code(value)
    except InvalidCode as exc:
        return [Problem("", field, str(exc))]
    if parsed.code != value:
        return [Problem("", field, f"统一社会信用代码应写作 {parsed.code}（大写，无空格）")]
    return []


def _region_problems(value: str, field: str) -> list[Problem]:
    try:
        validate_region_code(value)
    except InvalidCode as exc:
        return [Problem("", field, str(exc))]
    if value != value.strip():
        return [Problem("", field, "行政区划代码不能含空格")]
    return []


def _handling_problems(data: Any, row: str, item_code: str | None, seen: set[str]) -> list[Problem]:
    problems = [Problem(row, p.field, p.reason) for p in check_fields(data, HANDLING_ITEM_FIELDS)]
    if not isinstance(data, Mapping) or any(p.field == "code" for p in problems):
        return problems
    code = data["code"]
    if item_code is not None and (
        len(code) != 33 or not code.startswith(item_code) or not HANDLING_SUFFIX_RE.match(code[31:])
    ):
        problems.append(Problem(row, "code", "业务办理项编码应为实施编码加 2 位数字"))
    if code in seen:
        problems.append(Problem(row, "code", f"业务办理项编码 {code} 重复"))
    seen.add(code)
    return problems


def _stored_file_exists(path: str) -> bool:
    if path.startswith("/") or "\\" in path:
        return False
    try:
        return default_storage.exists(path)
    except (SuspiciousFileOperation, OSError, ValueError):
        return False
