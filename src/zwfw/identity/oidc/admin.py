"""Clients in Django admin: DOT's application admin with zwfw's profile inline and the grant rule.

Only authorization-code and client-credentials clients may be saved (RFC 9700 §2.1.2, §2.4);
ID tokens are always RS256. Imported by ``zwfw.identity.admin``.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db import models
from oauth2_provider.admin import ApplicationAdmin
from oauth2_provider.models import get_application_model

from zwfw.core import audit
from zwfw.identity.models import ClientProfile
from zwfw.identity.oidc.clients import ALLOWED_GRANT_TYPES, service_account_problem
from zwfw.identity.sessions import client_ip

Application = get_application_model()


class ClientProfileForm(forms.ModelForm):
    backchannel_logout_uri = forms.URLField(label="后端登出地址", required=False, assume_scheme="https")

    class Meta:
        model = ClientProfile
        fields = ["sector_identifier", "subject_type", "is_system", "acts_as", "backchannel_logout_uri"]

    def clean(self):
        cleaned = super().clean() or {}
        account = cleaned.get("acts_as")
        if account is not None:
            problem = service_account_problem(account)
            if not cleaned.get("is_system"):
                self.add_error("acts_as", "只有系统客户端（客户端凭证模式）可以代表工作人员账号")
            elif problem:
                self.add_error("acts_as", problem[1])
        return cleaned

    def save(self, commit: bool = True) -> ClientProfile:
        profile = super().save(commit=False)
        # Choosing the account pins the department it belongs to now: a later move of the account stops
        # the client (clients.system_account). Saving the client for another reason does not re-pin it,
        # or editing a name would quietly follow the account into its new department.
        if "acts_as" in self.changed_data:
            profile.acts_for_department_id = profile.acts_as.staff.department_id if profile.acts_as_id else None
        if commit:
            profile.save()
        return profile


class ClientProfileInline(admin.StackedInline):
    model = ClientProfile
    form = ClientProfileForm
    raw_id_fields = ["acts_as"]  # a list of every account would be every citizen
    can_delete = False
    extra = 1
    max_num = 1
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class ClientForm(forms.ModelForm):
    class Meta:
        model = Application
        fields = [
            "name",
            "client_id",
            "client_secret",
            "client_type",
            "authorization_grant_type",
            "redirect_uris",
            "post_logout_redirect_uris",
            "allowed_origins",
            "algorithm",
            "skip_authorization",
            "user",
        ]

    def clean_authorization_grant_type(self) -> str:
        value = self.cleaned_data["authorization_grant_type"]
        if value not in ALLOWED_GRANT_TYPES:
            raise forms.ValidationError("只允许授权码模式或客户端凭证模式（不支持隐式模式和密码模式）")
        return value

    def clean_algorithm(self) -> str:
        return Application.RS256_ALGORITHM

    def clean(self):
        cleaned = super().clean() or {}
        if (
            cleaned.get("authorization_grant_type") == Application.GRANT_CLIENT_CREDENTIALS
            and cleaned.get("client_type") == Application.CLIENT_PUBLIC
        ):
            raise forms.ValidationError("客户端凭证模式只适用于机密客户端")
        return cleaned


class ClientAdmin(ApplicationAdmin):
    form = ClientForm
    inlines = [ClientProfileInline]

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        # Whom a machine credential acts as is a grant of power: each change goes into the audit chain.
        for profile_form in formset.forms:
            if "acts_as" in getattr(profile_form, "changed_data", ()) and profile_form.instance.pk:
                profile = profile_form.instance
                audit.record(
                    actor=f"user:{request.user.pk}",
                    action="identity.oidc_client_acts_as",
                    object_type="oidc_client",
                    object_id=form.instance.client_id,
                    after={
                        "acts_as": profile.acts_as.username if profile.acts_as_id else "",
                        "department": profile.acts_for_department_id,
                    },
                    source_ip=client_ip(request),
                )


if admin.site.is_registered(Application):
    admin.site.unregister(Application)
admin.site.register(Application, ClientAdmin)
