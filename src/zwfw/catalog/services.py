"""Writes of the catalogue (事项管理). One transaction each; every change validated and audited.

Records are the dicts of the interchange format (docs/catalog-format.md, records.py). Item versions:
published rows are never edited. `start_revision` copies the published version to a draft, `update_draft`
edits it, `publish` makes it the published version and supersedes the old one (which stays readable),
`withdraw` takes the published version off line.

`actor` is "user:<id>" or "system" until identity lands; `source_ip` is the client address if any.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Collection, Mapping
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from pypinyin import Style, lazy_pinyin

from zwfw.catalog.errors import (
    CatalogConflict,
    CatalogValidationError,
    DepartmentNotFound,
    ItemNotFound,
    TopicNotFound,
)
from zwfw.catalog.guides import snapshot_of_row
from zwfw.catalog.models import (
    BaseItem,
    Department,
    GuideSnapshot,
    HandlingItem,
    ImplementationItem,
    ItemStatus,
    Material,
    Topic,
)
from zwfw.catalog.records import (
    BASE_ITEM_FIELDS,
    DEPARTMENT_FIELDS,
    ITEM_SCALAR_FIELDS,
    MATERIAL_SCALAR_FIELDS,
    TOPIC_FIELDS,
    base_item_record,
    department_record,
    item_record,
    normalise_item,
    topic_record,
    with_defaults,
)
from zwfw.catalog.validation import (
    Refs,
    base_item_conflicts,
    check_base_item,
    check_department,
    check_item,
    check_topic,
    raise_problems,
)
from zwfw.core import audit

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


# ---- implementation items (实施清单事项) and their versions ---------------------------------------------


@transaction.atomic
def create_item_draft(
    *, actor: str, data: Mapping[str, Any], change_note: str = "", source_ip: str | None = None
) -> ImplementationItem:
    """Version 1 of a new item, as a draft. CatalogConflict if the code already has any version."""
    raise_problems(check_item(data, refs=Refs()))
    record = normalise_item(data)
    if ImplementationItem.objects.filter(code=record["code"]).exists():
        raise CatalogConflict(
            "ITEM_EXISTS",
            f"事项 {record['code']} 已存在，请在已发布版本上创建修订草稿",
            details={"code": record["code"]},
        )
    item = ImplementationItem(code=record["code"], version=1, status=ItemStatus.DRAFT, created_by=actor)
    _write_item(item, record, actor=actor, change_note=change_note, replace_children=False)
    _audit(
        actor,
        "catalog.item.create_draft",
        "catalog.item",
        item.code,
        None,
        record,
        source_ip,
        {"version": item.version},
    )
    return item


@transaction.atomic
def update_draft(
    *,
    actor: str,
    code: str,
    changes: Mapping[str, Any],
    change_note: str | None = None,
    source_ip: str | None = None,
) -> ImplementationItem:
    """Edit the draft of an item: `changes` holds the record fields to replace (lists are replaced whole)."""
    draft = _locked(code, ItemStatus.DRAFT)
    if draft is None:
        raise CatalogConflict("NO_DRAFT", f"事项 {code} 没有草稿，请先创建修订草稿", details={"code": code})
    before = item_record(draft)
    after = {**before, **changes}
    if after["code"] != code:
        raise _immutable("code", "实施编码不能修改")
    raise_problems(check_item(after, refs=Refs()))
    after = normalise_item(after)
    if after == before and (change_note is None or change_note == draft.change_note):
        return draft
    _write_item(
        draft,
        after,
        actor=actor,
        change_note=draft.change_note if change_note is None else change_note,
        replace_children=after["materials"] != before["materials"]
        or after["handling_items"] != before["handling_items"],
    )
    _audit(
        actor,
        "catalog.item.update_draft",
        "catalog.item",
        code,
        before,
        after,
        source_ip,
        {"version": draft.version},
    )
    return draft


@transaction.atomic
def start_revision(
    *, actor: str, code: str, change_note: str = "", source_ip: str | None = None
) -> ImplementationItem:
    """创建修订草稿: copy the published version (or, for a withdrawn item, its last version) to a new draft
    with its materials, handling items and topics. The published row is not touched."""
    if ImplementationItem.objects.filter(code=code, status=ItemStatus.DRAFT).exists():
        raise CatalogConflict(
            "DRAFT_EXISTS", f"事项 {code} 已有草稿，请先编辑或发布该草稿", details={"code": code}
        )
    source = _locked(code, ItemStatus.PUBLISHED)
    if source is None:
        source = (
            ImplementationItem.objects.select_for_update()
            .filter(code=code, status=ItemStatus.WITHDRAWN)
            .order_by("-version")
            .first()
        )
    if source is None:
        raise ItemNotFound(code)
    record = item_record(source)
    next_version = ImplementationItem.objects.filter(code=code).aggregate(v=Max("version"))["v"] + 1
    draft = ImplementationItem(code=code, version=next_version, status=ItemStatus.DRAFT, created_by=actor)
    _write_item(draft, record, actor=actor, change_note=change_note, replace_children=False)
    _audit(
        actor,
        "catalog.item.start_revision",
        "catalog.item",
        code,
        None,
        record,
        source_ip,
        {"version": draft.version, "from_version": source.version},
    )
    return draft


@transaction.atomic
def publish(*, actor: str, code: str, source_ip: str | None = None) -> ImplementationItem:
    """发布: the draft becomes the published version; the previous published version is superseded."""
    draft = _locked(code, ItemStatus.DRAFT)
    if draft is None:
        raise CatalogConflict("NO_DRAFT", f"事项 {code} 没有待发布的草稿", details={"code": code})
    record = item_record(draft)
    # Rules may depend on rows that changed since the draft was written (e.g. the base item).
    raise_problems(check_item(record, refs=Refs()))
    now = timezone.now()
    old = _locked(code, ItemStatus.PUBLISHED)
    if old is not None:
        old.status = ItemStatus.SUPERSEDED
        old.superseded_at = now
        old.save(update_fields=["status", "superseded_at", "updated_at"])
        _search_hook("remove_item", old)
    draft.status = ItemStatus.PUBLISHED
    draft.published_at = now
    draft.published_by = actor
    draft.save(update_fields=["status", "published_at", "published_by", "updated_at"])
    # 办事指南 read model: the published version never changes again, so its guide is copied once, now.
    GuideSnapshot.objects.update_or_create(item=draft, defaults={"data": snapshot_of_row(draft)})
    _search_hook("reindex_item", draft)
    _audit(
        actor,
        "catalog.item.publish",
        "catalog.item",
        code,
        item_record(old) if old else None,
        record,
        source_ip,
        {"version": draft.version, "superseded_version": old.version if old else None},
    )
    return draft


@transaction.atomic
def withdraw(*, actor: str, code: str, reason: str = "", source_ip: str | None = None) -> ImplementationItem:
    """停用: the published version goes off line (stays readable by version); a draft, if any, is kept."""
    item = _locked(code, ItemStatus.PUBLISHED)
    if item is None:
        raise ItemNotFound(code)
    item.status = ItemStatus.WITHDRAWN
    item.withdrawn_at = timezone.now()
    item.save(update_fields=["status", "withdrawn_at", "updated_at"])
    _search_hook("remove_item", item)
    _audit(
        actor,
        "catalog.item.withdraw",
        "catalog.item",
        code,
        {"version": item.version, "status": ItemStatus.PUBLISHED},
        {"version": item.version, "status": ItemStatus.WITHDRAWN},
        source_ip,
        {"version": item.version, "reason": reason},
    )
    return item


@transaction.atomic
def discard_draft(*, actor: str, code: str, source_ip: str | None = None) -> None:
    """删除草稿: throw away the draft of an item (published versions are not touched)."""
    draft = _locked(code, ItemStatus.DRAFT)
    if draft is None:
        raise CatalogConflict("NO_DRAFT", f"事项 {code} 没有草稿", details={"code": code})
    before = item_record(draft)
    version = draft.version
    draft.delete()
    _audit(
        actor,
        "catalog.item.discard_draft",
        "catalog.item",
        code,
        before,
        None,
        source_ip,
        {"version": version},
    )


# ---- helpers ---------------------------------------------------------------------------------------------


def _locked(code: str, status: str) -> ImplementationItem | None:
    return (
        ImplementationItem.objects.select_for_update()
        .select_related("department", "base_item")
        .filter(code=code, status=status)
        .first()
    )


def _write_item(
    item: ImplementationItem,
    record: Mapping[str, Any],
    *,
    actor: str,
    change_note: str,
    replace_children: bool,
) -> None:
    """Write a validated, normalised record onto a draft row (new or existing) with its children."""
    for name in ITEM_SCALAR_FIELDS:
        setattr(item, name, record[name])
    item.base_item = BaseItem.objects.get(code=record["base_code"])
    item.department = Department.objects.get(credit_code=record["department_credit_code"])
    item.change_note = change_note
    item.updated_by = actor
    item.pinyin_full = _pinyin_full(item.name, *item.aliases)[:1000]
    item.pinyin_initials = _pinyin_initials(item.name, *item.aliases)[:300]
    is_new = item.pk is None
    item.save()
    item.topics.set(Topic.objects.filter(code__in=record["topics"]))
    if not is_new and not replace_children:
        return
    if not is_new:
        item.materials.all().delete()
        item.handling_items.all().delete()
    HandlingItem.objects.bulk_create(
        HandlingItem(item=item, code=h["code"], name=h["name"], variant=h["variant"], sort_order=index)
        for index, h in enumerate(record["handling_items"])
    )
    Material.objects.bulk_create(
        Material(item=item, sort_order=index, **{name: m[name] for name in MATERIAL_SCALAR_FIELDS})
        for index, m in enumerate(record["materials"])
    )


def _pinyin_full(*texts: str) -> str:
    return " ".join("".join(lazy_pinyin(t)).lower() for t in texts if t)


def _pinyin_initials(*texts: str) -> str:
    return " ".join("".join(lazy_pinyin(t, style=Style.FIRST_LETTER)).lower() for t in texts if t)


def _search_hook(name: str, item: ImplementationItem) -> None:
    """Call zwfw.catalog.search.<name>(item) if the search module is installed (it is optional here)."""
    if importlib.util.find_spec("zwfw.catalog.search") is None:
        return
    hook = getattr(importlib.import_module("zwfw.catalog.search"), name, None)
    if hook is not None:
        hook(item)


def _parent_cycle(model: Any, key_field: str, key: str, parent_key: str | None) -> bool:
    """Would making `parent_key` the parent of `key` close a loop (walking up from the new parent)?"""
    seen: set[str] = set()
    node = parent_key
    while node and node not in seen:
        if node == key:
            return True
        seen.add(node)
        node = (
            model.objects.filter(**{key_field: node}).values_list(f"parent__{key_field}", flat=True).first()
        )
    return False


def _immutable(field: str, reason: str) -> CatalogValidationError:
    return CatalogValidationError("CATALOG_INVALID", reason, details=[{"field": field, "reason": reason}])


def _audit(
    actor: str,
    action: str,
    object_type: str,
    object_id: str,
    before: Any,
    after: Any,
    source_ip: str | None,
    details: dict[str, Any] | None = None,
) -> None:
    audit.record(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        before=before,
        after=after,
        source_ip=source_ip,
        details=details,
    )
