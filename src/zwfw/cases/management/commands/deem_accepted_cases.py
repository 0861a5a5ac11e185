"""zwfw manage deem_accepted_cases: 《行政许可法》第32条 — cases without a notice within 5 working days
of receipt count as accepted on receipt. Idempotent; run it daily (cron or the worker's schedule)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from zwfw.cases.services import deem_accepted_overdue


class Command(BaseCommand):
    help = "逾期未告知的申请视为受理（行政许可法第三十二条）"

    def handle(self, *args, **options):
        done = deem_accepted_overdue()
        self.stdout.write(f"视为受理 {len(done)} 件")
