"""动态口令: TOTP authenticator apps (RFC 6238, SHA-1, 6 digits, 30-second steps) through pyotp.

The secret is stored encrypted (EncryptedCharField). A device counts only once confirmed with a
first code. Each accepted code moves ``last_step`` forward, so a code (or an earlier one) is never
accepted twice (RFC 6238 §5.2: "the verifier MUST NOT accept the second attempt of the OTP").
"""

from __future__ import annotations

import hmac
import time
from dataclasses import dataclass
from typing import Any

import pyotp
from django.db import transaction
from django.utils import timezone

from zwfw.core import audit
from zwfw.core.errors import Conflict, NotFound, ValidationFailed
from zwfw.identity.models import TotpDevice

ISSUER = "zwfw 政务服务"
STEP_SECONDS = 30
# RFC 6238 §5.2: allow one step of clock drift either way.
DRIFT_STEPS = 1


class TotpRejected(ValidationFailed):
    """Wrong, reused or malformed: one message for all."""

    def __init__(self) -> None:
        super().__init__(
            "TOTP_INVALID", "动态口令不正确或已使用，请等待下一个口令", details={"field": "code"}
        )


@dataclass(frozen=True)
class Enrollment:
    secret: str
    provisioning_uri: str


def confirmed_device(user: Any) -> TotpDevice | None:
    if user is None or user.pk is None:
        return None
    return TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).first()


def has_totp(user: Any) -> bool:
    return confirmed_device(user) is not None


def _label(user: Any) -> str:
    person = getattr(user, "person", None)
    staff = getattr(user, "staff", None)
    if staff is not None:
        return user.get_username()
    if person is not None:
        return person.name
    return user.get_username()


def begin_enrollment(*, user: Any) -> Enrollment:
    """Create (or restart) an unconfirmed device and return its secret and otpauth:// URI."""
    with transaction.atomic():
        device = TotpDevice.objects.select_for_update().filter(user=user).first()
        if device is not None and device.confirmed_at is not None:
            raise Conflict("TOTP_ALREADY_ENABLED", "已启用动态口令；如需更换，请先停用当前的动态口令")
        secret = pyotp.random_base32()
        if device is None:
            device = TotpDevice.objects.create(user=user, secret=secret)
        else:
            device.secret = secret
            device.last_step = 0
            device.save(update_fields=["secret", "last_step"])
    uri = pyotp.TOTP(secret).provisioning_uri(name=_label(user), issuer_name=ISSUER)
    return Enrollment(secret=secret, provisioning_uri=uri)


def pending_enrollment(*, user: Any) -> Enrollment | None:
    device = TotpDevice.objects.filter(user=user, confirmed_at__isnull=True).first()
    if device is None:
        return None
    uri = pyotp.TOTP(device.secret).provisioning_uri(name=_label(user), issuer_name=ISSUER)
    return Enrollment(secret=device.secret, provisioning_uri=uri)


def _matching_step(secret: str, code: str, now: float) -> int | None:
    code = (code or "").strip().replace(" ", "")
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    current = int(now) // STEP_SECONDS
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            return step
    return None


def _accept(device: TotpDevice, code: str) -> None:
    step = _matching_step(device.secret, code, time.time())
    if step is None or step <= device.last_step:
        raise TotpRejected()
    device.last_step = step


def confirm_enrollment(*, user: Any, code: str, source_ip: str | None = None) -> TotpDevice:
    """The first code from the app proves it holds the secret; from now on the device counts."""
    with transaction.atomic():
        device = TotpDevice.objects.select_for_update().filter(user=user, confirmed_at__isnull=True).first()
        if device is None:
            raise NotFound("TOTP_NOT_PENDING", "没有待确认的动态口令，请重新开始绑定")
        _accept(device, code)
        device.confirmed_at = timezone.now()
        device.save(update_fields=["last_step", "confirmed_at"])
        audit.record(
            actor=f"user:{user.pk}",
            action="identity.totp_enabled",
            object_type="totp_device",
            object_id=device.pk,
            source_ip=source_ip,
        )
    return device


def verify(*, user: Any, code: str) -> None:
    """Accept a code of the user's confirmed device once; raise ``TotpRejected`` otherwise.

    A rejected code changes nothing (the caller records the failed attempt).
    """
    with transaction.atomic():
        device = TotpDevice.objects.select_for_update().filter(user=user, confirmed_at__isnull=False).first()
        if device is None:
            raise TotpRejected()
        _accept(device, code)
        device.save(update_fields=["last_step"])


def remove(*, user: Any, password: str, source_ip: str | None = None) -> None:
    """Stop using the authenticator app; the account password must be given again (re-authentication)."""
    if not password or not user.check_password(password):
        raise ValidationFailed("PASSWORD_INCORRECT", "密码不正确", details={"field": "password"})
    with transaction.atomic():
        device = TotpDevice.objects.select_for_update().filter(user=user).first()
        if device is None:
            raise NotFound("TOTP_NOT_ENABLED", "尚未启用动态口令")
        device_id = device.pk
        was_confirmed = device.confirmed_at is not None
        device.delete()
        audit.record(
            actor=f"user:{user.pk}",
            action="identity.totp_removed",
            object_type="totp_device",
            object_id=device_id,
            source_ip=source_ip,
            details={"was_confirmed": was_confirmed},
        )
