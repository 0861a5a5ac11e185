"""Admin of the seal module: read-only. Seals are requested, reviewed, made and changed through the
services (API and commands), which check the rules and write the audit log; keys never show here."""

from __future__ import annotations

from django.contrib import admin

from zwfw.core.admin import ReadOnlyAdmin
from zwfw.seals.models import CertificateAuthority, Seal, SealRequest, SealUsage, SignedDocument


@admin.register(CertificateAuthority)
class CertificateAuthorityAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "algorithm", "not_before", "not_after"]
    fields = ["name", "kind", "algorithm", "issuer", "not_before", "not_after", "created_at"]
    readonly_fields = fields


@admin.register(Seal)
class SealAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "department", "kind", "status", "valid_to"]
    list_filter = ["status", "kind"]
    search_fields = ["code", "name", "department__name"]
    fields = [
        "code", "name", "department", "kind", "purpose", "status", "status_reason", "valid_from", "valid_to",
        "ecdsa_serial", "sm2_serial", "created_at",
    ]
    readonly_fields = fields


@admin.register(SealRequest)
class SealRequestAdmin(ReadOnlyAdmin):
    list_display = ["owner_name", "purpose", "department", "kind", "status", "created_at"]
    list_filter = ["status", "kind"]
    fields = [
        "department", "kind", "owner_name", "purpose", "valid_from", "valid_to", "reason", "status",
        "requested_by", "reviewed_by", "review_comment", "reviewed_at", "created_at",
    ]
    readonly_fields = fields


@admin.register(SealUsage)
class SealUsageAdmin(ReadOnlyAdmin):
    list_display = ["seal", "format", "purpose", "used_by_label", "signed_at"]
    list_filter = ["format"]
    fields = ["seal", "format", "digest_algorithm", "document_digest", "purpose", "used_by_label", "batch", "signed_at"]
    readonly_fields = fields


@admin.register(SignedDocument)
class SignedDocumentAdmin(ReadOnlyAdmin):
    list_display = ["title", "seal", "is_public", "created_at"]
    fields = ["title", "seal", "sha256", "is_public", "created_at"]
    readonly_fields = fields
