"""Background jobs of 消息 (django-tasks, database backend)."""

from __future__ import annotations

from django_tasks import task


@task()
def deliver_queued_message(message_id: int) -> str:
    """发送: one queued SMS or e-mail notice through its channel's sender; returns its status."""
    from zwfw.notifications.services import deliver_queued

    message = deliver_queued(message_id)
    return message.status if message is not None else "gone"
