"""SMS pumping: one source address gets 20 sign-in codes (and 20 registration codes) an hour.

Counted from ``LoginAttempt`` rows (``throttle.allow_code_request``), so the limit holds across
worker processes; the answer over the limit does not tell whether the number is registered.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone

from tests.identity.factories import PersonFactory
from zwfw.core.models import AuditEntry
from zwfw.identity import accounts, authn, throttle
from zwfw.identity.models import LoginAttempt
from zwfw.notifications.errors import Throttled
from zwfw.notifications.models import Message
from zwfw.notifications.selectors import messages_to

pytestmark = pytest.mark.django_db

API = "/api/v1/identity/login/code"
LOGIN = "/account/login/"
T0 = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def _ask_from(client, n: int, ip: str) -> None:
    for k in range(n):
        response = client.post(
            API, {"mobile": f"1390000{k:04d}"}, content_type="application/json", REMOTE_ADDR=ip
        )
        assert response.status_code == 200


def test_the_twenty_first_code_request_of_an_address_is_refused_alike_for_known_and_unknown_numbers(client):
    # given a registered person and an address that asked for 20 codes within the hour
    person = PersonFactory()
    with time_machine.travel(T0, tick=False):
        _ask_from(client, throttle.CODE_REQUESTS_PER_ADDRESS, "203.0.113.9")
        sent, audits = Message.objects.count(), AuditEntry.objects.count()
        # when it asks for a code to the registered number, to an unknown one, and on the login page
        known = client.post(
            API, {"mobile": person.mobile}, content_type="application/json", REMOTE_ADDR="203.0.113.9"
        )
        unknown = client.post(
            API, {"mobile": "13100000009"}, content_type="application/json", REMOTE_ADDR="203.0.113.9"
        )
        page = client.post(LOGIN, {"action": "sms_send", "mobile": person.mobile}, REMOTE_ADDR="203.0.113.9")
    # then all three are 429 with the same Chinese message, and no SMS is sent
    assert known.status_code == unknown.status_code == page.status_code == 429
    assert known.json() == unknown.json()
    assert known.json()["code"] == "MESSAGE_RATE_LIMITED"
    assert known.json()["message"] == authn.CODE_REQUESTS_MESSAGE
    assert authn.CODE_REQUESTS_MESSAGE in page.content.decode()
    assert Message.objects.count() == sent
    # and each refusal is audited without naming the account
    refused = AuditEntry.objects.order_by("seq")[audits:]
    assert [(e.action, e.object_type, e.result, e.details["reason"]) for e in refused] == [
        ("identity.sign_in_code", "login_identifier", "denied", "address_rate_limited")
    ] * 3
    # and refused requests are recorded but not counted
    rows = LoginAttempt.objects.filter(method=throttle.CODE_REQUEST, source_ip="203.0.113.9")
    assert rows.filter(reason=throttle.CODE_REQUESTED).count() == throttle.CODE_REQUESTS_PER_ADDRESS
    assert rows.filter(reason=throttle.CODE_REQUEST_REFUSED).count() == 3


def test_another_address_and_the_next_hour_are_not_affected(client):
    # given an address that used its allowance
    person = PersonFactory()
    with time_machine.travel(T0, tick=False):
        _ask_from(client, throttle.CODE_REQUESTS_PER_ADDRESS, "203.0.113.9")
        # when another address asks, then its code is sent
        response = client.post(
            API, {"mobile": person.mobile}, content_type="application/json", REMOTE_ADDR="203.0.113.10"
        )
        assert response.status_code == 200
        assert len(messages_to(channel="sms", address=person.mobile)) == 1
    # when the first address asks an hour later, then it is answered again
    with time_machine.travel(T0 + dt.timedelta(hours=1, seconds=1), tick=False):
        response = client.post(
            API, {"mobile": "13100000009"}, content_type="application/json", REMOTE_ADDR="203.0.113.9"
        )
        assert response.status_code == 200


def test_sign_in_and_registration_codes_have_their_own_allowance():
    # given an address that used its allowance of sign-in codes
    with time_machine.travel(T0, tick=False):
        for k in range(throttle.CODE_REQUESTS_PER_ADDRESS):
            authn.request_login_code(mobile=f"1390000{k:04d}", source_ip="203.0.113.9")
        with pytest.raises(Throttled):
            authn.request_login_code(mobile="13900009999", source_ip="203.0.113.9")
        # when it asks for a registration code, then it is sent
        accounts.send_register_code(mobile="13800000016", source_ip="203.0.113.9")
    assert len(messages_to(channel="sms", address="13800000016")) == 1


def test_code_requests_do_not_count_towards_sign_in_locks():
    # given an address that asked for 20 codes for one registered number (one sent, the rest
    # stopped by the per-mobile limit)
    person = PersonFactory()
    for _ in range(throttle.CODE_REQUESTS_PER_ADDRESS):
        authn.request_login_code(mobile=person.mobile, source_ip="203.0.113.9")
    # then neither the address nor the account is locked
    assert not throttle.ip_blocked(source_ip="203.0.113.9", now=timezone.now())
    assert throttle.account_lock(user=person.user, identifier_index="").until is None
    assert throttle.consecutive_failures(user=person.user, identifier_index="") == 0
