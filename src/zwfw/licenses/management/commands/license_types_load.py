"""zwfw manage license_types_load: create the common licence types (证照目录) that are missing."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from zwfw.licenses.catalogue import ensure_license_types


class Command(BaseCommand):
    help = "载入常用证照类型（已有的不变）"

    def handle(self, *args, **options):
        self.stdout.write(f"新增证照类型 {ensure_license_types()} 个")
