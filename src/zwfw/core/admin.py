"""Admin for 公共基础: regions and the working calendar are editable; audit entries are read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from zwfw.core.models import AuditEntry, CalendarDay, CalendarYear, Region


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows every module shows but never lets the admin change: they change only through services."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent_code", "valid")
    list_filter = ("level", "valid")
    search_fields = ("code", "name")


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    extra = 0
    fields = ("date", "kind", "name")


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ("year", "published_on", "document", "updated_at")
    inlines = [CalendarDayInline]


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "kind", "name", "calendar_year")
    list_filter = ("calendar_year", "kind")
    search_fields = ("name",)
    date_hierarchy = "date"


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the log is written only by zwfw.core.audit.record()."""

    list_display = (
        "seq",
        "occurred_at",
        "actor",
        "acting_for",
        "action",
        "object_type",
        "object_id",
        "result",
    )
    list_filter = ("result", "action")
    search_fields = ("actor", "action", "object_type", "object_id")
    date_hierarchy = "occurred_at"
    ordering = ("-seq",)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
