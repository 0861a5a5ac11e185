"""zwfw manage messages --to <mobile|e-mail>: the messages a recipient was sent (demo and support)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from zwfw.core.errors import ValidationFailed
from zwfw.notifications.models import Channel
from zwfw.notifications.selectors import messages_to
from zwfw.notifications.services import normalise_email, normalise_mobile


class Command(BaseCommand):
    help = "列出发给某手机号或电子邮箱的消息（最新在前）"

    def add_arguments(self, parser):
        parser.add_argument("--to", required=True, help="手机号或电子邮箱")
        parser.add_argument("--limit", type=int, default=20, help="最多列出多少条（默认20）")

    def handle(self, *args, to: str, limit: int, **options):
        try:
            if "@" in to:
                channel, address = Channel.EMAIL, normalise_email(to)
            else:
                channel, address = Channel.SMS, normalise_mobile(to)
        except ValidationFailed as exc:
            raise CommandError(exc.message) from exc
        if limit < 1 or limit > 1000:
            raise CommandError("--limit 应在1到1000之间")
        found = messages_to(channel=channel, address=address, limit=limit)
        if not found:
            self.stdout.write("没有发给该地址的消息")
            return
        for message in found:
            when = timezone.localtime(message.created_at).strftime("%Y-%m-%d %H:%M:%S")
            self.stdout.write(f"{when}  {message.purpose}  {message.get_status_display()}  {message.body}")
