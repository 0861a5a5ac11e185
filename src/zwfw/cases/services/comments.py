"""Internal comments (内部意见, seen by staff only) and reassignment (改派) of a pre-review or a step."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from zwfw.appointments.selectors import hall_departments_of
from zwfw.cases.models import Case, CaseComment, CaseStep, StepKind, StepStatus
from zwfw.cases.services._common import _event, _label, _locked, _text
from zwfw.cases.states import CaseStatus
from zwfw.core import audit
from zwfw.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from zwfw.identity.models import StaffRole
from zwfw.identity.staff import has_role, staff_of


def _check_case_staff(actor: Any, case: Case) -> None:
    """Staff of the case's department, of a department with a step in it, or a clerk of its hall."""
    staff = staff_of(actor)
    if staff is None or staff.department_id is None:
        raise PermissionDenied("CASE_OTHER_DEPARTMENT", "只有办理部门的工作人员可以进行此操作")
    if staff.department_id == case.department_id or CaseStep.objects.filter(
        case=case, department_id=staff.department_id
    ).exists():
        return
    if has_role(actor, StaffRole.WINDOW_CLERK) and hall_departments_of(actor).filter(pk=case.department_id).exists():
        return
    raise PermissionDenied("CASE_OTHER_DEPARTMENT", "只有办理部门的工作人员可以进行此操作")


def add_comment(*, actor: Any, case: Case, text: Any, now: dt.datetime | None = None) -> CaseComment:
    """内部意见: seen by staff only, never by the applicant."""
    body = _text(text, field="text", what="意见内容", limit=1000)
    now = now or timezone.now()
    with transaction.atomic():
        case = _locked(case)
        _check_case_staff(actor, case)
        if case.status == CaseStatus.DRAFT:
            raise NotFound("CASE_NOT_FOUND", "未找到该办件")
        comment = CaseComment.objects.create(case=case, author=actor, author_label=_label(actor), text=body,
                                             created_at=now)
        audit.record(actor=_label(actor), action="cases.comment", object_type="cases.Case", object_id=case.pk,
                     details={"number": case.number or "", "comment": comment.pk})
        return comment


def reassign(*, actor: Any, case: Case, to_user: Any, step: CaseStep | None = None,
             now: dt.datetime | None = None) -> Case:
    """改派: the department administrator hands the pre-review (a submitted case) or an active step to
    another member of the department who holds the needed role; then only that person acts on it."""
    now = now or timezone.now()
    with transaction.atomic():
        case = _locked(case)
        department_id = step.department_id if step is not None else case.department_id
        staff = staff_of(actor)
        if staff is None or staff.department_id != department_id:
            raise PermissionDenied("CASE_OTHER_DEPARTMENT", "只有本部门工作人员可以改派该办件")
        if not has_role(actor, StaffRole.DEPARTMENT_ADMIN):
            raise PermissionDenied("CASE_ROLE_REQUIRED", "只有部门管理员可以改派办件")
        target = staff_of(to_user)
        role = step.role if step is not None else StaffRole.WINDOW_CLERK
        if target is None or target.department_id != department_id or not has_role(to_user, role):
            raise ValidationFailed("CASE_ASSIGNEE_INVALID", f"只能改派给本部门具有“{StaffRole(role).label}”角色的工作人员",
                                   details={"field": "to_staff"})
        if step is not None:
            step = CaseStep.objects.select_for_update().get(pk=step.pk, case=case)
            if step.status != StepStatus.ACTIVE:
                raise Conflict("CASE_STEP_NOT_ACTIVE", "只能改派正在办理的环节", details={"step": step.pk})
            step.assignee = to_user
            step.save(update_fields=["assignee"])
            what = f"{StepKind(step.kind).label}环节"
        else:
            if case.status != CaseStatus.SUBMITTED:
                raise Conflict("CASE_TRANSITION_NOT_ALLOWED", "只有待预审的办件可以改派受理人员",
                               details={"status": case.status})
            case.assignee = to_user
            case.save(update_fields=["assignee", "updated_at"])
            what = "预审受理"
        _event(case, action="reassign", before=case.status, actor=_label(actor), note=f"{what}改派给{target.name}", now=now)
        return case
