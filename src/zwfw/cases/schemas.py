"""办件 API schemas; every field carries a Chinese description."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from ninja import Schema
from pydantic import Field, StrictBool, StrictInt

from zwfw.cases import bundles, selectors
from zwfw.cases.models import Case, CaseDocument, CaseMaterial, CaseStep, ClockEntry, CorrectionNotice
from zwfw.cases.states import CaseStatus
from zwfw.core.masking import mask_name

STATUSES = "、".join(f"{value}（{label}）" for value, label in CaseStatus.choices)
JsonObject = dict[str, Any]


# --- in ---------------------------------------------------------------------------------------------


class DraftIn(Schema):
    item_id: int = Field(description="实施清单事项（版本）ID")
    form_data: JsonObject = Field(default_factory=dict, description="表单数据（草稿不校验）")
    enterprise: str = Field("", max_length=40, description="代法人申请时，法人的统一社会信用代码；本人申请留空")
    channel: str = Field("web", max_length=16, description="渠道：web、mobile、terminal")


class DraftUpdateIn(Schema):
    form_data: JsonObject = Field(description="表单数据（草稿不校验）")


class SubmitIn(Schema):
    item_id: int | None = Field(None, description="实施清单事项ID；提交草稿时省略")
    draft: str = Field("", max_length=40, description="要提交的草稿（或窗口代录待确认的申请）public_id")
    form_data: JsonObject | None = Field(None, description="表单数据，按事项的 JSON Schema 校验；提交草稿时省略则用草稿的")
    idempotency_key: str = Field("", max_length=81, description="幂等键（1到80个字符）；也可放在 Idempotency-Key 请求头")
    enterprise: str = Field("", max_length=40, description="代法人申请时，法人的统一社会信用代码")
    channel: str = Field("web", max_length=16, description="渠道：web、mobile、terminal")


class CorrectIn(Schema):
    form_data: JsonObject | None = Field(None, description="补正后的表单数据；不改表单时省略")


class ReasonIn(Schema):
    reason: str = Field("", max_length=1001, description="原因或理由")


class CorrectionItemIn(Schema):
    material: str = Field(max_length=201, description="需补正的材料")
    reason: str = Field(max_length=501, description="补正原因")


class CorrectionsIn(Schema):
    items: list[CorrectionItemIn] = Field(max_length=50, description="一次性告知的全部补正事项")


class StopIn(Schema):
    procedure: str = Field(max_length=20, description="特别程序：hearing、inspection、testing、appraisal、expert_review、correction")
    reason: str = Field(max_length=501, description="暂停计时的原因")


class ExtendIn(Schema):
    days: StrictInt = Field(description="延长的工作日数（1到10的整数，只能延长一次）")
    reason: str = Field(max_length=501, description="延长理由（告知申请人）")


class DecideIn(Schema):
    approve: StrictBool = Field(description="true 准予，false 不予（须为 JSON 布尔值）")
    reason: str = Field("", max_length=1001, description="不予许可的理由（不予时必填）")
    license_surface: dict[str, str] | None = Field(None, description="审批结果证照中须由审批人填写的照面项")


class CompleteIn(Schema):
    delivery_method: str = Field(max_length=16, description="送达方式：electronic（电子送达）、window（窗口领取）、express（快递）")
    address: str = Field("", max_length=301, description="快递地址（快递送达时必填）")


class OpinionIn(Schema):
    opinion: str = Field("", max_length=1001, description="审批意见（可空，默认“同意”）")


class CommentIn(Schema):
    text: str = Field(max_length=1001, description="内部意见（仅工作人员可见）")


class ReassignIn(Schema):
    to_staff: str = Field(max_length=40, description="改派给的工作人员 public_id")
    step_id: int | None = Field(None, description="改派的审批环节；省略为改派预审受理")


class BatchIn(Schema):
    cases: list[Annotated[str, Field(max_length=40)]] = Field(min_length=1, max_length=100,
                                                             description="要受理的办件 public_id，最多100件")


class EntryIn(Schema):
    item_id: int = Field(description="实施清单事项ID")
    applicant: str = Field("", max_length=40, description="申请人（已实名注册的自然人）public_id；与证件号码二选一")
    document_type: str = Field("resident_id", max_length=20, description="申请人证件类型")
    document_number: str = Field("", max_length=40, description="申请人证件号码（须已实名注册）")
    enterprise: str = Field("", max_length=40, description="代法人申请时，法人的统一社会信用代码")
    channel: str = Field("window", max_length=16, description="window（窗口）或 hotline（12345 热线）")
    form_data: JsonObject = Field(default_factory=dict, description="代为录入的表单数据")


class ConfirmIn(Schema):
    idempotency_key: str = Field("", max_length=81, description="幂等键（1到80个字符）；也可放在 Idempotency-Key 请求头")


class CasePageIn(Schema):
    page: int = Field(1, ge=1, le=500, description="页码")
    page_size: int = Field(20, ge=1, le=100, description="每页条数")
    status: str = Field("", max_length=24, description=f"按状态筛选：{STATUSES}")
    number: str = Field("", max_length=30, description="按办件编号筛选（待办为编号前缀）；含控制字符的返回 400 CASE_NUMBER_FILTER_INVALID")


class ProgressIn(Schema):
    number: str = Field(max_length=30, description="办件编号（21位）")
    id_tail: str = Field(max_length=10, description="申请人证件号码后6位")


# --- out --------------------------------------------------------------------------------------------


class DeadlineOut(Schema):
    colour: str = Field(description="时限颜色：green（正常）、yellow（已用三分之二）、red（超期）、stopped（暂停计时）、none")
    word: str = Field(description="时限状态的中文说明")
    due: dt.date | None = Field(description="期限（受理期限或承诺办结期限）")
    left: int | None = Field(description="剩余工作日（已超期为0；暂停计时为 null）")


class CaseOut(Schema):
    public_id: str = Field(description="办件 ID")
    number: str | None = Field(description="办件编号：行政区划代码 + 日期 + 6位顺序号 + 校验码；草稿为 null")
    item_id: int = Field(description="事项（版本）ID")
    item_name: str = Field(description="事项名称")
    department: str = Field(description="受理部门")
    status: str = Field(description=f"状态：{STATUSES}")
    status_label: str = Field(description="状态（中文）")
    channel: str = Field(description="渠道")
    applicant: str = Field(description="申请人（工作人员看到全名，列表中脱敏）")
    submitted_at: dt.datetime | None = Field(description="提交时间")
    accepted_on: dt.date | None = Field(description="受理日期")
    promised_due_on: dt.date | None = Field(description="承诺办结期限")
    legal_due_on: dt.date | None = Field(description="法定办结期限")
    clock_stopped: bool = Field(description="计时是否暂停")
    deadline: DeadlineOut | None = Field(None, description="时限颜色（工作台）")

    @staticmethod
    def of(case: Case, *, mask: bool = True, deadline: dict[str, Any] | None = None) -> CaseOut:
        name = case.enterprise.name if case.enterprise is not None else case.applicant.name
        return CaseOut._of(case, item_name=case.item.name, department=case.department.name,
                           applicant=mask_name(name) if mask and case.enterprise is None else name, deadline=deadline)

    @staticmethod
    def of_queue_row(row: selectors.QueueRow, *, deadline: dict[str, Any]) -> CaseOut:
        return CaseOut._of(row, item_name=row.item_name, department=row.department_name,
                           applicant=row.applicant_listed, deadline=deadline)

    @staticmethod
    def _of(case: Case | selectors.QueueRow, *, item_name: str, department: str, applicant: str,
            deadline: dict[str, Any] | None) -> CaseOut:
        return CaseOut(
            public_id=str(case.public_id), number=case.number, item_id=case.item_id, item_name=item_name,
            department=department, status=case.status, status_label=CaseStatus(case.status).label,
            channel=case.channel, applicant=applicant, submitted_at=case.submitted_at, accepted_on=case.accepted_on,
            promised_due_on=case.promised_due_on, legal_due_on=case.legal_due_on, clock_stopped=case.clock_stopped,
            deadline=DeadlineOut(**{k: deadline[k] for k in ("colour", "word", "due", "left")}) if deadline else None,
        )


class CasePageOut(Schema):
    items: list[CaseOut]
    total: int = Field(description="总条数")
    page: int
    page_size: int


class CaseMaterialOut(Schema):
    id: int = Field(description="材料记录ID")
    name: str = Field(description="材料名称")
    kind: str = Field(description="upload（上传）或 license（电子证照，免提交）")
    material_id: int | None = Field(description="事项材料ID")
    size: int = Field(description="字节数")
    content_type: str = Field(description="文件类型（按内容识别）")
    sha256: str = Field(description="SHA-256 摘要")
    license_identifier: str = Field(description="免提交时关联的电子证照标识")

    @staticmethod
    def of(row: CaseMaterial) -> CaseMaterialOut:
        return CaseMaterialOut(
            id=row.pk, name=row.name, kind=row.kind, material_id=row.material_id, size=row.size,
            content_type=row.content_type, sha256=row.sha256,
            license_identifier=row.license.identifier if row.license is not None else "",
        )


class NoticeOut(Schema):
    issued_at: dt.datetime = Field(description="告知时间")
    items: list[dict[str, str]] = Field(description="补正事项 [{material, reason}]")
    corrected_at: dt.datetime | None = Field(description="补正时间")

    @staticmethod
    def of(notice: CorrectionNotice) -> NoticeOut:
        return NoticeOut(issued_at=notice.issued_at, items=notice.items, corrected_at=notice.corrected_at)


class EventOut(Schema):
    at: dt.datetime = Field(description="时间")
    action: str = Field(description="操作代码")
    label: str = Field(description="操作（中文）")
    status_label: str = Field(description="操作后的状态")
    note: str = Field(description="说明（申请人只看到给申请人的说明）")

    @staticmethod
    def of(entry: selectors.TimelineEntry) -> EventOut:
        return EventOut(at=entry.at, action=entry.action, label=entry.label, status_label=entry.status_label,
                        note=entry.note)


class DocumentOut(Schema):
    id: str = Field(description="文书ID")
    kind: str = Field(description="文书类别")
    title: str = Field(description="文书名称")
    sealed: bool = Field(description="是否已签章（未签章的文书尚不能下载）")
    seal_code: str = Field(description="签章所用印章编码")

    @staticmethod
    def of(document: CaseDocument) -> DocumentOut:
        return DocumentOut(id=str(document.public_id), kind=document.kind, title=document.content.get("title", ""),
                           sealed=document.sealed_at is not None, seal_code=document.seal_code)


class CaseDetailOut(CaseOut):
    form_data: JsonObject = Field(description="表单数据")
    materials: list[CaseMaterialOut] = Field(description="当前材料")
    notices: list[NoticeOut] = Field(description="补正告知")
    timeline: list[EventOut] = Field(description="办件动态")
    documents: list[DocumentOut] = Field(description="通知书和决定书")
    decision: str = Field(description="决定：approve（准予）、refuse（不予）或空")
    result_license: str = Field(description="准予后签发的电子证照标识")
    bundle: str = Field(description="所属一件事申请的 ID")

    @staticmethod
    def of_case(case: Case, *, staff: bool) -> CaseDetailOut:
        base = CaseOut.of(case, mask=not staff).model_dump()
        decision = getattr(case, "decision", None) if case.decided_at else None
        return CaseDetailOut(
            **base,
            form_data=case.form_data,
            materials=[CaseMaterialOut.of(m) for m in selectors.materials_of(case)],
            notices=[NoticeOut.of(n) for n in case.correction_notices.order_by("issued_at", "id")],
            timeline=[EventOut.of(e) for e in selectors.timeline_of(case, public=not staff)],
            documents=[DocumentOut.of(d) for d in selectors.documents_of(case)],
            decision=decision.outcome if decision else "",
            result_license=case.result_license.identifier if case.result_license is not None else "",
            bundle=str(case.bundle.public_id) if case.bundle is not None else "",
        )


class StepOut(Schema):
    id: int
    stage: int = Field(description="环节序号（同一序号并行办理，即联办）")
    kind: str = Field(description="review（审查）、audit（审核）、decision（决定）")
    department: str = Field(description="办理部门")
    role: str = Field(description="办理角色")
    status: str = Field(description="waiting、active、approved、refused、skipped")
    opinion: str = Field(description="意见")

    @staticmethod
    def of(step: CaseStep) -> StepOut:
        return StepOut(id=step.pk, stage=step.stage, kind=step.kind, department=step.department.name, role=step.role,
                       status=step.status, opinion=step.opinion)


class LedgerOut(Schema):
    seq: int
    kind: str = Field(description="start、stop、resume、extend")
    on: dt.date = Field(description="日期")
    procedure: str = Field(description="特别程序")
    days: int = Field(description="延长工作日")
    reason: str

    @staticmethod
    def of(entry: ClockEntry) -> LedgerOut:
        return LedgerOut(seq=entry.seq, kind=entry.kind, on=entry.on, procedure=entry.procedure, days=entry.days,
                         reason=entry.reason)


class CommentOut(Schema):
    author: str
    text: str
    at: dt.datetime


class StaffCaseOut(CaseDetailOut):
    steps: list[StepOut] = Field(description="审批环节")
    ledger: list[LedgerOut] = Field(description="计时台账")
    comments: list[CommentOut] = Field(description="内部意见")


class BatchResultOut(Schema):
    case: str
    ok: bool
    code: str = Field(description="失败时的错误代码")
    message: str


class FormOut(Schema):
    form_schema: JsonObject = Field(description="表单 JSON Schema（draft 2020-12）")
    layout: JsonObject = Field(description="布局提示：order、prefill")
    prefilled: dict[str, str] = Field(description="免填：按实名信息预先填好的字段")
    materials: list[dict[str, Any]] = Field(description="申请材料及来源（e_license、shared_data 为免提交）")


class ProgressOut(Schema):
    number: str
    item_name: str
    department_name: str
    applicant: str = Field(description="申请人（脱敏）")
    status: str
    status_label: str
    submitted_at: dt.datetime | None
    accepted_on: dt.date | None
    promised_due_on: dt.date | None
    completed_at: dt.datetime | None
    steps: list[EventOut] = Field(description="办理过程（不含说明）")

    @staticmethod
    def of(progress: selectors.PublicProgress) -> ProgressOut:
        return ProgressOut(
            number=progress.number, item_name=progress.item_name, department_name=progress.department_name,
            applicant=progress.applicant, status=progress.status, status_label=progress.status_label,
            submitted_at=progress.submitted_at, accepted_on=progress.accepted_on,
            promised_due_on=progress.promised_due_on, completed_at=progress.completed_at,
            steps=[EventOut.of(e) for e in progress.steps],
        )


class LifeEventOut(Schema):
    code: str
    name: str
    audience: str
    description: str
    items: list[str] = Field(description="包含的事项")


class BundleFormOut(Schema):
    form_schema: JsonObject = Field(description="合并表单 JSON Schema")
    layout: JsonObject
    shared_fields: list[str] = Field(description="多个事项共同的字段（只填一次）")
    materials: list[dict[str, Any]] = Field(description="去重后的材料：name、source、required、items")


class BundleOut(Schema):
    public_id: str
    event: str = Field(description="一件事名称")
    status: str = Field(description="in_progress、completed、partly_refused、withdrawn")
    status_label: str
    cases: list[CaseOut] = Field(description="关联办件：经办人只看到授权范围内事项的办件，合并状态也只按这些办件计算")

    @staticmethod
    def of(status: bundles.BundleStatus, bundle: Any) -> BundleOut:
        return BundleOut(public_id=str(bundle.public_id), event=bundle.event.name, status=status.status,
                         status_label=status.label, cases=[CaseOut.of(c) for c in status.cases])


class CaseStatusOut(Schema):
    public_id: str = Field(description="办件 ID")
    number: str | None = Field(description="办件编号")
    item_name: str = Field(description="事项名称")
    department: str = Field(description="受理部门")
    status: str = Field(description=f"状态：{STATUSES}")
    status_label: str = Field(description="状态（中文）")
    submitted_at: dt.datetime | None = Field(description="提交时间")
    accepted_on: dt.date | None = Field(description="受理日期")
    promised_due_on: dt.date | None = Field(description="承诺办结期限")
    clock_stopped: bool = Field(description="计时是否暂停")
    completed_at: dt.datetime | None = Field(description="办结时间")
    updated_at: dt.datetime = Field(description="最近一次变化的时间（轮询时据此判断是否需要取详情）")

    @staticmethod
    def of(row: selectors.CaseStatusRow) -> CaseStatusOut:
        return CaseStatusOut(
            public_id=row.public_id, number=row.number, item_name=row.item_name, department=row.department_name,
            status=row.status, status_label=row.status_label, submitted_at=row.submitted_at,
            accepted_on=row.accepted_on, promised_due_on=row.promised_due_on, clock_stopped=row.clock_stopped,
            completed_at=row.completed_at, updated_at=row.updated_at,
        )
