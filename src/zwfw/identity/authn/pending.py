"""The half-finished sign-in kept in the (anonymous) session between the two factors, and the
same-site URL to go on to once signed in."""

from __future__ import annotations

import time
from typing import Any

from django.contrib.auth import get_user_model
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme

from zwfw.identity.authn.common import PENDING_KEY, PENDING_SECONDS, Outcome


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
