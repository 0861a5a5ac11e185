"""Prepared statements of hot paths: a prepared insert writes the row the ORM would, a prepared read
gives the rows the queryset would, a prepared instance the objects select_related would."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction

from tests.identity.factories import PersonFactory, StaffFactory
from zwfw.core.lookups import PreparedInsert, PreparedInstance, PreparedRead
from zwfw.identity.models import Person, StaffMember
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


def test_several_rows_in_one_insert_are_the_rows_one_by_one_inserts_write_in_order():
    # given three messages, and the same three written one by one
    one_by_one = [_message(body=f"第{n}条", recipient_address=f"1391234567{n}") for n in range(3)]
    for message in one_by_one:
        MESSAGES.insert(message)
    together = [_message(body=f"第{n}条", recipient_address=f"1391234567{n}") for n in range(3)]
    # when the three are written together
    MESSAGES.insert_many(together)
    # then they are the same rows, in order, each object given its id
    assert [message.pk for message in together] == sorted(message.pk for message in together)
    assert all(not message._state.adding for message in together)
    columns = (*COLUMNS, "recipient_user_id", "read_at")
    stored = [Message.objects.get(pk=message.pk) for message in together]
    assert [[getattr(row, c) for c in columns] for row in stored] == [
        [getattr(Message.objects.get(pk=message.pk), c) for c in columns] for message in one_by_one
    ]
    assert [row.public_id for row in stored] == [message.public_id for message in together]
    with connection.cursor() as cursor:
        cursor.execute("SELECT recipient_address FROM notifications_message WHERE id = %s", [together[0].pk])
        assert "13912345670" not in cursor.fetchone()[0]


def test_several_rows_with_one_refused_write_none_and_rows_with_ids_are_refused():
    first = _message()
    MESSAGES.insert(first)
    with pytest.raises(IntegrityError), transaction.atomic():
        MESSAGES.insert_many([_message(), _message(public_id=first.public_id)])
    with pytest.raises(ValueError, match="primary key"):
        MESSAGES.insert_many([_message(), first])
    assert list(Message.objects.values_list("pk", flat=True)) == [first.pk]


BY_ADDRESS_AND_STATUS = PreparedRead(
    lambda status, purpose: Message.objects.filter(status=status, purpose=purpose).order_by("id")
    .values_list("id", "body", "created_at"),
    keys=2,
)
NEWEST = PreparedRead(lambda: Message.objects.order_by("-id").values_list("id", "body")[:1], keys=0)


def test_a_prepared_read_by_two_keys_gives_the_rows_the_queryset_gives():
    for body, status, purpose in (("甲", "queued", "case"), ("乙", "sent", "case"), ("丙", "queued", "license")):
        Message.objects.create(**{c: getattr(_message(body=body, status=status, purpose=purpose), c) for c in COLUMNS})
    rows = BY_ADDRESS_AND_STATUS.rows("queued", "case")
    assert rows == list(Message.objects.filter(status="queued", purpose="case").order_by("id")
                        .values_list("id", "body", "created_at"))
    assert [row[1] for row in rows] == ["甲"]
    assert BY_ADDRESS_AND_STATUS.rows("case", "queued") == []  # the keys go where the queryset put them
    assert [row[1] for row in BY_ADDRESS_AND_STATUS.rows("queued", "license")] == ["丙"]


def test_a_prepared_read_without_a_key_and_a_read_given_the_wrong_number_of_keys():
    assert NEWEST.rows() == []
    Message.objects.create(**{c: getattr(_message(body="最新"), c) for c in COLUMNS})
    assert [row[1] for row in NEWEST.rows()] == ["最新"]
    with pytest.raises(TypeError):
        NEWEST.rows("extra")
    with pytest.raises(TypeError):
        BY_ADDRESS_AND_STATUS.rows("queued")


def test_constants_stay_in_the_statement_and_a_key_it_does_not_use_is_refused():
    for channel in ("sms", "email"):
        Message.objects.create(**{c: getattr(_message(channel=channel), c) for c in COLUMNS})
    sms_by_purpose = PreparedRead(lambda key: Message.objects.filter(purpose=key, channel="sms").values_list("channel"))
    assert sms_by_purpose.rows("case") == [("sms",)]
    unused = PreparedRead(lambda first, second: Message.objects.filter(purpose=first).values_list("id"), keys=2)
    with pytest.raises(ValueError, match="key"):
        unused.rows("case", "sms")


# --- a model instance with its related rows, read by one prepared statement ---------------------------

def _accounts() -> PreparedInstance:
    user_model = get_user_model()
    return PreparedInstance(
        user_model,
        lambda pk: user_model.objects.filter(pk=pk),
        fields=("username", "id", "is_active"),  # in any order: read in the model's
        related=[
            ("person", ("id", "name", "document_number", "user_id")),
            ("staff", ("id", "name", "department_id", "user_id")),
            ("staff__department", ("id", "name")),
        ],
    )


def test_a_prepared_instance_brings_its_related_rows_and_reaching_them_costs_no_query(django_assert_num_queries):
    staff = StaffFactory()
    accounts = _accounts()
    with django_assert_num_queries(1):
        user = accounts.get(staff.user.pk)
        assert (user.pk, user.username, user.is_active) == (staff.user.pk, staff.user.username, True)
        assert (user.staff.pk, user.staff.name) == (staff.pk, staff.name)
        assert user.staff.department.name == staff.department.name
        assert user.staff.user is user  # the reverse one-to-one's forward side too
        with pytest.raises(Person.DoesNotExist):  # no person row: as the ORM would say, without asking
            _ = user.person
    with django_assert_num_queries(1):  # a field not read is deferred and loads on access, as only() does
        assert user.email == staff.user.email


def test_a_prepared_instance_applies_the_fields_converters_and_a_missing_row_is_none(django_assert_num_queries):
    person = PersonFactory()
    accounts = _accounts()
    with django_assert_num_queries(1):
        user = accounts.get(person.user.pk)
        assert user.person.document_number == person.document_number  # decrypted, as the field reads it
        with pytest.raises(StaffMember.DoesNotExist):
            _ = user.staff
    assert accounts.get(person.user.pk + 1000) is None


def test_a_nullable_foreign_key_without_a_row_is_none_without_a_query(django_assert_num_queries):
    staff = StaffFactory(department=None)
    user = _accounts().get(staff.user.pk)
    with django_assert_num_queries(0):
        assert user.staff.department is None


def test_a_prepared_instance_refuses_a_path_before_its_parent_a_related_read_without_its_key_and_an_unknown_column():
    user_model = get_user_model()
    with pytest.raises(ValueError, match="before"):
        PreparedInstance(user_model, lambda pk: user_model.objects.filter(pk=pk), fields=("id",),
                         related=[("staff__department", ("id",))])
    with pytest.raises(ValueError, match="primary key"):
        PreparedInstance(user_model, lambda pk: user_model.objects.filter(pk=pk), fields=("id",),
                         related=[("staff", ("name",))])
    with pytest.raises(ValueError, match="no column"):
        PreparedInstance(user_model, lambda pk: user_model.objects.filter(pk=pk), fields=("id", "colour"))


@pytest.mark.parametrize("key", [2**63, -(2**63) - 1, 2**70])
def test_an_integer_key_no_column_can_hold_names_no_row_as_the_orm_s_filter(key):
    Message.objects.create(**{c: getattr(_message(), c) for c in COLUMNS})
    by_id = PreparedRead(lambda pk: Message.objects.filter(pk=pk).values_list("id"))
    assert list(Message.objects.filter(pk=key).values_list("id")) == []
    assert by_id.rows(key) == []
    assert _accounts().get(key) is None
