"""JSON API of 统一电子印章 (under /api/v1/seals/).

Registry and signing take a staff member's browser session (with CSRF): only staff of the seal's
own department in a permitted role sign with it. Public: a seal's status, and verification of
data signatures and signed PDFs, for anyone.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Router, Status, UploadedFile
from ninja.params import Query

from zwfw.catalog.models import Department
from zwfw.core.api import ErrorOut
from zwfw.core.errors import NotFound, PermissionDenied, ValidationFailed
from zwfw.core.lookups import lookup_key
from zwfw.identity.api.auth import session_auth
from zwfw.identity.sessions import client_ip
from zwfw.identity.staff import is_platform_admin, staff_of
from zwfw.seals import selectors, services, signing, verification
from zwfw.seals.schemas import (
    PageIn,
    PdfReportOut,
    ReportOut,
    ReviewIn,
    RolesIn,
    RolesOut,
    SealOut,
    SealPageOut,
    SealPublicOut,
    SealRequestIn,
    SealRequestOut,
    SignDataIn,
    SignDataOut,
    StatusIn,
    UsageOut,
    UsagePageOut,
    VerifyDataIn,
)

router = Router(tags=["统一电子印章"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _decode(text: str, field: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationFailed("BASE64_INVALID", "数据不是有效的 base64 编码", details={"field": field}) from None


def _read_upload(file: UploadedFile, limit: int) -> bytes:
    if file.size is not None and file.size > limit:
        raise ValidationFailed("PDF_TOO_LARGE", f"文件不能超过{limit // (1024 * 1024)}MB", details={"field": "file"})
    return file.read()


def _staff_only(user: Any) -> None:
    """The registry's lists are for staff: a signed-in citizen is refused, not shown an empty page."""
    if staff_of(user) is None and not is_platform_admin(user):
        raise PermissionDenied("SEALS_STAFF_ONLY", "印章管理仅限工作人员使用")


def _department(code: str) -> Department:
    key = lookup_key(code, max_length=18).upper()  # a NUL names no department (PostgreSQL would refuse it)
    department = Department.objects.filter(credit_code=key, is_active=True).first() if key else None
    if department is None:
        raise NotFound("DEPARTMENT_NOT_FOUND", "用章单位不存在", details={"field": "department_code"})
    return department


# --- public --------------------------------------------------------------------------------------


@router.post(
    "/verify/data",
    response={200: ReportOut, **ERRORS},
    summary="验证数据签名",
    description="验证本节点印章对数据的分离式签名（JWS ES256 或 SM2 SES_Signature），返回是否有效、签章印章、签章时和当前的印章状态。",
)
def verify_data(request: HttpRequest, payload: VerifyDataIn):
    data = _decode(payload.data_base64, "data_base64")
    return ReportOut.of(verification.verify_data(fmt=payload.format, signature=payload.signature, data=data))


@router.post(
    "/verify/pdf",
    response={200: PdfReportOut, **ERRORS},
    summary="验证签章PDF",
    description="上传 PDF（不超过20MB），返回每个签章的完整性、证书链、签章印章、签章时和当前的印章状态，以及签章是否覆盖整个文件。",
)
def verify_pdf(request: HttpRequest, file: File[UploadedFile]):
    pdf = _read_upload(file, verification.MAX_PDF_BYTES)
    return PdfReportOut.of(verification.verify_pdf(pdf))


@router.get(
    "/public/{code}",
    response={200: SealPublicOut, **ERRORS},
    summary="查询印章状态",
    description="按印章编码查询印章名称、用章单位、状态和有效期（公开信息）。",
)
def public_status(request: HttpRequest, code: str):
    return SealPublicOut.of(selectors.public_seal(code))


# --- requests --------------------------------------------------------------------------------------


@router.post(
    "/requests",
    auth=session_auth,
    response={201: SealRequestOut, **ERRORS},
    summary="提交制章申请",
    description="部门管理员为本部门（平台管理员为任一部门）申请制作电子印章，须经另一名平台管理员审核后制章。",
)
def create_request(request: HttpRequest, payload: SealRequestIn):
    created = services.request_seal(
        actor=request.user,
        department=_department(payload.department_code),
        kind=payload.kind,
        owner_name=payload.owner_name,
        purpose=payload.purpose,
        valid_from=payload.valid_from,
        valid_to=payload.valid_to,
        reason=payload.reason,
        source_ip=client_ip(request),
    )
    return Status(201, SealRequestOut.of(created))


@router.get(
    "/requests",
    auth=session_auth,
    response={200: list[SealRequestOut], **ERRORS},
    summary="制章申请列表",
    description="本部门（平台管理员为全部）的制章申请，最近的在前，最多100条。",
)
def list_requests(request: HttpRequest, status: str = ""):
    _staff_only(request.user)
    requests = selectors.requests_visible_to(request.user).select_related("seal")
    if status:
        key = lookup_key(status, max_length=16)  # a NUL names no status (PostgreSQL would refuse it)
        requests = requests.filter(status=key) if key else requests.none()
    return [SealRequestOut.of(item) for item in requests[:100]]


@router.post(
    "/requests/{request_id}/review",
    auth=session_auth,
    response={200: SealRequestOut, **ERRORS},
    summary="审核制章申请",
    description="平台管理员（非申请人）审核通过或不通过（须填写意见）。",
)
def review_request(request: HttpRequest, request_id: str, payload: ReviewIn):
    found = selectors.request_for(request.user, request_id)
    reviewed = services.review_request(
        actor=request.user, request=found, approve=payload.approve, comment=payload.comment,
        source_ip=client_ip(request),
    )
    return SealRequestOut.of(reviewed)


@router.post(
    "/requests/{request_id}/make",
    auth=session_auth,
    response={201: SealOut, **ERRORS},
    summary="制作印章",
    description="平台管理员为审核通过的申请制章：生成托管密钥、ECDSA 与 SM2 证书、印模和 GB/T 38540 印章数据。",
)
def make_seal(request: HttpRequest, request_id: str):
    found = selectors.request_for(request.user, request_id)
    seal = services.make_seal(actor=request.user, request=found, source_ip=client_ip(request))
    return Status(201, SealOut.of(seal))


# --- seals -----------------------------------------------------------------------------------------


@router.get(
    "/",
    auth=session_auth,
    response={200: SealPageOut, **ERRORS},
    summary="印章列表",
    description="本部门（平台管理员为全部）的电子印章，分页。",
)
def list_seals(request: HttpRequest, params: Query[PageIn]):
    _staff_only(request.user)
    seals = selectors.seals_visible_to(request.user).prefetch_related("permissions")
    start = (params.page - 1) * params.page_size
    items = [SealOut.of(seal) for seal in seals[start : start + params.page_size]]
    return SealPageOut(items=items, total=seals.count(), page=params.page, page_size=params.page_size)


@router.get("/{code}", auth=session_auth, response={200: SealOut, **ERRORS}, summary="印章详情")
def get_seal(request: HttpRequest, code: str):
    return SealOut.of(selectors.seal_for(request.user, code))


@router.get(
    "/{code}/usages",
    auth=session_auth,
    response={200: UsagePageOut, **ERRORS},
    summary="用章记录",
    description="该印章的每一次使用：被签内容摘要、用章人、时间和事由，最近的在前。",
)
def list_usages(request: HttpRequest, code: str, params: Query[PageIn]):
    seal = selectors.seal_for(request.user, code)
    usages = selectors.usages_of(request.user, seal)
    start = (params.page - 1) * params.page_size
    items = [UsageOut.of(usage) for usage in usages[start : start + params.page_size]]
    return UsagePageOut(items=items, total=usages.count(), page=params.page, page_size=params.page_size)


@router.post(
    "/{code}/status",
    auth=session_auth,
    response={200: SealOut, **ERRORS},
    summary="停用、启用或注销印章",
    description="立即生效：停用或注销后不能再签章，证书列入吊销列表；此前的签章验证为“签章时有效，印章已停用/注销”。",
)
def set_status(request: HttpRequest, code: str, payload: StatusIn):
    seal = selectors.seal_for(request.user, code)
    changed = services.set_seal_status(
        actor=request.user, seal=seal, status=payload.status, reason=payload.reason, source_ip=client_ip(request)
    )
    return SealOut.of(changed)


@router.put(
    "/{code}/roles",
    auth=session_auth,
    response={200: RolesOut, **ERRORS},
    summary="设置用章权限",
    description="本部门哪些角色可以使用该印章（部门管理员或平台管理员设置）。",
)
def set_roles(request: HttpRequest, code: str, payload: RolesIn):
    seal = selectors.seal_for(request.user, code)
    roles = services.set_use_roles(actor=request.user, seal=seal, roles=payload.roles, source_ip=client_ip(request))
    return RolesOut(roles=roles)


@router.post(
    "/{code}/sign",
    auth=session_auth,
    response={200: SignDataOut, **ERRORS},
    summary="数据签章",
    description="用该印章对数据做分离式签名：jws 为 ES256，ses 为 SM2/SM3（GB/T 38540）。仅限本部门获授权角色；每次使用均记录。",
)
def sign_data(request: HttpRequest, code: str, payload: SignDataIn):
    seal = selectors.seal_for(request.user, code)
    data = _decode(payload.data_base64, "data_base64")
    result = signing.sign_data(
        actor=signing.SigningActor(user=request.user), seal=seal, data=data, purpose=payload.purpose,
        fmt=payload.format,
    )
    return SignDataOut(format=result.format, signature=result.signature, digest=result.digest, signed_at=result.signed_at)


@router.post(
    "/{code}/sign-pdf",
    auth=session_auth,
    response={200: None, **ERRORS},
    summary="PDF签章",
    description=(
        "上传 PDF（不超过20MB），用该印章按 PAdES 签章并在指定页面位置加盖印模，返回签章后的 PDF "
        "（application/pdf）。page 为页码（-1 表示最后一页），x_mm、y_mm 为印章中心距页面左下角的毫米数。"
    ),
    openapi_extra={"responses": {200: {"description": "签章后的 PDF", "content": {"application/pdf": {}}}}},
)
def sign_pdf(
    request: HttpRequest,
    code: str,
    file: File[UploadedFile],
    purpose: Form[str],
    page: Form[int] = -1,
    x_mm: Form[float | None] = None,
    y_mm: Form[float | None] = None,
):
    seal = selectors.seal_for(request.user, code)
    signed = signing.sign_pdf(
        actor=signing.SigningActor(user=request.user),
        seal=seal,
        pdf=_read_upload(file, signing.MAX_PDF_BYTES),
        purpose=purpose,
        placement=signing.Placement(page=page, x_mm=x_mm, y_mm=y_mm),
    )
    response = HttpResponse(signed, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="signed.pdf"'
    return response


