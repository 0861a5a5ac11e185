"""Demo operator accounts (catalogue staff). Citizens, enterprises and staff roles come with identity."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction

DEMO_ACCOUNTS = [
    {
        "role": "平台管理员 platform admin",
        "username": "admin",
        "password": "Zwfw-Demo-2026",
        "superuser": True,
    },
    {
        "role": "事项管理员 catalogue editor",
        "username": "catalog",
        "password": "Zwfw-Demo-2026",
        "superuser": False,
    },
]

CATALOG_EDITOR_GROUP = "事项管理员"


@transaction.atomic
def ensure_demo_accounts() -> list[dict]:
    """Create the demo logins once; a second run changes nothing. Only ever called in demo mode."""
    user_model = get_user_model()
    editors, _ = Group.objects.get_or_create(name=CATALOG_EDITOR_GROUP)
    editors.permissions.set(Permission.objects.filter(content_type__app_label="catalog"))
    for account in DEMO_ACCOUNTS:
        user = user_model.objects.filter(username=account["username"]).first()
        if user is None:
            user = user_model(username=account["username"], is_staff=True, is_superuser=account["superuser"])
            user.set_password(account["password"])
            user.save()
        if not account["superuser"]:
            user.groups.add(editors)
    return [{k: a[k] for k in ("role", "username", "password")} for a in DEMO_ACCOUNTS]
