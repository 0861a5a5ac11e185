"""zwfw manage verify_audit — walk the audit hash chain; exit 1 at the first broken link."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from zwfw.core.audit import verify_chain


class Command(BaseCommand):
    help = "校验审计日志哈希链的完整性：发现被修改、删除或调换顺序的记录时以非零状态退出"

    def handle(self, *args: Any, **options: Any) -> None:
        result = verify_chain()
        if result.ok:
            self.stdout.write(f"审计链完整，共校验 {result.checked} 条")
            return
        raise CommandError(
            f"审计链在第 {result.first_broken_seq} 条断开：{result.reason}（此前 {result.checked} 条完整）",
            returncode=1,
        )
