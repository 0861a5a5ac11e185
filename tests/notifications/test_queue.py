"""Queued notices (the outbox): written in the caller's transaction, sent by the worker, limited then."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from tests.notifications.helpers import run_queued_jobs
from zwfw.core.errors import ValidationFailed
from zwfw.notifications import senders
from zwfw.notifications.models import Message, MessageStatus
from zwfw.notifications.services import queue_message, send_message

pytestmark = pytest.mark.django_db
MOBILE = "13912345678"
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def test_a_queued_notice_is_kept_encrypted_and_sent_by_the_worker():
    message = queue_message(channel="sms", purpose="case", body="您的办件已受理", to_address="+86 139-1234-5678")
    assert message.status == MessageStatus.QUEUED
    assert Message.objects.get().recipient_address == MOBILE
    assert run_queued_jobs() == [MessageStatus.SENT]
    message.refresh_from_db()
    assert (message.status, message.sender) == (MessageStatus.SENT, "recording")
    assert run_queued_jobs() == ["gone"]  # a job run twice sends once


def change_that_fails() -> None:
    with transaction.atomic():
        queue_message(channel="sms", purpose="case", body="不会发出", to_address=MOBILE)
        raise RuntimeError("the change failed")


def test_a_notice_of_a_change_that_rolls_back_is_never_sent():
    with pytest.raises(RuntimeError):
        change_that_fails()
    assert Message.objects.count() == 0
    assert run_queued_jobs() == []


def test_a_bad_address_or_the_inbox_is_refused_and_nothing_is_queued():
    for kwargs, code in (({"to_address": "12345"}, "INVALID_MOBILE"), ({"to_address": MOBILE, "body": ""}, "INVALID_MESSAGE"),
                         ({"channel": "inbox", "to_address": ""}, "INVALID_CHANNEL")):
        with pytest.raises(ValidationFailed) as exc:
            queue_message(**{"channel": "sms", "purpose": "case", "body": "x", **kwargs})
        assert exc.value.code == code
    assert Message.objects.count() == 0
    assert DBTaskResult.objects.count() == 0


def test_over_the_limit_a_notice_is_recorded_as_not_sent_and_does_not_count_itself():
    with time_machine.travel(START, tick=False) as clock:
        for n in range(11):
            queue_message(channel="sms", purpose="case", body=f"办件进度 {n}", to_address=MOBILE)
        assert run_queued_jobs() == [MessageStatus.SENT] * 10 + [MessageStatus.LIMITED]
        limited = Message.objects.get(status=MessageStatus.LIMITED)
        assert "1分钟内最多发送10条" in limited.error
        clock.shift(61)
        # the one not sent is not counted against the next minute
        assert send_message(channel="sms", purpose="case", body="下一分钟", to_address=MOBILE).status == MessageStatus.SENT


def test_a_gateway_failure_is_recorded_on_the_queued_notice(monkeypatch):
    class Refusing(senders.Sender):
        name = "refusing"

        def deliver(self, **kwargs):
            raise senders.DeliveryFailed("gateway said no")

    queue_message(channel="sms", purpose="case", body="x", to_address=MOBILE)
    monkeypatch.setattr("zwfw.notifications.services.sender_for", lambda channel: Refusing())
    assert run_queued_jobs() == [MessageStatus.FAILED]
    assert Message.objects.get().error == "gateway said no"


class Broken(senders.Sender):
    """An adapter with a fault of its own (a timeout it does not translate, a bug): not DeliveryFailed."""

    name = "broken"

    def deliver(self, **kwargs):
        raise TimeoutError("read timed out")


def test_a_sender_that_breaks_leaves_the_queued_notice_failed_not_waiting_forever(monkeypatch, caplog):
    queue_message(channel="sms", purpose="case", body="x", to_address=MOBILE)
    monkeypatch.setattr("zwfw.notifications.services.sender_for", lambda channel: Broken())
    assert run_queued_jobs() == [MessageStatus.FAILED]
    message = Message.objects.get()
    assert (message.status, message.sender) == (MessageStatus.FAILED, "broken")
    assert message.error == "发送通道异常（TimeoutError），未发送"
    assert "read timed out" in caplog.text  # the operator's log keeps the fault
    assert run_queued_jobs() == ["gone"]


def test_a_direct_send_through_a_broken_sender_is_recorded_failed_not_raised(monkeypatch):
    monkeypatch.setattr("zwfw.notifications.services.sender_for", lambda channel: Broken())
    message = send_message(channel="sms", purpose="login", body="验证码 123456", to_address=MOBILE)
    assert message.status == MessageStatus.FAILED
    assert Message.objects.get().error == "发送通道异常（TimeoutError），未发送"
