"""统一电子证照 API schemas; every field carries a Chinese description."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Annotated, Any

from ninja import Schema
from pydantic import Field

from zwfw.core.api import ErrorOut
from zwfw.core.masking import mask_name
from zwfw.identity.models import DocumentType
from zwfw.licenses import services
from zwfw.licenses.models import License, LicenseEvent, LicenseStatus, LicenseType, LicenseUse, UseGrant
from zwfw.licenses.showing import ShownLicense
from zwfw.licenses.web import ACTION_WORDS, CHANNEL_WORDS, STATUS_WORDS, PublicCheck, ShowCode, grant_state

STATUSES = "、".join(f"{value}（{STATUS_WORDS[LicenseStatus(value)]}）" for value in LicenseStatus.values)
DOCUMENT_TYPES = "、".join(f"{value}（{label}）" for value, label in DocumentType.choices)
FieldKey = Annotated[str, Field(max_length=40)]


def _status(license: License) -> tuple[str, str]:
    status = services.current_status_of(license)
    return status, STATUS_WORDS[LicenseStatus(status)]


# --- licence types (public) ------------------------------------------------------------------------


class LicenseTypeFieldOut(Schema):
    key: str = Field(description="照面项代码")
    label: str = Field(description="照面项名称")
    type: str = Field(description="取值类型：text、date、number、id_number、credit_code")
    required: bool = Field(description="签发时必填")
    disclosable: bool = Field(description="持证人亮证时可以选择展示")
    masked: bool = Field(description="向验证方展示时脱敏")


class LicenseTypeOut(Schema):
    code: str = Field(description="证照类型代码（定义部门统一社会信用代码 + 3位顺序号）")
    name: str = Field(description="证照名称")
    holder_kind: str = Field(description="持证主体：person（自然人）、enterprise（法人）")
    defining_department: str = Field(description="定义部门")
    issuing_department_kinds: list[str] = Field(description="颁发部门类别")
    validity_years: int | None = Field(description="有效期（年）；null 为长期有效")
    fields: list[LicenseTypeFieldOut] = Field(description="照面信息项")

    @staticmethod
    def of(license_type: LicenseType) -> LicenseTypeOut:
        return LicenseTypeOut(
            code=license_type.code,
            name=license_type.name,
            holder_kind=license_type.holder_kind,
            defining_department=license_type.defining_department,
            issuing_department_kinds=list(license_type.issuing_department_kinds),
            validity_years=license_type.validity_years,
            fields=[
                LicenseTypeFieldOut(
                    key=field["key"], label=field["label"], type=field.get("type", "text"),
                    required=bool(field.get("required")), disclosable=bool(field.get("disclosable")),
                    masked=bool(field.get("mask")),
                )
                for field in license_type.fields
            ],
        )


class ShowKeysOut(Schema):
    keys: list[dict[str, Any]] = Field(description="亮证签名公钥（JWK，ES256），用于离线验证亮证码")


# --- the wallet ------------------------------------------------------------------------------------


class LicenseSummaryOut(Schema):
    identifier: str = Field(description="电子证照标识（GB/T 36904）")
    type_code: str = Field(description="证照类型代码")
    type_name: str = Field(description="证照名称")
    issuer: str = Field(description="颁发机构")
    holder_name: str = Field(description="持证者名称")
    version: int = Field(description="版本号")
    status: str = Field(description=f"当前状态：{STATUSES}")
    status_label: str = Field(description="当前状态名称")
    valid_from: dt.date = Field(description="有效期起")
    valid_until: dt.date | None = Field(description="有效期至；null 为长期有效")
    issued_at: dt.datetime = Field(description="签发时间")

    @staticmethod
    def of(license: License) -> LicenseSummaryOut:
        status, label = _status(license)
        return LicenseSummaryOut(
            identifier=license.identifier,
            type_code=license.license_type.code,
            type_name=license.license_type.name,
            issuer=license.issuer.name,
            holder_name=license.holder_name,
            version=license.version,
            status=status,
            status_label=label,
            valid_from=license.valid_from,
            valid_until=license.valid_until,
            issued_at=license.issued_at,
        )


class LicenseSurfaceFieldOut(Schema):
    key: str = Field(description="照面项代码")
    label: str = Field(description="照面项名称")
    value: str = Field(description="照面项内容（持证人本人查看，不脱敏）")


class LicenseEventOut(Schema):
    action: str = Field(description="操作：issue 签发、suspend 暂扣、restore 发还、cancel 注销、revoke 吊销、change 变更、renew 延续、expire 有效期届满")
    action_label: str = Field(description="操作名称")
    status: str = Field(description="操作后的状态")
    reason: str = Field(description="原因")
    at: dt.datetime = Field(description="时间")

    @staticmethod
    def of(event: LicenseEvent) -> LicenseEventOut:
        return LicenseEventOut(
            action=event.action, action_label=ACTION_WORDS.get(event.action, event.action), status=event.status,
            reason=event.reason, at=event.at,
        )


class LicenseDetailOut(LicenseSummaryOut):
    status_reason: str = Field(description="最近一次状态变更的原因")
    trust_level: str = Field(description="可信等级：A、B、C、D")
    seal_code: str = Field(description="签发所用电子印章编码")
    surface: list[LicenseSurfaceFieldOut] = Field(description="照面信息")
    events: list[LicenseEventOut] = Field(description="证照变更记录，按时间顺序")

    @staticmethod
    def of(license: License) -> LicenseDetailOut:  # type: ignore[override]
        surface = services.surface_of(license)
        return LicenseDetailOut(
            **LicenseSummaryOut.of(license).model_dump(),
            status_reason=license.status_reason,
            trust_level=license.trust_level,
            seal_code=license.seal_code,
            surface=[
                LicenseSurfaceFieldOut(key=field["key"], label=field["label"], value=surface[field["key"]])
                for field in license.license_type.fields
                if field["key"] in surface
            ],
            events=[LicenseEventOut.of(event) for event in license.events.all()],
        )


class ShowTokenQuery(Schema):
    fields: list[FieldKey] = Field(
        default_factory=list, max_length=40,
        description="要展示的照面项代码（可重复传参）；不传则展示默认项：姓名（名称）和证照本身的信息，不含证件号码",
    )


class ShowTokenOut(Schema):
    token: str = Field(description="亮证码：本节点亮证密钥签名的 JWS（ES256），最长3分钟有效")
    url: str = Field(description="验证页地址（二维码内容）")
    qr_svg: str = Field(description="二维码（内嵌 SVG）")
    expires_at: dt.datetime = Field(description="亮证码到期时间")
    expires_in: int = Field(description="距到期的秒数")
    fields: list[str] = Field(description="展示的照面项代码")

    @staticmethod
    def of(code: ShowCode) -> ShowTokenOut:
        return ShowTokenOut(
            token=code.token, url=code.url, qr_svg=code.qr_svg, expires_at=code.expires_at,
            expires_in=code.expires_in, fields=code.fields,
        )


class UseGrantIn(Schema):
    department_code: str = Field(max_length=18, description="被授权用证部门的统一社会信用代码")
    purpose: str = Field(max_length=200, description="用途（不超过200字）")
    valid_until: dt.datetime = Field(description="授权截止时间（带时区，晚于现在且不超过365天）")


class UseGrantOut(Schema):
    id: str = Field(description="授权标识（UUID）")
    department: str = Field(description="用证部门")
    department_code: str = Field(description="用证部门统一社会信用代码")
    purpose: str = Field(description="用途")
    valid_until: dt.datetime = Field(description="授权截止时间")
    created_at: dt.datetime = Field(description="授权时间")
    revoked_at: dt.datetime | None = Field(description="撤销时间")
    state: str = Field(description="授权状态：有效、已撤销、已过期")

    @staticmethod
    def of(grant: UseGrant) -> UseGrantOut:
        return UseGrantOut(
            id=str(grant.public_id), department=grant.department.name, department_code=grant.department.credit_code,
            purpose=grant.purpose, valid_until=grant.valid_until, created_at=grant.created_at,
            revoked_at=grant.revoked_at, state=grant_state(grant),
        )


class LicenseUseOut(Schema):
    department: str | None = Field(description="用证部门")
    purpose: str = Field(description="用途")
    channel: str = Field(description="方式：api（部门授权调取）、show（亮证核验）")
    channel_label: str = Field(description="方式名称")
    used_at: dt.datetime = Field(description="使用时间")

    @staticmethod
    def of(use: LicenseUse) -> LicenseUseOut:
        return LicenseUseOut(
            department=use.department.name if use.department else None, purpose=use.purpose, channel=use.channel,
            channel_label=CHANNEL_WORDS.get(use.channel, use.channel), used_at=use.used_at,
        )


# --- verification (public) -------------------------------------------------------------------------


class LicenseVerifyIn(Schema):
    identifier: str = Field(max_length=120, description="电子证照标识")
    holder_code: str = Field(max_length=40, description="持证者的公民身份号码（或其他证件号码）或统一社会信用代码")


class LicenseVerifyOut(Schema):
    identifier: str = Field(description="电子证照标识")
    status: str = Field(description=f"当前状态：{STATUSES}")
    status_label: str = Field(description="当前状态名称")
    type_name: str = Field(description="证照名称")
    issuer: str = Field(description="颁发机构")

    @staticmethod
    def of(check: PublicCheck) -> LicenseVerifyOut:
        return LicenseVerifyOut(
            identifier=check.identifier, status=check.status, status_label=check.status_label,
            type_name=check.type_name, issuer=check.issuer,
        )


class ShowTokenVerifyIn(Schema):
    token: str = Field(max_length=2048, description="扫描二维码得到的亮证码（或验证页地址中 /licenses/v/ 之后的部分）")


class ShownLicenseFieldOut(Schema):
    label: str = Field(description="照面项名称")
    value: str = Field(description="照面项内容（按规定脱敏）")


class ShownLicenseOut(Schema):
    identifier: str = Field(description="电子证照标识")
    type_name: str = Field(description="证照名称")
    issuer: str = Field(description="颁发机构")
    status: str = Field(description=f"当前状态：{STATUSES}")
    status_label: str = Field(description="当前状态名称")
    valid_until: dt.date | None = Field(description="有效期至；null 为长期有效")
    fields: list[ShownLicenseFieldOut] = Field(description="持证人选择展示的照面项（其他项不返回）")

    @staticmethod
    def of(shown: ShownLicense) -> ShownLicenseOut:
        # Built without validation (model_construct): every scan's answer, and django-ninja validates
        # the response against this schema anyway; the values are typed already (ShownLicense).
        return ShownLicenseOut.model_construct(
            identifier=shown.identifier, type_name=shown.type_name, issuer=shown.issuer, status=shown.status,
            status_label=STATUS_WORDS[LicenseStatus(shown.status)], valid_until=shown.valid_until,
            fields=[ShownLicenseFieldOut.model_construct(label=label, value=value) for label, value in shown.fields],
        )


# --- issuing and using (staff) ---------------------------------------------------------------------


class LicenseIssueIn(Schema):
    type_code: str = Field(max_length=21, description="证照类型代码（见 GET /licenses/types）")
    holder_document_type: str = Field("resident_id", max_length=20, description=f"自然人持证者的证件类型：{DOCUMENT_TYPES}")
    holder_document_number: str = Field("", max_length=40, description="自然人持证者的证件号码（须已注册）")
    holder_credit_code: str = Field("", max_length=18, description="法人持证者的统一社会信用代码（须已注册）；填写时不看证件号码")
    surface: dict[str, Any] = Field(
        default_factory=dict, max_length=60,
        description="照面信息：照面项代码 -> 内容（文本）；姓名（名称）和证件号码可省略，取自持证者的实名信息",
    )
    valid_from: dt.date | None = Field(None, description="有效期起（YYYY-MM-DD），默认今天")
    idempotency_key: str = Field(min_length=1, max_length=80, description="幂等键：同一部门重复提交同一键返回同一份证照（200）")
    trust_level: str = Field("A", max_length=1, description="可信等级：A、B、C、D，默认 A")

    def request(self) -> services.IssueRequest:
        """The item of a batch (批量签发) this request is."""
        return services.IssueRequest(
            type_code=self.type_code, idempotency_key=self.idempotency_key,
            holder_document_type=self.holder_document_type, holder_document_number=self.holder_document_number,
            holder_credit_code=self.holder_credit_code, surface=self.surface, valid_from=self.valid_from,
            trust_level=self.trust_level,
        )


class IssuedLicenseOut(Schema):
    identifier: str = Field(description="电子证照标识（GB/T 36904）")
    type_code: str = Field(description="证照类型代码")
    type_name: str = Field(description="证照名称")
    holder_name: str = Field(description="持证者名称（脱敏）")
    version: int = Field(description="版本号")
    status: str = Field(description=f"当前状态：{STATUSES}")
    status_label: str = Field(description="当前状态名称")
    status_reason: str = Field(description="最近一次状态变更的原因")
    valid_from: dt.date = Field(description="有效期起")
    valid_until: dt.date | None = Field(description="有效期至；null 为长期有效")
    issued_at: dt.datetime = Field(description="签发时间")
    supersedes: str | None = Field(description="被本版本取代的上一版本标识")

    @staticmethod
    def of(license: License) -> IssuedLicenseOut:
        status, label = _status(license)
        return IssuedLicenseOut(
            identifier=license.identifier, type_code=license.license_type.code, type_name=license.license_type.name,
            holder_name=mask_name(license.holder_name), version=license.version, status=status, status_label=label,
            status_reason=license.status_reason, valid_from=license.valid_from, valid_until=license.valid_until,
            issued_at=license.issued_at, supersedes=license.supersedes.identifier if license.supersedes else None,
        )


class IssuedLicensePageOut(Schema):
    items: list[IssuedLicenseOut] = Field(description="本页证照")
    total: int = Field(description="总数")
    page: int = Field(description="页码")
    page_size: int = Field(description="每页条数")


class LicenseBatchIssueIn(Schema):
    items: list[LicenseIssueIn] = Field(
        min_length=1, max_length=services.MAX_BATCH,
        description=f"待签发的证照，1到{services.MAX_BATCH}份，每份与单份签发（POST /licenses/issue）的请求相同；"
        "各项的幂等键不能相同",
    )


class LicenseBatchResultOut(Schema):
    index: int = Field(description="该项在 items 中的序号（从0起）")
    status: str = Field(
        description="结果：created（新签发）、replayed（该幂等键已以相同内容签发过，返回原证照）、error（未签发，见 error）"
    )
    license: IssuedLicenseOut | None = Field(description="新签发或原已签发的证照；error 时为 null")
    error: ErrorOut | None = Field(description="未签发的原因，与单份签发该项时返回的错误相同；否则为 null")


class LicenseBatchIssueOut(Schema):
    created: int = Field(description="新签发的份数")
    replayed: int = Field(description="幂等键已签发过、返回原证照的份数")
    failed: int = Field(description="未签发的份数")
    results: list[LicenseBatchResultOut] = Field(description="逐项结果，与 items 的顺序相同")

    @staticmethod
    def of(outcomes: list[services.IssueOutcome]) -> LicenseBatchIssueOut:
        results = [
            LicenseBatchResultOut(
                index=outcome.index,
                status=outcome.status,
                license=IssuedLicenseOut.of(outcome.license) if outcome.license is not None else None,
                error=ErrorOut(**outcome.error.as_dict()) if outcome.error is not None else None,
            )
            for outcome in outcomes
        ]
        statuses = [outcome.status for outcome in outcomes]
        return LicenseBatchIssueOut(
            created=statuses.count(services.CREATED), replayed=statuses.count(services.REPLAYED),
            failed=statuses.count(services.FAILED), results=results,
        )


class IssuedPageIn(Schema):
    page: int = Field(1, ge=1, le=10_000, description="页码，从 1 开始")
    page_size: int = Field(20, ge=1, le=100, description="每页条数，1 到 100")


class LicenseStatusIn(Schema):
    action: str = Field(max_length=16, description="操作：suspend（暂扣）、restore（发还）、cancel（注销）、revoke（吊销）")
    reason: str = Field(max_length=200, description="原因（必填，不超过200字）")


class LicenseVersionIn(Schema):
    surface: dict[str, Any] | None = Field(
        None, max_length=60, description="变更：变化的照面项（其余沿用上一版本）；延续时可省略"
    )
    renew: bool = Field(False, description="true 为延续（新的有效期），false 为变更照面信息")
    reason: str = Field(max_length=200, description="原因（必填，不超过200字）")


class LicenseFetchIn(Schema):
    identifier: str = Field(max_length=120, description="电子证照标识")
    purpose: str = Field(max_length=200, description="本次用证的用途（记入持证人的用证记录）")


class FetchedLicenseOut(Schema):
    identifier: str = Field(description="电子证照标识")
    type_code: str = Field(description="证照类型代码")
    type_name: str = Field(description="证照名称")
    issuer: str = Field(description="颁发机构")
    holder_name: str = Field(description="持证者名称")
    status: str = Field(description=f"当前状态：{STATUSES}")
    status_label: str = Field(description="当前状态名称")
    valid_from: dt.date = Field(description="有效期起")
    valid_until: dt.date | None = Field(description="有效期至；null 为长期有效")
    surface: dict[str, str] = Field(description="照面信息（照面项代码 -> 内容），持证人已授权本部门使用")
    trust_level: str = Field(description="可信等级：A、B、C、D")
    signed_data_base64: str = Field(description="颁发机构印章所签的数据（规范化 JSON 的 base64）")
    signature: str = Field(
        description="颁发机构印章对 signed_data_base64 的 JWS（ES256）分离式签名，可用 POST /api/v1/seals/verify/data 验证"
    )

    @staticmethod
    def of(fetched: services.FetchedLicense) -> FetchedLicenseOut:
        license = fetched.license
        return FetchedLicenseOut(
            identifier=license.identifier, type_code=license.license_type.code, type_name=license.license_type.name,
            issuer=license.issuer.name, holder_name=license.holder_name, status=fetched.status,
            status_label=STATUS_WORDS[LicenseStatus(fetched.status)], valid_from=license.valid_from,
            valid_until=license.valid_until, surface=fetched.surface, trust_level=license.trust_level,
            signed_data_base64=base64.b64encode(services.signed_payload(license, fetched.surface)).decode("ascii"),
            signature=license.signature,
        )


class PdfCheckOut(Schema):
    signature_valid: bool = Field(description="印章签名有效且覆盖整个文件")
    message: str = Field(description="中文结论")
    license: LicenseVerifyOut | None = Field(description="本节点签发的证照文件：证照的当前状态（不含照面信息）")

    @staticmethod
    def of(check) -> PdfCheckOut:
        return PdfCheckOut(
            signature_valid=check.signature_valid,
            message=check.message,
            license=LicenseVerifyOut.of(check.license) if check.license else None,
        )
