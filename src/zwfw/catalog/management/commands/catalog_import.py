"""zwfw manage catalog_import FILE [--format json|xlsx|csv] [--publish] [--dry-run] [--actor A]

FILE is a JSON document, an XLSX workbook, a zip of CSV files or a directory of CSV files
(docs/catalog-format.md). The whole file is checked first; if any row breaks a rule nothing is imported
and every problem is listed with its row, field and reason (exit status 1).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zwfw.catalog.errors import CatalogImportError
from zwfw.catalog.interchange import import_catalog


def detect_format(path: Path) -> str:
    if path.is_dir() or path.suffix.lower() in (".zip", ".csv"):
        return "csv"
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return "xlsx"
    return "json"


def read_input(path: Path, fmt: str) -> Any:
    if path.is_dir():
        return {p.name: p.read_text(encoding="utf-8-sig") for p in sorted(path.glob("*.csv"))}
    if fmt == "csv" and path.suffix.lower() == ".csv":
        return {path.name: path.read_text(encoding="utf-8-sig")}
    return path.read_bytes()


class Command(BaseCommand):
    help = "导入事项目录（JSON、XLSX 或 CSV）：整份文件校验通过才写入，默认不发布"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="JSON / XLSX 文件，CSV 压缩包（.zip）或 CSV 文件所在目录")
        parser.add_argument("--format", choices=["json", "xlsx", "csv"], help="文件格式（默认按扩展名判断）")
        parser.add_argument("--publish", action="store_true", help="导入后发布新版本")
        parser.add_argument("--dry-run", action="store_true", help="只校验并报告将发生的变化，不写入")
        parser.add_argument("--actor", default="system", help="记入审计日志的操作者，如 user:12")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.exists():
            raise CommandError(f"文件不存在：{path}")
        fmt = options["format"] or detect_format(path)
        try:
            report = import_catalog(
                read_input(path, fmt),
                fmt=fmt,
                actor=options["actor"],
                publish=options["publish"],
                dry_run=options["dry_run"],
            )
        except CatalogImportError as exc:
            for problem in exc.details:
                self.stderr.write(f"{problem['row']}  {problem['field'] or '-'}: {problem['reason']}")
            raise CommandError(exc.message) from exc
        self.stdout.write(report.summary())
