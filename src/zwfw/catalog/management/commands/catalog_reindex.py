"""zwfw manage catalog_reindex: rebuild the search index (事项搜索索引) from the published items."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "重建事项搜索索引（全部已发布事项）；批量导入后运行"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--batch", type=int, default=5000, help="每批处理的事项数")
        parser.add_argument(
            "--offline",
            action="store_true",
            help="PostgreSQL：重建期间删除倒排索引后再建（更快，但重建期间搜索被阻塞）",
        )
        parser.add_argument(
            "--background", action="store_true", help="交给后台任务进程（zwfw worker）执行，立即返回"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from zwfw.catalog.search import rebuild_index
        from zwfw.catalog.tasks import rebuild_search_index

        batch = max(100, options["batch"])
        if options["background"]:
            result = rebuild_search_index.enqueue(batch=batch)
            self.stdout.write(f"已加入后台任务队列，任务编号 {result.id}")
            return
        started = time.monotonic()
        count = rebuild_index(
            batch=batch,
            out=self.stdout if options["verbosity"] > 1 else None,
            offline=options["offline"],
        )
        self.stdout.write(
            self.style.SUCCESS(f"已索引 {count} 个事项，用时 {time.monotonic() - started:.1f} 秒")
        )
