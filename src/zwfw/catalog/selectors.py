"""Reads of the catalogue. Catalogue data is public, so reads take no actor; drafts are never returned here."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from zwfw.catalog.errors import DepartmentNotFound, ItemNotFound, TopicNotFound
from zwfw.catalog.models import (
    Audience,
    Department,
    HandlingItem,
    ImplementationItem,
    ItemStatus,
    Material,
    Topic,
)

MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class SearchPage:
    items: list[ImplementationItem]
    count: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.count // self.page_size))


def published_items() -> QuerySet[ImplementationItem]:
    return ImplementationItem.objects.filter(status=ItemStatus.PUBLISHED)


def search_items(
    *,
    q: str = "",
    audience: str | None = None,
    topic: str | None = None,
    department: str | None = None,
    region: str | None = None,
    fully_online: bool | None = None,
    zero_visit: bool | None = None,
    page: int = 1,
    page_size: int = 20,
) -> SearchPage:
    """事项搜索: ranked, filtered and paged search over published items (see zwfw.catalog.search)."""
    from zwfw.catalog.search import search

    return search(
        q=q,
        audience=audience,
        topic=topic,
        department=department,
        region=region,
        fully_online=fully_online,
        zero_visit=zero_visit,
        page=page,
        page_size=page_size,
    )


def published_item(code: str) -> ImplementationItem:
    """The published version of an item with everything its guide shows; ItemNotFound otherwise."""
    item = (
        published_items()
        .select_related("department", "base_item")
        .prefetch_related(
            Prefetch("materials", queryset=Material.objects.order_by("sort_order", "id")),
            Prefetch("handling_items", queryset=HandlingItem.objects.order_by("sort_order", "id")),
            "topics",
        )
        .filter(code=code)
        .first()
    )
    if item is None:
        raise ItemNotFound(code)
    return item


def popular_items(*, limit: int = 10, audience: str | None = None) -> list[ImplementationItem]:
    qs = published_items().select_related("department")
    if audience:
        qs = qs.filter(audience__in=[audience, Audience.BOTH])
    return list(qs.order_by("-popularity", "code")[:limit])


def list_topics(*, audience: str | None = None) -> list[Topic]:
    """Topics with ``item_count``, the published items in each (from the search index, cached with it)."""
    from zwfw.catalog.search import published_counts

    qs = Topic.objects.all()
    if audience:
        qs = qs.filter(audience=audience)
    topics = list(qs.order_by("audience", "sort_order", "id"))
    counts = published_counts().by_topic
    for topic in topics:
        topic.item_count = counts.get(topic.pk, 0)  # type: ignore[attr-defined]
    return topics


def topic_by_code(code: str) -> Topic:
    topic = Topic.objects.filter(code=code).first()
    if topic is None:
        raise TopicNotFound(code)
    return topic


def list_departments(*, region: str | None = None) -> list[Department]:
    """Active departments with ``item_count``, their published items (from the search index, cached with it)."""
    from zwfw.catalog.search import published_counts

    qs = Department.objects.filter(is_active=True).select_related("parent")
    if region:
        qs = qs.filter(region_code=region)
    departments = list(qs.order_by("sort_order", "id"))
    counts = published_counts().by_department
    for department in departments:
        department.item_count = counts.get(department.pk, 0)  # type: ignore[attr-defined]
    return departments


def department_by_credit_code(credit_code: str) -> Department:
    department = (
        Department.objects.select_related("parent").filter(credit_code=credit_code, is_active=True).first()
    )
    if department is None:
        raise DepartmentNotFound(credit_code)
    return department


def item_version(code: str, version: int) -> ImplementationItem:
    """Any version of an item, whatever its status: superseded and withdrawn versions stay readable."""
    item = (
        ImplementationItem.objects.select_related("department", "base_item")
        .prefetch_related(
            Prefetch("materials", queryset=Material.objects.order_by("sort_order", "id")),
            Prefetch("handling_items", queryset=HandlingItem.objects.order_by("sort_order", "id")),
            "topics",
        )
        .filter(code=code, version=version)
        .first()
    )
    if item is None:
        raise ItemNotFound(code)
    return item


def item_history(code: str) -> list[ImplementationItem]:
    """Every version of an item, newest first (草稿, 已发布, 已被替代, 已停用)."""
    return list(ImplementationItem.objects.filter(code=code).order_by("-version"))


def published_material_file(path: str) -> tuple[Material, str] | None:
    """The material of a published item whose blank form or sample is stored at ``path``, and which of
    the two ("blank_form" or "sample"); None for any other path (drafts, withdrawn items, unknown files)."""
    if not path:  # materials without a form store "", which must never match
        return None
    material = (
        Material.objects.filter(item__in=published_items())
        .filter(Q(blank_form=path) | Q(sample=path))
        .only("name", "blank_form", "sample")
        .first()
    )
    if material is None:
        return None
    return material, ("blank_form" if material.blank_form.name == path else "sample")
