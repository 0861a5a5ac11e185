"""One's own signed-in sessions: list them, end any of them (revocation deletes it from the session store)."""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
import uuid
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from zwfw.core import audit
from zwfw.core.errors import NotFound
from zwfw.identity.middleware import TOUCH_EVERY_SECONDS
from zwfw.identity.models import AccountSession

METHOD_NAMES = {
    "pwd": "密码",
    "sms": "短信验证码",
    "otp": "动态口令",
    "hwk": "通行密钥",
    "swk": "软件密钥",
    "mfa": "多因素",
    "fed": "统一身份认证",
}


def mask_ip(value: str | None) -> str:
    """IPv4: the first two octets (192.168.*.*); IPv6: the first three groups."""
    if not value:
        return ""
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return ""
    if address.version == 4:
        first, second, *_ = str(address).split(".")
        return f"{first}.{second}.*.*"
    groups = address.exploded.split(":")
    return ":".join(g.lstrip("0") or "0" for g in groups[:3]) + ":*"


_BROWSERS = [("Edg/", "Edge"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"), ("Safari/", "Safari")]
_SYSTEMS = [
    ("Windows", "Windows"),
    ("Android", "Android"),
    ("iPhone", "iOS"),
    ("iPad", "iPadOS"),
    ("Mac OS X", "macOS"),
    ("HarmonyOS", "HarmonyOS"),
    ("Linux", "Linux"),
]


def describe_device(user_agent: str) -> str:
    """A short, non-identifying description of a browser (never the full user-agent string)."""
    ua = user_agent or ""
    browser = next((name for key, name in _BROWSERS if key in ua), "")
    system = next((name for key, name in _SYSTEMS if key in ua), "")
    if re.search(r"HeadlessChrome", ua):
        browser = "Chrome"
    text = " · ".join(part for part in (browser, system) if part)
    return text or "未知设备"


@dataclass(frozen=True)
class SessionView:
    public_id: uuid.UUID
    device: str
    ip: str
    methods: str
    created_at: Any
    last_seen_at: Any
    current: bool


def live_sessions(*, user: Any) -> QuerySet[AccountSession]:
    """Rows of sessions not ended and not past the idle or absolute limit (an abandoned browser's
    session just runs out: nobody marks its row, so the limits decide here)."""
    now = timezone.now()
    staff = bool(user.is_staff or hasattr(user, "staff"))
    idle = settings.ZWFW_STAFF_SESSION_IDLE_SECONDS if staff else settings.ZWFW_SESSION_IDLE_SECONDS
    return AccountSession.objects.filter(
        user=user,
        ended_at__isnull=True,
        created_at__gte=now - dt.timedelta(seconds=settings.ZWFW_SESSION_ABSOLUTE_SECONDS),
        # the middleware notes activity at most once a minute
        last_seen_at__gte=now - dt.timedelta(seconds=idle + TOUCH_EVERY_SECONDS),
    )


def sessions_of(*, user: Any, current_key: str | None) -> list[SessionView]:
    """The user's live sessions, newest first; the one making the request is marked."""
    rows = live_sessions(user=user).order_by("-created_at", "-id")
    return [
        SessionView(
            public_id=row.public_id,
            device=describe_device(row.user_agent),
            ip=mask_ip(row.source_ip),
            methods="、".join(METHOD_NAMES.get(m, m) for m in row.methods),
            created_at=row.created_at,
            last_seen_at=row.last_seen_at,
            current=bool(current_key) and row.session_key == current_key,
        )
        for row in rows
    ]


def session_store(session_key: str) -> Any:
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key)


def revoke_session(*, user: Any, public_id: Any, source_ip: str | None = None) -> AccountSession:
    """End one of the user's own sessions at once; someone else's is "not found" (and left alone)."""
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        raise NotFound("SESSION_NOT_FOUND", "会话不存在或已结束") from None
    with transaction.atomic():
        row = live_sessions(user=user).select_for_update().filter(public_id=key).first()
        if row is None:
            raise NotFound("SESSION_NOT_FOUND", "会话不存在或已结束")
        session_store(row.session_key).delete()
        row.ended_at = timezone.now()
        row.end_reason = "revoked"
        row.save(update_fields=["ended_at", "end_reason"])
        audit.record(
            actor=f"user:{user.pk}",
            action="identity.session_revoked",
            object_type="account_session",
            object_id=str(row.public_id),
            source_ip=source_ip,
        )
    return row
