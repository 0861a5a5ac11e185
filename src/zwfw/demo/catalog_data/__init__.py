"""The demo catalogue of 浙江 (330000) in the ``zwfw-catalog/1`` interchange format.

Written as compact Python so that 150+ items stay reviewable: shared pieces (licence types,
materials taken from 电子证照 or 数据共享, places, legal bases) live in ``common``; each
``items_*`` module adds the items of one area. ``build_catalog()`` returns a fresh dict.

Dump it as JSON (e.g. for ``zwfw manage catalog_import``):
``python -m zwfw.demo.catalog_data > catalog.json``
"""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

from zwfw.demo.catalog_data import (
    items_business,
    items_civil,
    items_health,
    items_housing,
    items_hrss,
    items_misc,
    items_public_security,
)
from zwfw.demo.catalog_data.builder import CatalogBuilder
from zwfw.demo.catalog_data.departments import DEPARTMENTS
from zwfw.demo.catalog_data.topics import TOPICS

AREAS = (
    items_public_security,
    items_civil,
    items_hrss,
    items_health,
    items_housing,
    items_business,
    items_misc,
)


@cache
def _build() -> dict[str, Any]:
    builder = CatalogBuilder(copy.deepcopy(DEPARTMENTS), copy.deepcopy(TOPICS))
    for area in AREAS:
        area.add(builder)
    return builder.document()


def build_catalog() -> dict[str, Any]:
    """The whole demo catalogue as a ``zwfw-catalog/1`` document (a fresh copy each call)."""
    return copy.deepcopy(_build())
