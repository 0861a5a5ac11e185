"""Prepared statements of hot paths: a prepared insert writes the row the ORM would."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from zwfw.core.lookups import PreparedInsert
from zwfw.notifications.models import Message, MessageStatus

pytestmark = pytest.mark.django_db(transaction=True)

MESSAGES = PreparedInsert(Message)
COLUMNS = ("channel", "purpose", "recipient_address", "recipient_index", "subject", "body", "sender", "status")


def _message(**overrides) -> Message:
    values = {"channel": "sms", "purpose": "case", "recipient_address": "13912345678", "recipient_index": "i" * 64,
              "subject": "", "body": "您的办件已受理", "sender": "", "status": MessageStatus.QUEUED, **overrides}
    return Message(**values)


def test_a_prepared_insert_writes_the_row_objects_create_would():
    by_orm = Message.objects.create(**{c: getattr(_message(), c) for c in COLUMNS})
    prepared = _message()
    assert MESSAGES.insert(prepared) is True
    assert prepared.pk is not None
    assert prepared.pk != by_orm.pk
    assert not prepared._state.adding
    stored = Message.objects.get(pk=prepared.pk)
    for column in (*COLUMNS, "recipient_user_id", "read_at"):
        assert getattr(stored, column) == getattr(by_orm, column), column
    assert stored.public_id == prepared.public_id != by_orm.public_id  # the default, made per object
    assert stored.created_at is not None  # auto_now_add, as save() sets it
    # the address is encrypted in the table as the field always stores it, not in clear
    with connection.cursor() as cursor:
        cursor.execute("SELECT recipient_address FROM notifications_message WHERE id = %s", [prepared.pk])
        assert "13912345678" not in cursor.fetchone()[0]


def change_that_fails() -> None:
    with transaction.atomic():
        MESSAGES.insert(_message())
        raise RuntimeError("the change failed")


def test_a_prepared_insert_runs_in_the_callers_transaction():
    with pytest.raises(RuntimeError):
        change_that_fails()
    assert Message.objects.count() == 0


def test_a_unique_row_twice_is_an_error_or_with_ignore_conflicts_nothing():
    first = _message()
    MESSAGES.insert(first)
    with pytest.raises(IntegrityError), transaction.atomic():
        MESSAGES.insert(_message(public_id=first.public_id))
    ignoring = PreparedInsert(Message, ignore_conflicts=True)
    again = _message(public_id=first.public_id)
    assert ignoring.insert(again) is False
    assert again.pk is None
    assert Message.objects.count() == 1


def test_an_object_with_a_primary_key_is_refused():
    saved = Message.objects.create(**{c: getattr(_message(), c) for c in COLUMNS})
    with pytest.raises(ValueError, match="primary key"):
        MESSAGES.insert(saved)
    assert Message.objects.count() == 1
