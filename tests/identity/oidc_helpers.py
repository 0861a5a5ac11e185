"""Helpers of the OpenID Connect provider tests: clients, signed-in sessions, the code flow in-process."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
import time
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from django.conf import settings
from django.test import Client
from django.utils import timezone

from zwfw.identity import sessions
from zwfw.identity.models import AccountSession
from zwfw.identity.oidc import clients

REDIRECT = "https://rp.example/cb"
TESTSERVER = "http://testserver"


def make_client(name: str = "测试应用", **kwargs: Any) -> clients.CreatedClient:
    kwargs.setdefault("redirect_uris", [REDIRECT])
    return clients.create_client(name=name, **kwargs)


def session_cookie(user: Any, *, methods: list[str] | None = None) -> tuple[Client, str]:
    """A test Client signed in as ``user`` the way zwfw.identity.sessions.sign_in leaves a session."""
    client = Client()
    client.force_login(user)
    session = client.session
    now = time.time()
    session[sessions.AMR] = sorted(methods or ["pwd"])
    session[sessions.AUTH_TIME] = int(now)
    session[sessions.STARTED_AT] = now
    session[sessions.LAST_SEEN_AT] = now
    session.save()
    AccountSession.objects.create(
        user=user,
        session_key=session.session_key,
        methods=sorted(methods or ["pwd"]),
        last_seen_at=timezone.now(),
    )
    return client, client.cookies[settings.SESSION_COOKIE_NAME].value


def pkce() -> tuple[str, str]:
    """(verifier, S256 challenge) per RFC 7636 §4.1-4.2."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def authorize_url(client_id: str, challenge: str | None, *, scope: str = "openid", **extra: str) -> str:
    params = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": extra.pop("redirect_uri", REDIRECT),
        "scope": scope,
        "state": "st-" + secrets.token_hex(4),
        "nonce": "n-" + secrets.token_hex(4),
    }
    if challenge is not None:
        params["code_challenge"] = challenge
        params["code_challenge_method"] = extra.pop("code_challenge_method", "S256")
    params.update(extra)
    return "/oauth/authorize/?" + urlencode(params)


def consent_form_data(response: Any, *, allow: bool = True) -> dict[str, str]:
    """The hidden fields of the rendered consent form (as a browser would post them)."""
    html = response.content.decode()
    data = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))
    if allow:
        data["allow"] = "on"
    return {k: _unescape(v) for k, v in data.items()}


def _unescape(value: str) -> str:
    return (
        value.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"')
        .replace("&#x27;", "'")
    )


def query_of(location: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def get_code(browser: Client, url: str) -> str:
    """Authorize (consenting if the screen shows) and return the code from the redirect."""
    response = browser.get(url)
    if response.status_code == 200:
        response = browser.post(url, consent_form_data(response))
    assert response.status_code == 302, response.content[:500]
    query = query_of(response["Location"])
    assert "code" in query, response["Location"]
    return query["code"]


def exchange(
    code: str, verifier: str | None, created: clients.CreatedClient, *, redirect_uri: str = REDIRECT
) -> Any:
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri,
        "client_id": created.application.client_id,
    }
    if verifier is not None:
        data["code_verifier"] = verifier
    if created.client_secret:
        data["client_secret"] = created.client_secret
    return Client().post("/oauth/token/", data)


def tokens_for(
    user: Any, created: clients.CreatedClient, *, scope: str = "openid", methods: list[str] | None = None
) -> dict:
    """The whole code flow in-process: sign in, authorize with PKCE, consent, exchange."""
    browser, _ = session_cookie(user, methods=methods)
    verifier, challenge = pkce()
    code = get_code(browser, authorize_url(created.application.client_id, challenge, scope=scope))
    response = exchange(code, verifier, created)
    assert response.status_code == 200, response.content
    return response.json()


def refresh(refresh_token: str, created: clients.CreatedClient) -> Any:
    data = {
        "grant_type": "refresh_token",
        "refresh_token": refresh_token,
        "client_id": created.application.client_id,
    }
    if created.client_secret:
        data["client_secret"] = created.client_secret
    return Client().post("/oauth/token/", data)
