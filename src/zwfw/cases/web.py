"""What the pages and the JSON API of 办件 share: deadline colours from a row's own columns, the
public progress query with its limits, and the responses that hand out a material or a document."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from zwfw.cases import clock, selectors, services
from zwfw.cases.models import Case, CaseMaterial
from zwfw.cases.states import CLOCK_STATES, CaseStatus
from zwfw.core.calendar import WorkingCalendar
from zwfw.core.errors import DomainError, NotFound, ValidationFailed
from zwfw.core.lookups import lookup_key
from zwfw.core.text import unstorable
from zwfw.licenses import web as licence_web

# 办件进度查询: anyone may ask, so a 6-character tail must not be guessable by trying many: per source
# address per minute (the licences' limiter), and wrong tails per case number per hour.
PROGRESS_CHECKS_PER_MINUTE = 10
PROGRESS_FAILURES_PER_NUMBER = 10

CLOCK_WORDS = {"green": "时限正常", "yellow": "临近期限", "red": "已超期", "stopped": "计时暂停", "none": "—"}


def deadline_of(case: Case | selectors.QueueRow, *, today: dt.date, calendar: WorkingCalendar) -> dict[str, Any]:
    """The deadline colour of a row from its own columns, without reading its clock ledger.

    While the clock runs, every stop is closed, so the working days used are the limit less the
    working days left until the due date (``clock.compute`` gives the same colour; the services keep
    ``promised_due_on``, ``extended_days`` and ``clock_stopped`` current with every ledger entry).
    A submitted case is measured against its 5-working-day pre-review period instead."""
    if case.status == CaseStatus.SUBMITTED and case.received_on is not None:
        due, total, what = None, clock.ACCEPTANCE_PERIOD_DAYS, "受理期限"
    elif case.status in CLOCK_STATES and case.clock_stopped:
        return {"colour": "stopped", "word": CLOCK_WORDS["stopped"], "due": None, "what": "承诺办结期限", "left": None}
    elif case.status in CLOCK_STATES and case.promised_due_on is not None:
        due, total, what = case.promised_due_on, case.promised_limit_days + case.extended_days, "承诺办结期限"
    else:
        return {"colour": "none", "word": CLOCK_WORDS["none"], "due": case.promised_due_on, "what": "",
                "left": None}
    try:
        if due is None:
            due = clock.acceptance_deadline(case.received_on, calendar=calendar)  # type: ignore[arg-type]
        left = calendar.working_days_between(today, due)
    except DomainError:  # the calendar of that year is not loaded
        return {"colour": "none", "word": CLOCK_WORDS["none"], "due": due, "what": what, "left": None}
    if today > due:
        colour = "red"
    elif total > 0 and (total - left) * 3 >= total * 2:
        colour = "yellow"
    else:
        colour = "green"
    return {"colour": colour, "word": CLOCK_WORDS[colour], "due": due, "what": what, "left": left}


MAX_NUMBER_FILTER = 40


def number_filter(value: object, *, field: str = "number") -> str:
    """A case-number filter of a list (a prefix in the queue, the whole number elsewhere), upper-cased;
    empty for none. One holding a control character (NUL, DEL, C1 ...) is refused rather than dropped:
    it names no case, and dropped it would show the unfiltered list."""
    text = value.strip() if isinstance(value, str) else ""
    if unstorable(text):
        raise ValidationFailed("CASE_NUMBER_FILTER_INVALID", "办件编号中含有不可见的控制字符，请重新输入办件编号",
                               details={"field": field})
    return text[:MAX_NUMBER_FILTER].upper()


_EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


def file_response(material: CaseMaterial) -> HttpResponse:
    response = HttpResponse(services.material_content(material), content_type=material.content_type)
    extension = _EXTENSIONS.get(material.content_type, "bin")
    response["Content-Disposition"] = f'attachment; filename="material-{material.pk}.{extension}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def document_response(case: Case, document_id: str) -> HttpResponse:
    """A sealed notice or decision of a case the caller may see (a pending one is not there yet)."""
    try:
        key = uuid.UUID(str(document_id))
    except ValueError:
        key = None
    document = selectors.documents_of(case).filter(public_id=key, sealed_at__isnull=False).first() if key else None
    if document is None:
        raise NotFound("CASE_DOCUMENT_NOT_FOUND", "未找到该文书，或文书尚未签章")
    response = HttpResponse(bytes(document.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{document.kind}-{case.number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


_CASE_NUMBER = re.compile(r"^[0-9A-Z]{21}$")


def _failures_key(number: str) -> str:
    return f"zwfw:cases:progress-failures:{number}:{int(timezone.now().timestamp() // 3600)}"


def progress_checked(number: object, id_tail: object) -> selectors.PublicProgress:
    """``selectors.progress_of``, with wrong tails counted per case number: after
    ``PROGRESS_FAILURES_PER_NUMBER`` in an hour the number answers nothing more that hour, from
    any address (the per-address limit alone would let many addresses try every tail)."""
    text = lookup_key(number, max_length=30).upper()
    tail = lookup_key(id_tail, max_length=10)
    if not text or len(tail) != 6:
        raise ValidationFailed("CASE_PROGRESS_INPUT", "请输入办件编号和申请人证件号码后六位",
                               details={"field": "id_tail"})
    counted = bool(_CASE_NUMBER.match(text))  # what cannot be a case number names no case to protect
    if counted and (cache.get(_failures_key(text)) or 0) >= PROGRESS_FAILURES_PER_NUMBER:
        raise licence_web.RateLimited(
            "RATE_LIMITED", "该办件编号的查询错误次数过多，请一小时后再试，或登录后在“我的办件”中查看")
    try:
        return selectors.progress_of(number=text, id_tail=tail)
    except NotFound:
        if counted:
            key = _failures_key(text)
            cache.add(key, 0, timeout=7200)
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.set(key, 1, timeout=7200)
        raise




def checked_progress_request(request: HttpRequest, number: object, id_tail: object) -> selectors.PublicProgress:
    """The progress query as a page or the API answers it: limited per source address, then per number."""
    licence_web.throttle(request, scope="case-progress", per_minute=PROGRESS_CHECKS_PER_MINUTE)
    return progress_checked(number, id_tail)
