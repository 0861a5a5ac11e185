"""Sessions: idle and absolute timeouts, the list of one's sessions with revoke, sign-out, cookie flags."""

from __future__ import annotations

import base64
import datetime as dt
import os
import subprocess
import sys

import pyotp
import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone

from tests.identity.factories import PASSWORD, PersonFactory, StaffFactory
from zwfw.core.models import AuditEntry
from zwfw.identity.models import AccountSession, TotpDevice
from zwfw.identity.session_admin import describe_device, mask_ip, session_store

pytestmark = pytest.mark.django_db

LOGIN = "/account/login/"
SESSIONS = "/account/sessions/"
API = "/api/v1/identity/sessions"
T0 = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)
CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36"


def _signed_in(person, ua: str = CHROME) -> Client:
    client = Client(HTTP_USER_AGENT=ua)
    response = client.post(LOGIN, {"action": "password", "identifier": person.mobile, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _staff_signed_in(staff) -> Client:
    secret = pyotp.random_base32()
    TotpDevice.objects.create(user=staff.user, secret=secret, confirmed_at=timezone.now())
    client = Client()
    client.post(LOGIN, {"action": "password", "identifier": staff.user.username, "password": PASSWORD})
    client.post(
        "/account/login/mfa/", {"action": "verify", "method": "otp", "code": pyotp.TOTP(secret).now()}
    )
    assert client.session.get("_auth_user_id") == str(staff.user.pk)
    return client


def _user_id(client: Client):
    return client.session.get("_auth_user_id")


# ---------------------------------------------------------------------------------------------
# Timeouts (zwfw.identity.middleware)
# ---------------------------------------------------------------------------------------------


def test_a_citizen_session_ends_after_two_idle_hours():
    person = PersonFactory()
    with time_machine.travel(T0, tick=False):
        client = _signed_in(person)
    # active within the idle limit: still signed in, and the activity is noted
    with time_machine.travel(T0 + dt.timedelta(hours=1, minutes=59), tick=False):
        assert client.get(SESSIONS).status_code == 200
    row = AccountSession.objects.get()
    assert row.last_seen_at == T0 + dt.timedelta(hours=1, minutes=59)
    # two idle hours after that last activity: signed out, the row ended as idle
    with time_machine.travel(T0 + dt.timedelta(hours=3, minutes=59, seconds=1), tick=False):
        response = client.get(SESSIONS)
        assert response.status_code == 302
        assert response["Location"].startswith(LOGIN)
    row.refresh_from_db()
    assert row.end_reason == "idle_timeout"
    assert row.ended_at is not None
    assert AuditEntry.objects.filter(action="identity.sign_out", details__reason="idle_timeout").count() == 1


def test_a_staff_session_ends_after_thirty_idle_minutes():
    staff = StaffFactory()
    with time_machine.travel(T0, tick=False):
        client = _staff_signed_in(staff)
    with time_machine.travel(T0 + dt.timedelta(minutes=29), tick=False):
        assert client.get(SESSIONS).status_code == 200
    with time_machine.travel(T0 + dt.timedelta(minutes=59, seconds=1), tick=False):
        assert client.get(SESSIONS).status_code == 302
    assert _user_id(client) is None
    assert AccountSession.objects.get().end_reason == "idle_timeout"


def test_a_session_ends_after_twelve_hours_however_active():
    person = PersonFactory()
    with time_machine.travel(T0, tick=False):
        client = _signed_in(person)
    for hour in range(1, 12):
        with time_machine.travel(T0 + dt.timedelta(hours=hour), tick=False):
            assert client.get(SESSIONS).status_code == 200
    with time_machine.travel(T0 + dt.timedelta(hours=12, seconds=1), tick=False):
        assert client.get(SESSIONS).status_code == 302
    assert AccountSession.objects.get().end_reason == "absolute_timeout"


# ---------------------------------------------------------------------------------------------
# The sessions page and API
# ---------------------------------------------------------------------------------------------


def test_the_sessions_page_lists_ones_sessions_marks_the_current_and_masks_the_address():
    person = PersonFactory()
    first = _signed_in(person)
    _signed_in(person, ua="Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Safari/604.1")
    other = PersonFactory()
    _signed_in(other)
    page = first.get(SESSIONS).content.decode()
    assert page.count("data-session=") == 2
    assert page.count("当前设备") == 1
    assert "Chrome · Windows" in page
    assert "Safari · iOS" in page
    assert "127.0.*.*" in page
    assert "127.0.0.1" not in page


def test_revoking_another_session_deletes_it_from_the_store():
    # given a person signed in on two browsers
    person = PersonFactory()
    laptop = _signed_in(person)
    phone = _signed_in(person)
    phone_row = AccountSession.objects.get(session_key=phone.session.session_key)
    # when the laptop ends the phone's session
    response = laptop.post(f"{SESSIONS}{phone_row.public_id}/revoke/")
    assert response.status_code == 302
    # then the phone is signed out at once, its row ended and audited; the laptop stays
    assert not session_store(phone_row.session_key).exists(phone_row.session_key)
    assert phone.get(SESSIONS).status_code == 302
    phone_row.refresh_from_db()
    assert phone_row.end_reason == "revoked"
    assert phone_row.ended_at is not None
    entry = AuditEntry.objects.get(action="identity.session_revoked")
    assert (entry.actor, entry.object_id) == (f"user:{person.user.pk}", str(phone_row.public_id))
    assert laptop.get(SESSIONS).status_code == 200


def test_revoking_the_current_session_signs_this_browser_out():
    person = PersonFactory()
    client = _signed_in(person)
    row = AccountSession.objects.get()
    response = client.post(f"{SESSIONS}{row.public_id}/revoke/")
    assert response["Location"] == LOGIN
    assert _user_id(client) is None


def test_one_citizen_cannot_list_or_revoke_anothers_sessions():
    # given two people, each signed in
    alice, bob = PersonFactory(), PersonFactory()
    alice_client = _signed_in(alice)
    bob_client = _signed_in(bob)
    bob_row = AccountSession.objects.get(user=bob.user)
    audits = AuditEntry.objects.count()
    # when Alice lists sessions she sees only hers
    listed = alice_client.get(API).json()
    assert [s["id"] for s in listed] == [str(AccountSession.objects.get(user=alice.user).public_id)]
    assert listed[0]["current"] is True
    assert listed[0]["ip"] == "127.0.*.*"
    # and revoking Bob's session, by page or API, is "not found" and changes nothing
    assert alice_client.post(f"{SESSIONS}{bob_row.public_id}/revoke/").status_code == 404
    response = alice_client.delete(f"{API}/{bob_row.public_id}")
    assert response.status_code == 404
    assert response.json()["code"] == "SESSION_NOT_FOUND"
    assert alice_client.delete(f"{API}/not-a-uuid").status_code == 404
    bob_row.refresh_from_db()
    assert bob_row.ended_at is None
    assert session_store(bob_row.session_key).exists(bob_row.session_key)
    assert bob_client.get(SESSIONS).status_code == 200
    assert AuditEntry.objects.count() == audits


def test_the_api_revokes_ones_own_other_session():
    person = PersonFactory()
    laptop, phone = _signed_in(person), _signed_in(person)
    phone_row = AccountSession.objects.get(session_key=phone.session.session_key)
    assert laptop.delete(f"{API}/{phone_row.public_id}").status_code == 204
    assert phone.get(API).status_code == 401
    assert len(laptop.get(API).json()) == 1


def test_the_sessions_api_needs_a_session_and_the_csrf_token():
    person = PersonFactory()
    assert Client().get(API).status_code == 401
    strict = Client(enforce_csrf_checks=True)
    strict.post(LOGIN, {"action": "password", "identifier": person.mobile, "password": PASSWORD})
    # (the login form itself needs the token)
    assert _user_id(strict) is None


# ---------------------------------------------------------------------------------------------
# Sign-out
# ---------------------------------------------------------------------------------------------


def test_sign_out_is_a_post():
    person = PersonFactory()
    client = _signed_in(person)
    # a GET only asks to confirm
    assert "确定要退出登录吗" in client.get("/account/logout/").content.decode()
    assert _user_id(client) == str(person.user.pk)
    # the POST ends the session and its row
    response = client.post("/account/logout/")
    assert response.status_code == 302
    assert _user_id(client) is None
    assert AccountSession.objects.get().end_reason == "logout"
    assert AuditEntry.objects.filter(action="identity.sign_out").count() == 1


# ---------------------------------------------------------------------------------------------
# Cookie flags
# ---------------------------------------------------------------------------------------------


def test_outside_the_demo_session_and_csrf_cookies_are_secure_httponly_samesite(tmp_path):
    # given the settings a production node loads (no ZWFW_DEMO, no ZWFW_DEBUG)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ZWFW_", "DJANGO_"))}
    env.update(
        ZWFW_DATA_DIR=str(tmp_path / "data"),
        ZWFW_FIELD_KEY=base64.b64encode(b"f" * 32).decode(),
        ZWFW_SEAL_KEK=base64.b64encode(b"k" * 32).decode(),
        ZWFW_SECRET_KEY="k" * 40,
    )
    code = (
        "import zwfw.settings as s; print(s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, "
        "s.SESSION_COOKIE_SAMESITE, s.CSRF_COOKIE_SECURE)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "Lax", "True"]


def test_the_session_cookie_carries_the_flags(settings):
    settings.SESSION_COOKIE_SECURE = True
    person = PersonFactory()
    client = Client()
    response = client.post(
        LOGIN, {"action": "password", "identifier": person.mobile, "password": PASSWORD}, secure=True
    )
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_masking_helpers():
    assert mask_ip("203.0.113.77") == "203.0.*.*"
    assert mask_ip("2001:db8:85a3::8a2e:370:7334") == "2001:db8:85a3:*"
    assert mask_ip(None) == ""
    assert describe_device("") == "未知设备"


def test_settings_keep_staff_idle_at_thirty_minutes():
    assert settings.ZWFW_STAFF_SESSION_IDLE_SECONDS == 30 * 60


def test_an_abandoned_session_is_no_longer_listed_or_revocable():
    # given a browser left signed in and never used again
    person = PersonFactory()
    with time_machine.travel(T0, tick=False):
        _signed_in(person)
    abandoned = AccountSession.objects.get()
    # when the person signs in elsewhere three hours later
    with time_machine.travel(T0 + dt.timedelta(hours=3), tick=False):
        client = _signed_in(person)
        listed = client.get(API).json()
        # then only the new session is listed; the old one ran out by the idle limit
        assert [s["current"] for s in listed] == [True]
        assert client.delete(f"{API}/{abandoned.public_id}").status_code == 404
