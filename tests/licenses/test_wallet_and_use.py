"""The wallet (我的证照) scoped by whom one acts for; 用证授权 and 用证记录."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.identity.factories import EnterpriseFactory, PersonFactory
from zwfw.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from zwfw.identity import agents
from zwfw.identity.agents import Principal
from zwfw.licenses import selectors, services
from zwfw.licenses.catalogue import ensure_license_types
from zwfw.licenses.models import LicenseType, LicenseUse

pytestmark = pytest.mark.django_db


def me(person) -> Principal:
    return Principal(kind="self", public_id=str(person.public_id), name=person.name)


@pytest.fixture
def issued(seal, people, department):
    ensure_license_types()
    issuer = services.Issuer(user=people["approver"].user)
    alice, bob = PersonFactory(), PersonFactory()
    residence = LicenseType.objects.get(name="居住证")
    licence = services.issue_license(
        issuer=issuer, license_type=residence, department=department, holder=alice, surface={"issue_date": "2026-12-01"}
    )
    services.issue_license(
        issuer=issuer, license_type=residence, department=department, holder=bob, surface={"issue_date": "2026-12-01"}
    )
    return alice, bob, licence


def test_a_citizen_sees_only_their_own_licences(issued):
    alice, bob, licence = issued
    assert list(selectors.licenses_of(person=alice, principal=me(alice))) == [licence]
    assert licence not in selectors.licenses_of(person=bob, principal=me(bob))
    with pytest.raises(NotFound):
        selectors.license_of(person=bob, principal=me(bob), identifier=licence.identifier)
    # pretending to act for alice does not help bob
    assert licence not in selectors.licenses_of(person=bob, principal=me(alice))
    assert not selectors.licenses_of(
        person=bob, principal=Principal(kind="ward", public_id=str(alice.public_id), name="x")
    ).exists()


def test_an_agent_with_an_all_items_grant_sees_the_enterprises_licences(seal, people, department):
    ensure_license_types()
    enterprise = EnterpriseFactory()
    agent, stranger = PersonFactory(), PersonFactory()
    agents.grant_agent(
        actor=enterprise.legal_representative, enterprise=enterprise, agent_document_type="resident_id",
        agent_document_number=agent.document_number, agent_name=agent.name, all_items=True,
        valid_until=timezone.localdate() + dt.timedelta(days=30),
    )
    licence = services.issue_license(
        issuer=services.Issuer(user=people["approver"].user), license_type=LicenseType.objects.get(name="建筑业企业资质证书"),
        department=department, holder=enterprise,
        surface={"legal_representative": enterprise.legal_representative.name, "qualification": "施工总承包二级",
                 "certificate_no": "D233000001", "issue_date": "2026-12-01"},
    )
    as_enterprise = Principal(kind="enterprise", public_id=str(enterprise.public_id), name=enterprise.name)
    assert list(selectors.licenses_of(person=agent, principal=as_enterprise)) == [licence]
    assert list(selectors.licenses_of(person=enterprise.legal_representative, principal=as_enterprise)) == [licence]
    assert not selectors.licenses_of(person=stranger, principal=as_enterprise).exists()


def test_a_department_fetches_only_with_the_holders_grant_and_each_use_is_recorded(issued, people, other_department):
    alice, _, licence = issued
    staff = people["other_approver"].user  # of other_department
    # without a grant: the same answer as for no licence
    with pytest.raises(NotFound):
        services.fetch_for_use(actor=staff, identifier=licence.identifier, purpose="办理入学")
    assert LicenseUse.objects.count() == 0
    # the holder authorises the department until tomorrow
    grant = services.authorise_use(
        person=alice, license=licence, department=other_department, purpose="办理子女入学",
        valid_until=timezone.now() + dt.timedelta(days=1),
    )
    fetched = services.fetch_for_use(actor=staff, identifier=licence.identifier, purpose="办理子女入学")
    assert fetched.surface["holder_name"] == alice.name
    use = LicenseUse.objects.get()
    assert (use.department, use.purpose, use.channel, use.grant) == (other_department, "办理子女入学", "api", grant)
    assert list(selectors.uses_of(licence)) == [use]
    # a citizen cannot fetch; after revocation the department cannot either
    with pytest.raises(PermissionDenied):
        services.fetch_for_use(actor=alice.user, identifier=licence.identifier, purpose="x")
    services.revoke_use_grant(person=alice, grant=grant)
    with pytest.raises(NotFound):
        services.fetch_for_use(actor=staff, identifier=licence.identifier, purpose="再次调取")
    assert LicenseUse.objects.count() == 1


def test_a_grant_needs_a_purpose_a_future_end_and_a_valid_licence(issued, people, other_department):
    alice, _, licence = issued
    for purpose, until in (("", timezone.now() + dt.timedelta(days=1)),
                           ("入学", timezone.now() - dt.timedelta(minutes=1)),
                           ("入学", timezone.now() + dt.timedelta(days=400))):
        with pytest.raises(ValidationFailed):
            services.authorise_use(person=alice, license=licence, department=other_department, purpose=purpose, valid_until=until)
    services.change_status(issuer=services.Issuer(user=people["approver"].user), license=licence, action="suspend", reason="暂扣")
    licence.refresh_from_db()
    with pytest.raises(Conflict):
        services.authorise_use(
            person=alice, license=licence, department=other_department, purpose="入学",
            valid_until=timezone.now() + dt.timedelta(days=1),
        )


def test_a_nul_in_an_identifier_names_nothing_on_every_database(issued, people):
    alice, _, _ = issued
    with pytest.raises(NotFound):
        selectors.license_of(person=alice, principal=me(alice), identifier="1.2.156\x00")
    with pytest.raises(NotFound):
        services.fetch_for_use(actor=people["approver"].user, identifier="\x00", purpose="x")
