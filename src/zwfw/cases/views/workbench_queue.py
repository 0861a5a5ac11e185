"""The staff workbench's lists: the work queue with deadline colours, batch acceptance from it, and
the supervisor's overdue list."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from zwfw.cases import selectors, services, web
from zwfw.cases.states import CaseStatus
from zwfw.cases.views._common import (
    MAX_PAGE,
    PAGE_SIZE,
    Page,
    _paginate,
    _require_staff,
    _rows_with_deadlines,
)
from zwfw.core.calendar import current_calendar
from zwfw.core.errors import DomainError, PermissionDenied, ValidationFailed
from zwfw.core.pages import error_page
from zwfw.identity.models import StaffRole
from zwfw.identity.staff import roles_of, staff_of

MAX_BATCH = 50  # cases accepted in one batch (one page of the queue at most)
QUEUE_STATUSES = (CaseStatus.SUBMITTED, CaseStatus.ACCEPTED, CaseStatus.IN_REVIEW)


# --- staff: the workbench ---------------------------------------------------------------------------------


def _queue_filters(request: HttpRequest) -> tuple[dict[str, str], DomainError | None]:
    """The queue's filters, and the error of a case number that cannot name a case (a control
    character): the queue then shows nothing, never the unfiltered queue."""
    status = request.GET.get("status", "")
    deadline = request.GET.get("deadline", "")
    filters = {
        "status": status if status in QUEUE_STATUSES else "",
        "deadline": deadline if deadline in ("overdue", "stopped") else "",
        "q": "",
    }
    raw = request.GET.get("q", "")
    try:
        filters["q"] = web.number_filter(raw, field="q")[:21]
    except DomainError as exc:
        filters["q"] = "".join(ch for ch in raw if ch.isprintable())[:21]  # shown back without the characters
        return filters, exc
    return filters, None


def _queue_page(user: Any, filters: dict[str, str], raw_page: str | None) -> Page:
    """A page of the work queue (selectors.queue_page: two indexed parts, the rows loaded by key); a page
    past the end shows the last one."""
    try:
        wanted = min(MAX_PAGE, max(1, int(raw_page or "1")))
    except ValueError:
        wanted = 1
    query = {"status": filters["status"], "deadline": filters["deadline"], "number_prefix": filters["q"]}
    rows, count = selectors.queue_page(user, offset=(wanted - 1) * PAGE_SIZE, limit=PAGE_SIZE, **query)
    page = min(wanted, max(1, -(-count // PAGE_SIZE)))
    if page != wanted:
        rows, count = selectors.queue_page(user, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE, **query)
    return Page(rows=rows, count=count, page=page)


def _workbench_page(request: HttpRequest, context: dict[str, Any] | None = None,
                    status: int = 200) -> HttpResponse:
    context = dict(context or {})
    filters, invalid = _queue_filters(request)
    if invalid is not None:
        page = Page(rows=[], count=0, page=1)
        context.setdefault("error", invalid)
        if status == 200 and "batch" not in context:  # a batch that went through still answers 200
            status = invalid.status
    else:
        page = _queue_page(request.user, filters, request.GET.get("page"))
    roles = roles_of(request.user)
    detail = reverse("cases:workbench_detail", args=["0" * 32])
    rows = []
    today, calendar = timezone.localdate(), current_calendar()
    # The queue is the hottest staff page: each row is worked out here as plain strings, and the
    # table is a Jinja2 template (cases/_queue_table.html) that only looks keys up in a dict.
    for case in page.rows:
        deadline = web.deadline_of(case, today=today, calendar=calendar)
        left = deadline["left"]
        rows.append({
            "pk": case.pk, "public_id": str(case.public_id), "number": case.number or "", "item": case.item_name,
            "applicant": case.applicant_listed, "status": case.status,
            "status_label": str(CaseStatus(case.status).label),
            "pickable": case.status == CaseStatus.SUBMITTED, "url": detail.replace("0" * 32, str(case.public_id)),
            "colour": deadline["colour"], "word": deadline["word"], "what": deadline["what"],
            "due": deadline["due"].isoformat() if deadline["due"] else "",
            "left_words": _("剩余%(n)s个工作日") % {"n": left} if left is not None and deadline["colour"] != "red" else "",
        })
    can_batch = StaffRole.WINDOW_CLERK in roles
    context.update(
        result=page,
        rows=rows,
        queue_table=mark_safe(render_to_string(  # the autoescaping Jinja2 template
            "cases/_queue_table.html", {"rows": rows, "can_batch": can_batch}, using="jinja2")) if rows else "",
        filters=filters,
        statuses=[(value, CaseStatus(value).label) for value in QUEUE_STATUSES],
        can_batch=can_batch,
        is_supervisor=StaffRole.SUPERVISOR in roles,
        staff=staff_of(request.user),
    )
    return render(request, "cases/workbench.html", context, status=status)


@require_safe
@login_required
def workbench(request: HttpRequest) -> HttpResponse:
    """待办: what waits for the user's roles, the most urgent first."""
    try:
        _require_staff(request.user)
    except DomainError as exc:
        return error_page(request, exc)
    return _workbench_page(request)


@require_POST
@login_required
def batch_accept(request: HttpRequest) -> HttpResponse:
    """批量受理: each ticked case accepted in its own transaction; one result line per case."""
    try:
        _require_staff(request.user)
        chosen = list(dict.fromkeys(request.POST.getlist("cases")))
        if not chosen:
            raise ValidationFailed("CASE_BATCH_EMPTY", "请勾选要受理的办件", details={"field": "cases"})
        if len(chosen) > MAX_BATCH:
            raise ValidationFailed("CASE_BATCH_TOO_LARGE", f"每次最多批量受理{MAX_BATCH}件", details={"field": "cases"})
    except PermissionDenied as exc:
        return error_page(request, exc)
    except DomainError as exc:
        return _workbench_page(request, {"error": exc}, exc.status)
    results = []
    for public_id in chosen:
        try:
            case = selectors.case_of_staff(user=request.user, public_id=public_id)
        except DomainError as exc:
            results.append({"number": str(public_id)[:40], "ok": False, "message": exc.message})
            continue
        try:
            services.accept(actor=request.user, case=case)
            results.append({"number": case.number, "ok": True, "message": _("已受理")})
        except DomainError as exc:
            results.append({"number": case.number, "ok": False, "message": exc.message})
    return _workbench_page(request, {"batch": results, "batch_ok": sum(r["ok"] for r in results)})


@require_safe
@login_required
def overdue(request: HttpRequest) -> HttpResponse:
    """超期办件 in the supervisor's region: running cases past their promised due date."""
    if StaffRole.SUPERVISOR not in roles_of(request.user):
        return error_page(request, PermissionDenied("CASE_SUPERVISOR_ONLY", "只有效能监督人员可以查看超期办件"))
    today = timezone.localdate()
    page = _paginate(selectors.overdue_cases(request.user, today=today), request.GET.get("page"))
    calendar = current_calendar()
    rows = []
    for row in _rows_with_deadlines(page.rows):
        due = row["case"].promised_due_on
        try:
            late = calendar.working_days_between(due, today) if due else None
        except DomainError:
            late = None
        rows.append({**row, "late": late})
    return render(request, "cases/overdue.html", {"result": page, "rows": rows, "today": today})
