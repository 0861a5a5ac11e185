"""Writes of the catalogue (事项管理). One transaction each; every change validated and audited.

Records are the dicts of the interchange format (docs/catalog-format.md, records.py). Item versions:
published rows are never edited. `start_revision` copies the published version to a draft, `update_draft`
edits it, `publish` makes it the published version and supersedes the old one (which stays readable),
`withdraw` takes the published version off line.

`actor` is the label of who acts ("user:<id>", "system"); `source_ip` is the client address if any.

Modules: ``organisation`` (departments, topics, base items), ``items`` (implementation items and
their versions), ``_common`` (the audit entry, immutability errors, the parent-loop check). Every name
callers use is imported here: ``from zwfw.catalog import services; services.publish(...)``.
"""

from __future__ import annotations

from zwfw.catalog.services.items import (
    create_item_draft,
    discard_draft,
    publish,
    start_revision,
    update_draft,
    withdraw,
)
from zwfw.catalog.services.organisation import (
    create_base_item,
    create_department,
    create_topic,
    update_base_item,
    update_department,
    update_topic,
)

__all__ = [
    "create_base_item",
    "create_department",
    "create_item_draft",
    "create_topic",
    "discard_draft",
    "publish",
    "start_revision",
    "update_base_item",
    "update_department",
    "update_draft",
    "update_topic",
    "withdraw",
]
