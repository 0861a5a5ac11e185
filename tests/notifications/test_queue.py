"""Queued notices (the outbox): written in the caller's transaction, sent by the worker, limited then."""

from __future__ import annotations

import argparse
import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests.notifications.helpers import run_queued_jobs
from zwfw import cli
from zwfw.core.errors import ValidationFailed
from zwfw.notifications import senders, services, tasks
from zwfw.notifications.models import Message, MessageStatus
from zwfw.notifications.services import DELIVERY_SWEEP_KEY, queue_message, send_message
from zwfw.notifications.tasks import MESSAGES_PER_SWEEP

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
    assert run_queued_jobs() == []  # a second sweep sends nothing again


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
    assert run_queued_jobs() == []


def test_a_direct_send_through_a_broken_sender_is_recorded_failed_not_raised(monkeypatch):
    monkeypatch.setattr("zwfw.notifications.services.sender_for", lambda channel: Broken())
    message = send_message(channel="sms", purpose="login", body="验证码 123456", to_address=MOBILE)
    assert message.status == MessageStatus.FAILED
    assert Message.objects.get().error == "发送通道异常（TimeoutError），未发送"


# --- the worker's delivery sweep ----------------------------------------------------------------------

@pytest.fixture
def gate_open():
    cache.delete(DELIVERY_SWEEP_KEY)
    yield
    cache.delete(DELIVERY_SWEEP_KEY)


def sweeps() -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path="zwfw.notifications.tasks.deliver_queued_messages")
                .order_by("enqueued_at"))


def test_notices_committed_together_queue_one_sweep_and_none_is_a_job_of_its_own(
    gate_open, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(3):
            queue_message(channel="sms", purpose="case", body=f"办件进度 {n}", to_address=MOBILE)
    assert len(sweeps()) == 1
    assert not DBTaskResult.objects.exclude(task_path="zwfw.notifications.tasks.deliver_queued_messages").exists()
    with django_capture_on_commit_callbacks(execute=True):  # within the gate period: the sweep will take it
        queue_message(channel="sms", purpose="case", body="又一条", to_address=MOBILE)
    assert len(sweeps()) == 1
    cache.delete(DELIVERY_SWEEP_KEY)  # the gate period is over
    with django_capture_on_commit_callbacks(execute=True):
        queue_message(channel="sms", purpose="case", body="再一条", to_address=MOBILE)
    assert len(sweeps()) == 2


def test_a_notice_of_a_change_that_rolls_back_queues_no_sweep(gate_open, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        change_that_fails()
    assert sweeps() == []


def test_a_sweep_sends_every_queued_notice_then_looks_again_later_and_stops_when_it_finds_none():
    for n in range(3):
        queue_message(channel="sms", purpose="case", body=f"办件进度 {n}", to_address=MOBILE)
    before = timezone.now()
    assert tasks.deliver_queued_messages.call() == {MessageStatus.SENT: 3}
    assert set(Message.objects.values_list("status", flat=True)) == {MessageStatus.SENT}
    again = sweeps()
    assert len(again) == 1  # the look again, for notices queued while the gate was shut
    assert again[0].task.run_after >= before + dt.timedelta(seconds=4)
    assert tasks.deliver_queued_messages.call() == {}
    assert len(sweeps()) == 1  # nothing found: no further look


def test_a_full_sweep_queues_the_next_one_at_once(monkeypatch):
    monkeypatch.setattr(tasks, "MESSAGES_PER_SWEEP", 2)
    for n in range(3):
        queue_message(channel="email", purpose="case", body=f"办件进度 {n}", to_address=f"a{n}@example.cn")
    assert tasks.deliver_queued_messages.call() == {MessageStatus.SENT: 2}
    assert [job.task.run_after for job in sweeps()] == [None]  # at once
    assert tasks.deliver_queued_messages.call() == {MessageStatus.SENT: 1}
    assert Message.objects.filter(status=MessageStatus.QUEUED).count() == 0


def test_the_sweep_reads_the_waiting_notices_through_their_partial_index():
    # every message ever sent stays in the table: the sweep's read must not walk it
    queue_message(channel="sms", purpose="case", body="待发送", to_address=MOBILE)
    queued = services._queued().values_list("pk", flat=True)[:MESSAGES_PER_SWEEP]
    if connection.vendor == "postgresql":  # on a table this small the planner would scan it anyway
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
    assert "notif_msg_queued_idx" in queued.explain()


def test_a_sweep_that_cannot_be_queued_leaves_the_gate_open_for_the_next_notice(gate_open, monkeypatch):
    class Refused:
        def enqueue(self):
            raise RuntimeError("the job queue is unavailable")

    monkeypatch.setattr(tasks, "deliver_queued_messages", Refused())
    with pytest.raises(RuntimeError):
        services.queue_delivery_sweep()
    monkeypatch.undo()
    services.queue_delivery_sweep()  # the next notice's commit
    assert len(sweeps()) == 1


def test_the_worker_queues_a_sweep_at_start_when_notices_wait(monkeypatch):
    started = []
    monkeypatch.setattr(cli, "_manage", started.append)
    args = argparse.Namespace(interval=1)
    cli.cmd_worker(args)
    assert sweeps() == []  # nothing waits: no sweep
    queue_message(channel="sms", purpose="case", body="其变更已提交，扫描未能排队", to_address=MOBILE)
    cli.cmd_worker(args)
    assert len(sweeps()) == 1
    assert [argv[0] for argv in started] == ["db_worker", "db_worker"]
