"""Review: a new authenticator (TOTP app, passkey, mobile) is bound only by a session at the account's level.

A level-4 account signed in with a password alone has a level-3 session. Before, that session could
enrol a TOTP app (or a passkey, or change the mobile that step-up codes go to) and then sign in with
two factors at level 4: whoever learnt the password reached level 4 without the second factor
(NIST SP 800-63B §6.1.2.1: binding an additional authenticator requires authentication at the
account's AAL).
"""

from __future__ import annotations

import datetime as dt
import re
import time

import pyotp
import pytest
import time_machine
from django.test import Client

from tests.identity.factories import PASSWORD, PersonFactory
from zwfw.identity import sessions
from zwfw.identity.models import AssuranceLevel, Person, TotpDevice
from zwfw.notifications.selectors import messages_to

pytestmark = pytest.mark.django_db

API = "/api/v1/identity"
TOTP = "/account/security/totp/"
T0 = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)


def _password_session(person) -> Client:
    client = Client()
    client.post("/account/login/", {"action": "password", "identifier": person.mobile, "password": PASSWORD})
    assert client.session.get("_auth_user_id") == str(person.user.pk)
    return client


def _level(client, user) -> int:
    session = client.session
    return sessions.level_of(user, session[sessions.AMR], session.get(sessions.STEP_UP), time.time())


def _step_up_by_sms(client, person) -> None:
    client.post("/account/step-up/", {"action": "sms_send"})
    code = re.search(r"(\d{6})", messages_to(channel="sms", address=person.mobile)[0].body).group(1)
    response = client.post("/account/step-up/", {"action": "verify", "method": "sms", "code": code})
    assert response.status_code == 302


def test_a_password_only_session_of_a_level_4_account_cannot_enrol_a_totp_app():
    # given a level-4 person signed in with the password alone (session level 3)
    person = PersonFactory(assurance_level=AssuranceLevel.REAL_PERSON)
    with time_machine.travel(T0, tick=False):
        client = _password_session(person)
        assert _level(client, person.user) == 3
        # when the session tries to enrol an authenticator app
        begin = client.post(TOTP, {"action": "begin"})
        # then it is told to confirm who it is first, and nothing is enrolled
        assert begin.status_code == 403
        assert "确认身份" in begin.content.decode()
        assert not TotpDevice.objects.exists()
        # and after a step-up (SMS to the account's mobile) it can
        _step_up_by_sms(client, person)
        assert client.post(TOTP, {"action": "begin"}).status_code == 302
        secret = TotpDevice.objects.get(user=person.user).secret
        assert client.post(TOTP, {"action": "confirm", "code": pyotp.TOTP(secret).now()}).status_code == 302
        assert TotpDevice.objects.get(user=person.user).confirmed_at is not None


def test_a_password_only_session_of_a_level_4_account_cannot_register_a_passkey():
    person = PersonFactory(assurance_level=AssuranceLevel.REAL_PERSON)
    client = _password_session(person)
    options = client.post(f"{API}/passkeys/registration/options", content_type="application/json")
    register = client.post(
        f"{API}/passkeys/registration",
        {"name": "攻击者的钥匙", "credential": {"id": "x"}},
        content_type="application/json",
    )
    assert options.status_code == register.status_code == 403
    assert options.json()["code"] == "STEP_UP_REQUIRED"
    # after a step-up the options are given
    _step_up_by_sms(client, person)
    assert (
        client.post(f"{API}/passkeys/registration/options", content_type="application/json").status_code
        == 200
    )


def test_a_password_only_session_of_a_level_4_account_cannot_change_the_mobile():
    person = PersonFactory(assurance_level=AssuranceLevel.REAL_PERSON)
    client = _password_session(person)
    code = client.post(f"{API}/me/mobile/code", {"mobile": "13900055555"}, content_type="application/json")
    change = client.patch(
        f"{API}/me", {"mobile": "13900055555", "code": "123456"}, content_type="application/json"
    )
    assert code.status_code == change.status_code == 403
    assert not messages_to(channel="sms", address="13900055555")
    assert Person.objects.get(pk=person.pk).mobile == person.mobile
    # the e-mail is not an authenticator: it can still be changed
    email = client.patch(f"{API}/me", {"email": "new@example.cn"}, content_type="application/json")
    assert email.status_code == 200


def test_a_level_3_account_at_its_full_level_binds_as_before():
    person = PersonFactory()
    client = _password_session(person)
    assert client.post(TOTP, {"action": "begin"}).status_code == 302
    assert (
        client.post(f"{API}/passkeys/registration/options", content_type="application/json").status_code
        == 200
    )
    assert (
        client.post(
            f"{API}/me/mobile/code", {"mobile": "13900055556"}, content_type="application/json"
        ).status_code
        == 200
    )
