"""JSON API of 统一电子证照 (under /api/v1/licenses/).

- public: licence types, the 亮证 keys (JWKS, for offline checks), verification by identifier and
  holder code (validity only) and by 亮证码; both checks are rate-limited per source address;
- the holder (browser session, CSRF on changes), for whom they act for now: the wallet, 亮证码,
  用证授权 and 用证记录; another person's licence is the same 404 as none;
- staff: issuing (idempotent; one licence, or a batch of up to 100), status changes and new versions
  by the issuing department, and fetching a licence the holder authorised the caller's department to
  use (404 without a grant).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import File, Router, Status, UploadedFile
from ninja.decorators import decorate_view
from ninja.params import Query

from zwfw.core.api import ErrorOut
from zwfw.core.errors import ValidationFailed
from zwfw.identity.api.auth import session_auth, staff_auth
from zwfw.licenses import credentials, rendering, selectors, services, web
from zwfw.licenses.schemas import (
    FetchedLicenseOut,
    IssuedLicenseOut,
    IssuedLicensePageOut,
    IssuedPageIn,
    LicenseBatchIssueIn,
    LicenseBatchIssueOut,
    LicenseDetailOut,
    LicenseFetchIn,
    LicenseIssueIn,
    LicenseStatusIn,
    LicenseSummaryOut,
    LicenseTypeOut,
    LicenseUseOut,
    LicenseVerifyIn,
    LicenseVerifyOut,
    LicenseVersionIn,
    PdfCheckOut,
    ShowKeysOut,
    ShownLicenseOut,
    ShowTokenOut,
    ShowTokenQuery,
    ShowTokenVerifyIn,
    UseGrantIn,
    UseGrantOut,
)
from zwfw.licenses.showing import jwks
from zwfw.seals.verification import MAX_PDF_BYTES

router = Router(tags=["统一电子证照"])
# Appended to the description of every department operation (auth=staff_auth).
DEPARTMENT_CALLERS = (
    "调用方：工作人员在工作台以登录会话调用，或部门业务系统以系统客户端的访问令牌"
    "（Authorization: Bearer，OAuth 2.0 客户端凭证模式，该客户端代表本部门的服务账号，按该账号的部门和角色授权）调用。"
)
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 429: ErrorOut}


def _limited_before_the_body(run: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The public checks' rate limit before django-ninja reads the request's body to parse the
    operation's parameters (an upload of up to 20 MB): a request over the limit is not read."""

    @wraps(run)
    def limited(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            web.throttle(request, scope="verify", per_minute=web.PUBLIC_CHECKS_PER_MINUTE)
        except web.RateLimited as exc:
            return JsonResponse(exc.as_dict(), status=exc.status)
        return run(request, *args, **kwargs)

    return limited


# --- public --------------------------------------------------------------------------------------


@router.get(
    "/types",
    response={200: list[LicenseTypeOut], **ERRORS},
    summary="证照类型目录",
    description="本节点启用的证照类型及其照面信息项（公开）。",
)
def list_types(request: HttpRequest):
    return [LicenseTypeOut.of(item) for item in web.issuable_types()]


@router.get(
    "/keys.json",
    response={200: ShowKeysOut, **ERRORS},
    summary="亮证签名公钥",
    description="本节点亮证码的签名公钥（JWKS，ES256）。验证方可据此离线验证亮证码的签名和有效期。",
)
def keys(request: HttpRequest):
    return jwks()


@router.post(
    "/verify",
    response={200: LicenseVerifyOut, **ERRORS},
    summary="按证照标识和持证者证件号码核验",
    description="匿名核验只返回证照是否有效（状态）、证照名称和颁发机构，不返回照面信息。"
    "标识不存在与证件号码不符返回同样的 404。每个来源地址每分钟最多60次。",
)
def verify(request: HttpRequest, payload: LicenseVerifyIn):
    web.throttle(request, scope="verify", per_minute=web.PUBLIC_CHECKS_PER_MINUTE)
    return LicenseVerifyOut.of(web.check_by_holder_code(identifier=payload.identifier, holder_code=payload.holder_code))


@router.post(
    "/verify/token",
    response={200: ShownLicenseOut, **ERRORS},
    summary="核验亮证码",
    description="核验持证人出示的亮证码：签名、有效期（最长3分钟），返回证照当前状态和持证人选择展示的照面项（按规定脱敏）。"
    "每个来源地址每分钟最多300次。",
)
def verify_token(request: HttpRequest, payload: ShowTokenVerifyIn):
    web.throttle(request, scope="show", per_minute=web.TOKEN_CHECKS_PER_MINUTE)
    return ShownLicenseOut.of(web.read_shown(payload.token))


# --- the holder's wallet ---------------------------------------------------------------------------


@router.post(
    "/verify/pdf",
    response={200: PdfCheckOut, **ERRORS},
    summary="上传证照文件核验",
    description="上传本平台签发的证照文件（PDF，不超过20MB）：核验印章签名，并返回该证照当前的状态（不含照面信息）。限流。",
)
@decorate_view(_limited_before_the_body)
def verify_pdf(request: HttpRequest, file: File[UploadedFile]):
    if file.size is not None and file.size > MAX_PDF_BYTES:
        raise ValidationFailed("PDF_TOO_LARGE", "PDF文件不能超过20MB", details={"field": "file"})
    return PdfCheckOut.of(web.check_by_pdf(file.read()))


@router.get(
    "/wallet",
    auth=session_auth,
    response={200: list[LicenseSummaryOut], **ERRORS},
    summary="我的证照",
    description="当前办事身份（本人、法人或被监护人）的电子证照，含已变更的历史版本。",
)
def my_licenses(request: HttpRequest):
    return [LicenseSummaryOut.of(item) for item in web.wallet(web.wallet_owner(request))]


@router.get(
    "/wallet/{identifier}",
    auth=session_auth,
    response={200: LicenseDetailOut, **ERRORS},
    summary="证照详情",
    description="照面信息（持证人本人查看，不脱敏）和证照变更记录。",
)
def my_license(request: HttpRequest, identifier: str):
    return LicenseDetailOut.of(web.wallet_license(web.wallet_owner(request), identifier))


@router.get(
    "/wallet/{identifier}/file",
    auth=session_auth,
    response={200: None, **ERRORS},
    summary="下载证照文件",
    description="签章的电子证照文件（PDF，PAdES，颁发机构电子印章）：签发后由后台任务生成；尚未生成时在本次下载时生成，颁发机构印章已不能使用时返回 409。",
    openapi_extra={"responses": {200: {"description": "证照文件", "content": {"application/pdf": {}}}}},
)
def license_file(request: HttpRequest, identifier: str):
    license = web.wallet_license(web.wallet_owner(request), identifier)
    made = rendering.license_file(license, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(bytes(made.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="license-{license.serial}-{license.version:03d}.pdf"'
    return response


@router.get(
    "/wallet/{identifier}/credential",
    auth=session_auth,
    response={200: None, **ERRORS},
    summary="导出可验证凭证",
    description="证照的 W3C 可验证凭证（VC 2.0，vc+jwt，颁发机构电子印章 ES256 签名，x5c 含证书链）。"
    "每次导出都是一次用章，记入用章记录；颁发机构印章已不能使用时返回 409。",
    openapi_extra={"responses": {200: {"description": "vc+jwt", "content": {"application/vc+jwt": {}}}}},
)
def license_credential(request: HttpRequest, identifier: str):
    license = web.wallet_license(web.wallet_owner(request), identifier)
    token = credentials.export_credential(license, base_url=request.build_absolute_uri("/"))
    return HttpResponse(token, content_type=credentials.MEDIA_TYPE)


@router.get(
    "/wallet/{identifier}/token",
    auth=session_auth,
    response={200: ShowTokenOut, **ERRORS},
    summary="获取亮证码",
    description="为有效的证照生成亮证码（最长3分钟有效）及其验证页地址和二维码；fields 为要展示的照面项。"
    "到期前再次调用即可刷新。",
)
def show_token(request: HttpRequest, identifier: str, params: Query[ShowTokenQuery]):
    web.throttle(request, scope="show-make", per_minute=web.TOKENS_MADE_PER_MINUTE)
    license = web.wallet_license(web.wallet_owner(request), identifier)
    return ShowTokenOut.of(web.show_code(request, license, params.fields))


@router.get(
    "/wallet/{identifier}/grants",
    auth=session_auth,
    response={200: list[UseGrantOut], **ERRORS},
    summary="用证授权列表",
    description="该证照的全部用证授权（含已撤销、已过期），最近的在前。",
)
def list_use_grants(request: HttpRequest, identifier: str):
    license = web.wallet_license(web.wallet_owner(request), identifier)
    return [UseGrantOut.of(grant) for grant in selectors.grants_of(license)]


@router.post(
    "/wallet/{identifier}/grants",
    auth=session_auth,
    response={201: UseGrantOut, **ERRORS},
    summary="用证授权",
    description="持证人授权指定部门为指定用途、在截止时间前通过接口调取该证照；每次调取记入用证记录。",
)
def create_use_grant(request: HttpRequest, identifier: str, payload: UseGrantIn):
    owner = web.wallet_owner(request)
    license = web.wallet_license(owner, identifier)
    grant = services.authorise_use(
        person=owner.person, license=license, department=web.active_department(payload.department_code),
        purpose=payload.purpose, valid_until=payload.valid_until,
    )
    return Status(201, UseGrantOut.of(grant))


@router.delete(
    "/wallet/{identifier}/grants/{grant_id}",
    auth=session_auth,
    response={200: UseGrantOut, **ERRORS},
    summary="撤销用证授权",
    description="立即生效：该部门之后不能再调取该证照。",
)
def revoke_use_grant(request: HttpRequest, identifier: str, grant_id: str):
    owner = web.wallet_owner(request)
    grant = web.grant_of(web.wallet_license(owner, identifier), grant_id)
    return UseGrantOut.of(services.revoke_use_grant(person=owner.person, grant=grant))


@router.get(
    "/wallet/{identifier}/uses",
    auth=session_auth,
    response={200: list[LicenseUseOut], **ERRORS},
    summary="用证记录",
    description="谁在什么时间、为什么使用了该证照，最近的在前。",
)
def list_uses(request: HttpRequest, identifier: str):
    license = web.wallet_license(web.wallet_owner(request), identifier)
    return [LicenseUseOut.of(use) for use in selectors.uses_of(license)]


# --- issuing and using (staff) ---------------------------------------------------------------------


@router.post(
    "/issue",
    auth=staff_auth,
    response={200: IssuedLicenseOut, 201: IssuedLicenseOut, **ERRORS},
    summary="签发电子证照",
    description="颁发部门的审批人员或部门管理员签发证照：照面信息按证照类型核对，持证者须已实名注册，"
    "以本部门电子印章签名。幂等：同一幂等键再次提交相同内容返回同一份证照（200），内容不同返回 409。"
    "未找到持证者（LICENSE_HOLDER_NOT_FOUND）的查询记入审计日志（签发人员、部门和脱敏的证件号码）。" + DEPARTMENT_CALLERS,
)
def issue(request: HttpRequest, payload: LicenseIssueIn):
    department, issuer = web.issuing_department(request.user), services.Issuer(user=request.user)
    license_type = selectors.license_type_by_code(payload.type_code)
    holder = services.look_up_holder(
        issuer=issuer, department=department, document_type=payload.holder_document_type,
        document_number=payload.holder_document_number, credit_code=payload.holder_credit_code,
    )
    license = services.issue_license(
        issuer=issuer, license_type=license_type, department=department, holder=holder,
        surface=payload.surface, valid_from=payload.valid_from, idempotency_key=payload.idempotency_key,
        trust_level=payload.trust_level,
    )
    return Status(200 if license.replayed else 201, IssuedLicenseOut.of(license))


@router.post(
    "/issue/batch",
    auth=staff_auth,
    response={200: LicenseBatchIssueOut, **ERRORS},
    summary="批量签发电子证照",
    description="颁发部门的审批人员或部门管理员一次签发1到100份证照（存量证照电子化、批量签发）。"
    "每一项与单份签发（POST /licenses/issue）的请求相同，按同样的规则核对、签名和记录，逐项返回结果："
    "created（新签发）、replayed（同一幂等键已以相同内容签发过，返回原证照）或 error（未签发，错误与单份签发该项时相同），"
    "某一项未签发不影响其他项。未登录（401）、无签发权限（403）、请求格式不正确或项数不在1到100之间（422）、"
    "两项的幂等键相同（400）时整批不签发。全批以同一时刻用章：印章在该时刻有效则各项均可签发，否则各新项均返回印章的错误。"
    "未找到持证者的各项查询记入审计日志（与单份签发相同），即使本批其余写入未能完成也予保留。" + DEPARTMENT_CALLERS,
)
def issue_batch(request: HttpRequest, payload: LicenseBatchIssueIn):
    department = web.issuing_department(request.user)
    outcomes = services.issue_licenses(
        issuer=services.Issuer(user=request.user), department=department,
        requests=[item.request() for item in payload.items],
    )
    return LicenseBatchIssueOut.of(outcomes)


@router.get(
    "/issued",
    auth=staff_auth,
    response={200: IssuedLicensePageOut, **ERRORS},
    summary="本部门签发的证照",
    description="本部门签发的全部证照（含历史版本），最近签发的在前，分页；持证者名称脱敏。" + DEPARTMENT_CALLERS,
)
def issued(request: HttpRequest, params: Query[IssuedPageIn]):
    web.issuing_department(request.user)  # issuing staff and department administrators only, others 403
    licenses = selectors.licenses_issued_by(request.user).select_related("supersedes").order_by("-issued_at", "-id")
    start = (params.page - 1) * params.page_size
    items = [IssuedLicenseOut.of(item) for item in licenses[start : start + params.page_size]]
    return IssuedLicensePageOut(items=items, total=licenses.count(), page=params.page, page_size=params.page_size)


@router.post(
    "/{identifier}/status",
    auth=staff_auth,
    response={200: IssuedLicenseOut, **ERRORS},
    summary="暂扣、发还、注销或吊销证照",
    description="颁发部门变更证照状态（须填写原因），立即生效：验证方随即看到新的状态，持证人收到站内消息。" + DEPARTMENT_CALLERS,
)
def change_status(request: HttpRequest, identifier: str, payload: LicenseStatusIn):
    license = web.issued_license(request.user, identifier)
    changed = services.change_status(
        issuer=services.Issuer(user=request.user), license=license, action=payload.action, reason=payload.reason
    )
    return IssuedLicenseOut.of(changed)


@router.post(
    "/{identifier}/versions",
    auth=staff_auth,
    response={201: IssuedLicenseOut, **ERRORS},
    summary="变更或延续证照",
    description="变更（照面信息变化）或延续（renew=true，新的有效期）：生成版本号加一的新证照，原版本状态为“已变更”。" + DEPARTMENT_CALLERS,
)
def new_version(request: HttpRequest, identifier: str, payload: LicenseVersionIn):
    license = web.issued_license(request.user, identifier)
    fresh = services.new_version(
        issuer=services.Issuer(user=request.user), license=license, surface=payload.surface, renew=payload.renew,
        reason=payload.reason,
    )
    return Status(201, IssuedLicenseOut.of(fresh))


@router.post(
    "/fetch",
    auth=staff_auth,
    response={200: FetchedLicenseOut, **ERRORS},
    summary="部门调取证照",
    description="持证人已授权本部门使用的证照：返回照面信息和颁发机构签名，本次使用记入持证人的用证记录。"
    "没有有效授权时与证照不存在同样返回 404。" + DEPARTMENT_CALLERS,
)
def fetch(request: HttpRequest, payload: LicenseFetchIn):
    return FetchedLicenseOut.of(services.fetch_for_use(actor=request.user, identifier=payload.identifier, purpose=payload.purpose))
