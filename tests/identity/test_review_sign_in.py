"""Review: sign-in answers must not tell whether an account exists (OWASP Authentication Cheat Sheet)."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest

from tests.identity.factories import PersonFactory, resident_id
from zwfw.identity import authn, throttle
from zwfw.identity.authn import attempts
from zwfw.identity.models import DocumentType, LoginAttempt
from zwfw.notifications.models import Message

pytestmark = pytest.mark.django_db

LOGIN = "/account/login/"


def _password(client, identifier, password="wrong password here", **extra):
    return client.post(LOGIN, {"action": "password", "identifier": identifier, "password": password, **extra})


def _lock_then_retry_with_type(client, number: str) -> int:
    for _ in range(throttle.ACCOUNT_MAX_FAILURES):
        assert _password(client, number).status_code == 400
    return _password(client, number.lower(), document_type=DocumentType.RESIDENT_ID).status_code


def test_a_lock_reaches_the_other_forms_of_an_unknown_number_as_it_does_for_an_account(client):
    # given a registered person and a number nobody registered, both ending in X
    person = PersonFactory(n=next(k for k in range(200) if resident_id(k).endswith("X")))
    unknown = next(
        n for n in (resident_id(k, born=dt.date(1980, 5, 5)) for k in range(200)) if n.endswith("X")
    )
    # when each is locked by five wrong passwords typed without a type, then tried with the type and
    # a lowercase x
    known_answer = _lock_then_retry_with_type(client, person.document_number)
    unknown_answer = _lock_then_retry_with_type(client, unknown)
    # then both are locked alike: the answers do not tell which number has an account
    assert known_answer == unknown_answer == 429


def test_mobile_and_code_sign_in_share_the_index_of_a_mobile(client):
    assert authn.identifier_index("13900000001") == authn.identifier_index(" 13900000001 ", "resident_id")
    assert authn.identifier_index("E12345678", DocumentType.PASSPORT) != authn.identifier_index("E12345678")


def test_asking_twice_for_a_login_code_answers_the_same_for_a_known_and_an_unknown_number(client):
    # given a registered person and a number nobody registered
    person = PersonFactory()
    answers = {}
    for mobile in (person.mobile, "13100000009"):
        # when a login code is asked for twice within a minute (the SMS limit is one a minute)
        first = client.post(
            "/api/v1/identity/login/code", {"mobile": mobile}, content_type="application/json"
        )
        second = client.post(
            "/api/v1/identity/login/code", {"mobile": mobile}, content_type="application/json"
        )
        page = client.post(LOGIN, {"action": "sms_send", "mobile": mobile})
        answers[mobile] = (first.status_code, second.status_code, second.json(), page.status_code)
    # then the answers are identical, and the person got exactly one SMS
    assert answers[person.mobile] == answers["13100000009"] == (200, 200, answers[person.mobile][2], 200)
    assert Message.objects.filter(channel="sms").count() == 1


def test_an_over_long_password_costs_a_hash_whether_or_not_the_account_exists(client):
    # given a registered person
    person = PersonFactory()
    long_password = "x" * (authn.MAX_PASSWORD_CHARS + 1)
    for identifier in (person.mobile, "13100000009"):
        # when a password longer than the limit is tried
        with mock.patch.object(attempts, "check_password", wraps=attempts.check_password) as dummy:
            response = _password(client, identifier, long_password)
        # then it is a plain failure, after the same (dummy) hash for both
        assert response.status_code == 400
        assert dummy.call_count == 1
    assert LoginAttempt.objects.filter(succeeded=False, reason=throttle.BAD_PASSWORD).count() == 2
