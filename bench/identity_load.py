"""Closed-loop load for the identity scenarios that wrk cannot drive (each request depends on the last).

- password sign-ins: each client posts the real login form (Argon2id verification, session,
  audit entry, login-attempt row) again and again as its own citizen;
- refresh-token grants: each client holds one token family and rotates it (the previous refresh
  token is revoked each time, reuse detection stays on).

Figures: completed operations per second, p50 and p99 latency, errors.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import statistics
import threading
import time
from urllib.parse import parse_qs, urlparse

import httpx


def _percentile(samples: list[float], q: float) -> float:
    if not samples:
        return 0.0
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _figures(samples: list[float], errors: int, elapsed: float) -> dict:
    return {
        "requests_per_s": round(len(samples) / elapsed, 1),
        "p50_ms": round(statistics.median(samples) * 1000, 1) if samples else 0.0,
        "p99_ms": round(_percentile(samples, 0.99) * 1000, 1),
        "errors": errors,
    }


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


def _run_loop(clients: int, duration: float, step) -> dict:
    samples: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + duration

    def worker(index: int) -> None:
        state = step(index, None)
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            try:
                state, ok = step(index, state)
            except httpx.HTTPError:
                ok = False
            took = time.perf_counter() - started
            with lock:
                if ok:
                    samples.append(took)
                else:
                    errors[0] += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return _figures(samples, errors[0], time.monotonic() - began)


def sign_ins(base: str, users: list[dict], *, clients: int, duration: float) -> dict:
    def step(index, state):
        if state is None:
            return _new_client(base)
        response = _login(state, users[index % len(users)])
        return state, response.status_code == 302

    return _run_loop(clients, duration, step)


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


def refreshes(base: str, setup: dict, tokens: list[dict], *, duration: float) -> dict:
    auth = (setup["client_id"], setup["client_secret"])

    def step(index, state):
        if state is None:
            return (httpx.Client(base_url=base, timeout=30), tokens[index]["refresh_token"])
        client, refresh_token = state
        response = client.post(
            "/oauth/token/", data={"grant_type": "refresh_token", "refresh_token": refresh_token}, auth=auth
        )
        if response.status_code != 200:
            return state, False
        return (client, response.json()["refresh_token"]), True

    return _run_loop(len(tokens), duration, step)
