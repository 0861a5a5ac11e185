"""经办人授权 and 监护: granting, revoking, principals, acting for one (validated on every use)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory
from django.utils import timezone

from tests.identity.factories import EnterpriseFactory, PersonFactory, PopulationRecordFactory
from zwfw.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from zwfw.core.models import AuditEntry
from zwfw.identity import agents, selectors, sessions
from zwfw.identity.models import AgentGrant, DocumentType, Guardianship, Person

pytestmark = pytest.mark.django_db


def in_days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


def years_ago(n: int) -> dt.date:
    today = timezone.localdate()
    return today.replace(year=today.year - n, day=min(today.day, 28))


def grant(enterprise, agent, **kwargs):
    args = {
        "actor": enterprise.legal_representative,
        "enterprise": enterprise,
        "agent_document_type": agent.document_type,
        "agent_document_number": agent.document_number,
        "agent_name": agent.name,
        "all_items": True,
        "valid_until": in_days(30),
    }
    args.update(kwargs)
    return agents.grant_agent(**args)


def request_for(user, acting=None):
    request = RequestFactory().get("/")
    request.user = user
    request.session = SessionStore()
    if acting is not None:
        request.session[sessions.ACTING_FOR] = acting
    return request


# ---------------------------------------------------------------------------------------------
# grant_agent / revoke_grant
# ---------------------------------------------------------------------------------------------


def test_legal_representative_grants_an_agent_until_the_end_of_a_day():
    enterprise, agent = EnterpriseFactory(), PersonFactory()
    g = grant(enterprise, agent, valid_until=in_days(10))
    assert (g.agent, g.all_items, g.item_codes, g.granted_by) == (
        agent,
        True,
        [],
        enterprise.legal_representative,
    )
    local_end = timezone.localtime(g.valid_until)
    assert (local_end.date(), local_end.time()) == (in_days(11), dt.time(0, 0))
    assert list(selectors.grants_to(agent)) == [g]
    entry = AuditEntry.objects.get(action="identity.grant_agent")
    assert entry.actor == f"user:{enterprise.legal_representative.user_id}"
    assert entry.acting_for == f"enterprise:{enterprise.public_id}"


def test_grant_for_listed_published_items(monkeypatch):
    from tests.catalog.factories import ImplementationItemFactory

    item = ImplementationItemFactory(status="published")
    enterprise, agent = EnterpriseFactory(), PersonFactory()
    g = grant(enterprise, agent, all_items=False, item_codes=[item.code.lower(), f" {item.code} "])
    assert g.item_codes == [item.code]
    assert agents.item_authorised(
        person=agent,
        principal=sessions.Principal("enterprise", str(enterprise.public_id), enterprise.name),
        item_code=item.code,
    )
    assert not agents.item_authorised(
        person=agent,
        principal=sessions.Principal("enterprise", str(enterprise.public_id), enterprise.name),
        item_code="X" * 31,
    )


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"all_items": False, "item_codes": []}, "GRANT_ITEMS_REQUIRED"),
        ({"all_items": False, "item_codes": ["abc"]}, "INVALID_ITEM_CODE"),
        ({"all_items": False, "item_codes": ["1" * 31]}, "UNKNOWN_ITEM_CODE"),
        ({"valid_until": timezone.localdate}, "INVALID_GRANT_PERIOD"),
        ({"valid_until": lambda: in_days(-1)}, "INVALID_GRANT_PERIOD"),
        ({"valid_until": lambda: in_days(3 * 366 + 1)}, "INVALID_GRANT_PERIOD"),
        ({"agent_document_number": "123"}, "INVALID_RESIDENT_ID"),
    ],
)
def test_bad_grants_are_refused_and_nothing_changes(kwargs, code):
    enterprise, agent = EnterpriseFactory(), PersonFactory()
    kwargs = {k: (v() if callable(v) else v) for k, v in kwargs.items()}
    with pytest.raises(ValidationFailed) as exc:
        grant(enterprise, agent, **kwargs)
    assert exc.value.code == code
    assert not AgentGrant.objects.exists()
    assert not AuditEntry.objects.filter(action="identity.grant_agent").exists()


def test_agent_is_found_by_document_and_name_together():
    enterprise, agent = EnterpriseFactory(), PersonFactory()
    with pytest.raises(NotFound) as exc:
        grant(enterprise, agent, agent_name="别人")
    assert exc.value.code == "AGENT_NOT_FOUND"
    with pytest.raises(NotFound):
        grant(enterprise, agent, agent_document_type=DocumentType.PASSPORT, agent_document_number="E12345678")
    assert not AgentGrant.objects.exists()


def test_only_the_legal_representative_grants_and_not_to_himself():
    enterprise, agent, stranger = EnterpriseFactory(), PersonFactory(), PersonFactory()
    with pytest.raises(NotFound):
        grant(enterprise, agent, actor=stranger)
    with pytest.raises(ValidationFailed) as exc:
        grant(enterprise, enterprise.legal_representative)
    assert exc.value.code == "GRANT_TO_SELF"
    assert not AgentGrant.objects.exists()


def test_one_live_grant_per_agent():
    enterprise, agent = EnterpriseFactory(), PersonFactory()
    grant(enterprise, agent)
    with pytest.raises(Conflict):
        grant(enterprise, agent)
    assert AgentGrant.objects.count() == 1


def test_revoke_takes_effect_at_once_and_only_by_the_legal_representative():
    enterprise, agent = EnterpriseFactory(), PersonFactory()
    g = grant(enterprise, agent)
    with pytest.raises(NotFound):
        agents.revoke_grant(actor=agent, grant=g)
    g.refresh_from_db()
    assert g.revoked_at is None
    agents.revoke_grant(actor=enterprise.legal_representative, grant=g)
    g.refresh_from_db()
    assert g.revoked_by == enterprise.legal_representative
    assert agents.grant_status(g) == "已撤销"
    assert list(selectors.grants_to(agent)) == []
    with pytest.raises(Conflict):
        agents.revoke_grant(actor=enterprise.legal_representative, grant=g)
    assert AuditEntry.objects.filter(action="identity.revoke_grant").count() == 1
    # and a new grant can be made after revoking
    assert grant(enterprise, agent).pk != g.pk


def test_grants_of_is_scoped_to_the_legal_representative():
    enterprise, agent = EnterpriseFactory(), PersonFactory()
    grant(enterprise, agent)
    assert selectors.grants_of(person=enterprise.legal_representative, enterprise=enterprise).count() == 1
    assert selectors.grants_of(person=agent, enterprise=enterprise).count() == 0
    with pytest.raises(NotFound):
        selectors.enterprise_of_legal_rep(person=agent, enterprise_id=enterprise.public_id)


# ---------------------------------------------------------------------------------------------
# Principals, current_principal, act_as
# ---------------------------------------------------------------------------------------------


def test_principals_are_self_represented_granted_enterprises_and_wards():
    me = PersonFactory()
    mine = EnterpriseFactory(legal_representative=me)
    theirs = EnterpriseFactory()
    grant(theirs, me)
    child = PopulationRecordFactory(born=years_ago(8), guardian_index=me.document_index)
    agents.link_ward(
        guardian=me,
        ward_document_type="resident_id",
        ward_document_number=child.document_number,
        ward_name=child.name,
    )
    kinds = [(p.kind, p.name) for p in agents.principals_of(me)]
    assert kinds == [
        ("self", me.name),
        ("enterprise", mine.name),
        ("enterprise", theirs.name),
        ("ward", child.name),
    ]


def test_expired_grant_is_no_longer_a_principal():
    enterprise, agent = EnterpriseFactory(), PersonFactory()
    grant(enterprise, agent, valid_until=in_days(1))
    assert len(agents.principals_of(agent)) == 2
    with time_machine.travel(timezone.now() + dt.timedelta(days=3)):
        assert [p.kind for p in agents.principals_of(agent)] == ["self"]


def test_act_as_records_actor_and_principal_and_current_principal_follows():
    enterprise, agent = EnterpriseFactory(), PersonFactory()
    grant(enterprise, agent)
    request = request_for(agent.user)
    principal = agents.act_as(request=request, kind="enterprise", public_id=str(enterprise.public_id))
    assert agents.current_principal(request) == principal
    entry = AuditEntry.objects.get(action="identity.act_as")
    assert (entry.actor, entry.acting_for) == (f"user:{agent.user.pk}", f"enterprise:{enterprise.public_id}")
    # back to self
    assert agents.act_as(request=request, kind="self", public_id=str(agent.public_id)).kind == "self"
    assert sessions.ACTING_FOR not in request.session


def test_revoked_grant_sends_the_agent_back_to_self_on_the_next_use():
    enterprise, agent = EnterpriseFactory(), PersonFactory()
    g = grant(enterprise, agent)
    request = request_for(agent.user)
    agents.act_as(request=request, kind="enterprise", public_id=str(enterprise.public_id))
    agents.revoke_grant(actor=enterprise.legal_representative, grant=g)
    current = agents.current_principal(request)
    assert (current.kind, current.public_id) == ("self", str(agent.public_id))
    assert sessions.ACTING_FOR not in request.session


def test_forged_session_value_is_ignored():
    enterprise, stranger = EnterpriseFactory(), PersonFactory()
    request = request_for(
        stranger.user, acting={"kind": "enterprise", "public_id": str(enterprise.public_id)}
    )
    assert agents.current_principal(request).kind == "self"
    request = request_for(stranger.user, acting="garbage")
    assert agents.current_principal(request).kind == "self"


def test_cannot_act_for_an_enterprise_without_a_grant():
    enterprise, stranger = EnterpriseFactory(), PersonFactory()
    request = request_for(stranger.user)
    with pytest.raises(NotFound):
        agents.act_as(request=request, kind="enterprise", public_id=str(enterprise.public_id))
    assert sessions.ACTING_FOR not in request.session
    assert not AuditEntry.objects.filter(action="identity.act_as").exists()


def test_staff_cannot_switch():
    from tests.identity.factories import StaffFactory

    staff = StaffFactory()
    with pytest.raises(PermissionDenied):
        agents.act_as(request=request_for(staff.user), kind="self", public_id="x")
    assert agents.current_principal(request_for(staff.user)).name == staff.name


# ---------------------------------------------------------------------------------------------
# Guardianship
# ---------------------------------------------------------------------------------------------


def test_guardian_adds_a_minor_named_in_the_registry_without_a_login():
    guardian = PersonFactory()
    child = PopulationRecordFactory(born=years_ago(6), guardian_index=guardian.document_index, name="小明")
    link = agents.link_ward(
        guardian=guardian,
        ward_document_type="resident_id",
        ward_document_number=child.document_number,
        ward_name="小明",
    )
    assert link.ward.user is None
    assert link.ward.birth_date == child.birth_date
    assert list(selectors.wards_of(guardian)) == [link.ward]
    with pytest.raises(Conflict):
        agents.link_ward(
            guardian=guardian,
            ward_document_type="resident_id",
            ward_document_number=child.document_number,
            ward_name="小明",
        )
    assert AuditEntry.objects.get(action="identity.link_ward").acting_for == f"ward:{link.ward.public_id}"


@pytest.mark.parametrize("case", ["not_guardian", "adult", "wrong_name"])
def test_ward_must_be_a_minor_naming_the_guardian(case):
    guardian, other = PersonFactory(), PersonFactory()
    child = PopulationRecordFactory(
        born=years_ago(20 if case == "adult" else 6),
        guardian_index=(other if case == "not_guardian" else guardian).document_index,
    )
    with pytest.raises(NotFound):
        agents.link_ward(
            guardian=guardian,
            ward_document_type="resident_id",
            ward_document_number=child.document_number,
            ward_name="别人" if case == "wrong_name" else child.name,
        )
    assert not Guardianship.objects.exists()
    assert Person.objects.count() == 2


def test_ward_turning_18_stops_being_a_principal():
    guardian = PersonFactory()
    born = years_ago(17)
    child = PopulationRecordFactory(born=born, guardian_index=guardian.document_index)
    agents.link_ward(
        guardian=guardian,
        ward_document_type="resident_id",
        ward_document_number=child.document_number,
        ward_name=child.name,
    )
    assert [p.kind for p in agents.principals_of(guardian)] == ["self", "ward"]
    with time_machine.travel(timezone.now() + dt.timedelta(days=366)):
        assert [p.kind for p in agents.principals_of(guardian)] == ["self"]
