"""Reads scoped by the actor: applicants see their own cases and those of enterprises they act for;
staff see their department's cases; supervisors see overdue cases of their region."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.cases.conftest import grant, member
from tests.cases.helpers import accepted, submit
from tests.catalog.factories import DepartmentFactory, ImplementationItemFactory
from zwfw.cases import selectors, services
from zwfw.cases.models import ItemStep
from zwfw.core.errors import NotFound
from zwfw.identity.models import StaffRole

pytestmark = pytest.mark.django_db


def pks(qs):
    return sorted(c.pk for c in qs)


def test_applicants_see_their_own_and_their_enterprises_cases(applicant, stranger, enterprise, item):
    rep = enterprise.legal_representative
    own = submit(applicant, item, key="own")
    company = submit(rep, item, key="company", enterprise=enterprise)
    rep_private = submit(rep, item, key="private")
    assert pks(selectors.cases_of_applicant(applicant)) == [own.pk]
    assert pks(selectors.cases_of_applicant(rep)) == sorted([company.pk, rep_private.pk])
    assert pks(selectors.cases_of_applicant(stranger)) == []
    with pytest.raises(NotFound):
        selectors.case_of_applicant(person=stranger, public_id=own.public_id)
    with pytest.raises(NotFound):
        selectors.case_of_applicant(person=applicant, public_id="not-a-uuid")
    assert selectors.case_of_applicant(person=applicant, public_id=str(own.public_id)).pk == own.pk

    live = grant(enterprise, stranger, all_items=False, item_codes=[item.code])
    assert pks(selectors.cases_of_applicant(stranger)) == [company.pk]  # not the rep's private case
    live.item_codes = ["another-item"]
    live.save()
    assert pks(selectors.cases_of_applicant(stranger)) == []
    live.all_items = True
    live.revoked_at = timezone.now()
    live.save()
    assert pks(selectors.cases_of_applicant(stranger)) == []
    expired = grant(enterprise, stranger, days=1)
    assert pks(selectors.cases_of_applicant(stranger)) == [company.pk]
    assert pks(selectors.cases_of_applicant(stranger, now=expired.valid_until + dt.timedelta(seconds=1))) == []


def test_an_agent_whose_grant_ended_can_no_longer_act(applicant, enterprise, item):
    live = grant(enterprise, applicant)
    case = submit(applicant, item, key="agent", enterprise=enterprise)
    live.revoked_at = timezone.now()
    live.save()
    with pytest.raises(NotFound):
        services.withdraw(actor=applicant.user, case=case)
    assert case.__class__.objects.get(pk=case.pk).status == "submitted"


def test_staff_queues_are_scoped_to_department_and_role(applicant, item, staff, department, other_department):
    waiting = submit(applicant, item, key="waiting")
    in_progress = accepted(applicant, item, staff, key="accepted")
    services.save_draft(actor=applicant.user, item=item, form_data={})
    assert pks(selectors.queue_for_staff(staff["clerk"].user)) == [waiting.pk]
    assert pks(selectors.queue_for_staff(staff["approver"].user)) == [in_progress.pk]
    assert pks(selectors.queue_for_staff(staff["head"].user)) == []
    for outsider in ("other_clerk", "other_approver", "supervisor"):
        assert pks(selectors.queue_for_staff(staff[outsider].user)) == []
        assert pks(selectors.cases_of_staff(staff[outsider].user)) == []
        with pytest.raises(NotFound):
            selectors.case_of_staff(user=staff[outsider].user, public_id=waiting.public_id)
    assert pks(selectors.cases_of_staff(staff["head"].user)) == sorted([waiting.pk, in_progress.pk])
    assert pks(selectors.queue_for_staff(applicant.user)) == []
    assert [s.kind for s in selectors.active_steps_for(staff["approver"].user, in_progress)] == ["decision"]
    assert list(selectors.active_steps_for(staff["other_approver"].user, in_progress)) == []


def test_joint_steps_show_the_case_to_the_assisting_department(applicant, department, other_department, staff):
    item = ImplementationItemFactory(department=department, region_code="330100", legal_limit_days=20,
                                     promised_limit_days=10)
    ItemStep.objects.create(item=item, stage=1, kind="review", department=other_department, role=StaffRole.APPROVER)
    case = accepted(applicant, item, staff)
    assert pks(selectors.queue_for_staff(staff["other_approver"].user)) == [case.pk]
    assert selectors.case_of_staff(user=staff["other_approver"].user, public_id=case.public_id).pk == case.pk
    assert pks(selectors.queue_for_staff(staff["approver"].user)) == []  # the decision waits for the review


def test_supervisor_sees_overdue_cases_of_the_region(applicant, item, staff):
    case = accepted(applicant, item, staff)  # promised due 2026-02-27
    elsewhere = ImplementationItemFactory(department=DepartmentFactory(region_code="310000"), region_code="310000",
                                          legal_limit_days=20, promised_limit_days=5)
    clerk_sh = member(elsewhere.department, StaffRole.WINDOW_CLERK, region_code="310000")
    other = services.accept(actor=clerk_sh.user, case=submit(applicant, elsewhere, key="sh"),
                            now=case.accepted_at)
    supervisor = staff["supervisor"].user
    assert pks(selectors.overdue_cases(supervisor, today=dt.date(2026, 2, 27))) == []
    assert pks(selectors.overdue_cases(supervisor, today=dt.date(2026, 2, 28))) == [case.pk]
    assert pks(selectors.overdue_cases(staff["approver"].user, today=dt.date(2026, 2, 28))) == []
    services.decide(actor=staff["approver"].user, case=case, approve=True)
    assert pks(selectors.overdue_cases(supervisor, today=dt.date(2026, 2, 28))) == []
    assert other.region_code == "310000"
