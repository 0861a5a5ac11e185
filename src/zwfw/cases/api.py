"""JSON API of 办件 (under /api/v1/cases/), for department systems and mobile apps.

- public: the progress query (case number + the last 6 ID characters, masked answer, rate-limited)
  and the 一件事 catalogue with each event's merged form;
- the applicant (browser session with CSRF, or a bearer token with the ``profile`` scope): forms with
  免填 values, drafts, materials, idempotent submission, my cases with the timeline, corrections,
  withdrawal, confirming a window entry, 一件事 submission and status;
- staff (browser session, signed in with two factors): the work queue with deadline colours, the
  department's cases, every step of pre-review, approval, the clock, decision and 办结, batch
  acceptance, comments, reassignment, window and hotline entry, the supervisor's overdue list.

A case the caller may not see is the same 404 as none. Every rule is in ``zwfw.cases.services``.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import File, Form, Router, Status, UploadedFile
from ninja.params import Query

from zwfw.cases import bundles, selectors, services, uploads, web
from zwfw.cases.models import Case, CaseMaterial, CaseStep, ItemForm, LifeEvent
from zwfw.cases.schemas import (
    BatchIn,
    BatchResultOut,
    BundleFormOut,
    BundleOut,
    CaseDetailOut,
    CaseMaterialOut,
    CaseOut,
    CasePageIn,
    CasePageOut,
    CaseStatusOut,
    CommentIn,
    CommentOut,
    CompleteIn,
    ConfirmIn,
    CorrectIn,
    CorrectionsIn,
    DecideIn,
    DraftIn,
    DraftUpdateIn,
    EntryIn,
    ExtendIn,
    FormOut,
    LedgerOut,
    LifeEventOut,
    OpinionIn,
    ProgressIn,
    ProgressOut,
    ReasonIn,
    ReassignIn,
    StaffCaseOut,
    StepOut,
    StopIn,
    SubmitIn,
)
from zwfw.cases.states import CaseStatus
from zwfw.catalog.models import ImplementationItem, Material
from zwfw.catalog.selectors import published_items
from zwfw.core.api import ErrorOut
from zwfw.core.calendar import current_calendar
from zwfw.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from zwfw.core.lookups import PreparedInstance, lookup_key
from zwfw.identity.api.auth import account_auth, session_auth
from zwfw.identity.models import Enterprise, Person, StaffMember
from zwfw.identity.selectors import enterprises_represented_by, grants_to, require_person
from zwfw.identity.staff import has_role, staff_of

router = Router(tags=["统一受理 / 办件"])
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


def _require_entering_role(request: HttpRequest, channel: str) -> None:
    """Before any applicant look-up: whether a document number is registered is told only to those who
    may enter applications on that channel (``services.enter_for_applicant`` checks the same again)."""
    _require_staff(request)
    role = services.ENTERING_ROLES.get(channel)
    if role is None:
        raise ValidationFailed("CASE_CHANNEL_INVALID", "代为录入只适用于窗口和热线渠道", details={"field": "channel"})
    if not has_role(request.user, role):
        raise PermissionDenied("CASE_ROLE_REQUIRED", "只有窗口受理人员或热线话务员可以代为录入")


def _entry_applicant(request: HttpRequest, payload: EntryIn) -> Person:
    """The registered person an entry is for: by public id, else by document (``services.find_entry_applicant``)."""
    if payload.applicant:
        key = _uuid(payload.applicant)
        person = Person.objects.filter(public_id=key).select_related("user").first() if key else None
        if person is None:
            raise NotFound("CASE_APPLICANT_NOT_FOUND", "未找到该申请人", details={"field": "applicant"})
        return person
    if not payload.document_number.strip():
        raise ValidationFailed("CASE_APPLICANT_INVALID", "请填写申请人或申请人的证件号码",
                               details={"field": "document_number"})
    return services.find_entry_applicant(actor=request.user, channel=payload.channel,
                                         document_type=payload.document_type, document_number=payload.document_number)


# --- public -------------------------------------------------------------------------------------------


@router.post(
    "/progress",
    response={200: ProgressOut, **ERRORS},
    summary="办件进度查询",
    description="按办件编号和申请人证件号码（或统一社会信用代码）后6位查询办理进度：只返回事项、状态、"
    "脱敏的申请人和办理过程（不含说明）。编号不存在与号码不符返回同样的 404；每个来源地址每分钟最多"
    f"{web.PROGRESS_CHECKS_PER_MINUTE}次，同一编号每小时错误{web.PROGRESS_FAILURES_PER_NUMBER}次后锁定一小时。",
)
def progress(request: HttpRequest, payload: ProgressIn):
    return ProgressOut.of(web.checked_progress_request(request, payload.number, payload.id_tail))


@router.get(
    "/events",
    response={200: list[LifeEventOut], **ERRORS},
    summary="一件事目录",
    description="已发布的一件事及其包含的事项（公开）。",
)
def list_events(request: HttpRequest):
    rows = []
    for event in LifeEvent.objects.filter(published=True).order_by("sort_order", "id"):
        try:
            items = [item.name for item in bundles.event_items(event)]
        except DomainError:
            continue  # an item is suspended: not offered
        rows.append(LifeEventOut(code=event.code, name=event.name, audience=event.audience,
                                 description=event.description, items=items))
    return rows


@router.get(
    "/events/{code}/form",
    response={200: BundleFormOut, **ERRORS},
    summary="一件事合并表单",
    description="一件事的合并表单（多个事项共同的字段只出现一次）和去重后的材料清单。",
)
def event_form(request: HttpRequest, code: str):
    merged = bundles.bundle_form(bundles.published_event(code))
    return BundleFormOut(
        form_schema=merged.schema, layout=merged.layout, shared_fields=merged.shared_fields,
        materials=[{"name": m.name, "source": m.source, "required": m.required, "items": m.items}
                   for m in merged.materials],
    )


# --- the applicant ------------------------------------------------------------------------------------


@router.get(
    "/items/{item_id}/form",
    auth=account_auth,
    response={200: FormOut, **ERRORS},
    summary="事项申请表单",
    description="事项的申请表单（JSON Schema 和布局）、按实名信息预填的字段（免填），以及材料和来源"
    "（来源为电子证照或数据共享的为免提交）。enterprise：代法人申请时法人的统一社会信用代码。",
)
def item_form(request: HttpRequest, item_id: int, enterprise: str = ""):
    person = require_person(request.user)
    item = _item(item_id)
    chosen = _enterprise(person, enterprise)
    prefilled = services.prefilled_form(actor=request.user, item=item, enterprise=chosen)
    form = ItemForm.objects.filter(item=item).first()
    materials = [{"id": m.pk, "name": m.name, "source": m.source, "requirement": m.requirement,
                  "electronic": m.electronic} for m in Material.objects.filter(item=item).order_by("sort_order", "id")]
    return FormOut(form_schema=form.schema if form else {}, layout=form.layout if form else {},
                   prefilled=prefilled, materials=materials)


@router.post(
    "/drafts",
    auth=account_auth,
    response={201: CaseOut, **ERRORS},
    summary="保存草稿",
    description="新建一份草稿（表单只需是对象，提交时再校验）。",
)
def create_draft(request: HttpRequest, payload: DraftIn):
    person = require_person(request.user)
    case = services.save_draft(actor=request.user, item=_item(payload.item_id), form_data=payload.form_data,
                               enterprise=_enterprise(person, payload.enterprise), channel=payload.channel)
    return Status(201, CaseOut.of(case))


@router.put(
    "/drafts/{public_id}",
    auth=account_auth,
    response={200: CaseOut, **ERRORS},
    summary="修改草稿",
    description="替换草稿的表单数据（只有草稿可以修改，已提交的返回 409 CASE_NOT_DRAFT）。",
)
def update_draft(request: HttpRequest, public_id: str, payload: DraftUpdateIn):
    draft = _mine(request, public_id)
    case = services.save_draft(actor=request.user, item=draft.item, form_data=payload.form_data, draft=draft)
    return CaseOut.of(case)


@router.post(
    "/submissions",
    auth=account_auth,
    response={200: CaseOut, 201: CaseOut, **ERRORS},
    summary="提交申请",
    description="提交申请：表单按事项的 JSON Schema 校验，必要材料须已上传到草稿（电子证照材料自动关联，免提交），"
    "取得全国唯一的办件编号。幂等：同一幂等键（请求头 Idempotency-Key 或 idempotency_key）再次提交相同内容"
    "返回同一办件（200），内容不同返回 409。",
)
def submit(request: HttpRequest, payload: SubmitIn):
    person = require_person(request.user)
    key = _key(request, payload.idempotency_key)
    draft = _mine(request, payload.draft) if payload.draft else None
    item = draft.item if draft is not None else _submit_item(payload.item_id)
    form_data = payload.form_data if payload.form_data is not None else (draft.form_data if draft else {})
    case = services.submit(actor=request.user, item=item, form_data=form_data, idempotency_key=key,
                           enterprise=_enterprise(person, payload.enterprise) if draft is None else None,
                           channel=payload.channel if draft is None else draft.channel, draft=draft)
    return Status(200 if case.replayed else 201, CaseOut.of(case))


@router.get(
    "/mine",
    auth=account_auth,
    response={200: CasePageOut, **ERRORS},
    summary="我的办件",
    description="本人的办件和所代理法人的办件，最近的在前，分页。",
)
def my_cases(request: HttpRequest, params: Query[CasePageIn]):
    return _page(selectors.cases_of_applicant(require_person(request.user)), params, deadlines=False, mask=False)


@router.get(
    "/mine/{public_id}",
    auth=account_auth,
    response={200: CaseDetailOut, **ERRORS},
    summary="办件详情",
    description="办件状态、期限、材料、补正告知、办件动态（不含内部环节）和通知书。",
)
def my_case(request: HttpRequest, public_id: str):
    return CaseDetailOut.of_case(_mine(request, public_id), staff=False)


@router.get(
    "/mine/{public_id}/status",
    auth=account_auth,
    response={200: CaseStatusOut, **ERRORS},
    summary="办件状态",
    description="办件当前状态和期限（一次查询，供移动端轮询；有变化时再取办件详情）。",
)
def my_case_status(request: HttpRequest, public_id: str):
    return CaseStatusOut.of(selectors.case_status_of(user=request.user, public_id=public_id))


@router.post(
    "/mine/{public_id}/materials",
    auth=account_auth,
    response={201: CaseMaterialOut, **ERRORS},
    summary="上传材料",
    description="向草稿或待补正的办件上传材料：PDF、JPEG 或 PNG（按文件内容识别），不超过10MB；"
    "同一材料再次上传替换前一份。",
)
def upload(request: HttpRequest, public_id: str, file: File[UploadedFile], material_id: Form[int | None] = None):
    case = _mine(request, public_id)
    if file.size is not None and file.size > uploads.MAX_UPLOAD_BYTES:
        raise ValidationFailed("CASE_UPLOAD_TOO_LARGE", "单个文件不能超过10MB", details={"field": "file"})
    material = Material.objects.filter(pk=material_id, item=case.item).first() if material_id else None
    if material_id and material is None:
        raise ValidationFailed("CASE_MATERIAL_UNKNOWN", "该材料不属于此事项", details={"field": "material_id"})
    row = services.add_upload(actor=request.user, case=case, content=file.read(), filename=file.name or "",
                              material=material, name=file.name or "")
    return Status(201, CaseMaterialOut.of(row))


@router.delete(
    "/mine/{public_id}/materials/{material_id}",
    auth=account_auth,
    response={204: None, **ERRORS},
    summary="删除材料",
    description="从草稿或待补正的办件删除一份上传的材料（记录保留、标为已替换）；其他状态返回 409。",
)
def remove_upload(request: HttpRequest, public_id: str, material_id: int):
    services.remove_upload(actor=request.user, material=_material(_mine(request, public_id), material_id))
    return Status(204, None)


@router.get(
    "/mine/{public_id}/materials/{material_id}/file",
    auth=account_auth,
    response={200: None, **ERRORS},
    summary="下载本人材料",
    description="本人上传的材料文件；电子证照材料（免提交）没有文件，返回 404。",
    openapi_extra=MATERIAL_FILE,
)
def my_material_file(request: HttpRequest, public_id: str, material_id: int) -> HttpResponse:
    return web.file_response(_material(_mine(request, public_id), material_id))


@router.get(
    "/mine/{public_id}/documents/{document_id}",
    auth=account_auth,
    response={200: None, **ERRORS},
    summary="下载通知书或决定书",
    description="已加盖部门业务专用章的受理通知书、补正通知书、不予受理通知书或审批决定书（PDF）。",
    openapi_extra=DOCUMENT_FILE,
)
def my_document(request: HttpRequest, public_id: str, document_id: str) -> HttpResponse:
    return web.document_response(_mine(request, public_id), document_id)


@router.post(
    "/mine/{public_id}/correct",
    auth=account_auth,
    response={200: CaseOut, **ERRORS},
    summary="提交补正",
    description="按补正告知上传材料（见上传材料）、修改表单后提交补正；受理期限重新起算。",
)
def correct(request: HttpRequest, public_id: str, payload: CorrectIn):
    return CaseOut.of(services.correct(actor=request.user, case=_mine(request, public_id), form_data=payload.form_data))


@router.post(
    "/mine/{public_id}/withdraw",
    auth=account_auth,
    response={200: CaseOut, **ERRORS},
    summary="撤回申请",
    description="作出决定前，申请人可以撤回申请。",
)
def withdraw(request: HttpRequest, public_id: str, payload: ReasonIn):
    return CaseOut.of(services.withdraw(actor=request.user, case=_mine(request, public_id), reason=payload.reason))


@router.post(
    "/mine/{public_id}/confirm",
    auth=account_auth,
    response={200: CaseOut, 201: CaseOut, **ERRORS},
    summary="确认窗口代录的申请",
    description="窗口或热线工作人员代为录入的申请，由申请人确认后按录入的内容提交（幂等）。"
    "申请人自己的草稿不是代录申请（409 CASE_NOT_AN_ENTRY），用 POST /submissions 提交。",
)
def confirm(request: HttpRequest, public_id: str, payload: ConfirmIn):
    draft = _mine(request, public_id)
    key = _key(request, payload.idempotency_key)
    case = services.confirm_entry(actor=request.user, draft=draft, idempotency_key=key)
    return Status(200 if case.replayed else 201, CaseOut.of(case))


@router.post(
    "/events/{code}/submissions",
    auth=account_auth,
    response={201: BundleOut, **ERRORS},
    summary="一件事一次提交",
    description="multipart/form-data：form_data（合并表单，JSON 文本）、idempotency_key、enterprise（可选），"
    "以及每种材料一份文件（文件字段名为材料名称）。所含事项各生成一个关联办件，全部成功或全部不生成。幂等。",
)
def submit_bundle(request: HttpRequest, code: str, form_data: Form[str] = "{}", idempotency_key: Form[str] = "",
                  enterprise: Form[str] = ""):
    person = require_person(request.user)
    event = bundles.published_event(code)
    try:
        data = json.loads(form_data)
    except ValueError:
        raise ValidationFailed("CASE_FORM_INVALID", "form_data 应为 JSON 对象", details={"field": "form_data"}) from None
    files = {name: upload.read() for name in request.FILES for upload in request.FILES.getlist(name)[:1]}
    bundle = bundles.submit_bundle(actor=request.user, event=event, form_data=data, files=files,
                                   idempotency_key=_key(request, idempotency_key),
                                   enterprise=_enterprise(person, enterprise))
    return Status(201, BundleOut.of(bundles.bundle_status(bundle, person=person), bundle))


@router.get(
    "/bundles/{public_id}",
    auth=account_auth,
    response={200: BundleOut, **ERRORS},
    summary="一件事办理情况",
    description="一件事的合并状态和各关联办件；经办人只看到授权范围内事项的办件，一件都不在授权范围内的返回 404。",
)
def bundle_detail(request: HttpRequest, public_id: str):
    person = require_person(request.user)
    bundle = selectors.bundle_of_applicant(person=person, public_id=public_id)
    return BundleOut.of(bundles.bundle_status(bundle, person=person), bundle)


# --- staff --------------------------------------------------------------------------------------------


@router.get(
    "/queue",
    auth=session_auth,
    response={200: CasePageOut, **ERRORS},
    summary="待办",
    description="按角色和部门的待办：窗口受理人员的待预审办件（含所在大厅各部门），各角色正在办理的环节；"
    "期限最近的在前。每行带时限颜色（green 正常、yellow 已用三分之二、red 超期、stopped 暂停计时）和剩余工作日："
    "待预审的按5个工作日受理期限，已受理的按承诺办结期限（含延长，不计暂停）。",
)
def queue(request: HttpRequest, params: Query[CasePageIn]):
    _require_staff(request)
    if params.status and params.status not in CaseStatus.values:
        raise ValidationFailed("CASE_STATUS_INVALID", "不支持的状态筛选", details={"field": "status"})
    rows, total = selectors.queue_page(request.user, offset=(params.page - 1) * params.page_size,
                                       limit=params.page_size, status=params.status,
                                       number_prefix=web.number_filter(params.number))
    today, calendar = timezone.localdate(), current_calendar()
    return CasePageOut(items=[CaseOut.of_queue_row(row, deadline=web.deadline_of(row, today=today, calendar=calendar))
                              for row in rows],
                       total=total, page=params.page, page_size=params.page_size)


@router.get(
    "/cases",
    auth=session_auth,
    response={200: CasePageOut, **ERRORS},
    summary="本部门办件",
    description="本部门受理或参与办理的全部办件（草稿除外），可按状态和编号筛选。",
)
def department_cases(request: HttpRequest, params: Query[CasePageIn]):
    _require_staff(request)
    return _page(selectors.cases_of_staff(request.user), params, deadlines=True, mask=True)


@router.get(
    "/overdue",
    auth=session_auth,
    response={200: CasePageOut, **ERRORS},
    summary="超期办件（效能监督）",
    description="效能监督人员所辖区域内超过承诺期限、仍在计时的办件，超期最久的在前；其他工作人员为空列表，"
    "非工作人员 403。",
)
def overdue(request: HttpRequest, params: Query[CasePageIn]):
    _require_staff(request)
    return _page(selectors.overdue_cases(request.user), params, deadlines=True, mask=True)


@router.post(
    "/cases/batch/accept",
    auth=session_auth,
    response={200: list[BatchResultOut], **ERRORS},
    summary="批量受理",
    description="逐件受理，最多100件：每件各自一个事务，一件失败不影响其他；按提交顺序逐件返回 ok 和失败时的"
    "错误代码（看不到的办件为 CASE_NOT_FOUND）。",
)
def batch_accept(request: HttpRequest, payload: BatchIn):
    _require_staff(request)
    results = []
    for public_id in payload.cases:
        try:
            services.accept(actor=request.user, case=_staff_case(request, public_id))
            results.append(BatchResultOut(case=public_id, ok=True, code="", message="已受理"))
        except DomainError as exc:
            results.append(BatchResultOut(case=public_id, ok=False, code=exc.code, message=exc.message))
    return results


@router.get(
    "/cases/{public_id}",
    auth=session_auth,
    response={200: StaffCaseOut, **ERRORS},
    summary="办件详情（工作台）",
    description="表单数据、材料、补正告知、审批环节、计时台账、全部办件动态、内部意见和文书。",
)
def staff_case(request: HttpRequest, public_id: str):
    return _staff_detail(request, _staff_case(request, public_id))


@router.get(
    "/cases/{public_id}/materials/{material_id}/file",
    auth=session_auth,
    response={200: None, **ERRORS},
    summary="查看申请材料",
    description="办件的申请材料文件（本部门或参与办理部门的工作人员）。",
    openapi_extra=MATERIAL_FILE,
)
def staff_material_file(request: HttpRequest, public_id: str, material_id: int) -> HttpResponse:
    return web.file_response(_material(_staff_case(request, public_id), material_id))


@router.get(
    "/cases/{public_id}/documents/{document_id}",
    auth=session_auth,
    response={200: None, **ERRORS},
    summary="下载文书（工作台）",
    description="办件已签章的通知书或决定书（PDF）；尚未签章的返回 404。",
    openapi_extra=DOCUMENT_FILE,
)
def staff_document(request: HttpRequest, public_id: str, document_id: str) -> HttpResponse:
    return web.document_response(_staff_case(request, public_id), document_id)


def _act(request: HttpRequest, public_id: str, action: Any) -> StaffCaseOut:
    case = _staff_case(request, public_id)
    action(case)
    return _staff_detail(request, case)


@router.post("/cases/{public_id}/accept", auth=session_auth, response={200: StaffCaseOut, **ERRORS},
             summary="受理", description="窗口受理人员受理（开始计时，生成受理通知书）。")
def accept(request: HttpRequest, public_id: str):
    return _act(request, public_id, lambda case: services.accept(actor=request.user, case=case))


@router.post("/cases/{public_id}/refuse", auth=session_auth, response={200: StaffCaseOut, **ERRORS},
             summary="不予受理", description="须填写理由；生成加盖印章的不予受理通知书。")
def refuse(request: HttpRequest, public_id: str, payload: ReasonIn):
    return _act(request, public_id, lambda case: services.refuse(actor=request.user, case=case, reason=payload.reason))


@router.post("/cases/{public_id}/corrections", auth=session_auth, response={200: StaffCaseOut, **ERRORS},
             summary="一次性告知补正", description="一次列明全部需补正的材料及原因。")
def corrections(request: HttpRequest, public_id: str, payload: CorrectionsIn):
    items = [item.model_dump() for item in payload.items]
    return _act(request, public_id,
                lambda case: services.request_corrections(actor=request.user, case=case, items=items))


@router.post("/cases/{public_id}/clock/stop", auth=session_auth, response={200: StaffCaseOut, **ERRORS},
             summary="暂停计时", description="听证、检验、检测、鉴定、专家评审等特别程序所需时间不计入时限。")
def stop_clock(request: HttpRequest, public_id: str, payload: StopIn):
    return _act(request, public_id, lambda case: services.stop_clock(
        actor=request.user, case=case, procedure=payload.procedure, reason=payload.reason))


@router.post("/cases/{public_id}/clock/resume", auth=session_auth, response={200: StaffCaseOut, **ERRORS},
             summary="恢复计时", description="特别程序结束，恢复计时；承诺办结期限按暂停的工作日顺延。")
def resume_clock(request: HttpRequest, public_id: str):
    return _act(request, public_id, lambda case: services.resume_clock(actor=request.user, case=case))


@router.post("/cases/{public_id}/extend", auth=session_auth, response={200: StaffCaseOut, **ERRORS},
             summary="延长办理时限", description="部门负责人（部门管理员）批准，最多10个工作日，只能延长一次。")
def extend(request: HttpRequest, public_id: str, payload: ExtendIn):
    return _act(request, public_id, lambda case: services.extend_limit(
        actor=request.user, case=case, days=payload.days, reason=payload.reason))


@router.post("/cases/{public_id}/decide", auth=session_auth, response={200: StaffCaseOut, **ERRORS},
             summary="审批决定",
             description="决定环节的审批人员作出决定：准予时签发事项的结果证照到申请人的证照夹，不予时须写明理由；"
             "均生成加盖印章的决定书。只能决定一次（再次决定返回 409 CASE_ALREADY_DECIDED），"
             "决定环节之前的环节未办完、计时暂停时返回 409。")
def decide(request: HttpRequest, public_id: str, payload: DecideIn):
    return _act(request, public_id, lambda case: services.decide(
        actor=request.user, case=case, approve=payload.approve, reason=payload.reason,
        license_surface=payload.license_surface))


@router.post("/cases/{public_id}/complete", auth=session_auth, response={200: StaffCaseOut, **ERRORS},
             summary="办结", description="记录送达方式：电子送达、窗口领取或快递（须填地址）。本部门的审批人员或窗口受理人员，"
             "或所在大厅的综合窗口人员（统一窗口出件）办理。")
def complete(request: HttpRequest, public_id: str, payload: CompleteIn):
    return _act(request, public_id, lambda case: services.complete(
        actor=request.user, case=case, delivery_method=payload.delivery_method, address=payload.address))


@router.post("/cases/{public_id}/comments", auth=session_auth, response={201: StaffCaseOut, **ERRORS},
             summary="添加内部意见", description="仅工作人员可见。")
def comment(request: HttpRequest, public_id: str, payload: CommentIn):
    return Status(201, _act(request, public_id,
                            lambda case: services.add_comment(actor=request.user, case=case, text=payload.text)))


@router.post("/cases/{public_id}/reassign", auth=session_auth, response={200: StaffCaseOut, **ERRORS},
             summary="改派", description="部门管理员把预审受理或正在办理的环节改派给本部门具有相应角色的工作人员。")
def reassign(request: HttpRequest, public_id: str, payload: ReassignIn):
    case = _staff_case(request, public_id)
    step = case.steps.filter(pk=payload.step_id).first() if payload.step_id else None
    if payload.step_id and step is None:
        raise NotFound("CASE_STEP_NOT_FOUND", "未找到该审批环节")
    key = _uuid(payload.to_staff)
    target = StaffMember.objects.filter(public_id=key).select_related("user").first() if key else None
    if target is None:
        raise ValidationFailed("CASE_ASSIGNEE_INVALID", "请选择本部门的工作人员", details={"field": "to_staff"})
    services.reassign(actor=request.user, case=case, to_user=target.user, step=step)
    return _staff_detail(request, case)


@router.post("/steps/{step_id}/approve", auth=session_auth, response={200: StaffCaseOut, **ERRORS},
             summary="审批环节：同意",
             description="按顺序办理：尚未轮到的环节返回 409；同一环节序号的联办环节全部办完后进入下一环节。"
             "环节只在本人可见的办件中查找，看不到的与不存在同样返回 404。")
def approve_step(request: HttpRequest, step_id: int, payload: OpinionIn):
    step = _step(request, step_id)
    services.approve_step(actor=request.user, step=step, opinion=payload.opinion)
    return _staff_detail(request, step.case)


@router.post("/steps/{step_id}/refuse", auth=session_auth, response={200: StaffCaseOut, **ERRORS},
             summary="审批环节：不同意", description="须填写理由；决定环节仍作出最终决定。")
def refuse_step(request: HttpRequest, step_id: int, payload: ReasonIn):
    step = _step(request, step_id)
    services.refuse_step(actor=request.user, step=step, reason=payload.reason)
    return _staff_detail(request, step.case)


@router.post(
    "/entries",
    auth=session_auth,
    response={201: CaseOut, **ERRORS},
    summary="窗口或热线代为录入",
    description="窗口受理人员（window，本部门的事项，综合窗口人员为所在大厅各进驻部门的事项）或12345话务员（hotline）为已实名注册的申请人录入申请；"
    "申请人以 applicant（自然人 public_id）或证件类型和号码指定，代法人申请时另填 enterprise（统一社会信用代码，"
    "申请人须为其法定代表人或被授权人）。按证件号码查找申请人时，只在录入人员所在部门范围内查找；未找到的返回 404 "
    "CASE_APPLICANT_NOT_FOUND，该次查找（证件号码脱敏）记入审计日志。申请人确认后提交（见确认窗口代录的申请）。",
)
def enter(request: HttpRequest, payload: EntryIn):
    _require_entering_role(request, payload.channel)
    applicant = _entry_applicant(request, payload)
    case = services.enter_for_applicant(actor=request.user, applicant=applicant, item=_item(payload.item_id),
                                        form_data=payload.form_data, channel=payload.channel,
                                        enterprise=_enterprise(applicant, payload.enterprise))
    return Status(201, CaseOut.of(case))
