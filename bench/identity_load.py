"""Set-up for the identity scenarios of bench/run.py: token families obtained through the real
authorization-code flow with PKCE (sign-in form, authorize, code exchange), for the wrk scripts that
then rotate them (refresh grants) or read the API with their access tokens.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from urllib.parse import parse_qs, urlparse

import httpx


def _login(client: httpx.Client, user: dict) -> httpx.Response:
    token = client.cookies.get("csrftoken") or ""
    return client.post(
        "/account/login/",
        data={
            "csrfmiddlewaretoken": token,
            "tab": "password",
            "action": "password",
            "identifier": user["identifier"],
            "password": user["password"],
            "next": "/",
        },
    )


def _new_client(base: str) -> httpx.Client:
    client = httpx.Client(base_url=base, follow_redirects=False, timeout=30)
    client.get("/account/login/")
    return client


def _pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def obtain_tokens(base: str, setup: dict, user: dict) -> dict:
    """The authorization-code flow with PKCE for one citizen (consent already given by the setup)."""
    client = _new_client(base)
    if _login(client, user).status_code != 302:
        raise SystemExit(f"bench sign-in failed for {user['identifier']}")
    verifier, challenge = _pkce()
    response = client.get(
        "/oauth/authorize/",
        params={
            "response_type": "code",
            "client_id": setup["client_id"],
            "redirect_uri": setup["redirect_uri"],
            "scope": "openid profile",
            "state": secrets.token_urlsafe(8),
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        },
    )
    location = response.headers.get("location", "")
    code = parse_qs(urlparse(location).query).get("code", [""])[0]
    if not code:
        raise SystemExit(f"authorize did not return a code: {response.status_code} {location[:200]}")
    token = client.post(
        "/oauth/token/",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": setup["redirect_uri"],
            "code_verifier": verifier,
        },
        auth=(setup["client_id"], setup["client_secret"]),
    )
    token.raise_for_status()
    return token.json()
