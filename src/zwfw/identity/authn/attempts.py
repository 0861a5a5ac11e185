"""Attempts: each one recorded (a ``LoginAttempt`` row and an audit entry), refused while throttled
or locked, a lock ended by an administrator, and the password sign-in with what follows any first
factor."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction

from zwfw.core import audit
from zwfw.core.errors import PermissionDenied
from zwfw.identity import throttle
from zwfw.identity.authn.common import (
    ACCOUNT_LOCK,
    ACCOUNT_UNLOCK,
    MAX_PASSWORD_CHARS,
    SIGN_IN,
    InvalidCredentials,
    Outcome,
    SecondFactorMissing,
    SignInLocked,
    SignInThrottled,
)
from zwfw.identity.authn.identifiers import (
    find_account,
    identifier_index,
    second_factor_required,
    second_factors,
)
from zwfw.identity.models import LoginAttempt, StaffRole


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
