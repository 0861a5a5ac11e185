"""OpenID Connect Back-Channel Logout 1.0 (provider side): tell relying parties a person signed out.

When a person's session ends here, every client that registered a ``backchannel_logout_uri``
(ClientProfile) and holds a live consent of that person gets a signed ``logout_token`` (§2.4:
iss, aud, iat, exp, jti, sub, events; never a nonce) POSTed to that URI (§2.5), so a node that
signed the person in through this provider ends its own session too. Delivery is best effort with
a short timeout: a relying party that is down keeps its session until its own timeout, as the
specification allows (§2.8); every attempt is audited.
"""

from __future__ import annotations

import logging
import time
import uuid
from typing import Any

import requests

from zwfw.core import audit
from zwfw.core.models import AuditResult
from zwfw.identity.models import Consent
from zwfw.identity.oidc.claims import subject_for
from zwfw.identity.oidc.tokens import sign

BACKCHANNEL_LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout"
LOGOUT_TOKEN_TYPE = "logout+jwt"  # §2.4 (recommended explicit typing)
LOGOUT_TOKEN_SECONDS = 120
DELIVERY_TIMEOUT_SECONDS = 3.0

log = logging.getLogger(__name__)


def logout_token(*, issuer: str, user: Any, application: Any) -> str:
    now = int(time.time())
    claims = {
        "iss": issuer,
        "aud": application.client_id,
        "iat": now,
        "exp": now + LOGOUT_TOKEN_SECONDS,
        "jti": uuid.uuid4().hex,
        "sub": subject_for(user, application),
        "events": {BACKCHANNEL_LOGOUT_EVENT: {}},
    }
    return sign(claims, typ=LOGOUT_TOKEN_TYPE)


def pending_logouts(*, issuer: str, user: Any) -> list[tuple[str, str, str]]:
    """(client_id, backchannel_logout_uri, logout_token) for every client to notify."""
    consents = (
        Consent.objects.filter(user=user, revoked_at__isnull=True)
        .exclude(application__zwfw_profile__backchannel_logout_uri="")
        .select_related("application", "application__zwfw_profile")
    )
    return [
        (
            consent.application.client_id,
            consent.application.zwfw_profile.backchannel_logout_uri,
            logout_token(issuer=issuer, user=user, application=consent.application),
        )
        for consent in consents
    ]


def notify_logout(*, issuer: str, user: Any, source_ip: str | None = None) -> int:
    """POST a logout token to each relying party of ``user``; returns how many accepted it (2xx)."""
    delivered = 0
    for client_id, uri, token in pending_logouts(issuer=issuer, user=user):
        try:
            response = requests.post(
                uri,
                data={"logout_token": token},
                timeout=DELIVERY_TIMEOUT_SECONDS,
                headers={"Cache-Control": "no-store"},
                allow_redirects=False,
            )
            ok = 200 <= response.status_code < 300
            detail = str(response.status_code)
        except requests.RequestException as exc:
            ok, detail = False, type(exc).__name__
        delivered += ok
        if not ok:
            log.warning("back-channel logout to %s failed: %s", client_id, detail)
        audit.record(
            actor=f"user:{user.pk}",
            action="identity.backchannel_logout",
            object_type="oidc_client",
            object_id=client_id,
            source_ip=source_ip,
            result=AuditResult.SUCCESS if ok else AuditResult.FAILURE,
            details={"status": detail},
        )
    return delivered
