"""zwfw manage pki_init: create the node's seal CA hierarchy (root CA -> seal CA, ECDSA P-256 and SM2)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from zwfw.seals import pki


class Command(BaseCommand):
    help = "建立本节点的电子印章证书体系（根CA -> 印章CA，ECDSA P-256 与 SM2 各一套）；已有的不变"

    def handle(self, *args, **options):
        created = pki.pki_init()
        if not created:
            self.stdout.write("证书体系已存在，未做修改")
            return
        for authority in created:
            self.stdout.write(f"已创建 {authority.get_kind_display()}：{authority.name}")
        self.stdout.write("根证书可用 zwfw manage pki_export_root 导出")
