"""The clock of a case (办理时限): its ledger and due dates, stopping, resuming and extending it.

The arithmetic is ``zwfw.cases.clock``; this module writes the ledger and the due dates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from zwfw.cases import clock, states
from zwfw.cases.models import Case, CaseStep, ClockEntry, ClockKind, Procedure
from zwfw.cases.services._checks import _check_department_staff
from zwfw.cases.services._common import _event, _label, _locked, _name, _notify, _text, logger
from zwfw.core import audit
from zwfw.core.calendar import CalendarNotLoaded, as_local_date, current_calendar
from zwfw.core.errors import Conflict, ValidationFailed
from zwfw.identity.models import StaffRole


def _ledger(case: Case) -> list[clock.LedgerEntry]:
    return [
        clock.LedgerEntry(kind=e.kind, on=e.on, days=e.days)  # type: ignore[arg-type]
        for e in ClockEntry.objects.filter(case=case).order_by("seq")
    ]


def _refresh_due_dates(case: Case, *, today: dt.date) -> None:
    """The due dates from the ledger; a due date in a year whose holiday calendar is not imported yet
    is left empty (clock.ClockState.due_not_known) until the next clock change after the import."""
    entries = _ledger(case)
    calendar = current_calendar()
    legal = clock.compute(entries, limit_days=case.legal_limit_days, today=today, calendar=calendar)
    promised = clock.compute(entries, limit_days=case.promised_limit_days, today=today, calendar=calendar)
    if legal.due_not_known or promised.due_not_known:
        logger.warning("case %s: a due date falls in a year whose holiday calendar is not imported", case.pk)
    case.legal_due_on = legal.due_on
    case.promised_due_on = promised.due_on
    case.clock_stopped = not legal.running
    case.extended_days = legal.extension_days
    case.save(update_fields=["legal_due_on", "promised_due_on", "clock_stopped", "extended_days", "updated_at"])
    CaseStep.objects.filter(case=case).update(due_on=case.promised_due_on)  # the queue sorts steps by it


def refresh_unknown_due_dates(*, years: Iterable[int] = (), now: dt.datetime | None = None) -> int:
    """After a year's holiday calendar is imported: the running cases whose legal or promised due date
    was not known (it fell in a year not imported then) get it now, with the steps' dates the queue
    sorts and colours by, and an audit entry each. Runs inside the import's transaction (a receiver of
    ``zwfw.core.calendar.calendar_imported``, connected in ``CasesConfig.ready``); cases whose dates are
    still not known (a later year) are left as they are. Returns how many cases were updated."""
    now = now or timezone.now()
    today = as_local_date(now)
    calendar = current_calendar()
    waiting = (Case.objects.filter(status__in=list(states.CLOCK_STATES), clock_stopped=False, accepted_on__isnull=False)
               .filter(Q(legal_due_on__isnull=True) | Q(promised_due_on__isnull=True)).order_by("pk")
               .values_list("pk", flat=True))
    updated = 0
    for pk in list(waiting):
        case = _locked(Case(pk=pk))
        entries = _ledger(case)
        try:
            legal = clock.compute(entries, limit_days=case.legal_limit_days, today=today, calendar=calendar)
            promised = clock.compute(entries, limit_days=case.promised_limit_days, today=today, calendar=calendar)
        except CalendarNotLoaded:  # today's own year not imported: the next clock change sets them
            continue
        before = {"legal_due_on": _iso(case.legal_due_on), "promised_due_on": _iso(case.promised_due_on)}
        if (legal.due_on, promised.due_on) == (case.legal_due_on, case.promised_due_on):
            continue
        _refresh_due_dates(case, today=today)
        audit.record(
            actor="system:calendar-import", action="cases.due_dates_known", object_type="cases.Case",
            object_id=case.pk, before=before,
            after={"legal_due_on": _iso(case.legal_due_on), "promised_due_on": _iso(case.promised_due_on)},
            details={"number": case.number or "", "years": sorted(years)},
        )
        updated += 1
    return updated


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _ledger_entry(case: Case, *, kind: str, now: dt.datetime, actor: str, procedure: str = "", days: int = 0,
                  reason: str = "") -> ClockEntry:
    seq = (ClockEntry.objects.filter(case=case).aggregate(m=Max("seq"))["m"] or 0) + 1
    entry = ClockEntry.objects.create(case=case, seq=seq, kind=kind, on=as_local_date(now), at=now,
                                      procedure=procedure, days=days, reason=reason, actor=actor)
    _refresh_due_dates(case, today=as_local_date(now))
    return entry


_CLOCK_ROLES = (StaffRole.APPROVER, StaffRole.DEPARTMENT_ADMIN)


def stop_clock(*, actor: Any, case: Case, procedure: str, reason: Any, now: dt.datetime | None = None) -> ClockEntry:
    """暂停计时 for a special procedure (听证, 检验, 检测, 鉴定, 专家评审) or a correction wait."""
    if procedure not in Procedure.values:
        raise ValidationFailed("CASE_PROCEDURE_INVALID", "不计时的特别程序只能是听证、检验、检测、鉴定、专家评审或补正",
                               details={"field": "procedure"})
    text = _text(reason, field="reason", what="暂停计时的原因")
    now = now or timezone.now()
    with transaction.atomic():
        case = _locked(case)
        _check_department_staff(actor, case, *_CLOCK_ROLES)
        if case.status not in states.CLOCK_STATES:
            raise Conflict("CASE_CLOCK_NOT_RUNNING", "只有已受理、尚未决定的案件可以暂停计时")
        if case.clock_stopped:
            raise Conflict("CASE_CLOCK_ALREADY_STOPPED", "计时已暂停")
        entry = _ledger_entry(case, kind=ClockKind.STOP, now=now, actor=_label(actor), procedure=procedure, reason=text)
        _event(case, action="stop_clock", before=case.status, actor=_label(actor),
               note=f"{Procedure(procedure).label}：{text}", now=now)
        _notify(case, f"{_name(case)}进入{Procedure(procedure).label}程序，所需时间不计入办理时限。")
        return entry


def resume_clock(*, actor: Any, case: Case, now: dt.datetime | None = None) -> ClockEntry:
    """恢复计时."""
    now = now or timezone.now()
    with transaction.atomic():
        case = _locked(case)
        _check_department_staff(actor, case, *_CLOCK_ROLES)
        if not case.clock_stopped or case.status not in states.CLOCK_STATES:
            raise Conflict("CASE_CLOCK_NOT_STOPPED", "计时未暂停，不能恢复")
        entry = _ledger_entry(case, kind=ClockKind.RESUME, now=now, actor=_label(actor))
        _event(case, action="resume_clock", before=case.status, actor=_label(actor),
               note=f"承诺办结期限{case.promised_due_on or '待定（该年度节假日安排尚未导入）'}", now=now)
        due = f"，承诺于{case.promised_due_on:%Y年%m月%d日}前办结" if case.promised_due_on else ""
        _notify(case, f"{_name(case)}恢复计时{due}。")
        return entry


def extend_limit(*, actor: Any, case: Case, days: Any, reason: Any, now: dt.datetime | None = None) -> ClockEntry:
    """延长办理时限 (《行政许可法》第42条): approved by the department's head (department administrator),
    at most 10 working days, once; the applicant is told why."""
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= clock.MAX_EXTENSION_DAYS:
        raise ValidationFailed("CASE_EXTENSION_INVALID", f"延长期限应为1到{clock.MAX_EXTENSION_DAYS}个工作日",
                               details={"field": "days"})
    text = _text(reason, field="reason", what="延长期限的理由")
    now = now or timezone.now()
    with transaction.atomic():
        case = _locked(case)
        _check_department_staff(actor, case, StaffRole.DEPARTMENT_ADMIN)
        if case.status not in states.CLOCK_STATES:
            raise Conflict("CASE_CLOCK_NOT_RUNNING", "只有已受理、尚未决定的案件可以延长期限")
        if ClockEntry.objects.filter(case=case, kind=ClockKind.EXTEND).exists():
            raise Conflict("CASE_ALREADY_EXTENDED", "办理期限只能延长一次")
        entry = _ledger_entry(case, kind=ClockKind.EXTEND, now=now, actor=_label(actor), days=days, reason=text)
        _event(case, action="extend_limit", before=case.status, actor=_label(actor), note=f"延长{days}个工作日：{text}", now=now)
        _notify(case, f"{_name(case)}经批准延长{days}个工作日，理由：{text}")
        return entry


def clock_of(case: Case, *, today: dt.date | None = None, promised: bool = True) -> clock.ClockState:
    """The clock of an accepted case (the promised limit by default, else the legal one)."""
    if case.accepted_on is None:
        raise Conflict("CASE_NOT_ACCEPTED", "案件尚未受理，没有办理时限")
    return clock.compute(
        _ledger(case),
        limit_days=case.promised_limit_days if promised else case.legal_limit_days,
        today=today or timezone.localdate(),
        calendar=current_calendar(),
    )
