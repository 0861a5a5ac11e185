"""Implementation items (实施清单事项) and their versions: drafts, revisions, publishing (the guide
snapshot and the search index follow), withdrawal. Published rows are never edited."""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from zwfw.catalog.errors import (
    CatalogConflict,
    ItemNotFound,
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
    ITEM_SCALAR_FIELDS,
    MATERIAL_SCALAR_FIELDS,
    item_record,
    normalise_item,
)
from zwfw.catalog.services._common import _audit, _immutable, _pinyin_full, _pinyin_initials
from zwfw.catalog.validation import (
    Refs,
    check_item,
    raise_problems,
)

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


def _search_hook(name: str, item: ImplementationItem) -> None:
    """Call zwfw.catalog.search.<name>(item) if the search module is installed (it is optional here)."""
    if importlib.util.find_spec("zwfw.catalog.search") is None:
        return
    hook = getattr(importlib.import_module("zwfw.catalog.search"), name, None)
    if hook is not None:
        hook(item)
