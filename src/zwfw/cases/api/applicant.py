"""The applicant's handlers: forms with 免填 values, drafts, submission, my cases, materials, documents,
corrections, withdrawal, confirming a window entry, 一件事 submission and status."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Status, UploadedFile
from ninja.params import Query

from zwfw.cases import bundles, selectors, services, uploads, web
from zwfw.cases.api._common import (
    DOCUMENT_FILE,
    ERRORS,
    MATERIAL_FILE,
    _enterprise,
    _item,
    _key,
    _material,
    _mine,
    _page,
    _submit_item,
    router,
)
from zwfw.cases.models import ItemForm
from zwfw.cases.schemas import (
    BundleOut,
    CaseDetailOut,
    CaseMaterialOut,
    CaseOut,
    CasePageIn,
    CasePageOut,
    CaseStatusOut,
    ConfirmIn,
    CorrectIn,
    DraftIn,
    DraftUpdateIn,
    FormOut,
    ReasonIn,
    SubmitIn,
)
from zwfw.catalog.models import Material
from zwfw.core.errors import ValidationFailed
from zwfw.identity.api.auth import account_auth
from zwfw.identity.selectors import require_person

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
