"""zwfw manage verify_pdf FILE: print the verification report; exit 0 only for a valid file."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from zwfw.core.errors import DomainError
from zwfw.seals import verification


class Command(BaseCommand):
    help = "验证PDF文件的电子签章；仅当文件有效时退出码为0"

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="PDF文件")

    def handle(self, *args, file: Path, **options):
        try:
            pdf = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"无法读取 {file}：{exc.strerror}") from exc
        try:
            report = verification.verify_pdf(pdf)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        for index, sig in enumerate(report.signatures, 1):
            self.stdout.write(f"第{index}个签章：{sig.message or sig.code}")
            if sig.seal_code:
                signed = timezone.localtime(sig.signed_at).strftime("%Y-%m-%d %H:%M:%S") if sig.signed_at else "—"
                self.stdout.write(f"  印章：{sig.seal_name}（{sig.seal_code}），{sig.department}")
                self.stdout.write(f"  签章时间：{signed}；签章时状态：{sig.status_at_signing_label}；当前状态：{sig.status_now_label}")
            self.stdout.write(f"  完整：{'是' if sig.intact else '否'}；可信：{'是' if sig.trusted else '否'}；"
                              f"覆盖整个文件：{'是' if sig.covers_whole_file else '否'}")
        self.stdout.write(f"结论：{'有效' if report.valid else '无效'}（{report.code}）{report.message}")
        if not report.valid:
            raise SystemExit(1)
