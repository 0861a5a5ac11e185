"""The accounts JSON API over real HTTP handling (Django test client): each endpoint, and for each one
proof that one citizen cannot read or change another's profile, enterprises or grants."""

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
from zwfw.core.models import AuditEntry
from zwfw.identity import agents
from zwfw.identity.indexes import document_index
from zwfw.identity.models import AgentGrant, Enterprise, Person

pytestmark = pytest.mark.django_db
API = "/api/v1/identity"


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def client_for(person) -> Client:
    c = Client()
    c.force_login(person.user)
    return c


def in_days(n):
    return (timezone.localdate() + dt.timedelta(days=n)).isoformat()


def make_grant(enterprise, agent):
    return agents.grant_agent(
        actor=enterprise.legal_representative,
        enterprise=enterprise,
        agent_document_type=agent.document_type,
        agent_document_number=agent.document_number,
        agent_name=agent.name,
        all_items=True,
        valid_until=timezone.localdate() + dt.timedelta(days=30),
    )


# ---------------------------------------------------------------------------------------------
# Registration
# ---------------------------------------------------------------------------------------------


def test_register_through_the_api():
    record = registry_person(1)
    c = Client()
    assert c.post(
        f"{API}/register/code", {"mobile": "13500000001"}, content_type="application/json"
    ).json() == {"sent": True}
    body = {
        "name": record.name,
        "document_type": "resident_id",
        "document_number": record.document_number,
        "document_valid_until": record.document_valid_until.isoformat(),
        "mobile": "13500000001",
        "code": sms_code("13500000001"),
        "password": PASSWORD,
        "accepted_terms": True,
    }
    response = c.post(f"{API}/register", body, content_type="application/json")
    assert response.status_code == 201
    data = response.json()
    assert data["assurance_level"] == 3
    assert data["mobile_masked"] == "135****0001"
    assert record.document_number not in response.content.decode()
    # the same again: conflict, nothing new
    again = c.post(f"{API}/register", body, content_type="application/json")
    assert again.status_code == 409
    assert again.json()["code"] == "PERSON_EXISTS"
    assert Person.objects.count() == 1


def test_register_code_throttled_and_bad_input_422():
    c = Client()
    assert (
        c.post(f"{API}/register/code", {"mobile": "13500000002"}, content_type="application/json").status_code
        == 200
    )
    second = c.post(f"{API}/register/code", {"mobile": "13500000002"}, content_type="application/json")
    assert second.status_code == 429
    assert second.json()["code"] == "MESSAGE_RATE_LIMITED"
    assert (
        c.post(f"{API}/register/code", {"mobile": "123"}, content_type="application/json").status_code == 400
    )
    assert c.post(f"{API}/register", {"name": 1}, content_type="application/json").status_code == 422
    assert Person.objects.count() == 0


def test_registry_mismatch_is_generic_over_the_api():
    record = registry_person(3)
    c = Client()
    c.post(f"{API}/register/code", {"mobile": "13500000003"}, content_type="application/json")
    response = c.post(
        f"{API}/register",
        {
            "name": "不是我",
            "document_type": "resident_id",
            "document_number": record.document_number,
            "document_valid_until": record.document_valid_until.isoformat(),
            "mobile": "13500000003",
            "code": sms_code("13500000003"),
            "password": PASSWORD,
            "accepted_terms": True,
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "IDENTITY_NOT_VERIFIED"
    assert Person.objects.count() == 0


# ---------------------------------------------------------------------------------------------
# /me
# ---------------------------------------------------------------------------------------------


def test_personal_endpoints_need_a_sign_in():
    c = Client()
    for method, path in [
        ("get", "/me"),
        ("patch", "/me"),
        ("get", "/me/levels"),
        ("get", "/enterprises"),
        ("post", "/enterprises"),
        ("get", "/principals"),
        ("post", "/act-as"),
    ]:
        response = getattr(c, method)(f"{API}{path}", {}, content_type="application/json")
        assert response.status_code == 401, path


def test_me_is_always_one_self_and_masked():
    alice, bob = PersonFactory(), PersonFactory()
    data = client_for(alice).get(f"{API}/me").json()
    assert data["id"] == str(alice.public_id)
    assert data["name"] == alice.name
    assert data["document_number_masked"].endswith(alice.document_number[-4:])
    assert alice.document_number not in str(data)
    assert client_for(bob).get(f"{API}/me").json()["id"] == str(bob.public_id)


def test_patch_me_changes_only_ones_own_profile():
    alice, bob = PersonFactory(email="a@example.com"), PersonFactory(email="b@example.com")
    c = client_for(alice)
    response = c.patch(f"{API}/me", {"email": "new@example.com"}, content_type="application/json")
    assert response.status_code == 200
    alice.refresh_from_db()
    bob.refresh_from_db()
    assert (alice.email, bob.email) == ("new@example.com", "b@example.com")
    # taking another's mobile is refused, nothing changed
    response = c.patch(f"{API}/me", {"mobile": bob.mobile, "code": "123456"}, content_type="application/json")
    assert response.status_code == 409
    alice.refresh_from_db()
    assert alice.mobile != bob.mobile
    # a mobile change with its code
    assert (
        c.post(
            f"{API}/me/mobile/code", {"mobile": "13500000099"}, content_type="application/json"
        ).status_code
        == 200
    )
    response = c.patch(
        f"{API}/me",
        {"mobile": "13500000099", "code": sms_code("13500000099")},
        content_type="application/json",
    )
    assert response.json()["mobile_masked"] == "135****0099"


def test_levels_are_ones_own():
    from zwfw.identity.models import AssuranceEvent

    alice, bob = PersonFactory(), PersonFactory()
    AssuranceEvent.objects.create(person=alice, level=3, method="registry", note="a")
    AssuranceEvent.objects.create(person=bob, level=3, method="registry", note="b")
    data = client_for(alice).get(f"{API}/me/levels").json()
    assert [e["note"] for e in data] == ["a"]
    assert data[0]["method_label"] == "姓名与证件号码经人口库比对"


def test_staff_account_has_no_person_profile():
    staff = StaffFactory()
    c = Client()
    c.force_login(staff.user)
    assert c.get(f"{API}/me").status_code == 404
    assert (
        c.post(f"{API}/act-as", {"kind": "self", "id": "x"}, content_type="application/json").status_code
        == 403
    )


# ---------------------------------------------------------------------------------------------
# Enterprises and grants
# ---------------------------------------------------------------------------------------------


def test_register_and_list_enterprises_are_scoped():
    alice, bob = PersonFactory(), PersonFactory()
    record = EnterpriseRecordFactory(
        legal_representative_name=alice.name,
        legal_representative_index=document_index(alice.document_type, alice.document_number),
    )
    # bob cannot register alice's enterprise
    response = client_for(bob).post(
        f"{API}/enterprises", {"credit_code": record.credit_code}, content_type="application/json"
    )
    assert response.status_code == 400
    assert not Enterprise.objects.exists()
    response = client_for(alice).post(
        f"{API}/enterprises", {"credit_code": record.credit_code}, content_type="application/json"
    )
    assert response.status_code == 201
    assert [e["credit_code"] for e in client_for(alice).get(f"{API}/enterprises").json()] == [
        record.credit_code
    ]
    assert client_for(bob).get(f"{API}/enterprises").json() == []


def test_grants_list_create_revoke_by_the_legal_representative():
    enterprise, agent = EnterpriseFactory(), PersonFactory()
    c = client_for(enterprise.legal_representative)
    url = f"{API}/enterprises/{enterprise.public_id}/grants"
    body = {
        "agent_name": agent.name,
        "agent_document_type": agent.document_type,
        "agent_document_number": agent.document_number,
        "all_items": True,
        "valid_until": in_days(90),
    }
    created = c.post(url, body, content_type="application/json")
    assert created.status_code == 201
    grant_id = created.json()["id"]
    assert [g["id"] for g in c.get(url).json()] == [grant_id]
    revoked = c.delete(f"{url}/{grant_id}")
    assert revoked.status_code == 200
    assert revoked.json()["status"] == "已撤销"


@pytest.mark.parametrize("who", ["agent", "stranger"])
def test_others_cannot_read_create_or_revoke_grants(who):
    enterprise, agent, stranger = EnterpriseFactory(), PersonFactory(), PersonFactory()
    grant = make_grant(enterprise, agent)
    c = client_for(agent if who == "agent" else stranger)
    url = f"{API}/enterprises/{enterprise.public_id}/grants"
    assert c.get(url).status_code == 404
    body = {
        "agent_name": stranger.name,
        "agent_document_type": stranger.document_type,
        "agent_document_number": stranger.document_number,
        "all_items": True,
        "valid_until": in_days(90),
    }
    assert c.post(url, body, content_type="application/json").status_code == 404
    assert c.delete(f"{url}/{grant.public_id}").status_code == 404
    grant.refresh_from_db()
    assert grant.revoked_at is None
    assert AgentGrant.objects.count() == 1


def test_a_grant_of_another_enterprise_is_not_found_under_mine():
    mine, theirs, agent = EnterpriseFactory(), EnterpriseFactory(), PersonFactory()
    their_grant = make_grant(theirs, agent)
    c = client_for(mine.legal_representative)
    assert c.delete(f"{API}/enterprises/{mine.public_id}/grants/{their_grant.public_id}").status_code == 404
    assert c.delete(f"{API}/enterprises/{mine.public_id}/grants/not-a-uuid").status_code == 404
    their_grant.refresh_from_db()
    assert their_grant.revoked_at is None


def test_bad_grant_input_is_a_4xx_and_changes_nothing():
    enterprise, agent = EnterpriseFactory(), PersonFactory()
    c = client_for(enterprise.legal_representative)
    url = f"{API}/enterprises/{enterprise.public_id}/grants"
    base = {
        "agent_name": agent.name,
        "agent_document_type": agent.document_type,
        "agent_document_number": agent.document_number,
        "valid_until": in_days(90),
    }
    assert c.post(url, {**base, "all_items": False}, content_type="application/json").status_code == 400
    assert (
        c.post(
            url, {**base, "all_items": True, "valid_until": "2020-01-01"}, content_type="application/json"
        ).status_code
        == 400
    )
    assert (
        c.post(
            url, {**base, "all_items": True, "valid_until": "soon"}, content_type="application/json"
        ).status_code
        == 422
    )
    assert (
        c.post(
            url, {**base, "all_items": True, "agent_name": "别人"}, content_type="application/json"
        ).status_code
        == 404
    )
    assert not AgentGrant.objects.exists()


# ---------------------------------------------------------------------------------------------
# Principals and act-as
# ---------------------------------------------------------------------------------------------


def test_principals_and_act_as():
    enterprise, agent = EnterpriseFactory(), PersonFactory()
    make_grant(enterprise, agent)
    c = client_for(agent)
    principals = c.get(f"{API}/principals").json()
    assert [(p["kind"], p["current"]) for p in principals] == [("self", True), ("enterprise", False)]
    response = c.post(
        f"{API}/act-as",
        {"kind": "enterprise", "id": str(enterprise.public_id)},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["name"] == enterprise.name
    assert [p["current"] for p in c.get(f"{API}/principals").json()] == [False, True]
    entry = AuditEntry.objects.get(action="identity.act_as")
    assert (entry.actor, entry.acting_for) == (f"user:{agent.user.pk}", f"enterprise:{enterprise.public_id}")


def test_cannot_act_as_anothers_enterprise_or_see_anothers_principals():
    enterprise, stranger = EnterpriseFactory(), PersonFactory()
    c = client_for(stranger)
    response = c.post(
        f"{API}/act-as",
        {"kind": "enterprise", "id": str(enterprise.public_id)},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert [p["kind"] for p in c.get(f"{API}/principals").json()] == ["self"]
    assert not AuditEntry.objects.filter(action="identity.act_as").exists()
