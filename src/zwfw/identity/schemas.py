"""统一身份认证 API schemas. Every field carries a Chinese description.

Sections: accounts and grants (below); other areas append their own sections.
"""

from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import Field

from zwfw.core.masking import mask_mobile, mask_resident_id
from zwfw.identity.models import DocumentType

# ---------------------------------------------------------------------------------------------
# Accounts and grants
# ---------------------------------------------------------------------------------------------

DOCUMENT_TYPES = "、".join(f"{value}（{label}）" for value, label in DocumentType.choices)


class RegisterCodeIn(Schema):
    mobile: str = Field(max_length=20, description="接收验证码的手机号码（11位中国大陆手机号）")


class RegisterIn(Schema):
    name: str = Field(max_length=64, description="姓名，与证件一致")
    document_type: str = Field(max_length=20, description=f"证件类型：{DOCUMENT_TYPES}")
    document_number: str = Field(max_length=40, description="证件号码")
    document_valid_until: dt.date | None = Field(
        description="证件有效期截止日期（YYYY-MM-DD）；长期有效的证件填 null"
    )
    mobile: str = Field(max_length=20, description="手机号码")
    code: str = Field(max_length=10, description="手机收到的6位短信验证码")
    password: str = Field(max_length=200, description="登录密码：至少8位，不能是常见密码")
    email: str = Field(default="", max_length=254, description="电子邮箱（可选）")
    accepted_terms: bool = Field(description="已阅读并同意用户服务协议和隐私政策（须为 true）")


class SentOut(Schema):
    sent: bool = Field(description="验证码已发送")


class ProfileOut(Schema):
    id: str = Field(description="用户标识（UUID）")
    name: str = Field(description="姓名")
    document_type: str = Field(description="证件类型代码")
    document_type_label: str = Field(description="证件类型名称")
    document_number_masked: str = Field(description="证件号码（脱敏）")
    mobile_masked: str = Field(description="手机号码（脱敏）")
    email: str = Field(description="电子邮箱")
    assurance_level: int = Field(description="认证等级（2-5）")
    assurance_level_label: str = Field(description="认证等级说明")
    created_at: dt.datetime = Field(description="注册时间")

    @staticmethod
    def of(person) -> ProfileOut:
        return ProfileOut(
            id=str(person.public_id),
            name=person.name,
            document_type=person.document_type,
            document_type_label=person.get_document_type_display(),
            document_number_masked=mask_resident_id(person.document_number),
            mobile_masked=mask_mobile(person.mobile),
            email=person.email,
            assurance_level=person.assurance_level,
            assurance_level_label=person.get_assurance_level_display(),
            created_at=person.created_at,
        )


class ProfilePatch(Schema):
    email: str | None = Field(default=None, max_length=254, description="新的电子邮箱；空字符串表示删除")
    mobile: str | None = Field(default=None, max_length=20, description="新的手机号码（需同时提供验证码）")
    code: str | None = Field(
        default=None, max_length=10, description="发送到新手机号码的验证码（用途 mobile_change）"
    )


class MobileCodeIn(Schema):
    mobile: str = Field(max_length=20, description="新的手机号码")


class LevelEventOut(Schema):
    level: int = Field(description="达到的认证等级")
    level_label: str = Field(description="等级说明")
    method: str = Field(description="认证方式代码")
    method_label: str = Field(description="认证方式说明")
    note: str = Field(description="说明")
    recorded_by_staff: bool = Field(description="是否由工作人员现场记录")
    created_at: dt.datetime = Field(description="时间")

    @staticmethod
    def of(event) -> LevelEventOut:
        return LevelEventOut(
            level=event.level,
            level_label=event.get_level_display(),
            method=event.method,
            method_label=event.get_method_display(),
            note=event.note,
            recorded_by_staff=event.recorded_by_id is not None,
            created_at=event.created_at,
        )


class EnterpriseIn(Schema):
    credit_code: str = Field(max_length=40, description="统一社会信用代码（18位，GB 32100）")


class EnterpriseOut(Schema):
    id: str = Field(description="法人标识（UUID）")
    credit_code: str = Field(description="统一社会信用代码")
    name: str = Field(description="名称")
    kind: str = Field(description="主体类型代码")
    kind_label: str = Field(description="主体类型")
    assurance_level: int = Field(description="认证等级")
    created_at: dt.datetime = Field(description="注册时间")

    @staticmethod
    def of(enterprise) -> EnterpriseOut:
        return EnterpriseOut(
            id=str(enterprise.public_id),
            credit_code=enterprise.credit_code,
            name=enterprise.name,
            kind=enterprise.kind,
            kind_label=enterprise.get_kind_display(),
            assurance_level=enterprise.assurance_level,
            created_at=enterprise.created_at,
        )


class GrantIn(Schema):
    agent_name: str = Field(max_length=64, description="经办人姓名")
    agent_document_type: str = Field(max_length=20, description=f"经办人证件类型：{DOCUMENT_TYPES}")
    agent_document_number: str = Field(max_length=40, description="经办人证件号码")
    all_items: bool = Field(default=False, description="授权办理全部事项")
    item_codes: list[str] = Field(
        default_factory=list, max_length=200, description="授权办理的事项实施编码（未授权全部事项时必填）"
    )
    valid_until: dt.date = Field(description="授权有效期至（含当日，最长3年）")


class GrantOut(Schema):
    id: str = Field(description="授权标识（UUID）")
    agent_name: str = Field(description="经办人姓名")
    agent_document_masked: str = Field(description="经办人证件号码（脱敏）")
    all_items: bool = Field(description="全部事项")
    item_codes: list[str] = Field(description="授权事项编码")
    valid_until: dt.datetime = Field(description="有效期至")
    status: str = Field(description="状态：有效、已撤销、已过期")
    created_at: dt.datetime = Field(description="授权时间")
    revoked_at: dt.datetime | None = Field(description="撤销时间")

    @staticmethod
    def of(grant) -> GrantOut:
        from zwfw.identity.agents import grant_status

        return GrantOut(
            id=str(grant.public_id),
            agent_name=grant.agent.name,
            agent_document_masked=mask_resident_id(grant.agent.document_number),
            all_items=grant.all_items,
            item_codes=list(grant.item_codes),
            valid_until=grant.valid_until,
            status=grant_status(grant),
            created_at=grant.created_at,
            revoked_at=grant.revoked_at,
        )


class PrincipalOut(Schema):
    kind: str = Field(description="身份类型：self（本人）、enterprise（法人）、ward（被监护的未成年人）")
    id: str = Field(description="标识（UUID）")
    name: str = Field(description="名称")
    current: bool = Field(description="是否为当前办事身份")


class ActAsIn(Schema):
    kind: str = Field(max_length=20, description="身份类型：self、enterprise 或 ward")
    id: str = Field(max_length=64, description="标识（UUID），取自 /principals")
