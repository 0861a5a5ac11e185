"""Departments (部门), topics (主题) and base items (基本目录事项): created and updated from interchange
records, each write validated and audited in its own transaction."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from django.db import transaction

from zwfw.catalog.errors import (
    CatalogConflict,
    CatalogValidationError,
    DepartmentNotFound,
    TopicNotFound,
)
from zwfw.catalog.models import (
    BaseItem,
    Department,
    Topic,
)
from zwfw.catalog.records import (
    BASE_ITEM_FIELDS,
    DEPARTMENT_FIELDS,
    TOPIC_FIELDS,
    base_item_record,
    department_record,
    topic_record,
    with_defaults,
)
from zwfw.catalog.services._common import _audit, _immutable, _parent_cycle, _pinyin_full
from zwfw.catalog.validation import (
    Refs,
    base_item_conflicts,
    check_base_item,
    check_department,
    check_topic,
    raise_problems,
)

# ---- departments (部门) ---------------------------------------------------------------------------------


@transaction.atomic
def create_department(*, actor: str, data: Mapping[str, Any], source_ip: str | None = None) -> Department:
    """Create a department from its record; CatalogConflict if the credit code is taken."""
    raise_problems(check_department(data, refs=Refs()))
    record = with_defaults(data, DEPARTMENT_FIELDS)
    if Department.objects.filter(credit_code=record["credit_code"]).exists():
        raise CatalogConflict(
            "DEPARTMENT_EXISTS",
            f"统一社会信用代码为 {record['credit_code']} 的部门已存在",
            details={"credit_code": record["credit_code"]},
        )
    dept = Department()
    _apply_department(dept, record)
    dept.save()
    _audit(
        actor, "catalog.department.create", "catalog.department", dept.credit_code, None, record, source_ip
    )
    return dept


@transaction.atomic
def update_department(
    *, actor: str, credit_code: str, changes: Mapping[str, Any], source_ip: str | None = None
) -> Department:
    """Change fields of a department (the credit code itself cannot change). No change, no audit entry."""
    dept = (
        Department.objects.select_for_update(of=("self",))
        .select_related("parent")
        .filter(credit_code=credit_code)
        .first()
    )
    if dept is None:
        raise DepartmentNotFound(credit_code)
    before = department_record(dept)
    after = {**before, **changes}
    if after["credit_code"] != credit_code:
        raise _immutable("credit_code", "统一社会信用代码不能修改")
    raise_problems(check_department(after, refs=Refs()))
    after = with_defaults(after, DEPARTMENT_FIELDS)
    if after == before:
        return dept
    if _parent_cycle(Department, "credit_code", credit_code, after["parent_credit_code"]):
        raise _immutable("parent_credit_code", "上级部门不能是本部门的下级部门（上级关系形成循环）")
    _apply_department(dept, after)
    dept.save()
    _audit(actor, "catalog.department.update", "catalog.department", credit_code, before, after, source_ip)
    return dept


def _apply_department(dept: Department, record: Mapping[str, Any]) -> None:
    for name in (
        "credit_code",
        "name",
        "short_name",
        "region_code",
        "level",
        "consult_phone",
        "complaint_phone",
        "address",
        "office_hours",
        "sort_order",
    ):
        setattr(dept, name, record[name])
    parent_code = record["parent_credit_code"]
    dept.parent = Department.objects.get(credit_code=parent_code) if parent_code else None
    dept.pinyin = _pinyin_full(dept.name, dept.short_name)[:400]


# ---- topics (主题) --------------------------------------------------------------------------------------


@transaction.atomic
def create_topic(*, actor: str, data: Mapping[str, Any], source_ip: str | None = None) -> Topic:
    raise_problems(check_topic(data))
    record = with_defaults(data, TOPIC_FIELDS)
    if Topic.objects.filter(code=record["code"]).exists():
        raise CatalogConflict(
            "TOPIC_EXISTS", f"主题 {record['code']} 已存在", details={"code": record["code"]}
        )
    topic = Topic(**record)
    topic.save()
    _audit(actor, "catalog.topic.create", "catalog.topic", topic.code, None, record, source_ip)
    return topic


@transaction.atomic
def update_topic(*, actor: str, code: str, changes: Mapping[str, Any], source_ip: str | None = None) -> Topic:
    topic = Topic.objects.select_for_update().filter(code=code).first()
    if topic is None:
        raise TopicNotFound(code)
    before = topic_record(topic)
    after = {**before, **changes}
    if after["code"] != code:
        raise _immutable("code", "主题编码不能修改")
    raise_problems(check_topic(after))
    after = with_defaults(after, TOPIC_FIELDS)
    if after == before:
        return topic
    for name, value in after.items():
        setattr(topic, name, value)
    topic.save()
    _audit(actor, "catalog.topic.update", "catalog.topic", code, before, after, source_ip)
    return topic


# ---- base items (基本目录事项) ---------------------------------------------------------------------------


@transaction.atomic
def create_base_item(*, actor: str, data: Mapping[str, Any], source_ip: str | None = None) -> BaseItem:
    raise_problems(check_base_item(data, refs=Refs()))
    record = with_defaults(data, BASE_ITEM_FIELDS)
    if BaseItem.objects.filter(code=record["code"]).exists():
        raise CatalogConflict(
            "BASE_ITEM_EXISTS", f"基本目录事项 {record['code']} 已存在", details={"code": record["code"]}
        )
    base = BaseItem()
    _apply_base_item(base, record)
    base.save()
    _audit(actor, "catalog.base_item.create", "catalog.base_item", base.code, None, record, source_ip)
    return base


@transaction.atomic
def update_base_item(
    *,
    actor: str,
    code: str,
    changes: Mapping[str, Any],
    source_ip: str | None = None,
    replaced_items: Collection[str] = (),
) -> BaseItem:
    """Change a base item. A change that a published item implementing it would contradict (another
    `kind`, a legal limit below the item's) is refused with the items named in the details
    [{"code", "field", "reason"}]. Drafts are checked against the changed base item when published.
    `replaced_items`: codes of items whose published version the caller (the import) replaces, in the
    same transaction, with a version it has checked against the changed base item."""
    base = BaseItem.objects.select_for_update(of=("self",)).select_related("parent").filter(code=code).first()
    if base is None:
        raise CatalogValidationError(
            "BASE_ITEM_NOT_FOUND",
            f"未找到基本目录事项 {code}",
            details=[{"field": "code", "reason": "不存在"}],
            status=404,
        )
    before = base_item_record(base)
    after = {**before, **changes}
    if after["code"] != code:
        raise _immutable("code", "基本编码不能修改")
    raise_problems(check_base_item(after, refs=Refs()))
    after = with_defaults(after, BASE_ITEM_FIELDS)
    if after == before:
        return base
    if _parent_cycle(BaseItem, "code", code, after["parent_code"]):
        raise _immutable("parent_code", "主项不能是本事项的子项（上级关系形成循环）")
    conflicts = base_item_conflicts(
        code, after["kind"], after["legal_limit_days"], replaced_items=replaced_items
    )
    if conflicts:
        raise CatalogValidationError(
            "CATALOG_INVALID",
            f"基本目录事项的修改与 {len({c for c, _ in conflicts})} 个已发布的实施清单事项冲突："
            f"{conflicts[0][1].reason}",
            details=[{"code": c, "field": p.field, "reason": p.reason} for c, p in conflicts],
        )
    _apply_base_item(base, after)
    base.save()
    _audit(actor, "catalog.base_item.update", "catalog.base_item", code, before, after, source_ip)
    return base


def _apply_base_item(base: BaseItem, record: Mapping[str, Any]) -> None:
    for name in ("code", "name", "kind", "exercise_level", "legal_bases", "legal_limit_days"):
        setattr(base, name, record[name])
    base.parent = BaseItem.objects.get(code=record["parent_code"]) if record["parent_code"] else None
