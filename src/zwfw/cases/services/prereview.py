"""Pre-review at the comprehensive window (一窗): corrections (一次性告知) and the applicant's
correction, acceptance with the approval steps and the clock, refusal, and deemed acceptance."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from zwfw.cases import clock, states
from zwfw.cases.models import (
    Case,
    CaseStep,
    ClockEntry,
    ClockKind,
    CorrectionNotice,
    DocumentKind,
    ItemStep,
    StepKind,
    StepStatus,
)
from zwfw.cases.services._checks import SELF_SERVICE_CHANNELS, _check_applicant, _check_clerk, _checked_form
from zwfw.cases.services._common import _event, _label, _locked, _name, _notify, _text, logger
from zwfw.cases.services.documents import _document
from zwfw.cases.services.submission import _check_materials
from zwfw.cases.services.time_limits import _refresh_due_dates
from zwfw.cases.states import CaseStatus
from zwfw.catalog.models import HandlingType
from zwfw.core.calendar import CalendarNotLoaded, as_local_date, current_calendar
from zwfw.core.errors import ValidationFailed
from zwfw.identity.models import StaffRole


def request_corrections(*, actor: Any, case: Case, items: Any, now: dt.datetime | None = None) -> CorrectionNotice:
    """一次性告知 (《行政许可法》第32条): every missing or defective material, in one notice."""
    if not isinstance(items, list) or not items:
        raise ValidationFailed("CASE_CORRECTIONS_EMPTY", "补正告知应一次列明全部需补正的材料", details={"field": "items"})
    listed: list[dict[str, str]] = []
    for i, entry in enumerate(items):
        if not isinstance(entry, dict):
            raise ValidationFailed("CASE_CORRECTION_INVALID", f"第{i + 1}项补正事项格式有误")
        listed.append({
            "material": _text(entry.get("material"), field=f"items[{i}].material", what=f"第{i + 1}项的材料名称", limit=200),
            "reason": _text(entry.get("reason"), field=f"items[{i}].reason", what=f"第{i + 1}项的补正原因"),
        })
    now = now or timezone.now()
    with transaction.atomic():
        case = _locked(case)
        _check_clerk(actor, case)
        states.check(case.status, CaseStatus.CORRECTIONS_REQUESTED, action="request_corrections")
        before = case.status
        case.status = CaseStatus.CORRECTIONS_REQUESTED
        case.save(update_fields=["status", "updated_at"])
        notice = CorrectionNotice.objects.create(case=case, items=listed, issued_by=actor, issued_at=now)
        _document(case, DocumentKind.CORRECTION, [
            f"你（单位）于{case.received_on:%Y年%m月%d日}提出的“{case.item.name}”申请，需补正下列材料（一次性告知）：",
            *[f"{n}. {e['material']}：{e['reason']}" for n, e in enumerate(listed, 1)],
            "请在网上办事大厅补正后重新提交；补正材料提交之日起重新计算受理期限。",
        ], now=now)
        _event(case, action="request_corrections", before=before, actor=_label(actor),
               note="；".join(f"{e['material']}：{e['reason']}" for e in listed), now=now)
        _notify(case, f"{_name(case)}需补正{len(listed)}项材料：" + "；".join(e["material"] for e in listed)[:300])
        return notice


def correct(*, actor: Any, case: Case, form_data: Any = None, now: dt.datetime | None = None) -> Case:
    """补正: the applicant corrects on line; the 5-working-day pre-review period starts again."""
    now = now or timezone.now()
    with transaction.atomic():
        case = _locked(case)
        person = _check_applicant(actor, case)
        states.check(case.status, CaseStatus.SUBMITTED, action="correct")
        if form_data is not None:
            case.form_data = _checked_form(case.item, form_data, person, case.enterprise)
        if case.channel in SELF_SERVICE_CHANNELS:
            _check_materials(case)
        before = case.status
        case.status = CaseStatus.SUBMITTED
        case.received_on = as_local_date(now)
        case.save()
        CorrectionNotice.objects.filter(case=case, corrected_at__isnull=True).update(corrected_at=now)
        _event(case, action="correct", before=before, actor=_label(actor), now=now)
        _notify(case, f"{_name(case)}的补正材料已提交，受理部门将在5个工作日内预审。")
        return case


def _start_clock(case: Case, *, accepted_on: dt.date, actor: str, now: dt.datetime) -> None:
    ClockEntry.objects.create(case=case, seq=1, kind=ClockKind.START, on=accepted_on, at=now, actor=actor)
    _refresh_due_dates(case, today=as_local_date(now))


def _create_steps(case: Case) -> None:
    """The item's steps; 即办件 keep only the decision; with no template, one decision step by the
    item's department approvers. The first stage becomes active."""
    templates = list(ItemStep.objects.filter(item=case.item).order_by("stage", "id"))
    if not any(t.kind == StepKind.DECISION for t in templates):
        last = max((t.stage for t in templates), default=0)
        templates.append(ItemStep(stage=last + 1, kind=StepKind.DECISION, department=case.department,
                                  role=StaffRole.APPROVER))
    immediate = case.item.handling_type == HandlingType.IMMEDIATE
    steps = [
        CaseStep(case=case, stage=t.stage, kind=t.kind, department=t.department, role=t.role,
                 status=StepStatus.SKIPPED if immediate and t.kind != StepKind.DECISION else StepStatus.WAITING)
        for t in templates
    ]
    CaseStep.objects.bulk_create(steps)
    _activate_next_stage(case)


def _activate_next_stage(case: Case) -> None:
    waiting = CaseStep.objects.filter(case=case, status=StepStatus.WAITING)
    if CaseStep.objects.filter(case=case, status=StepStatus.ACTIVE).exists():
        return
    first = waiting.order_by("stage").values_list("stage", flat=True).first()
    if first is not None:
        waiting.filter(stage=first).update(status=StepStatus.ACTIVE)


def _accept(case: Case, *, actor: str, accepted_on: dt.date, now: dt.datetime, deemed: bool) -> None:
    before = case.status
    case.status = CaseStatus.ACCEPTED
    case.accepted_at = now
    case.accepted_on = accepted_on
    case.deemed_accepted = deemed
    case.save()
    _create_steps(case)
    _start_clock(case, accepted_on=accepted_on, actor=actor, now=now)
    _event(case, action="deem_accepted" if deemed else "accept", before=before, actor=actor,
           note="逾期未告知，视为受理" if deemed else "", now=now)
    _document(case, DocumentKind.ACCEPTANCE, [
        f"你（单位）于{case.received_on:%Y年%m月%d日}提出的“{case.item.name}”申请，"
        + ("本机关未在法定期限内告知补正，依照《中华人民共和国行政许可法》第三十二条，自收到申请材料之日起即为受理。"
           if deemed else "申请材料齐全、符合法定形式，本机关决定予以受理。"),
        f"本机关将{_by(case.promised_due_on, case.promised_limit_days)}作出决定"
        f"（法定期限：{_by(case.legal_due_on, case.legal_limit_days)}）。",
    ], now=now)
    _notify(case, f"{_name(case)}已受理，承诺{_by(case.promised_due_on, case.promised_limit_days)}办结。")


def _by(due_on: dt.date | None, limit_days: int) -> str:
    """When a limit ends, for a notice: the date, or the working days when the date is not known yet
    (it falls in a year whose holiday calendar is not imported)."""
    return f"于{due_on:%Y年%m月%d日}前" if due_on else f"在受理之日起{limit_days}个工作日内"


def accept(*, actor: Any, case: Case, now: dt.datetime | None = None) -> Case:
    """受理."""
    now = now or timezone.now()
    with transaction.atomic():
        case = _locked(case)
        _check_clerk(actor, case)
        states.check(case.status, CaseStatus.ACCEPTED, action="accept")
        _accept(case, actor=_label(actor), accepted_on=as_local_date(now), now=now, deemed=False)
        return case


def refuse(*, actor: Any, case: Case, reason: Any, now: dt.datetime | None = None) -> Case:
    """不予受理, with the reason."""
    text = _text(reason, field="reason", what="不予受理的理由")
    now = now or timezone.now()
    with transaction.atomic():
        case = _locked(case)
        _check_clerk(actor, case)
        states.check(case.status, CaseStatus.REFUSED, action="refuse")
        before = case.status
        case.status = CaseStatus.REFUSED
        case.refusal_reason = text
        case.save()
        _event(case, action="refuse", before=before, actor=_label(actor), note=text, now=now)
        _document(case, DocumentKind.REFUSAL, [
            f"你（单位）于{case.received_on:%Y年%m月%d日}提出的“{case.item.name}”申请，经审查，本机关决定不予受理。",
            f"理由：{text}",
            "如不服本决定，可以依法申请行政复议或者提起行政诉讼。",
        ], now=now)
        _notify(case, f"{_name(case)}不予受理，理由：{text}")
        return case


def deem_accepted_overdue(*, now: dt.datetime | None = None) -> list[Case]:
    """《行政许可法》第32条: a submitted case without any notice by the end of the 5th working day after
    receipt counts as accepted on the day the materials were received. Idempotent; one transaction per case."""
    now = now or timezone.now()
    today = as_local_date(now)
    calendar = current_calendar()
    done: list[Case] = []
    candidates = Case.objects.filter(status=CaseStatus.SUBMITTED, received_on__lt=today).values_list("pk", flat=True)
    for pk in list(candidates):
        with transaction.atomic():
            case = Case.objects.select_for_update(of=("self",)).select_related("item", "department", "applicant", "enterprise").get(pk=pk)
            if case.status != CaseStatus.SUBMITTED or case.received_on is None:
                continue
            try:
                deemed = clock.is_deemed_accepted(case.received_on, today=today, calendar=calendar)
            except CalendarNotLoaded as exc:  # its 5th working day is in a year not imported yet: the others go on
                logger.warning("deemed acceptance of case %s waits: %s", pk, exc.message)
                continue
            if not deemed:
                continue
            _accept(case, actor="system:deemed-acceptance", accepted_on=case.received_on, now=now, deemed=True)
            done.append(case)
    return done
