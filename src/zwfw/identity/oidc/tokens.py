"""JWT access tokens (RFC 9068 "JWT Profile for OAuth 2.0 Access Tokens"), signed RS256.

django-oauth-toolkit calls ``generate_access_token`` (OAUTH2_PROVIDER["ACCESS_TOKEN_GENERATOR"])
with oauthlib's request for every grant; the token is then stored by DOT as usual, so revocation,
introspection and userinfo keep working, while this node's own API verifies the JWT locally
(``zwfw.identity.oidc.bearer``) without a database query.

Key objects are parsed once per process and per key set: a signing key is the PEM of
OAUTH2_PROVIDER["OIDC_RSA_PRIVATE_KEY"], the published ones add OIDC_RSA_PRIVATE_KEYS_INACTIVE,
and the ``kid`` is the RFC 7638 thumbprint, the same DOT publishes in its JWKS.
"""

from __future__ import annotations

import base64
import json
import time
import uuid
from functools import lru_cache
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from jwcrypto import jwk
from oauth2_provider.settings import oauth2_settings

from zwfw.identity.oidc.claims import AuthContext, subject_for_request

ACCESS_TOKEN_TYPE = "at+jwt"  # RFC 9068 §2.1
API_AUDIENCE_PATH = "/api/"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@lru_cache(maxsize=16)
def _load_key(pem: str) -> tuple[str, rsa.RSAPrivateKey]:
    private = serialization.load_pem_private_key(pem.encode("ascii"), password=None)
    if not isinstance(private, rsa.RSAPrivateKey):
        raise TypeError("OIDC signing keys must be RSA")
    kid = jwk.JWK.from_pem(pem.encode("ascii")).thumbprint()
    return kid, private


def key_id(pem: str) -> str:
    """The ``kid`` of a key: its RFC 7638 thumbprint (parsed once per process)."""
    return _load_key(pem)[0]


def signing_key() -> tuple[str, rsa.RSAPrivateKey]:
    """(kid, private key) of the active key."""
    return _load_key(oauth2_settings.OIDC_RSA_PRIVATE_KEY)


@lru_cache(maxsize=16)
def _public_keys(pems: tuple[str, ...]) -> dict[str, rsa.RSAPublicKey]:
    found = {}
    for pem in pems:
        kid, private = _load_key(pem)
        found[kid] = private.public_key()
    return found


def published_keys() -> dict[str, rsa.RSAPublicKey]:
    """kid -> public key of every key in the JWKS (active and still-published older ones)."""
    return _public_keys(
        (oauth2_settings.OIDC_RSA_PRIVATE_KEY, *oauth2_settings.OIDC_RSA_PRIVATE_KEYS_INACTIVE)
    )


def sign(claims: dict[str, Any], *, typ: str) -> str:
    """A compact JWS (RS256, RFC 7515) of ``claims`` under the active key."""
    kid, private = signing_key()
    header = b64url(json.dumps({"alg": "RS256", "typ": typ, "kid": kid}, separators=(",", ":")).encode())
    payload = b64url(json.dumps(claims, separators=(",", ":"), ensure_ascii=False, default=str).encode())
    signing_input = f"{header}.{payload}".encode("ascii")
    signature = private.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
    return f"{header}.{payload}.{b64url(signature)}"


def unverified_claims(token: str) -> dict[str, Any] | None:
    """The payload of a JWT this node issued and stored (no verification: for our own rows only)."""
    try:
        data = json.loads(b64url_decode(token.split(".")[1]))
    except (IndexError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def api_audience(issuer: str) -> str:
    """The resource identifier of this node's JSON API (the default ``aud`` of access tokens)."""
    return issuer.rstrip("/") + API_AUDIENCE_PATH


def auth_context(request: Any) -> AuthContext | None:
    """How the user signed in for this grant: from the authorization code, or, on a refresh,
    from the access token being replaced (its JWT carries the context forward)."""
    cached = getattr(request, "zwfw_auth_context", None)
    if cached is not None:
        return cached
    context = None
    claims = getattr(request, "claims", None)
    if isinstance(claims, dict) and "zwfw" in claims:
        context = AuthContext.from_dict(claims["zwfw"])
    if context is None:
        context = AuthContext.from_dict(getattr(request, "zwfw_context", None))
    if context is None:
        refresh = getattr(request, "refresh_token_instance", None)
        previous = getattr(refresh, "access_token", None) if refresh is not None else None
        if previous is not None:
            payload = unverified_claims(previous.token) or {}
            context = AuthContext.from_dict(payload.get("zwfw_ctx"))
    if context is None:
        previous = getattr(request, "access_token", None)  # userinfo: the presented token's row
        token_text = getattr(previous, "token", None)
        if isinstance(token_text, str):
            context = AuthContext.from_dict((unverified_claims(token_text) or {}).get("zwfw_ctx"))
    if context is not None:
        request.zwfw_auth_context = context
    return context


def generate_access_token(request: Any) -> str:
    """RFC 9068 access token: iss, sub, aud, client_id, scope, exp, iat, jti (+ acr, amr, auth_time)."""
    issuer = oauth2_settings.oidc_issuer(request)
    now = int(time.time())
    client = request.client
    expires_in = getattr(request, "expires_in", None) or oauth2_settings.ACCESS_TOKEN_EXPIRE_SECONDS
    resources = [r for r in (getattr(request, "resource", None) or []) if isinstance(r, str)]
    claims: dict[str, Any] = {
        "iss": issuer,
        "aud": resources or [api_audience(issuer)],
        "client_id": client.client_id,
        "scope": " ".join(request.scopes or []),
        "iat": now,
        "exp": now + int(expires_in),
        "jti": uuid.uuid4().hex,
    }
    user = getattr(request, "user", None)
    if (
        user is not None
        and getattr(user, "pk", None) is not None
        and request.grant_type != "client_credentials"
    ):
        claims["sub"] = subject_for_request(request)
        context = auth_context(request)
        if context is not None:
            claims["acr"] = str(context.acr)
            claims["amr"] = context.amr
            claims["auth_time"] = context.auth_time
            claims["zwfw_ctx"] = context.as_dict()
    else:
        # RFC 9068 §2.2: with no resource owner, sub is the client's own identifier.
        claims["sub"] = client.client_id
    return sign(claims, typ=ACCESS_TOKEN_TYPE)
