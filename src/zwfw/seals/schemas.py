"""统一电子印章 API schemas; every field carries a Chinese description."""

from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import Field

from zwfw.seals.models import Seal, SealKind, SealRequest, SealStatus, SealUsage
from zwfw.seals.verification import PdfReport, Report

KINDS = "、".join(f"{value}（{label}）" for value, label in SealKind.choices)
STATUSES = "、".join(f"{value}（{label}）" for value, label in SealStatus.choices)


class PageIn(Schema):
    page: int = Field(1, ge=1, le=10_000, description="页码，从 1 开始")
    page_size: int = Field(20, ge=1, le=100, description="每页条数，1 到 100")


class SealPublicOut(Schema):
    code: str = Field(description="印章编码（13位：行政区划代码 + 7位顺序号）")
    name: str = Field(description="印章名称")
    kind: str = Field(description=f"印章类型：{KINDS}")
    kind_label: str = Field(description="印章类型名称")
    department: str = Field(description="用章单位")
    department_code: str = Field(description="用章单位统一社会信用代码")
    status: str = Field(description=f"状态：{STATUSES}")
    status_label: str = Field(description="状态名称")
    valid_from: dt.datetime = Field(description="有效期起")
    valid_to: dt.datetime = Field(description="有效期止")

    @staticmethod
    def of(seal: Seal) -> SealPublicOut:
        return SealPublicOut(
            code=seal.code,
            name=seal.name,
            kind=seal.kind,
            kind_label=seal.get_kind_display(),
            department=seal.department.name,
            department_code=seal.department.credit_code,
            status=seal.status,
            status_label=seal.get_status_display(),
            valid_from=seal.valid_from,
            valid_to=seal.valid_to,
        )


class SealOut(SealPublicOut):
    status_reason: str = Field(description="最近一次状态变更的原因")
    purpose: str = Field(description="用途文字")
    ecdsa_serial: str = Field(description="ECDSA P-256 证书序列号（十六进制）")
    sm2_serial: str = Field(description="SM2 证书序列号（十六进制）")
    use_roles: list[str] = Field(description="可使用该印章的本部门角色")

    @staticmethod
    def of(seal: Seal) -> SealOut:  # type: ignore[override]
        return SealOut(
            **SealPublicOut.of(seal).dict(),
            status_reason=seal.status_reason,
            purpose=seal.purpose,
            ecdsa_serial=seal.ecdsa_serial,
            sm2_serial=seal.sm2_serial,
            use_roles=sorted(permission.role for permission in seal.permissions.all()),  # uses a prefetch
        )


class SealPageOut(Schema):
    items: list[SealOut] = Field(description="本页印章")
    total: int = Field(description="总数")
    page: int = Field(description="页码")
    page_size: int = Field(description="每页条数")


class SealRequestIn(Schema):
    department_code: str = Field(max_length=18, description="用章单位的统一社会信用代码")
    kind: str = Field(max_length=16, description=f"印章类型：{KINDS}")
    owner_name: str = Field(max_length=100, description="印面上的单位或个人名称（不超过40字）")
    purpose: str = Field("", max_length=100, description="用途文字，业务专用章必填，如 行政审批专用章")
    valid_from: dt.datetime | None = Field(None, description="有效期起（带时区；默认现在）")
    valid_to: dt.datetime = Field(description="有效期止（带时区；最长10年）")
    reason: str = Field(max_length=400, description="申请理由")


class SealRequestOut(Schema):
    id: str = Field(description="申请标识（UUID）")
    department: str = Field(description="用章单位")
    kind: str = Field(description="印章类型")
    owner_name: str = Field(description="印面名称")
    purpose: str = Field(description="用途文字")
    valid_from: dt.datetime = Field(description="有效期起")
    valid_to: dt.datetime = Field(description="有效期止")
    reason: str = Field(description="申请理由")
    status: str = Field(description="状态：pending 待审核、approved 审核通过、rejected 审核不通过、made 已制章")
    review_comment: str = Field(description="审核意见")
    created_at: dt.datetime = Field(description="申请时间")
    seal_code: str | None = Field(description="制成的印章编码")

    @staticmethod
    def of(request: SealRequest) -> SealRequestOut:
        seal = getattr(request, "seal", None) if request.status == "made" else None
        return SealRequestOut(
            id=str(request.public_id),
            department=request.department.name,
            kind=request.kind,
            owner_name=request.owner_name,
            purpose=request.purpose,
            valid_from=request.valid_from,
            valid_to=request.valid_to,
            reason=request.reason,
            status=request.status,
            review_comment=request.review_comment,
            created_at=request.created_at,
            seal_code=seal.code if seal else None,
        )


class ReviewIn(Schema):
    approve: bool = Field(description="true 审核通过，false 不通过")
    comment: str = Field("", max_length=400, description="审核意见；不通过时必填")


class StatusIn(Schema):
    status: str = Field(max_length=16, description="新状态：active 启用、suspended 停用、cancelled 注销（不可恢复）")
    reason: str = Field(max_length=400, description="变更原因")


class RolesIn(Schema):
    roles: list[str] = Field(
        max_length=10, description="可使用该印章的本部门角色：window_clerk、approver、department_admin"
    )


class RolesOut(Schema):
    roles: list[str] = Field(description="可使用该印章的本部门角色")


class SignDataIn(Schema):
    format: str = Field(max_length=8, description="jws（ES256，JWS 分离式签名）或 ses（SM2，GB/T 38540 SES_Signature）")
    data_base64: str = Field(max_length=10_000_000, description="待签数据的 base64 编码（数据不超过7MB，请求体不超过10MB）")
    purpose: str = Field(max_length=400, description="用章事由")


class SignDataOut(Schema):
    format: str = Field(description="签名格式")
    signature: str = Field(description="jws：分离式 JWS 紧凑序列化；ses：DER 编码的 SES_Signature 的 base64")
    digest: str = Field(description="数据摘要（jws 为 SHA-256，ses 为 SM3，十六进制）")
    signed_at: dt.datetime = Field(description="签章时间")


class VerifyDataIn(Schema):
    format: str = Field(max_length=8, description="jws 或 ses")
    signature: str = Field(max_length=200_000, description="签名值（同签章接口的 signature）")
    data_base64: str = Field(max_length=10_000_000, description="被签数据的 base64 编码（数据不超过7MB）")


class ReportOut(Schema):
    valid: bool = Field(description="签章是否有效")
    code: str = Field(description="结论代码：VALID、VALID_SEAL_SINCE_SUSPENDED、VALID_SEAL_SINCE_CANCELLED、DATA_TAMPERED 等")
    message: str = Field(description="中文结论")
    intact: bool = Field(description="签章后内容未被修改")
    trusted: bool = Field(description="签章证书链接到本节点根证书")
    covers_whole_file: bool | None = Field(description="PDF：签章覆盖整个文件")
    seal_code: str = Field(description="签章所用印章编码")
    seal_name: str = Field(description="印章名称")
    department: str = Field(description="用章单位")
    signed_at: dt.datetime | None = Field(description="签章时间（签章者声明）")
    status_at_signing: str = Field(description="签章时印章状态")
    status_now: str = Field(description="印章当前状态")
    status_changed_at: dt.datetime | None = Field(description="印章停用或注销的时间")
    chain: list[str] = Field(description="证书链（自签章证书至根证书）")

    @staticmethod
    def of(report: Report) -> ReportOut:
        return ReportOut(**{name: getattr(report, name) for name in ReportOut.model_fields})


class PdfReportOut(Schema):
    valid: bool = Field(description="文件的全部签章有效且最后一个签章覆盖整个文件")
    code: str = Field(description="结论代码")
    message: str = Field(description="中文结论")
    signatures: list[ReportOut] = Field(description="逐个签章的验证结果")

    @staticmethod
    def of(report: PdfReport) -> PdfReportOut:
        return PdfReportOut(
            valid=report.valid,
            code=report.code,
            message=report.message,
            signatures=[ReportOut.of(item) for item in report.signatures],
        )


class UsageOut(Schema):
    format: str = Field(description="签章格式：jws、ses、pades")
    digest: str = Field(description="被签内容的摘要（算法:十六进制）")
    purpose: str = Field(description="用章事由")
    used_by: str = Field(description="用章人")
    signed_at: dt.datetime = Field(description="签章时间")
    batch: str | None = Field(description="批量签章批次")

    @staticmethod
    def of(usage: SealUsage) -> UsageOut:
        return UsageOut(
            format=usage.format,
            digest=f"{usage.digest_algorithm}:{usage.document_digest}",
            purpose=usage.purpose,
            used_by=usage.used_by_label,
            signed_at=usage.signed_at,
            batch=str(usage.batch) if usage.batch else None,
        )


class UsagePageOut(Schema):
    items: list[UsageOut] = Field(description="本页用章记录")
    total: int = Field(description="总数")
    page: int = Field(description="页码")
    page_size: int = Field(description="每页条数")
