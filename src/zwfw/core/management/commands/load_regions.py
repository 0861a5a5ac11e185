"""zwfw manage load_regions FILE — update the GB/T 2260 region table from a CSV (see zwfw.core.regions)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zwfw.core.regions import DEFAULT_REGIONS_CSV, RegionFileInvalid, load_regions


class Command(BaseCommand):
    help = "从 CSV（code,name,level,parent_code,valid）导入或更新行政区划代码；整份文件校验通过后才写入"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", default=str(DEFAULT_REGIONS_CSV), help="CSV 文件路径（UTF-8）")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"无法读取文件 {path}：{exc}") from exc
        try:
            created, updated = load_regions(text)
        except RegionFileInvalid as exc:
            for problem in exc.details:
                self.stderr.write(f"第{problem['line']}行：{problem['reason']}")
            raise CommandError(exc.message) from exc
        self.stdout.write(f"行政区划已导入：新增 {created} 条，更新 {updated} 条")
