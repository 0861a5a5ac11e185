"""Sign-in: passwords, SMS codes, staff second factor, throttling and lockout, every attempt audited."""

from __future__ import annotations

import datetime as dt
import re

import pyotp
import pytest
import time_machine
from django.utils import timezone

from tests.identity.factories import PASSWORD, PersonFactory, StaffFactory
from zwfw.core.models import AuditEntry
from zwfw.identity import authn, throttle
from zwfw.identity.models import AccountSession, DocumentType, LoginAttempt, TotpDevice
from zwfw.identity.sessions import AMR
from zwfw.notifications.selectors import messages_to

pytestmark = pytest.mark.django_db

LOGIN = "/account/login/"
MFA = "/account/login/mfa/"
T0 = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)


def _password(client, identifier, password=PASSWORD, **extra):
    data = {"action": "password", "identifier": identifier, "password": password, **extra}
    return client.post(LOGIN, data)


def _signed_in_user_id(client):
    return client.session.get("_auth_user_id")


def _last_code(mobile: str) -> str:
    body = messages_to(channel="sms", address=mobile)[0].body
    return re.search(r"(\d{6})", body).group(1)


def _sign_in_audits():
    return AuditEntry.objects.filter(action=authn.SIGN_IN).order_by("seq")


# ---------------------------------------------------------------------------------------------
# Passwords
# ---------------------------------------------------------------------------------------------


def test_a_person_signs_in_with_mobile_or_resident_id_and_password(client):
    # given a registered person
    person = PersonFactory()
    # when they sign in with their mobile number
    response = _password(client, person.mobile)
    # then a session starts with the password method, and the attempt is recorded and audited
    assert response.status_code == 302
    assert _signed_in_user_id(client) == str(person.user.pk)
    assert client.session[AMR] == ["pwd"]
    assert AccountSession.objects.filter(user=person.user, ended_at__isnull=True).count() == 1
    attempt = LoginAttempt.objects.get()
    assert (attempt.user, attempt.succeeded, attempt.method) == (person.user, True, "pwd")
    audit = _sign_in_audits().get()
    assert (audit.actor, audit.result, audit.object_id) == (
        f"user:{person.user.pk}",
        "success",
        f"user:{person.user.pk}",
    )
    assert audit.source_ip == "127.0.0.1"

    # and the resident ID number (lower-case x accepted) works as well, in a new browser
    other = client.__class__()
    response = _password(other, person.document_number.lower())
    assert _signed_in_user_id(other) == str(person.user.pk)


def test_a_person_with_another_document_signs_in_by_type_and_number(client):
    person = PersonFactory(document_type=DocumentType.PASSPORT, document_number="E12345678")
    from zwfw.identity.indexes import document_index

    person.document_index = document_index(DocumentType.PASSPORT, "E12345678")
    person.save()
    # without the type the number names nobody
    assert _password(client, "E12345678").status_code == 400
    # with it, the person signs in
    response = _password(client, "e12345678", document_type=DocumentType.PASSPORT)
    assert response.status_code == 302
    assert _signed_in_user_id(client) == str(person.user.pk)


def test_unknown_account_and_wrong_password_get_the_same_generic_message(client):
    person = PersonFactory()
    wrong = _password(client, person.mobile, "not the password")
    unknown = _password(client, "13000000000", PASSWORD)
    for response in (wrong, unknown):
        assert response.status_code == 400
        assert "账号或密码错误" in response.content.decode()
    assert _signed_in_user_id(client) is None
    # both are recorded: one against the account, one against the blind index of what was typed
    attempts = list(LoginAttempt.objects.order_by("id"))
    assert [(a.user, a.succeeded, a.reason) for a in attempts] == [
        (person.user, False, "bad_password"),
        (None, False, "bad_password"),
    ]
    assert "13000000000" not in attempts[1].identifier_index
    audits = list(_sign_in_audits())
    assert [(a.actor, a.result) for a in audits] == [("anonymous", "failure"), ("anonymous", "failure")]
    assert audits[0].object_id == f"user:{person.user.pk}"
    assert audits[1].object_type == "login_identifier"
    assert audits[1].object_id == attempts[1].identifier_index


def test_a_citizen_username_does_not_sign_in(client):
    # people sign in with their mobile or document number; usernames are for staff
    person = PersonFactory()
    response = _password(client, person.user.username)
    assert response.status_code == 400
    assert _signed_in_user_id(client) is None


def test_lockout_after_five_failures_generic_message_and_an_audit_row_for_every_attempt(client):
    # given a person
    person = PersonFactory()
    with time_machine.travel(T0, tick=False):
        # when the password is wrong five times within 15 minutes
        for _ in range(throttle.ACCOUNT_MAX_FAILURES):
            response = _password(client, person.mobile, "wrong password 1")
            assert response.status_code == 400
            assert "账号或密码错误" in response.content.decode()
        # then even the right password is refused, with the generic message and "try later"
        response = _password(client, person.mobile)
        assert response.status_code == 429
        page = response.content.decode()
        assert "账号或密码错误次数过多，请稍后再试" in page
        assert _signed_in_user_id(client) is None

    # and an identifier that matches no account behaves exactly alike (nothing reveals existence)
    with time_machine.travel(T0, tick=False):
        for _ in range(throttle.ACCOUNT_MAX_FAILURES):
            _password(client, "13100000000", "whatever it is")
        unknown = _password(client, "13100000000", "whatever it is")
        assert unknown.status_code == 429
        assert "账号或密码错误次数过多，请稍后再试" in unknown.content.decode()

    # every attempt left a LoginAttempt row and an audit entry
    assert LoginAttempt.objects.count() == 12
    results = list(_sign_in_audits().values_list("result", flat=True))
    assert results == ["failure"] * 5 + ["denied"] + ["failure"] * 5 + ["denied"]
    assert list(LoginAttempt.objects.order_by("id").values_list("reason", flat=True)) == (
        ["bad_password"] * 5 + ["locked"] + ["bad_password"] * 5 + ["locked"]
    )

    # still locked 14 minutes later; 15 minutes after the fifth failure the right password works again
    with time_machine.travel(T0 + dt.timedelta(minutes=14), tick=False):
        assert _password(client, person.mobile).status_code == 429
    with time_machine.travel(T0 + dt.timedelta(minutes=15, seconds=1), tick=False):
        response = _password(client, person.mobile)
        assert response.status_code == 302
        assert _signed_in_user_id(client) == str(person.user.pk)


def test_a_success_starts_the_failure_count_again():
    person = PersonFactory()
    for _ in range(4):
        with pytest.raises(authn.InvalidCredentials):
            authn.password_sign_in(identifier=person.mobile, password="nope nope nope")
    authn.password_sign_in(identifier=person.mobile, password=PASSWORD)
    for _ in range(4):
        with pytest.raises(authn.InvalidCredentials):
            authn.password_sign_in(identifier=person.mobile, password="nope nope nope")
    # four failures since the last success: not locked
    assert authn.password_sign_in(identifier=person.mobile, password=PASSWORD).user == person.user


def test_a_source_address_is_blocked_after_twenty_failures():
    # given twenty failed attempts from one address on different (unknown) identifiers
    for n in range(throttle.IP_MAX_FAILURES):
        with pytest.raises(authn.InvalidCredentials):
            authn.password_sign_in(identifier=f"1350000{n:04d}", password="x" * 8, source_ip="203.0.113.9")
    person = PersonFactory()
    # then that address is refused even with the right password, and the refusal is recorded
    with pytest.raises(authn.SignInThrottled) as exc:
        authn.password_sign_in(identifier=person.mobile, password=PASSWORD, source_ip="203.0.113.9")
    assert exc.value.message == "登录尝试过于频繁，请稍后再试"
    last = LoginAttempt.objects.order_by("-id").first()
    assert (last.user, last.reason, last.source_ip) == (person.user, "ip_blocked", "203.0.113.9")
    assert _sign_in_audits().last().result == "denied"
    # while another address still signs in
    assert authn.password_sign_in(identifier=person.mobile, password=PASSWORD, source_ip="203.0.113.10").user
    # and 15 minutes later the address may try again
    later = timezone.now() + throttle.IP_WINDOW + dt.timedelta(seconds=1)
    with time_machine.travel(later, tick=False):
        assert authn.password_sign_in(
            identifier=person.mobile, password=PASSWORD, source_ip="203.0.113.9"
        ).user


def test_next_is_followed_only_to_a_same_site_path(client):
    person = PersonFactory()
    response = client.post(
        LOGIN, {"action": "password", "identifier": person.mobile, "password": PASSWORD, "next": "/guide/1/"}
    )
    assert response["Location"] == "/guide/1/"
    for evil in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        other = client.__class__()
        response = other.post(
            LOGIN, {"action": "password", "identifier": person.mobile, "password": PASSWORD, "next": evil}
        )
        assert response.status_code == 302
        assert "evil" not in response["Location"]


def test_the_login_page_has_the_three_tabs(client):
    page = client.get(LOGIN).content.decode()
    for label in ("密码登录", "短信验证码登录", "通行密钥登录"):
        assert label in page
    assert "data-passkey-signin" in client.get(LOGIN + "?tab=passkey").content.decode()


# ---------------------------------------------------------------------------------------------
# SMS codes
# ---------------------------------------------------------------------------------------------


def test_a_person_signs_in_with_an_sms_code(client):
    person = PersonFactory()
    # when they ask for a code through the API and type it in
    response = client.post(
        "/api/v1/identity/login/code", {"mobile": person.mobile}, content_type="application/json"
    )
    assert response.status_code == 200
    response = client.post(
        LOGIN, {"action": "sms", "mobile": person.mobile, "code": _last_code(person.mobile)}
    )
    # then they are signed in by "sms"
    assert response.status_code == 302
    assert client.session[AMR] == ["sms"]
    assert LoginAttempt.objects.exclude(method=throttle.CODE_REQUEST).get().method == "sms"


def test_a_login_code_for_an_unknown_mobile_answers_alike_and_sends_nothing(client):
    response = client.post(
        "/api/v1/identity/login/code", {"mobile": "13800000001"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["message"].startswith("如该手机号已注册")
    assert messages_to(channel="sms", address="13800000001") == []


def test_a_wrong_sms_code_is_a_failed_attempt(client):
    person = PersonFactory()
    client.post(LOGIN, {"action": "sms_send", "mobile": person.mobile})
    code = _last_code(person.mobile)
    wrong = "000000" if code != "000000" else "111111"
    response = client.post(LOGIN, {"action": "sms", "mobile": person.mobile, "code": wrong})
    assert response.status_code == 400
    assert _signed_in_user_id(client) is None
    attempt = LoginAttempt.objects.exclude(method=throttle.CODE_REQUEST).get()
    assert (attempt.user, attempt.reason) == (person.user, "bad_code")
    assert _sign_in_audits().get().result == "failure"


def test_the_login_code_api_needs_the_csrf_token():
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    response = browser.post(
        "/api/v1/identity/login/code", {"mobile": "13800000001"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "CSRF_FAILED"


# ---------------------------------------------------------------------------------------------
# Staff: a second factor is mandatory
# ---------------------------------------------------------------------------------------------


def test_staff_without_a_second_factor_cannot_sign_in(client):
    # given a staff member with neither a TOTP app nor a mobile number
    staff = StaffFactory(mobile="", mobile_index="")
    # when the right password is given
    response = _password(client, staff.user.username)
    # then no session starts and the page says to contact the administrator
    assert response.status_code == 403
    assert "请联系管理员" in response.content.decode()
    assert _signed_in_user_id(client) is None
    assert not AccountSession.objects.exists()
    attempt = LoginAttempt.objects.get()
    assert (attempt.succeeded, attempt.reason) == (False, "no_second_factor")
    assert _sign_in_audits().get().result == "denied"


def test_staff_sign_in_completes_only_after_the_sms_code(client):
    staff = StaffFactory()
    # when the password is right, the second factor is asked for and no session exists yet
    response = _password(client, staff.user.username)
    assert response.status_code == 302
    assert response["Location"] == MFA
    assert _signed_in_user_id(client) is None
    page = client.get(MFA).content.decode()
    assert "短信验证码" in page
    # a wrong code counts as a failure
    client.post(MFA, {"action": "sms_send"})
    code = _last_code(staff.mobile)
    assert messages_to(channel="sms", address=staff.mobile)[0].purpose == "staff_login_code"
    wrong = "000000" if code != "000000" else "111111"
    assert client.post(MFA, {"action": "verify", "method": "sms", "code": wrong}).status_code == 400
    assert _signed_in_user_id(client) is None
    # the right one signs in with two methods
    response = client.post(MFA, {"action": "verify", "method": "sms", "code": code})
    assert response.status_code == 302
    assert _signed_in_user_id(client) == str(staff.user.pk)
    assert client.session[AMR] == ["pwd", "sms"]
    assert list(LoginAttempt.objects.order_by("id").values_list("reason", "succeeded")) == [
        ("second_factor_pending", False),
        ("bad_code", False),
        ("", True),
    ]


def test_staff_with_totp_signs_in_with_the_app_code(client):
    staff = StaffFactory(mobile="", mobile_index="")
    secret = pyotp.random_base32()
    TotpDevice.objects.create(user=staff.user, secret=secret, confirmed_at=timezone.now())
    _password(client, staff.user.username)
    response = client.post(MFA, {"action": "verify", "method": "otp", "code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302
    assert client.session[AMR] == ["otp", "pwd"]
    # sms is not offered to a staff member without a mobile
    assert client.post(MFA, {"action": "sms_send"}).status_code == 302  # (no pending sign-in any more)


def test_the_second_factor_page_without_a_pending_sign_in_goes_to_login(client):
    assert client.get(MFA)["Location"] == LOGIN


def test_a_pending_second_factor_expires(client):
    staff = StaffFactory()
    with time_machine.travel(T0, tick=False):
        _password(client, staff.user.username)
    with time_machine.travel(T0 + dt.timedelta(seconds=authn.PENDING_SECONDS + 1), tick=False):
        assert client.get(MFA)["Location"] == LOGIN


def test_a_citizen_who_enabled_totp_needs_it_after_the_password(client):
    person = PersonFactory()
    secret = pyotp.random_base32()
    TotpDevice.objects.create(user=person.user, secret=secret, confirmed_at=timezone.now())
    response = _password(client, person.mobile)
    assert response["Location"] == MFA
    assert _signed_in_user_id(client) is None
    client.post(MFA, {"action": "verify", "method": "otp", "code": pyotp.TOTP(secret).now()})
    assert client.session[AMR] == ["otp", "pwd"]


def test_the_admin_site_signs_in_through_identity_with_the_second_factor(client):
    # given a staff member who may use the admin site
    staff = StaffFactory(mobile="", mobile_index="")
    secret = pyotp.random_base32()
    TotpDevice.objects.create(user=staff.user, secret=secret, confirmed_at=timezone.now())
    # the admin's own password form is not offered: it sends to the platform's sign-in
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/account/login/?next=/admin/"
    assert (
        client.post("/admin/login/", {"username": staff.user.username, "password": PASSWORD}).status_code
        == 302
    )
    assert _signed_in_user_id(client) is None
    # after the password and the TOTP code the admin site opens
    _password(client, staff.user.username, next="/admin/")
    response = client.post(MFA, {"action": "verify", "method": "otp", "code": pyotp.TOTP(secret).now()})
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize(
    "identifier",
    [
        "",
        "\x00",
        "a\x00b",
        "x" * 5000,
        "１３８００１３８０００",
        "<script>alert(1)</script>",
        "33010619900101001\x00",
    ],
)
def test_odd_identifiers_are_a_plain_failed_attempt(client, identifier):
    response = _password(client, identifier, "some password")
    assert response.status_code == 400
    assert "账号或密码错误" in response.content.decode()
    assert "<script>alert" not in response.content.decode()
    assert LoginAttempt.objects.get().reason == "bad_password"


def test_an_odd_passkey_credential_is_a_plain_refusal(client):
    client.post("/api/v1/identity/passkeys/authentication/options", content_type="application/json")
    for credential in ({"id": "a\x00b"}, {"id": 7}, {}, {"id": "x" * 2000}):
        response = client.post(
            "/api/v1/identity/passkeys/authentication",
            {"credential": credential},
            content_type="application/json",
        )
        assert response.status_code == 400
    assert response.json()["code"] == "PASSKEY_INVALID"
