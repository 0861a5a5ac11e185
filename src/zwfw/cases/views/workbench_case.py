"""A case on the staff workbench: its page with the action forms its status and the user's roles
allow, the actions themselves, and its materials and documents."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from zwfw.cases import clock, selectors, services, web
from zwfw.cases.models import Case, Procedure, StepKind
from zwfw.cases.states import CLOCK_STATES, CaseStatus
from zwfw.cases.views._common import (
    DELIVERY_WORDS,
    _applicant_name,
    _case_material,
    _redirect,
    _require_staff,
    _rows_with_deadlines,
    _timeline,
)
from zwfw.cases.views.application_form import _item_form, _materials, _shown_form
from zwfw.core.errors import DomainError, NotFound, ValidationFailed
from zwfw.core.pages import error_page
from zwfw.identity.models import StaffMember, StaffRole
from zwfw.identity.staff import roles_of, staff_of
from zwfw.licenses.models import LicenseType

CORRECTION_ROWS = 5  # empty rows offered in the 一次性告知 form
ROLE_WORDS = dict(StaffRole.choices)


def _case_for_staff(request: HttpRequest, public_id: str) -> Case:
    _require_staff(request.user)
    return selectors.case_of_staff(user=request.user, public_id=public_id)


def _allowed(user: Any, case: Case) -> dict[str, Any]:
    """Which action forms to offer (the services check again; this only keeps buttons that would fail
    for the user's role or the case's status off the page)."""
    staff = staff_of(user)
    roles = roles_of(user)
    own = staff is not None and staff.department_id == case.department_id
    running = case.status in CLOCK_STATES
    clock_role = bool({StaffRole.APPROVER, StaffRole.DEPARTMENT_ADMIN} & roles)
    steps = [step for step in selectors.active_steps_for(user, case).select_related("department")
             if step.assignee_id in (None, user.pk)]
    return {
        "prereview": case.status == CaseStatus.SUBMITTED and StaffRole.WINDOW_CLERK in roles
        and case.assignee_id in (None, user.pk),
        "steps": steps,
        "stop": running and own and clock_role and not case.clock_stopped,
        "resume": running and own and clock_role and case.clock_stopped,
        "extend": running and own and case.extended_days == 0 and StaffRole.DEPARTMENT_ADMIN in roles,
        "complete": case.status in (CaseStatus.APPROVED, CaseStatus.DISAPPROVED) and (
            (own and bool({StaffRole.APPROVER, StaffRole.WINDOW_CLERK} & roles))
            or services.serves_at_window(user, case.department_id)),
    }


def _result_fields(case: Case) -> list[dict[str, Any]]:
    """Surface fields of the result licence the approver fills in (not from the form or the holder)."""
    code = case.item.result_license_type_code
    license_type = LicenseType.objects.filter(code=code).first() if code else None
    if license_type is None:
        return []
    return [field for field in license_type.fields
            if field["key"] not in case.form_data and field["key"] not in ("holder_name", "holder_id")]


def _author_name(comment: Any) -> str:
    staff = staff_of(comment.author)
    return staff.name if staff is not None else comment.author_label


def _staff_page(request: HttpRequest, case: Case, context: dict[str, Any] | None = None,
                status: int = 200) -> HttpResponse:
    context = dict(context or {})
    today = timezone.localdate()
    state = None
    if case.accepted_on is not None:
        try:
            state = services.clock_of(case, today=today)
        except DomainError:
            state = None
    posted = context.setdefault("posted", {})
    rows = posted.get("rows") or []
    context.update(
        case=case,
        applicant=_applicant_name(case, mask=False),
        shown=_shown_form(_item_form(case.item), case.form_data),
        materials=_materials(case.item, case),
        notices=list(case.correction_notices.order_by("issued_at", "id")),
        steps=[(step, ROLE_WORDS.get(step.role, step.role))
               for step in case.steps.select_related("department").order_by("stage", "id")],
        ledger=list(case.clock_entries.order_by("seq")),
        clock_state=state,
        deadline=_rows_with_deadlines([case], mask=False)[0]["deadline"],
        timeline=_timeline(case, staff=True),
        documents=list(selectors.documents_of(case)),
        allowed=_allowed(request.user, case),
        procedures=Procedure.choices,
        deliveries=list(DELIVERY_WORDS.items()),
        correction_rows=rows + [{"material": "", "reason": ""}] * max(1, CORRECTION_ROWS - len(rows)),
        result_fields=_result_fields(case),
        max_extension=clock.MAX_EXTENSION_DAYS,
        done=request.GET.get("done", "")[:30],
        decision=getattr(case, "decision", None) if case.decided_at else None,
        delivery_word=DELIVERY_WORDS.get(case.delivery_method, ""),
        step_kinds=dict(StepKind.choices),
        comments=[{"created_at": c.created_at, "text": c.text, "author_name": _author_name(c)}
                  for c in case.comments.select_related("author__staff").order_by("created_at", "id")],
        reassign=_reassign_targets(request.user, case),
    )
    return render(request, "cases/workbench_detail.html", context, status=status)


@require_safe
@login_required
def workbench_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    try:
        case = _case_for_staff(request, public_id)
    except DomainError as exc:
        return error_page(request, exc)
    return _staff_page(request, case)


def _step_of(case: Case, raw: str) -> Any:
    step = case.steps.filter(pk=int(raw) if raw.isascii() and raw.isdigit() else 0).first()
    if step is None:
        raise NotFound("CASE_STEP_NOT_FOUND", "未找到该审批环节")
    return step


def _correction_rows(request: HttpRequest) -> list[dict[str, str]]:
    materials, reasons = request.POST.getlist("material"), request.POST.getlist("reason")
    rows = [{"material": m.strip(), "reason": r.strip()} for m, r in zip(materials, reasons, strict=False)]
    return [row for row in rows if row["material"] or row["reason"]][:services.MAX_MATERIALS]


def _days(raw: str) -> int | str:
    return int(raw) if raw.strip().isascii() and raw.strip().isdigit() and len(raw.strip()) < 4 else raw


def _act(user: Any, case: Case, action: str, post: Any, rows: list[dict[str, str]]) -> str:
    """Run one workbench action; returns the word shown after it."""
    reason = post.get("reason", "")
    if action == "accept":
        services.accept(actor=user, case=case)
    elif action == "refuse":
        services.refuse(actor=user, case=case, reason=reason)
    elif action == "corrections":
        services.request_corrections(actor=user, case=case, items=rows)
    elif action == "approve_step":
        step = _step_of(case, post.get("step", ""))
        services.approve_step(actor=user, step=step, opinion=post.get("opinion", ""))
    elif action == "refuse_step":
        services.refuse_step(actor=user, step=_step_of(case, post.get("step", "")), reason=reason)
    elif action == "approve":
        surface = {key.removeprefix("s_"): str(post.get(key, "")).strip() for key in post
                   if key.startswith("s_") and str(post.get(key, "")).strip()}
        services.decide(actor=user, case=case, approve=True, license_surface=surface or None)
    elif action == "disapprove":
        services.decide(actor=user, case=case, approve=False, reason=reason)
    elif action == "stop_clock":
        services.stop_clock(actor=user, case=case, procedure=post.get("procedure", ""), reason=reason)
    elif action == "resume_clock":
        services.resume_clock(actor=user, case=case)
    elif action == "extend":
        services.extend_limit(actor=user, case=case, days=_days(post.get("days", "")), reason=reason)
    elif action == "complete":
        services.complete(actor=user, case=case, delivery_method=post.get("delivery_method", ""),
                          address=post.get("address", ""))
    elif action == "comment":
        services.add_comment(actor=user, case=case, text=post.get("text", ""))
    elif action == "reassign":
        raw_step = post.get("step", "")
        step = _step_of(case, raw_step) if raw_step else None
        department_id = step.department_id if step is not None else case.department_id
        try:
            chosen = uuid.UUID(str(post.get("to_staff", "")))
        except ValueError:
            chosen = None
        target = StaffMember.objects.filter(public_id=chosen, department_id=department_id).select_related(
            "user").first() if chosen else None
        if target is None:
            raise ValidationFailed("CASE_ASSIGNEE_INVALID", "请选择本部门的工作人员", details={"field": "to_staff"})
        services.reassign(actor=user, case=case, to_user=target.user, step=step)
    else:
        raise ValidationFailed("CASE_ACTION_UNKNOWN", "不支持的操作", details={"field": "action"})
    return action


def _reassign_targets(user: Any, case: Case) -> list[dict[str, Any]]:
    """What a department administrator may hand to whom: the pre-review of a submitted case, and each
    active step of their department, to members holding the role it needs."""
    staff = staff_of(user)
    if staff is None or StaffRole.DEPARTMENT_ADMIN not in roles_of(user):
        return []
    targets = []
    if case.status == CaseStatus.SUBMITTED and staff.department_id == case.department_id:
        targets.append({"step": None, "label": _("预审受理"), "role": StaffRole.WINDOW_CLERK})
    for step in case.steps.filter(status="active", department_id=staff.department_id):
        targets.append({"step": step, "label": f"{StepKind(step.kind).label}环节", "role": step.role})
    for target in targets:
        target["members"] = list(StaffMember.objects.filter(
            department_id=staff.department_id, role_grants__role=target["role"]).order_by("name")[:100])
    return [target for target in targets if target["members"]]


@require_POST
@login_required
def workbench_act(request: HttpRequest, public_id: str) -> HttpResponse:
    """One action on a case (``action``: accept, refuse, corrections, approve_step, refuse_step, approve,
    disapprove, stop_clock, resume_clock, extend, complete, comment, reassign)."""
    try:
        case = _case_for_staff(request, public_id)
    except DomainError as exc:
        return error_page(request, exc)
    action = request.POST.get("action", "")
    rows = _correction_rows(request) if action == "corrections" else []
    try:
        done = _act(request.user, case, action, request.POST, rows)
    except DomainError as exc:
        posted = {"action": action, "rows": rows, "reason": request.POST.get("reason", "")[:1000],
                  "text": request.POST.get("text", "")[:1000],
                  "step": request.POST.get("step", "")}
        return _staff_page(request, case, {"error": exc, "posted": posted}, exc.status)
    return _redirect("workbench_detail", case.public_id, done=done)


@require_safe
@login_required
def workbench_material(request: HttpRequest, public_id: str, material_id: int) -> HttpResponse:
    try:
        case = _case_for_staff(request, public_id)
        return web.file_response(_case_material(case, material_id))
    except DomainError as exc:
        return error_page(request, exc)


@require_safe
@login_required
def workbench_document(request: HttpRequest, public_id: str, document_id: str) -> HttpResponse:
    try:
        case = _case_for_staff(request, public_id)
        return web.document_response(case, document_id)
    except DomainError as exc:
        return error_page(request, exc)
