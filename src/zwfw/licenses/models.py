"""Rows of 统一电子证照: licence types (证照目录), licences with their versions, and their events.

A licence's surface data (照面信息) holds personal data: it is stored encrypted (AES-256-GCM, as
canonical JSON) and read only through the selectors. The holder's ID number or credit code is kept
as a blind index (``holder_index``) so a verifier holding the identifier and that code can check it.
"""

from __future__ import annotations

import uuid

from django.db import models

from zwfw.core.crypto import EncryptedCharField


class HolderKind(models.TextChoices):
    PERSON = "person", "自然人"
    ENTERPRISE = "enterprise", "法人"


class LicenseType(models.Model):
    """证照类型: what a licence of this kind says and who issues it."""

    code = models.CharField("证照类型代码", max_length=21, unique=True, help_text="定义部门统一社会信用代码 + 3位顺序号")
    name = models.CharField("证照名称", max_length=60)
    holder_kind = models.CharField("持证主体", max_length=16, choices=HolderKind.choices)
    defining_department = models.CharField("定义部门", max_length=100)
    issuing_department_kinds = models.JSONField("颁发部门类别", default=list)
    fields = models.JSONField(
        "照面信息项",
        default=list,
        help_text='[{"key", "label", "type": text|date|number|id_number|credit_code, "required", "disclosable", "mask"}]',
    )
    validity_years = models.PositiveSmallIntegerField("有效期（年）", null=True, blank=True, help_text="空为长期有效")
    layout = models.JSONField("版式", default=dict, blank=True)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "证照类型"
        verbose_name_plural = "证照类型"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class LicenseStatus(models.TextChoices):
    VALID = "valid", "有效"
    SUSPENDED = "suspended", "暂扣"
    CANCELLED = "cancelled", "注销"
    REVOKED = "revoked", "吊销"
    EXPIRED = "expired", "已过期"
    SUPERSEDED = "superseded", "已变更"


class TrustLevel(models.TextChoices):
    """国办函〔2016〕108号 trust levels of licences and materials."""

    A = "A", "A级：实施机构签发，可直接使用"
    B = "B", "B级：窗口核验原件，可复用"
    C = "C", "C级：用户上传，须核验原件"
    D = "D", "D级：用户承诺真实，可直接使用"


class License(models.Model):
    """电子证照: one version of a licence; a change makes a new version and supersedes this one."""

    identifier = models.CharField("电子证照标识", max_length=120, unique=True)
    license_type = models.ForeignKey(LicenseType, on_delete=models.PROTECT, related_name="licenses")
    serial = models.CharField("流水号", max_length=40)
    version = models.PositiveSmallIntegerField("版本")
    issuer = models.ForeignKey("catalog.Department", on_delete=models.PROTECT, verbose_name="颁发机构")
    holder_person = models.ForeignKey(
        "identity.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="licenses"
    )
    holder_enterprise = models.ForeignKey(
        "identity.Enterprise", null=True, blank=True, on_delete=models.PROTECT, related_name="licenses"
    )
    holder_name = models.CharField("持证者名称", max_length=200)
    holder_index = models.CharField("持证者证件号码索引", max_length=64, db_index=True)
    surface = EncryptedCharField("照面信息（加密）")
    status = models.CharField("状态", max_length=16, choices=LicenseStatus.choices, default=LicenseStatus.VALID)
    status_reason = models.CharField("状态原因", max_length=200, blank=True)
    trust_level = models.CharField("可信等级", max_length=1, choices=TrustLevel.choices, default=TrustLevel.A)
    issued_at = models.DateTimeField("签发时间")
    valid_from = models.DateField("有效期起")
    valid_until = models.DateField("有效期至", null=True, blank=True)
    signature = models.TextField("照面数据签名", help_text="颁发机构印章的 JWS (ES256) 分离式签名")
    seal_code = models.CharField("签发印章编码", max_length=13)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    idempotency_key = models.CharField("幂等键", max_length=80, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "电子证照"
        verbose_name_plural = "电子证照"
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["license_type", "issuer", "serial", "version"], name="licenses_one_version"),
            models.UniqueConstraint(
                fields=["issuer", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="licenses_idempotent_issue",
            ),
            models.CheckConstraint(
                condition=models.Q(holder_person__isnull=False, holder_enterprise__isnull=True)
                | models.Q(holder_person__isnull=True, holder_enterprise__isnull=False),
                name="licenses_one_holder",
            ),
        ]

    # Not a column: True on the licence services.issue_license returns for a replayed idempotency key.
    replayed = False

    def __str__(self) -> str:
        return f"{self.license_type.name} {self.identifier}"


class SerialCounter(models.Model):
    """The last 流水号 a department gave licences of a type in a year. Issuance locks the row until it
    commits, so two issuances at the same moment never take the same serial."""

    license_type = models.ForeignKey(LicenseType, on_delete=models.PROTECT)
    issuer = models.ForeignKey("catalog.Department", on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "证照流水号"
        verbose_name_plural = "证照流水号"
        constraints = [
            models.UniqueConstraint(fields=["license_type", "issuer", "year"], name="licenses_one_serial_counter"),
        ]

    def __str__(self) -> str:
        return f"{self.license_type_id}/{self.issuer_id}/{self.year}: {self.last}"


class LicenseEvent(models.Model):
    """Every change of a licence, as the holder's and the verifier's history."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    license = models.ForeignKey(License, on_delete=models.PROTECT, related_name="events")
    action = models.CharField("操作", max_length=24)
    status = models.CharField("状态", max_length=16, choices=LicenseStatus.choices)
    reason = models.CharField("原因", max_length=200, blank=True)
    actor = models.CharField("操作者", max_length=100)
    at = models.DateTimeField("时间")

    class Meta:
        verbose_name = "证照变更记录"
        verbose_name_plural = "证照变更记录"
        ordering = ["license_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.license_id} {self.action}"


class DisplayKey(models.Model):
    """The node's 亮证 signing key (ECDSA P-256 in the seal key store), published as a JWKS."""

    kid = models.CharField("密钥标识", max_length=32, unique=True)
    key = models.OneToOneField("seals.StoredKey", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField("停用时间", null=True, blank=True)

    class Meta:
        verbose_name = "亮证签名密钥"
        verbose_name_plural = "亮证签名密钥"

    def __str__(self) -> str:
        return self.kid


class UseGrant(models.Model):
    """用证授权: the holder lets a named department use a licence for a purpose until a time."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    license = models.ForeignKey(License, on_delete=models.PROTECT, related_name="use_grants")
    department = models.ForeignKey("catalog.Department", on_delete=models.PROTECT, verbose_name="用证部门")
    purpose = models.CharField("用途", max_length=200)
    valid_until = models.DateTimeField("授权截止时间")
    granted_by = models.ForeignKey("identity.Person", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)

    class Meta:
        verbose_name = "用证授权"
        verbose_name_plural = "用证授权"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.license_id} -> {self.department_id}"


class LicenseUse(models.Model):
    """用证记录: who used which licence, when and why (the holder sees every one)."""

    license = models.ForeignKey(License, on_delete=models.PROTECT, related_name="uses")
    grant = models.ForeignKey(UseGrant, null=True, blank=True, on_delete=models.PROTECT, related_name="uses")
    department = models.ForeignKey("catalog.Department", null=True, blank=True, on_delete=models.PROTECT)
    used_by = models.CharField("使用者", max_length=100)
    purpose = models.CharField("用途", max_length=200)
    channel = models.CharField("方式", max_length=16, help_text="api 授权调取、show 亮证核验")
    used_at = models.DateTimeField("使用时间")
    token_id = models.CharField("亮证码编号", max_length=32, blank=True, help_text="亮证核验：被扫描的亮证码（每个只记一次）")

    class Meta:
        verbose_name = "用证记录"
        verbose_name_plural = "用证记录"
        ordering = ["-used_at", "-id"]
        indexes = [models.Index(fields=["license", "-used_at"], name="licenses_use_time")]
        constraints = [
            models.UniqueConstraint(
                fields=["license", "token_id"], condition=~models.Q(token_id=""), name="licenses_one_record_per_token"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.license_id} {self.used_at:%Y-%m-%d}"


class LicenseFile(models.Model):
    """The licence rendered as PDF and signed in PAdES with the issuer's seal (made by a background sweep
    after issuance, or at the first download)."""

    license = models.OneToOneField(License, on_delete=models.PROTECT, related_name="file")
    pdf = models.BinaryField("签章后的证照文件")
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "证照文件"
        verbose_name_plural = "证照文件"

    def __str__(self) -> str:
        return str(self.license_id)
