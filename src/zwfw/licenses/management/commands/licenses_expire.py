"""zwfw manage licenses_expire: mark licences past their validity as 已过期 (run daily, e.g. from cron)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from zwfw.licenses.services import expire_licenses


class Command(BaseCommand):
    help = "将有效期已届满的电子证照标记为“已过期”（每日运行）"

    def handle(self, *args, **options):
        count = expire_licenses()
        self.stdout.write(f"已将 {count} 份证照标记为已过期")
