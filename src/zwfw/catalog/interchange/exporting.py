"""Export of the catalogue: every department, topic and base item and the published version of every item."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django.db.models import Prefetch

from zwfw.catalog.interchange.sheets import csv_files, to_sheets, write_csv_zip, write_xlsx
from zwfw.catalog.models import (
    BaseItem,
    Department,
    HandlingItem,
    ImplementationItem,
    ItemStatus,
    Material,
    Topic,
)
from zwfw.catalog.records import (
    FORMAT,
    base_item_record,
    department_record,
    item_record,
    topic_record,
)


def export_catalog(*, fmt: str = "json") -> dict[str, Any] | bytes:
    """The catalogue as a document: every department, topic and base item, and the published version of
    every item. fmt="json" gives a dict (json.dumps it), "xlsx" the workbook's bytes, "csv" a zip's bytes."""
    doc = export_document()
    if fmt == "json":
        return doc
    if fmt == "xlsx":
        return write_xlsx(to_sheets(doc))
    if fmt == "csv":
        return write_csv_zip(to_sheets(doc))
    raise ValueError(f"unknown format {fmt!r}")


def export_document() -> dict[str, Any]:
    items = (
        ImplementationItem.objects.filter(status=ItemStatus.PUBLISHED)
        .select_related("department", "base_item")
        .prefetch_related(
            "topics",
            Prefetch("materials", queryset=Material.objects.order_by("sort_order", "id")),
            Prefetch("handling_items", queryset=HandlingItem.objects.order_by("sort_order", "id")),
        )
        .order_by("code")
    )
    return {
        "format": FORMAT,
        "departments": [
            department_record(d)
            for d in Department.objects.select_related("parent").order_by("sort_order", "id")
        ],
        "topics": [topic_record(t) for t in Topic.objects.order_by("audience", "sort_order", "id")],
        "base_items": [
            base_item_record(b) for b in BaseItem.objects.select_related("parent").order_by("code")
        ],
        "items": [item_record(i) for i in items.iterator(chunk_size=500)],
    }


def dump_json(doc: Mapping[str, Any]) -> bytes:
    return json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8")


def export_csv_files() -> dict[str, str]:
    """The catalogue as {"items.csv": text, ...} (for writing a directory of CSV files)."""
    return csv_files(to_sheets(export_document()))
