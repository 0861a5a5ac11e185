"""办件: cases, their materials, correction notices, approval steps, decisions, clock ledger, timeline.

Only ``zwfw.cases.services`` (and ``zwfw.cases.bundles`` for 一件事) writes these rows.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from zwfw.cases.states import CaseStatus
from zwfw.core.crypto import EncryptedCharField


class Channel(models.TextChoices):
    """受理渠道."""

    WEB = "web", "网上办事大厅"
    MOBILE = "mobile", "移动端"
    WINDOW = "window", "窗口"
    TERMINAL = "terminal", "自助终端"
    HOTLINE = "hotline", "12345 热线"


class StepKind(models.TextChoices):
    REVIEW = "review", "审查"
    AUDIT = "audit", "审核"
    DECISION = "decision", "决定"


STEP_ORDER = {StepKind.REVIEW: 1, StepKind.AUDIT: 2, StepKind.DECISION: 3}


class ItemForm(models.Model):
    """申请表单 of one item version (items are versioned rows, so the form is versioned with them)."""

    item = models.OneToOneField(
        "catalog.ImplementationItem", on_delete=models.CASCADE, related_name="application_form"
    )
    schema = models.JSONField("表单 JSON Schema")
    layout = models.JSONField("布局提示", default=dict, blank=True, help_text='{"order": [...], "prefill": {...}}')
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "申请表单"
        verbose_name_plural = "申请表单"

    def __str__(self) -> str:
        return f"form of item {self.item_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # PostgreSQL's jsonb does not keep the order of an object's keys: the order the author wrote the
        # fields in is kept as a list in the layout, so that the form reads the same on every database.
        layout = dict(self.layout or {})
        if "order" not in layout and isinstance(self.schema, dict):
            layout["order"] = list(self.schema.get("properties", {}) or {})
            self.layout = layout
        super().save(*args, **kwargs)


class ItemStep(models.Model):
    """审批环节模板 of an item version: steps with the same ``stage`` run in parallel (联办)."""

    item = models.ForeignKey("catalog.ImplementationItem", on_delete=models.CASCADE, related_name="approval_steps")
    stage = models.PositiveSmallIntegerField("环节序号")
    kind = models.CharField("环节", max_length=16, choices=StepKind.choices)
    department = models.ForeignKey("catalog.Department", on_delete=models.PROTECT, related_name="+")
    role = models.CharField("办理角色", max_length=24)

    class Meta:
        verbose_name = "审批环节模板"
        verbose_name_plural = "审批环节模板"
        ordering = ["stage", "id"]
        constraints = [
            models.UniqueConstraint(fields=["item", "stage", "department"], name="cases_itemstep_once_per_dept"),
        ]

    def __str__(self) -> str:
        return f"{self.stage} {self.kind}"


class CaseCounter(models.Model):
    """The last sequence of case numbers of a region on a day (locked while a number is taken)."""

    region_code = models.CharField(max_length=6)
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "办件编号计数"
        verbose_name_plural = "办件编号计数"
        constraints = [models.UniqueConstraint(fields=["region_code", "day"], name="cases_one_counter_per_day")]

    def __str__(self) -> str:
        return f"{self.region_code}/{self.day}: {self.last}"


class Case(models.Model):
    """办件: one application for one item version."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField("办件编号", max_length=21, unique=True, null=True, blank=True)
    item = models.ForeignKey("catalog.ImplementationItem", on_delete=models.PROTECT, related_name="cases")
    department = models.ForeignKey("catalog.Department", on_delete=models.PROTECT, related_name="cases")
    region_code = models.CharField("行政区划代码", max_length=6)
    applicant = models.ForeignKey("identity.Person", on_delete=models.PROTECT, related_name="cases",
                                  help_text="申请人本人，或代法人办理的经办人")
    enterprise = models.ForeignKey("identity.Enterprise", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="cases")
    agent_grant = models.ForeignKey("identity.AgentGrant", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", help_text="经办人代法人办理时依据的授权")
    channel = models.CharField("渠道", max_length=16, choices=Channel.choices)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", help_text="窗口或热线代为录入的工作人员")
    status = models.CharField("状态", max_length=24, choices=CaseStatus.choices, default=CaseStatus.DRAFT)
    form_data = models.JSONField("表单数据", default=dict)
    idempotency_key = models.CharField("幂等键", max_length=80, blank=True)
    request_digest = models.CharField("提交内容摘要", max_length=64, blank=True)
    received_on = models.DateField("收到材料日期", null=True, blank=True, help_text="受理期限从此日起算")
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    accepted_at = models.DateTimeField("受理时间", null=True, blank=True)
    accepted_on = models.DateField("受理日期", null=True, blank=True)
    deemed_accepted = models.BooleanField("视为受理", default=False)
    refusal_reason = models.CharField("不予受理理由", max_length=500, blank=True)
    legal_limit_days = models.PositiveIntegerField("法定办结时限(工作日)", default=0)
    promised_limit_days = models.PositiveIntegerField("承诺办结时限(工作日)", default=0)
    legal_due_on = models.DateField("法定办结期限", null=True, blank=True)
    promised_due_on = models.DateField("承诺办结期限", null=True, blank=True)
    clock_stopped = models.BooleanField("计时暂停", default=False)
    extended_days = models.PositiveSmallIntegerField("延长工作日", default=0)
    decided_at = models.DateTimeField("决定时间", null=True, blank=True)
    completed_at = models.DateTimeField("办结时间", null=True, blank=True)
    delivery_method = models.CharField("送达方式", max_length=16, blank=True)
    delivery_address = EncryptedCharField("送达地址", blank=True)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", help_text="预审阶段指定的受理人员（改派后）")
    result_license = models.ForeignKey("licenses.License", null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="+", help_text="准予后签发的电子证照")
    bundle = models.ForeignKey("cases.BundleApplication", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="cases", help_text="一件事一次办的联办申请")
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "办件"
        verbose_name_plural = "办件"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["applicant", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="cases_idempotency_per_applicant",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(number__isnull=False), name="cases_number_once_submitted"
            ),
        ]
        indexes = [
            models.Index(fields=["department", "status", "received_on", "assignee"], name="cases_queue_prereview"),
            models.Index(fields=["status", "promised_due_on"]),
            models.Index(fields=["status", "received_on"]),
        ]

    # Not a column: True on the case services.submit returns for a replayed submission.
    replayed = False

    def __str__(self) -> str:
        return self.number or f"草稿 {self.public_id}"


class MaterialKind(models.TextChoices):
    UPLOAD = "upload", "上传"
    LICENSE = "license", "电子证照（免提交）"


class CaseMaterial(models.Model):
    """A material of a case: an uploaded file's metadata, or a reference to an e-licence (免提交)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="materials")
    material = models.ForeignKey("catalog.Material", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    name = models.CharField("材料名称", max_length=200)
    kind = models.CharField("方式", max_length=16, choices=MaterialKind.choices)
    path = models.CharField("存储路径", max_length=300, blank=True, help_text="数据目录下的相对路径")
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    size = models.PositiveIntegerField("字节数", default=0)
    content_type = models.CharField("文件类型", max_length=80, blank=True)
    license = models.ForeignKey("licenses.License", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    superseded_at = models.DateTimeField("被补正替换时间", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "办件材料"
        verbose_name_plural = "办件材料"
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="license") & Q(license__isnull=False))
                | (Q(kind="upload") & Q(license__isnull=True) & ~Q(sha256="")),
                name="cases_material_upload_or_license",
            )
        ]

    def __str__(self) -> str:
        return self.name


class CorrectionNotice(models.Model):
    """一次性补正告知: every missing or defective material in one notice."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="correction_notices")
    items = models.JSONField("补正事项", help_text='[{"material": "...", "reason": "..."}]')
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField()
    corrected_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "补正告知"
        verbose_name_plural = "补正告知"
        ordering = ["issued_at", "id"]

    def __str__(self) -> str:
        return f"notice {self.pk} of case {self.case_id}"


class StepStatus(models.TextChoices):
    WAITING = "waiting", "未开始"
    ACTIVE = "active", "办理中"
    APPROVED = "approved", "同意"
    REFUSED = "refused", "不同意"
    SKIPPED = "skipped", "跳过（即办件）"


class CaseStep(models.Model):
    """审批环节 of a case; steps with the same stage run in parallel in several departments (联办)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="steps")
    stage = models.PositiveSmallIntegerField("环节序号")
    kind = models.CharField("环节", max_length=16, choices=StepKind.choices)
    department = models.ForeignKey("catalog.Department", on_delete=models.PROTECT, related_name="case_steps")
    role = models.CharField("办理角色", max_length=24)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", help_text="改派后只有此人可以办理")
    status = models.CharField("状态", max_length=16, choices=StepStatus.choices, default=StepStatus.WAITING)
    due_on = models.DateField("承诺办结期限", null=True, blank=True,
                              help_text="办件承诺办结期限的副本（计时变化时随之更新），供待办按期限排序")
    opinion = models.CharField("意见", max_length=1000, blank=True)
    acted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    acted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "审批环节"
        verbose_name_plural = "审批环节"
        ordering = ["stage", "id"]
        indexes = [models.Index(fields=["department", "status", "role", "due_on", "assignee", "case"],
                                name="cases_queue_steps")]

    def __str__(self) -> str:
        return f"{self.case_id}/{self.stage} {self.kind}"


class Outcome(models.TextChoices):
    APPROVE = "approve", "准予"
    REFUSE = "refuse", "不予"


class Decision(models.Model):
    """审批决定: one per case (the database refuses a second)."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="decision")
    outcome = models.CharField("结果", max_length=16, choices=Outcome.choices)
    reason = models.CharField("理由", max_length=1000, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()

    class Meta:
        verbose_name = "审批决定"
        verbose_name_plural = "审批决定"
        constraints = [
            models.CheckConstraint(condition=Q(outcome="approve") | ~Q(reason=""), name="cases_refusal_has_reason")
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.outcome}"


class ClockKind(models.TextChoices):
    START = "start", "开始计时"
    STOP = "stop", "暂停计时"
    RESUME = "resume", "恢复计时"
    EXTEND = "extend", "延长时限"


class Procedure(models.TextChoices):
    """不计入时限的特别程序 (《行政许可法》第45条) and correction waits."""

    HEARING = "hearing", "听证"
    INSPECTION = "inspection", "检验"
    TESTING = "testing", "检测"
    APPRAISAL = "appraisal", "鉴定"
    EXPERT_REVIEW = "expert_review", "专家评审"
    CORRECTION = "correction", "补正"


class ClockEntry(models.Model):
    """计时台账: one row per clock change; the due dates are computed from these rows."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="clock_entries")
    seq = models.PositiveIntegerField("序号")
    kind = models.CharField("变化", max_length=16, choices=ClockKind.choices)
    on = models.DateField("日期（Asia/Shanghai）")
    at = models.DateTimeField("时间")
    procedure = models.CharField("特别程序", max_length=16, choices=Procedure.choices, blank=True)
    days = models.PositiveSmallIntegerField("延长工作日", default=0)
    reason = models.CharField("原因", max_length=500, blank=True)
    actor = models.CharField("操作者", max_length=80)

    class Meta:
        verbose_name = "计时台账"
        verbose_name_plural = "计时台账"
        ordering = ["case", "seq"]
        constraints = [models.UniqueConstraint(fields=["case", "seq"], name="cases_clock_seq_unique")]

    def __str__(self) -> str:
        return f"{self.case_id}#{self.seq} {self.kind}"


class CaseEvent(models.Model):
    """办件时间线: every state change and action, for the applicant's and staff's history."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    action = models.CharField("操作", max_length=32)
    status_before = models.CharField(max_length=24, blank=True)
    status_after = models.CharField(max_length=24, blank=True)
    actor = models.CharField("操作者", max_length=80)
    note = models.CharField("说明", max_length=1000, blank=True)
    at = models.DateTimeField()

    class Meta:
        verbose_name = "办件动态"
        verbose_name_plural = "办件动态"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.action}"


class CaseComment(models.Model):
    """内部意见: staff notes on a case; never shown to the applicant."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author_label = models.CharField("作者", max_length=80)
    text = models.CharField("内容", max_length=1000)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = "内部意见"
        verbose_name_plural = "内部意见"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"comment {self.pk} on case {self.case_id}"


class DocumentKind(models.TextChoices):
    ACCEPTANCE = "acceptance", "受理通知书"
    REFUSAL = "refusal", "不予受理通知书"
    CORRECTION = "correction", "补正材料通知书"
    APPROVAL = "approval", "准予许可决定书"
    DISAPPROVAL = "disapproval", "不予许可决定书"
    COMPLETION = "completion", "办结通知书"


class CaseDocument(models.Model):
    """A notice or decision of a case, a PDF sealed with the department's 业务专用章 (or 公章).

    The content is fixed in the transaction of the act it records; the background job renders and
    seals the PDF (a CJK font subset and a PAdES signature take about a second, which an accepting
    clerk should not wait for)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField("文书", max_length=16, choices=DocumentKind.choices)
    content = models.JSONField("文书内容", help_text='{"title", "paragraphs", "issuer", "issued_on"}，在作出时固定')
    pdf = models.BinaryField("签章后的文书", default=b"", blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    seal_code = models.CharField("印章编码", max_length=40, blank=True)
    sealed_at = models.DateTimeField("签章时间", null=True, blank=True)
    error = models.CharField("签章失败原因", max_length=200, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = "办件文书"
        verbose_name_plural = "办件文书"
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["sealed_at"], name="cases_doc_pending", condition=Q(sealed_at__isnull=True))]

    def __str__(self) -> str:
        return f"{self.kind} of case {self.case_id}"


class LifeEvent(models.Model):
    """一件事: a life or business event bundling several items into one application."""

    code = models.SlugField("编码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=60)
    audience = models.CharField("面向", max_length=16, choices=[("person", "个人"), ("enterprise", "法人")])
    description = models.CharField("说明", max_length=300, blank=True)
    region_code = models.CharField("行政区划代码", max_length=6)
    published = models.BooleanField("已发布", default=True)
    sort_order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "一件事"
        verbose_name_plural = "一件事"
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.name


class LifeEventItem(models.Model):
    """An item of a 一件事, by item code (its current published version is applied for)."""

    event = models.ForeignKey(LifeEvent, on_delete=models.CASCADE, related_name="entries")
    item_code = models.CharField("事项编码", max_length=40)
    sort_order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "一件事包含事项"
        verbose_name_plural = "一件事包含事项"
        ordering = ["sort_order", "id"]
        constraints = [models.UniqueConstraint(fields=["event", "item_code"], name="cases_event_item_once")]

    def __str__(self) -> str:
        return f"{self.event_id}: {self.item_code}"


class BundleApplication(models.Model):
    """One submission of a 一件事, fanned out into one linked case per item."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event = models.ForeignKey(LifeEvent, on_delete=models.PROTECT, related_name="applications")
    applicant = models.ForeignKey("identity.Person", on_delete=models.PROTECT, related_name="bundle_applications")
    enterprise = models.ForeignKey("identity.Enterprise", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    form_data = models.JSONField("合并表单数据", default=dict)
    idempotency_key = models.CharField("幂等键", max_length=80)
    request_digest = models.CharField("提交内容摘要", max_length=64)
    submitted_at = models.DateTimeField()

    class Meta:
        verbose_name = "一件事申请"
        verbose_name_plural = "一件事申请"
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["applicant", "idempotency_key"], name="cases_bundle_idempotency"),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} by {self.applicant_id}"
