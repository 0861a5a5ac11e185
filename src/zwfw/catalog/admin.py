"""事项管理 in the Django admin. Every edit goes through the catalogue's validation and services (so it is
checked and audited like an import or an API call); published versions are read-only, edited by making a
revision draft (action 创建修订草稿), then 发布; 停用 takes an item off line."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from zwfw.catalog import services
from zwfw.catalog.models import (
    BaseItem,
    Department,
    HandlingItem,
    ImplementationItem,
    ItemStatus,
    Material,
    Topic,
)
from zwfw.catalog.records import (
    BASE_ITEM_FIELDS,
    DEPARTMENT_FIELDS,
    ITEM_SCALAR_FIELDS,
    MATERIAL_SCALAR_FIELDS,
    TOPIC_FIELDS,
)
from zwfw.catalog.validation import (
    Problem,
    Refs,
    check_base_item,
    check_department,
    check_item,
    check_material,
    check_topic,
    field_path,
)
from zwfw.core.errors import DomainError

# Record fields that the model form shows under another name.
FORM_FIELD = {
    "parent_credit_code": "parent",
    "parent_code": "parent",
    "base_code": "base_item",
    "department_credit_code": "department",
}


def actor_of(request: HttpRequest) -> str:
    return f"user:{request.user.pk}" if request.user.is_authenticated else "system"


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def add_problems(form: forms.BaseForm, problems: Iterable[Problem]) -> None:
    """Attach rule violations to the form field they concern (or to the form as a whole)."""
    for problem in problems:
        top = problem.field.split(".", 1)[0]
        name = FORM_FIELD.get(top, top)
        if problem.row or name not in form.fields or name in form.errors:
            form.add_error(None, f"{field_path(problem)}：{problem.reason}")
        else:
            form.add_error(name, problem.reason)


def _blank(value: Any) -> Any:
    return "" if value is None else value


class RecordForm(forms.ModelForm):
    """A model form that checks its data with the catalogue rules; subclasses say how to build the record."""

    record_fields: tuple = ()

    def record(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            f.name: data[f.name] if f.type != "str" else _blank(data[f.name])
            for f in self.record_fields
            if f.name in data
        }

    def check(self, record: dict[str, Any]) -> list[Problem]:
        raise NotImplementedError

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not self.errors:
            add_problems(self, self.check(self.record()))
        return cleaned


class DepartmentForm(RecordForm):
    record_fields = DEPARTMENT_FIELDS

    class Meta:
        model = Department
        fields = (
            "credit_code",
            "name",
            "short_name",
            "region_code",
            "level",
            "parent",
            "consult_phone",
            "complaint_phone",
            "address",
            "office_hours",
            "sort_order",
        )

    def record(self) -> dict[str, Any]:
        record = super().record()
        if self.instance.pk:
            record["credit_code"] = self.instance.credit_code
        parent = self.cleaned_data.get("parent")
        record["parent_credit_code"] = parent.credit_code if parent else None
        return record

    def check(self, record: dict[str, Any]) -> list[Problem]:
        return check_department(record, refs=Refs())


class TopicForm(RecordForm):
    record_fields = TOPIC_FIELDS

    class Meta:
        model = Topic
        fields = ("code", "name", "audience", "description", "sort_order")

    def record(self) -> dict[str, Any]:
        record = super().record()
        if self.instance.pk:
            record["code"] = self.instance.code
        return record

    def check(self, record: dict[str, Any]) -> list[Problem]:
        return check_topic(record)


class BaseItemForm(RecordForm):
    record_fields = BASE_ITEM_FIELDS

    class Meta:
        model = BaseItem
        fields = ("code", "name", "kind", "exercise_level", "parent", "legal_bases", "legal_limit_days")

    def record(self) -> dict[str, Any]:
        record = super().record()
        if self.instance.pk:
            record["code"] = self.instance.code
        parent = self.cleaned_data.get("parent")
        record["parent_code"] = parent.code if parent else None
        return record

    def check(self, record: dict[str, Any]) -> list[Problem]:
        return check_base_item(record, refs=Refs())


class DomainErrorsAsMessages:
    """A rule that only the service can check (or a conflict) is shown as a message, never as a 500."""

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)  # type: ignore[misc]
        except DomainError as exc:
            details = exc.details if isinstance(exc.details, list) else []
            text = "；".join(f"{d.get('field')}：{d.get('reason')}" for d in details if isinstance(d, dict))
            self.message_user(  # type: ignore[attr-defined]
                request, f"未保存：{exc.message}" + (f"（{text}）" if text else ""), messages.ERROR
            )
            return HttpResponseRedirect(request.get_full_path())


class ServiceAdmin(DomainErrorsAsMessages, admin.ModelAdmin):
    """Saves through a create/update service instead of `obj.save()`."""

    key_field = ""

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return (self.key_field,) if obj is not None else ()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        record = form.record()
        kwargs = {"actor": actor_of(request), "source_ip": client_ip(request)}
        if change:
            saved = self.update(**kwargs, key=getattr(obj, self.key_field), changes=record)
        else:
            saved = self.create(**kwargs, data=record)
        obj.pk = saved.pk
        obj.refresh_from_db()

    def create(self, **kwargs: Any) -> Any:
        raise NotImplementedError

    def update(self, *, key: str, **kwargs: Any) -> Any:
        raise NotImplementedError


@admin.register(Department)
class DepartmentAdmin(ServiceAdmin):
    form = DepartmentForm
    key_field = "credit_code"
    list_display = ("name", "credit_code", "region_code", "level", "is_active")
    list_filter = ("level", "is_active")
    search_fields = ("name", "short_name", "credit_code")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("is_active", *super().get_readonly_fields(request, obj))

    def create(self, **kwargs: Any) -> Any:
        return services.create_department(**kwargs)

    def update(self, *, key: str, **kwargs: Any) -> Any:
        return services.update_department(credit_code=key, **kwargs)


@admin.register(Topic)
class TopicAdmin(ServiceAdmin):
    form = TopicForm
    key_field = "code"
    list_display = ("name", "code", "audience", "sort_order")
    list_filter = ("audience",)

    def create(self, **kwargs: Any) -> Any:
        return services.create_topic(**kwargs)

    def update(self, *, key: str, **kwargs: Any) -> Any:
        return services.update_topic(code=key, **kwargs)


@admin.register(BaseItem)
class BaseItemAdmin(ServiceAdmin):
    form = BaseItemForm
    key_field = "code"
    list_display = ("code", "name", "kind", "exercise_level", "legal_limit_days")
    list_filter = ("kind", "exercise_level")
    search_fields = ("code", "name")

    def create(self, **kwargs: Any) -> Any:
        return services.create_base_item(**kwargs)

    def update(self, *, key: str, **kwargs: Any) -> Any:
        return services.update_base_item(code=key, **kwargs)


# ---- implementation items ----------------------------------------------------------------------------------


class MaterialForm(forms.ModelForm):
    class Meta:
        model = Material
        fields = (*MATERIAL_SCALAR_FIELDS,)

    def material_record(self) -> dict[str, Any]:
        data = self.cleaned_data
        record = {name: _blank(data.get(name)) for name in MATERIAL_SCALAR_FIELDS}
        for name in ("blank_form", "sample"):
            value = data.get(name)
            record[name] = getattr(value, "name", value) or ""
        record["handling_codes"] = list(data.get("handling_codes") or [])
        return record

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not self.errors and not cleaned.get("DELETE"):
            # Uploaded files are stored when the draft is saved; only existing paths are checked here.
            record = self.material_record()
            for name in ("blank_form", "sample"):
                if name in self.changed_data:
                    record[name] = ""
            add_problems(self, check_material(record))
        return cleaned


class MaterialInline(admin.StackedInline):
    model = Material
    form = MaterialForm
    extra = 0
    ordering = ("sort_order", "id")


class HandlingItemInline(admin.TabularInline):
    model = HandlingItem
    fields = ("code", "name", "variant")
    extra = 0
    ordering = ("sort_order", "id")


class ReadonlyMaterialInline(admin.StackedInline):
    model = Material
    fields = (*MATERIAL_SCALAR_FIELDS,)
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ("sort_order", "id")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadonlyHandlingItemInline(admin.TabularInline):
    model = HandlingItem
    fields = ("code", "name", "variant")
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ("sort_order", "id")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


ITEM_FORM_FIELDS = ("code", "base_item", "department", "topics", *ITEM_SCALAR_FIELDS, "change_note")


class ItemForm(forms.ModelForm):
    class Meta:
        model = ImplementationItem
        fields = ITEM_FORM_FIELDS

    def item_record(self) -> dict[str, Any]:
        data = self.cleaned_data
        record = {name: _blank(data.get(name)) for name in ITEM_SCALAR_FIELDS}
        record["code"] = self.instance.code if self.instance.pk else data.get("code", "")
        record["base_code"] = data["base_item"].code if data.get("base_item") else ""
        record["department_credit_code"] = data["department"].credit_code if data.get("department") else ""
        record["topics"] = sorted(t.code for t in data.get("topics") or [])
        return record

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not self.errors:
            # Materials and handling items are checked on their own rows, and together when saved.
            record = {**self.item_record(), "handling_items": [], "materials": []}
            add_problems(self, check_item(record, refs=Refs()))
        return cleaned


@admin.register(ImplementationItem)
class ImplementationItemAdmin(DomainErrorsAsMessages, admin.ModelAdmin):
    form = ItemForm
    list_display = ("name", "code", "version", "status", "department", "published_at")
    list_filter = ("status", "kind", "audience", "online_depth")
    search_fields = ("code", "name")
    list_select_related = ("department",)
    autocomplete_fields = ("department", "base_item")
    filter_horizontal = ("topics",)
    actions = ("start_revision", "publish", "withdraw", "discard_draft")
    fields = ITEM_FORM_FIELDS
    history_fields = (
        "version",
        "status",
        "created_by",
        "updated_by",
        "published_by",
        "published_at",
        "superseded_at",
        "withdrawn_at",
    )

    def get_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ITEM_FORM_FIELDS if obj is None else (*ITEM_FORM_FIELDS, *self.history_fields)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        if obj is None:
            return ()
        if obj.status != ItemStatus.DRAFT:
            return (*ITEM_FORM_FIELDS, *self.history_fields)
        return ("code", *self.history_fields)

    def get_inlines(self, request: HttpRequest, obj: Any = None) -> list[type]:
        if obj is not None and obj.status != ItemStatus.DRAFT:
            return [ReadonlyHandlingItemInline, ReadonlyMaterialInline]
        return [HandlingItemInline, MaterialInline]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Published, superseded and withdrawn versions are never edited: make a revision draft instead.
        if obj is not None and obj.status != ItemStatus.DRAFT:
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """Nothing here: the item and its rows are written together by a service in save_related."""

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        record = form.item_record()
        for formset in formsets:
            # The rows are written by the service, not by formset.save(); the change message needs these.
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            rows = [f for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
            if formset.model is Material:
                for row in rows:
                    for name in ("blank_form", "sample"):
                        upload = row.cleaned_data.get(name)
                        if upload and name in row.changed_data:
                            field = Material._meta.get_field(name)
                            row.cleaned_data[name] = field.storage.save(
                                field.generate_filename(None, upload.name), upload
                            )
                record["materials"] = [row.material_record() for row in rows]
            elif formset.model is HandlingItem:
                record["handling_items"] = [
                    {
                        "code": r.cleaned_data["code"],
                        "name": r.cleaned_data["name"],
                        "variant": r.cleaned_data["variant"],
                    }
                    for r in rows
                ]
        kwargs = {"actor": actor_of(request), "source_ip": client_ip(request)}
        change_note = form.cleaned_data.get("change_note", "")
        if change:
            item = services.update_draft(
                code=form.instance.code, changes=record, change_note=change_note, **kwargs
            )
        else:
            item = services.create_item_draft(data=record, change_note=change_note, **kwargs)
        form.instance.pk = item.pk
        form.instance.refresh_from_db()

    def _each(self, request: HttpRequest, queryset: QuerySet, action: Any, done: str) -> None:
        codes = sorted(set(queryset.values_list("code", flat=True)))
        for code in codes:
            try:
                action(actor=actor_of(request), code=code, source_ip=client_ip(request))
            except DomainError as exc:
                self.message_user(request, f"{code}：{exc.message}", messages.ERROR)
            else:
                self.message_user(request, f"{code}：{done}", messages.SUCCESS)

    @admin.action(description="创建修订草稿")
    def start_revision(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._each(request, queryset, services.start_revision, "已创建修订草稿")

    @admin.action(description="发布")
    def publish(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._each(request, queryset, services.publish, "已发布")

    @admin.action(description="停用")
    def withdraw(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._each(request, queryset, services.withdraw, "已停用")

    @admin.action(description="删除草稿")
    def discard_draft(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._each(request, queryset.filter(status=ItemStatus.DRAFT), services.discard_draft, "已删除草稿")
