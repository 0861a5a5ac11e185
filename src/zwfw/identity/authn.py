"""Sign-in: passwords, SMS codes, and the second factor staff (and citizens who enabled TOTP) must give.

- Identifier: a mobile number or a document number (居民身份证 by default, other documents by type
  and number) for people; the username for staff and administrators.
- One message for an unknown account and a wrong password alike ("账号或密码错误"), and the same
  work for both (a dummy Argon2id verification when no account matches), OWASP Authentication
  Cheat Sheet "Authentication and error messages".
- Throttling and lockout per account and per source address: ``zwfw.identity.throttle``; after 100
  consecutive failures (NIST SP 800-63B §5.2.2) password and TOTP are refused until an SMS-code or
  passkey sign-in succeeds, or an administrator's ``unlock_account``.
- Every attempt (success, failure, locked, throttled) writes a ``LoginAttempt`` row and an audit
  entry (action ``identity.sign_in``), committed on its own so a refused attempt is never rolled back.
- Methods are RFC 8176 ``amr`` values: ``pwd``, ``sms``, ``otp``, ``hwk``.

These functions authenticate; starting the session is ``zwfw.identity.sessions.sign_in``.
"""

from __future__ import annotations

import contextlib
import re
import time
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme

from zwfw.core import audit
from zwfw.core.crypto import blind_index
from zwfw.core.errors import DomainError, PermissionDenied, ValidationFailed
from zwfw.identity import otp, sessions, throttle, totp
from zwfw.identity.indexes import document_index, mobile_index
from zwfw.identity.models import DocumentType, LoginAttempt, Person, StaffMember, StaffRole
from zwfw.notifications.errors import Throttled
from zwfw.notifications.services import normalise_mobile

SIGN_IN = "identity.sign_in"
ACCOUNT_LOCK = "identity.account_lock"
ACCOUNT_UNLOCK = "identity.account_unlock"
MOBILE_RE = re.compile(r"^1[3-9][0-9]{9}$")
RESIDENT_ID_RE = re.compile(r"^[0-9]{17}[0-9X]$")
PENDING_KEY = "zwfw.second_factor"
PENDING_SECONDS = 300
GENERIC_MESSAGE = "账号或密码错误"
CODE_REQUESTS_MESSAGE = "获取验证码过于频繁，请1小时后再试"
MAX_PASSWORD_CHARS = 4096  # never hash more than this (a longer one is simply wrong)


class InvalidCredentials(DomainError):
    status = 400

    def __init__(self, message: str = GENERIC_MESSAGE) -> None:
        super().__init__("INVALID_CREDENTIALS", message)


class SignInLocked(DomainError):
    """Too many failures for this account (or identifier): the same words whether it exists or not."""

    status = 429

    def __init__(self) -> None:
        super().__init__("SIGN_IN_LOCKED", f"{GENERIC_MESSAGE}次数过多，请稍后再试")


class SignInThrottled(DomainError):
    status = 429

    def __init__(self) -> None:
        super().__init__("SIGN_IN_THROTTLED", "登录尝试过于频繁，请稍后再试")


class CodeRequestsThrottled(Throttled):
    """Too many SMS codes asked for from one source address (SMS pumping); the same words whether
    the number is registered or not."""

    def __init__(self) -> None:
        super().__init__(
            CODE_REQUESTS_MESSAGE,
            retry_after_seconds=int(throttle.CODE_REQUEST_WINDOW.total_seconds()),
        )


class SecondFactorMissing(PermissionDenied):
    def __init__(self) -> None:
        super().__init__(
            "SECOND_FACTOR_MISSING",
            "工作人员必须使用第二重身份验证（动态口令或短信验证码）登录，您的账号尚未配置，请联系管理员",
        )


@dataclass
class Outcome:
    """A first factor was accepted: sign in with ``methods``, or first ask for one of ``second_factors``."""

    user: Any
    methods: list[str]
    second_factors: list[str] = field(default_factory=list)

    @property
    def needs_second_factor(self) -> bool:
        return bool(self.second_factors)


# ---------------------------------------------------------------------------------------------
# Accounts behind an identifier
# ---------------------------------------------------------------------------------------------


def identifier_index(identifier: str, document_type: str = "") -> str:
    """The blind index recorded for what was typed (never the identifier itself).

    The forms that name one account the same way (a 居民身份证 number typed with or without its
    type, a mobile number with either) give one index, so a lock of an unknown identifier reaches
    exactly what the lock of a real account would: a different answer would tell that it exists.
    """
    value = (identifier or "").strip().upper()
    if document_type in ("", DocumentType.RESIDENT_ID):
        if MOBILE_RE.match(value):
            document_type = "mobile"
        elif RESIDENT_ID_RE.match(value):
            document_type = DocumentType.RESIDENT_ID
    return blind_index(f"{document_type}:{value}", purpose="login")


def is_staff_user(user: Any) -> bool:
    return bool(user.is_staff or user.is_superuser or StaffMember.objects.filter(user=user).exists())


def _active_user(people: QuerySet[Person]) -> Any | None:
    person = people.select_related("user").first()
    user = person.user if person is not None else None
    return user if user is not None and user.is_active else None


def find_account(identifier: str, document_type: str = "") -> Any | None:
    """The active account an identifier names, or None (unknown, ambiguous or inactive)."""
    value = (identifier or "").strip()
    if not value or len(value) > 150 or any(ord(c) < 32 for c in value):
        return None
    user_model = get_user_model()
    if document_type and document_type != DocumentType.RESIDENT_ID:
        if document_type not in DocumentType.values:
            return None
        return _active_user(Person.objects.filter(document_index=document_index(document_type, value)))
    if MOBILE_RE.match(value):
        return _active_user(Person.objects.filter(mobile_index=mobile_index(value)))
    if RESIDENT_ID_RE.match(value.upper()):
        index = document_index(DocumentType.RESIDENT_ID, value)
        return _active_user(Person.objects.filter(document_index=index))
    if document_type:
        return None
    # A username signs in staff and administrators only (people use their mobile or document number).
    staff_q = Q(is_staff=True) | Q(is_superuser=True) | Q(staff__isnull=False)
    return user_model.objects.filter(staff_q, username=value, is_active=True).distinct().first()


def account_mobile(user: Any) -> str:
    """Where an SMS code for this account goes: the staff mobile for staff, else the person's."""
    staff = StaffMember.objects.filter(user=user, is_active=True).first()
    if staff is not None and staff.mobile:
        return staff.mobile
    person = Person.objects.filter(user=user).first()
    return person.mobile if person is not None else ""


def second_factors(user: Any, used: list[str]) -> list[str]:
    """What may complete a sign-in begun with ``used``: ``otp`` (TOTP app) and/or ``sms``."""
    options = []
    if totp.has_totp(user):
        options.append("otp")
    if "sms" not in used and account_mobile(user):
        options.append("sms")
    return options


def second_factor_required(user: Any) -> bool:
    """Staff always; a person who enabled TOTP for their own sign-in too."""
    return is_staff_user(user) or totp.has_totp(user)


# ---------------------------------------------------------------------------------------------
# Attempts
# ---------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return make_password("zwfw-no-such-account")


def record_attempt(
    *,
    user: Any,
    index: str,
    method: str,
    succeeded: bool,
    reason: str,
    result: str,
    source_ip: str | None,
    details: dict | None = None,
    action: str = SIGN_IN,
) -> None:
    """One ``LoginAttempt`` row and one audit entry, committed together (before any error is raised)."""
    with transaction.atomic():
        LoginAttempt.objects.create(
            identifier_index=index,
            user=user,
            source_ip=source_ip or None,
            method=method,
            succeeded=succeeded,
            reason=reason,
        )
        audit.record(
            actor=f"user:{user.pk}" if user is not None and (succeeded or action != SIGN_IN) else "anonymous",
            action=action,
            object_type="account" if user is not None else "login_identifier",
            object_id=f"user:{user.pk}" if user is not None else index,
            source_ip=source_ip,
            result=result,
            details={"method": method, "reason": reason, **(details or {})},
        )
        if not succeeded and reason in throttle.COUNTED_FAILURES:
            _audit_if_now_exhausted(user=user, index=index, source_ip=source_ip)


def _audit_if_now_exhausted(*, user: Any, index: str, source_ip: str | None) -> None:
    """The failure that made ``MAX_CONSECUTIVE_FAILURES`` locks password and TOTP: audit the lock once."""
    count = throttle.consecutive_failures(user=user, identifier_index=index)
    if count != throttle.MAX_CONSECUTIVE_FAILURES:
        return
    audit.record(
        actor="system",
        action=ACCOUNT_LOCK,
        object_type="account" if user is not None else "login_identifier",
        object_id=f"user:{user.pk}" if user is not None else index,
        source_ip=source_ip,
        result="success",
        details={"consecutive_failures": count, "refused": list(throttle.GUESSABLE_METHODS)},
    )


def unlock_account(*, actor: Any, user: Any, source_ip: str | None = None) -> None:
    """A platform or security administrator ends a lock of ``user`` (the 15-minute one and the one
    after ``MAX_CONSECUTIVE_FAILURES``), after checking the person some other way (NIST SP 800-63B
    §5.2.2). Recorded as a ``succeeded`` attempt of method ``unlock``, which starts the counts again,
    and audited in the same transaction. Raises ``NOT_SECURITY_ADMIN`` (403) for anyone else,
    ``CANNOT_UNLOCK_SELF`` (403) for one's own account.
    """
    from zwfw.identity.staff import has_role

    if not (has_role(actor, StaffRole.PLATFORM_ADMIN) or has_role(actor, StaffRole.SECURITY_ADMIN)):
        raise PermissionDenied("NOT_SECURITY_ADMIN", "只有平台管理员或安全管理员可以解除账号锁定")
    if actor.pk == user.pk:
        raise PermissionDenied("CANNOT_UNLOCK_SELF", "不能解除自己账号的锁定，请联系其他管理员")
    with transaction.atomic():
        before = throttle.consecutive_failures(user=user, identifier_index=f"user:{user.pk}")
        LoginAttempt.objects.create(
            identifier_index=f"user:{user.pk}",
            user=user,
            source_ip=source_ip or None,
            method="unlock",
            succeeded=True,
            reason="unlocked_by_admin",
        )
        audit.record(
            actor=f"user:{actor.pk}",
            action=ACCOUNT_UNLOCK,
            object_type="account",
            object_id=f"user:{user.pk}",
            source_ip=source_ip,
            details={"consecutive_failures": before},
        )


def refuse_if_throttled(
    *, user: Any, index: str, method: str, source_ip: str | None, action: str = SIGN_IN
) -> None:
    if throttle.ip_blocked(source_ip=source_ip):
        record_attempt(
            user=user,
            index=index,
            method=method,
            succeeded=False,
            reason=throttle.IP_BLOCKED,
            result="denied",
            source_ip=source_ip,
            action=action,
        )
        raise SignInThrottled()
    lock = throttle.account_lock(user=user, identifier_index=index)
    if lock.until is not None or (lock.exhausted and method in throttle.GUESSABLE_METHODS):
        record_attempt(
            user=user,
            index=index,
            method=method,
            succeeded=False,
            reason=throttle.ACCOUNT_LOCKED if lock.until is not None else throttle.LOCKED_UNTIL_PROVEN,
            result="denied",
            source_ip=source_ip,
            action=action,
        )
        raise SignInLocked()


def _finish_first_factor(*, user: Any, index: str, method: str, source_ip: str | None) -> Outcome:
    """A first factor was right: either the sign-in succeeds, or a second factor is asked for."""
    if not second_factor_required(user):
        record_attempt(
            user=user,
            index=index,
            method=method,
            succeeded=True,
            reason="",
            result="success",
            source_ip=source_ip,
        )
        return Outcome(user=user, methods=[method])
    options = second_factors(user, [method])
    if not options:
        record_attempt(
            user=user,
            index=index,
            method=method,
            succeeded=False,
            reason="no_second_factor",
            result="denied",
            source_ip=source_ip,
        )
        raise SecondFactorMissing()
    record_attempt(
        user=user,
        index=index,
        method=method,
        succeeded=False,
        reason="second_factor_pending",
        result="success",
        source_ip=source_ip,
        details={"stage": "first_factor", "second_factors": options},
    )
    return Outcome(user=user, methods=[method], second_factors=options)


def password_sign_in(
    *, identifier: str, password: str, document_type: str = "", source_ip: str | None = None
) -> Outcome:
    """Check an identifier and password (Argon2id) under throttling; record the attempt either way."""
    index = identifier_index(identifier, document_type)
    user = find_account(identifier, document_type)
    refuse_if_throttled(user=user, index=index, method="pwd", source_ip=source_ip)
    password = password or ""
    if user is None or len(password) > MAX_PASSWORD_CHARS:
        # The same work as for a real account (an over-long password too: answering it at once for
        # a real account and after a hash for an unknown one would tell which is which).
        check_password(password[:MAX_PASSWORD_CHARS], _dummy_hash())
        ok = False
    else:
        ok = user.check_password(password)
    if not ok:
        record_attempt(
            user=user,
            index=index,
            method="pwd",
            succeeded=False,
            reason=throttle.BAD_PASSWORD,
            result="failure",
            source_ip=source_ip,
        )
        raise InvalidCredentials()
    return _finish_first_factor(user=user, index=index, method="pwd", source_ip=source_ip)


# ---------------------------------------------------------------------------------------------
# SMS codes
# ---------------------------------------------------------------------------------------------


def request_login_code(*, mobile: str, source_ip: str | None = None) -> None:
    """Send a sign-in code if a person has this mobile; say nothing about whether one does.

    Raises ``INVALID_MOBILE`` (400), ``SIGN_IN_THROTTLED`` (429) or, once the source address asked
    for ``throttle.CODE_REQUESTS_PER_ADDRESS`` codes within the hour (SMS pumping),
    ``MESSAGE_RATE_LIMITED`` (429), decided before the number is looked up so it tells nothing about
    it; a number that had too many codes lately gets no new one, with the same answer as any other.
    """
    mobile = normalise_mobile(mobile)
    index = identifier_index(mobile)
    if throttle.ip_blocked(source_ip=source_ip):
        raise SignInThrottled()
    if not throttle.allow_code_request(source_ip=source_ip, purpose="login"):
        audit.record(
            actor="anonymous",
            action="identity.sign_in_code",
            object_type="login_identifier",
            object_id=index,
            source_ip=source_ip,
            result="denied",
            details={"reason": "address_rate_limited"},
        )
        raise CodeRequestsThrottled()
    user = find_account(mobile)
    if user is None:
        audit.record(
            actor="anonymous",
            action="identity.sign_in_code",
            object_type="login_identifier",
            object_id=index,
            source_ip=source_ip,
            result="failure",
            details={"reason": "unknown_account"},
        )
        return
    try:
        with transaction.atomic():
            otp.issue_code(purpose="login", mobile=mobile)
            audit.record(
                actor="anonymous",
                action="identity.sign_in_code",
                object_type="account",
                object_id=f"user:{user.pk}",
                source_ip=source_ip,
            )
    except Throttled:
        # Too many codes to this number lately: nothing is sent, and the answer stays the one an
        # unknown number gets (a 429 here and never there would tell that the number has an account).
        audit.record(
            actor="anonymous",
            action="identity.sign_in_code",
            object_type="account",
            object_id=f"user:{user.pk}",
            source_ip=source_ip,
            result="denied",
            details={"reason": "rate_limited"},
        )


def code_sign_in(*, mobile: str, code: str, source_ip: str | None = None) -> Outcome:
    """Sign in with a mobile number and the SMS code sent to it (purpose ``login``)."""
    with contextlib.suppress(ValidationFailed):  # a malformed number is just a failed attempt
        mobile = normalise_mobile(mobile)
    index = identifier_index(mobile)
    user = find_account(mobile) if MOBILE_RE.match(mobile or "") else None
    refuse_if_throttled(user=user, index=index, method="sms", source_ip=source_ip)
    try:
        if user is None:
            raise otp.CodeRejected()
        otp.verify_code(purpose="login", mobile=mobile, code=code)
    except otp.CodeRejected:
        record_attempt(
            user=user,
            index=index,
            method="sms",
            succeeded=False,
            reason=throttle.BAD_CODE,
            result="failure",
            source_ip=source_ip,
        )
        raise
    return _finish_first_factor(user=user, index=index, method="sms", source_ip=source_ip)


# ---------------------------------------------------------------------------------------------
# Second factor
# ---------------------------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------------------------
# Step-up: a second factor during a session (the level it raises is zwfw.identity.sessions.step_up)
# ---------------------------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------------------------
# The half-finished sign-in kept in the (anonymous) session between the two factors
# ---------------------------------------------------------------------------------------------


def hold_for_second_factor(request: HttpRequest, outcome: Outcome, *, next_url: str) -> None:
    request.session.cycle_key()
    request.session[PENDING_KEY] = {
        "user": outcome.user.pk,
        "methods": outcome.methods,
        "until": time.time() + PENDING_SECONDS,
        "next": next_url,
    }


def pending_second_factor(request: HttpRequest) -> tuple[Any, list[str], str] | None:
    """(user, methods used so far, next URL) of a sign-in waiting for its second factor, or None."""
    pending = request.session.get(PENDING_KEY)
    if not pending or pending.get("until", 0) < time.time():
        request.session.pop(PENDING_KEY, None)
        return None
    user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
    if user is None:
        return None
    return user, list(pending["methods"]), pending.get("next", "")


def drop_pending(request: HttpRequest) -> None:
    request.session.pop(PENDING_KEY, None)


def safe_next(request: HttpRequest, value: str | None, default: str | None = None) -> str:
    """A same-site relative URL to go on to after signing in; anything else (another host, a scheme,
    ``//host``) gives the account page (or ``default``): no open redirect (OWASP Unvalidated Redirects)."""
    value = (value or "").strip()
    if (
        value.startswith("/")
        and not value.startswith(("//", "/\\"))
        and url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()}, require_https=False)
    ):
        return value
    if default is not None:
        return default
    try:
        return reverse("identity:account")
    except NoReverseMatch:
        return "/"
