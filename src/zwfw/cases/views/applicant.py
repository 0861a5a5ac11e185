"""The applicant's pages: 申请 an item, 我的办件 and a case's page with its actions (save or submit
a draft, correct, withdraw, upload and remove materials, download documents and materials)."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from zwfw.cases import selectors, services, uploads, web
from zwfw.cases.models import Case
from zwfw.cases.states import CaseStatus
from zwfw.cases.views._common import (
    DELIVERY_WORDS,
    _case_material,
    _paginate,
    _redirect,
    _rows_with_deadlines,
    _timeline,
)
from zwfw.cases.views.application_form import _fields, _item_form, _materials, _posted_form, _shown_form
from zwfw.catalog.models import ImplementationItem, Material, MaterialRequirement, MaterialSource
from zwfw.catalog.selectors import published_items
from zwfw.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from zwfw.core.pages import error_page
from zwfw.identity.agents import current_principal, principals_of
from zwfw.identity.models import Enterprise, Person
from zwfw.identity.selectors import require_person

# --- citizens: applying ---------------------------------------------------------------------------------


def _published_item(item_id: int) -> ImplementationItem:
    item = published_items().select_related("department").filter(pk=item_id).first()
    if item is None:
        raise NotFound("CASE_ITEM_NOT_FOUND", "未找到该事项，或该事项已停用")
    return item


def _enterprise_choices(person: Person) -> list[Any]:
    return [principal for principal in principals_of(person) if principal.kind == "enterprise"]


def _chosen_enterprise(request: HttpRequest, person: Person, choices: list[Any]) -> Enterprise | None:
    """The enterprise applied for: the one chosen on the page, else whom the person acts for now.
    Only one of the person's own principals (legal representative, live agent grant) can be chosen."""
    raw = request.POST.get("acting_for") if request.method == "POST" else request.GET.get("acting_for")
    if raw is None:
        principal = current_principal(request)
        raw = principal.public_id if principal.kind == "enterprise" else ""
    if not raw:
        return None
    if not any(choice.public_id == raw for choice in choices):
        raise PermissionDenied("CASE_NOT_AUTHORISED_FOR_ENTERPRISE", "您未获该法人授权办理此事项")
    return Enterprise.objects.select_related("legal_representative").get(public_id=raw)


@require_http_methods(["GET", "POST"])
@login_required
def apply(request: HttpRequest, item_id: int) -> HttpResponse:
    """申请: fill in the item's form; save it as a draft (then upload materials) or submit it."""
    try:
        person = require_person(request.user)
        item = _published_item(item_id)
        choices = _enterprise_choices(person)
        enterprise = _chosen_enterprise(request, person, choices)
        prefilled = services.prefilled_form(actor=request.user, item=item, enterprise=enterprise)
    except DomainError as exc:
        return error_page(request, exc)
    form = _item_form(item)
    fields = _fields(form, {}, prefilled)
    context: dict[str, Any] = {"item": item, "choices": choices, "enterprise": enterprise,
                               "idempotency_key": uuid.uuid4().hex}
    status = 200
    if request.method == "POST":
        data = _posted_form(request, fields)
        key = str(request.POST.get("idempotency_key", ""))[:services.MAX_KEY + 1]
        try:
            if request.POST.get("op") == "draft":
                case = services.save_draft(actor=request.user, item=item, form_data=data, enterprise=enterprise)
                return _redirect("mine_detail", case.public_id, done="draft")
            case = services.submit(actor=request.user, item=item, form_data=data, idempotency_key=key,
                                   enterprise=enterprise)
            return _redirect("mine_detail", case.public_id, done="submitted")
        except DomainError as exc:
            context.update(error=exc, idempotency_key=key or context["idempotency_key"])
            fields = _fields(form, data, prefilled)
            status = exc.status
    materials = _materials(item)
    must_upload = any(row["uploadable"] and row["material"].source == MaterialSource.APPLICANT
                      and row["material"].requirement == MaterialRequirement.REQUIRED for row in materials)
    context.update(fields=fields, materials=materials, must_upload=must_upload)
    return render(request, "cases/apply.html", context, status=status)


# --- citizens: my cases ---------------------------------------------------------------------------------


@require_safe
@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """我的办件: own cases and those of the enterprises the person acts for."""
    try:
        person = require_person(request.user)
    except DomainError as exc:
        return error_page(request, exc)
    page = _paginate(selectors.cases_of_applicant(person), request.GET.get("page"))
    rows = _rows_with_deadlines(page.rows, mask=False)
    return render(request, "cases/mine.html", {"result": page, "rows": rows})


def _my_case(request: HttpRequest, public_id: str) -> tuple[Person, Case]:
    person = require_person(request.user)
    return person, selectors.case_of_applicant(person=person, public_id=public_id)


def _mine_page(request: HttpRequest, person: Person, case: Case, context: dict[str, Any] | None = None,
               status: int = 200) -> HttpResponse:
    context = dict(context or {})
    form = _item_form(case.item)
    own = case.applicant_id == person.pk  # a legal representative sees an agent's case but cannot act on it
    editable = own and case.status in (CaseStatus.DRAFT, CaseStatus.CORRECTIONS_REQUESTED)
    prefilled: dict[str, str] = {}
    if form is not None and editable:
        names = (form.layout or {}).get("prefill", {})
        try:
            prefilled = services.prefilled_form(actor=request.user, item=case.item, enterprise=case.enterprise)
        except DomainError:
            prefilled = {name: str(case.form_data.get(name, "")) for name in names}
    values = context.pop("values", case.form_data)
    context.update(
        case=case,
        own=own,
        editable=editable,
        fields=_fields(form, values, prefilled) if editable else [],
        shown=_shown_form(form, case.form_data),
        materials=_materials(case.item, case),
        notices=list(case.correction_notices.order_by("issued_at", "id")),
        timeline=_timeline(case, staff=False),
        documents=list(selectors.documents_of(case)),
        deadline=_rows_with_deadlines([case], mask=False)[0]["deadline"],
        can_withdraw=own and (case.status, CaseStatus.WITHDRAWN) in _WITHDRAWABLE,
        decision=getattr(case, "decision", None) if case.status in (
            CaseStatus.APPROVED, CaseStatus.DISAPPROVED, CaseStatus.COMPLETED) else None,
        done=request.GET.get("done", "")[:20],
        delivery_word=DELIVERY_WORDS.get(case.delivery_method, ""),
    )
    context.setdefault("idempotency_key", uuid.uuid4().hex)
    return render(request, "cases/mine_detail.html", context, status=status)


_WITHDRAWABLE = {
    (state, CaseStatus.WITHDRAWN)
    for state in (CaseStatus.DRAFT, CaseStatus.SUBMITTED, CaseStatus.CORRECTIONS_REQUESTED, CaseStatus.ACCEPTED,
                  CaseStatus.IN_REVIEW)
}


@require_http_methods(["GET", "POST"])
@login_required
def mine_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    """A case of mine; POST saves or submits a draft (``op`` save / submit) or sends a correction."""
    try:
        person, case = _my_case(request, public_id)
    except DomainError as exc:
        return error_page(request, exc)
    if request.method != "POST":
        return _mine_page(request, person, case)
    fields = _fields(_item_form(case.item), {}, {name: "" for name in _prefill_names(case)})
    data = _posted_form(request, fields)
    op = request.POST.get("op", "")
    key = str(request.POST.get("idempotency_key", ""))[:services.MAX_KEY + 1]
    try:
        if op == "save":
            services.save_draft(actor=request.user, item=case.item, form_data=data, draft=case)
            return _redirect("mine_detail", case.public_id, done="draft")
        if op == "submit":
            services.submit(actor=request.user, item=case.item, form_data=data, idempotency_key=key, draft=case)
            return _redirect("mine_detail", case.public_id, done="submitted")
        if op == "correct":
            # an item without a form keeps what was submitted
            services.correct(actor=request.user, case=case, form_data=data if fields else None)
            return _redirect("mine_detail", case.public_id, done="corrected")
        raise ValidationFailed("CASE_ACTION_UNKNOWN", "不支持的操作", details={"field": "op"})
    except DomainError as exc:
        return _mine_page(request, person, case, {"error": exc, "values": data, "idempotency_key": key},
                          exc.status)


def _prefill_names(case: Case) -> list[str]:
    form = _item_form(case.item)
    return list((form.layout or {}).get("prefill", {})) if form is not None else []


@require_POST
@login_required
def mine_withdraw(request: HttpRequest, public_id: str) -> HttpResponse:
    try:
        person, case = _my_case(request, public_id)
    except DomainError as exc:
        return error_page(request, exc)
    try:
        services.withdraw(actor=request.user, case=case, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        return _mine_page(request, person, case, {"error": exc}, exc.status)
    return _redirect("mine_detail", case.public_id, done="withdrawn")


@require_POST
@login_required
def mine_upload(request: HttpRequest, public_id: str) -> HttpResponse:
    """上传材料 to a draft or a case waiting for corrections (the file's type is checked from its content)."""
    try:
        person, case = _my_case(request, public_id)
    except DomainError as exc:
        return error_page(request, exc)
    try:
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationFailed("CASE_UPLOAD_REQUIRED", "请选择要上传的文件", details={"field": "file"})
        if (upload.size or 0) > uploads.MAX_UPLOAD_BYTES:
            megabytes = uploads.MAX_UPLOAD_BYTES // (1024 * 1024)
            raise ValidationFailed("CASE_UPLOAD_TOO_LARGE", f"单个文件不能超过{megabytes}MB", details={"field": "file"})
        material = None
        raw = request.POST.get("material", "")
        if raw:
            material = Material.objects.filter(item=case.item, pk=int(raw) if raw.isascii() and raw.isdigit() else 0).first()
            if material is None:
                raise ValidationFailed("CASE_MATERIAL_UNKNOWN", "该材料不属于此事项", details={"field": "material"})
        services.add_upload(actor=request.user, case=case, content=upload.read(), filename=upload.name or "",
                            material=material, name=request.POST.get("name", ""))
    except DomainError as exc:
        return _mine_page(request, person, case, {"error": exc}, exc.status)
    return HttpResponseRedirect(reverse("cases:mine_detail", args=[case.public_id]) + "?done=uploaded#materials")


@require_POST
@login_required
def mine_remove(request: HttpRequest, public_id: str, material_id: int) -> HttpResponse:
    try:
        person, case = _my_case(request, public_id)
    except DomainError as exc:
        return error_page(request, exc)
    try:
        services.remove_upload(actor=request.user, material=_case_material(case, material_id))
    except DomainError as exc:
        return _mine_page(request, person, case, {"error": exc}, exc.status)
    return HttpResponseRedirect(reverse("cases:mine_detail", args=[case.public_id]) + "?done=removed#materials")


@require_safe
@login_required
def mine_document(request: HttpRequest, public_id: str, document_id: str) -> HttpResponse:
    try:
        _person, case = _my_case(request, public_id)
        return web.document_response(case, document_id)
    except DomainError as exc:
        return error_page(request, exc)


@require_safe
@login_required
def mine_material(request: HttpRequest, public_id: str, material_id: int) -> HttpResponse:
    try:
        _person, case = _my_case(request, public_id)
        return web.file_response(_case_material(case, material_id))
    except DomainError as exc:
        return error_page(request, exc)
