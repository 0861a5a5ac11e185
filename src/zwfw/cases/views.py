"""Pages of 办件 (under /cases/).

- the applicant's: 申请 an item (the form rendered from the item's JSON Schema, 免填 fields from the
  verified identity, the materials with what is taken from an e-licence), 我的办件 and a case's page
  (timeline, correction notices, the correction form, materials, withdrawal);
- the staff workbench: the queue with deadline colours, batch acceptance, a case's page with the
  action forms its status and the user's roles allow, and the supervisor's overdue list;
- the public progress query (办件进度查询) by case number and the last 6 characters of the applicant's
  ID number, rate-limited per source address and per case number.

Thin views: parse the form, call one service or selector, render. A ``DomainError`` re-renders the
page with its Chinese message and the error's status (the service changed nothing).
"""

from __future__ import annotations

import math
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from zwfw.cases import clock, selectors, services, uploads, web
from zwfw.cases.models import (
    Case,
    CaseMaterial,
    ItemForm,
    Procedure,
    StepKind,
)
from zwfw.cases.states import CLOCK_STATES, CaseStatus
from zwfw.catalog.models import ImplementationItem, Material, MaterialRequirement, MaterialSource
from zwfw.catalog.selectors import published_items
from zwfw.core.calendar import current_calendar
from zwfw.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from zwfw.core.lookups import lookup_key
from zwfw.core.masking import mask_name
from zwfw.identity.agents import current_principal, principals_of
from zwfw.identity.models import Enterprise, Person, StaffMember, StaffRole
from zwfw.identity.selectors import require_person
from zwfw.identity.staff import roles_of, staff_of
from zwfw.licenses.models import LicenseType

app_name = "cases"

PAGE_SIZE = 20
MAX_PAGE = 500  # as the portal: deep OFFSETs over a sorted queue are slow; filters narrow it instead
MAX_BATCH = 50  # cases accepted in one batch (one page of the queue at most)
CORRECTION_ROWS = 5  # empty rows offered in the 一次性告知 form

DELIVERY_WORDS = {"electronic": "电子送达", "window": "窗口领取", "express": "快递送达"}
ROLE_WORDS = dict(StaffRole.choices)
QUEUE_STATUSES = (CaseStatus.SUBMITTED, CaseStatus.ACCEPTED, CaseStatus.IN_REVIEW)


# --- shared helpers ----------------------------------------------------------------------------------


def _signed_in(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            login = reverse("identity:login")
            return HttpResponseRedirect(f"{login}?{urlencode({'next': request.get_full_path()})}")
        return view(request, *args, **kwargs)

    return wrapper


def _error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    template = {404: "portal/404.html", 403: "portal/403.html"}.get(exc.status, "portal/400.html")
    return render(request, template, {"message": exc.message}, status=exc.status)


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


# --- the application form from its JSON Schema ---------------------------------------------------------


def _item_form(item: ImplementationItem) -> ItemForm | None:
    return ItemForm.objects.filter(item=item).first()


def _field_type(spec: dict[str, Any]) -> str:
    kind = spec.get("type", "string")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "string")
    if kind == "string" and spec.get("format") == "date":
        return "date"
    return kind if kind in ("string", "number", "integer", "boolean") else "string"


def _fields(form: ItemForm | None, values: dict[str, Any], prefilled: dict[str, str]) -> list[dict[str, Any]]:
    """The form's fields in layout order (then the rest), with what the page needs to draw each."""
    if form is None:
        return []
    properties = form.schema.get("properties", {}) or {}
    order = [name for name in (form.layout or {}).get("order", []) if name in properties]
    order += [name for name in properties if name not in order]
    required = set(form.schema.get("required", []))
    fields = []
    for name in order:
        spec = properties[name] if isinstance(properties[name], dict) else {}
        value = prefilled.get(name, values.get(name, ""))
        fields.append({
            "name": name,
            "input": f"f_{name}",
            "title": str(spec.get("title") or name),
            "description": str(spec.get("description") or ""),
            "type": _field_type(spec),
            "enum": [str(option) for option in spec.get("enum", [])] if isinstance(spec.get("enum"), list) else [],
            "required": name in required,
            "prefilled": name in prefilled,
            "value": "" if value is None else str(value).lower() if isinstance(value, bool) else str(value),
            "min": spec.get("minimum", ""),
            "max": spec.get("maximum", ""),
            "maxlength": spec.get("maxLength", 2000),
        })
    return fields


_INTEGER = re.compile(r"^[+-]?\d{1,15}$")


def _coerce(raw: str, kind: str) -> Any:
    """A posted text as the field's JSON type; text that does not convert stays text, so the form's
    validation names the field (“…的类型不正确”)."""
    if kind == "integer":
        return int(raw) if _INTEGER.match(raw) else raw
    if kind == "number":
        if _INTEGER.match(raw):
            return int(raw)
        try:
            number = float(raw)
        except ValueError:
            return raw
        return number if math.isfinite(number) else raw
    if kind == "boolean":
        return {"true": True, "false": False}.get(raw, raw)
    return raw


def _posted_form(request: HttpRequest, fields: list[dict[str, Any]]) -> dict[str, Any]:
    """The form data of a POST; an empty field is left out (a required one is then reported missing)."""
    data: dict[str, Any] = {}
    for field in fields:
        if field["prefilled"]:
            continue  # the services take these from the verified identity, whatever is sent
        raw = str(request.POST.get(field["input"], "")).strip()
        if raw:
            data[field["name"]] = _coerce(raw, field["type"])
    return data


def _materials(item: ImplementationItem, case: Case | None = None) -> list[dict[str, Any]]:
    """The item's materials with how each is met; for a case, the current upload or linked licence."""
    current: dict[int | None, list[CaseMaterial]] = {}
    if case is not None:
        for row in selectors.materials_of(case):
            current.setdefault(row.material_id, []).append(row)
    rows = []
    for material in Material.objects.filter(item=item).order_by("sort_order", "id"):
        if material.source == MaterialSource.E_LICENSE:
            how = _("免提交：将自动调取您的电子证照")
        elif material.source == MaterialSource.SHARED_DATA:
            how = _("免提交：由受理部门通过数据共享获取")
        elif material.source == MaterialSource.DEPARTMENT:
            how = _("免提交：由受理部门向核发部门调取")
        else:
            how = ""
        rows.append({
            "material": material,
            "requirement": MaterialRequirement(material.requirement).label,
            "how": how,
            "uploadable": material.electronic
            and material.source in (MaterialSource.APPLICANT, MaterialSource.E_LICENSE),
            "have": current.get(material.pk, []),
        })
    extra = current.get(None, [])
    if extra:
        rows.append({"material": None, "requirement": _("补充材料"), "how": "", "uploadable": False, "have": extra})
    return rows


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
@_signed_in
def apply(request: HttpRequest, item_id: int) -> HttpResponse:
    """申请: fill in the item's form; save it as a draft (then upload materials) or submit it."""
    try:
        person = require_person(request.user)
        item = _published_item(item_id)
        choices = _enterprise_choices(person)
        enterprise = _chosen_enterprise(request, person, choices)
        prefilled = services.prefilled_form(actor=request.user, item=item, enterprise=enterprise)
    except DomainError as exc:
        return _error(request, exc)
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
@_signed_in
def mine(request: HttpRequest) -> HttpResponse:
    """我的办件: own cases and those of the enterprises the person acts for."""
    try:
        person = require_person(request.user)
    except DomainError as exc:
        return _error(request, exc)
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


def _shown_form(form: ItemForm | None, data: dict[str, Any]) -> list[tuple[str, str]]:
    """The form data as (title, value) rows in the form's order; fields the form no longer has last."""
    fields = _fields(form, {}, {}) if form is not None else []
    titles = [(field["name"], field["title"]) for field in fields]
    known = {name for name, _title in titles}
    titles += [(name, name) for name in data if name not in known]
    return [(title, _display(data[name])) for name, title in titles if name in data]


def _display(value: Any) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


@require_http_methods(["GET", "POST"])
@_signed_in
def mine_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    """A case of mine; POST saves or submits a draft (``op`` save / submit) or sends a correction."""
    try:
        person, case = _my_case(request, public_id)
    except DomainError as exc:
        return _error(request, exc)
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
@_signed_in
def mine_withdraw(request: HttpRequest, public_id: str) -> HttpResponse:
    try:
        person, case = _my_case(request, public_id)
    except DomainError as exc:
        return _error(request, exc)
    try:
        services.withdraw(actor=request.user, case=case, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        return _mine_page(request, person, case, {"error": exc}, exc.status)
    return _redirect("mine_detail", case.public_id, done="withdrawn")


@require_POST
@_signed_in
def mine_upload(request: HttpRequest, public_id: str) -> HttpResponse:
    """上传材料 to a draft or a case waiting for corrections (the file's type is checked from its content)."""
    try:
        person, case = _my_case(request, public_id)
    except DomainError as exc:
        return _error(request, exc)
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


def _case_material(case: Case, material_id: int) -> CaseMaterial:
    found = CaseMaterial.objects.filter(case=case, pk=material_id).first()
    if found is None:
        raise NotFound("CASE_MATERIAL_NOT_FOUND", "未找到该材料")
    return found


@require_POST
@_signed_in
def mine_remove(request: HttpRequest, public_id: str, material_id: int) -> HttpResponse:
    try:
        person, case = _my_case(request, public_id)
    except DomainError as exc:
        return _error(request, exc)
    try:
        services.remove_upload(actor=request.user, material=_case_material(case, material_id))
    except DomainError as exc:
        return _mine_page(request, person, case, {"error": exc}, exc.status)
    return HttpResponseRedirect(reverse("cases:mine_detail", args=[case.public_id]) + "?done=removed#materials")


@require_safe
@_signed_in
def mine_document(request: HttpRequest, public_id: str, document_id: str) -> HttpResponse:
    try:
        _person, case = _my_case(request, public_id)
        return web.document_response(case, document_id)
    except DomainError as exc:
        return _error(request, exc)


@require_safe
@_signed_in
def mine_material(request: HttpRequest, public_id: str, material_id: int) -> HttpResponse:
    try:
        _person, case = _my_case(request, public_id)
        return web.file_response(_case_material(case, material_id))
    except DomainError as exc:
        return _error(request, exc)


# --- staff: the workbench ---------------------------------------------------------------------------------


def _require_staff(user: Any) -> None:
    if staff_of(user) is None:
        raise PermissionDenied("CASE_STAFF_ONLY", "工作台仅供工作人员使用")


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
@_signed_in
def workbench(request: HttpRequest) -> HttpResponse:
    """待办: what waits for the user's roles, the most urgent first."""
    try:
        _require_staff(request.user)
    except DomainError as exc:
        return _error(request, exc)
    return _workbench_page(request)


@require_POST
@_signed_in
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
        return _error(request, exc)
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
@_signed_in
def workbench_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    try:
        case = _case_for_staff(request, public_id)
    except DomainError as exc:
        return _error(request, exc)
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
@_signed_in
def workbench_act(request: HttpRequest, public_id: str) -> HttpResponse:
    """One action on a case (``action``: accept, refuse, corrections, approve_step, refuse_step, approve,
    disapprove, stop_clock, resume_clock, extend, complete, comment, reassign)."""
    try:
        case = _case_for_staff(request, public_id)
    except DomainError as exc:
        return _error(request, exc)
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
@_signed_in
def workbench_material(request: HttpRequest, public_id: str, material_id: int) -> HttpResponse:
    try:
        case = _case_for_staff(request, public_id)
        return web.file_response(_case_material(case, material_id))
    except DomainError as exc:
        return _error(request, exc)


@require_safe
@_signed_in
def workbench_document(request: HttpRequest, public_id: str, document_id: str) -> HttpResponse:
    try:
        case = _case_for_staff(request, public_id)
        return web.document_response(case, document_id)
    except DomainError as exc:
        return _error(request, exc)


@require_safe
@_signed_in
def overdue(request: HttpRequest) -> HttpResponse:
    """超期办件 in the supervisor's region: running cases past their promised due date."""
    if StaffRole.SUPERVISOR not in roles_of(request.user):
        return _error(request, PermissionDenied("CASE_SUPERVISOR_ONLY", "只有效能监督人员可以查看超期办件"))
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


# --- the public progress query -------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def progress(request: HttpRequest) -> HttpResponse:
    """办件进度查询: case number + the last 6 characters of the applicant's ID number."""
    context: dict[str, Any] = {"form": {"number": lookup_key(request.POST.get("number", ""), max_length=30)}}
    status = 200
    if request.method == "POST":
        try:
            context["progress"] = web.checked_progress_request(
                request, request.POST.get("number", ""), request.POST.get("id_tail", ""))
        except DomainError as exc:
            context["error"] = exc
            status = exc.status
    response = render(request, "cases/progress.html", context, status=status)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "same-origin"  # a POST form: see licenses.views._public
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


urlpatterns = [
    path("apply/<int:item_id>/", apply, name="apply"),
    path("mine/", mine, name="mine"),
    path("mine/<str:public_id>/", mine_detail, name="mine_detail"),
    path("mine/<str:public_id>/withdraw/", mine_withdraw, name="mine_withdraw"),
    path("mine/<str:public_id>/materials/", mine_upload, name="mine_upload"),
    path("mine/<str:public_id>/materials/<int:material_id>/", mine_material, name="mine_material"),
    path("mine/<str:public_id>/materials/<int:material_id>/remove/", mine_remove, name="mine_remove"),
    path("mine/<str:public_id>/documents/<str:document_id>.pdf", mine_document, name="mine_document"),
    path("workbench/", workbench, name="workbench"),
    path("workbench/batch-accept/", batch_accept, name="batch_accept"),
    path("workbench/overdue/", overdue, name="overdue"),
    path("workbench/<str:public_id>/", workbench_detail, name="workbench_detail"),
    path("workbench/<str:public_id>/act/", workbench_act, name="workbench_act"),
    path("workbench/<str:public_id>/materials/<int:material_id>/", workbench_material, name="workbench_material"),
    path("workbench/<str:public_id>/documents/<str:document_id>.pdf", workbench_document, name="workbench_document"),
    path("progress/", progress, name="progress"),
]
