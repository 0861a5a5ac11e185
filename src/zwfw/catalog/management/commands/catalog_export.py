"""zwfw manage catalog_export FILE [--format json|xlsx|csv]

Writes every department, topic and base item and the published version of every item. With
--format csv, FILE ending in .zip gets a zip of CSV files; any other FILE is a directory of CSV files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from zwfw.catalog.interchange import dump_json, export_catalog, export_csv_files


class Command(BaseCommand):
    help = "导出事项目录（已发布版本）为 JSON、XLSX 或 CSV"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="输出文件；CSV 格式时为 .zip 文件或目录")
        parser.add_argument(
            "--format", choices=["json", "xlsx", "csv"], default=None, help="默认按扩展名判断，否则 json"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        fmt = options["format"] or {".xlsx": "xlsx", ".zip": "csv"}.get(path.suffix.lower(), "json")
        if fmt == "json":
            path.write_bytes(dump_json(export_catalog(fmt="json")))  # type: ignore[arg-type]
        elif fmt == "xlsx":
            path.write_bytes(export_catalog(fmt="xlsx"))  # type: ignore[arg-type]
        elif path.suffix.lower() == ".zip":
            path.write_bytes(export_catalog(fmt="csv"))  # type: ignore[arg-type]
        else:
            path.mkdir(parents=True, exist_ok=True)
            for name, text in export_csv_files().items():
                (path / name).write_text(text, encoding="utf-8-sig")
        self.stdout.write(f"已导出到 {path}")
