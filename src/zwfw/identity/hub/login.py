"""Start and complete a sign-in through the hub: OpenID Connect Core 1.0 §3.1, authorization code flow.

PKCE S256 (RFC 7636), ``state`` bound to this browser's session (RFC 6749 §10.12), ``nonce`` (Core
§15.5.2), the ``iss`` authorization response parameter (RFC 9207), ID token validation (Core
§3.1.3.7, ``at_hash`` §3.1.3.8), userinfo about the same subject (Core §5.3.2).
"""

from __future__ import annotations

import base64
import hashlib
import time
from typing import Any

import requests
from authlib.common.security import generate_token
from authlib.integrations.base_client import OAuthError
from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from joserfc import jwt
from joserfc.errors import JoseError

from zwfw.core import audit
from zwfw.core.errors import DomainError
from zwfw.core.models import AuditResult
from zwfw.identity import sessions
from zwfw.identity.hub.linking import HubIdentity, link_account
from zwfw.identity.hub.provider import (
    LEEWAY_SECONDS,
    HubLoginError,
    client_session,
    configured_issuer,
    decode_jwt,
    provider_metadata,
)
from zwfw.identity.models import AccountSession, AssuranceLevel

SCOPE = "openid profile phone idcard"
PENDING_SECONDS = 600
MAX_PENDING = 5

# Session keys.
PENDING = "zwfw.hub.pending"  # state -> {nonce, verifier, next, at}: logins started, not finished
ID_TOKEN = "zwfw.hub.id_token"  # the hub's ID token of this session (id_token_hint at sign-out)
SUBJECT = "zwfw.hub.sub"
SID = "zwfw.hub.sid"
ISSUER = "zwfw.hub.iss"


def _base_url(request: HttpRequest) -> str:
    return settings.BASE_URL or request.build_absolute_uri("/").rstrip("/")


def callback_uri(request: HttpRequest) -> str:
    """The redirect URI registered at the hub for this node (exact match, RFC 9700 §2.1)."""
    return _base_url(request) + reverse("identity:hub_callback")


def signed_out_uri(request: HttpRequest) -> str:
    """The post_logout_redirect_uri registered at the hub for this node."""
    return _base_url(request) + reverse("identity:hub_signed_out")


def safe_next(request: HttpRequest, next_url: str | None) -> str:
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return reverse(settings.LOGIN_REDIRECT_URL)


def start_hub_login(request: HttpRequest, *, next_url: str | None = None) -> str:
    """Begin a sign-in through the hub; returns the hub's authorization URL to redirect the browser to.

    ``state``, ``nonce`` and the PKCE ``code_verifier`` stay in this browser's session (a few logins
    may be pending at once, e.g. two tabs; each is used once and expires after ten minutes).
    """
    metadata = provider_metadata()
    state = generate_token(32)
    nonce = generate_token(32)
    verifier = generate_token(64)  # RFC 7636 §4.1: 43 to 128 characters
    pending = _live_pending(request)
    pending[state] = {
        "nonce": nonce,
        "verifier": verifier,
        "next": safe_next(request, next_url),
        "at": time.time(),
    }
    while len(pending) > MAX_PENDING:
        pending.pop(min(pending, key=lambda s: pending[s]["at"]))
    request.session[PENDING] = pending
    with client_session(scope=SCOPE, redirect_uri=callback_uri(request)) as client:
        url, _ = client.create_authorization_url(
            metadata["authorization_endpoint"], state=state, code_verifier=verifier, nonce=nonce
        )
    return url


def _live_pending(request: HttpRequest) -> dict:
    now = time.time()
    pending = request.session.get(PENDING)
    if not isinstance(pending, dict):
        return {}
    return {
        s: p for s, p in pending.items() if isinstance(p, dict) and now - p.get("at", 0) < PENDING_SECONDS
    }


def complete_hub_login(request: HttpRequest) -> str:
    """Finish a sign-in at the callback: verify everything, link the account, sign in.

    Returns where to send the browser next. Raises ``HubLoginError`` (audited, nothing changed).
    """
    try:
        identity, next_url = _verified_identity(request)
        user, how = link_account(identity=identity, source_ip=sessions.client_ip(request))
    except HubLoginError as err:
        audit.record(
            actor="anonymous",
            action="identity.hub_sign_in",
            object_type="hub_link",
            object_id="-",
            source_ip=sessions.client_ip(request),
            result=AuditResult.FAILURE,
            details={"code": err.code, "issuer": configured_issuer() if settings.HUB_URL else ""},
        )
        raise
    sessions.sign_in(request, user, methods=identity.amr)
    request.session[ID_TOKEN] = identity.id_token
    request.session[ISSUER] = identity.issuer
    request.session[SUBJECT] = identity.subject
    request.session[SID] = identity.sid
    # The session's public id, never its key: whoever reads the audit log must not be able to use it.
    session_id = (
        AccountSession.objects.filter(session_key=request.session.session_key)
        .values_list("public_id", flat=True)
        .first()
    )
    audit.record(
        actor=f"user:{user.pk}",
        action="identity.hub_sign_in",
        object_type="account_session",
        object_id=str(session_id or "-"),
        source_ip=sessions.client_ip(request),
        details={"issuer": identity.issuer, "linked_by": how, "acr": identity.acr, "amr": identity.amr},
    )
    return next_url


def _verified_identity(request: HttpRequest) -> tuple[HubIdentity, str]:
    params = request.GET
    state = params.get("state", "")
    pending = _live_pending(request)
    attempt = pending.pop(state, None) if state else None
    request.session[PENDING] = pending  # a state is used once, whatever happens next
    if attempt is None:
        raise HubLoginError("HUB_STATE_MISMATCH", "登录请求已失效或不是从本站发起的，请重新登录")
    metadata = provider_metadata()
    issuer = metadata["issuer"]
    # RFC 9207 §2.4: the authorization response names its issuer; a different one is a mix-up attack.
    if "iss" in params and params["iss"] != issuer:
        raise HubLoginError("HUB_BAD_RESPONSE", "登录响应不是国家政务服务平台发出的，请重新登录")
    if metadata.get("authorization_response_iss_parameter_supported") and "iss" not in params:
        raise HubLoginError("HUB_BAD_RESPONSE", "登录响应不是国家政务服务平台发出的，请重新登录")
    if "error" in params:
        if params["error"] == "access_denied":
            raise HubLoginError("HUB_DENIED", "您在国家政务服务平台取消了登录或授权")
        raise HubLoginError(
            "HUB_ERROR", "国家政务服务平台未能完成登录，请稍后再试", details={"error": params["error"][:60]}
        )
    code = params.get("code", "")
    if not code:
        raise HubLoginError("HUB_BAD_RESPONSE", "登录响应缺少授权码，请重新登录")

    with client_session(redirect_uri=callback_uri(request)) as client:
        try:
            token = client.fetch_token(
                metadata["token_endpoint"],
                grant_type="authorization_code",
                code=code,
                code_verifier=attempt["verifier"],
            )
        except OAuthError as exc:
            raise HubLoginError(
                "HUB_TOKEN_REFUSED",
                "国家政务服务平台拒绝了本次登录，请重新登录",
                details={"error": exc.error},
            ) from exc
        except (requests.RequestException, ValueError) as exc:
            raise HubLoginError(
                "HUB_UNREACHABLE", "暂时无法连接国家政务服务平台，请稍后再试", status=502
            ) from exc
        id_token = token.get("id_token")
        access_token = token.get("access_token")
        if not isinstance(id_token, str) or not isinstance(access_token, str):
            raise HubLoginError("HUB_BAD_TOKEN", "国家政务服务平台返回的身份令牌无效")
        claims = verify_id_token(
            id_token, metadata=metadata, nonce=attempt["nonce"], access_token=access_token
        )
        try:
            response = client.get(metadata["userinfo_endpoint"], headers={"Accept": "application/json"})
            response.raise_for_status()
            userinfo = response.json()
        except (requests.RequestException, ValueError) as exc:
            raise HubLoginError(
                "HUB_UNREACHABLE", "暂时无法从国家政务服务平台读取身份信息", status=502
            ) from exc
    # Core §5.3.2: userinfo must be about the person of the ID token.
    if not isinstance(userinfo, dict) or userinfo.get("sub") != claims["sub"]:
        raise HubLoginError("HUB_BAD_TOKEN", "国家政务服务平台返回的身份信息与身份令牌不一致")
    return _identity_from(claims, userinfo, issuer=issuer, id_token=id_token), attempt["next"]


def verify_id_token(id_token: str, *, metadata: dict, nonce: str, access_token: str | None = None) -> dict:
    """OpenID Connect Core 1.0 §3.1.3.7: the ID token's signature and claims, or ``HubLoginError``."""
    token = decode_jwt(id_token, metadata)
    claims = token.claims
    client_id = settings.HUB_CLIENT_ID
    registry = jwt.JWTClaimsRegistry(
        leeway=LEEWAY_SECONDS,
        iss={"essential": True, "value": metadata["issuer"]},
        aud={"essential": True, "value": client_id},
        sub={"essential": True},
        exp={"essential": True},
        iat={"essential": True},
        nonce={"essential": True, "value": nonce},
    )
    try:
        registry.validate(claims)
    except JoseError as exc:
        raise HubLoginError(
            "HUB_BAD_TOKEN", "国家政务服务平台返回的身份令牌无效", details={"claim": exc.error}
        ) from exc
    audience = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    # §3.1.3.7 items 4 and 5: with several audiences, azp must be present and be us.
    if (len(audience) > 1 or "azp" in claims) and claims.get("azp") != client_id:
        raise HubLoginError("HUB_BAD_TOKEN", "国家政务服务平台返回的身份令牌无效", details={"claim": "azp"})
    if not isinstance(claims["sub"], str) or not claims["sub"] or len(claims["sub"]) > 255:
        raise HubLoginError("HUB_BAD_TOKEN", "国家政务服务平台返回的身份令牌无效", details={"claim": "sub"})
    # §3.1.3.8 (code flow): at_hash is optional; when present it must match the access token.
    if (
        access_token is not None
        and "at_hash" in claims
        and claims["at_hash"] != _half_hash(access_token, token)
    ):
        raise HubLoginError(
            "HUB_BAD_TOKEN", "国家政务服务平台返回的身份令牌无效", details={"claim": "at_hash"}
        )
    return claims


def _half_hash(value: str, token: jwt.Token) -> str:
    bits = str(token.header.get("alg", "RS256"))[-3:]
    digest = {"256": hashlib.sha256, "384": hashlib.sha384, "512": hashlib.sha512}.get(bits, hashlib.sha256)
    raw = digest(value.encode("ascii")).digest()
    return base64.urlsafe_b64encode(raw[: len(raw) // 2]).rstrip(b"=").decode("ascii")


def _level(value: Any) -> int:
    try:
        level = int(str(value))
    except (TypeError, ValueError):
        return 0
    return level if AssuranceLevel.FORMAT_CHECKED <= level <= AssuranceLevel.CERTIFICATE else 0


def _identity_from(claims: dict, userinfo: dict, *, issuer: str, id_token: str) -> HubIdentity:
    merged = {**userinfo, **claims}  # the signed ID token wins where both speak
    acr = _level(claims.get("acr"))
    amr = (
        [str(m)[:16] for m in claims.get("amr", []) if isinstance(m, str)]
        if isinstance(claims.get("amr"), list)
        else []
    )
    name = merged.get("name")
    if not isinstance(name, str) or not name.strip():
        raise HubLoginError(
            "HUB_MISSING_CLAIMS", "国家政务服务平台未提供您的姓名，请在授权时同意提供基本信息"
        )
    document_type = merged.get("id_document_type") or ""
    number = merged.get("id_number") or ""
    mobile = ""
    if merged.get("phone_number_verified") is True and isinstance(merged.get("phone_number"), str):
        from zwfw.notifications.services import normalise_mobile

        try:
            mobile = normalise_mobile(merged["phone_number"])
        except DomainError:
            mobile = ""
    return HubIdentity(
        issuer=issuer,
        subject=claims["sub"],
        acr=acr,
        amr=amr,
        name=name.strip()[:64],
        account_level=_level(merged.get("assurance_level")) or acr,
        document_type=document_type if isinstance(document_type, str) else "",
        document_number=number if isinstance(number, str) else "",
        mobile=mobile,
        sid=str(claims.get("sid", ""))[:200],
        id_token=id_token,
    )
