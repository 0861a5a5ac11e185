"""通行密钥: WebAuthn Level 2 passkeys through py_webauthn (register, sign in, list, rename, remove).

- The relying party id is the node's host (``settings.BASE_URL`` when set, else the request's host,
  which ALLOWED_HOSTS already vetted); the expected origin is that scheme and host.
- Registration asks for a discoverable credential (resident key) and user verification, both
  "preferred"; sign-in offers no ``allowCredentials`` (discoverable credentials, the browser lists
  the passkeys it holds for this site) and finds the ``Passkey`` by the credential id it returns.
- The challenge lives in the server-side session and is used once.
- A sign-in counts as multi-factor (``hwk``) only when the authenticator verified the user
  (PIN or biometrics, WebAuthn §6.1 flag UV); assertions without it are refused.
- The signature counter must grow when the authenticator keeps one (WebAuthn §6.1.1): a counter
  that does not is a sign of a cloned authenticator and the assertion is refused.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import bytes_to_base64url
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from zwfw.core import audit
from zwfw.core.errors import NotFound, ValidationFailed
from zwfw.identity import throttle
from zwfw.identity.authn import SIGN_IN, record_attempt, refuse_if_throttled
from zwfw.identity.models import Passkey

REGISTRATION_CHALLENGE = "zwfw.webauthn.registration"
AUTHENTICATION_CHALLENGE = "zwfw.webauthn.authentication"
RP_NAME = "zwfw 政务服务平台"
MAX_NAME = 60
_BASE64URL = re.compile(r"^[A-Za-z0-9_-]{1,1400}$")


class PasskeyRejected(ValidationFailed):
    def __init__(self, message: str = "通行密钥验证失败，请重试") -> None:
        super().__init__("PASSKEY_INVALID", message)


@dataclass(frozen=True)
class RelyingParty:
    rp_id: str
    origin: str


def relying_party(request: HttpRequest) -> RelyingParty:
    """WebAuthn §5.1.4.1: the RP id is a registrable domain of the origin (here: the host itself)."""
    base = getattr(settings, "BASE_URL", "")
    if base:
        parts = urlsplit(base)
        return RelyingParty(rp_id=parts.hostname or "", origin=f"{parts.scheme}://{parts.netloc}")
    host = request.get_host()
    return RelyingParty(rp_id=urlsplit(f"//{host}").hostname or host, origin=f"{request.scheme}://{host}")


def _user_handle(user: Any) -> bytes:
    """An opaque, stable user handle (WebAuthn §14.6.1: no personal data in it)."""
    return hashlib.sha256(f"{settings.SECRET_KEY}:webauthn-user:{user.pk}".encode()).digest()[:32]


def _display_name(user: Any) -> str:
    person = getattr(user, "person", None)
    staff = getattr(user, "staff", None)
    return (person.name if person else staff.name if staff else "") or user.get_username()


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationFailed("PASSKEY_NAME_REQUIRED", "请为通行密钥起一个名称", details={"field": "name"})
    if len(name) > MAX_NAME or any(ord(c) < 32 for c in name):
        raise ValidationFailed(
            "PASSKEY_NAME_INVALID",
            f"名称不能超过{MAX_NAME}个字符，也不能含控制字符",
            details={"field": "name"},
        )
    return name


def _credential(data: Any) -> Any:
    if isinstance(data, str | dict):
        return data
    raise PasskeyRejected()


# ---------------------------------------------------------------------------------------------
# Registration
# ---------------------------------------------------------------------------------------------


def registration_options(*, user: Any, rp: RelyingParty) -> tuple[dict, bytes]:
    """PublicKeyCredentialCreationOptions (as JSON-ready dict) and the challenge to keep."""
    existing = [
        PublicKeyCredentialDescriptor(
            id=_b64decode(p.credential_id),
            transports=[
                AuthenticatorTransport(t)
                for t in p.transports
                if t in AuthenticatorTransport._value2member_map_
            ],
        )
        for p in Passkey.objects.filter(user=user)
    ]
    options = generate_registration_options(
        rp_id=rp.rp_id,
        rp_name=RP_NAME,
        user_id=_user_handle(user),
        user_name=user.get_username(),
        user_display_name=_display_name(user),
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
        exclude_credentials=existing,
    )
    return json.loads(options_to_json(options)), options.challenge


def _b64decode(value: str) -> bytes:
    from webauthn.helpers import base64url_to_bytes

    return base64url_to_bytes(value)


def register(
    *,
    user: Any,
    name: str,
    credential: Any,
    challenge: bytes | None,
    rp: RelyingParty,
    source_ip: str | None = None,
) -> Passkey:
    """Verify the authenticator's attestation response and keep the new passkey."""
    name = _clean_name(name)
    if not challenge:
        raise PasskeyRejected("通行密钥注册已过期，请重新开始")
    try:
        verified = verify_registration_response(
            credential=_credential(credential),
            expected_challenge=challenge,
            expected_rp_id=rp.rp_id,
            expected_origin=rp.origin,
        )
    except (WebAuthnException, ValueError, TypeError, KeyError) as exc:
        raise PasskeyRejected() from exc
    credential_id = bytes_to_base64url(verified.credential_id)
    transports = []
    if isinstance(credential, dict):
        raw = (credential.get("response") or {}).get("transports") or []
        transports = [t for t in raw if isinstance(t, str) and t in AuthenticatorTransport._value2member_map_]
    with transaction.atomic():
        # The unique constraint decides, not a check before the insert: two registrations of one
        # credential at once would both pass a check and the second insert would be a 500.
        try:
            with transaction.atomic():
                passkey = Passkey.objects.create(
                    user=user,
                    name=name,
                    credential_id=credential_id,
                    public_key=verified.credential_public_key,
                    sign_count=verified.sign_count,
                    transports=transports,
                )
        except IntegrityError:
            raise PasskeyRejected("该通行密钥已经登记过") from None
        audit.record(
            actor=f"user:{user.pk}",
            action="identity.passkey_registered",
            object_type="passkey",
            object_id=str(passkey.public_id),
            source_ip=source_ip,
            details={"user_verified": verified.user_verified},
        )
    return passkey


# ---------------------------------------------------------------------------------------------
# Authentication
# ---------------------------------------------------------------------------------------------


def authentication_options(*, rp: RelyingParty) -> tuple[dict, bytes]:
    """PublicKeyCredentialRequestOptions with an empty allowCredentials (discoverable credentials)."""
    options = generate_authentication_options(
        rp_id=rp.rp_id, allow_credentials=[], user_verification=UserVerificationRequirement.PREFERRED
    )
    return json.loads(options_to_json(options)), options.challenge


def authenticate(
    *,
    credential: Any,
    challenge: bytes | None,
    rp: RelyingParty,
    source_ip: str | None = None,
    user: Any = None,
    action: str = SIGN_IN,
) -> Passkey:
    """Verify an assertion; the passkey it was made with (its counter and last use updated).

    ``user`` given (step-up): the passkey must be theirs. Every attempt is written to ``LoginAttempt``
    and the audit log (``action``: a sign-in, or a step-up) and throttled like the other methods.
    """
    raw_id = credential.get("id") if isinstance(credential, dict) else None
    if not isinstance(raw_id, str) or not _BASE64URL.match(raw_id):
        raw_id = ""
    passkey = Passkey.objects.select_related("user").filter(credential_id=raw_id).first() if raw_id else None
    if user is not None and passkey is not None and passkey.user_id != user.pk:
        passkey = None
    owner = passkey.user if passkey is not None else None
    index = f"passkey:{hashlib.sha256((raw_id or '').encode()).hexdigest()[:40]}"
    refuse_if_throttled(user=owner, index=index, method="hwk", source_ip=source_ip, action=action)

    def fail(message: str = "通行密钥验证失败，请重试") -> PasskeyRejected:
        record_attempt(
            user=owner,
            index=index,
            method="hwk",
            succeeded=False,
            reason=throttle.BAD_PASSKEY,
            result="failure",
            source_ip=source_ip,
            action=action,
        )
        return PasskeyRejected(message)

    if passkey is None or owner is None or not challenge or not owner.is_active:
        raise fail("未找到此通行密钥，请先用其他方式登录后在“通行密钥”页面登记")
    try:
        verified = verify_authentication_response(
            credential=_credential(credential),
            expected_challenge=challenge,
            expected_rp_id=rp.rp_id,
            expected_origin=rp.origin,
            credential_public_key=bytes(passkey.public_key),
            credential_current_sign_count=passkey.sign_count,
        )
    except (WebAuthnException, ValueError, TypeError, KeyError) as exc:
        raise fail() from exc
    if not verified.user_verified:
        raise fail("此通行密钥未验证您本人（指纹、面容或 PIN），请在设备上完成验证")
    with transaction.atomic():
        updated = Passkey.objects.filter(pk=passkey.pk, sign_count=passkey.sign_count).update(
            sign_count=verified.new_sign_count, last_used_at=timezone.now()
        )
        if not updated:  # a concurrent use of the same assertion counter
            raise fail()
    passkey.sign_count = verified.new_sign_count
    record_attempt(
        user=owner,
        index=index,
        method="hwk",
        succeeded=True,
        reason="",
        result="success",
        source_ip=source_ip,
        details={"passkey": str(passkey.public_id)},
        action=action,
    )
    return passkey


# ---------------------------------------------------------------------------------------------
# The owner's list
# ---------------------------------------------------------------------------------------------


def passkeys_of(*, user: Any) -> QuerySet[Passkey]:
    return Passkey.objects.filter(user=user).order_by("created_at", "id")


def _own(user: Any, public_id: Any) -> Passkey:
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        raise NotFound("PASSKEY_NOT_FOUND", "通行密钥不存在") from None
    passkey = Passkey.objects.select_for_update().filter(user=user, public_id=key).first()
    if passkey is None:
        raise NotFound("PASSKEY_NOT_FOUND", "通行密钥不存在")
    return passkey


def rename(*, user: Any, public_id: Any, name: str, source_ip: str | None = None) -> Passkey:
    name = _clean_name(name)
    with transaction.atomic():
        passkey = _own(user, public_id)
        passkey.name = name
        passkey.save(update_fields=["name"])
        audit.record(
            actor=f"user:{user.pk}",
            action="identity.passkey_renamed",
            object_type="passkey",
            object_id=str(passkey.public_id),
            source_ip=source_ip,
        )
    return passkey


def remove(*, user: Any, public_id: Any, source_ip: str | None = None) -> None:
    with transaction.atomic():
        passkey = _own(user, public_id)
        passkey_id = str(passkey.public_id)
        passkey.delete()
        audit.record(
            actor=f"user:{user.pk}",
            action="identity.passkey_removed",
            object_type="passkey",
            object_id=passkey_id,
            source_ip=source_ip,
        )
