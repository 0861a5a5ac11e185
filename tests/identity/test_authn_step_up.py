"""Step-up (/account/step-up/): a second factor during the session raises its level for a while."""

from __future__ import annotations

import re
import time

import pyotp
import pytest
from django.conf import settings
from django.utils import timezone

from tests.identity.factories import PASSWORD, PersonFactory
from zwfw.core.models import AuditEntry
from zwfw.identity import sessions
from zwfw.identity.models import AssuranceLevel, LoginAttempt, TotpDevice
from zwfw.notifications.selectors import messages_to

pytestmark = pytest.mark.django_db

STEP_UP = "/account/step-up/"


@pytest.fixture
def level4(client):
    """A level-4 person signed in with a password only (so the session is capped at level 3)."""
    person = PersonFactory(assurance_level=AssuranceLevel.REAL_PERSON)
    client.post("/account/login/", {"action": "password", "identifier": person.mobile, "password": PASSWORD})
    assert sessions.level_of(person.user, client.session[sessions.AMR], None, time.time()) == 3
    return person


def _level(client, user) -> int:
    session = client.session
    return sessions.level_of(user, session[sessions.AMR], session.get(sessions.STEP_UP), time.time())


def test_step_up_with_totp_raises_the_level_then_it_falls_back(client, level4):
    secret = pyotp.random_base32()
    TotpDevice.objects.create(user=level4.user, secret=secret, confirmed_at=timezone.now())
    page = client.get(STEP_UP + "?next=/account/").content.decode()
    assert "动态口令" in page
    assert "短信验证码" in page
    # when the TOTP code is given
    response = client.post(
        STEP_UP,
        {
            "action": "verify",
            "method": "otp",
            "code": pyotp.TOTP(secret).now(),
            "next": "/oauth/authorize/?x=1",
        },
    )
    # then the browser goes on, and the session is at the account's level for a while
    assert response.status_code == 302
    assert response["Location"] == "/oauth/authorize/?x=1"
    assert _level(client, level4.user) == 4
    assert "otp" in client.session[sessions.STEP_UP]["methods"]
    assert AuditEntry.objects.filter(action="identity.step_up", result="success").count() == 1
    # and after ZWFW_STEP_UP_SECONDS it falls back to 3
    later = time.time() + settings.ZWFW_STEP_UP_SECONDS + 1
    session = client.session
    assert sessions.level_of(level4.user, session[sessions.AMR], session[sessions.STEP_UP], later) == 3


def test_step_up_with_an_sms_code_to_the_accounts_mobile(client, level4):
    client.post(STEP_UP, {"action": "sms_send"})
    message = messages_to(channel="sms", address=level4.mobile)[0]
    assert message.purpose == "step_up_code"
    code = re.search(r"(\d{6})", message.body).group(1)
    response = client.post(
        STEP_UP, {"action": "verify", "method": "sms", "code": code, "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert "evil" not in response["Location"]
    assert _level(client, level4.user) == 4


def test_a_wrong_step_up_code_changes_nothing_and_is_recorded(client, level4):
    client.post(STEP_UP, {"action": "sms_send"})
    code = re.search(r"(\d{6})", messages_to(channel="sms", address=level4.mobile)[0].body).group(1)
    wrong = "000000" if code != "000000" else "111111"
    response = client.post(STEP_UP, {"action": "verify", "method": "sms", "code": wrong})
    assert response.status_code == 400
    assert sessions.STEP_UP not in client.session
    assert _level(client, level4.user) == 3
    attempt = LoginAttempt.objects.filter(reason="bad_code").get()
    assert attempt.user == level4.user
    entry = AuditEntry.objects.filter(action="identity.step_up").get()
    assert (entry.result, entry.actor) == ("failure", f"user:{level4.user.pk}")


def test_a_method_the_account_does_not_have_is_refused(client, level4):
    response = client.post(STEP_UP, {"action": "verify", "method": "otp", "code": "123456"})
    assert response.status_code == 400
    assert sessions.STEP_UP not in client.session


def test_step_up_needs_a_signed_in_person(client):
    response = client.get(STEP_UP + "?next=/account/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")
