"""A signed-in browser session: who, by which methods (``amr``), at which level (``acr``), for whom.

The keys below are the contract between sign-in (zwfw.identity.authn), the session policy
middleware, the OpenID Connect provider (acr/amr/auth_time claims, step-up) and the pages that
let a person act for an enterprise or a ward.

Session level: a session never exceeds the account's assurance level. One factor (a password or
an SMS code alone) caps it at 3; two factors, or a passkey with user verification, give the
account's full level. Step-up (a second factor during the session) raises it to the account's
level for ``settings.ZWFW_STEP_UP_SECONDS``, then it falls back.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import login, logout
from django.http import HttpRequest
from django.utils import timezone

from zwfw.core import audit
from zwfw.core.masking import mask_text

AMR = "zwfw.amr"
AUTH_TIME = "zwfw.auth_time"
STARTED_AT = "zwfw.started_at"
LAST_SEEN_AT = "zwfw.last_seen_at"
# Whether the staff idle timeout applies, decided at sign-in (the middleware then needs no query).
STAFF_POLICY = "zwfw.staff_policy"
STEP_UP = "zwfw.step_up"
ACTING_FOR = "zwfw.acting_for"

# RFC 8176 authentication method reference values used here.
MULTI_FACTOR_METHODS = {"otp", "sms", "hwk", "swk"}
SINGLE_FACTOR_CAP = 3


def client_ip(request: HttpRequest) -> str | None:
    # REMOTE_ADDR only: a proxy's X-Forwarded-For is trusted only when the deployment sets it up.
    return request.META.get("REMOTE_ADDR") or None


def account_level(user: Any) -> int:
    """The assurance level of the account behind a user (staff: 3, they are vetted by their department)."""
    person = getattr(user, "person", None) if user is not None else None
    if person is not None:
        return int(person.assurance_level)
    if getattr(user, "is_authenticated", False):
        return 3
    return 0


def is_multi_factor(methods: list[str]) -> bool:
    return "hwk" in methods or "swk" in methods or len(set(methods)) >= 2 or "mfa" in methods


def level_of(user: Any, methods: list[str], step_up: dict | None, now: float) -> int:
    full = account_level(user)
    if step_up and step_up.get("until", 0) > now:
        return min(full, int(step_up.get("level", 0)) or full)
    if is_multi_factor(methods):
        return full
    return min(full, SINGLE_FACTOR_CAP)


def session_level(request: HttpRequest) -> int:
    """The acr of this session right now (0 when nobody is signed in)."""
    if not request.user.is_authenticated:
        return 0
    return level_of(request.user, session_methods(request), request.session.get(STEP_UP), time.time())


def session_methods(request: HttpRequest) -> list[str]:
    methods = list(request.session.get(AMR, []))
    step_up = request.session.get(STEP_UP)
    if step_up and step_up.get("until", 0) > time.time():
        methods += [m for m in step_up.get("methods", []) if m not in methods]
    if is_multi_factor(methods) and "mfa" not in methods:
        methods.append("mfa")
    return methods


def auth_time(request: HttpRequest) -> int | None:
    value = request.session.get(AUTH_TIME)
    return int(value) if value else None


def sign_in(request: HttpRequest, user: Any, *, methods: list[str]) -> None:
    """Start a session for ``user`` authenticated by ``methods`` (RFC 8176 values), and record it.

    Always rotates the session key, so a fixated session id is worthless. Django's ``login`` keeps
    the key when the same user signs in again on a signed-in session: rotate it here too, and end
    the record of the session this one replaces.
    """
    from zwfw.identity.models import AccountSession

    previous_key = request.session.session_key
    login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
    if previous_key and request.session.session_key == previous_key:
        request.session.cycle_key()
    if previous_key:
        AccountSession.objects.filter(session_key=previous_key, ended_at__isnull=True).update(
            ended_at=timezone.now(), end_reason="replaced"
        )
    now = time.time()
    request.session[AMR] = sorted(set(methods))
    request.session[AUTH_TIME] = int(now)
    request.session[STARTED_AT] = now
    request.session[LAST_SEEN_AT] = now
    request.session[STAFF_POLICY] = bool(user.is_staff or hasattr(user, "staff"))
    request.session.pop(STEP_UP, None)
    request.session.pop(ACTING_FOR, None)
    if request.session.session_key is None:
        # login() flushed a session of another user: store it now, the record below needs its key.
        # Otherwise login() has stored it under a new key already, and SessionMiddleware saves these
        # values with the response (once, instead of here and again there).
        request.session.save()
    assert request.session.session_key is not None
    AccountSession.objects.create(
        user=user,
        session_key=request.session.session_key,
        methods=sorted(set(methods)),
        source_ip=client_ip(request),
        user_agent=mask_text(request.META.get("HTTP_USER_AGENT", ""))[:300],
        last_seen_at=timezone.now(),
    )


def step_up(request: HttpRequest, *, method: str) -> int:
    """A second factor was verified during the session: raise it to the account's level for a while."""
    until = time.time() + settings.ZWFW_STEP_UP_SECONDS
    level = account_level(request.user)
    request.session[STEP_UP] = {"level": level, "until": until, "methods": [method]}
    request.session[AUTH_TIME] = int(time.time())
    return level


def sign_out(request: HttpRequest, *, reason: str = "logout") -> None:
    from zwfw.identity.models import AccountSession

    key = request.session.session_key
    user = request.user if request.user.is_authenticated else None
    if key:
        AccountSession.objects.filter(session_key=key, ended_at__isnull=True).update(
            ended_at=timezone.now(), end_reason=reason
        )
    if user is not None:
        audit.record(
            actor=f"user:{user.pk}",
            action="identity.sign_out",
            object_type="account_session",
            object_id=key or "-",
            source_ip=client_ip(request),
            details={"reason": reason},
        )
    logout(request)


@dataclass(frozen=True)
class Principal:
    """On whose behalf the signed-in person acts: themself, an enterprise, or a ward."""

    kind: str  # "self" | "enterprise" | "ward"
    public_id: str
    name: str

    @property
    def audit_label(self) -> str:
        return "" if self.kind == "self" else f"{self.kind}:{self.public_id}"


def acting_for(request: HttpRequest) -> dict | None:
    """The raw session record of whom the user acts for (None: themself). Validated on every use by
    ``zwfw.identity.agents.current_principal`` (a revoked or expired grant stops at once)."""
    return request.session.get(ACTING_FOR)
