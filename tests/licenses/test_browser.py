"""In a real Chromium (issue acceptance, 亮证): a holder signs in, opens the wallet and shows a QR code
for a licence choosing the fields; a second browser context, the verifier, opens the QR code's URL
and sees 有效 with only the chosen fields; after the issuer revokes, the same flow shows 已吊销; an
expired token is refused. Screenshots of every page, desktop and 375 px wide, go to test-artifacts/."""

from __future__ import annotations

import datetime as dt
from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.core.cache import cache
from django.utils import timezone

from tests.identity.factories import PASSWORD, PersonFactory
from tests.licenses.wallet_helpers import issue_degree, issue_residence
from zwfw.core.masking import mask_resident_id
from zwfw.licenses import services, showing

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _fresh_keys_and_limits():
    showing.reset_caches()
    cache.clear()
    yield
    showing.reset_caches()
    cache.clear()


@pytest.fixture
def new_page(browser):
    contexts = []

    def make(width: int = 1280, height: int = 900):
        context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def sign_in(page, base: str, mobile: str) -> None:
    page.goto(f"{base}/account/login/")
    page.locator("#identifier").fill(mobile)
    page.locator("#password").fill(PASSWORD)
    page.locator("#password-submit").click()
    page.wait_for_load_state()
    assert page.locator("#account-bar .account-name").is_visible()


def snap(page, artifacts_dir, name: str) -> None:
    """Desktop and phone (375 px) screenshots; the phone view must not scroll sideways."""
    page.screenshot(path=str(artifacts_dir / f"licenses-{name}.png"), full_page=True)
    size = page.viewport_size
    page.set_viewport_size({"width": 375, "height": 812})
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, f"{name} scrolls sideways at 375 px"
    page.screenshot(path=str(artifacts_dir / f"licenses-{name}-375.png"), full_page=True)
    page.set_viewport_size(size)


def test_a_holder_shows_a_licence_and_a_verifier_checks_it(live_server, new_page, artifacts_dir, seal, people, department):
    # given a holder with a degree and a residence permit, and an old token that has already expired
    holder = PersonFactory(name="张晓明", mobile="13912345678")
    degree = issue_degree(people, department, holder)
    issue_residence(people, department, holder)
    expired = showing.make_token(license=degree, fields=["degree"], now=timezone.now() - dt.timedelta(minutes=5))
    base = live_server.url

    # when the holder signs in and opens 我的证照 from the account bar
    page = new_page()
    sign_in(page, base, holder.mobile)
    page.locator("#wallet-link").click()
    page.wait_for_url("**/licenses/wallet/")
    cards = page.locator("#wallet-list .lic-card")
    assert cards.count() == 2
    assert "学位证书" in page.locator("#wallet-list").inner_text()
    snap(page, artifacts_dir, "wallet")

    # and shows the degree choosing the fields: name, (masked) ID number and degree only
    page.locator(".lic-card", has_text="学位证书").get_by_role("link", name="亮证").click()
    page.wait_for_url("**/show/")
    for box in page.locator("#show-fields input[type=checkbox]").all():
        box.set_checked(box.get_attribute("value") in ("holder_name", "holder_id", "degree"))
    page.locator("#show-submit").click()
    page.wait_for_load_state()
    assert page.locator("#show-qr svg.license-qr").is_visible()
    first = page.locator("#show-countdown").inner_text()
    page.wait_for_timeout(2100)
    assert int(page.locator("#show-countdown").inner_text()) < int(first) <= 180  # the countdown runs
    url = page.locator("#show-url").get_attribute("href")
    assert url.startswith(f"{base}/licenses/v/")
    snap(page, artifacts_dir, "show")

    # then the verifier, in another browser with no session, opens the QR code's URL and sees 有效
    verifier = new_page()
    verifier.goto(url)
    assert verifier.locator("#verify-status").inner_text() == "有效"
    shown = verifier.locator("#shown-fields").inner_text()
    assert "张晓明" in shown
    assert mask_resident_id(holder.document_number) in shown
    assert "工学学士" in shown
    body = verifier.locator("main").inner_text()
    for hidden in ("浙江大学", "1033532026001234", "2026-06-30", holder.document_number):
        assert hidden not in body, f"{hidden} was not chosen but is shown"
    assert "杭州市市场监督管理局" in body
    snap(verifier, artifacts_dir, "verify-valid")

    # when the issuer revokes the degree, the same URL shows 已吊销 and the holder cannot show it again
    services.change_status(issuer=services.Issuer(user=people["approver"].user), license=degree, action="revoke", reason="学位撤销")
    verifier.reload()
    assert verifier.locator("#verify-status").inner_text() == "已吊销"
    snap(verifier, artifacts_dir, "verify-revoked")
    page.reload()
    assert "不能亮证" in page.locator("#form-error").inner_text()
    assert page.locator("#show-qr").count() == 0

    # and an expired token is refused
    verifier.goto(f"{base}/licenses/v/{expired}/")
    assert verifier.locator("#verify-status").inner_text() == "亮证码已过期"
    assert "工学学士" not in verifier.locator("main").inner_text()
    snap(verifier, artifacts_dir, "verify-expired")


def test_the_qr_code_is_refreshed_before_it_expires(live_server, new_page, seal, people, department):
    # given a holder on the 亮证 page, with the page's clock under the test's control
    holder = PersonFactory(name="王芳", mobile="13912345679")
    degree = issue_degree(people, department, holder)
    page = new_page()
    sign_in(page, live_server.url, holder.mobile)
    page.clock.install()
    page.goto(f"{live_server.url}/licenses/wallet/{degree.identifier}/show/")
    before = page.locator("#show-url").get_attribute("href")

    # when 160 of the 180 seconds have passed on the page
    page.clock.fast_forward("02:40")
    page.wait_for_function(f"document.getElementById('show-url').href !== {before!r}")

    # then the page shows a fresh code with the same fields and a full countdown again
    after = page.locator("#show-url").get_attribute("href")
    fresh = showing.read_token(after.rstrip("/").rsplit("/", 1)[-1])
    assert fresh.identifier == degree.identifier
    assert fresh.fields == showing.read_token(before.rstrip("/").rsplit("/", 1)[-1]).fields
    assert int(page.locator("#show-countdown").inner_text()) > 150
    assert page.locator("#show-qr svg.license-qr").count() == 1


def signed_in_as(page, user, base: str) -> None:
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session.session_key, "url": base}])


def test_the_verification_form_detail_and_workbench_pages(
    live_server, new_page, artifacts_dir, seal, people, department, other_department
):
    holder = PersonFactory(name="赵敏")
    degree = issue_degree(people, department, holder)
    page = new_page()
    page.goto(f"{live_server.url}/licenses/verify/")
    page.get_by_label("电子证照标识").fill(degree.identifier)
    page.get_by_label("持证者证件号码或统一社会信用代码").fill(holder.document_number)
    page.locator("#verify-submit").click()
    page.wait_for_load_state()
    assert page.locator("#verify-status").inner_text() == "有效"
    assert "工学学士" not in page.locator("main").inner_text()
    snap(page, artifacts_dir, "verify-by-code")

    # the holder's detail page with a grant and a use, and the workbench as the approver (sessions set
    # up directly: the sign-in pages have their own browser tests, and staff sign in with two factors)
    services.authorise_use(person=holder, license=degree, department=other_department, purpose="办理人才落户",
                           valid_until=timezone.now() + dt.timedelta(days=30))
    services.fetch_for_use(actor=people["other_approver"].user, identifier=degree.identifier, purpose="办理人才落户")
    holder_page = new_page()
    signed_in_as(holder_page, holder.user, live_server.url)
    holder_page.goto(f"{live_server.url}/licenses/wallet/{degree.identifier}/")
    assert "杭州市民政局" in holder_page.locator("#use-list").inner_text()
    assert holder.document_number in holder_page.locator("#surface").inner_text()
    snap(holder_page, artifacts_dir, "detail")

    staff_page = new_page()
    signed_in_as(staff_page, people["approver"].user, live_server.url)
    staff_page.goto(f"{live_server.url}/licenses/workbench/issue/")
    staff_page.locator("#id_type").select_option(label="居住证（自然人）")
    staff_page.locator("#type-choose").click()
    staff_page.wait_for_load_state()
    staff_page.get_by_label("证件号码").fill(holder.document_number)
    staff_page.locator("#f_issue_date").fill("2026-12-01")
    staff_page.locator("#issue-submit").click()
    staff_page.wait_for_url("**/workbench/issue/?issued=*")
    assert staff_page.locator("#issued-list tbody tr").count() == 2
    snap(staff_page, artifacts_dir, "workbench")
