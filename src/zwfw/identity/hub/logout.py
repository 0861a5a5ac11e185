"""Logout with the hub: RP-Initiated Logout 1.0 (this node sends the browser to the hub) and
Back-Channel Logout 1.0 (the hub tells this node that a person signed out there)."""

from __future__ import annotations

from importlib import import_module
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone
from joserfc import jwt
from joserfc.errors import JoseError

from zwfw.core import audit
from zwfw.identity.hub.login import ID_TOKEN, ISSUER, SID, SUBJECT, signed_out_uri
from zwfw.identity.hub.provider import (
    LEEWAY_SECONDS,
    HubLoginError,
    decode_jwt,
    hub_enabled,
    provider_metadata,
)
from zwfw.identity.models import AccountSession, HubLink

# OpenID Connect Back-Channel Logout 1.0 §2.4: the event a logout token carries.
BACKCHANNEL_LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout"


def hub_logout_url(request: HttpRequest) -> str | None:
    """Where to send the browser after the local sign-out so the hub session ends too (RP-Initiated
    Logout 1.0 §2), or None when this session did not come from the hub. Call before ``sign_out``."""
    id_token = request.session.get(ID_TOKEN)
    if not id_token or not hub_enabled():
        return None
    try:
        endpoint = provider_metadata().get("end_session_endpoint")
    except HubLoginError:
        return None
    if not isinstance(endpoint, str) or not endpoint:
        return None
    query = urlencode(
        {
            "id_token_hint": id_token,
            "client_id": settings.HUB_CLIENT_ID,
            "post_logout_redirect_uri": signed_out_uri(request),
        }
    )
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"


def receive_backchannel_logout(*, logout_token: str) -> int:
    """OpenID Connect Back-Channel Logout 1.0 §2.6: validate the hub's logout token, then end this
    node's hub sessions of its subject (those of its ``sid`` only, when it names one). A token naming
    only a ``sid`` is refused: sessions are found through the subject's link.

    Returns how many sessions ended. Raises ``HubLoginError`` for a token that does not validate.
    """
    metadata = provider_metadata()
    token = decode_jwt(logout_token, metadata)
    claims = token.claims
    registry = jwt.JWTClaimsRegistry(
        leeway=LEEWAY_SECONDS,
        iss={"essential": True, "value": metadata["issuer"]},
        aud={"essential": True, "value": settings.HUB_CLIENT_ID},
        iat={"essential": True},
        jti={"essential": True},
    )
    try:
        registry.validate(claims)
    except JoseError as exc:
        raise HubLoginError("HUB_BAD_TOKEN", "登出令牌无效", details={"claim": exc.error}) from exc
    events = claims.get("events")
    subject, sid = claims.get("sub"), claims.get("sid")
    if (
        not isinstance(events, dict)
        or not isinstance(events.get(BACKCHANNEL_LOGOUT_EVENT), dict)
        or "nonce" in claims  # §2.4: a logout token never carries a nonce (it is not an ID token)
        # §2.4 allows sid alone; this hub always names the subject, and sessions are found by it.
        or not (isinstance(subject, str) and subject)
        or (sid is not None and not isinstance(sid, str))
    ):
        raise HubLoginError("HUB_BAD_TOKEN", "登出令牌无效", details={"claim": "events"})
    # §2.6 item 8: a logout token is used once.
    if not cache.add(f"zwfw.hub.logout-jti:{claims['jti']}", 1, 2 * LEEWAY_SECONDS + 600):
        raise HubLoginError("HUB_BAD_TOKEN", "登出令牌已被使用", details={"claim": "jti"})
    return _end_hub_sessions(issuer=metadata["issuer"], subject=subject, sid=sid or None)


def _end_hub_sessions(*, issuer: str, subject: str, sid: str | None) -> int:
    store: type[SessionBase] = import_module(settings.SESSION_ENGINE).SessionStore
    users = HubLink.objects.filter(issuer=issuer, subject=subject).values_list("user_id", flat=True)
    ended = 0
    for row in AccountSession.objects.filter(user_id__in=list(users), ended_at__isnull=True):
        session = store(session_key=row.session_key)
        data = session.load()
        if data.get(ISSUER) != issuer or data.get(SUBJECT) != subject:
            continue  # signed in here by other means: not the hub's to end
        if sid and data.get(SID) != sid:
            continue
        session.delete(row.session_key)
        row.ended_at = timezone.now()
        row.end_reason = "hub_logout"
        row.save(update_fields=["ended_at", "end_reason"])
        audit.record(
            actor="hub",
            action="identity.sign_out",
            object_type="account_session",
            object_id=str(row.public_id),
            details={"reason": "hub_backchannel_logout", "issuer": issuer},
        )
        ended += 1
    return ended
