"""What the handlers share: the router with its error responses, and the look-ups of items,
enterprises, cases, materials and steps for the caller."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router

from zwfw.cases import selectors, services, web
from zwfw.cases.models import Case, CaseMaterial, CaseStep
from zwfw.cases.schemas import (
    CaseDetailOut,
    CaseOut,
    CasePageIn,
    CasePageOut,
    CommentOut,
    EntryIn,
    LedgerOut,
    StaffCaseOut,
    StepOut,
)
from zwfw.cases.states import CaseStatus
from zwfw.catalog.models import ImplementationItem
from zwfw.catalog.selectors import published_items
from zwfw.core.api import ErrorOut
from zwfw.core.calendar import current_calendar
from zwfw.core.errors import NotFound, PermissionDenied, ValidationFailed
from zwfw.core.lookups import PreparedInstance, lookup_key
from zwfw.identity.models import Enterprise, Person
from zwfw.identity.selectors import enterprises_represented_by, grants_to, require_person
from zwfw.identity.staff import staff_of


class _Router(Router):
    """A router whose operations keep the ids they had when the handlers were one module,
    ``zwfw_cases_api_<handler>`` (django-ninja names an operation after its handler's module), so the
    OpenAPI document and the clients generated from it stay as they were."""

    def add_api_operation(self, path: str, methods: list[str], view_func: Callable[..., Any],
                          **kwargs: Any) -> None:
        if kwargs.get("operation_id") is None:
            kwargs["operation_id"] = f"{__package__}_{view_func.__name__}".replace(".", "_")
        super().add_api_operation(path, methods, view_func, **kwargs)


router = _Router(tags=["统一受理 / 办件"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 413: ErrorOut, 422: ErrorOut,
          429: ErrorOut}
MATERIAL_FILE = {"responses": {200: {"description": "上传的材料文件（按内容识别的类型）",
                                     "content": {"application/pdf": {}, "image/jpeg": {}, "image/png": {}}}}}
DOCUMENT_FILE = {"responses": {200: {"description": "加盖电子印章的文书（PDF）", "content": {"application/pdf": {}}}}}


# --- helpers ------------------------------------------------------------------------------------------


def _uuid(value: object) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


# What a submission reads of the item and its department (the item row has 46 columns, eight of them
# JSON, and loading them all cost more than the rest of the look-up), in a statement compiled once;
# services.submit and CaseOut read no other field (tests/cases/test_api.py counts the queries).
_SUBMIT_ITEM = PreparedInstance(
    ImplementationItem,
    lambda pk: published_items().filter(pk=pk),
    fields=("id", "code", "version", "status", "department_id", "region_code", "name", "legal_limit_days",
            "promised_limit_days"),
    related=[("department", ("id", "name", "region_code"))],
)


def _item(item_id: int | None) -> ImplementationItem:
    item = published_items().select_related("department").filter(pk=item_id).first() if item_id else None
    if item is None:
        raise NotFound("CASE_ITEM_NOT_FOUND", "未找到该事项，或该事项已停用")
    return item


def _submit_item(item_id: int | None) -> ImplementationItem:
    item = _SUBMIT_ITEM.get(item_id) if item_id else None
    if item is None:
        raise NotFound("CASE_ITEM_NOT_FOUND", "未找到该事项，或该事项已停用")
    return item


def _enterprise(person: Person, credit_code: str) -> Enterprise | None:
    """The enterprise applied for, by credit code: one the person represents or holds a live grant for
    (the services check the grant covers the item)."""
    if not isinstance(credit_code, str) or not credit_code.strip():
        return None  # applying for oneself
    code = lookup_key(credit_code, max_length=18).upper()  # "" for a code that names no enterprise (NUL)
    enterprise = Enterprise.objects.filter(credit_code=code).select_related("legal_representative").first() if code else None
    allowed = enterprise is not None and (
        enterprises_represented_by(person).filter(pk=enterprise.pk).exists()
        or any(grant.enterprise_id == enterprise.pk for grant in grants_to(person))
    )
    if not allowed:
        raise PermissionDenied("CASE_NOT_AUTHORISED_FOR_ENTERPRISE", "您未获该法人授权办理此事项")
    return enterprise


def _mine(request: HttpRequest, public_id: str) -> Case:
    return selectors.case_of_applicant(person=require_person(request.user), public_id=public_id)


def _require_staff(request: HttpRequest) -> None:
    if staff_of(request.user) is None:
        raise PermissionDenied("CASE_STAFF_ONLY", "只有工作人员可以使用工作台接口")


def _staff_case(request: HttpRequest, public_id: str) -> Case:
    _require_staff(request)
    return selectors.case_of_staff(user=request.user, public_id=public_id)


def _staff_detail(request: HttpRequest, case: Case) -> StaffCaseOut:
    case = selectors.case_of_staff(user=request.user, public_id=case.public_id)  # fresh, after the change
    detail = CaseDetailOut.of_case(case, staff=True).model_dump()
    return StaffCaseOut(
        **detail,
        steps=[StepOut.of(s) for s in case.steps.select_related("department").order_by("stage", "id")],
        ledger=[LedgerOut.of(e) for e in case.clock_entries.order_by("seq")],
        comments=[CommentOut(author=c.author_label, text=c.text, at=c.created_at)
                  for c in case.comments.order_by("created_at", "id")],
    )


def _page(queryset: QuerySet[Case], params: CasePageIn, *, deadlines: bool, mask: bool) -> CasePageOut:
    if params.status:
        if params.status not in CaseStatus.values:
            raise ValidationFailed("CASE_STATUS_INVALID", "不支持的状态筛选", details={"field": "status"})
        queryset = queryset.filter(status=params.status)
    number = web.number_filter(params.number)
    if number:
        queryset = queryset.filter(number=number)
    start = (params.page - 1) * params.page_size
    rows = list(queryset[start:start + params.page_size])
    today, calendar = timezone.localdate(), current_calendar()
    return CasePageOut(
        items=[CaseOut.of(c, mask=mask, deadline=web.deadline_of(c, today=today, calendar=calendar) if deadlines
                          else None) for c in rows],
        total=queryset.count(), page=params.page, page_size=params.page_size,
    )


def _key(request: HttpRequest, body_key: str) -> str:
    return (request.headers.get("Idempotency-Key") or body_key or "").strip()


def _material(case: Case, material_id: int) -> CaseMaterial:
    row = selectors.materials_of(case).filter(pk=material_id).first()
    if row is None:
        raise NotFound("CASE_MATERIAL_NOT_FOUND", "未找到该材料")
    return row


def _step(request: HttpRequest, step_id: int) -> CaseStep:
    cases = selectors.cases_of_staff(request.user).values("pk")
    step = CaseStep.objects.filter(pk=step_id, case__in=cases).select_related("case").first()
    if step is None:
        raise NotFound("CASE_STEP_NOT_FOUND", "未找到该审批环节")
    return step


def _entry_applicant(request: HttpRequest, payload: EntryIn, item: ImplementationItem) -> Person:
    """The registered person an entry of ``item`` is for: by public id, else by document
    (``services.find_entry_applicant``)."""
    if payload.applicant:
        key = _uuid(payload.applicant)
        person = Person.objects.filter(public_id=key).select_related("user").first() if key else None
        if person is None:
            raise NotFound("CASE_APPLICANT_NOT_FOUND", "未找到该申请人", details={"field": "applicant"})
        return person
    if not payload.document_number.strip():
        raise ValidationFailed("CASE_APPLICANT_INVALID", "请填写申请人或申请人的证件号码",
                               details={"field": "document_number"})
    return services.find_entry_applicant(actor=request.user, item=item, channel=payload.channel,
                                         document_type=payload.document_type, document_number=payload.document_number)
