"""办事指南 read model: one JSON snapshot per published item version, and the guide read from it.

A published version never changes (models.py), so everything its guide shows of the version itself (its
fields, 业务办理项, 申请材料 and the codes of its 主题) is copied once, when the version is published, into
GuideSnapshot.data. The guide page then needs one indexed query instead of an item, its joins and three
child queries. What other aggregates own and may change later is not copied: the implementing department's
name comes with that query, topic names from a short-lived cache of all topics. Values are stored as
codes; labels are added when the guide is read.

A version without a snapshot of the current FORMAT (rows written outside `publish`, or by an older
release) is read from its rows instead: same result, slower.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.cache import cache

from zwfw.catalog.errors import ItemNotFound
from zwfw.catalog.models import (
    Audience,
    CrossRegionScope,
    ExerciseLevel,
    HandlingItem,
    HandlingType,
    HandlingVariant,
    ImplementationItem,
    ItemKind,
    ItemStatus,
    Material,
    MaterialRequirement,
    MaterialSource,
    OnlineDepth,
    ResultType,
    Topic,
)

TOPICS_CACHE_KEY = "catalog:guide-topics"
TOPICS_CACHE_SECONDS = 60
# Bump when the snapshot's shape changes: older snapshots are then ignored (read from rows) until rewritten.
FORMAT = 1

ITEM_FIELDS = (
    "code", "version", "name", "aliases", "summary", "kind", "exercise_level", "audience", "legal_bases",
    "conditions", "process", "legal_limit_days", "legal_limit_note", "promised_limit_days", "promised_limit_note",
    "handling_type", "is_free", "fees", "visits_required", "online_depth", "channels", "places",
    "cross_region_scope", "consult_phone", "complaint_phone", "result_name", "result_type",
    "result_license_type_code", "delivery_methods",
)  # fmt: skip
MATERIAL_FIELDS = (
    "name", "source", "requirement", "condition", "paper_original_count", "paper_copy_count", "electronic",
    "license_type_code", "shared_resource", "issuing_body", "notes",
)  # fmt: skip

# value -> label of each choice field the guide shows, by snapshot key
_LABELS = {
    "kind": ItemKind,
    "exercise_level": ExerciseLevel,
    "audience": Audience,
    "handling_type": HandlingType,
    "online_depth": OnlineDepth,
    "cross_region_scope": CrossRegionScope,
    "result_type": ResultType,
}


def snapshot_of(
    item: Any,
    *,
    base_code: str,
    materials: Iterable[Any],
    handling_items: Iterable[Any],
    topic_codes: Iterable[str],
) -> dict[str, Any]:
    """The snapshot of one item version from its row and child rows (in their display order).

    Reads plain attributes only, so unsaved copies (bench/generate.py) do as well.
    """
    handling = [{"code": h.code, "name": h.name, "variant": h.variant} for h in handling_items]
    names = {h["code"]: h["name"] for h in handling}
    data: dict[str, Any] = {name: getattr(item, name) for name in ITEM_FIELDS}
    data.update(
        format=FORMAT,
        base_code=base_code,
        published_at=item.published_at.isoformat() if item.published_at else None,
        handling_items=handling,
        materials=[
            {
                **{name: getattr(m, name) for name in MATERIAL_FIELDS},
                # 适用业务办理项: empty means every handling item
                "applies_to": [names.get(code, code) for code in m.handling_codes or ()],
                "blank_form": m.blank_form.name or "",
                "sample": m.sample.name or "",
            }
            for m in materials
        ],
        topic_codes=list(topic_codes),
    )
    return data


def snapshot_of_row(item: ImplementationItem) -> dict[str, Any]:
    """The snapshot of a saved item version, its children read from the database."""
    return snapshot_of(
        item,
        base_code=item.base_item.code,
        materials=Material.objects.filter(item=item).order_by("sort_order", "id"),
        handling_items=HandlingItem.objects.filter(item=item).order_by("sort_order", "id"),
        topic_codes=item.topics.order_by("audience", "sort_order", "id").values_list("code", flat=True),
    )


@dataclass(frozen=True)
class PublishedGuide:
    """The published version of an item as one query found it: what identifies the version (for caching
    its page) and its snapshot, turned into the guide's content only when a page has to be rendered."""

    item_pk: int
    version: int
    updated_at: datetime
    department_name: str
    department_credit_code: str
    snapshot: dict[str, Any] | None

    def content(self) -> dict[str, Any]:
        """Everything the guide shows: the snapshot's values with their labels, the department and topics.

        A dict rather than an object, so templates read each value with one lookup.
        """
        data = self.snapshot
        if not data or data.get("format") != FORMAT:
            data = snapshot_of_row(
                ImplementationItem.objects.select_related("base_item").get(pk=self.item_pk)
            )
        guide = dict(data)
        for key, choices in _LABELS.items():
            guide[f"{key}_label"] = _label(choices, data[key])
        guide["published_at"] = datetime.fromisoformat(data["published_at"]) if data["published_at"] else None
        guide["is_zero_visit"] = data["visits_required"] == 0
        guide["department"] = {"name": self.department_name, "credit_code": self.department_credit_code}
        guide["handling_items"] = [
            {**h, "variant_label": _label(HandlingVariant, h["variant"])} for h in data["handling_items"]
        ]
        guide["materials"] = [
            {
                **m,
                "requirement_label": _label(MaterialRequirement, m["requirement"]),
                "source_label": _label(MaterialSource, m["source"]),
            }
            for m in data["materials"]
        ]
        # Topic names may change and topics may go; the links of this version may not.
        topics = _topics_by_code()
        if any(code not in topics for code in data["topic_codes"]):  # a topic newer than the cached list
            topics = _topics_by_code(refresh=True)
        linked = sorted((topics[code] for code in data["topic_codes"] if code in topics), key=lambda t: t[0])
        guide["topics"] = [{"code": code, "name": name} for _, code, name in linked]
        return guide


def published_guide(code: str) -> PublishedGuide:
    """The guide of the published version of an item, with one indexed query; ItemNotFound otherwise."""
    rows = (
        ImplementationItem.objects.filter(code=code, status=ItemStatus.PUBLISHED)
        .order_by()
        .values_list(
            "pk",
            "version",
            "updated_at",
            "department__name",
            "department__credit_code",
            "guide_snapshot__data",
        )[:1]
    )
    row = next(iter(rows), None)
    if row is None:
        raise ItemNotFound(code)
    return PublishedGuide(*row)


def _topics_by_code(*, refresh: bool = False) -> dict[str, tuple[tuple[str, int, int], str, str]]:
    """Every topic by code with its sort key and name, cached for TOPICS_CACHE_SECONDS so that a guide page
    needs no topic query; a renamed topic shows on guides rendered after that (like the portal's lists)."""
    topics = None if refresh else cache.get(TOPICS_CACHE_KEY)
    if topics is None:
        rows = Topic.objects.values_list("code", "name", "audience", "sort_order", "id")
        topics = {code: ((audience, order, pk), code, name) for code, name, audience, order, pk in rows}
        cache.set(TOPICS_CACHE_KEY, topics, TOPICS_CACHE_SECONDS)
    return topics


def _label(choices: Any, value: Any) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)
