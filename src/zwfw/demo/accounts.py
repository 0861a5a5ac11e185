"""Demo operator accounts (superuser, catalogue editor). Citizens, enterprises and staff roles: demo/identity.py."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from zwfw.identity.indexes import mobile_index
from zwfw.identity.models import StaffMember

DEMO_ACCOUNTS = [
    {
        "role": "超级管理员 superuser",
        "username": "admin",
        "password": "Zwfw-Demo-2026",
        "superuser": True,
        "mobile": "13700000010",
    },
    {
        "role": "事项管理员 catalogue editor",
        "username": "catalog",
        "password": "Zwfw-Demo-2026",
        "superuser": False,
        "mobile": "13700000011",
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
        # Staff always sign in with a second factor: the demo's is an SMS code (shown at /demo/messages/).
        StaffMember.objects.get_or_create(
            user=user,
            defaults={
                "name": account["role"].split()[0],
                "region_code": settings.NODE_CODE if settings.NODE_CODE.isdigit() else "100000",
                "mobile": account["mobile"],
                "mobile_index": mobile_index(account["mobile"]),
            },
        )
    return [{k: a[k] for k in ("role", "username", "password", "mobile")} for a in DEMO_ACCOUNTS]
