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

from zwfw.identity.models import ClientProfile
from zwfw.identity.oidc.clients import ALLOWED_GRANT_TYPES

Application = get_application_model()


class ClientProfileInline(admin.StackedInline):
    model = ClientProfile
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


if admin.site.is_registered(Application):
    admin.site.unregister(Application)
admin.site.register(Application, ClientAdmin)
