"""In a real Chromium: register a natural person (SMS code from the test sender), sign in with a password, register a passkey with Chromium's virtual authenticator,
sign out, sign in with the passkey (WebAuthn needs a secure context: http://localhost is one)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from tests.identity.factories import PASSWORD, PopulationRecordFactory
from zwfw.core.models import AuditEntry
from zwfw.identity.models import AccountSession, LoginAttempt, Passkey, Person
from zwfw.notifications.selectors import messages_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page_with_authenticator(browser):
    """A page whose browser has a platform authenticator (CTAP2, resident keys, user verification)."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800})
    context.set_default_timeout(15_000)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    yield page
    context.close()


def test_password_sign_in_then_passkey_registration_and_passkey_sign_in(
    live_server, page_with_authenticator, artifacts_dir
):
    page = page_with_authenticator
    base = live_server.url
    # given a person in the population registry who registers on the portal
    record = PopulationRecordFactory()
    mobile = "13912340001"
    page.goto(base + "/account/register/")
    page.locator("#id_name").fill(record.name)
    page.locator("#id_document_number").fill(record.document_number)
    page.locator("#id_document_valid_until").fill(record.document_valid_until.isoformat())
    page.locator("#id_mobile").fill(mobile)
    page.locator("#send-code").click()
    page.locator("#code-sent").wait_for()
    # (the SMS code is read from the test sender's record of the message)
    code = re.search(r"(\d{6})", messages_to(channel="sms", address=mobile)[0].body).group(1)
    page.locator("#id_code").fill(code)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_accepted_terms").check()
    page.locator("#register-submit").click()
    page.wait_for_url(lambda url: urlsplit(url).path == "/account/")
    person = Person.objects.get(document_index=record.document_index)
    # registering signed them in; they sign out to sign in again
    page.goto(base + "/account/logout/")
    page.locator("#logout-submit").click()
    page.wait_for_url(lambda url: "/account/logout/" not in url)

    # when they sign in with their mobile number and password
    page.goto(base + "/account/login/")
    page.screenshot(path=str(artifacts_dir / "identity-login.png"), full_page=True)
    page.get_by_label("账号", exact=True).fill(mobile)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.locator("#password-submit").click()
    page.wait_for_url(lambda url: "/account/login/" not in url)
    assert AccountSession.objects.filter(user=person.user, methods=["pwd"]).exists()

    # and register a passkey on the passkeys page
    page.goto(base + "/account/passkeys/")
    page.get_by_label("名称（便于您区分，如“我的手机”）").fill("我的电脑")
    page.locator("#passkey-register").click()
    page.locator("#passkey-table tbody tr[data-passkey]").wait_for()
    passkey = Passkey.objects.get(user=person.user)
    assert passkey.name == "我的电脑"
    page.screenshot(path=str(artifacts_dir / "identity-passkeys.png"), full_page=True)

    # and sign out
    page.goto(base + "/account/logout/")
    page.locator("#logout-submit").click()
    page.wait_for_url(lambda url: "/account/logout/" not in url)
    assert not AccountSession.objects.filter(user=person.user, ended_at__isnull=True).exists()

    # then the passkey signs them in again, without a password
    page.goto(base + "/account/login/?tab=passkey&next=/account/sessions/")
    page.locator("#passkey-submit").click()
    page.wait_for_url(lambda url: urlsplit(url).path == "/account/sessions/")
    assert page.locator("#session-table").get_by_text("当前设备").is_visible()
    session = AccountSession.objects.get(user=person.user, ended_at__isnull=True)
    assert session.methods == ["hwk"]
    assert LoginAttempt.objects.filter(user=person.user, method="hwk", succeeded=True).count() == 1
    passkey.refresh_from_db()
    assert passkey.last_used_at is not None
    page.screenshot(path=str(artifacts_dir / "identity-sessions.png"), full_page=True)

    # and the same passkey confirms them again on the step-up page (the OIDC provider sends people there)
    page.goto(base + "/account/step-up/?next=/account/passkeys/")
    page.locator("#step-up-passkey").click()
    page.wait_for_url(lambda url: urlsplit(url).path == "/account/passkeys/")
    assert LoginAttempt.objects.filter(user=person.user, method="hwk", succeeded=True).count() == 2
    assert AuditEntry.objects.filter(action="identity.step_up", result="success").count() == 1
