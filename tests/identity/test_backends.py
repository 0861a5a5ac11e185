"""The account backend and the session store (zwfw.identity.backends): Django's ModelBackend and database
sessions with the reads of every signed-in request prepared. A request sees what Django's own would
give it, for one query for the session and one for the account behind it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DjangoSessionStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.identity.factories import PASSWORD, PersonFactory, StaffFactory
from zwfw.identity.backends import AccountBackend, SessionStore
from zwfw.identity.models import Person

pytestmark = pytest.mark.django_db

LOGIN = "/account/login/"
ME = "/api/v1/identity/me"


def _signed_in(person) -> Client:
    client = Client()
    response = client.post(LOGIN, {"action": "password", "identifier": person.mobile, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_a_signed_in_request_reads_its_session_and_account_in_one_query_each():
    person = PersonFactory()
    client = _signed_in(person)
    assert client.session[BACKEND_SESSION_KEY] == "zwfw.identity.backends.AccountBackend"
    client.get(ME)  # the session's last-seen time written once
    with CaptureQueriesContext(connection) as queries:
        response = client.get(ME)
    assert response.status_code == 200
    assert response.json()["name"] == person.name
    tables = [q["sql"].split(" FROM ")[1].split()[0] for q in queries.captured_queries]
    assert tables == ['"django_session"', '"auth_user"'], queries.captured_queries


def test_the_backend_gives_the_user_django_s_would_with_the_person_and_staff_behind_it(django_assert_num_queries):
    staff = StaffFactory()
    with django_assert_num_queries(1):
        user = AccountBackend().get_user(str(staff.user.pk))
        assert user == staff.user
        assert user.password == staff.user.password  # the session's auth hash is made from it
        assert user.get_session_auth_hash() == staff.user.get_session_auth_hash()
        assert (user.staff.name, user.staff.department.name) == (staff.name, staff.department.name)
        with pytest.raises(Person.DoesNotExist):
            _ = user.person


def test_an_inactive_an_unknown_or_a_malformed_user_id_is_nobody():
    person = PersonFactory()
    backend = AccountBackend()
    assert backend.get_user(person.user.pk + 1000) is None
    assert backend.get_user("not-a-number") is None
    person.user.is_active = False
    person.user.save(update_fields=["is_active"])
    assert backend.get_user(person.user.pk) is None  # ModelBackend.user_can_authenticate


def test_a_deactivated_account_is_signed_out_on_its_next_request():
    person = PersonFactory()
    client = _signed_in(person)
    assert client.get(ME).status_code == 200
    person.user.is_active = False
    person.user.save(update_fields=["is_active"])
    assert client.get(ME).status_code == 401


def test_a_changed_password_ends_the_other_sessions():
    person = PersonFactory()
    client = _signed_in(person)
    person.user.set_password("another horse battery staple")
    person.user.save(update_fields=["password"])
    assert client.get(ME).status_code == 401


def test_the_store_loads_what_django_s_store_saved_and_nothing_of_an_expired_or_unknown_key():
    saved = DjangoSessionStore()
    saved["answer"] = {"办件": 42}
    saved.save()
    loaded = SessionStore(saved.session_key)
    assert loaded["answer"] == {"办件": 42}
    assert loaded.session_key == saved.session_key

    Session.objects.filter(session_key=saved.session_key).update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    expired = SessionStore(saved.session_key)
    assert expired.load() == {}
    assert expired.session_key is None  # as Django's store: the key is dropped, a new one is made on save

    unknown = SessionStore("x" * 32)
    assert unknown.load() == {}
    assert unknown.session_key is None
    assert SessionStore(None).load() == {}


def test_a_session_signed_in_through_django_s_own_backend_path_is_nobody():
    """Sessions name the backend that signed them in; only the configured one is trusted (Django's
    rule), so a session from before the backend was configured is simply signed out."""
    person = PersonFactory()
    store = SessionStore()
    store[SESSION_KEY] = str(person.user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = person.user.get_session_auth_hash()
    store.save()
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = store.session_key
    assert client.get(ME).status_code == 401
