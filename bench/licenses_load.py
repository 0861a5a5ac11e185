"""Set-up for the issuance scenario of bench/run.py: the approver signs in through the real form
(password, then the code of their authenticator app, as staff must), and the wrk script carries the
session cookie and the CSRF token that sign-in gave, as a department's system calling the API would.
"""

from __future__ import annotations

import time

import httpx
import pyotp

STEP_SECONDS = 30  # RFC 6238 step of zwfw.identity.totp


def _csrf(client: httpx.Client) -> str:
    return client.cookies.get("csrftoken") or ""


def staff_session(base: str, setup: dict) -> dict:
    """Cookies and CSRF token of a fresh session of the bench's approver (two factors: pwd + otp)."""
    client = httpx.Client(base_url=base, follow_redirects=False, timeout=30)
    client.get("/account/login/")
    started = client.post(
        "/account/login/",
        data={
            "csrfmiddlewaretoken": _csrf(client),
            "tab": "password",
            "action": "password",
            "identifier": setup["username"],
            "password": setup["password"],
            "next": "/",
        },
    )
    if started.status_code != 302 or "/login/mfa/" not in started.headers.get("location", ""):
        raise SystemExit(
            f"the approver's password sign-in did not ask for a second factor: {started.status_code}"
        )
    app = pyotp.TOTP(setup["totp_secret"])
    for attempt in range(2):
        # A code is accepted once: when this step's was used (a run a moment ago), wait for the next.
        done = client.post(
            "/account/login/mfa/",
            data={
                "csrfmiddlewaretoken": _csrf(client),
                "method": "otp",
                "code": app.now(),
                "action": "verify",
            },
        )
        if done.status_code == 302:
            break
        if attempt == 0:
            time.sleep(STEP_SECONDS - time.time() % STEP_SECONDS + 1)
    else:
        raise SystemExit(f"the approver's second factor was refused: {done.status_code}")
    session, csrf = client.cookies.get("sessionid"), _csrf(client)
    if not session or not csrf:
        raise SystemExit("the approver's sign-in set no session or CSRF cookie")
    return {"cookie": f"sessionid={session}; csrftoken={csrf}", "csrf": csrf}
