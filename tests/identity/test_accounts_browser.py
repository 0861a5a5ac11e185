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
