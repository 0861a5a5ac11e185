"""Admin of the licence module: read-only. Licences are issued, changed, shown and used through the
services (API, workbench, wallet), which check the rules and write the audit log; the surface data,
the holder's index and the display keys' private parts never show here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from zwfw.licenses.models import DisplayKey, License, LicenseEvent, LicenseType, LicenseUse, UseGrant


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(LicenseType)
class LicenseTypeAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "holder_kind", "defining_department", "validity_years", "is_active"]
    list_filter = ["holder_kind", "is_active"]
    search_fields = ["code", "name"]
    fields = [
        "code", "name", "holder_kind", "defining_department", "issuing_department_kinds", "fields", "validity_years",
        "is_active",
    ]
    readonly_fields = fields


@admin.register(License)
class LicenseAdmin(ReadOnlyAdmin):
    list_display = ["identifier", "license_type", "version", "issuer", "status", "issued_at", "valid_until"]
    list_filter = ["status", "license_type"]
    search_fields = ["identifier"]
    list_select_related = ["license_type", "issuer"]
    fields = [
        "identifier", "license_type", "version", "issuer", "status", "status_reason", "trust_level", "issued_at",
        "valid_from", "valid_until", "seal_code", "supersedes", "created_at", "updated_at",
    ]
    readonly_fields = fields


@admin.register(LicenseEvent)
class LicenseEventAdmin(ReadOnlyAdmin):
    list_display = ["license", "action", "status", "actor", "at"]
    list_filter = ["action", "status"]
    list_select_related = ["license__license_type"]
    fields = ["license", "action", "status", "reason", "actor", "at"]
    readonly_fields = fields


@admin.register(DisplayKey)
class DisplayKeyAdmin(ReadOnlyAdmin):
    list_display = ["kid", "created_at", "retired_at"]
    fields = ["kid", "created_at", "retired_at"]
    readonly_fields = fields


@admin.register(UseGrant)
class UseGrantAdmin(ReadOnlyAdmin):
    list_display = ["license", "department", "purpose", "valid_until", "revoked_at", "created_at"]
    list_select_related = ["license__license_type", "department"]
    fields = ["license", "department", "purpose", "valid_until", "created_at", "revoked_at"]
    readonly_fields = fields


@admin.register(LicenseUse)
class LicenseUseAdmin(ReadOnlyAdmin):
    list_display = ["license", "department", "purpose", "channel", "used_at"]
    list_filter = ["channel"]
    list_select_related = ["license__license_type", "department"]
    fields = ["license", "department", "grant", "used_by", "purpose", "channel", "used_at"]
    readonly_fields = fields
