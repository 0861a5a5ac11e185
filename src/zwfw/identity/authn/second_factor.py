"""Second factor: the SMS code or TOTP code that completes a sign-in begun with a first factor."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from zwfw.core import audit
from zwfw.core.errors import ValidationFailed
from zwfw.identity import otp, throttle, totp
from zwfw.identity.authn.attempts import record_attempt, refuse_if_throttled
from zwfw.identity.authn.identifiers import account_mobile, is_staff_user, second_factors


def _second_factor_purpose(user: Any) -> str:
    return "staff_login" if is_staff_user(user) else "login"


def send_second_factor_code(*, user: Any, used: list[str], source_ip: str | None = None) -> None:
    """Send the SMS code that completes a sign-in (staff: purpose ``staff_login``)."""
    if "sms" not in second_factors(user, used):
        raise ValidationFailed("SECOND_FACTOR_UNAVAILABLE", "此账号不能使用短信验证码完成登录")
    with transaction.atomic():
        otp.issue_code(purpose=_second_factor_purpose(user), mobile=account_mobile(user))
        audit.record(
            actor="anonymous",
            action="identity.sign_in_code",
            object_type="account",
            object_id=f"user:{user.pk}",
            source_ip=source_ip,
            details={"stage": "second_factor"},
        )


def verify_second_factor(
    *, user: Any, used: list[str], method: str, code: str, source_ip: str | None = None
) -> list[str]:
    """Check the second factor of a sign-in begun with ``used``; the methods of the session on success."""
    index = f"user:{user.pk}"
    if method not in second_factors(user, used):
        raise ValidationFailed("SECOND_FACTOR_UNAVAILABLE", "此账号不能使用该方式完成登录")
    refuse_if_throttled(user=user, index=index, method=method, source_ip=source_ip)
    try:
        if method == "otp":
            totp.verify(user=user, code=code)
        else:
            otp.verify_code(purpose=_second_factor_purpose(user), mobile=account_mobile(user), code=code)
    except (totp.TotpRejected, otp.CodeRejected):
        record_attempt(
            user=user,
            index=index,
            method=method,
            succeeded=False,
            reason=throttle.BAD_CODE,
            result="failure",
            source_ip=source_ip,
            details={"stage": "second_factor"},
        )
        raise
    methods = sorted({*used, method})
    record_attempt(
        user=user,
        index=index,
        method=method,
        succeeded=True,
        reason="",
        result="success",
        source_ip=source_ip,
        details={"stage": "second_factor", "methods": methods},
    )
    return methods
