"""Reads of cases, always scoped by who asks: a case the actor may not see is simply not found (404).

Applicants see their own cases (filed for themselves) and the cases of enterprises they act for:
as legal representative, or as an agent with a live grant covering the item (all items, or the
item's code). Staff see the cases of their department and those with a step assigned to it;
the work queue lists only what waits for one of their roles.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from zwfw.cases.models import Case, CaseStep, StepStatus
from zwfw.cases.states import CLOCK_STATES, CaseStatus
from zwfw.core.errors import NotFound
from zwfw.identity.models import Person, StaffRole
from zwfw.identity.selectors import enterprises_represented_by, grants_to
from zwfw.identity.staff import roles_of, staff_of, staff_scope

_RELATED = ("item", "department", "applicant", "enterprise")


def cases_of_applicant(person: Person, *, now: dt.datetime | None = None) -> QuerySet[Case]:
    """我的办件: own cases and those of the enterprises the person legally acts for."""
    visible = Q(applicant=person, enterprise__isnull=True) | Q(enterprise__in=enterprises_represented_by(person))
    for grant in grants_to(person, now=now):
        if grant.all_items:
            visible |= Q(enterprise=grant.enterprise_id)
        elif grant.item_codes:
            visible |= Q(enterprise=grant.enterprise_id, item__code__in=list(grant.item_codes))
    return Case.objects.filter(visible).select_related(*_RELATED).order_by("-created_at", "-id")


def _uuid(value: object) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        return None


def case_of_applicant(*, person: Person, public_id: object) -> Case:
    key = _uuid(public_id)
    case = None if key is None else cases_of_applicant(person).filter(public_id=key).first()
    if case is None:
        raise NotFound("CASE_NOT_FOUND", "未找到该办件")
    return case


def cases_of_staff(user: Any) -> QuerySet[Case]:
    """Every case a staff member's department handles or has a step in (drafts excluded)."""
    staff = staff_of(user)
    if staff is None or staff.department_id is None:
        return Case.objects.none()
    in_steps = CaseStep.objects.filter(department_id=staff.department_id).values("case_id")
    return (
        Case.objects.exclude(status=CaseStatus.DRAFT)
        .filter(Q(department_id=staff.department_id) | Q(pk__in=in_steps))
        .select_related(*_RELATED)
        .order_by("-submitted_at", "-id")
    )


def case_of_staff(*, user: Any, public_id: object) -> Case:
    key = _uuid(public_id)
    case = None if key is None else cases_of_staff(user).filter(public_id=key).first()
    if case is None:
        raise NotFound("CASE_NOT_FOUND", "未找到该办件")
    return case


def queue_for_staff(user: Any) -> QuerySet[Case]:
    """待办: for window clerks, submitted cases of their department awaiting pre-review; for any role,
    cases with an active step of their department and role."""
    staff = staff_of(user)
    if staff is None or staff.department_id is None:
        return Case.objects.none()
    roles = roles_of(user)
    waiting = Q(pk__in=CaseStep.objects.filter(
        department_id=staff.department_id, role__in=list(roles), status=StepStatus.ACTIVE
    ).values("case_id"), status__in=list(CLOCK_STATES))
    if StaffRole.WINDOW_CLERK in roles:
        waiting |= Q(department_id=staff.department_id, status=CaseStatus.SUBMITTED)
    return Case.objects.filter(waiting).select_related(*_RELATED).order_by("promised_due_on", "received_on", "id")


def active_steps_for(user: Any, case: Case) -> QuerySet[CaseStep]:
    """The steps of ``case`` the user may act on now."""
    staff = staff_of(user)
    if staff is None or staff.department_id is None:
        return CaseStep.objects.none()
    return CaseStep.objects.filter(case=case, department_id=staff.department_id, role__in=list(roles_of(user)),
                                   status=StepStatus.ACTIVE)


def overdue_cases(user: Any, *, today: dt.date | None = None) -> QuerySet[Case]:
    """超期办件 for a supervisor (效能监督人员) within their region: running cases past the promised due date."""
    scope = staff_scope(user)
    if scope is None or StaffRole.SUPERVISOR not in scope.roles:
        return Case.objects.none()
    today = today or timezone.localdate()
    cases = Case.objects.filter(status__in=list(CLOCK_STATES), clock_stopped=False, promised_due_on__lt=today)
    if StaffRole.PLATFORM_ADMIN not in scope.roles:
        own = scope.region_code
        prefix = own[:2] if own.endswith("0000") else own[:4] if own.endswith("00") else own
        cases = cases.filter(region_code__startswith=prefix)
    return cases.select_related(*_RELATED).order_by("promised_due_on", "id")
