"""Admin of the identity module.

People, enterprises, grants and staff are shown read-only, with document and mobile numbers masked:
every change goes through the services (registration, grants, ``zwfw.identity.staff``), which check
the rules and write the audit log. Staff can be deactivated from here (through the service).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from zwfw.core.admin import ReadOnlyAdmin
from zwfw.core.errors import DomainError
from zwfw.core.masking import mask_mobile, mask_resident_id
from zwfw.identity.models import (
    AgentGrant,
    AssuranceEvent,
    Enterprise,
    EnterpriseRecord,
    Guardianship,
    Person,
    PopulationRecord,
    StaffMember,
    StaffRoleGrant,
)
from zwfw.identity.oidc import admin as _oidc_admin  # noqa: F401  (OpenID Connect clients)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PopulationRecord)
class PopulationRecordAdmin(ReadOnlyAdmin):
    list_display = ["name", "document_type", "masked_number", "document_valid_until", "status"]
    list_filter = ["document_type", "status"]
    search_fields = ["name"]
    exclude = ["document_number", "document_index", "guardian_index"]
    readonly_fields = ["masked_number"]

    @admin.display(description="证件号码")
    def masked_number(self, obj: PopulationRecord) -> str:
        return mask_resident_id(obj.document_number)


@admin.register(EnterpriseRecord)
class EnterpriseRecordAdmin(ReadOnlyAdmin):
    list_display = ["name", "credit_code", "kind", "legal_representative_name", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["name", "credit_code"]
    exclude = ["legal_representative_index"]


class AssuranceEventInline(ReadOnlyInline):
    model = AssuranceEvent
    fields = ["created_at", "level", "method", "recorded_by", "note"]
    readonly_fields = fields


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    list_display = [
        "name",
        "document_type",
        "masked_number",
        "masked_mobile",
        "assurance_level",
        "created_at",
    ]
    list_filter = ["assurance_level", "document_type"]
    search_fields = ["name"]
    exclude = ["document_number", "document_index", "mobile", "mobile_index"]
    readonly_fields = ["masked_number", "masked_mobile"]
    inlines = [AssuranceEventInline]

    @admin.display(description="证件号码")
    def masked_number(self, obj: Person) -> str:
        return mask_resident_id(obj.document_number)

    @admin.display(description="手机号码")
    def masked_mobile(self, obj: Person) -> str:
        return mask_mobile(obj.mobile)


class AgentGrantInline(ReadOnlyInline):
    model = AgentGrant
    fk_name = "enterprise"
    fields = ["agent", "all_items", "item_codes", "valid_until", "created_at", "revoked_at"]
    readonly_fields = fields


@admin.register(Enterprise)
class EnterpriseAdmin(ReadOnlyAdmin):
    list_display = ["name", "credit_code", "kind", "legal_representative", "created_at"]
    list_filter = ["kind"]
    search_fields = ["name", "credit_code"]
    inlines = [AgentGrantInline]


@admin.register(AgentGrant)
class AgentGrantAdmin(ReadOnlyAdmin):
    list_display = ["enterprise", "agent", "all_items", "valid_until", "revoked_at"]
    list_filter = ["all_items"]


@admin.register(Guardianship)
class GuardianshipAdmin(ReadOnlyAdmin):
    list_display = ["guardian", "ward", "created_at", "ended_at"]


class StaffRoleInline(ReadOnlyInline):
    model = StaffRoleGrant
    fields = ["role", "granted_at"]
    readonly_fields = fields


@admin.register(StaffMember)
class StaffMemberAdmin(ReadOnlyAdmin):
    list_display = ["name", "user", "department", "region_code", "is_active"]
    list_filter = ["is_active", "region_code"]
    search_fields = ["name", "user__username"]
    exclude = ["mobile", "mobile_index"]
    inlines = [StaffRoleInline]
    actions = ["deactivate"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Needed for the action to be offered; the form itself stays read-only (no editable fields).
        return obj is None and super(ReadOnlyAdmin, self).has_change_permission(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["name", "user", "department", "region_code", "is_active"]

    @admin.action(description="停用所选工作人员")
    def deactivate(self, request: HttpRequest, queryset: QuerySet[StaffMember]) -> None:
        from zwfw.identity.staff import deactivate_staff

        done = 0
        for staff in queryset:
            try:
                deactivate_staff(actor=request.user, staff=staff, source_ip=request.META.get("REMOTE_ADDR"))
                done += 1
            except DomainError as exc:
                self.message_user(request, f"{staff.name}：{exc.message}", messages.WARNING)
        if done:
            self.message_user(request, f"已停用 {done} 名工作人员")
