"""SMS one-time codes: six digits, five minutes, five tries, used once; only a keyed hash is kept.

Sent through zwfw.notifications (which rate-limits per mobile and records every message).
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets

from django.db import transaction
from django.utils import timezone

from zwfw.core.crypto import blind_index
from zwfw.core.errors import ValidationFailed
from zwfw.identity.indexes import mobile_index
from zwfw.identity.models import OneTimeCode
from zwfw.notifications.models import Channel
from zwfw.notifications.services import normalise_mobile, send_message

CODE_SECONDS = 300
MAX_TRIES = 5

PURPOSES = {
    "register": "注册",
    "login": "登录",
    "step_up": "身份确认",
    "mobile_change": "更换手机号",
    "staff_login": "工作人员登录",
}


class CodeRejected(ValidationFailed):
    """Wrong, expired, used up or unknown: one message for all, so nothing leaks about which."""

    def __init__(self) -> None:
        super().__init__(
            "SMS_CODE_INVALID", "短信验证码不正确或已失效，请重新获取", details={"field": "code"}
        )


def _hash(purpose: str, mobile: str, code: str) -> str:
    return blind_index(f"{purpose}:{mobile}:{code}", purpose="otp")


def issue_code(*, purpose: str, mobile: str) -> OneTimeCode:
    """Create a code and send it by SMS; an earlier unused code for the same purpose stops working.

    The message is recorded without an account: the portal's inbox shows the account's copies of
    its messages, and a code readable there would prove nothing about holding the phone (a
    password-only session could read its own step-up or new-mobile code).

    Raises ``INVALID_MOBILE`` (400) or ``MESSAGE_RATE_LIMITED`` (429, from notifications).
    """
    if purpose not in PURPOSES:
        raise ValidationFailed("INVALID_CODE_PURPOSE", f"不支持的验证码用途：{purpose}")
    mobile = normalise_mobile(mobile)
    code = f"{secrets.randbelow(1_000_000):06d}"
    now = timezone.now()
    with transaction.atomic():
        index = mobile_index(mobile)
        OneTimeCode.objects.filter(purpose=purpose, mobile_index=index, consumed_at__isnull=True).update(
            consumed_at=now
        )
        send_message(
            channel=Channel.SMS,
            purpose=f"{purpose}_code",
            to_address=mobile,
            body=f"【政务服务】您的{PURPOSES[purpose]}验证码为{code}，5分钟内有效。请勿告诉他人。",
        )
        return OneTimeCode.objects.create(
            purpose=purpose,
            mobile_index=index,
            code_hash=_hash(purpose, mobile, code),
            expires_at=now + dt.timedelta(seconds=CODE_SECONDS),
        )


def verify_code(*, purpose: str, mobile: str, code: str) -> None:
    """Consume the live code for (purpose, mobile) if ``code`` matches; else count a try and raise.

    The failed try is committed even though an error is raised (it runs in its own transaction).
    """
    try:
        mobile = normalise_mobile(mobile)
    except ValidationFailed:
        raise CodeRejected() from None
    code = (code or "").strip()
    now = timezone.now()
    with transaction.atomic():
        live = (
            OneTimeCode.objects.select_for_update()
            .filter(
                purpose=purpose,
                mobile_index=mobile_index(mobile),
                consumed_at__isnull=True,
                expires_at__gt=now,
            )
            .order_by("-created_at")
            .first()
        )
        if live is None or live.attempts >= MAX_TRIES:
            raise CodeRejected()
        if not (code.isdigit() and len(code) == 6) or not hmac.compare_digest(
            live.code_hash, _hash(purpose, mobile, code)
        ):
            live.attempts += 1
            live.save(update_fields=["attempts"])
            failed = True
        else:
            live.consumed_at = now
            live.save(update_fields=["consumed_at"])
            failed = False
    if failed:
        raise CodeRejected()
