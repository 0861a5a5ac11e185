"""The catalogue as plain data: the fields of each record of the interchange format (docs/catalog-format.md),
their types and defaults, and the conversion of rows to those dicts.

Services, validation, import/export, admin and API all speak this one shape, so a rule is written once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from zwfw.catalog.models import (
    Audience,
    BaseItem,
    CrossRegionScope,
    DeliveryMethod,
    Department,
    ExerciseLevel,
    HandlingType,
    HandlingVariant,
    ImplementationItem,
    ItemKind,
    LegalBasisKind,
    MaterialRequirement,
    MaterialSource,
    OnlineDepth,
    ResultType,
    Topic,
    TopicAudience,
)

FORMAT = "zwfw-catalog/1"

# 办理渠道: the values an item's `channels` list may hold.
CHANNELS = {
    "web": "网上办理",
    "app": "移动端",
    "window": "窗口办理",
    "terminal": "自助终端",
    "mini_program": "小程序",
}

INT32_MAX = 2_147_483_647


@dataclass(frozen=True)
class F:
    """One field of a record: its type, whether it must be present and non-blank, and its bounds."""

    name: str
    type: str  # "str", "nstr" (string or null), "int", "bool", "strlist", "objlist"
    required: bool = False
    choices: tuple[Any, ...] | None = None
    max_length: int | None = None
    min_value: int = 0
    max_value: int = INT32_MAX
    default: Any = None
    item_fields: tuple[F, ...] = field(default=())  # for objlist: the fields of each element
    label: str = ""

    def default_value(self) -> Any:
        if self.default is not None:
            return self.default() if callable(self.default) else self.default
        return {"str": "", "nstr": None, "int": 0, "bool": False, "strlist": [], "objlist": []}[self.type]


def _choices(enum: Any) -> tuple[Any, ...]:
    return tuple(enum.values)


LEGAL_BASIS_FIELDS = (
    F("kind", "str", required=True, choices=_choices(LegalBasisKind), label="依据类别"),
    F("name", "str", required=True, max_length=200, label="依据名称"),
    F("article", "str", max_length=200, label="条款"),
)
PROCESS_FIELDS = (
    F("name", "str", required=True, max_length=100, label="环节名称"),
    F("description", "str", max_length=1000, label="环节说明"),
)
FEE_FIELDS = (
    F("name", "str", required=True, max_length=200, label="收费项目名称"),
    F("standard", "str", max_length=200, label="收费标准"),
    F("basis", "str", max_length=500, label="收费依据"),
)
PLACE_FIELDS = (
    F("name", "str", required=True, max_length=200, label="地点名称"),
    F("address", "str", max_length=200, label="地址"),
    F("hours", "str", max_length=200, label="办公时间"),
)

DEPARTMENT_FIELDS = (
    F("credit_code", "str", required=True, max_length=18, label="统一社会信用代码"),
    F("name", "str", required=True, max_length=100, label="名称"),
    F("short_name", "str", max_length=40, label="简称"),
    F("region_code", "str", required=True, max_length=6, label="行政区划代码"),
    F("level", "str", required=True, choices=_choices(ExerciseLevel), label="层级"),
    F("parent_credit_code", "nstr", max_length=18, label="上级部门"),
    F("consult_phone", "str", max_length=40, label="咨询电话"),
    F("complaint_phone", "str", max_length=40, label="投诉电话"),
    F("address", "str", max_length=200, label="办公地址"),
    F("office_hours", "str", max_length=200, label="办公时间"),
    F("sort_order", "int", label="排序"),
)

TOPIC_FIELDS = (
    F("code", "str", required=True, max_length=40, label="编码"),
    F("name", "str", required=True, max_length=40, label="名称"),
    F("audience", "str", required=True, choices=_choices(TopicAudience), label="面向"),
    F("description", "str", max_length=200, label="说明"),
    F("sort_order", "int", label="排序"),
)

BASE_ITEM_FIELDS = (
    F("code", "str", required=True, max_length=40, label="基本编码"),
    F("name", "str", required=True, max_length=200, label="事项名称"),
    F("kind", "str", required=True, choices=_choices(ItemKind), label="事项类型"),
    F("exercise_level", "str", required=True, choices=_choices(ExerciseLevel), label="行使层级"),
    F("parent_code", "nstr", max_length=40, label="主项"),
    F("legal_bases", "objlist", item_fields=LEGAL_BASIS_FIELDS, label="设定依据"),
    F("legal_limit_days", "int", required=True, max_value=3650, label="法定办结时限"),
)

HANDLING_ITEM_FIELDS = (
    F("code", "str", required=True, max_length=33, label="业务办理项编码"),
    F("name", "str", required=True, max_length=200, label="名称"),
    F("variant", "str", required=True, choices=_choices(HandlingVariant), label="类别"),
)

MATERIAL_FIELDS = (
    F("name", "str", required=True, max_length=200, label="材料名称"),
    F("source", "str", required=True, choices=_choices(MaterialSource), label="来源"),
    F("requirement", "str", required=True, choices=_choices(MaterialRequirement), label="必要性"),
    F("condition", "str", max_length=300, label="情形说明"),
    F("paper_original_count", "int", max_value=99, label="纸质原件份数"),
    F("paper_copy_count", "int", max_value=99, label="纸质复印件份数"),
    F("electronic", "bool", default=True, label="接受电子材料"),
    F("license_type_code", "str", max_length=21, label="电子证照类型代码"),
    F("shared_resource", "str", max_length=200, label="共享数据资源"),
    F("issuing_body", "str", max_length=100, label="核发部门"),
    F("handling_codes", "strlist", label="适用业务办理项"),
    F("notes", "str", max_length=500, label="填报须知"),
    F("blank_form", "str", max_length=100, label="空白表格"),
    F("sample", "str", max_length=100, label="示例样表"),
)

ITEM_FIELDS = (
    F("code", "str", required=True, max_length=31, label="实施编码"),
    F("base_code", "str", required=True, max_length=40, label="基本目录事项"),
    F("department_credit_code", "str", required=True, max_length=18, label="实施主体"),
    F("region_code", "str", required=True, max_length=6, label="行政区划代码"),
    F("name", "str", required=True, max_length=200, label="事项名称"),
    F("kind", "str", required=True, choices=_choices(ItemKind), label="事项类型"),
    F("exercise_level", "str", required=True, choices=_choices(ExerciseLevel), label="行使层级"),
    F("audience", "str", required=True, choices=_choices(Audience), label="服务对象"),
    F("topics", "strlist", label="主题"),
    F("aliases", "strlist", label="别名"),
    F("summary", "str", max_length=500, label="事项简介"),
    F("legal_bases", "objlist", item_fields=LEGAL_BASIS_FIELDS, label="设定依据"),
    F("conditions", "str", required=True, max_length=10000, label="受理条件"),
    F("process", "objlist", item_fields=PROCESS_FIELDS, label="办理流程"),
    F("legal_limit_days", "int", required=True, max_value=3650, label="法定办结时限"),
    F("legal_limit_note", "str", max_length=200, label="法定时限说明"),
    F("promised_limit_days", "int", required=True, max_value=3650, label="承诺办结时限"),
    F("promised_limit_note", "str", max_length=200, label="承诺时限说明"),
    F("handling_type", "str", required=True, choices=_choices(HandlingType), label="办件类型"),
    F("is_free", "bool", default=True, label="是否免费"),
    F("fees", "objlist", item_fields=FEE_FIELDS, label="收费项目"),
    F("visits_required", "int", default=1, max_value=5, label="到办事现场次数"),
    F("online_depth", "int", required=True, choices=_choices(OnlineDepth), label="网上办理深度"),
    F("channels", "strlist", choices=tuple(CHANNELS), label="办理渠道"),
    F("places", "objlist", item_fields=PLACE_FIELDS, label="办理地点"),
    F("cross_region_scope", "str", choices=_choices(CrossRegionScope), default="none", label="通办范围"),
    F("consult_phone", "str", required=True, max_length=40, label="咨询电话"),
    F("complaint_phone", "str", required=True, max_length=40, label="投诉电话"),
    F("result_name", "str", max_length=200, label="审批结果名称"),
    F("result_type", "str", required=True, choices=_choices(ResultType), label="审批结果类型"),
    F("result_license_type_code", "str", max_length=21, label="结果电子证照类型代码"),
    F("delivery_methods", "strlist", choices=_choices(DeliveryMethod), label="送达方式"),
    F("popularity", "int", label="热度"),
    F("handling_items", "objlist", item_fields=HANDLING_ITEM_FIELDS, label="业务办理项"),
    F("materials", "objlist", item_fields=MATERIAL_FIELDS, label="申请材料"),
)

# Fields of an item that are copied 1:1 between the record and the model row.
ITEM_SCALAR_FIELDS = tuple(
    f.name
    for f in ITEM_FIELDS
    if f.name not in ("code", "base_code", "department_credit_code", "topics", "handling_items", "materials")
)
MATERIAL_SCALAR_FIELDS = tuple(f.name for f in MATERIAL_FIELDS)


def with_defaults(data: Mapping[str, Any], fields: tuple[F, ...]) -> dict[str, Any]:
    """The record with every missing optional field set to its default (and nested lists filled too)."""
    out: dict[str, Any] = {}
    for f in fields:
        value = data[f.name] if f.name in data else f.default_value()
        if f.type == "objlist" and isinstance(value, list):
            value = [with_defaults(v, f.item_fields) if isinstance(v, Mapping) else v for v in value]
        out[f.name] = value
    return out


def normalise_item(data: Mapping[str, Any]) -> dict[str, Any]:
    """The item record in canonical form, for comparing versions: defaults filled, topics sorted."""
    out = with_defaults(data, ITEM_FIELDS)
    if isinstance(out["topics"], list) and all(isinstance(t, str) for t in out["topics"]):
        out["topics"] = sorted(set(out["topics"]))
    return out


# ---- rows -> records -----------------------------------------------------------------------------------


def department_record(dept: Department) -> dict[str, Any]:
    return {
        "credit_code": dept.credit_code,
        "name": dept.name,
        "short_name": dept.short_name,
        "region_code": dept.region_code,
        "level": dept.level,
        "parent_credit_code": dept.parent.credit_code if dept.parent_id else None,
        "consult_phone": dept.consult_phone,
        "complaint_phone": dept.complaint_phone,
        "address": dept.address,
        "office_hours": dept.office_hours,
        "sort_order": dept.sort_order,
    }


def topic_record(topic: Topic) -> dict[str, Any]:
    return {
        "code": topic.code,
        "name": topic.name,
        "audience": topic.audience,
        "description": topic.description,
        "sort_order": topic.sort_order,
    }


def base_item_record(base: BaseItem) -> dict[str, Any]:
    return {
        "code": base.code,
        "name": base.name,
        "kind": base.kind,
        "exercise_level": base.exercise_level,
        "parent_code": base.parent.code if base.parent_id else None,
        "legal_bases": list(base.legal_bases),
        "legal_limit_days": base.legal_limit_days,
    }


def item_record(item: ImplementationItem) -> dict[str, Any]:
    """One item version as an interchange record (materials and handling items in display order)."""
    record: dict[str, Any] = {
        "code": item.code,
        "base_code": item.base_item.code,
        "department_credit_code": item.department.credit_code,
    }
    for name in ITEM_SCALAR_FIELDS:
        record[name] = getattr(item, name)
    record["topics"] = sorted(t.code for t in item.topics.all())
    record["handling_items"] = [
        {"code": h.code, "name": h.name, "variant": h.variant}
        for h in sorted(item.handling_items.all(), key=lambda h: (h.sort_order, h.id))
    ]
    materials = []
    for m in sorted(item.materials.all(), key=lambda m: (m.sort_order, m.id)):
        rec = {name: getattr(m, name) for name in MATERIAL_SCALAR_FIELDS}
        rec["blank_form"] = m.blank_form.name or ""
        rec["sample"] = m.sample.name or ""
        rec["handling_codes"] = list(m.handling_codes)
        materials.append(rec)
    record["materials"] = materials
    # Keep the key order of ITEM_FIELDS so exported files read in the documented order.
    return {f.name: record[f.name] for f in ITEM_FIELDS}
