"""Reads of messages, scoped by whose they are."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from zwfw.core.crypto import blind_index
from zwfw.notifications.models import Message


def inbox_of(user: Any) -> QuerySet[Message]:
    """消息中心 of one account: its in-site messages and copies of the SMS and e-mails sent to it, newest first."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Message.objects.none()
    return Message.objects.filter(recipient_user=user).order_by("-created_at", "-id")


def unread_count(user: Any) -> int:
    return inbox_of(user).filter(read_at__isnull=True).count()


def messages_to(*, channel: str, address: str, limit: int = 20) -> list[Message]:
    """Messages sent to one mobile or e-mail address, newest first (operators' command only)."""
    return list(
        Message.objects.filter(
            channel=channel, recipient_index=blind_index(address, purpose=f"recipient:{channel}")
        ).order_by("-created_at", "-id")[:limit]
    )
