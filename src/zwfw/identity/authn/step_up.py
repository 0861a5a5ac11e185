"""Step-up: a second factor during a session (the level it raises is
``zwfw.identity.sessions.step_up``), and the account level that binding a new authenticator needs."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest

from zwfw.core import audit
from zwfw.core.errors import PermissionDenied, ValidationFailed
from zwfw.identity import otp, sessions, throttle, totp
from zwfw.identity.authn.attempts import record_attempt, refuse_if_throttled
from zwfw.identity.authn.identifiers import account_mobile

STEP_UP = "identity.step_up"


def step_up_factors(user: Any) -> list[str]:
    """What can confirm the signed-in person again: ``otp``, ``sms`` (to the account's mobile), ``hwk``."""
    options = []
    if totp.has_totp(user):
        options.append("otp")
    if account_mobile(user):
        options.append("sms")
    if user.passkeys.exists():
        options.append("hwk")
    return options


def send_step_up_code(*, user: Any, source_ip: str | None = None) -> None:
    mobile = account_mobile(user)
    if not mobile:
        raise ValidationFailed("SECOND_FACTOR_UNAVAILABLE", "账号未登记手机号码，不能使用短信验证码")
    with transaction.atomic():
        otp.issue_code(purpose="step_up", mobile=mobile)
        audit.record(
            actor=f"user:{user.pk}",
            action="identity.step_up_code",
            object_type="account",
            object_id=f"user:{user.pk}",
            source_ip=source_ip,
        )


def verify_step_up(*, user: Any, method: str, code: str, source_ip: str | None = None) -> None:
    """Check a TOTP or SMS code of the signed-in user (throttled and recorded like a sign-in)."""
    index = f"user:{user.pk}"
    if method not in ("otp", "sms") or method not in step_up_factors(user):
        raise ValidationFailed("SECOND_FACTOR_UNAVAILABLE", "此账号不能使用该方式确认身份")
    refuse_if_throttled(user=user, index=index, method=method, source_ip=source_ip, action=STEP_UP)
    try:
        if method == "otp":
            totp.verify(user=user, code=code)
        else:
            otp.verify_code(purpose="step_up", mobile=account_mobile(user), code=code)
    except (totp.TotpRejected, otp.CodeRejected):
        record_attempt(
            user=user,
            index=index,
            method=method,
            succeeded=False,
            reason=throttle.BAD_CODE,
            result="failure",
            source_ip=source_ip,
            action=STEP_UP,
        )
        raise
    # Not a sign-in: no succeeded row (that would reset the sign-in failure count); audited only.
    audit.record(
        actor=f"user:{user.pk}",
        action=STEP_UP,
        object_type="account",
        object_id=f"user:{user.pk}",
        source_ip=source_ip,
        details={"method": method},
    )


class StepUpRequired(PermissionDenied):
    def __init__(self) -> None:
        super().__init__(
            "STEP_UP_REQUIRED",
            "请先确认身份（动态口令、短信验证码或通行密钥）后，再绑定新的登录方式或更换手机号码",
        )


def require_account_level(request: HttpRequest) -> None:
    """Binding a new authenticator (TOTP app, passkey, the mobile that codes go to) needs a session at
    the account's own level (NIST SP 800-63B §6.1.2.1): a password alone caps the session of a level-4
    account at 3, and must not add the second factor that would lift later sign-ins to 4."""
    if sessions.session_level(request) < sessions.account_level(request.user):
        raise StepUpRequired()
