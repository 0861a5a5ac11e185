"""Rows of the seal module: keys in custody, the node's CA hierarchy, seals, requests, uses.

Private keys are stored only wrapped (AES-256-GCM under the key-encryption key, ``keystore``);
certificates are stored as DER. Status changes of a seal are kept as events, so a verifier can
say what the seal's status was when a document was signed and what it is now.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class KeyAlgorithm(models.TextChoices):
    ECDSA_P256 = "ecdsa-p256", "ECDSA P-256"
    SM2 = "sm2", "SM2 (sm2p256v1)"


class StoredKey(models.Model):
    """A private key in the database key store: only its wrapped form is stored (keystore.py)."""

    key_id = models.UUIDField("密钥标识", default=uuid.uuid4, unique=True, editable=False)
    algorithm = models.CharField("算法", max_length=16, choices=KeyAlgorithm.choices)
    public_key = models.BinaryField("公钥", help_text="DER SubjectPublicKeyInfo (ECDSA) 或 65 字节非压缩点 (SM2)")
    wrapped_private_key = models.BinaryField("加密的私钥", help_text="AES-256-GCM 加密，密钥加密密钥不在数据库中")
    kek_id = models.CharField("密钥加密密钥标识", max_length=16)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "托管密钥"
        verbose_name_plural = "托管密钥"

    def __str__(self) -> str:
        return f"{self.get_algorithm_display()} {self.key_id}"


class AuthorityKind(models.TextChoices):
    ROOT = "root", "根CA"
    SEAL_CA = "seal_ca", "印章CA"


class CertificateAuthority(models.Model):
    """The node's CA hierarchy: root CA -> seal CA, one per algorithm."""

    kind = models.CharField("类别", max_length=16, choices=AuthorityKind.choices)
    algorithm = models.CharField("算法", max_length=16, choices=KeyAlgorithm.choices)
    name = models.CharField("名称", max_length=200)
    key = models.OneToOneField(StoredKey, on_delete=models.PROTECT, related_name="authority")
    certificate = models.BinaryField("证书 (DER)")
    issuer = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="issued")
    not_before = models.DateTimeField("生效时间")
    not_after = models.DateTimeField("失效时间")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "证书颁发机构"
        verbose_name_plural = "证书颁发机构"
        constraints = [
            models.UniqueConstraint(fields=["kind", "algorithm"], name="seals_one_authority_per_kind"),
        ]

    def __str__(self) -> str:
        return self.name


class SealKind(models.TextChoices):
    OFFICIAL = "official", "单位公章"
    SPECIAL = "special", "业务专用章"
    LEGAL_REP = "legal_rep", "法定代表人名章"
    PERSONAL = "personal", "个人签名"


class SealStatus(models.TextChoices):
    ACTIVE = "active", "启用"
    SUSPENDED = "suspended", "停用"
    CANCELLED = "cancelled", "注销"


class RequestStatus(models.TextChoices):
    PENDING = "pending", "待审核"
    APPROVED = "approved", "审核通过"
    REJECTED = "rejected", "审核不通过"
    MADE = "made", "已制章"


class SealRequest(models.Model):
    """制章申请: request -> review -> make (services.request_seal, review_request, make_seal)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    department = models.ForeignKey("catalog.Department", verbose_name="用章单位", on_delete=models.PROTECT)
    kind = models.CharField("印章类型", max_length=16, choices=SealKind.choices)
    owner_name = models.CharField("印章所有者名称", max_length=40, help_text="印面上的单位或个人名称")
    purpose = models.CharField("用途文字", max_length=20, blank=True, help_text="如 行政审批专用章")
    valid_from = models.DateTimeField("有效期起")
    valid_to = models.DateTimeField("有效期止")
    reason = models.CharField("申请理由", max_length=200)
    status = models.CharField("状态", max_length=16, choices=RequestStatus.choices, default=RequestStatus.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="申请人"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    review_comment = models.CharField("审核意见", max_length=200, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "制章申请"
        verbose_name_plural = "制章申请"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.owner_name} {self.purpose or self.get_kind_display()}"


class Seal(models.Model):
    """电子印章: a department's seal with its certificates (ECDSA and SM2), image and GB/T 38540 SESeal."""

    code = models.CharField("印章编码", max_length=13, unique=True)
    department = models.ForeignKey(
        "catalog.Department", verbose_name="用章单位", on_delete=models.PROTECT, related_name="seals"
    )
    request = models.OneToOneField(SealRequest, on_delete=models.PROTECT, related_name="seal")
    kind = models.CharField("印章类型", max_length=16, choices=SealKind.choices)
    name = models.CharField("印章名称", max_length=80)
    owner_name = models.CharField("印章所有者名称", max_length=40)
    purpose = models.CharField("用途文字", max_length=20, blank=True)
    status = models.CharField("状态", max_length=16, choices=SealStatus.choices, default=SealStatus.ACTIVE)
    status_reason = models.CharField("状态原因", max_length=200, blank=True)
    valid_from = models.DateTimeField("有效期起")
    valid_to = models.DateTimeField("有效期止")
    ecdsa_key = models.OneToOneField(StoredKey, on_delete=models.PROTECT, related_name="+")
    ecdsa_certificate = models.BinaryField("ECDSA 证书 (DER)")
    ecdsa_serial = models.CharField("ECDSA 证书序列号", max_length=40, unique=True)
    sm2_key = models.OneToOneField(StoredKey, on_delete=models.PROTECT, related_name="+")
    sm2_certificate = models.BinaryField("SM2 证书 (DER)")
    sm2_serial = models.CharField("SM2 证书序列号", max_length=40, unique=True)
    ses_seal = models.BinaryField("GB/T 38540 印章数据 (DER)")
    image_svg = models.TextField("印模 SVG")
    image_png = models.BinaryField("印模 PNG")
    width_mm = models.PositiveSmallIntegerField("印模宽度 (毫米)")
    height_mm = models.PositiveSmallIntegerField("印模高度 (毫米)")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "电子印章"
        verbose_name_plural = "电子印章"
        ordering = ["department_id", "code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class SealStatusEvent(models.Model):
    """Every status a seal had, from when: the verifier's "status at signing time"."""

    seal = models.ForeignKey(Seal, on_delete=models.PROTECT, related_name="status_events")
    status = models.CharField("状态", max_length=16, choices=SealStatus.choices)
    reason = models.CharField("原因", max_length=200, blank=True)
    effective_at = models.DateTimeField("生效时间")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "印章状态变更"
        verbose_name_plural = "印章状态变更"
        ordering = ["seal_id", "effective_at", "id"]

    def __str__(self) -> str:
        return f"{self.seal_id} {self.status}"


class SealUsePermission(models.Model):
    """Which staff roles of the seal's own department may use it."""

    seal = models.ForeignKey(Seal, on_delete=models.CASCADE, related_name="permissions")
    role = models.CharField("角色", max_length=24)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "用章权限"
        verbose_name_plural = "用章权限"
        constraints = [models.UniqueConstraint(fields=["seal", "role"], name="seals_permission_once")]

    def __str__(self) -> str:
        return f"{self.seal_id} {self.role}"


class SignedDocument(models.Model):
    """A signed PDF the node publishes (the demo's sample document in the portal)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField("标题", max_length=200)
    seal = models.ForeignKey("Seal", on_delete=models.PROTECT, related_name="documents")
    pdf = models.BinaryField("签章后的 PDF")
    sha256 = models.CharField("SHA-256", max_length=64)
    is_public = models.BooleanField("公开", default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "签章文件"
        verbose_name_plural = "签章文件"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class SignatureFormat(models.TextChoices):
    JWS = "jws", "JWS (ES256)"
    SES = "ses", "SES_Signature (SM2)"
    PADES = "pades", "PDF (PAdES)"


class SealUsage(models.Model):
    """用章记录: every use of a seal (document digest, who, when, for what)."""

    seal = models.ForeignKey(Seal, on_delete=models.PROTECT, related_name="usages")
    format = models.CharField("签章格式", max_length=8, choices=SignatureFormat.choices)
    digest_algorithm = models.CharField("摘要算法", max_length=16)
    document_digest = models.CharField("文档摘要", max_length=128, db_index=True)
    purpose = models.CharField("用途", max_length=200)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    used_by_label = models.CharField("用章人", max_length=100)
    batch = models.UUIDField("批次", null=True, blank=True)
    signed_at = models.DateTimeField("签章时间")

    class Meta:
        verbose_name = "用章记录"
        verbose_name_plural = "用章记录"
        ordering = ["-signed_at", "-id"]
        indexes = [models.Index(fields=["seal", "-signed_at"], name="seals_usage_seal_time")]

    def __str__(self) -> str:
        return f"{self.seal_id} {self.format} {self.signed_at:%Y-%m-%d}"
