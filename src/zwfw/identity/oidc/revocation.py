"""Revocation list of JWT access tokens, kept in each process's memory.

A JWT access token is valid until it expires unless its ``jti`` is on this list. Revocation happens
whenever django-oauth-toolkit deletes an ``AccessToken`` row (RFC 7009 revocation endpoint,
refresh-token rotation and family revocation on reuse, RP-initiated logout, admin) and when a
person revokes a consent: the ``post_delete`` receiver writes a ``RevokedToken`` row and adds the
``jti`` to this process's set at once. Other processes pick the row up on their next refresh, at
most ``REFRESH_SECONDS`` later; between refreshes checking a token costs no database query.
"""

from __future__ import annotations

import datetime as dt
import random
import threading
import time
from typing import Any

from django.db.models.signals import post_delete

REFRESH_SECONDS = 3.0
# Rows written by another process are picked up when revoked_at >= last refresh - this margin
# (clocks of the web workers and commit delays).
_OVERLAP_SECONDS = 30.0
_PRUNE_CHANCE = 0.01

_lock = threading.Lock()
_revoked: dict[str, float] = {}  # jti -> exp (epoch seconds)


class _State:
    refreshed_at: float = 0.0
    loaded: bool = False


_state = _State()


def _remember(jti: str, exp: float) -> None:
    _revoked[jti] = exp


def is_revoked(jti: str, *, now: float | None = None) -> bool:
    """Is this ``jti`` revoked? Refreshes from the database at most every REFRESH_SECONDS."""
    moment = time.time() if now is None else now
    if not _fresh(moment):
        refresh(now=moment)
    return jti in _revoked


def _fresh(moment: float) -> bool:
    # A clock that went backwards (or a frozen clock in tests) counts as stale too.
    return _state.loaded and 0 <= moment - _state.refreshed_at < REFRESH_SECONDS


def refresh(*, now: float | None = None) -> None:
    """Load revocations written since the last refresh (all live ones the first time)."""
    from zwfw.identity.models import RevokedToken

    moment = time.time() if now is None else now
    with _lock:
        if _fresh(moment):
            return
        since = _state.refreshed_at - _OVERLAP_SECONDS
        live = RevokedToken.objects.filter(expires_at__gt=dt.datetime.fromtimestamp(moment, tz=dt.UTC))
        # Incremental unless this is the first load or the clock went backwards.
        if _state.loaded and moment >= _state.refreshed_at:
            live = live.filter(revoked_at__gte=dt.datetime.fromtimestamp(since, tz=dt.UTC))
        for jti, expires_at in live.values_list("jti", "expires_at"):
            _revoked[jti] = expires_at.timestamp()
        for jti in [j for j, exp in _revoked.items() if exp <= moment]:
            del _revoked[jti]
        _state.refreshed_at = moment
        _state.loaded = True


def reset() -> None:
    """Forget everything (tests that flush the database)."""
    with _lock:
        _revoked.clear()
        _state.refreshed_at = 0.0
        _state.loaded = False


def revoke_jwt(token: str) -> None:
    """Put one of this node's JWT access tokens on the list (no-op for other strings)."""
    from zwfw.identity.models import RevokedToken
    from zwfw.identity.oidc.tokens import unverified_claims

    claims = unverified_claims(token) or {}
    jti, exp = claims.get("jti"), claims.get("exp")
    if not isinstance(jti, str) or not isinstance(exp, int | float) or exp <= time.time():
        return
    _remember(jti, float(exp))
    # Now and then, drop rows of tokens that have expired anyway (they can never verify again).
    if random.random() < _PRUNE_CHANCE:
        prune()
    # One INSERT; a concurrent revocation of the same token may have written it first.
    RevokedToken.objects.bulk_create(
        [RevokedToken(jti=jti, expires_at=dt.datetime.fromtimestamp(exp, tz=dt.UTC))], ignore_conflicts=True
    )


def _on_access_token_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    token = getattr(instance, "token", "")
    if token:
        revoke_jwt(token)


def prune(*, now: dt.datetime | None = None) -> int:
    """Delete rows of tokens that have expired anyway; returns how many."""
    from django.utils import timezone

    from zwfw.identity.models import RevokedToken

    deleted, _ = RevokedToken.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted


def connect() -> None:
    """Hook DOT's access-token deletion (called from IdentityConfig.ready)."""
    from oauth2_provider.models import get_access_token_model

    post_delete.connect(
        _on_access_token_deleted,
        sender=get_access_token_model(),
        dispatch_uid="zwfw.identity.oidc.revocation",
    )
