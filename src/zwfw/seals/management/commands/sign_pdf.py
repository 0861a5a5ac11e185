"""zwfw manage sign_pdf --seal CODE IN.pdf OUT.pdf: sign a PDF with a seal from the command line.

The operator of the node (shell access, the key-encryption key) signs as ``system:cli``; the seal
must be active and within its validity, and the use is recorded like any other.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from zwfw.core.errors import DomainError
from zwfw.seals import signing
from zwfw.seals.models import Seal


class Command(BaseCommand):
    help = "用电子印章对PDF文件签章（PAdES），并在页面上加盖印模"

    def add_arguments(self, parser):
        parser.add_argument("input", type=Path, help="待签章的PDF")
        parser.add_argument("output", type=Path, help="签章后的PDF写到这里")
        parser.add_argument("--seal", required=True, help="印章编码")
        parser.add_argument("--purpose", default="命令行签章", help="用章事由")
        parser.add_argument("--page", type=int, default=-1, help="页码，-1 为最后一页")
        parser.add_argument("--x-mm", type=float, default=None, help="印章中心距页面左边的毫米数")
        parser.add_argument("--y-mm", type=float, default=None, help="印章中心距页面下边的毫米数")

    def handle(self, *args, input: Path, output: Path, seal: str, purpose: str, page: int, **options):
        found = Seal.objects.filter(code=seal).first()
        if found is None:
            raise CommandError(f"印章 {seal} 不存在")
        try:
            pdf = input.read_bytes()
        except OSError as exc:
            raise CommandError(f"无法读取 {input}：{exc.strerror}") from exc
        try:
            signed = signing.sign_pdf(
                actor=signing.SigningActor(system="system:cli"),
                seal=found,
                pdf=pdf,
                purpose=purpose,
                placement=signing.Placement(page=page, x_mm=options["x_mm"], y_mm=options["y_mm"]),
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        output.write_bytes(signed)
        self.stdout.write(f"已签章：{output}（{found.name}）")
