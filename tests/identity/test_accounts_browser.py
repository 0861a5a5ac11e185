"""In a real Chromium: a legal representative registers the enterprise and grants an agent; the agent
signs in and switches to act for the enterprise (issue 3 acceptance, browser part for accounts)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.identity.factories import PASSWORD, EnterpriseRecordFactory, PersonFactory
from zwfw.identity.indexes import document_index
from zwfw.identity.models import AgentGrant, Enterprise

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def new_page(browser):
    contexts = []

    def make():
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
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


def test_register_enterprise_grant_agent_and_act_as_it(live_server, new_page, artifacts_dir):
    # given a legal representative and an agent with accounts, and the enterprise in the registry
    rep = PersonFactory(name="王建国", mobile="13912340001")
    agent = PersonFactory(name="赵敏", mobile="13912340002")
    record = EnterpriseRecordFactory(
        name="杭州示例科技有限公司",
        legal_representative_name=rep.name,
        legal_representative_index=document_index(rep.document_type, rep.document_number),
    )
    base = live_server.url

    # when the legal representative signs in and registers the enterprise
    page = new_page()
    sign_in(page, base, rep.mobile)
    page.goto(f"{base}/account/enterprise/register/")
    page.get_by_label("统一社会信用代码").fill(record.credit_code)
    page.locator("#enterprise-submit").click()
    page.wait_for_url("**/grants/")
    assert "杭州示例科技有限公司" in page.locator("#enterprise-name").inner_text()
    enterprise = Enterprise.objects.get(credit_code=record.credit_code)

    # and grants the agent all items for 90 days
    page.get_by_label("经办人姓名").fill(agent.name)
    page.get_by_label("经办人证件号码").fill(agent.document_number)
    page.get_by_label("授权办理全部事项").check()
    page.locator("#id_valid_until").fill((timezone.localdate() + dt.timedelta(days=90)).isoformat())
    page.locator("#grant-submit").click()
    page.wait_for_url("**/grants/?granted=1")
    assert page.locator("#grant-list").get_by_text(agent.name).is_visible()
    page.screenshot(path=str(artifacts_dir / "identity-grants.png"), full_page=True)
    grant = AgentGrant.objects.get(enterprise=enterprise)
    assert grant.agent_id == agent.pk

    # then the agent signs in and switches to act for the enterprise
    agent_page = new_page()
    sign_in(agent_page, base, agent.mobile)
    agent_page.goto(f"{base}/account/")
    assert "当前身份：" in agent_page.locator("#acting-for").inner_text()
    assert agent.name in agent_page.locator("#acting-for").inner_text()
    agent_page.locator("#act-as-select").select_option(f"enterprise:{enterprise.public_id}")
    agent_page.locator(".act-as-form button").click()
    agent_page.wait_for_load_state()
    assert agent_page.locator("#acting-for").inner_text() == "当前身份：杭州示例科技有限公司（法人）"
    agent_page.screenshot(path=str(artifacts_dir / "identity-act-as.png"), full_page=True)
    # and the bar fits a phone screen
    agent_page.set_viewport_size({"width": 375, "height": 812})
    assert agent_page.evaluate("document.documentElement.scrollWidth") <= 375
    agent_page.screenshot(path=str(artifacts_dir / "identity-act-as-375.png"), full_page=True)

    # and when the legal representative revokes the grant, the agent's next page is back to self
    page.locator("#grant-list").get_by_role("button", name="撤销").click()
    page.wait_for_load_state()
    agent_page.reload()
    assert agent_page.locator("#acting-for").inner_text() == f"当前身份：{agent.name}"


def test_register_a_natural_person_with_the_sms_code_then_sign_in(live_server, new_page, artifacts_dir):
    from tests.identity.account_helpers import sms_code
    from tests.identity.factories import PopulationRecordFactory

    # given a person in the population registry
    record = PopulationRecordFactory(name="周晓燕", document_valid_until=dt.date(2035, 6, 30))
    base = live_server.url
    page = new_page()
    page.goto(f"{base}/")
    page.get_by_role("link", name="注册").click()
    page.wait_for_url("**/account/register/")

    # when the form is filled, a code is asked for and read from the test sender
    page.get_by_label("姓名").fill(record.name)
    page.get_by_label("证件号码").fill(record.document_number)
    page.locator("#id_document_valid_until").fill("2035-06-30")
    page.locator("#id_mobile").fill("13912340009")
    page.locator("#send-code").click()
    page.wait_for_selector("#code-sent")
    assert page.get_by_label("证件号码").input_value() == record.document_number
    page.get_by_label("短信验证码").fill(sms_code("13912340009"))
    page.get_by_label("设置密码").fill(PASSWORD)
    page.get_by_label("我已阅读并同意《用户服务协议》和《隐私政策》").check()
    page.locator("#register-submit").click()
    page.wait_for_url("**/account/?registered=1")

    # then the account page shows level 3 and how it was reached
    assert "三级：权威库比对" in page.locator("#assurance-level").inner_text()
    assert "姓名与证件号码经人口库比对" in page.locator("#level-history").inner_text()
    page.screenshot(path=str(artifacts_dir / "identity-registered.png"), full_page=True)

    # and after signing out, the person signs in with the mobile and the password
    page.locator("#account-bar").get_by_role("button", name="退出").click()
    page.wait_for_load_state()
    sign_in(page, base, "13912340009")
    page.goto(f"{base}/account/")
    assert page.locator("#profile-name").inner_text() == record.name
