"""Seed the demo catalogue of 浙江 (330000): blank forms and samples, then the catalogue import.

Run twice, it changes nothing the second time: files already in storage are kept, and importing an
item equal to its published version writes no new version.
"""

from __future__ import annotations

from typing import Any, TextIO

from zwfw.catalog.interchange import import_catalog
from zwfw.demo.catalog_data import build_catalog
from zwfw.demo.forms import ensure_forms


def seed_demo(*, stdout: TextIO | None = None) -> dict[str, Any]:
    """Write the form files, import and publish the demo catalogue as ``system``; return counts.

    Result: ``{"departments": n, "topics": n, "base_items": n, "items": n, "zero_visit_items": n,
    "forms": {"created": n, "existing": n}, "import": ImportReport.as_dict()}``.
    """
    doc = build_catalog()
    forms = ensure_forms()
    if stdout is not None:
        stdout.write(f"表格样表：新建 {forms['created']} 个，已存在 {forms['existing']} 个\n")
    report = import_catalog(doc, actor="system", publish=True)
    if stdout is not None:
        stdout.write(report.summary() + "\n")
    items = doc["items"]
    return {
        "departments": len(doc["departments"]),
        "topics": len(doc["topics"]),
        "base_items": len(doc["base_items"]),
        "items": len(items),
        "zero_visit_items": sum(1 for item in items if item["visits_required"] == 0),
        "forms": forms,
        "import": report.as_dict(),
    }
