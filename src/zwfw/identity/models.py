"""统一身份认证: people, enterprises, agents, staff, how they sign in, and the provider's own rows.

Accounts sit on Django's ``auth.User`` (the login, password hash, ``is_staff``); what a person
*is* lives in ``Person`` (自然人), ``Enterprise`` (法人) and ``StaffMember`` (工作人员).
Document and mobile numbers are encrypted at rest (``EncryptedCharField``) and found through
blind indexes (``*_index`` columns, see ``zwfw.core.crypto``).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from zwfw.core.crypto import EncryptedCharField


class DocumentType(models.TextChoices):
    """证件类型 (GB/T 2261 style names of the common documents)."""

    RESIDENT_ID = "resident_id", "居民身份证"
    HK_MACAO_PERMIT = "hk_macao_permit", "港澳居民来往内地通行证"
    TAIWAN_PERMIT = "taiwan_permit", "台湾居民来往大陆通行证"
    FOREIGN_PERMANENT_RESIDENT = "foreign_pr", "外国人永久居留身份证"
    PASSPORT = "passport", "护照"


class AssuranceLevel(models.IntegerChoices):
    """认证等级 (Guangdong trust levels, ../shared/reference/rules.md)."""

    FORMAT_CHECKED = 2, "二级：证件格式校验"
    REGISTRY_MATCHED = 3, "三级：权威库比对"
    REAL_PERSON = 4, "四级：实人核验"
    CERTIFICATE = 5, "五级：数字证书或现场核验"


class AssuranceMethod(models.TextChoices):
    FORMAT = "format", "证件号码格式校验"
    REGISTRY = "registry", "姓名与证件号码经人口库比对"
    ENTERPRISE_REGISTRY = "enterprise_registry", "经市场主体登记库比对"
    WINDOW_IN_PERSON = "window", "窗口工作人员现场核验本人"
    CERTIFICATE = "certificate", "数字证书"
    HUB = "hub", "国家平台统一身份认证"


class RegistryStatus(models.TextChoices):
    NORMAL = "normal", "正常"
    CANCELLED = "cancelled", "已注销"


# ---------------------------------------------------------------------------------------------
# Reference registries (人口库、法人库): data the node holds, behind zwfw.identity.registries
# ---------------------------------------------------------------------------------------------


class PopulationRecord(models.Model):
    """人口基础信息库的一条记录 (fictional in the demo; served by data sharing later)."""

    document_type = models.CharField("证件类型", max_length=20, choices=DocumentType.choices)
    document_number = EncryptedCharField("证件号码")
    document_index = models.CharField("证件号码索引", max_length=64, unique=True)
    name = models.CharField("姓名", max_length=64)
    birth_date = models.DateField("出生日期", null=True, blank=True)
    document_valid_until = models.DateField("证件有效期至", null=True, blank=True, help_text="空表示长期")
    guardian_index = models.CharField(
        "监护人证件号码索引", max_length=64, blank=True, db_index=True, help_text="未成年人的监护人"
    )
    status = models.CharField(
        "状态", max_length=12, choices=RegistryStatus.choices, default=RegistryStatus.NORMAL
    )

    class Meta:
        verbose_name = "人口库记录"
        verbose_name_plural = "人口库记录"

    def __str__(self) -> str:
        return f"{self.name} ({self.get_document_type_display()})"


class EnterpriseKind(models.TextChoices):
    ENTERPRISE = "enterprise", "企业法人"
    INDIVIDUAL_BUSINESS = "individual_business", "个体工商户"
    PUBLIC_INSTITUTION = "public_institution", "事业单位"
    SOCIAL_ORGANISATION = "social_organisation", "社会组织"
    OTHER = "other", "其他组织"


class EnterpriseRecord(models.Model):
    """市场主体登记库的一条记录."""

    credit_code = models.CharField("统一社会信用代码", max_length=18, unique=True)
    name = models.CharField("名称", max_length=200)
    kind = models.CharField("类型", max_length=24, choices=EnterpriseKind.choices)
    legal_representative_name = models.CharField("法定代表人姓名", max_length=64)
    legal_representative_index = models.CharField("法定代表人证件号码索引", max_length=64, db_index=True)
    established_on = models.DateField("成立日期", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=12, choices=RegistryStatus.choices, default=RegistryStatus.NORMAL
    )

    class Meta:
        verbose_name = "法人库记录"
        verbose_name_plural = "法人库记录"

    def __str__(self) -> str:
        return self.name


# ---------------------------------------------------------------------------------------------
# Accounts
# ---------------------------------------------------------------------------------------------


class Person(models.Model):
    """自然人用户."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="person",
        null=True,
        blank=True,
        help_text="空：没有自己的登录账号（由监护人代办的未成年人）",
    )
    document_type = models.CharField("证件类型", max_length=20, choices=DocumentType.choices)
    document_number = EncryptedCharField("证件号码")
    document_index = models.CharField("证件号码索引", max_length=64, unique=True)
    name = models.CharField("姓名", max_length=64)
    birth_date = models.DateField("出生日期", null=True, blank=True)
    mobile = EncryptedCharField("手机号码", blank=True)
    mobile_index = models.CharField("手机号码索引", max_length=64, blank=True, db_index=True)
    email = models.EmailField("电子邮箱", blank=True)
    assurance_level = models.PositiveSmallIntegerField(
        "认证等级", choices=AssuranceLevel.choices, default=AssuranceLevel.FORMAT_CHECKED
    )
    created_at = models.DateTimeField("注册时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "自然人"
        verbose_name_plural = "自然人"
        constraints = [
            models.UniqueConstraint(
                fields=["mobile_index"], condition=~Q(mobile_index=""), name="identity_person_unique_mobile"
            ),
            models.CheckConstraint(
                condition=Q(assurance_level__gte=2, assurance_level__lte=5),
                name="identity_person_level_2_to_5",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class AssuranceEvent(models.Model):
    """How a person's level was reached: one row per raise (or fall), shown on the account page."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="assurance_events")
    level = models.PositiveSmallIntegerField("达到等级", choices=AssuranceLevel.choices)
    method = models.CharField("方式", max_length=24, choices=AssuranceMethod.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", null=True, blank=True, on_delete=models.PROTECT
    )
    note = models.CharField("说明", max_length=200, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "认证记录"
        verbose_name_plural = "认证记录"
        ordering = ["-created_at", "-id"]


class Enterprise(models.Model):
    """法人用户: registered by its legal representative after a registry match."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    credit_code = models.CharField("统一社会信用代码", max_length=18, unique=True)
    name = models.CharField("名称", max_length=200)
    kind = models.CharField("类型", max_length=24, choices=EnterpriseKind.choices)
    legal_representative = models.ForeignKey(
        Person, verbose_name="法定代表人", on_delete=models.PROTECT, related_name="represented_enterprises"
    )
    assurance_level = models.PositiveSmallIntegerField(
        "认证等级", choices=AssuranceLevel.choices, default=AssuranceLevel.REGISTRY_MATCHED
    )
    created_at = models.DateTimeField("注册时间", auto_now_add=True)

    class Meta:
        verbose_name = "法人"
        verbose_name_plural = "法人"

    def __str__(self) -> str:
        return self.name


class AgentGrant(models.Model):
    """经办人授权: the legal representative lets a person act for the enterprise."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="agent_grants")
    agent = models.ForeignKey(
        Person, verbose_name="经办人", on_delete=models.CASCADE, related_name="agent_grants"
    )
    all_items = models.BooleanField("全部事项", default=False)
    item_codes = models.JSONField("授权事项编码", default=list, blank=True)
    valid_until = models.DateTimeField("有效期至")
    granted_by = models.ForeignKey(
        Person, verbose_name="授权人", on_delete=models.PROTECT, related_name="agent_grants_given"
    )
    created_at = models.DateTimeField("授权时间", auto_now_add=True)
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)
    revoked_by = models.ForeignKey(
        Person, verbose_name="撤销人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "经办人授权"
        verbose_name_plural = "经办人授权"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(all_items=True) | ~Q(item_codes=[]), name="identity_grant_items_or_all"
            ),
        ]


class Guardianship(models.Model):
    """监护关系: a guardian acts for a minor; established from the population registry."""

    guardian = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="wards")
    ward = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="guardians")
    created_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "监护关系"
        verbose_name_plural = "监护关系"
        constraints = [
            models.UniqueConstraint(
                fields=["guardian", "ward"],
                condition=Q(ended_at__isnull=True),
                name="identity_one_live_guardianship",
            ),
        ]


# ---------------------------------------------------------------------------------------------
# Staff
# ---------------------------------------------------------------------------------------------


class StaffRole(models.TextChoices):
    WINDOW_CLERK = "window_clerk", "窗口受理人员"
    APPROVER = "approver", "审批人员"
    DEPARTMENT_ADMIN = "department_admin", "部门管理员"
    HOTLINE_AGENT = "hotline_agent", "12345 话务员"
    SUPERVISOR = "supervisor", "效能监督人员"
    PLATFORM_ADMIN = "platform_admin", "平台管理员"
    # 三员分立 (GB/T 22239 等级保护): system, security and audit administrators are separate people.
    SYSTEM_ADMIN = "system_admin", "系统管理员"
    SECURITY_ADMIN = "security_admin", "安全管理员"
    AUDIT_ADMIN = "audit_admin", "安全审计员"


class StaffMember(models.Model):
    """工作人员: bound to a department and region, with roles; always signs in with two factors."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="staff")
    name = models.CharField("姓名", max_length=64)
    department = models.ForeignKey(
        "catalog.Department", verbose_name="所属部门", null=True, blank=True, on_delete=models.PROTECT
    )
    region_code = models.CharField("所属区划", max_length=6, help_text="GB/T 2260")
    mobile = EncryptedCharField("手机号码", blank=True)
    mobile_index = models.CharField("手机号码索引", max_length=64, blank=True, db_index=True)
    is_active = models.BooleanField("在岗", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "工作人员"
        verbose_name_plural = "工作人员"

    def __str__(self) -> str:
        return self.name


class StaffRoleGrant(models.Model):
    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField("角色", max_length=24, choices=StaffRole.choices)
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "工作人员角色"
        verbose_name_plural = "工作人员角色"
        constraints = [models.UniqueConstraint(fields=["staff", "role"], name="identity_staff_role_once")]


# ---------------------------------------------------------------------------------------------
# Authentication
# ---------------------------------------------------------------------------------------------


class LoginAttempt(models.Model):
    """Every sign-in attempt (also audited); counted for throttling and lockout."""

    occurred_at = models.DateTimeField(auto_now_add=True, db_index=True)
    identifier_index = models.CharField("登录名索引", max_length=64, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE)
    source_ip = models.GenericIPAddressField(null=True, blank=True)
    method = models.CharField("方式", max_length=16)
    succeeded = models.BooleanField("成功")
    reason = models.CharField("原因", max_length=40, blank=True)

    class Meta:
        verbose_name = "登录尝试"
        verbose_name_plural = "登录尝试"
        indexes = [
            models.Index(fields=["user", "occurred_at"], name="identity_attempt_user_idx"),
            models.Index(fields=["source_ip", "occurred_at"], name="identity_attempt_ip_idx"),
        ]


class OneTimeCode(models.Model):
    """An SMS code: only its hash is kept; a few tries, a short life, used once."""

    purpose = models.CharField("用途", max_length=24)
    mobile_index = models.CharField(max_length=64, db_index=True)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    consumed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "短信验证码"
        verbose_name_plural = "短信验证码"


class TotpDevice(models.Model):
    """RFC 6238 authenticator app; ``last_step`` stops a code being used twice."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="totp_device"
    )
    secret = EncryptedCharField("密钥")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_step = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "动态口令"
        verbose_name_plural = "动态口令"


class Passkey(models.Model):
    """A WebAuthn credential (passkey)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="passkeys")
    name = models.CharField("名称", max_length=60)
    credential_id = models.CharField(max_length=1400, unique=True, help_text="base64url")
    public_key = models.BinaryField()
    sign_count = models.BigIntegerField(default=0)
    transports = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "通行密钥"
        verbose_name_plural = "通行密钥"
        ordering = ["created_at", "id"]


class AccountSession(models.Model):
    """One signed-in browser session, listed on the account page and revocable from there."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_sessions"
    )
    session_key = models.CharField(max_length=64, unique=True)
    methods = models.JSONField("认证方式", default=list)
    source_ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=24, blank=True)

    class Meta:
        verbose_name = "登录会话"
        verbose_name_plural = "登录会话"
        ordering = ["-created_at", "-id"]


# ---------------------------------------------------------------------------------------------
# OpenID Connect provider (django-oauth-toolkit rows are extended here, not swapped)
# ---------------------------------------------------------------------------------------------


class SubjectType(models.TextChoices):
    PAIRWISE = "pairwise", "按客户端区分（pairwise）"
    PUBLIC = "public", "统一标识（public）"


class ClientProfile(models.Model):
    """What zwfw adds to an OAuth application: its sector (pairwise ``sub``) and kind."""

    application = models.OneToOneField(
        "oauth2_provider.Application",
        on_delete=models.CASCADE,
        related_name="zwfw_profile",
    )
    sector_identifier = models.CharField(
        "扇区标识", max_length=200, help_text="同一扇区的客户端得到相同的 sub；默认取回调地址的主机名"
    )
    subject_type = models.CharField(max_length=8, choices=SubjectType.choices, default=SubjectType.PAIRWISE)
    is_system = models.BooleanField("系统客户端", default=False, help_text="仅用客户端凭证模式访问接口")
    backchannel_logout_uri = models.URLField("后端登出地址", blank=True)
    acts_as = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="代表的工作人员账号",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="部门系统（系统客户端）以该工作人员账号（服务账号）的部门和角色调用业务接口；为空则只能调用不需要身份的接口",
    )
    acts_for_department = models.ForeignKey(
        "catalog.Department",
        verbose_name="服务账号所属部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="登记时服务账号所属的部门：账号调往其他部门后，系统客户端不再能调用，须重新登记",
    )

    class Meta:
        verbose_name = "客户端设置"
        verbose_name_plural = "客户端设置"


class PairwiseSubject(models.Model):
    """``sub`` of a user in a sector: derived by HMAC, stored so a token's sub maps back to the user."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sector_identifier = models.CharField(max_length=200)
    subject = models.CharField(max_length=64)

    class Meta:
        constraints = [
            # Subject first: a bearer token's sub is looked up by this index alone.
            models.UniqueConstraint(
                fields=["subject", "sector_identifier"], name="identity_pairwise_sub_unique"
            ),
            models.UniqueConstraint(
                fields=["sector_identifier", "user"], name="identity_pairwise_user_unique"
            ),
        ]


class Consent(models.Model):
    """授权同意: a person let a client have these scopes; revocable from the account page."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consents")
    application = models.ForeignKey(
        "oauth2_provider.Application", on_delete=models.CASCADE, related_name="zwfw_consents"
    )
    scopes = models.JSONField(default=list)
    granted_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "授权同意"
        verbose_name_plural = "授权同意"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "application"],
                condition=Q(revoked_at__isnull=True),
                name="identity_one_live_consent",
            ),
        ]


class RevokedToken(models.Model):
    """A JWT access token revoked before it expired; every worker keeps these ids in memory."""

    jti = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(db_index=True)
    revoked_at = models.DateTimeField(auto_now_add=True, db_index=True)


class HubLink(models.Model):
    """A local account linked to the hub's account by the hub's (pairwise) subject."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="hub_links")
    issuer = models.CharField(max_length=200)
    subject = models.CharField(max_length=255)
    linked_at = models.DateTimeField(auto_now_add=True)
    last_sign_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["issuer", "subject"], name="identity_hub_link_unique")]
