"""What the case pages share: sign-in, error pages, redirects, pagination, the timeline, the staff
check, a case's uploaded material, and the deadline of each listed case."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone

from zwfw.cases import selectors, web
from zwfw.cases.models import Case, CaseMaterial
from zwfw.core.calendar import current_calendar
from zwfw.core.errors import NotFound, PermissionDenied
from zwfw.core.masking import mask_name
from zwfw.identity.staff import staff_of

PAGE_SIZE = 20
MAX_PAGE = 500  # as the portal: deep OFFSETs over a sorted queue are slow; filters narrow it instead

DELIVERY_WORDS = {"electronic": "电子送达", "window": "窗口领取", "express": "快递送达"}


# --- shared helpers ----------------------------------------------------------------------------------


def _redirect(name: str, *args: Any, **query: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse(f"cases:{name}", args=args) + (f"?{urlencode(query)}" if query else ""))


@dataclass(frozen=True)
class Page:
    """One page of rows, in the shape portal/_pagination.html reads (page, pages, page_size)."""

    rows: list[Any]
    count: int
    page: int
    page_size: int = PAGE_SIZE

    @property
    def pages(self) -> int:
        return max(1, -(-self.count // self.page_size))


def _paginate(queryset: QuerySet[Case], raw_page: str | None) -> Page:
    """COUNT and one LIMIT/OFFSET query; a page past the end shows the last one."""
    try:
        wanted = min(MAX_PAGE, max(1, int(raw_page or "1")))
    except ValueError:
        wanted = 1
    count = queryset.count()
    page = min(wanted, max(1, -(-count // PAGE_SIZE)))
    start = (page - 1) * PAGE_SIZE
    return Page(rows=list(queryset[start:start + PAGE_SIZE]), count=count, page=page)


def _timeline(case: Case, *, staff: bool) -> list[selectors.TimelineEntry]:
    """办件动态: staff see every event with its note, the applicant only what is meant for them."""
    return selectors.timeline_of(case, public=not staff)


def _require_staff(user: Any) -> None:
    if staff_of(user) is None:
        raise PermissionDenied("CASE_STAFF_ONLY", "工作台仅供工作人员使用")


def _case_material(case: Case, material_id: int) -> CaseMaterial:
    found = CaseMaterial.objects.filter(case=case, pk=material_id).first()
    if found is None:
        raise NotFound("CASE_MATERIAL_NOT_FOUND", "未找到该材料")
    return found


# --- deadlines ---------------------------------------------------------------------------------------


def _rows_with_deadlines(cases: list[Case], *, mask: bool = True) -> list[dict[str, Any]]:
    today, calendar = timezone.localdate(), current_calendar()
    return [
        {
            "case": case,
            "deadline": web.deadline_of(case, today=today, calendar=calendar),
            "applicant": _applicant_name(case, mask=mask),
        }
        for case in cases
    ]


def _applicant_name(case: Case, *, mask: bool) -> str:
    name = case.enterprise.name if case.enterprise is not None else case.applicant.name
    return mask_name(name) if mask and case.enterprise is None else name
