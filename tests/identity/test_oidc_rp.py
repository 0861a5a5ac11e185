"""Acceptance: an independent relying-party library (Authlib) against the live provider.

The RP side is Authlib only (discovery, PKCE, token exchange, ID token verification against the
JWKS, userinfo, refresh); the "browser" is a requests session carrying a signed-in session
cookie, which sees the consent screen and posts it like a person would.
"""

from __future__ import annotations

import re
import secrets
import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import time_machine
from authlib.common.security import generate_token
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from authlib.jose import JsonWebKey, jwt
from authlib.jose.errors import BadSignatureError
from authlib.oidc.core import CodeIDToken
from django.conf import settings
from joserfc.errors import InvalidClaimError
from oauth2_provider.models import AccessToken, Grant, RefreshToken

from tests.identity.factories import PersonFactory
from tests.identity.oidc_helpers import REDIRECT, make_client, session_cookie
from zwfw.identity.models import AccountSession

pytestmark = pytest.mark.django_db(transaction=True)

BROWSER_TIMEOUT = 10
_open_sessions: list = []


@pytest.fixture(autouse=True)
def _close_sessions():
    """Close keep-alive connections before the live server's test ends (its handler threads
    close their database connection when the client goes away)."""
    yield
    while _open_sessions:
        _open_sessions.pop().close()


class RP:
    """A relying party built from Authlib and the provider's discovery document only."""

    def __init__(
        self, issuer: str, created, *, scope: str = "openid profile phone", redirect_uri: str = REDIRECT
    ):
        self.issuer = issuer
        self.meta = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=BROWSER_TIMEOUT).json()
        self.client_id = created.application.client_id
        self.session = OAuth2Session(
            client_id=self.client_id,
            client_secret=created.client_secret,
            scope=scope,
            redirect_uri=redirect_uri,
            code_challenge_method="S256",
            token_endpoint_auth_method="client_secret_post" if created.client_secret else "none",
        )
        _open_sessions.append(self.session)
        self.verifier = generate_token(48)
        self.nonce = generate_token(16)
        self.state = None

    def authorization_url(self, **extra) -> str:
        url, self.state = self.session.create_authorization_url(
            self.meta["authorization_endpoint"], code_verifier=self.verifier, nonce=self.nonce, **extra
        )
        return url

    def fetch_token(self, redirected_to: str) -> dict:
        return self.session.fetch_token(
            self.meta["token_endpoint"],
            authorization_response=redirected_to,
            code_verifier=self.verifier,
            state=self.state,
        )

    def jwks(self):
        return JsonWebKey.import_key_set(requests.get(self.meta["jwks_uri"], timeout=BROWSER_TIMEOUT).json())

    def verify_id_token(self, id_token: str, access_token: str | None = None):
        claims = jwt.decode(
            id_token,
            self.jwks(),
            claims_cls=CodeIDToken,
            claims_options={"iss": {"essential": True, "value": self.meta["issuer"]}},
            claims_params={"nonce": self.nonce, "client_id": self.client_id, "access_token": access_token},
        )
        claims.validate(leeway=5)
        return claims


def browser_for(user, live_server_url: str, *, methods=None) -> requests.Session:
    _, cookie = session_cookie(user, methods=methods)
    browser = requests.Session()
    _open_sessions.append(browser)
    browser.cookies.set(settings.SESSION_COOKIE_NAME, cookie)
    return browser


def consent(browser: requests.Session, url: str) -> requests.Response:
    """Open the authorization URL; consent on the screen if it shows; return the redirect."""
    response = browser.get(url, allow_redirects=False, timeout=BROWSER_TIMEOUT)
    if response.status_code != 200:
        return response
    html = response.text
    assert "同意授权" in html
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))
    fields = {
        k: v.replace("&amp;", "&").replace("&quot;", '"').replace("&#x27;", "'") for k, v in fields.items()
    }
    fields["allow"] = "on"
    return browser.post(
        url, data=fields, allow_redirects=False, timeout=BROWSER_TIMEOUT, headers={"Referer": url}
    )


def signed_in_flow(live_server, *, scope="openid profile phone", user=None, created=None, methods=None):
    person = user or PersonFactory()
    created = created or make_client(post_logout_redirect_uris=["https://rp.example/bye"])
    rp = RP(live_server.url, created, scope=scope)
    browser = browser_for(
        person.user if hasattr(person, "user") else person, live_server.url, methods=methods
    )
    redirected = consent(browser, rp.authorization_url())
    assert redirected.status_code == 302, redirected.text[:500]
    return person, created, rp, browser, redirected.headers["Location"]


def test_discovery_authorize_pkce_consent_token_id_token_userinfo(live_server):
    # given a signed-in person and a registered confidential client
    person, _created, rp, _browser, location = signed_in_flow(live_server)
    # discovery says what the RP needs
    assert rp.meta["issuer"] == live_server.url
    assert rp.meta["code_challenge_methods_supported"] == ["S256"]
    assert rp.meta["response_types_supported"] == ["code"]
    assert rp.meta["jwks_uri"].startswith(live_server.url)
    # the authorization response carries state and (RFC 9207) iss
    query = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
    assert location.startswith(REDIRECT)
    assert query["state"] == rp.state
    assert query["iss"] == live_server.url
    # when the RP exchanges the code
    token = rp.fetch_token(location)
    # then the ID token verifies against the JWKS (signature, iss, aud, exp, nonce, at_hash)
    claims = rp.verify_id_token(token["id_token"], token["access_token"])
    assert claims["aud"] == rp.client_id
    assert claims["nonce"] == rp.nonce
    assert claims["acr"] == "3"
    assert claims["name"] == person.name
    # and userinfo gives the same subject and claims for the granted scopes
    info = rp.session.get(rp.meta["userinfo_endpoint"], timeout=BROWSER_TIMEOUT).json()
    assert info["sub"] == claims["sub"]
    assert info["name"] == person.name
    assert info["phone_number"] == f"+86{person.mobile}"
    assert "id_number" not in info
    # and the same access token works on the node's own API, verified locally
    me = rp.session.get(f"{live_server.url}/api/v1/identity/token-info", timeout=BROWSER_TIMEOUT)
    assert me.status_code == 200, me.text
    assert me.json()["sub"] == claims["sub"]


def test_wrong_redirect_uri_is_refused_without_redirecting(live_server):
    person = PersonFactory()
    created = make_client()
    rp = RP(live_server.url, created)
    rp.session.redirect_uri = "https://evil.example/cb"
    browser = browser_for(person.user, live_server.url)
    response = browser.get(rp.authorization_url(), allow_redirects=False, timeout=BROWSER_TIMEOUT)
    assert response.status_code == 400
    assert "evil.example" not in response.headers.get("Location", "")
    assert not Grant.objects.exists()


@pytest.mark.parametrize("method", [None, "plain"])
def test_missing_or_plain_pkce_is_refused(live_server, method):
    person = PersonFactory()
    created = make_client()
    rp = RP(live_server.url, created)
    browser = browser_for(person.user, live_server.url)
    url = rp.authorization_url()
    url = re.sub(r"&code_challenge=[^&]*&code_challenge_method=S256", "", url)
    if method == "plain":
        url += f"&code_challenge={secrets.token_urlsafe(48)}&code_challenge_method=plain"
    assert "S256" not in url
    response = browser.get(url, allow_redirects=False, timeout=BROWSER_TIMEOUT)
    assert response.status_code == 302
    query = {k: v[0] for k, v in parse_qs(urlsplit(response.headers["Location"]).query).items()}
    assert query["error"] == "invalid_request"
    assert not Grant.objects.exists()


def test_replayed_code_is_refused(live_server):
    _, _, rp, _, location = signed_in_flow(live_server)
    rp.fetch_token(location)
    with pytest.raises(OAuthError) as refused:
        rp.fetch_token(location)
    assert refused.value.error == "invalid_grant"
    assert AccessToken.objects.count() == 1


def test_expired_code_is_refused(live_server):
    _, _, rp, _, location = signed_in_flow(live_server)
    with time_machine.travel(time.time() + 61, tick=True), pytest.raises(OAuthError) as refused:
        rp.fetch_token(location)
    assert refused.value.error == "invalid_grant"
    assert not AccessToken.objects.exists()


def test_code_without_the_verifier_is_refused(live_server):
    _, _, rp, _, location = signed_in_flow(live_server)
    rp.verifier = generate_token(48)  # not the one the challenge was made from
    with pytest.raises(OAuthError) as refused:
        rp.fetch_token(location)
    assert refused.value.error == "invalid_grant"
    assert not AccessToken.objects.exists()


def test_tampered_id_token_fails_verification(live_server):
    _, _, rp, _, location = signed_in_flow(live_server)
    token = rp.fetch_token(location)
    header, payload, signature = token["id_token"].split(".")
    import base64
    import json

    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["sub"] = "someone-else"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    with pytest.raises(BadSignatureError):
        rp.verify_id_token(f"{header}.{forged}.{signature}")
    # and a genuine token presented with another nonce fails too
    rp.nonce = "other"
    with pytest.raises(InvalidClaimError):
        rp.verify_id_token(token["id_token"])


def test_refresh_token_reuse_revokes_the_family(live_server):
    _, _, rp, _, location = signed_in_flow(live_server)
    first = rp.fetch_token(location)
    # a normal rotation
    second = rp.session.refresh_token(rp.meta["token_endpoint"], refresh_token=first["refresh_token"])
    assert second["refresh_token"] != first["refresh_token"]
    api = f"{live_server.url}/api/v1/identity/token-info"
    assert requests.get(api, headers={"Authorization": f"Bearer {second['access_token']}"}, timeout=10).ok
    # when the old refresh token is replayed
    with pytest.raises(OAuthError) as refused:
        rp.session.refresh_token(rp.meta["token_endpoint"], refresh_token=first["refresh_token"])
    assert refused.value.error == "invalid_grant"
    # then the whole family is dead: the new refresh token and its access token too
    with pytest.raises(OAuthError):
        rp.session.refresh_token(rp.meta["token_endpoint"], refresh_token=second["refresh_token"])
    assert not RefreshToken.objects.filter(revoked__isnull=True).exists()
    response = requests.get(api, headers={"Authorization": f"Bearer {second['access_token']}"}, timeout=10)
    assert response.status_code == 401


def test_rp_initiated_logout_ends_the_session(live_server):
    person, _, rp, browser, location = signed_in_flow(live_server)
    token = rp.fetch_token(location)
    url = rp.meta["end_session_endpoint"]
    response = browser.get(
        url,
        params={
            "id_token_hint": token["id_token"],
            "post_logout_redirect_uri": "https://rp.example/bye",
            "state": "s1",
        },
        allow_redirects=False,
        timeout=BROWSER_TIMEOUT,
    )
    assert response.status_code == 302, response.text[:300]
    assert response.headers["Location"] == "https://rp.example/bye?state=s1"
    # the provider session is over: authorize now asks for a sign-in
    again = browser.get(rp.authorization_url(), allow_redirects=False, timeout=BROWSER_TIMEOUT)
    assert again.status_code == 302
    assert again.headers["Location"].startswith("/account/login/")
    ended = AccountSession.objects.get(user=person.user)
    assert ended.ended_at is not None
    assert ended.end_reason == "rp_logout"
    # and the client's tokens are revoked
    assert not AccessToken.objects.filter(user=person.user).exists()
    me = requests.get(
        f"{live_server.url}/api/v1/identity/token-info",
        headers={"Authorization": f"Bearer {token['access_token']}"},
        timeout=BROWSER_TIMEOUT,
    )
    assert me.status_code == 401


def test_client_credentials_for_a_system_client(live_server):
    created = make_client("系统接口", redirect_uris=[], client_credentials=True)
    rp = RP(live_server.url, created, scope="openid")
    token = rp.session.fetch_token(rp.meta["token_endpoint"], grant_type="client_credentials")
    assert token["token_type"] == "Bearer"
    assert "refresh_token" not in token
    # a system token is not a person: personal endpoints refuse it
    me = requests.get(
        f"{live_server.url}/api/v1/identity/token-info",
        headers={"Authorization": f"Bearer {token['access_token']}"},
        timeout=BROWSER_TIMEOUT,
    )
    assert me.status_code == 401


def test_rp_initiated_logout_notifies_the_other_relying_parties_by_back_channel(live_server):
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    from joserfc import jwt as jose_jwt
    from joserfc.jwk import KeySet

    received: list[str] = []

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"])).decode()
            received.append(parse_qs(body)["logout_token"][0])
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        # given a person signed in to a second relying party that registered a back-channel URI
        other = make_client(
            "另一节点",
            redirect_uris=["https://other.example/cb"],
            backchannel_logout_uri=f"http://127.0.0.1:{server.server_port}/bcl",
        )
        _, _, rp, browser, location = signed_in_flow(live_server)
        other_rp = RP(live_server.url, other, redirect_uri="https://other.example/cb")
        consent(browser, other_rp.authorization_url())
        token = rp.fetch_token(location)
        # when the first relying party logs the person out
        response = browser.get(
            rp.meta["end_session_endpoint"],
            params={"id_token_hint": token["id_token"]},
            allow_redirects=False,
            timeout=BROWSER_TIMEOUT,
        )
        assert response.status_code == 302
    finally:
        server.shutdown()
    # then the other one got a logout token it can verify against the JWKS (Back-Channel Logout §2.4)
    assert len(received) == 1
    keys = KeySet.import_key_set(requests.get(rp.meta["jwks_uri"], timeout=BROWSER_TIMEOUT).json())
    decoded = jose_jwt.decode(received[0], keys)
    claims = decoded.claims
    assert decoded.header["typ"] == "logout+jwt"
    assert claims["iss"] == live_server.url
    assert claims["aud"] == other.application.client_id
    assert "http://schemas.openid.net/event/backchannel-logout" in claims["events"]
    assert "nonce" not in claims
    assert claims["sub"]


def test_acr_values_and_idcard_through_the_relying_party_library(live_server):
    # given a level-4 person signed in with two factors (session at level 4)
    person = PersonFactory(assurance_level=4)
    created = make_client()
    rp = RP(live_server.url, created, scope="openid profile idcard")
    browser = browser_for(person.user, live_server.url, methods=["pwd", "otp"])
    # when the RP asks for acr 4 and the full ID number
    redirected = consent(browser, rp.authorization_url(acr_values="4"))
    token = rp.fetch_token(redirected.headers["Location"])
    claims = rp.verify_id_token(token["id_token"], token["access_token"])
    # then the ID token says so, and carries the number the person consented to
    assert claims["acr"] == "4"
    assert set(claims["amr"]) >= {"pwd", "otp", "mfa"}
    assert claims["id_number"] == person.document_number
    # and an acr above the account's level is refused to the client with the OIDC error
    refused = browser.get(
        rp.authorization_url(acr_values="5"), allow_redirects=False, timeout=BROWSER_TIMEOUT
    )
    query = {k: v[0] for k, v in parse_qs(urlsplit(refused.headers["Location"]).query).items()}
    assert query["error"] == "unmet_authentication_requirements"
