"""Sending messages: validate, rate-limit per recipient, deliver through the channel's sender, record."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import re
import unicodedata
import uuid
from collections.abc import Sequence
from typing import Any

from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from zwfw.core.crypto import blind_index
from zwfw.core.errors import NotFound, ValidationFailed
from zwfw.core.lookups import PreparedInsert
from zwfw.core.masking import mask_mobile
from zwfw.notifications.errors import Throttled
from zwfw.notifications.models import Channel, Message, MessageStatus
from zwfw.notifications.selectors import inbox_of
from zwfw.notifications.senders import DeliveryFailed, sender_for

logger = logging.getLogger(__name__)
# a notice goes with every step of every case: its INSERT is compiled once per connection
_MESSAGE = PreparedInsert(Message)

# ASCII digits only (``\d`` would take any script's digits: "13９…" or "13٩…" would be a new recipient
# for the rate limits and a second account's "unused" number); full-width digits are folded first.
MOBILE_RE = re.compile(r"^1[3-9][0-9]{9}$")
# No control characters (NUL cannot even be stored in a PostgreSQL text column).
EMAIL_RE = re.compile(r"^[^@\s\x00-\x1f\x7f]{1,64}@[^@\s\x00-\x1f\x7f]+\.[^@\s\x00-\x1f\x7f]{2,}$")

# Per-recipient limits (window seconds, at most this many messages); common practice of SMS gateways
# in China: one code a minute, a handful an hour, about ten a day.
RATE_LIMITS: dict[str, list[tuple[int, int]]] = {
    Channel.SMS: [(60, 1), (3600, 5), (86400, 10)],
    Channel.EMAIL: [(60, 2), (3600, 10), (86400, 30)],
    Channel.INBOX: [],
}
# Notices (办件进度 and the like, purposes not ending in "_code") are counted apart from codes: gateways
# class them as 通知类短信, and a case moving through several steps in a minute must still be told.
NOTICE_RATE_LIMITS: dict[str, list[tuple[int, int]]] = {
    Channel.SMS: [(60, 10), (86400, 50)],
    Channel.EMAIL: [(60, 10), (86400, 100)],
    Channel.INBOX: [],
}
CODE_SUFFIX = "_code"

_WINDOW_NAMES = {60: "1分钟", 3600: "1小时", 86400: "24小时"}


def normalise_mobile(value: str) -> str:
    mobile = re.sub(r"[\s-]", "", unicodedata.normalize("NFKC", value or ""))
    if mobile.startswith("+86"):
        mobile = mobile[3:]
    if not MOBILE_RE.match(mobile):
        raise ValidationFailed(
            "INVALID_MOBILE", "手机号码应为11位中国大陆手机号", details={"field": "mobile"}
        )
    return mobile


def normalise_email(value: str) -> str:
    email = (value or "").strip().lower()
    if len(email) > 254 or not EMAIL_RE.match(email):
        raise ValidationFailed("INVALID_EMAIL", "电子邮箱格式不正确", details={"field": "email"})
    return email


def recipient_index(channel: str, address: str) -> str:
    return blind_index(address, purpose=f"recipient:{channel}")  # same as selectors.messages_to


def _lock_recipient(index: str) -> None:
    # Two requests for the same mobile must not both pass the limit: serialise them per recipient.
    # SQLite already runs one writer at a time (IMMEDIATE transactions, see settings).
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [index])


def _check_rate(channel: str, index: str, now: dt.datetime, purpose: str, *, excluding: int | None = None) -> None:
    is_code = purpose.endswith(CODE_SUFFIX)
    # what has gone out counts (delivered or failed at the gateway); not what waits, nor what the limit stopped
    sent = Message.objects.filter(recipient_index=index, channel=channel).exclude(
        status__in=[MessageStatus.QUEUED, MessageStatus.LIMITED])
    if excluding is not None:
        sent = sent.exclude(pk=excluding)
    sent = sent.filter(purpose__endswith=CODE_SUFFIX) if is_code else sent.exclude(purpose__endswith=CODE_SUFFIX)
    for window, limit in (RATE_LIMITS if is_code else NOTICE_RATE_LIMITS).get(channel, []):
        since = now - dt.timedelta(seconds=window)
        recent = list(
            sent.filter(created_at__gt=since)
            .order_by("created_at")
            .values_list("created_at", flat=True)[:limit]
        )
        if len(recent) >= limit:
            retry_after = max(1, int((recent[0] + dt.timedelta(seconds=window) - now).total_seconds()) + 1)
            raise Throttled(
                f"发送过于频繁：{_WINDOW_NAMES.get(window, f'{window}秒')}内最多发送{limit}条，请{retry_after}秒后再试",
                retry_after_seconds=retry_after,
            )


def _checked_recipient(channel: str, body: str, to_address: str, to_user: Any) -> str:
    """The normalised address, or a ValidationFailed naming what is wrong."""
    if channel not in Channel.values:
        raise ValidationFailed("INVALID_CHANNEL", f"不支持的消息渠道：{channel}")
    if not body or len(body) > 2000:
        raise ValidationFailed("INVALID_MESSAGE", "消息内容不能为空，且不超过2000字")
    if channel == Channel.SMS:
        return normalise_mobile(to_address)
    if channel == Channel.EMAIL:
        return normalise_email(to_address)
    if to_user is None:
        raise ValidationFailed("INVALID_RECIPIENT", "站内信必须指定收件账号")
    return to_address


def _deliver(message: Message) -> None:
    """Hand the message to its channel's sender; the outcome is written on the message (not saved)."""
    sender = sender_for(message.channel)
    message.sender = sender.name
    try:
        message.provider_reference = sender.deliver(
            channel=message.channel, address=message.recipient_address, subject=message.subject, body=message.body
        )[:80]
        message.status = MessageStatus.SENT
    except DeliveryFailed as exc:
        message.status = MessageStatus.FAILED
        message.error = str(exc)[:200]
    except Exception as exc:
        # a fault of the adapter itself (an untranslated timeout, a bug): the message is still
        # recorded as not sent, never left queued for ever; the operator's log keeps the traceback
        logger.exception("sender %s failed on message %s", sender.name, message.public_id)
        message.status = MessageStatus.FAILED
        message.error = f"发送通道异常（{type(exc).__name__}），未发送"[:200]


def send_message(
    *,
    channel: str,
    purpose: str,
    body: str,
    subject: str = "",
    to_address: str = "",
    to_user: Any = None,
) -> Message:
    """Send one message and record it. SMS and e-mail need ``to_address``; the inbox needs ``to_user``.

    Raises ``Throttled`` (429) when the recipient had too many messages recently; a refused or
    failed delivery is recorded with status ``failed`` and returned, never raised.
    """
    to_address = _checked_recipient(channel, body, to_address, to_user)
    index = recipient_index(channel, to_address) if to_address else ""
    # An inbox message has no rate limit: one INSERT, no transaction (or savepoint) of its own.
    with transaction.atomic() if index else contextlib.nullcontext():
        if index:
            _lock_recipient(index)
            _check_rate(channel, index, timezone.now(), purpose)
        message = _delivered(channel, purpose, subject, body, to_user=to_user, address=to_address, index=index)
        _MESSAGE.insert(message)
    return message


def _delivered(channel: str, purpose: str, subject: str, body: str, *, to_user: Any, address: str, index: str) -> Message:
    """The message's row (not saved), handed to its channel's sender (``_deliver``)."""
    message = Message(
        channel=channel,
        purpose=purpose[:40],
        recipient_user=to_user,
        recipient_address=address,
        recipient_index=index,
        subject=subject[:120],
        body=body,
    )
    _deliver(message)
    return message


def send_inbox_messages(*, purpose: str, subject: str, messages: Sequence[tuple[Any, str]]) -> list[Message]:
    """Several 站内信 ``(to_user, body)`` sent and recorded as ``send_message`` sends each (same checks,
    same sender, same row), written with one INSERT in the caller's transaction (a batch's notices, e.g.
    批量签发). The inbox has no rate limit, so nothing is read first; nothing is written if any message
    is refused."""
    for to_user, body in messages:  # every message checked before any is sent
        _checked_recipient(Channel.INBOX, body, "", to_user)
    sent = [
        _delivered(Channel.INBOX, purpose, subject, body, to_user=to_user, address="", index="")
        for to_user, body in messages
    ]
    _MESSAGE.insert_many(sent)
    return sent


def queue_message(*, channel: str, purpose: str, body: str, subject: str = "", to_address: str = "") -> Message:
    """Record an SMS or e-mail notice for the worker to send, in the caller's transaction: it leaves
    only if the change it tells of commits, and a slow or failing gateway never holds up the request.
    Once the transaction commits, a delivery sweep is queued (``queue_delivery_sweep``). The rate limits
    apply when it is sent; a notice over them is not sent and is recorded as ``limited`` with the reason."""
    if channel == Channel.INBOX:
        raise ValidationFailed("INVALID_CHANNEL", "站内信直接写入，不经发送队列")
    to_address = _checked_recipient(channel, body, to_address, None)
    message = Message(
        channel=channel, purpose=purpose[:40], recipient_address=to_address,
        recipient_index=recipient_index(channel, to_address), subject=subject[:120], body=body,
        sender="", status=MessageStatus.QUEUED,
    )
    _MESSAGE.insert(message)
    # robust: a sweep that could not be queued is made up by the next notice's, or the sweep's look again
    transaction.on_commit(queue_delivery_sweep, robust=True)
    return message


# A web process queues at most one delivery sweep this often; a sweep sends every queued notice, and
# looks again this much later while it finds some.
DELIVERY_SWEEP_GATE_SECONDS = 5
DELIVERY_SWEEP_KEY = "zwfw:notifications:delivery-sweep"


def queue_delivery_sweep() -> None:
    """Queue the worker's sweep of the queued notices (tasks.deliver_queued_messages), at most once per
    DELIVERY_SWEEP_GATE_SECONDS per web process (the local-memory cache; per node with Redis).

    A notice costs its change one row and a cache check, not a job row of its own: on SQLite the job
    was written inside the change's transaction, which holds the database's one write lock. A notice
    queued while the gate is shut is sent by the sweep's next look, at most a gate period later."""
    from zwfw.notifications.tasks import deliver_queued_messages

    if cache.add(DELIVERY_SWEEP_KEY, True, timeout=DELIVERY_SWEEP_GATE_SECONDS):
        try:
            deliver_queued_messages.enqueue()
        except Exception:
            cache.delete(DELIVERY_SWEEP_KEY)  # the next notice tries again, not a gate period later
            raise


def queue_sweep_of_waiting_notices() -> bool:
    """Queue a delivery sweep if notices wait (``zwfw worker`` does at start): the ones whose sweep
    could not be queued after their change committed (the queue's database refused it, or the web
    process stopped in between) are sent then. Whether a sweep was queued."""
    from zwfw.notifications.tasks import deliver_queued_messages

    if not _queued().exists():
        return False
    deliver_queued_messages.enqueue()
    return True


def _queued() -> Any:
    """The notices waiting to be sent, oldest first (a partial index holds exactly these)."""
    return Message.objects.filter(status=MessageStatus.QUEUED).order_by("id")


def deliver_all_queued(*, limit: int) -> list[Message]:
    """Send the queued notices, oldest first, at most ``limit`` of them (``deliver_queued`` each): the
    ones this call handled (sent, failed or limited). Two sweeps at once send each notice once."""
    handled = (deliver_queued(pk) for pk in list(_queued().values_list("pk", flat=True)[:limit]))
    return [message for message in handled if message is not None]


def deliver_queued(message_id: int) -> Message | None:
    """Send one queued message (the worker's job); None if it is gone or was sent already."""
    with transaction.atomic():
        message = Message.objects.select_for_update().filter(pk=message_id, status=MessageStatus.QUEUED).first()
        if message is None:
            return None
        _lock_recipient(message.recipient_index)
        try:
            _check_rate(message.channel, message.recipient_index, timezone.now(), message.purpose,
                        excluding=message.pk)
        except Throttled as exc:
            message.status, message.error = MessageStatus.LIMITED, exc.message[:200]
        else:
            _deliver(message)
        message.save(update_fields=["status", "error", "sender", "provider_reference"])
    return message


def mark_read(*, user: Any, message_id: str) -> Message:
    """Mark one of the user's own inbox messages read (someone else's is simply not found)."""
    try:
        public_id = uuid.UUID(str(message_id))
    except ValueError:
        raise NotFound("MESSAGE_NOT_FOUND", "消息不存在") from None
    message = inbox_of(user).filter(public_id=public_id).first()
    if message is None:
        raise NotFound("MESSAGE_NOT_FOUND", "消息不存在")
    if message.read_at is None:
        message.read_at = timezone.now()
        message.save(update_fields=["read_at"])
    return message


def mark_all_read(*, user: Any) -> int:
    """Mark every unread message of the account read; returns how many."""
    return inbox_of(user).filter(read_at__isnull=True).update(read_at=timezone.now())


def describe_recipient(message: Message) -> str:
    if message.channel == Channel.SMS:
        return mask_mobile(message.recipient_address)
    return message.recipient_address or ""
