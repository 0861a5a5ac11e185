"""Review: odd input on the account endpoints is a clear 4xx and changes nothing.

- a mobile typed with full-width digits is the same number; digits of other scripts are refused
  (before, ``\\d`` let "13٩…" through as a *different* recipient: a fresh SMS rate limit, and a
  number another account already uses looked unused);
- an e-mail with a control character is refused (NUL was a 500 on PostgreSQL, after the
  registration code had been spent);
- the visitor endpoints that send SMS or register need the page's CSRF token (a cross-site form
  posting ``text/plain`` JSON reached them).
"""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tests.identity.account_helpers import FUTURE, registry_person, sms_code
from tests.identity.factories import PersonFactory
from zwfw.core.errors import ValidationFailed
from zwfw.identity import accounts
from zwfw.identity.models import OneTimeCode, Person
from zwfw.notifications.errors import Throttled
from zwfw.notifications.models import Message
from zwfw.notifications.services import normalise_email, normalise_mobile

pytestmark = pytest.mark.django_db

API = "/api/v1/identity"


def _full_width(digits: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) for c in digits)


def test_full_width_digits_are_the_same_mobile_and_other_scripts_are_refused():
    assert normalise_mobile(_full_width("13900000012")) == "13900000012"
    assert normalise_mobile("＋86 139-0000-0012") == "13900000012"
    for other in ("13\u066900000012", "13\u096f00000012", "1390000001\u0662"):
        with pytest.raises(ValidationFailed):
            normalise_mobile(other)


def test_a_variant_of_a_number_shares_its_sms_rate_limit():
    # given a registration code just sent to a number
    accounts.send_register_code(mobile="13900000013")
    # when another one is asked for with the same number in full-width digits
    with pytest.raises(Throttled):
        accounts.send_register_code(mobile=_full_width("13900000013"))
    # then only one SMS went out
    assert Message.objects.count() == 1


def test_a_mobile_in_other_digits_does_not_slip_past_the_one_account_per_mobile_rule(client):
    # given a person with a mobile and another signed-in person
    owner = PersonFactory()
    other = PersonFactory()
    client.force_login(other.user)
    variant = _full_width(owner.mobile)
    # when they ask for a code to the owner's number typed differently
    response = client.post(f"{API}/me/mobile/code", {"mobile": variant}, content_type="application/json")
    # then it is the owner's number: taken
    assert response.status_code == 409
    assert not Message.objects.exists()


@pytest.mark.parametrize(
    "email", ["a\x00b@example.cn", "a@exa\x00mple.cn", "a\x01@example.cn", "a@example.c\x7fn"]
)
def test_an_email_with_a_control_character_is_refused(client, email):
    with pytest.raises(ValidationFailed):
        normalise_email(email)
    person = PersonFactory(email="old@example.cn")
    client.force_login(person.user)
    response = client.patch(f"{API}/me", {"email": email}, content_type="application/json")
    assert response.status_code == 400
    assert Person.objects.get(pk=person.pk).email == "old@example.cn"


def test_registration_with_a_nul_in_the_email_is_a_400_and_keeps_the_code(client):
    # given a person in the registry who received a registration code
    record = registry_person(31)
    accounts.send_register_code(mobile="13900000031")
    body = {
        "name": record.name,
        "document_type": record.document_type,
        "document_number": record.document_number,
        "document_valid_until": str(FUTURE),
        "mobile": "13900000031",
        "code": sms_code("13900000031"),
        "password": "a long enough passphrase",
        "accepted_terms": True,
        "email": "me\x00@example.cn",
    }
    # when they register with a NUL in the e-mail
    response = client.post(f"{API}/register", json.dumps(body), content_type="application/json")
    # then it is a 400, no account, and the code is still usable
    assert response.status_code == 400
    assert response.json()["code"] == "INVALID_EMAIL"
    assert not Person.objects.filter(document_number=record.document_number).exists()
    assert OneTimeCode.objects.get().consumed_at is None


def test_visitor_endpoints_need_the_csrf_token():
    # given a browser on another site (no CSRF cookie or header), posting text/plain JSON as a form can
    browser = Client(enforce_csrf_checks=True)
    body = '{"mobile": "13900000032", "x": "="}'
    # when it asks for a registration code, or registers
    code = browser.post(f"{API}/register/code", body, content_type="text/plain")
    register = browser.post(
        f"{API}/register",
        json.dumps(
            {
                "name": "张三",
                "document_type": "resident_id",
                "document_number": "110105194912310029",
                "document_valid_until": None,
                "mobile": "13900000032",
                "code": "123456",
                "password": "a long enough passphrase",
                "accepted_terms": True,
            }
        ),
        content_type="application/json",
    )
    # then both are refused and no SMS is sent
    assert code.status_code == 403
    assert code.json()["code"] == "CSRF_FAILED"
    assert register.status_code == 403
    assert not Message.objects.exists()


def test_the_registration_page_token_lets_the_api_in():
    browser = Client(enforce_csrf_checks=True)
    browser.get("/account/register/")
    token = browser.cookies["csrftoken"].value
    response = browser.post(
        f"{API}/register/code",
        {"mobile": "13900000033"},
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 200
