"""Import and export of the catalogue (docs/catalog-format.md, format `zwfw-catalog/1`).

Three forms of the same data: JSON; XLSX (one sheet per list, lists inside a row as JSON text, materials and
handling items on sheets of their own keyed by `item_code`); CSV (a zip of one CSV file per sheet, or a
directory of them).

    import_catalog(data, *, fmt="json", actor="system", publish=True, dry_run=False) -> ImportReport
    export_catalog(*, fmt="json") -> dict | bytes
"""

from zwfw.catalog.interchange.exporting import dump_json, export_catalog, export_csv_files, export_document
from zwfw.catalog.interchange.importing import ImportReport, import_catalog, parse

__all__ = [
    "ImportReport",
    "dump_json",
    "export_catalog",
    "export_csv_files",
    "export_document",
    "import_catalog",
    "parse",
]
