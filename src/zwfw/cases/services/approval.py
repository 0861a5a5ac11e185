"""Approval steps and the decision: acting on steps, the decision (with the result licence),
completion (办结) with delivery, and withdrawal."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from zwfw.cases import states
from zwfw.cases.models import Case, CaseStep, Decision, DocumentKind, Outcome, StepKind, StepStatus
from zwfw.cases.services._checks import _check_applicant, _check_department_staff, serves_at_window
from zwfw.cases.services._common import _event, _label, _locked, _name, _notify, _text
from zwfw.cases.services.documents import _document
from zwfw.cases.services.prereview import _activate_next_stage
from zwfw.cases.states import CaseStatus
from zwfw.core.errors import Conflict, PermissionDenied, ValidationFailed
from zwfw.identity.models import Enterprise, Person, StaffRole
from zwfw.identity.staff import has_role, staff_of
from zwfw.licenses.models import License, LicenseType
from zwfw.licenses.services import Issuer, issue_license


def _locked_step(step: CaseStep) -> tuple[Case, CaseStep]:
    case = _locked(step.case)
    return case, CaseStep.objects.select_for_update().get(pk=step.pk)


def _check_step(actor: Any, case: Case, step: CaseStep) -> None:
    staff = staff_of(actor)
    if staff is None or staff.department_id != step.department_id:
        raise PermissionDenied("CASE_OTHER_DEPARTMENT", "只有本部门工作人员可以办理该办件")
    if not has_role(actor, step.role):
        raise PermissionDenied("CASE_ROLE_REQUIRED", "您没有办理此环节的权限")
    if step.assignee_id is not None and step.assignee_id != actor.pk:
        raise PermissionDenied("CASE_ASSIGNED_TO_OTHER", "该环节已改派给其他工作人员")
    if case.status not in states.CLOCK_STATES:
        raise Conflict("CASE_TRANSITION_NOT_ALLOWED", "案件未处于审批阶段，不能办理审批环节",
                       details={"status": case.status})
    if step.status != StepStatus.ACTIVE:
        raise Conflict("CASE_STEP_NOT_ACTIVE", "该环节尚未开始或已办理，请按顺序办理", details={"step": step.pk})


def _act_on_step(*, actor: Any, step: CaseStep, approve: bool, opinion: str, now: dt.datetime) -> CaseStep:
    with transaction.atomic():
        case, step = _locked_step(step)
        _check_step(actor, case, step)
        if step.kind == StepKind.DECISION:
            raise Conflict("CASE_DECISION_STEP", "决定环节请作出审批决定")
        if case.clock_stopped:
            raise Conflict("CASE_CLOCK_STOPPED", "计时暂停期间不能办理审批环节，请先恢复计时")
        step.status = StepStatus.APPROVED if approve else StepStatus.REFUSED
        step.opinion, step.acted_by, step.acted_at = opinion, actor, now
        step.save()
        before = case.status
        if case.status == CaseStatus.ACCEPTED:
            states.check(case.status, CaseStatus.IN_REVIEW, action="approve_step")
            case.status = CaseStatus.IN_REVIEW
            case.save(update_fields=["status", "updated_at"])
        _activate_next_stage(case)
        _event(case, action="approve_step" if approve else "refuse_step", before=before, actor=_label(actor),
               note=f"{StepKind(step.kind).label}：{opinion}", now=now)
        return step


def approve_step(*, actor: Any, step: CaseStep, opinion: Any = "", now: dt.datetime | None = None) -> CaseStep:
    """审查/审核 同意; when every parallel step of the stage is done the next stage starts."""
    text = _text(opinion, field="opinion", what="审批意见", required=False)
    return _act_on_step(actor=actor, step=step, approve=True, opinion=text or "同意", now=now or timezone.now())


def refuse_step(*, actor: Any, step: CaseStep, reason: Any, now: dt.datetime | None = None) -> CaseStep:
    """审查/审核 不同意, with the reason; the decision step still decides (seeing the opinion)."""
    text = _text(reason, field="reason", what="不同意的理由")
    return _act_on_step(actor=actor, step=step, approve=False, opinion=text, now=now or timezone.now())


def _issue_result(actor: Any, case: Case, extra: Any) -> License | None:
    """准予: the item's result licence, signed by the department, into the holder's wallet. Its surface
    comes from the form (fields with the licence field's key), the verified identity, and ``extra``
    (what the approver fills in, e.g. a licence number)."""
    code = case.item.result_license_type_code
    if not code:
        return None
    license_type = LicenseType.objects.filter(code=code).first()
    if license_type is None:
        raise Conflict("CASE_RESULT_TYPE_UNKNOWN", "事项的审批结果证照类型未登记，不能签发电子证照")
    if extra is not None and not isinstance(extra, dict):
        raise ValidationFailed("CASE_LICENSE_SURFACE_INVALID", "证照照面信息应为对象", details={"field": "license_surface"})
    keys = {field["key"] for field in license_type.fields}
    surface = {k: v for k, v in case.form_data.items() if k in keys and isinstance(v, str | int) and not isinstance(v, bool)}
    surface.update(extra or {})
    holder: Person | Enterprise = case.enterprise if case.enterprise is not None else case.applicant
    return issue_license(issuer=Issuer(user=actor), license_type=license_type, department=case.department,
                         holder=holder, surface=surface, idempotency_key=f"case:{case.public_id}")


def decide(*, actor: Any, case: Case, approve: bool, reason: Any = "", license_surface: Any = None,
           now: dt.datetime | None = None) -> Decision:
    """审批决定 on the active decision step: 准予 (the result licence is issued into the holder's wallet)
    or 不予 (reason required); once only. The decision document is sealed by the department."""
    text = _text(reason, field="reason", what="不予许可的理由", required=not approve, limit=1000)
    now = now or timezone.now()
    with transaction.atomic():
        case = _locked(case)
        if Decision.objects.filter(case=case).exists():
            raise Conflict("CASE_ALREADY_DECIDED", "该案件已作出决定，不能再次决定")
        step = (CaseStep.objects.select_for_update().filter(case=case, kind=StepKind.DECISION)
                .order_by("-stage").first())
        if step is None:  # steps are made at acceptance
            _check_department_staff(actor, case, StaffRole.APPROVER)
            raise Conflict("CASE_NOT_ACCEPTED", "案件尚未受理，不能审批", details={"status": case.status})
        _check_step(actor, case, step)
        if case.clock_stopped:
            raise Conflict("CASE_CLOCK_STOPPED", "计时暂停期间不能作出决定，请先恢复计时")
        target = CaseStatus.APPROVED if approve else CaseStatus.DISAPPROVED
        states.check(case.status, target, action="decide")
        decision = Decision.objects.create(case=case, outcome=Outcome.APPROVE if approve else Outcome.REFUSE,
                                           reason=text, decided_by=actor, decided_at=now)
        step.status = StepStatus.APPROVED if approve else StepStatus.REFUSED
        step.opinion, step.acted_by, step.acted_at = text or "准予", actor, now
        step.save()
        before = case.status
        case.status = target
        case.decided_at = now
        if approve:
            case.result_license = _issue_result(actor, case, license_surface)
        case.save()
        _event(case, action="decide", before=before, actor=_label(actor), note=text or "准予", now=now)
        if approve:
            result = (f"准予许可，电子证照“{case.result_license.license_type.name}”（{case.result_license.identifier}）"
                      "已发放至你（单位）的电子证照夹。" if case.result_license else "准予许可。")
            _document(case, DocumentKind.APPROVAL, [
                f"你（单位）于{case.received_on:%Y年%m月%d日}提出的“{case.item.name}”申请，经审查，符合法定条件、标准，"
                f"本机关决定{result}",
            ], now=now)
        else:
            _document(case, DocumentKind.DISAPPROVAL, [
                f"你（单位）于{case.received_on:%Y年%m月%d日}提出的“{case.item.name}”申请，经审查，本机关决定不予许可。",
                f"理由：{text}",
                "如不服本决定，可以自收到本决定书之日起六十日内依法申请行政复议，或者六个月内依法提起行政诉讼。",
            ], now=now)
        _notify(case, f"{_name(case)}" + ("已准予。" if approve else f"不予许可，理由：{text}"))
        return decision


DELIVERY_METHODS = ("electronic", "window", "express")


def complete(*, actor: Any, case: Case, delivery_method: str, address: Any = "", now: dt.datetime | None = None) -> Case:
    """办结: record how the result is delivered (electronic, window pickup, express with an address); by an
    approver or window clerk of the department, or a clerk of a hall it sits in (统一窗口出件)."""
    if delivery_method not in DELIVERY_METHODS:
        raise ValidationFailed("CASE_DELIVERY_INVALID", "送达方式只能是电子送达、窗口领取或快递送达",
                               details={"field": "delivery_method"})
    text = _text(address, field="address", what="快递地址", required=delivery_method == "express", limit=300)
    now = now or timezone.now()
    with transaction.atomic():
        case = _locked(case)
        if not serves_at_window(actor, case.department_id):
            _check_department_staff(actor, case, StaffRole.APPROVER, StaffRole.WINDOW_CLERK)
        states.check(case.status, CaseStatus.COMPLETED, action="complete")
        before = case.status
        case.status = CaseStatus.COMPLETED
        case.completed_at = now
        case.delivery_method = delivery_method
        case.delivery_address = text if delivery_method == "express" else ""
        case.save()
        _event(case, action="complete", before=before, actor=_label(actor), note=delivery_method, now=now)
        _notify(case, f"{_name(case)}已办结。")
        return case


def withdraw(*, actor: Any, case: Case, reason: Any = "", now: dt.datetime | None = None) -> Case:
    """撤回, by the applicant, only before a decision."""
    text = _text(reason, field="reason", what="撤回原因", required=False)
    now = now or timezone.now()
    with transaction.atomic():
        case = _locked(case)
        _check_applicant(actor, case)
        states.check(case.status, CaseStatus.WITHDRAWN, action="withdraw")
        before = case.status
        case.status = CaseStatus.WITHDRAWN
        case.withdrawn_at = now
        case.save()
        CaseStep.objects.filter(case=case, status__in=[StepStatus.WAITING, StepStatus.ACTIVE]).update(
            status=StepStatus.SKIPPED
        )
        _event(case, action="withdraw", before=before, actor=_label(actor), note=text, now=now)
        _notify(case, f"{_name(case)}已撤回。")
        return case
