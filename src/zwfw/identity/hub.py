"""Sign-in through the hub (一次认证、全网通办): this node as a relying party of the hub's provider.

A node started with ``ZWFW_HUB_URL`` (and the client id and secret the hub issued to it) lets a
citizen sign in with their national account. Standards followed, step by step:

- OpenID Connect Discovery 1.0 §4: the hub's metadata from ``<issuer>/.well-known/openid-configuration``;
  §4.3: the ``issuer`` it states must be the URL we asked (else a look-alike could stand in).
- OpenID Connect Core 1.0 §3.1 authorization code flow, with RFC 7636 PKCE (S256 only), ``state``
  bound to this browser's session (RFC 6749 §10.12, CSRF) and a ``nonce`` (Core §15.5.2, replay).
- RFC 9207: when the hub returns ``iss`` with the code it must be the hub's issuer (mix-up defence).
- Core §3.1.3.7: the ID token is verified against the hub's JWKS (signature, ``iss``, ``aud``,
  ``azp``, ``exp``, ``iat``, ``nonce``); Core §3.1.3.8: ``at_hash`` when present.
- Core §5.3.2: the userinfo ``sub`` must equal the ID token's ``sub``.
- OpenID Connect RP-Initiated Logout 1.0: signing out here sends the browser to the hub's
  ``end_session_endpoint`` with ``id_token_hint`` so the hub session ends too.
- OpenID Connect Back-Channel Logout 1.0: the hub may POST a ``logout_token`` to end this node's
  sessions of a subject (``receive_backchannel_logout``).

Local account (``HubLink`` is the link, keyed by the hub's issuer and pairwise ``sub``):

1. a link for (issuer, sub) exists: that account;
2. otherwise, when the hub session is at level 3 or more (``acr``) and the hub shares the verified
   document (scope ``idcard``): the local person with that document (blind index), provided the
   verified name matches; a mismatch is refused (the window sorts it out, never an automatic merge);
3. otherwise a new local person is created from the verified attributes, at the hub's level.

The local level is raised (never lowered) to the hub's account level, with an ``AssuranceEvent``
(method ``hub``). Every sign-in through the hub, successful or not, is audited.
"""

from __future__ import annotations

import base64
import hashlib
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import requests
from authlib.common.security import generate_token
from authlib.integrations.base_client import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.base import SessionBase
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from zwfw.core import audit
from zwfw.core.errors import DomainError
from zwfw.core.models import AuditResult
from zwfw.identity import sessions
from zwfw.identity.indexes import document_index, mobile_index
from zwfw.identity.models import (
    AccountSession,
    AssuranceEvent,
    AssuranceLevel,
    AssuranceMethod,
    HubLink,
    Person,
)

SCOPE = "openid profile phone idcard"
# Asymmetric algorithms only: a symmetric (HS*) ID token would be signed with our own client secret.
SIGNING_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"]
LEEWAY_SECONDS = 60
HTTP_TIMEOUT_SECONDS = 10
PENDING_SECONDS = 600
MAX_PENDING = 5
DISCOVERY_CACHE_SECONDS = 3600
JWKS_CACHE_SECONDS = 600
# OpenID Connect Back-Channel Logout 1.0 §2.4: the event a logout token carries.
BACKCHANNEL_LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout"

# Session keys.
PENDING = "zwfw.hub.pending"  # state -> {nonce, verifier, next, at}: logins started, not finished
ID_TOKEN = "zwfw.hub.id_token"  # the hub's ID token of this session (id_token_hint at sign-out)
SUBJECT = "zwfw.hub.sub"
SID = "zwfw.hub.sid"
ISSUER = "zwfw.hub.iss"

# Requests go through this transport adapter when set (tests put an in-process provider here).
ADAPTER: requests.adapters.BaseAdapter | None = None


class HubLoginError(DomainError):
    """Sign-in through the hub failed; nothing was changed locally."""

    status = 400


@dataclass(frozen=True)
class HubIdentity:
    """What the hub verified about the person signing in (ID token and userinfo, both checked)."""

    issuer: str
    subject: str
    acr: int
    amr: list[str]
    name: str
    account_level: int
    document_type: str = ""
    document_number: str = ""
    mobile: str = ""
    sid: str = ""
    id_token: str = field(default="", repr=False)


# ---------------------------------------------------------------------------------------------
# The hub's metadata and keys
# ---------------------------------------------------------------------------------------------


def hub_enabled() -> bool:
    """This node signs citizens in through the hub (a hub URL and a client id are configured)."""
    return bool(settings.HUB_URL and settings.HUB_CLIENT_ID)


def _issuer() -> str:
    return settings.HUB_URL.rstrip("/")


def _session(**kwargs: Any) -> OAuth2Session:
    client = OAuth2Session(
        client_id=settings.HUB_CLIENT_ID,
        client_secret=settings.HUB_CLIENT_SECRET or None,
        code_challenge_method="S256",
        **kwargs,
    )
    client.default_timeout = HTTP_TIMEOUT_SECONDS
    if ADAPTER is not None:
        client.mount("http://", ADAPTER)
        client.mount("https://", ADAPTER)
    return client


def _get_json(url: str, *, what: str) -> dict:
    try:
        with _session() as client:
            response = client.get(url, withhold_token=True, headers={"Accept": "application/json"})
        response.raise_for_status()
        data = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise HubLoginError(
            "HUB_UNREACHABLE", "暂时无法连接国家政务服务平台，请稍后再试", details={"step": what}, status=502
        ) from exc
    if not isinstance(data, dict):
        raise HubLoginError(
            "HUB_UNREACHABLE", "国家政务服务平台返回的数据无法识别", details={"step": what}, status=502
        )
    return data


def provider_metadata(*, refresh: bool = False) -> dict:
    """The hub's OpenID Provider metadata (Discovery 1.0 §4), cached for an hour."""
    if not hub_enabled():
        raise HubLoginError("HUB_NOT_CONFIGURED", "本节点未接入国家政务服务平台统一身份认证", status=404)
    issuer = _issuer()
    key = f"zwfw.hub.metadata:{issuer}"
    metadata = None if refresh else cache.get(key)
    if metadata is None:
        metadata = _get_json(f"{issuer}/.well-known/openid-configuration", what="discovery")
        # Discovery 1.0 §4.3: the issuer stated must be exactly the one the configuration was asked of.
        if str(metadata.get("issuer", "")).rstrip("/") != issuer:
            raise HubLoginError(
                "HUB_BAD_METADATA",
                "国家政务服务平台的配置与本节点的设置不符",
                details={"step": "discovery"},
                status=502,
            )
        missing = [
            name
            for name in ("authorization_endpoint", "token_endpoint", "jwks_uri", "userinfo_endpoint")
            if not isinstance(metadata.get(name), str)
        ]
        if missing:
            raise HubLoginError(
                "HUB_BAD_METADATA", "国家政务服务平台的配置不完整", details={"missing": missing}, status=502
            )
        cache.set(key, metadata, DISCOVERY_CACHE_SECONDS)
    return metadata


def _key_set(metadata: dict, *, refresh: bool = False) -> KeySet:
    key = f"zwfw.hub.jwks:{metadata['jwks_uri']}"
    jwks = None if refresh else cache.get(key)
    if jwks is None:
        jwks = _get_json(metadata["jwks_uri"], what="jwks")
        cache.set(key, jwks, JWKS_CACHE_SECONDS)
    try:
        return KeySet.import_key_set(jwks)  # type: ignore[arg-type]  # checked by import_key_set itself
    except (JoseError, ValueError, KeyError, TypeError) as exc:
        raise HubLoginError("HUB_BAD_METADATA", "国家政务服务平台的签名公钥无法识别", status=502) from exc


def _decode_jwt(token: str, metadata: dict) -> jwt.Token:
    """Verify a JWT's signature with the hub's keys; a key we do not know yet refetches the JWKS once
    (the hub rotates keys and publishes the new one before using it)."""
    algorithms = [
        alg
        for alg in metadata.get("id_token_signing_alg_values_supported", ["RS256"])
        if alg in SIGNING_ALGORITHMS
    ] or ["RS256"]
    for refresh in (False, True):
        try:
            return jwt.decode(token, _key_set(metadata, refresh=refresh), algorithms=algorithms)
        except JoseError as exc:
            if refresh or exc.error not in ("invalid_key_id", "bad_signature"):
                raise HubLoginError("HUB_BAD_TOKEN", "国家政务服务平台返回的身份令牌无效") from exc
        except (ValueError, TypeError) as exc:
            raise HubLoginError("HUB_BAD_TOKEN", "国家政务服务平台返回的身份令牌无效") from exc
    raise AssertionError("unreachable")  # pragma: no cover


# ---------------------------------------------------------------------------------------------
# Start and complete a sign-in
# ---------------------------------------------------------------------------------------------


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
    with _session(scope=SCOPE, redirect_uri=callback_uri(request)) as client:
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
            details={"code": err.code, "issuer": _issuer() if settings.HUB_URL else ""},
        )
        raise
    sessions.sign_in(request, user, methods=identity.amr)
    request.session[ID_TOKEN] = identity.id_token
    request.session[ISSUER] = identity.issuer
    request.session[SUBJECT] = identity.subject
    request.session[SID] = identity.sid
    audit.record(
        actor=f"user:{user.pk}",
        action="identity.hub_sign_in",
        object_type="account_session",
        object_id=request.session.session_key or "-",
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

    with _session(redirect_uri=callback_uri(request)) as client:
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
    token = _decode_jwt(id_token, metadata)
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


# ---------------------------------------------------------------------------------------------
# Linking the local account
# ---------------------------------------------------------------------------------------------


def link_account(*, identity: HubIdentity, source_ip: str | None) -> tuple[Any, str]:
    """The local user of ``identity``: linked before, found by the verified document, or created.

    Returns ``(user, how)`` with ``how`` one of ``subject``, ``document``, ``created``. One transaction;
    a concurrent first sign-in of the same subject ends with the same single link.
    """
    try:
        with transaction.atomic():
            return _link_account(identity=identity, source_ip=source_ip)
    except IntegrityError:
        # Another request linked this subject (or used this document) a moment ago: take its result.
        link = (
            HubLink.objects.select_related("user")
            .filter(issuer=identity.issuer, subject=identity.subject)
            .first()
        )
        if link is None:
            raise HubLoginError(
                "HUB_LINK_CONFLICT",
                "本节点已有使用相同证件或手机号码的账号，请到政务服务窗口核验",
                status=409,
            ) from None
        return link.user, "subject"


def _link_account(*, identity: HubIdentity, source_ip: str | None) -> tuple[Any, str]:
    now = timezone.now()
    link = (
        HubLink.objects.select_for_update()
        .select_related("user")
        .filter(issuer=identity.issuer, subject=identity.subject)
        .first()
    )
    if link is not None:
        user = link.user
        if not user.is_active:
            raise HubLoginError(
                "HUB_ACCOUNT_DISABLED", "本节点的账号已停用，请联系 12345 政务服务便民热线", status=403
            )
        link.last_sign_in_at = now
        link.save(update_fields=["last_sign_in_at"])
        person = Person.objects.select_for_update().filter(user=user).first()
        if person is not None:
            _raise_level(person, identity)
        return user, "subject"

    document = _verified_document(identity)
    person = (
        Person.objects.select_for_update()
        .select_related("user")
        .filter(document_index=document_index(document.document_type, document.number))
        .first()
    )
    if person is not None:
        if identity.acr < AssuranceLevel.REGISTRY_MATCHED:
            raise HubLoginError(
                "HUB_LEVEL_TOO_LOW",
                "本节点已有使用该证件的账号。请在国家政务服务平台完成实名核验（三级及以上）后再登录",
                status=403,
            )
        if _same_name(person.name) != _same_name(identity.name):
            raise HubLoginError(
                "HUB_LINK_CONFLICT",
                "本节点使用该证件的账号姓名与国家平台不一致，请到政务服务窗口核验",
                status=409,
            )
        if person.user is None:
            # A ward registered here by a guardian now opens their own account (as registration does).
            person.user = _new_user()
            person.save(update_fields=["user", "updated_at"])
        elif HubLink.objects.filter(user=person.user, issuer=identity.issuer).exists():
            raise HubLoginError(
                "HUB_LINK_CONFLICT", "该账号已与另一个国家平台账号关联，请到政务服务窗口核验", status=409
            )
        if not person.user.is_active:
            raise HubLoginError(
                "HUB_ACCOUNT_DISABLED", "本节点的账号已停用，请联系 12345 政务服务便民热线", status=403
            )
        link = HubLink.objects.create(
            user=person.user, issuer=identity.issuer, subject=identity.subject, last_sign_in_at=now
        )
        _raise_level(person, identity)
        _audit_link(link, identity, how="document", source_ip=source_ip)
        return person.user, "document"

    user = _new_user()
    mobile = identity.mobile
    if mobile and Person.objects.filter(mobile_index=mobile_index(mobile)).exists():
        mobile = ""  # the number belongs to another local account: not taken over
    level = identity.account_level or AssuranceLevel.FORMAT_CHECKED
    person = Person.objects.create(
        user=user,
        document_type=document.document_type,
        document_number=document.number,
        document_index=document_index(document.document_type, document.number),
        name=identity.name,
        birth_date=document.birth_date,
        mobile=mobile,
        mobile_index=mobile_index(mobile) if mobile else "",
        assurance_level=level,
    )
    AssuranceEvent.objects.create(
        person=person, level=level, method=AssuranceMethod.HUB, note=f"国家平台认证等级 {level} 级"
    )
    link = HubLink.objects.create(
        user=user, issuer=identity.issuer, subject=identity.subject, last_sign_in_at=now
    )
    _audit_link(link, identity, how="created", source_ip=source_ip)
    return user, "created"


def _new_user() -> Any:
    """A login of its own with no password: this person signs in here through the hub."""
    from zwfw.identity.accounts import new_username

    user = get_user_model()(username=new_username())
    user.set_unusable_password()
    user.save()
    return user


def _verified_document(identity: HubIdentity) -> Any:
    from zwfw.identity.documents import validate_document

    if not identity.document_type or not identity.document_number:
        raise HubLoginError(
            "HUB_MISSING_CLAIMS",
            "国家政务服务平台未提供您的证件信息。请在国家平台完成实名认证，并在授权时同意提供证件信息",
        )
    try:
        return validate_document(identity.document_type, identity.document_number)
    except DomainError as exc:
        raise HubLoginError("HUB_MISSING_CLAIMS", "国家政务服务平台提供的证件信息无法识别") from exc


def _same_name(name: str) -> str:
    return "".join(name.split())


def _raise_level(person: Person, identity: HubIdentity) -> None:
    """The hub vouches for its account level: raise the local one to it (never lower it)."""
    if identity.account_level > person.assurance_level:
        before = person.assurance_level
        person.assurance_level = identity.account_level
        person.save(update_fields=["assurance_level", "updated_at"])
        AssuranceEvent.objects.create(
            person=person,
            level=identity.account_level,
            method=AssuranceMethod.HUB,
            note=f"国家平台认证等级 {identity.account_level} 级",
        )
        audit.record(
            actor=f"user:{person.user_id}",
            action="identity.assurance_raised",
            object_type="person",
            object_id=str(person.public_id),
            before={"level": before},
            after={"level": person.assurance_level},
            details={"method": AssuranceMethod.HUB},
        )


def _audit_link(link: HubLink, identity: HubIdentity, *, how: str, source_ip: str | None) -> None:
    audit.record(
        actor=f"user:{link.user_id}",
        action="identity.hub_link",
        object_type="hub_link",
        object_id=link.pk,
        after={"issuer": link.issuer, "subject": link.subject, "user": link.user_id},
        source_ip=source_ip,
        details={"issuer": link.issuer, "linked_by": how, "acr": identity.acr},
    )


# ---------------------------------------------------------------------------------------------
# Logout
# ---------------------------------------------------------------------------------------------


def signed_in_through_hub(request: HttpRequest) -> bool:
    return bool(request.user.is_authenticated and request.session.get(ID_TOKEN))


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
    token = _decode_jwt(logout_token, metadata)
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
    from importlib import import_module

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
            object_id=row.session_key,
            details={"reason": "hub_backchannel_logout", "issuer": issuer},
        )
        ended += 1
    return ended
