"""TOTP (RFC 6238): enrol with a first code, verify once per step (replay refused), remove with the password."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pyotp
import pytest
import time_machine

from tests.identity.factories import PASSWORD, PersonFactory
from zwfw.core.errors import Conflict, NotFound, ValidationFailed
from zwfw.core.models import AuditEntry
from zwfw.identity import totp
from zwfw.identity.models import TotpDevice

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 3, 2, 2, 0, 10, tzinfo=dt.UTC)
PAGE = "/account/security/totp/"


def _code(secret: str, at: dt.datetime) -> str:
    return pyotp.TOTP(secret).at(at)


def test_enrolment_needs_a_first_code_and_stores_the_secret_encrypted():
    person = PersonFactory()
    # when enrolment begins, a secret and its otpauth URI are shown, but the device does not count yet
    enrollment = totp.begin_enrollment(user=person.user)
    uri = urlsplit(enrollment.provisioning_uri)
    assert uri.scheme == "otpauth"
    assert uri.netloc == "totp"
    assert parse_qs(uri.query)["secret"] == [enrollment.secret]
    assert not totp.has_totp(person.user)
    # the column holds ciphertext, not the secret
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM identity_totpdevice")
        (stored,) = cursor.fetchone()
    assert enrollment.secret not in stored
    # a wrong first code changes nothing
    with pytest.raises(totp.TotpRejected):
        totp.confirm_enrollment(user=person.user, code="123")
    assert not totp.has_totp(person.user)
    # the right one confirms it, audited
    totp.confirm_enrollment(user=person.user, code=pyotp.TOTP(enrollment.secret).now())
    assert totp.has_totp(person.user)
    assert (
        AuditEntry.objects.filter(action="identity.totp_enabled", actor=f"user:{person.user.pk}").count() == 1
    )
    # and a second enrolment is refused while it is enabled
    with pytest.raises(Conflict):
        totp.begin_enrollment(user=person.user)


def test_a_totp_code_is_accepted_once_replay_rejected():
    person = PersonFactory()
    secret = pyotp.random_base32()
    with time_machine.travel(T0, tick=False):
        TotpDevice.objects.create(user=person.user, secret=secret, confirmed_at=T0)
        code = _code(secret, T0)
        # the code is accepted once
        totp.verify(user=person.user, code=code)
        # the same code again (a replay) is refused
        with pytest.raises(totp.TotpRejected) as exc:
            totp.verify(user=person.user, code=code)
        assert exc.value.code == "TOTP_INVALID"
    step = TotpDevice.objects.get().last_step
    # an earlier step's code (still within the drift window) is refused too, once a later one was used
    with time_machine.travel(T0 + dt.timedelta(seconds=30), tick=False):
        with pytest.raises(totp.TotpRejected):
            totp.verify(user=person.user, code=_code(secret, T0 - dt.timedelta(seconds=30)))
        # the next step's code is fine
        totp.verify(user=person.user, code=_code(secret, T0 + dt.timedelta(seconds=30)))
    assert TotpDevice.objects.get().last_step == step + 1


def test_codes_outside_the_drift_window_or_malformed_are_refused():
    person = PersonFactory()
    secret = pyotp.random_base32()
    TotpDevice.objects.create(user=person.user, secret=secret, confirmed_at=T0)
    with time_machine.travel(T0, tick=False):
        for bad in (_code(secret, T0 - dt.timedelta(minutes=2)), "abcdef", "", "1234567"):
            with pytest.raises(totp.TotpRejected):
                totp.verify(user=person.user, code=bad)
    assert TotpDevice.objects.get().last_step == 0


def test_a_replayed_code_does_not_complete_a_sign_in(client):
    person = PersonFactory()
    secret = pyotp.random_base32()
    TotpDevice.objects.create(user=person.user, secret=secret, confirmed_at=T0)
    with time_machine.travel(T0, tick=False):
        code = _code(secret, T0)
        first = client.__class__()
        first.post(
            "/account/login/", {"action": "password", "identifier": person.mobile, "password": PASSWORD}
        )
        first.post("/account/login/mfa/", {"action": "verify", "method": "otp", "code": code})
        assert first.session.get("_auth_user_id") == str(person.user.pk)
        # someone who saw the code tries it in another browser, with the password
        client.post(
            "/account/login/", {"action": "password", "identifier": person.mobile, "password": PASSWORD}
        )
        response = client.post("/account/login/mfa/", {"action": "verify", "method": "otp", "code": code})
        assert response.status_code == 400
        assert "动态口令不正确或已使用" in response.content.decode()
        assert client.session.get("_auth_user_id") is None


def test_removal_needs_the_password():
    person = PersonFactory()
    TotpDevice.objects.create(user=person.user, secret=pyotp.random_base32(), confirmed_at=T0)
    with pytest.raises(ValidationFailed) as exc:
        totp.remove(user=person.user, password="not it at all")
    assert exc.value.code == "PASSWORD_INCORRECT"
    assert totp.has_totp(person.user)
    totp.remove(user=person.user, password=PASSWORD)
    assert not TotpDevice.objects.exists()
    assert AuditEntry.objects.filter(action="identity.totp_removed").count() == 1
    with pytest.raises(NotFound):
        totp.remove(user=person.user, password=PASSWORD)


def test_the_totp_page_enrols_confirms_and_removes(client):
    person = PersonFactory()
    client.post("/account/login/", {"action": "password", "identifier": person.mobile, "password": PASSWORD})
    assert "开始绑定" in client.get(PAGE).content.decode()
    client.post(PAGE, {"action": "begin"})
    page = client.get(PAGE).content.decode()
    secret = TotpDevice.objects.get(user=person.user).secret
    assert secret in page
    assert "otpauth://totp/" in page
    assert (
        client.post(
            PAGE,
            {"action": "confirm", "code": "000000" if pyotp.TOTP(secret).now() != "000000" else "111111"},
        ).status_code
        == 400
    )
    client.post(PAGE, {"action": "confirm", "code": pyotp.TOTP(secret).now()})
    assert "已启用" in client.get(PAGE).content.decode()
    assert client.post(PAGE, {"action": "remove", "password": "wrong wrong"}).status_code == 400
    assert totp.has_totp(person.user)
    client.post(PAGE, {"action": "remove", "password": PASSWORD})
    assert not totp.has_totp(person.user)


def test_the_totp_page_needs_a_signed_in_user(client):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")
