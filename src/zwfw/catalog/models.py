"""事项管理: departments, topics, base items, implementation items and their guide elements.

Vocabulary follows ../shared/reference/rules.md and GB/T 39046-2020 (platform base data).
An implementation item (实施清单事项) is versioned: each version is one row; at most one row per
code is published and at most one is a draft. Published rows are never edited: editing makes a
draft, publishing the draft supersedes the old row, which stays readable.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q


class ExerciseLevel(models.TextChoices):
    """行使层级."""

    NATIONAL = "national", "国家级"
    PROVINCIAL = "provincial", "省级"
    MUNICIPAL = "municipal", "市级"
    COUNTY = "county", "县级"
    TOWNSHIP = "township", "乡(镇、街道)级"
    VILLAGE = "village", "村(社区)级"
    TIERED = "tiered", "分级管理"


class ItemKind(models.TextChoices):
    """事项类型 (依申请). The numeric codes seen on provincial platforms are in KIND_PROVINCIAL_CODES."""

    LICENSING = "licensing", "行政许可"
    CONFIRMATION = "confirmation", "行政确认"
    RULING = "ruling", "行政裁决"
    PAYMENT = "payment", "行政给付"
    REWARD = "reward", "行政奖励"
    FILING = "filing", "行政备案"
    OTHER_POWER = "other_power", "其他行政权力"
    PUBLIC_SERVICE = "public_service", "公共服务"


# Codes seen on provincial platforms (rules.md); 行政备案 has none there.
KIND_PROVINCIAL_CODES = {
    ItemKind.LICENSING: "1",
    ItemKind.PAYMENT: "5",
    ItemKind.CONFIRMATION: "7",
    ItemKind.REWARD: "8",
    ItemKind.RULING: "9",
    ItemKind.OTHER_POWER: "10",
    ItemKind.PUBLIC_SERVICE: "20",
}


class LegalBasisKind(models.TextChoices):
    """设定依据类别."""

    LAW = "law", "法律"
    ADMIN_REGULATION = "admin_regulation", "行政法规"
    LOCAL_REGULATION = "local_regulation", "地方性法规"
    GOVERNMENT_RULE = "government_rule", "政府规章"
    DEPARTMENT_RULE = "department_rule", "部门规章"
    NORMATIVE_DOCUMENT = "normative_document", "规范性文件"


class Audience(models.TextChoices):
    """服务对象."""

    PERSON = "person", "个人"
    ENTERPRISE = "enterprise", "法人"
    BOTH = "both", "个人和法人"


class TopicAudience(models.TextChoices):
    PERSON = "person", "个人"
    ENTERPRISE = "enterprise", "法人"


class OnlineDepth(models.IntegerChoices):
    """网上办理深度."""

    INFORMATION = 1, "一级：信息公开"
    PRE_REVIEW = 2, "二级：在线预审"
    ONLINE_ACCEPTANCE = 3, "三级：网上受理"
    FULLY_ONLINE = 4, "四级：全程网办"


class CrossRegionScope(models.TextChoices):
    """通办范围."""

    NONE = "none", "不通办"
    CITY = "city", "全市通办"
    PROVINCE = "province", "全省通办"
    CROSS_PROVINCE = "cross_province", "跨省通办"
    NATIONWIDE = "nationwide", "全国通办"


class HandlingType(models.TextChoices):
    """办件类型."""

    IMMEDIATE = "immediate", "即办件"
    PROMISED = "promised", "承诺件"


class ResultType(models.TextChoices):
    """审批结果类型."""

    LICENSE = "license", "证照"
    DOCUMENT = "document", "批文"
    OTHER = "other", "其他"


class DeliveryMethod(models.TextChoices):
    """结果送达方式."""

    WINDOW = "window", "窗口领取"
    EXPRESS = "express", "快递送达"
    ELECTRONIC = "electronic", "电子送达"


class HandlingVariant(models.TextChoices):
    """业务办理项类别."""

    NEW = "new", "新设"
    CHANGE = "change", "变更"
    RENEWAL = "renewal", "延续"
    CANCELLATION = "cancellation", "注销"
    REISSUE = "reissue", "补证"
    OTHER = "other", "其他"


class MaterialSource(models.TextChoices):
    """材料来源."""

    APPLICANT = "applicant", "申请人自备"
    E_LICENSE = "e_license", "电子证照"
    SHARED_DATA = "shared_data", "数据共享"
    DEPARTMENT = "department", "政府部门核发"


class MaterialRequirement(models.TextChoices):
    """材料必要性."""

    REQUIRED = "required", "必要"
    CONDITIONAL = "conditional", "情形必要"
    OPTIONAL = "optional", "非必要"


class ItemStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"
    SUPERSEDED = "superseded", "已被新版本替代"
    WITHDRAWN = "withdrawn", "已停用"


class Department(models.Model):
    """实施主体: a government body that implements service items."""

    credit_code = models.CharField("统一社会信用代码", max_length=18, unique=True)
    name = models.CharField("名称", max_length=100)
    short_name = models.CharField("简称", max_length=40, blank=True)
    region_code = models.CharField("行政区划代码", max_length=6, help_text="GB/T 2260")
    level = models.CharField("层级", max_length=16, choices=ExerciseLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name="上级部门", null=True, blank=True, on_delete=models.PROTECT
    )
    consult_phone = models.CharField("咨询电话", max_length=40, blank=True)
    complaint_phone = models.CharField("投诉电话", max_length=40, blank=True)
    address = models.CharField("办公地址", max_length=200, blank=True)
    office_hours = models.CharField("办公时间", max_length=200, blank=True)
    is_active = models.BooleanField("启用", default=True)
    sort_order = models.PositiveIntegerField("排序", default=0)
    pinyin = models.CharField("拼音", max_length=400, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "部门"
        verbose_name_plural = "部门"
        ordering = ["sort_order", "id"]
        indexes = [models.Index(fields=["region_code", "level"])]

    def __str__(self) -> str:
        return self.name


class Topic(models.Model):
    """主题 / 生命周期事件 for 个人 or 法人 (e.g. 生育收养, 开办企业)."""

    code = models.SlugField("编码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=40)
    audience = models.CharField("面向", max_length=16, choices=TopicAudience.choices)
    description = models.CharField("说明", max_length=200, blank=True)
    sort_order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "主题"
        verbose_name_plural = "主题"
        ordering = ["audience", "sort_order", "id"]

    def __str__(self) -> str:
        return self.name


class BaseItem(models.Model):
    """基本目录事项: the national base catalogue entry that local items implement."""

    code = models.CharField("基本编码", max_length=40, unique=True)
    name = models.CharField("事项名称", max_length=200)
    kind = models.CharField("事项类型", max_length=20, choices=ItemKind.choices)
    exercise_level = models.CharField("行使层级", max_length=16, choices=ExerciseLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name="主项", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    legal_bases = models.JSONField(
        "设定依据", default=list, help_text='[{"kind": "law", "name": "...", "article": "第X条"}]'
    )
    legal_limit_days = models.PositiveIntegerField(
        "法定办结时限(工作日)", validators=[MinValueValidator(0), MaxValueValidator(3650)]
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "基本目录事项"
        verbose_name_plural = "基本目录事项"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ImplementationItem(models.Model):
    """实施清单事项 (one version of it): every guide element a citizen is shown."""

    code = models.CharField(
        "实施编码", max_length=31, help_text="实施主体统一社会信用代码(18位) + 13位，共31位"
    )
    version = models.PositiveIntegerField("版本", default=1)
    status = models.CharField("状态", max_length=16, choices=ItemStatus.choices, default=ItemStatus.DRAFT)
    base_item = models.ForeignKey(BaseItem, verbose_name="基本目录事项", on_delete=models.PROTECT)
    department = models.ForeignKey(
        Department, verbose_name="实施主体", on_delete=models.PROTECT, related_name="items"
    )
    region_code = models.CharField("行政区划代码", max_length=6)
    name = models.CharField("事项名称", max_length=200)
    kind = models.CharField("事项类型", max_length=20, choices=ItemKind.choices)
    exercise_level = models.CharField("行使层级", max_length=16, choices=ExerciseLevel.choices)
    audience = models.CharField("服务对象", max_length=16, choices=Audience.choices)
    topics = models.ManyToManyField(Topic, verbose_name="主题", blank=True, related_name="items")
    aliases = models.JSONField("别名/俗称", default=list, blank=True)
    summary = models.CharField("事项简介", max_length=500, blank=True)
    legal_bases = models.JSONField("设定依据", default=list)
    conditions = models.TextField("受理条件")
    process = models.JSONField("办理流程", default=list, help_text='[{"name": "...", "description": "..."}]')
    legal_limit_days = models.PositiveIntegerField("法定办结时限(工作日)")
    legal_limit_note = models.CharField("法定时限说明", max_length=200, blank=True)
    promised_limit_days = models.PositiveIntegerField("承诺办结时限(工作日)")
    promised_limit_note = models.CharField("承诺时限说明", max_length=200, blank=True)
    handling_type = models.CharField("办件类型", max_length=16, choices=HandlingType.choices)
    is_free = models.BooleanField("是否收费", default=True, help_text="True 表示不收费")
    fees = models.JSONField(
        "收费项目", default=list, blank=True, help_text='[{"name": "...", "standard": "...", "basis": "..."}]'
    )
    visits_required = models.PositiveSmallIntegerField(
        "到办事现场次数", default=1, validators=[MaxValueValidator(5)]
    )
    online_depth = models.PositiveSmallIntegerField("网上办理深度", choices=OnlineDepth.choices)
    channels = models.JSONField(
        "办理渠道", default=list, help_text='["web", "app", "window", "terminal"] 及说明'
    )
    places = models.JSONField(
        "办理地点", default=list, help_text='[{"name": "...", "address": "...", "hours": "..."}]'
    )
    cross_region_scope = models.CharField(
        "通办范围", max_length=16, choices=CrossRegionScope.choices, default=CrossRegionScope.NONE
    )
    consult_phone = models.CharField("咨询电话", max_length=40)
    complaint_phone = models.CharField("投诉电话", max_length=40)
    result_name = models.CharField("审批结果名称", max_length=200, blank=True)
    result_type = models.CharField("审批结果类型", max_length=16, choices=ResultType.choices)
    result_license_type_code = models.CharField(
        "结果电子证照类型代码", max_length=21, blank=True, help_text="GB/T 36904 证照类型代码"
    )
    delivery_methods = models.JSONField("送达方式", default=list)
    popularity = models.PositiveIntegerField(
        "热度", default=0, help_text="近期办件量或访问量，用于热门和排序"
    )
    pinyin_full = models.CharField("全拼", max_length=1000, blank=True, editable=False)
    pinyin_initials = models.CharField("拼音首字母", max_length=300, blank=True, editable=False)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    superseded_at = models.DateTimeField("被替代时间", null=True, blank=True)
    withdrawn_at = models.DateTimeField("停用时间", null=True, blank=True)
    change_note = models.CharField("修订说明", max_length=500, blank=True)
    created_by = models.CharField("创建人", max_length=80, blank=True, help_text="如 user:12 或 system")
    updated_by = models.CharField("最后修改人", max_length=80, blank=True)
    published_by = models.CharField("发布人", max_length=80, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "实施清单事项"
        verbose_name_plural = "实施清单事项"
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="catalog_item_code_version_unique"),
            models.UniqueConstraint(
                fields=["code"], condition=Q(status="published"), name="catalog_item_one_published"
            ),
            models.UniqueConstraint(
                fields=["code"], condition=Q(status="draft"), name="catalog_item_one_draft"
            ),
            models.CheckConstraint(
                condition=Q(promised_limit_days__lte=models.F("legal_limit_days")),
                name="catalog_item_promised_within_legal",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-popularity"]),
            models.Index(fields=["status", "department"]),
            models.Index(fields=["status", "region_code"]),
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"

    @property
    def is_fully_online(self) -> bool:
        """全程网办."""
        return self.online_depth == OnlineDepth.FULLY_ONLINE

    @property
    def is_zero_visit(self) -> bool:
        """零跑动."""
        return self.visits_required == 0


class HandlingItem(models.Model):
    """业务办理项: the unit a citizen actually applies for (新设/变更/延续/注销 ...)."""

    item = models.ForeignKey(ImplementationItem, on_delete=models.CASCADE, related_name="handling_items")
    code = models.CharField("业务办理项编码", max_length=33, help_text="实施编码 + 2位数字，共33位")
    name = models.CharField("名称", max_length=200)
    variant = models.CharField("类别", max_length=16, choices=HandlingVariant.choices)
    sort_order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "业务办理项"
        verbose_name_plural = "业务办理项"
        ordering = ["sort_order", "id"]
        constraints = [models.UniqueConstraint(fields=["item", "code"], name="catalog_handling_code_unique")]

    def __str__(self) -> str:
        return self.name


class Material(models.Model):
    """申请材料 of an implementation item version."""

    item = models.ForeignKey(ImplementationItem, on_delete=models.CASCADE, related_name="materials")
    name = models.CharField("材料名称", max_length=200)
    source = models.CharField("来源", max_length=16, choices=MaterialSource.choices)
    requirement = models.CharField("必要性", max_length=16, choices=MaterialRequirement.choices)
    condition = models.CharField("情形说明", max_length=300, blank=True, help_text="情形必要时必填")
    paper_original_count = models.PositiveSmallIntegerField("纸质原件份数", default=0)
    paper_copy_count = models.PositiveSmallIntegerField("纸质复印件份数", default=0)
    electronic = models.BooleanField("接受电子材料", default=True)
    license_type_code = models.CharField(
        "电子证照类型代码", max_length=21, blank=True, help_text="来源为电子证照时必填"
    )
    shared_resource = models.CharField(
        "共享数据资源", max_length=200, blank=True, help_text="来源为数据共享时必填"
    )
    issuing_body = models.CharField(
        "核发部门", max_length=100, blank=True, help_text="来源为政府部门核发时必填"
    )
    handling_codes = models.JSONField(
        "适用业务办理项", default=list, blank=True, help_text="为空表示适用全部业务办理项"
    )
    notes = models.CharField("填报须知", max_length=500, blank=True)
    blank_form = models.FileField("空白表格", upload_to="catalog/forms/", blank=True)
    sample = models.FileField("示例样表", upload_to="catalog/samples/", blank=True)
    sort_order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "申请材料"
        verbose_name_plural = "申请材料"
        ordering = ["sort_order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(requirement="conditional") | ~Q(condition=""),
                name="catalog_material_condition_given",
            ),
        ]

    def __str__(self) -> str:
        return self.name


# ---- search index (事项搜索), maintained by zwfw.catalog.search ---------------------------------------------


class SearchDoc(models.Model):
    """搜索文档: one row per published item with its normalised texts and the facets search filters on.

    Published rows are immutable, so the facets never go stale; popularity is refreshed on every reindex.
    """

    item = models.OneToOneField(
        ImplementationItem, on_delete=models.CASCADE, primary_key=True, related_name="search_doc"
    )
    name = models.CharField("规范化名称", max_length=200)
    aliases = models.TextField("规范化别名", blank=True, help_text="每行一个")
    pinyin = models.TextField("全拼", blank=True, help_text="名称和别名的全拼，空格分隔")
    initials = models.TextField("拼音首字母", blank=True, help_text="名称和别名的首字母，空格分隔")
    other = models.TextField(
        "其他", blank=True, help_text="实施主体简称、全称及其行政区划名称，每项一行，规范化，不含拼音"
    )
    audience = models.CharField("服务对象", max_length=16)
    region_code = models.CharField("行政区划代码", max_length=6)
    department_pk = models.BigIntegerField("实施主体")
    fully_online = models.BooleanField("全程网办")
    zero_visit = models.BooleanField("零跑动")
    popularity = models.PositiveIntegerField("热度", default=0)

    class Meta:
        verbose_name = "搜索文档"
        verbose_name_plural = "搜索文档"
        indexes = [
            models.Index(fields=["-popularity", "item"], name="catalog_sdoc_popular"),
            # department and region pages list by popularity without a query
            models.Index(fields=["department_pk", "-popularity", "item"], name="catalog_sdoc_dept_popular"),
            models.Index(fields=["region_code", "-popularity", "item"], name="catalog_sdoc_region_popular"),
        ]

    def __str__(self) -> str:
        return self.name


class SearchTerm(models.Model):
    """倒排索引: one row per (gram, document) with the best field the gram occurs in (see zwfw.catalog.search)."""

    gram = models.CharField("词元", max_length=40)
    doc = models.ForeignKey(SearchDoc, on_delete=models.CASCADE, related_name="terms")
    field = models.PositiveSmallIntegerField("字段")
    popularity = models.PositiveIntegerField("热度", default=0)
    facets = models.PositiveSmallIntegerField(
        "筛选位", default=0, help_text="服务对象、全程网办、零跑动的位组合"
    )

    class Meta:
        verbose_name = "搜索词元"
        verbose_name_plural = "搜索词元"
        # One gram's postings in rank order, the facets at hand: top results and counts never leave the index.
        indexes = [
            models.Index(
                fields=["gram", "field", "-popularity", "doc", "facets"], name="catalog_sterm_ranked"
            )
        ]

    def __str__(self) -> str:
        return self.gram


class SearchIndexState(models.Model):
    """One row: a token that changes on every index change, so cached search results of every worker expire."""

    token = models.CharField("版本标记", max_length=32)

    class Meta:
        verbose_name = "搜索索引状态"
        verbose_name_plural = "搜索索引状态"

    def __str__(self) -> str:
        return self.token


# ---- guide read model (办事指南), written by zwfw.catalog.services.publish ----------------------------------


class GuideSnapshot(models.Model):
    """办事指南快照: what the guide of one published item version shows of the version itself, as JSON
    (see zwfw.catalog.guides). Written once, when the version is published; published versions never change."""

    item = models.OneToOneField(
        ImplementationItem, on_delete=models.CASCADE, primary_key=True, related_name="guide_snapshot"
    )
    data = models.JSONField("指南内容")

    class Meta:
        verbose_name = "办事指南快照"
        verbose_name_plural = "办事指南快照"

    def __str__(self) -> str:
        return str(self.item_id)
