"""Sending messages: validation, per-recipient rate limits, recording, the inbox, the operators' command."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
import time_machine
from django.conf import settings
from django.core.management import CommandError, call_command

from tests.identity.factories import UserFactory
from zwfw.core.errors import NotFound, ValidationFailed
from zwfw.notifications import senders
from zwfw.notifications.errors import Throttled
from zwfw.notifications.models import Message, MessageStatus
from zwfw.notifications.selectors import inbox_of, messages_to, unread_count
from zwfw.notifications.services import mark_all_read, mark_read, send_inbox_messages, send_message

pytestmark = pytest.mark.django_db
MOBILE = "13912345678"
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def test_an_sms_is_recorded_encrypted_and_logged_masked():
    # when
    message = send_message(
        channel="sms", purpose="login_code", body="验证码 246810", to_address="+86 139-1234-5678"
    )
    # then
    assert message.status == MessageStatus.SENT
    assert message.sender == "recording"
    assert Message.objects.get().recipient_address == MOBILE
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT recipient_address FROM notifications_message")
        (raw,) = cursor.fetchone()
    assert MOBILE not in raw
    assert raw.startswith("v1:")
    last = json.loads((settings.DATA_DIR / "messages.log").read_text(encoding="utf-8").splitlines()[-1])
    assert last["to"] == "139****5678"
    assert last["body"] == "验证码 246810"


@pytest.mark.parametrize(
    ("channel", "address", "code"),
    [
        ("sms", "1234", "INVALID_MOBILE"),
        ("sms", "", "INVALID_MOBILE"),
        ("email", "not-an-address", "INVALID_EMAIL"),
    ],
)
def test_a_bad_address_is_refused_and_nothing_recorded(channel, address, code):
    with pytest.raises(ValidationFailed) as caught:
        send_message(channel=channel, purpose="notice", body="你好", to_address=address)
    assert caught.value.code == code
    assert not Message.objects.exists()


def test_an_empty_or_oversized_body_or_unknown_channel_is_refused():
    for kwargs in (
        {"channel": "sms", "body": ""},
        {"channel": "sms", "body": "长" * 2001},
        {"channel": "fax", "body": "你好"},
    ):
        with pytest.raises(ValidationFailed):
            send_message(purpose="notice", to_address=MOBILE, **kwargs)
    assert not Message.objects.exists()


def test_one_sms_a_minute_per_recipient_then_allowed_again():
    with time_machine.travel(START, tick=False) as clock:
        send_message(channel="sms", purpose="login_code", body="1", to_address=MOBILE)
        # when a second code is asked for 30 seconds later
        clock.shift(30)
        with pytest.raises(Throttled) as caught:
            send_message(channel="sms", purpose="login_code", body="2", to_address=MOBILE)
        # then it is refused with a Chinese message and when to retry
        assert caught.value.status == 429
        assert caught.value.details == {"retry_after_seconds": 31}
        assert "1分钟内最多发送1条" in caught.value.message
        assert Message.objects.count() == 1
        # another recipient is not affected
        send_message(channel="sms", purpose="login_code", body="3", to_address="13900000000")
        # and after the minute the first one may have another
        clock.shift(31)
        send_message(channel="sms", purpose="login_code", body="4", to_address=MOBILE)
    assert Message.objects.count() == 3


def test_hourly_and_daily_sms_limits():
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(5):
            send_message(channel="sms", purpose="login_code", body="x", to_address=MOBILE)
            clock.shift(61)
        with pytest.raises(Throttled) as caught:
            send_message(channel="sms", purpose="login_code", body="x", to_address=MOBILE)
        assert "1小时内最多发送5条" in caught.value.message
        for _ in range(5):
            clock.shift(3600)
            send_message(channel="sms", purpose="login_code", body="x", to_address=MOBILE)
        clock.shift(3600)
        with pytest.raises(Throttled) as caught:
            send_message(channel="sms", purpose="login_code", body="x", to_address=MOBILE)
        assert "24小时内最多发送10条" in caught.value.message
    assert Message.objects.count() == 10


def test_notices_are_limited_apart_from_codes():
    # a case moving through several steps in a minute must still be told, codes or not
    with time_machine.travel(START, tick=False) as clock:
        send_message(channel="sms", purpose="login_code", body="验证码 1", to_address=MOBILE)
        for n in range(10):
            send_message(channel="sms", purpose="case", body=f"办件进度 {n}", to_address=MOBILE)
        with pytest.raises(Throttled) as caught:
            send_message(channel="sms", purpose="case", body="第11条", to_address=MOBILE)
        assert "1分钟内最多发送10条" in caught.value.message
        with pytest.raises(Throttled):  # and the notices do not open the code limit either
            send_message(channel="sms", purpose="login_code", body="验证码 2", to_address=MOBILE)
        clock.shift(61)
        send_message(channel="sms", purpose="login_code", body="验证码 3", to_address=MOBILE)
    assert Message.objects.filter(purpose="case").count() == 10


def test_a_failed_delivery_is_recorded_not_raised(monkeypatch):
    class Refusing(senders.Sender):
        name = "refusing"

        def deliver(self, **kwargs):
            raise senders.DeliveryFailed("gateway said no")

    monkeypatch.setattr("zwfw.notifications.services.sender_for", lambda channel: Refusing())
    message = send_message(channel="sms", purpose="notice", body="x", to_address=MOBILE)
    assert message.status == MessageStatus.FAILED
    assert Message.objects.get().error == "gateway said no"


def test_the_inbox_shows_only_ones_own_messages():
    alice, bob = UserFactory(), UserFactory()
    mine = send_message(channel="inbox", purpose="notice", body="您的办件已受理", to_user=alice)
    send_message(channel="inbox", purpose="notice", body="bob's", to_user=bob)
    assert list(inbox_of(alice)) == [mine]
    assert unread_count(alice) == 1
    # bob cannot mark alice's message read
    with pytest.raises(NotFound):
        mark_read(user=bob, message_id=str(mine.public_id))
    assert Message.objects.get(pk=mine.pk).read_at is None
    mark_read(user=alice, message_id=str(mine.public_id))
    assert unread_count(alice) == 0
    assert unread_count(bob) == 1
    assert mark_all_read(user=bob) == 1


def test_marking_a_malformed_message_id_is_not_found():
    with pytest.raises(NotFound):
        mark_read(user=UserFactory(), message_id="not-a-uuid")


def _row(message: Message) -> tuple:
    stored = Message.objects.get(pk=message.pk)
    return (
        stored.channel, stored.purpose, stored.recipient_user_id, stored.recipient_address, stored.recipient_index,
        stored.subject, stored.body, stored.sender, stored.status, stored.error, stored.provider_reference, stored.read_at,
    )


def test_inbox_messages_sent_together_are_the_rows_send_message_writes_one_by_one():
    alice, bob = UserFactory(), UserFactory()
    # when two messages are sent together, and the same two one by one
    together = send_inbox_messages(purpose="license", subject="电子证照", messages=[(alice, "甲"), (bob, "乙")])
    one_by_one = [
        send_message(channel="inbox", purpose="license", subject="电子证照", body=body, to_user=user)
        for user, body in ((alice, "甲"), (bob, "乙"))
    ]
    # then each was delivered and recorded alike, in order, and shows in its recipient's inbox
    assert [_row(message) for message in together] == [_row(message) for message in one_by_one]
    assert [message.pk for message in together] == sorted(message.pk for message in together)
    assert [message.body for message in inbox_of(alice)] == ["甲", "甲"]
    assert unread_count(bob) == 2


def test_inbox_messages_sent_together_refuse_them_all_for_one_bad_message():
    alice = UserFactory()
    with pytest.raises(ValidationFailed) as info:
        send_inbox_messages(purpose="license", subject="电子证照", messages=[(alice, "甲"), (None, "乙")])
    assert info.value.code == "INVALID_RECIPIENT"
    assert not Message.objects.exists()


def test_an_inbox_message_needs_an_account():
    with pytest.raises(ValidationFailed):
        send_message(channel="inbox", purpose="notice", body="x")


def test_command_lists_messages_to_a_mobile():
    send_message(channel="sms", purpose="register_code", body="注册验证码 135790", to_address=MOBILE)
    out = StringIO()
    call_command("messages", "--to", MOBILE, stdout=out)
    assert "注册验证码 135790" in out.getvalue()
    assert messages_to(channel="sms", address=MOBILE)[0].purpose == "register_code"
    out = StringIO()
    call_command("messages", "--to", "13800000000", stdout=out)
    assert "没有发给该地址的消息" in out.getvalue()
    with pytest.raises(CommandError, match="手机号码"):
        call_command("messages", "--to", "12")
