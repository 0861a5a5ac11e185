"""Local verification of this node's JWT access tokens (RFC 9068 §4, RFC 6750 bearer usage).

Validation touches no database: the signature is checked against the published keys (parsed once
per process), then ``typ``, ``exp``, ``iss``, ``aud`` and the in-memory revocation list
(``zwfw.identity.oidc.revocation``). Mapping the verified ``sub`` to a user is identity
resolution, one indexed query (``claims.user_for_subject``), done only when a caller needs the user.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from django.conf import settings
from django.http import HttpRequest

from zwfw.identity.oidc import revocation
from zwfw.identity.oidc.tokens import ACCESS_TOKEN_TYPE, api_audience, b64url_decode, published_keys

_LEEWAY_SECONDS = 5
_MAX_TOKEN_LENGTH = 8192
_PKCS1 = padding.PKCS1v15()
_SHA256 = hashes.SHA256()
_UNSET: Any = object()


@dataclass(frozen=True)
class VerifiedToken:
    """The claims of an access token that passed every check."""

    claims: dict[str, Any]

    @property
    def sub(self) -> str:
        return str(self.claims["sub"])

    @property
    def client_id(self) -> str:
        return str(self.claims.get("client_id", ""))

    @property
    def scopes(self) -> set[str]:
        return set(str(self.claims.get("scope", "")).split())

    @property
    def has_user(self) -> bool:
        """False for client-credentials tokens (RFC 9068 §2.2: sub is then the client id)."""
        return self.sub != self.client_id


def issuer_of(request: HttpRequest) -> str:
    """The issuer this node answers as: settings.BASE_URL, else the request's own origin."""
    base = settings.BASE_URL
    if base:
        return base
    return f"{request.scheme}://{request.get_host()}"


def verify(token: str, *, issuer: str, audience: str, now: float | None = None) -> VerifiedToken | None:
    """The verified claims, or None for any token this node must not accept."""
    if not token or len(token) > _MAX_TOKEN_LENGTH:
        return None
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        header = json.loads(b64url_decode(parts[0]))
        if (
            not isinstance(header, dict)
            or header.get("alg") != "RS256"
            or header.get("typ") != ACCESS_TOKEN_TYPE
        ):
            return None
        key = published_keys().get(str(header.get("kid")))
        if key is None:
            return None
        key.verify(b64url_decode(parts[2]), f"{parts[0]}.{parts[1]}".encode("ascii"), _PKCS1, _SHA256)
        claims = json.loads(b64url_decode(parts[1]))
    except (InvalidSignature, ValueError, TypeError, UnicodeError):
        return None
    if not isinstance(claims, dict):
        return None
    moment = time.time() if now is None else now
    exp, iat, jti, sub = claims.get("exp"), claims.get("iat"), claims.get("jti"), claims.get("sub")
    if not isinstance(exp, int) or exp + _LEEWAY_SECONDS <= moment:
        return None
    if isinstance(iat, int) and iat - _LEEWAY_SECONDS > moment:
        return None
    if claims.get("iss") != issuer or not isinstance(jti, str) or not isinstance(sub, str):
        return None
    aud = claims.get("aud")
    audiences = aud if isinstance(aud, list) else [aud]
    if audience not in audiences:
        return None
    if revocation.is_revoked(jti, now=moment):
        return None
    return VerifiedToken(claims=claims)


def bearer_token(request: HttpRequest) -> str | None:
    """The token of an ``Authorization: Bearer`` header (RFC 6750 §2.1), or None."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def verify_request(request: HttpRequest) -> VerifiedToken | None:
    """Verify the bearer token of a request to this node's API (cached on the request)."""
    cached = getattr(request, "_zwfw_bearer", _UNSET)
    if cached is not _UNSET:
        return cached
    token = bearer_token(request)
    verified = None
    if token is not None:
        issuer = issuer_of(request)
        verified = verify(token, issuer=issuer, audience=api_audience(issuer))
    request._zwfw_bearer = verified  # type: ignore[attr-defined]
    return verified
