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
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.utils import timezone

from zwfw.identity.models import LoginAttempt

ACCOUNT_MAX_FAILURES = 5
ACCOUNT_WINDOW = dt.timedelta(minutes=15)
ACCOUNT_LOCK = dt.timedelta(minutes=15)
IP_MAX_FAILURES = 20
IP_WINDOW = dt.timedelta(minutes=15)

# Reasons of failed attempts that count towards a lock (a credential was tried and was wrong).
BAD_PASSWORD = "bad_password"
BAD_CODE = "bad_code"
BAD_PASSKEY = "bad_passkey"
COUNTED_FAILURES = (BAD_PASSWORD, BAD_CODE, BAD_PASSKEY)
# Reasons of refused attempts (not counted).
ACCOUNT_LOCKED = "locked"
IP_BLOCKED = "ip_blocked"
# A source address is judged by its wrong credentials and its tries on locked accounts.
COUNTED_FOR_ADDRESS = (*COUNTED_FAILURES, ACCOUNT_LOCKED)


def _account_filter(*, user: Any, identifier_index: str) -> Q:
    if user is not None:
        return Q(user=user)
    return Q(user__isnull=True, identifier_index=identifier_index)


def account_locked_until(
    *, user: Any, identifier_index: str, now: dt.datetime | None = None
) -> dt.datetime | None:
    """When the lock of this account (or unknown identifier) ends, or None when it is not locked.

    The lock starts at the failure that made ``ACCOUNT_MAX_FAILURES`` within ``ACCOUNT_WINDOW``
    and lasts ``ACCOUNT_LOCK`` from there.
    """
    now = now or timezone.now()
    who = _account_filter(user=user, identifier_index=identifier_index)
    horizon = now - ACCOUNT_WINDOW - ACCOUNT_LOCK
    last_success = (
        LoginAttempt.objects.filter(who, succeeded=True, occurred_at__gt=horizon)
        .order_by("-occurred_at")
        .values_list("occurred_at", flat=True)
        .first()
    )
    failures = LoginAttempt.objects.filter(
        who, succeeded=False, reason__in=COUNTED_FAILURES, occurred_at__gt=last_success or horizon
    )
    times = list(failures.order_by("-occurred_at").values_list("occurred_at", flat=True)[:50])
    # Newest first: the newest failure that closes a run of MAX failures within the window starts the lock.
    for i in range(len(times) - ACCOUNT_MAX_FAILURES + 1):
        if times[i] - times[i + ACCOUNT_MAX_FAILURES - 1] <= ACCOUNT_WINDOW:
            until = times[i] + ACCOUNT_LOCK
            return until if until > now else None
    return None


def ip_blocked(*, source_ip: str | None, now: dt.datetime | None = None) -> bool:
    """Whether this source address made too many failed attempts lately (no address: never blocked)."""
    if not source_ip:
        return False
    now = now or timezone.now()
    failures = LoginAttempt.objects.filter(
        source_ip=source_ip, succeeded=False, reason__in=COUNTED_FOR_ADDRESS, occurred_at__gt=now - IP_WINDOW
    )
    return failures.count() >= IP_MAX_FAILURES
