"""Account pages through the Django test client: registration, account page, enterprise, grants,
act-as switcher, the window clerk's in-person check, and the account bar."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from tests.identity.account_helpers import registry_person, sms_code
from tests.identity.factories import (
    PASSWORD,
    EnterpriseFactory,
    EnterpriseRecordFactory,
    PersonFactory,
    StaffFactory,
)
from zwfw.identity import agents
from zwfw.identity.indexes import document_index
from zwfw.identity.models import AgentGrant, Enterprise, Person, StaffRole

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def signed_in(person_or_user) -> Client:
    c = Client()
    c.force_login(getattr(person_or_user, "user", person_or_user))
    return c


def test_signed_out_bar_offers_login_and_register():
    html = Client().get("/account/register/").content.decode()
    assert 'href="/account/login/"' in html
    assert 'href="/account/register/"' in html


def test_account_page_needs_a_sign_in():
    response = Client().get("/account/")
    assert response.status_code == 302
    assert "/account/login/" in response["Location"]


def test_register_page_sends_a_code_then_registers_and_signs_in():
    record = registry_person(1)
    c = Client()
    form = {
        "name": record.name,
        "document_type": "resident_id",
        "document_number": record.document_number,
        "document_valid_until": record.document_valid_until.isoformat(),
        "mobile": "13300000001",
    }
    sent = c.post("/account/register/", {**form, "action": "send_code"})
    assert sent.status_code == 200
    assert "验证码已发送" in sent.content.decode()
    assert record.document_number in sent.content.decode()  # the form keeps what was typed
    done = c.post(
        "/account/register/",
        {
            **form,
            "action": "register",
            "code": sms_code("13300000001"),
            "password": PASSWORD,
            "accepted_terms": "on",
        },
    )
    assert done.status_code == 302
    assert done["Location"] == "/account/?registered=1"
    page = c.get(done["Location"]).content.decode()
    assert "三级：权威库比对" in page
    assert "姓名与证件号码经人口库比对" in page  # how the level was reached
    assert "证件号码格式校验" in page
    assert record.document_number not in page  # masked
    assert "当前身份：" in page
    assert "/account/sessions/" in page or "sessions" in page


def test_register_page_shows_the_generic_error_and_creates_nothing():
    record = registry_person(2)
    c = Client()
    c.post("/account/register/", {"mobile": "13300000002", "action": "send_code"})
    response = c.post(
        "/account/register/",
        {
            "name": "别人",
            "document_type": "resident_id",
            "document_number": record.document_number,
            "long_term": "on",
            "mobile": "13300000002",
            "code": sms_code("13300000002"),
            "password": PASSWORD,
            "accepted_terms": "on",
            "action": "register",
        },
    )
    assert response.status_code == 400
    assert "身份信息核验未通过" in response.content.decode()
    assert Person.objects.count() == 0


def test_register_page_without_expiry_date_asks_for_it():
    response = Client().post("/account/register/", {"action": "register", "name": "甲"})
    assert response.status_code == 400
    assert "长期" in response.content.decode()


def test_enterprise_registration_page_then_grants_and_revoke():
    rep, agent = PersonFactory(), PersonFactory()
    record = EnterpriseRecordFactory(
        legal_representative_name=rep.name,
        legal_representative_index=document_index(rep.document_type, rep.document_number),
    )
    c = signed_in(rep)
    response = c.post("/account/enterprise/register/", {"credit_code": record.credit_code})
    enterprise = Enterprise.objects.get()
    assert response["Location"] == f"/account/enterprise/{enterprise.public_id}/grants/"
    until = (timezone.localdate() + dt.timedelta(days=60)).isoformat()
    response = c.post(
        response["Location"],
        {
            "agent_name": agent.name,
            "agent_document_type": "resident_id",
            "agent_document_number": agent.document_number,
            "all_items": "on",
            "valid_until": until,
        },
    )
    assert response.status_code == 302
    grant = AgentGrant.objects.get()
    page = c.get(response["Location"]).content.decode()
    assert agent.name in page
    assert "有效" in page
    c.post(f"/account/enterprise/{enterprise.public_id}/grants/{grant.public_id}/revoke/")
    grant.refresh_from_db()
    assert grant.revoked_at is not None


def test_enterprise_page_error_is_shown():
    c = signed_in(PersonFactory())
    response = c.post("/account/enterprise/register/", {"credit_code": "123"})
    assert response.status_code == 400
    assert "统一社会信用代码应为18位" in response.content.decode()


def test_grants_page_of_another_enterprise_is_404_and_revoke_does_nothing():
    enterprise, agent, stranger = EnterpriseFactory(), PersonFactory(), PersonFactory()
    grant = agents.grant_agent(
        actor=enterprise.legal_representative,
        enterprise=enterprise,
        agent_document_type=agent.document_type,
        agent_document_number=agent.document_number,
        agent_name=agent.name,
        all_items=True,
        valid_until=timezone.localdate() + dt.timedelta(days=5),
    )
    for who in (agent, stranger):
        c = signed_in(who)
        assert c.get(f"/account/enterprise/{enterprise.public_id}/grants/").status_code == 404
        assert (
            c.post(f"/account/enterprise/{enterprise.public_id}/grants/{grant.public_id}/revoke/").status_code
            == 404
        )
    grant.refresh_from_db()
    assert grant.revoked_at is None


def test_act_as_switcher_in_the_bar():
    enterprise, agent = EnterpriseFactory(), PersonFactory()
    agents.grant_agent(
        actor=enterprise.legal_representative,
        enterprise=enterprise,
        agent_document_type=agent.document_type,
        agent_document_number=agent.document_number,
        agent_name=agent.name,
        all_items=True,
        valid_until=timezone.localdate() + dt.timedelta(days=5),
    )
    c = signed_in(agent)
    page = c.get("/account/").content.decode()
    assert f'value="enterprise:{enterprise.public_id}"' in page
    response = c.post(
        "/account/act-as/", {"principal": f"enterprise:{enterprise.public_id}", "next": "/account/"}
    )
    assert response["Location"] == "/account/"
    page = c.get("/account/").content.decode()
    assert f"当前身份：<strong>{enterprise.name}</strong>" in page
    # an off-site next is not followed
    response = c.post(
        "/account/act-as/", {"principal": f"self:{agent.public_id}", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/account/"


def test_act_as_a_stranger_enterprise_is_404():
    enterprise = EnterpriseFactory()
    c = signed_in(PersonFactory())
    assert c.post("/account/act-as/", {"principal": f"enterprise:{enterprise.public_id}"}).status_code == 404


def test_workbench_in_person_check_for_window_clerks_only():
    person = PersonFactory()
    clerk = StaffFactory()
    clerk.role_grants.create(role=StaffRole.WINDOW_CLERK)
    c = signed_in(clerk.user)
    page = c.get(
        "/account/workbench/in-person-check/",
        {"document_type": "resident_id", "document_number": person.document_number},
    )
    assert person.name in page.content.decode()
    response = c.post(
        "/account/workbench/in-person-check/", {"person": str(person.public_id), "note": "核对原件"}
    )
    assert "已记录现场核验" in response.content.decode()
    person.refresh_from_db()
    assert person.assurance_level == 4
    # a citizen and an approver are refused
    other = PersonFactory()
    approver = StaffFactory()
    approver.role_grants.create(role=StaffRole.APPROVER)
    for user in (other.user, approver.user):
        assert (
            signed_in(user)
            .post("/account/workbench/in-person-check/", {"person": str(other.public_id)})
            .status_code
            == 403
        )
    other.refresh_from_db()
    assert other.assurance_level == 3


def test_guardian_adds_a_ward_on_the_account_page():
    from tests.identity.factories import PopulationRecordFactory

    guardian = PersonFactory()
    today = timezone.localdate()
    child = PopulationRecordFactory(
        born=today.replace(year=today.year - 7, day=1), guardian_index=guardian.document_index
    )
    c = signed_in(guardian)
    response = c.post(
        "/account/",
        {
            "action": "ward",
            "name": child.name,
            "document_type": "resident_id",
            "document_number": child.document_number,
        },
    )
    assert response.status_code == 302
    page = c.get("/account/").content.decode()
    assert 'value="ward:' in page
    bad = c.post(
        "/account/",
        {
            "action": "ward",
            "name": "别人",
            "document_type": "resident_id",
            "document_number": child.document_number,
        },
    )
    assert bad.status_code == 404


def test_admin_lists_identity_rows_masked_and_read_only():
    from django.contrib.auth import get_user_model

    person = PersonFactory()
    EnterpriseFactory(legal_representative=person)
    root = get_user_model().objects.create_superuser("root", password=PASSWORD)
    c = signed_in(root)
    for model in (
        "person",
        "enterprise",
        "agentgrant",
        "staffmember",
        "populationrecord",
        "enterpriserecord",
        "guardianship",
    ):
        response = c.get(f"/admin/identity/{model}/")
        assert response.status_code == 200, model
        assert person.document_number not in response.content.decode()
    detail = c.get(f"/admin/identity/person/{person.pk}/change/").content.decode()
    assert person.document_number not in detail
    assert person.mobile not in detail
    assert c.get("/admin/identity/person/add/").status_code == 403


def test_admin_deactivates_staff_through_the_service():
    from django.contrib.auth import get_user_model

    from zwfw.core.models import AuditEntry

    staff = StaffFactory()
    root = get_user_model().objects.create_superuser("root", password=PASSWORD)
    c = signed_in(root)
    c.post("/admin/identity/staffmember/", {"action": "deactivate", "_selected_action": [staff.pk]})
    staff.refresh_from_db()
    assert not staff.is_active
    assert AuditEntry.objects.filter(action="identity.deactivate_staff").count() == 1
