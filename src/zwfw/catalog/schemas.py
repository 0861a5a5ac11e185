"""事项管理 API schemas (input and output). Every field carries a Chinese description."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.storage import default_storage
from ninja import Schema
from pydantic import Field

from zwfw.catalog.models import (
    Audience,
    CrossRegionScope,
    DeliveryMethod,
    ExerciseLevel,
    HandlingType,
    HandlingVariant,
    ItemKind,
    LegalBasisKind,
    MaterialRequirement,
    MaterialSource,
    ResultType,
    TopicAudience,
)
from zwfw.catalog.selectors import MAX_PAGE_SIZE

ITEM_CODE_PATTERN = r"^[0-9A-Z]{31}$"
CREDIT_CODE_PATTERN = r"^[0-9A-Z]{18}$"
REGION_CODE_PATTERN = r"^[0-9]{6}$"
TOPIC_CODE_PATTERN = r"^[-a-z0-9_]+$"
# Text without control characters (tab, line feed and carriage return are allowed).
NO_CONTROL_CHARS_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"


# ---- input ----------------------------------------------------------------------------------------------


class ItemFilters(Schema):
    """事项搜索的查询参数."""

    q: str = Field(
        "",
        max_length=100,
        pattern=NO_CONTROL_CHARS_PATTERN,
        description="关键词：事项名称、别名、拼音或拼音首字母",
    )
    audience: Audience | None = Field(None, description="服务对象：person 个人，enterprise 法人，both 两者")
    topic: str | None = Field(
        None, max_length=40, pattern=TOPIC_CODE_PATTERN, description="主题编码，如 birth"
    )
    department: str | None = Field(
        None, pattern=CREDIT_CODE_PATTERN, description="实施主体的统一社会信用代码（18 位）"
    )
    region: str | None = Field(
        None, pattern=REGION_CODE_PATTERN, description="行政区划代码（GB/T 2260，6 位）"
    )
    fully_online: bool | None = Field(None, description="true 只看全程网办事项，false 只看非全程网办事项")
    zero_visit: bool | None = Field(None, description="true 只看零跑动（到现场 0 次）事项，false 反之")
    page: int = Field(1, ge=1, le=10_000, description="页码，从 1 开始")
    page_size: int = Field(20, ge=1, le=MAX_PAGE_SIZE, description=f"每页条数，1 到 {MAX_PAGE_SIZE}")


class DepartmentFilters(Schema):
    region: str | None = Field(None, pattern=REGION_CODE_PATTERN, description="只列出该行政区划代码的部门")


class TopicFilters(Schema):
    audience: TopicAudience | None = Field(None, description="面向：person 个人，enterprise 法人")


# ---- output ---------------------------------------------------------------------------------------------


class DepartmentBrief(Schema):
    credit_code: str = Field(description="统一社会信用代码")
    name: str = Field(description="部门名称")
    short_name: str = Field(description="简称")
    region_code: str = Field(description="行政区划代码（GB/T 2260）")


class DepartmentOut(DepartmentBrief):
    level: ExerciseLevel = Field(description="层级")
    parent_credit_code: str | None = Field(description="上级部门的统一社会信用代码")
    consult_phone: str = Field(description="咨询电话")
    complaint_phone: str = Field(description="投诉电话")
    address: str = Field(description="办公地址")
    office_hours: str = Field(description="办公时间")
    item_count: int = Field(description="已发布的实施清单事项数")

    @staticmethod
    def resolve_parent_credit_code(obj: Any) -> str | None:
        return obj.parent.credit_code if obj.parent_id else None

    @staticmethod
    def resolve_item_count(obj: Any) -> int:
        count = getattr(obj, "item_count", None)
        if count is None:
            count = obj.items.filter(status="published").count()
        return count


class TopicOut(Schema):
    code: str = Field(description="主题编码")
    name: str = Field(description="主题名称")
    audience: TopicAudience = Field(description="面向：person 个人，enterprise 法人")
    description: str = Field(description="说明")
    item_count: int = Field(0, description="该主题下已发布的事项数")


class TopicBrief(Schema):
    code: str = Field(description="主题编码")
    name: str = Field(description="主题名称")


class ItemSummary(Schema):
    code: str = Field(description="实施编码（31 位）")
    version: int = Field(description="版本号")
    name: str = Field(description="事项名称")
    kind: ItemKind = Field(description="事项类型")
    audience: Audience = Field(description="服务对象")
    summary: str = Field(description="事项简介")
    department: DepartmentBrief = Field(description="实施主体")
    region_code: str = Field(description="行政区划代码")
    online_depth: int = Field(description="网上办理深度：1 信息公开，2 在线预审，3 网上受理，4 全程网办")
    is_fully_online: bool = Field(description="是否全程网办")
    visits_required: int = Field(description="到办事现场次数")
    is_zero_visit: bool = Field(description="是否零跑动")
    legal_limit_days: int = Field(description="法定办结时限（工作日）")
    promised_limit_days: int = Field(description="承诺办结时限（工作日）")
    popularity: int = Field(description="热度")
    published_at: dt.datetime | None = Field(description="发布时间")


class ItemPage(Schema):
    items: list[ItemSummary] = Field(description="本页事项")
    count: int = Field(description="符合条件的事项总数")
    page: int = Field(description="页码")
    page_size: int = Field(description="每页条数")


class LegalBasisOut(Schema):
    kind: LegalBasisKind = Field(description="依据类别")
    name: str = Field(description="法律法规名称")
    article: str = Field("", description="条款")


class ProcessStepOut(Schema):
    name: str = Field(description="环节名称")
    description: str = Field("", description="环节说明")


class FeeOut(Schema):
    name: str = Field(description="收费项目名称")
    standard: str = Field("", description="收费标准")
    basis: str = Field("", description="收费依据")


class PlaceOut(Schema):
    name: str = Field(description="办理地点名称")
    address: str = Field("", description="地址")
    hours: str = Field("", description="办公时间")


class HandlingItemOut(Schema):
    code: str = Field(description="业务办理项编码（33 位）")
    name: str = Field(description="业务办理项名称")
    variant: HandlingVariant = Field(description="类别：新设、变更、延续、注销、补证、其他")


class MaterialOut(Schema):
    name: str = Field(description="材料名称")
    source: MaterialSource = Field(description="来源：申请人自备、电子证照、数据共享、政府部门核发")
    requirement: MaterialRequirement = Field(description="必要性：必要、情形必要、非必要")
    condition: str = Field(description="适用情形（情形必要时）")
    paper_original_count: int = Field(description="纸质原件份数")
    paper_copy_count: int = Field(description="纸质复印件份数")
    electronic: bool = Field(description="是否接受电子材料")
    license_type_code: str = Field(description="电子证照类型代码（GB/T 36904）")
    shared_resource: str = Field(description="共享数据资源名称")
    issuing_body: str = Field(description="核发部门")
    handling_codes: list[str] = Field(description="适用的业务办理项编码，空表示全部适用")
    notes: str = Field(description="填报须知")
    blank_form_url: str | None = Field(description="空白表格下载地址")
    sample_url: str | None = Field(description="示例样表下载地址")

    @staticmethod
    def resolve_blank_form_url(obj: Any) -> str | None:
        return default_storage.url(obj.blank_form.name) if obj.blank_form else None

    @staticmethod
    def resolve_sample_url(obj: Any) -> str | None:
        return default_storage.url(obj.sample.name) if obj.sample else None


class BaseItemBrief(Schema):
    code: str = Field(description="基本编码")
    name: str = Field(description="基本目录事项名称")


class ItemDetail(ItemSummary):
    base_item: BaseItemBrief = Field(description="所属基本目录事项")
    department: DepartmentOut = Field(description="实施主体")
    exercise_level: ExerciseLevel = Field(description="行使层级")
    topics: list[TopicBrief] = Field(description="所属主题")
    aliases: list[str] = Field(description="别名、俗称")
    legal_bases: list[LegalBasisOut] = Field(description="设定依据")
    conditions: str = Field(description="受理条件")
    process: list[ProcessStepOut] = Field(description="办理流程")
    legal_limit_note: str = Field(description="法定时限说明")
    promised_limit_note: str = Field(description="承诺时限说明")
    handling_type: HandlingType = Field(description="办件类型：即办件、承诺件")
    is_free: bool = Field(description="是否免费")
    fees: list[FeeOut] = Field(description="收费项目")
    channels: list[str] = Field(description="办理渠道：web、app、window、terminal、mini_program")
    places: list[PlaceOut] = Field(description="办理地点")
    cross_region_scope: CrossRegionScope = Field(description="通办范围")
    consult_phone: str = Field(description="咨询电话")
    complaint_phone: str = Field(description="投诉电话")
    result_name: str = Field(description="审批结果名称")
    result_type: ResultType = Field(description="审批结果类型")
    result_license_type_code: str = Field(description="结果电子证照类型代码")
    delivery_methods: list[DeliveryMethod] = Field(description="结果送达方式")
    handling_items: list[HandlingItemOut] = Field(description="业务办理项")
    materials: list[MaterialOut] = Field(description="申请材料")

    @staticmethod
    def resolve_topics(obj: Any) -> list[Any]:
        return list(obj.topics.all())

    @staticmethod
    def resolve_handling_items(obj: Any) -> list[Any]:
        return list(obj.handling_items.all())

    @staticmethod
    def resolve_materials(obj: Any) -> list[Any]:
        return list(obj.materials.all())
