"""zwfw manage pki_export_root [--algorithm ecdsa|sm2]: print the root certificate (PEM)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from zwfw.seals import pki


class Command(BaseCommand):
    help = "输出本节点电子印章根证书（PEM），供验证软件设为信任"

    def add_arguments(self, parser):
        parser.add_argument("--algorithm", choices=sorted(pki.ALGORITHM_SLUGS), default="ecdsa", help="ecdsa（默认）或 sm2")

    def handle(self, *args, algorithm: str, **options):
        try:
            self.stdout.write(pki.root_pem(pki.ALGORITHM_SLUGS[algorithm]), ending="")
        except pki.PkiNotInitialised as exc:
            raise CommandError(exc.message) from exc
