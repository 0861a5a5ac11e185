"""claims.user_for_subject: a bearer token's ``sub`` to the user, in one plain statement, with the
same objects select_related would give (person attached, decrypted fields, dates)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.identity.factories import PersonFactory, StaffFactory
from tests.identity.oidc_helpers import make_client
from zwfw.identity.oidc.claims import subject_for, user_for_subject

pytestmark = pytest.mark.django_db


def test_the_user_and_their_person_come_in_one_statement():
    # given a person with a pairwise subject for a client
    person = PersonFactory(birth_date=dt.date(1988, 5, 1))
    subject = subject_for(person.user, make_client().application)
    # when the subject is resolved
    with CaptureQueriesContext(connection) as queries:
        user = user_for_subject(subject)
        found = user.person
        values = (found.mobile, found.document_number, found.birth_date, found.created_at, user.date_joined)
    # then one statement gave the user and the person, decrypted and typed as the ORM would
    assert len(queries.captured_queries) == 1
    assert user == person.user
    assert found == person
    assert found.user is user
    assert values[0] == person.mobile
    assert values[1] == person.document_number
    assert values[2] == dt.date(1988, 5, 1)
    assert values[3] == person.created_at
    assert values[4] == person.user.date_joined
    assert user.is_authenticated


def test_an_account_without_a_person_has_none_without_a_query():
    # given a staff account (no Person) with a subject
    staff = StaffFactory()
    subject = subject_for(staff.user, make_client().application)
    user = user_for_subject(subject)
    # when its person is asked for
    with CaptureQueriesContext(connection) as queries:
        has_person = hasattr(user, "person")
    # then there is none, and no query was made
    assert user == staff.user
    assert not has_person
    assert queries.captured_queries == []


def test_an_inactive_user_or_an_unknown_subject_is_nobody():
    person = PersonFactory()
    subject = subject_for(person.user, make_client().application)
    person.user.is_active = False
    person.user.save()
    assert user_for_subject(subject) is None
    assert user_for_subject("no-such-subject") is None
