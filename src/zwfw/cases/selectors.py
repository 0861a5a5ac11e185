"""Reads of cases, always scoped by who asks: a case the actor may not see is simply not found (404).

Applicants see their own cases (filed for themselves) and the cases of enterprises they act for:
as legal representative, or as an agent with a live grant covering the item (all items, or the
item's code). Staff see the cases of their department and those with a step assigned to it;
the work queue lists only what waits for one of their roles.
"""

from __future__ import annotations

import datetime as dt
import hmac
import uuid
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections, router
from django.db.models import Q, QuerySet
from django.utils import timezone

from zwfw.appointments.selectors import hall_department_ids_of
from zwfw.cases.models import (
    BundleApplication,
    Case,
    CaseDocument,
    CaseEvent,
    CaseMaterial,
    CaseStep,
    StepKind,
    StepStatus,
)
from zwfw.cases.states import CLOCK_STATES, CaseStatus
from zwfw.core.errors import NotFound
from zwfw.core.lookups import PreparedRead
from zwfw.core.masking import mask_name
from zwfw.identity.models import Person, StaffRole
from zwfw.identity.selectors import enterprises_represented_by, grants_to, require_person
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


def _hall_departments(user: Any) -> list[int]:
    """一窗: the departments whose cases a window clerk of a hall pre-reviews."""
    if StaffRole.WINDOW_CLERK not in roles_of(user):
        return []
    return hall_department_ids_of(user)


def cases_of_staff(user: Any) -> QuerySet[Case]:
    """Every case a staff member's department handles or has a step in, and for a hall's window
    clerk the cases of the hall's departments (drafts excluded)."""
    staff = staff_of(user)
    if staff is None or staff.department_id is None:
        return Case.objects.none()
    in_steps = CaseStep.objects.filter(department_id=staff.department_id).values("case_id")
    visible = Q(department_id=staff.department_id) | Q(pk__in=in_steps)
    hall = _hall_departments(user)
    if hall:
        visible |= Q(department_id__in=hall)
    return (
        Case.objects.exclude(status=CaseStatus.DRAFT)
        .filter(visible)
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
        Q(assignee__isnull=True) | Q(assignee=user),
        department_id=staff.department_id, role__in=list(roles), status=StepStatus.ACTIVE,
    ).values("case_id"), status__in=list(CLOCK_STATES))
    if StaffRole.WINDOW_CLERK in roles:
        departments = [staff.department_id, *_hall_departments(user)]
        waiting |= Q(Q(assignee__isnull=True) | Q(assignee=user), department_id__in=departments,
                     status=CaseStatus.SUBMITTED)
    return Case.objects.filter(waiting).select_related(*_RELATED).order_by("promised_due_on", "received_on", "id")


def active_steps_for(user: Any, case: Case) -> QuerySet[CaseStep]:
    """The steps of ``case`` the user may act on now."""
    staff = staff_of(user)
    if staff is None or staff.department_id is None:
        return CaseStep.objects.none()
    return CaseStep.objects.filter(Q(assignee__isnull=True) | Q(assignee=user), case=case,
                                   department_id=staff.department_id, role__in=list(roles_of(user)),
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


# --- timeline and the public progress query ------------------------------------------------------------

EVENT_LABELS = {
    "save_draft": "保存草稿",
    "enter_for_applicant": "窗口代为录入",
    "submit": "提交申请",
    "add_material": "上传材料",
    "remove_material": "删除材料",
    "request_corrections": "一次性告知补正",
    "correct": "补正材料",
    "accept": "受理",
    "deem_accepted": "视为受理",
    "refuse": "不予受理",
    "reassign": "改派",
    "approve_step": "环节办理：同意",
    "refuse_step": "环节办理：不同意",
    "stop_clock": "暂停计时",
    "resume_clock": "恢复计时",
    "extend_limit": "延长办理时限",
    "decide": "作出审批决定",
    "complete": "办结",
    "withdraw": "申请人撤回",
}
# what an applicant and the public progress query see; staff see every event
PUBLIC_EVENTS = ("submit", "request_corrections", "correct", "accept", "deem_accepted", "refuse", "approve_step",
                 "refuse_step", "stop_clock", "resume_clock", "extend_limit", "decide", "complete", "withdraw")
_STEP_LABELS = {str(label) for label in StepKind.labels}


@dataclass(frozen=True)
class TimelineEntry:
    at: dt.datetime
    action: str
    label: str
    status_after: str
    status_label: str
    note: str


def _public_label(event: CaseEvent) -> str:
    if event.action in ("approve_step", "refuse_step"):
        step = event.note.split("：", 1)[0]
        if step in _STEP_LABELS:
            return f"{step}：{'同意' if event.action == 'approve_step' else '不同意'}"
    return EVENT_LABELS.get(event.action, event.action)


def timeline_of(case: Case, *, public: bool = True) -> list[TimelineEntry]:
    """办件动态. ``public``: the applicant's view (no internal events; notes only where they are meant
    for the applicant: correction items, refusal reasons, clock changes and decisions)."""
    events = CaseEvent.objects.filter(case=case).order_by("at", "id")
    if public:
        events = events.filter(action__in=PUBLIC_EVENTS)
    shown_notes = ("request_corrections", "refuse", "stop_clock", "extend_limit", "decide", "withdraw")
    return [
        TimelineEntry(
            at=e.at, action=e.action, label=_public_label(e) if public else EVENT_LABELS.get(e.action, e.action),
            status_after=e.status_after,
            status_label=CaseStatus(e.status_after).label if e.status_after in CaseStatus.values else "",
            note=e.note if (not public or e.action in shown_notes) else "",
        )
        for e in events
    ]


@dataclass(frozen=True)
class PublicProgress:
    """What anyone holding the case number and the last 6 characters of the applicant's ID may see."""

    number: str
    item_name: str
    department_name: str
    applicant: str  # masked
    status: str
    status_label: str
    submitted_at: dt.datetime | None
    accepted_on: dt.date | None
    promised_due_on: dt.date | None
    completed_at: dt.datetime | None
    steps: list[TimelineEntry]


def progress_of(*, number: object, id_tail: object) -> PublicProgress:
    """办件进度查询. A wrong tail and an unknown number give the same answer, so the query reveals nothing
    about cases one cannot name; the timeline carries no notes (they may hold personal data)."""
    text = number.strip().upper() if isinstance(number, str) else ""
    tail = id_tail.strip().upper() if isinstance(id_tail, str) else ""
    not_found = NotFound("CASE_PROGRESS_NOT_FOUND", "未找到办件，请核对办件编号和证件号码后6位")
    if len(text) != 21 or len(tail) != 6:
        raise not_found
    case = Case.objects.select_related(*_RELATED).exclude(status=CaseStatus.DRAFT).filter(number=text).first()
    if case is None:
        raise not_found
    holders = [case.applicant.document_number]
    if case.enterprise is not None:
        holders.append(case.enterprise.credit_code)
    if not any(hmac.compare_digest(code[-6:].upper(), tail) for code in holders):
        raise not_found
    applicant = case.enterprise.name if case.enterprise is not None else mask_name(case.applicant.name)
    return PublicProgress(
        number=case.number or "", item_name=case.item.name, department_name=case.department.name,
        applicant=applicant, status=case.status, status_label=CaseStatus(case.status).label,
        submitted_at=case.submitted_at, accepted_on=case.accepted_on, promised_due_on=case.promised_due_on,
        completed_at=case.completed_at,
        steps=[replace(entry, note="") for entry in timeline_of(case, public=True)],
    )


def documents_of(case: Case) -> QuerySet[CaseDocument]:
    """The sealed (and the still pending) notices and decisions of a case the caller may see."""
    return CaseDocument.objects.filter(case=case).defer("pdf").order_by("created_at", "id")


def materials_of(case: Case, *, current: bool = True) -> QuerySet[CaseMaterial]:
    materials = CaseMaterial.objects.filter(case=case).select_related("material", "license", "license__license_type")
    return materials.filter(superseded_at__isnull=True) if current else materials


def bundles_of_applicant(person: Person) -> QuerySet[BundleApplication]:
    """我的一件事: the bundle applications with a linked case the person may see (their own, or of an
    enterprise they act for); an agent whose grant covers none of a bundle's items does not see it, and
    sees of the others only the covered cases (``bundles.bundle_status(bundle, person=...)``)."""
    mine = cases_of_applicant(person).exclude(bundle__isnull=True).values("bundle_id")
    return BundleApplication.objects.filter(pk__in=mine).select_related("event").order_by("-submitted_at", "-id")


def bundle_of_applicant(*, person: Person, public_id: object) -> BundleApplication:
    key = _uuid(public_id)
    bundle = None if key is None else bundles_of_applicant(person).filter(public_id=key).first()
    if bundle is None:
        raise NotFound("BUNDLE_NOT_FOUND", "未找到该一件事申请")
    return bundle


# --- the work queue, fast ----------------------------------------------------------------------------

@dataclass(frozen=True)
class QueueRow:
    """A row of the work queue: the columns a list shows (and the API's CaseOut), read by key into
    plain values; the rest of the case, the item's guide elements and the applicant's encrypted fields
    are not loaded. ``web.deadline_of`` reads its colour from these columns as from a case."""

    id: int
    public_id: uuid.UUID
    number: str | None
    status: str
    channel: str
    received_on: dt.date | None
    submitted_at: dt.datetime | None
    accepted_on: dt.date | None
    legal_due_on: dt.date | None
    promised_due_on: dt.date | None
    promised_limit_days: int
    legal_limit_days: int
    extended_days: int
    clock_stopped: bool
    item_id: int
    item_name: str
    department_name: str
    applicant_name: str  # in full: a list shows ``applicant_listed``
    enterprise_name: str | None

    @property
    def pk(self) -> int:
        return self.id

    @property
    def applicant_listed(self) -> str:
        """The applicant as a list shows them: the enterprise's name, or the person's name masked."""
        return self.enterprise_name if self.enterprise_name is not None else mask_name(self.applicant_name)


_QUEUE_COLUMNS = tuple(
    {"item_name": "item__name", "department_name": "department__name", "applicant_name": "applicant__name",
     "enterprise_name": "enterprise__name"}.get(name, name) for name in QueueRow.__dataclass_fields__
)
# the rows of a page by their keys, one prepared read per number of keys (a page holds at most 100)
_QUEUE_ROWS: dict[int, PreparedRead] = {}


def _queue_rows(ids: list[int], *, using: str) -> list[QueueRow]:
    if not ids:
        return []
    read = _QUEUE_ROWS.get(len(ids))
    if read is None:
        read = _QUEUE_ROWS[len(ids)] = PreparedRead(
            lambda *keys: Case.objects.filter(pk__in=keys).order_by().values_list(*_QUEUE_COLUMNS), keys=len(ids))
    found = {row[0]: QueueRow(*row) for row in read.rows(*ids, using=using)}
    return [found[pk] for pk in ids if pk in found]


@dataclass(frozen=True)
class _QueueShape:
    """What decides the queue's statements: the SQL and its parameters are the same for the same shape,
    so each is compiled once (``_queue_statement``) instead of on every request."""

    alias: str
    user_id: int
    department_ids: tuple[int, ...]  # the clerk's own department first, then the halls' (for pre-review)
    roles: tuple[str, ...]
    status: str
    deadline: str
    number_prefix: str
    today: dt.date | None  # only the overdue filter reads the day


def _queue_parts(shape: _QueueShape) -> tuple[QuerySet[Case], QuerySet[CaseStep]]:
    """The two parts of the queue: the pre-review (submitted cases of the clerk's department and halls)
    and the active steps of the user's department and roles."""
    mine = Q(assignee__isnull=True) | Q(assignee_id=shape.user_id)
    prereview = Case.objects.none()
    if StaffRole.WINDOW_CLERK in shape.roles and shape.status in ("", CaseStatus.SUBMITTED) and not shape.deadline:
        prereview = Case.objects.filter(mine, department_id__in=shape.department_ids, status=CaseStatus.SUBMITTED)
        if shape.number_prefix:
            prereview = prereview.filter(number__startswith=shape.number_prefix)
    steps = CaseStep.objects.filter(Q(assignee__isnull=True) | Q(assignee_id=shape.user_id),
                                    department_id=shape.department_ids[0], role__in=shape.roles,
                                    status=StepStatus.ACTIVE)
    # an active step belongs to an accepted or in-review case (steps are made at acceptance; a decision,
    # a withdrawal or a refusal leaves none active), so the unfiltered queue needs no join for it
    if shape.status and shape.status not in CLOCK_STATES:
        steps = steps.none()
    elif shape.status:
        steps = steps.filter(case__status=shape.status)
    if shape.deadline == "overdue":
        steps = steps.filter(case__clock_stopped=False, case__promised_due_on__lt=shape.today)
    elif shape.deadline == "stopped":
        steps = steps.filter(case__clock_stopped=True)
    if shape.number_prefix:
        steps = steps.filter(case__number__startswith=shape.number_prefix)
    return prereview, steps


@lru_cache(maxsize=2048)
def _queue_statement(shape: _QueueShape, part: str, offset: int = 0, limit: int = 0) -> tuple[str, tuple] | None:
    """The SQL of one part of the queue (``count`` or ``ids`` of ``prereview`` or ``steps``), or None when
    the part is empty for this shape (no statement to run)."""
    prereview, steps = _queue_parts(shape)
    which, kind = part.split("_")
    keys: QuerySet[Any, tuple[int]] = (
        prereview.order_by("received_on", "id").values_list("id") if which == "prereview"
        else steps.order_by("due_on", "case_id").values_list("case_id")
    )
    try:
        if kind == "count":
            sql, params = keys.order_by().query.get_compiler(using=shape.alias).as_sql()
            return f"SELECT COUNT(*) FROM ({sql}) AS queue", tuple(params)
        sql, params = keys[offset:offset + limit].query.get_compiler(using=shape.alias).as_sql()
    except EmptyResultSet:
        return None
    return sql, tuple(params)


def _run_queue_statement(shape: _QueueShape, part: str, offset: int = 0, limit: int = 0) -> list[tuple]:
    statement = _queue_statement(shape, part, offset, limit)
    if statement is None:
        return []
    with connections[shape.alias].cursor() as cursor:
        cursor.execute(*statement)
        return cursor.fetchall()


def queue_page(
    user: Any, *, offset: int, limit: int, status: str = "", deadline: str = "", number_prefix: str = "",
    today: dt.date | None = None,
) -> tuple[list[QueueRow], int]:
    """One page of ``queue_for_staff`` (the same cases) and the count, as two index-driven parts
    instead of one OR: the pre-review (submitted cases of the clerk's department and halls) comes
    first, by the day the materials came in; then the cases with an active step of the user's
    department and roles, by their promised due date (kept on the step by the services). The
    statements are compiled once per shape of the query; only the page's rows are read, by key."""
    staff = staff_of(user)
    if staff is None or staff.department_id is None:
        return [], 0
    shape = _QueueShape(
        alias=router.db_for_read(Case), user_id=user.pk,
        department_ids=(staff.department_id, *sorted(set(_hall_departments(user)) - {staff.department_id})),
        roles=tuple(sorted(roles_of(user))), status=status, deadline=deadline, number_prefix=number_prefix,
        today=(today or timezone.localdate()) if deadline == "overdue" else None,
    )
    first = _run_queue_statement(shape, "prereview_count")
    first_count = first[0][0] if first else 0
    steps = _run_queue_statement(shape, "steps_count")
    total = first_count + (steps[0][0] if steps else 0)
    ids: list[int] = []
    if offset < first_count:
        ids += [pk for (pk,) in _run_queue_statement(shape, "prereview_ids", offset, limit)]
    if len(ids) < limit and offset + len(ids) < total:
        start = max(0, offset - first_count)
        ids += [pk for (pk,) in _run_queue_statement(shape, "steps_ids", start, limit - len(ids))]
    return _queue_rows(ids, using=shape.alias), total


@dataclass(frozen=True)
class CaseStatusRow:
    """办件状态 as an app polls it: one indexed read, no timeline or materials."""

    public_id: str
    number: str | None
    item_name: str
    department_name: str
    status: str
    status_label: str
    submitted_at: dt.datetime | None
    accepted_on: dt.date | None
    promised_due_on: dt.date | None
    clock_stopped: bool
    completed_at: dt.datetime | None
    updated_at: dt.datetime


_STATUS_COLUMNS = ("pk", "applicant__user_id", "enterprise_id", "public_id", "number", "item__name",
                   "department__name", "status", "submitted_at", "accepted_on", "promised_due_on", "clock_stopped",
                   "completed_at", "updated_at")


# what an app polls most: compiled once per connection (compiling the joined values query cost more
# than running it)
_STATUS_READ = PreparedRead(
    lambda key: Case.objects.filter(public_id=key).order_by().values_list(*_STATUS_COLUMNS)[:1],
    key_field=Case._meta.get_field("public_id"),
)


def case_status_of(*, user: Any, public_id: object) -> CaseStatusRow:
    """The status of a case the signed-in person may see (their own, or of an enterprise they act
    for): for their own cases one query by the unique key (the person's row is not even loaded), the
    full visibility check only for the others."""
    key = _uuid(public_id)
    found = _STATUS_READ.rows(key) if key else []
    if not found:
        raise NotFound("CASE_NOT_FOUND", "未找到该办件")
    pk, applicant_user_id, enterprise_id, *shown = found[0]
    own = applicant_user_id == user.pk and enterprise_id is None
    if not own and not cases_of_applicant(require_person(user)).filter(pk=pk).exists():
        raise NotFound("CASE_NOT_FOUND", "未找到该办件")
    public, number, item_name, department_name, status, *rest = shown
    return CaseStatusRow(str(public), number, item_name, department_name, status, CaseStatus(status).label, *rest)
