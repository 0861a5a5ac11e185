"""zwfw manage calendar_import FILE — load a year's holiday schedule (CSV or JSON; see zwfw.core.calendar)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zwfw.core.calendar import CalendarFileInvalid, import_calendar, parse_calendar_file


class Command(BaseCommand):
    help = (
        "导入法定节假日安排：CSV（表头 year,date,kind,name）或 JSON（同名字段的对象列表）；"
        "kind 为 holiday（放假）或 workday（调休上班）。整份文件校验通过后才写入，并替换文件中各年度的原有安排"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="CSV 或 JSON 文件路径（UTF-8）")
        parser.add_argument("--format", choices=["csv", "json"], help="默认按扩展名判断")
        parser.add_argument("--document", default="", help="发布文件名称，如 国办发明电〔2025〕7号")
        parser.add_argument("--published-on", default="", help="发布日期 YYYY-MM-DD")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        fmt = options["format"] or ("json" if path.suffix.lower() == ".json" else "csv")
        published_on = None
        if options["published_on"]:
            try:
                published_on = dt.date.fromisoformat(options["published_on"])
            except ValueError as exc:
                raise CommandError(f"发布日期 {options['published_on']} 不是有效的 YYYY-MM-DD 日期") from exc
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"无法读取文件 {path}：{exc}") from exc
        try:
            rows = parse_calendar_file(text, fmt=fmt)
        except CalendarFileInvalid as exc:
            for problem in exc.details:
                self.stderr.write(f"第{problem['row']}条：{problem['reason']}")
            raise CommandError(exc.message) from exc
        counts = import_calendar(rows, document=options["document"], published_on=published_on)
        for year, days in counts.items():
            self.stdout.write(f"{year}年节假日安排已导入，共 {days} 天")
