"""The hub's provider as this node sees it: its metadata (Discovery), its keys (JWKS), HTTP to it.

OpenID Connect Discovery 1.0 §4 (metadata at ``<issuer>/.well-known/openid-configuration``; §4.3 the
issuer it states must be the one asked), RFC 7517 (JWKS), RFC 7515/7519 (signed JWTs).
"""

from __future__ import annotations

from typing import Any

import requests
from authlib.integrations.requests_client import OAuth2Session
from django.conf import settings
from django.core.cache import cache
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from zwfw.core.errors import DomainError

# Asymmetric algorithms only: a symmetric (HS*) ID token would be signed with our own client secret.
SIGNING_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"]
LEEWAY_SECONDS = 60
HTTP_TIMEOUT_SECONDS = 10
DISCOVERY_CACHE_SECONDS = 3600
JWKS_REFETCH_MIN_SECONDS = 30
JWKS_CACHE_SECONDS = 600

# Requests go through this transport adapter when set (tests put an in-process provider here).
ADAPTER: requests.adapters.BaseAdapter | None = None


class HubLoginError(DomainError):
    """Sign-in through the hub failed; nothing was changed locally."""

    status = 400


def hub_enabled() -> bool:
    """This node signs citizens in through the hub (a hub URL and a client id are configured)."""
    return bool(settings.HUB_URL and settings.HUB_CLIENT_ID)


def configured_issuer() -> str:
    return settings.HUB_URL.rstrip("/")


def client_session(**kwargs: Any) -> OAuth2Session:
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
        with client_session() as client:
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
    issuer = configured_issuer()
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


def key_set(metadata: dict, *, refresh: bool = False) -> KeySet:
    """The hub's published keys, cached. ``refresh`` (a token named a key we do not know) fetches them
    again at most once every JWKS_REFETCH_MIN_SECONDS: forged tokens with made-up key ids posted to
    the back-channel endpoint must not turn this node into a tool for loading the hub."""
    key = f"zwfw.hub.jwks:{metadata['jwks_uri']}"
    if refresh and not cache.add(f"{key}:refetched", True, JWKS_REFETCH_MIN_SECONDS):
        refresh = False  # fetched again moments ago: the keys we hold are the hub's current ones
    jwks = None if refresh else cache.get(key)
    if jwks is None:
        jwks = _get_json(metadata["jwks_uri"], what="jwks")
        cache.set(key, jwks, JWKS_CACHE_SECONDS)
    try:
        return KeySet.import_key_set(jwks)  # type: ignore[arg-type]  # checked by import_key_set itself
    except (JoseError, ValueError, KeyError, TypeError) as exc:
        raise HubLoginError("HUB_BAD_METADATA", "国家政务服务平台的签名公钥无法识别", status=502) from exc


def decode_jwt(token: str, metadata: dict) -> jwt.Token:
    """Verify a JWT's signature with the hub's keys; a key we do not know yet refetches the JWKS once
    (the hub rotates keys and publishes the new one before using it)."""
    algorithms = [
        alg
        for alg in metadata.get("id_token_signing_alg_values_supported", ["RS256"])
        if alg in SIGNING_ALGORITHMS
    ] or ["RS256"]
    for refresh in (False, True):
        try:
            return jwt.decode(token, key_set(metadata, refresh=refresh), algorithms=algorithms)
        except JoseError as exc:
            if refresh or exc.error not in ("invalid_key_id", "bad_signature"):
                raise HubLoginError("HUB_BAD_TOKEN", "国家政务服务平台返回的身份令牌无效") from exc
        except (ValueError, TypeError) as exc:
            raise HubLoginError("HUB_BAD_TOKEN", "国家政务服务平台返回的身份令牌无效") from exc
    raise AssertionError("unreachable")  # pragma: no cover
