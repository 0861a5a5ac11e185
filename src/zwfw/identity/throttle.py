"""Throttling and lockout of sign-in attempts, per account and per source address.

Counted from ``LoginAttempt`` rows (never per-process memory), so every web worker of a node
sees the same counts. OWASP Authentication Cheat Sheet ("Account lockout", "generic error
messages") and NIST SP 800-63B §5.2.2 (rate limiting):

- an account (or an identifier that matches no account: the same rule, so a lock reveals nothing
  about whether the account exists) is locked for ``ACCOUNT_LOCK`` after ``ACCOUNT_MAX_FAILURES``
  wrong passwords or codes within ``ACCOUNT_WINDOW``; a successful sign-in starts the count again;
- a source address is blocked while it has made ``IP_MAX_FAILURES`` failed attempts (on any
  accounts) within ``IP_WINDOW``.

Refused attempts (locked, blocked) are recorded too but do not count, so a lock ends on time even
while someone keeps trying.

NIST SP 800-63B §5.2.2 also caps *consecutive* failures on one account at 100, since the 15-minute
lock alone lets a password or TOTP code be guessed slowly forever. After ``MAX_CONSECUTIVE_FAILURES``
wrong passwords, codes or passkeys (every method that verifies a secret of the account, step-up
included) since the account's last successful sign-in, password and TOTP checks are refused with
the same generic locked message (reason ``LOCKED_UNTIL_PROVEN``) until the person proves possession
of another authenticator:

- a successful sign-in that completes on its own with an SMS code to the account's own mobile (a
  citizen without TOTP) or with a passkey: its ``succeeded`` row ends the run of failures. SMS codes
  and passkeys stay usable during this lock (SMS codes are short-lived, single-use, few tries each
  and rate-limited per mobile; passkeys cannot be guessed);
- otherwise (staff, who always need a second factor, and citizens who enabled TOTP) a platform or
  security administrator's ``zwfw.identity.authn.unlock_account`` (audited), which records a
  ``succeeded`` row of method ``unlock``.

The same rule holds for identifiers that match no account, so the lock reveals nothing.

SMS pumping (OWASP "SMS pumping"/toll fraud): besides the per-mobile limits of notifications, a
source address gets ``CODE_REQUESTS_PER_ADDRESS`` SMS codes per purpose within
``CODE_REQUEST_WINDOW`` (``allow_code_request``), counted from ``LoginAttempt`` rows of method
``sms_request`` so the limit holds across worker processes; refused requests are recorded but not
counted. The count
costs nothing extra: the query that lists recent failures for the 15-minute lock lists up to 100
failures since the last success instead (index ``identity_attempt_user_idx``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone

from zwfw.identity.models import LoginAttempt

ACCOUNT_MAX_FAILURES = 5
ACCOUNT_WINDOW = dt.timedelta(minutes=15)
ACCOUNT_LOCK = dt.timedelta(minutes=15)
IP_MAX_FAILURES = 20
IP_WINDOW = dt.timedelta(minutes=15)
MAX_CONSECUTIVE_FAILURES = 100  # NIST SP 800-63B §5.2.2
CODE_REQUESTS_PER_ADDRESS = 20
CODE_REQUEST_WINDOW = dt.timedelta(hours=1)
CODE_REQUEST = "sms_request"  # LoginAttempt.method of an SMS-code request (never a sign-in)
CODE_REQUESTED = "code_requested"
CODE_REQUEST_REFUSED = "code_refused"

# Reasons of failed attempts that count towards a lock (a credential was tried and was wrong).
BAD_PASSWORD = "bad_password"
BAD_CODE = "bad_code"
BAD_PASSKEY = "bad_passkey"
COUNTED_FAILURES = (BAD_PASSWORD, BAD_CODE, BAD_PASSKEY)
# Reasons of refused attempts (not counted).
ACCOUNT_LOCKED = "locked"
LOCKED_UNTIL_PROVEN = "locked_until_proven"
# Methods refused while an account is locked until proven (SMS codes and passkeys stay usable).
GUESSABLE_METHODS = ("pwd", "otp")
IP_BLOCKED = "ip_blocked"
# A source address is judged by its wrong credentials and its tries on locked accounts.
COUNTED_FOR_ADDRESS = (*COUNTED_FAILURES, ACCOUNT_LOCKED, LOCKED_UNTIL_PROVEN)


def _account_filter(*, user: Any, identifier_index: str) -> Q:
    if user is not None:
        return Q(user=user)
    return Q(user__isnull=True, identifier_index=identifier_index)


@dataclass(frozen=True)
class AccountLock:
    """``until``: end of the 15-minute lock (or None); ``exhausted``: 100 consecutive failures."""

    until: dt.datetime | None
    exhausted: bool


def account_lock(*, user: Any, identifier_index: str, now: dt.datetime | None = None) -> AccountLock:
    """The lock state of this account (or unknown identifier), from two indexed queries.

    The 15-minute lock starts at the failure that made ``ACCOUNT_MAX_FAILURES`` within
    ``ACCOUNT_WINDOW`` and lasts ``ACCOUNT_LOCK`` from there; ``exhausted`` is true once
    ``MAX_CONSECUTIVE_FAILURES`` counted failures followed the last successful sign-in.
    """
    now = now or timezone.now()
    who = _account_filter(user=user, identifier_index=identifier_index)
    last_success = (
        LoginAttempt.objects.filter(who, succeeded=True)
        .order_by("-occurred_at")
        .values_list("occurred_at", flat=True)
        .first()
    )
    failures = LoginAttempt.objects.filter(who, succeeded=False, reason__in=COUNTED_FAILURES)
    if last_success is not None:
        failures = failures.filter(occurred_at__gt=last_success)
    times = list(
        failures.order_by("-occurred_at").values_list("occurred_at", flat=True)[:MAX_CONSECUTIVE_FAILURES]
    )
    exhausted = len(times) >= MAX_CONSECUTIVE_FAILURES
    horizon = now - ACCOUNT_WINDOW - ACCOUNT_LOCK
    recent = [t for t in times if t > horizon]
    # Newest first: the newest failure that closes a run of MAX failures within the window starts the lock.
    for i in range(len(recent) - ACCOUNT_MAX_FAILURES + 1):
        if recent[i] - recent[i + ACCOUNT_MAX_FAILURES - 1] <= ACCOUNT_WINDOW:
            until = recent[i] + ACCOUNT_LOCK
            return AccountLock(until=until if until > now else None, exhausted=exhausted)
    return AccountLock(until=None, exhausted=exhausted)


def account_locked_until(
    *, user: Any, identifier_index: str, now: dt.datetime | None = None
) -> dt.datetime | None:
    """When the 15-minute lock of this account (or unknown identifier) ends, or None."""
    return account_lock(user=user, identifier_index=identifier_index, now=now).until


def consecutive_failures(*, user: Any, identifier_index: str) -> int:
    """Counted failures since the last successful sign-in (at most ``MAX_CONSECUTIVE_FAILURES + 1``)."""
    who = _account_filter(user=user, identifier_index=identifier_index)
    last_success = (
        LoginAttempt.objects.filter(who, succeeded=True)
        .order_by("-occurred_at")
        .values_list("occurred_at", flat=True)
        .first()
    )
    failures = LoginAttempt.objects.filter(who, succeeded=False, reason__in=COUNTED_FAILURES)
    if last_success is not None:
        failures = failures.filter(occurred_at__gt=last_success)
    return len(failures.values_list("pk", flat=True)[: MAX_CONSECUTIVE_FAILURES + 1])


def ip_blocked(*, source_ip: str | None, now: dt.datetime | None = None) -> bool:
    """Whether this source address made too many failed attempts lately (no address: never blocked)."""
    if not source_ip:
        return False
    now = now or timezone.now()
    failures = LoginAttempt.objects.filter(
        source_ip=source_ip, succeeded=False, reason__in=COUNTED_FOR_ADDRESS, occurred_at__gt=now - IP_WINDOW
    )
    return failures.count() >= IP_MAX_FAILURES


def allow_code_request(*, source_ip: str | None, purpose: str, now: dt.datetime | None = None) -> bool:
    """Record one SMS-code request of ``purpose`` from this address; whether it is within the allowance.

    The row is written first and the count taken after (rows up to this one), so two worker
    processes answering at once cannot both send the 21st code. No address (a test client, a
    command): no limit.
    """
    if not source_ip:
        return True
    now = now or timezone.now()
    index = f"{CODE_REQUEST}:{purpose}"
    row = LoginAttempt.objects.create(
        identifier_index=index,
        source_ip=source_ip,
        method=CODE_REQUEST,
        succeeded=False,
        reason=CODE_REQUESTED,
    )
    sent = LoginAttempt.objects.filter(
        source_ip=source_ip,
        occurred_at__gt=now - CODE_REQUEST_WINDOW,
        method=CODE_REQUEST,
        identifier_index=index,
        reason=CODE_REQUESTED,
        pk__lte=row.pk,
    ).count()
    if sent <= CODE_REQUESTS_PER_ADDRESS:
        return True
    LoginAttempt.objects.filter(pk=row.pk).update(reason=CODE_REQUEST_REFUSED)
    return False
