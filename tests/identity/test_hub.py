"""Sign-in through the hub: this node as a relying party (zwfw.identity.hub), against a stand-in provider.

The stand-in is an in-process OpenID provider behind a ``requests`` transport adapter: it checks what
a real one checks (client authentication, PKCE S256, redirect URI, one-time codes) and lets each test
break one thing (a forged signature, a wrong audience, a stale nonce ...). The two-process test with
the real provider is tests/identity/test_hub_federation.py.
"""

from __future__ import annotations

import base64
import hashlib
import json
import time
import uuid
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import cache
from django.template.loader import render_to_string
from django.test import RequestFactory
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

from tests.identity.factories import PersonFactory, resident_id
from zwfw.core.models import AuditEntry
from zwfw.identity import hub
from zwfw.identity.models import AccountSession, AssuranceEvent, HubLink, Person

ISSUER = "https://hub.example.gov.cn"
CLIENT_ID = "node-330000"
CLIENT_SECRET = "s3cret-of-the-regional-node"
CALLBACK = "http://testserver/account/hub/callback/"


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


class FakeHub(requests.adapters.BaseAdapter):
    """A minimal OpenID provider answering the node's back-channel requests."""

    def __init__(self) -> None:
        super().__init__()
        self.key = RSAKey.generate_key(2048, parameters={"kid": "k1", "use": "sig", "alg": "RS256"})
        self.published = [self.key]
        self.codes: dict[str, dict] = {}
        self.claims = {
            "sub": "pairwise-sub-1",
            "acr": "3",
            "amr": ["pwd", "sms"],
            "name": "张三",
            "assurance_level": 4,
            "id_document_type": "resident_id",
            "id_number": resident_id(7),
            "phone_number": "+8613900000007",
            "phone_number_verified": True,
            "sid": "hub-session-1",
        }
        self.id_token_changes: dict = {}
        self.sign_with: RSAKey | None = None
        self.userinfo_changes: dict = {}
        self.token_error: str | None = None
        self.down = False
        self.requests: list[str] = []

    # -- what the browser does at the hub ------------------------------------------------------
    def authorize(self, authorization_url: str) -> str:
        """The person signs in and consents at the hub: the callback URL the hub redirects to."""
        query = {k: v[0] for k, v in parse_qs(urlsplit(authorization_url).query).items()}
        code = uuid.uuid4().hex
        self.codes[code] = query
        return f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query['state'], 'iss': ISSUER})}"

    def id_token(self, expected_nonce: str, access_token: str, **changes) -> str:
        now = int(time.time())
        claims = {
            "iss": ISSUER,
            "aud": CLIENT_ID,
            "iat": now,
            "exp": now + 600,
            "auth_time": now,
            "nonce": expected_nonce,
            "at_hash": _b64(hashlib.sha256(access_token.encode()).digest()[:16]),
            **{k: v for k, v in self.claims.items() if k in ("sub", "acr", "amr", "sid", "name")},
            **changes,
        }
        key = self.sign_with or self.key
        return jwt.encode({"alg": "RS256", "kid": key.kid}, claims, KeySet([key]))

    def logout_token(self, **changes) -> str:
        now = int(time.time())
        claims = {
            "iss": ISSUER,
            "aud": CLIENT_ID,
            "iat": now,
            "exp": now + 120,
            "jti": uuid.uuid4().hex,
            "sub": self.claims["sub"],
            "sid": self.claims["sid"],
            "events": {hub.BACKCHANNEL_LOGOUT_EVENT: {}},
            **changes,
        }
        return jwt.encode(
            {"alg": "RS256", "kid": self.key.kid, "typ": "logout+jwt"}, claims, KeySet([self.key])
        )

    # -- the provider's endpoints ---------------------------------------------------------------
    def send(self, request, **kwargs):
        if self.down:
            raise requests.ConnectionError("hub unreachable")
        url = urlsplit(request.url)
        self.requests.append(url.path)
        routes = {
            "/.well-known/openid-configuration": self._metadata,
            "/oauth/jwks/": self._jwks,
            "/oauth/token/": self._token,
            "/oauth/userinfo/": self._userinfo,
        }
        handler = routes.get(url.path)
        if handler is None:
            return self._respond(request, 404, {"error": "not_found"})
        status, body = handler(request)
        return self._respond(request, status, body)

    def close(self) -> None:
        pass

    def _respond(self, request, status: int, body: dict) -> requests.Response:
        response = requests.Response()
        response.status_code = status
        response._content = json.dumps(body).encode()
        response.headers["Content-Type"] = "application/json"
        response.url = request.url
        response.request = request
        return response

    def _metadata(self, request):
        return 200, {
            "issuer": ISSUER,
            "authorization_endpoint": f"{ISSUER}/oauth/authorize/",
            "token_endpoint": f"{ISSUER}/oauth/token/",
            "userinfo_endpoint": f"{ISSUER}/oauth/userinfo/",
            "jwks_uri": f"{ISSUER}/oauth/jwks/",
            "end_session_endpoint": f"{ISSUER}/oauth/logout/",
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "authorization_response_iss_parameter_supported": True,
        }

    def _jwks(self, request):
        return 200, KeySet(self.published).as_dict(private=False)

    def _token(self, request):
        form = {
            k: v[0]
            for k, v in parse_qs(
                request.body if isinstance(request.body, str) else request.body.decode()
            ).items()
        }
        expected = "Basic " + base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        if request.headers.get("Authorization") != expected:
            return 401, {"error": "invalid_client"}
        if self.token_error:
            return 400, {"error": self.token_error}
        grant = self.codes.pop(form.get("code", ""), None)  # one-time codes
        if grant is None or form.get("grant_type") != "authorization_code":
            return 400, {"error": "invalid_grant"}
        challenge = _b64(hashlib.sha256(form.get("code_verifier", "").encode()).digest())
        if grant["code_challenge_method"] != "S256" or grant["code_challenge"] != challenge:
            return 400, {"error": "invalid_grant", "error_description": "PKCE"}
        if form.get("redirect_uri") != grant["redirect_uri"]:
            return 400, {"error": "invalid_grant"}
        access_token = uuid.uuid4().hex
        self.access_tokens = {access_token}
        return 200, {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": 600,
            "id_token": self.id_token(grant["nonce"], access_token, **self.id_token_changes),
        }

    def _userinfo(self, request):
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if token not in getattr(self, "access_tokens", set()):
            return 401, {"error": "invalid_token"}
        return 200, {**self.claims, **self.userinfo_changes}


@pytest.fixture
def fake_hub(settings, monkeypatch):
    settings.HUB_URL = ISSUER
    settings.HUB_CLIENT_ID = CLIENT_ID
    settings.HUB_CLIENT_SECRET = CLIENT_SECRET
    settings.BASE_URL = ""
    cache.clear()
    fake = FakeHub()
    monkeypatch.setattr(hub.provider, "ADAPTER", fake)
    yield fake
    cache.clear()


def _sign_in_through(client, fake_hub, *, next_url: str = "/guide/") -> tuple:
    start = client.get("/account/hub/login/", {"next": next_url})
    assert start.status_code == 302
    callback = fake_hub.authorize(start["Location"])
    return start, client.get(callback)


def _counts() -> tuple[int, int, int, int]:
    return (
        get_user_model().objects.count(),
        Person.objects.count(),
        HubLink.objects.count(),
        AccountSession.objects.count(),
    )


# ---------------------------------------------------------------------------------------------
# The authorization request
# ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_sign_in_starts_with_pkce_s256_state_and_nonce_kept_in_the_session(client, fake_hub):
    # when the person chooses to sign in with their national account
    response = client.get("/account/hub/login/", {"next": "/guide/"})
    # then the browser goes to the hub's authorization endpoint with a code request bound to this session
    assert response.status_code == 302
    url = urlsplit(response["Location"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{ISSUER}/oauth/authorize/"
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert query["response_type"] == "code"
    assert query["client_id"] == CLIENT_ID
    assert query["redirect_uri"] == CALLBACK
    assert query["scope"] == "openid profile phone idcard"
    assert query["code_challenge_method"] == "S256"
    pending = client.session[hub.PENDING][query["state"]]
    assert pending["nonce"] == query["nonce"]
    assert query["code_challenge"] == _b64(hashlib.sha256(pending["verifier"].encode()).digest())
    assert len(pending["verifier"]) >= 43
    assert pending["next"] == "/guide/"


@pytest.mark.django_db
def test_next_pointing_to_another_host_is_replaced_by_the_account_page(client, fake_hub):
    client.get("/account/hub/login/", {"next": "https://evil.example/"})
    (pending,) = client.session[hub.PENDING].values()
    assert pending["next"] == "/account/"


@pytest.mark.django_db
def test_a_node_without_a_hub_shows_no_button_and_refuses_the_hub_pages(client, settings):
    settings.HUB_URL = ""
    response = client.get("/account/hub/login/")
    assert response.status_code == 404
    assert "HUB_NOT_CONFIGURED" in response.content.decode()
    request = RequestFactory().get("/account/login/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    assert "国家政务服务平台" not in render_to_string("identity/hub_login_button.html", request=request)


@pytest.mark.django_db
def test_the_login_button_is_shown_on_a_node_connected_to_the_hub(fake_hub):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/account/login/", {"next": "/guide/"})
    request.user = AnonymousUser()
    html = render_to_string("identity/hub_login_button.html", request=request)
    assert "使用国家政务服务平台账号登录" in html
    assert 'href="/account/hub/login/?next=/guide/"' in html


# ---------------------------------------------------------------------------------------------
# Linking the local account
# ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_first_sign_in_opens_a_local_account_from_the_verified_attributes(client, fake_hub):
    # when a person new to this node signs in through the hub
    _, response = _sign_in_through(client, fake_hub)
    # then they land where they wanted to go, signed in
    assert response.status_code == 302
    assert response["Location"] == "/guide/"
    person = Person.objects.get()
    assert int(client.session["_auth_user_id"]) == person.user_id
    # with a local person built from what the hub verified, at the hub's level
    assert person.name == "张三"
    assert person.document_type == "resident_id"
    assert person.document_number == resident_id(7)
    assert person.mobile == "13900000007"
    assert person.assurance_level == 4
    assert not person.user.has_usable_password()
    event = AssuranceEvent.objects.get(person=person)
    assert (event.level, event.method) == (4, "hub")
    # linked by the hub's pairwise subject
    link = HubLink.objects.get()
    assert (link.issuer, link.subject, link.user_id) == (ISSUER, "pairwise-sub-1", person.user_id)
    # the session carries the hub's amr and the ID token for the logout
    assert client.session["zwfw.amr"] == ["pwd", "sms"]
    assert client.session[hub.ID_TOKEN]
    assert AccountSession.objects.get().methods == ["pwd", "sms"]
    # and the sign-in is audited
    entry = AuditEntry.objects.filter(action="identity.hub_sign_in").get()
    assert entry.result == "success"
    assert entry.actor == f"user:{person.user_id}"
    assert entry.details["linked_by"] == "created"
    assert AuditEntry.objects.filter(action="identity.hub_link").count() == 1
    # and the pending login was used up
    assert client.session[hub.PENDING] == {}


@pytest.mark.django_db
def test_the_next_sign_in_finds_the_same_account_by_the_pairwise_subject(client, fake_hub, django_user_model):
    _sign_in_through(client, fake_hub)
    client.logout()
    # given the person changed their name at the hub since
    fake_hub.claims["name"] = "张三丰"
    # when they sign in through the hub again
    _, response = _sign_in_through(client, fake_hub)
    # then it is the same local account, nothing duplicated
    assert response.status_code == 302
    assert (django_user_model.objects.count(), Person.objects.count(), HubLink.objects.count()) == (1, 1, 1)
    assert HubLink.objects.get().last_sign_in_at is not None
    assert (
        AuditEntry.objects.filter(action="identity.hub_sign_in").latest("id").details["linked_by"]
        == "subject"
    )


@pytest.mark.django_db
def test_a_registered_local_person_is_linked_by_the_verified_document_and_raised_to_the_hubs_level(
    client, fake_hub
):
    # given a person registered at this node at level 3 with the same ID number and name
    person = PersonFactory(n=7, name="张三", assurance_level=3)
    fake_hub.claims.update(id_number=person.document_number, phone_number="+8613700000001")
    # when they first sign in through the hub (hub session at level 3, account at level 4)
    _, response = _sign_in_through(client, fake_hub)
    # then the existing account is linked, not a new one made
    assert response.status_code == 302
    assert Person.objects.count() == 1
    assert HubLink.objects.get().user_id == person.user_id
    assert int(client.session["_auth_user_id"]) == person.user_id
    person.refresh_from_db()
    assert person.assurance_level == 4
    assert AssuranceEvent.objects.get(person=person).method == "hub"
    assert AuditEntry.objects.filter(action="identity.hub_sign_in").get().details["linked_by"] == "document"
    # and its own mobile number and password are untouched
    assert person.mobile == "13900000007"
    assert person.user.has_usable_password()


@pytest.mark.django_db
def test_a_hub_session_below_level_3_cannot_take_over_a_local_account(client, fake_hub):
    person = PersonFactory(n=7, name="张三", assurance_level=3)
    fake_hub.claims.update(id_number=person.document_number, acr="2", assurance_level=2)
    before = _counts()
    _, response = _sign_in_through(client, fake_hub)
    assert response.status_code == 403
    assert "HUB_LEVEL_TOO_LOW" in response.content.decode()
    assert _counts() == before
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_local_account_under_another_name_is_not_linked_automatically(client, fake_hub):
    person = PersonFactory(n=7, name="李四", assurance_level=2)
    fake_hub.claims["id_number"] = person.document_number
    before = _counts()
    _, response = _sign_in_through(client, fake_hub)
    assert response.status_code == 409
    assert "请到政务服务窗口核验" in response.content.decode()
    assert _counts() == before
    person.refresh_from_db()
    assert person.assurance_level == 2


@pytest.mark.django_db
def test_without_the_verified_document_no_account_is_opened(client, fake_hub):
    del fake_hub.claims["id_number"], fake_hub.claims["id_document_type"]
    before = _counts()
    _, response = _sign_in_through(client, fake_hub)
    assert response.status_code == 400
    assert "HUB_MISSING_CLAIMS" in response.content.decode()
    assert _counts() == before


# ---------------------------------------------------------------------------------------------
# What is refused: every failure is a Chinese page, audited, and changes nothing
# ---------------------------------------------------------------------------------------------


def _other_key():
    return RSAKey.generate_key(2048, parameters={"kid": "k1"})


BROKEN = {
    "forged signature": ("sign_with", _other_key, "HUB_BAD_TOKEN"),
    "another audience": ("id_token_changes", lambda: {"aud": "someone-else"}, "HUB_BAD_TOKEN"),
    "another issuer": ("id_token_changes", lambda: {"iss": "https://evil.example"}, "HUB_BAD_TOKEN"),
    "stale nonce": ("id_token_changes", lambda: {"nonce": "replayed"}, "HUB_BAD_TOKEN"),
    "expired": ("id_token_changes", lambda: {"exp": int(time.time()) - 3600}, "HUB_BAD_TOKEN"),
    "access token swapped": (
        "id_token_changes",
        lambda: {"at_hash": "AAAAAAAAAAAAAAAAAAAAAA"},
        "HUB_BAD_TOKEN",
    ),
    "foreign azp": ("id_token_changes", lambda: {"aud": [CLIENT_ID, "x"], "azp": "x"}, "HUB_BAD_TOKEN"),
    "userinfo of someone else": ("userinfo_changes", lambda: {"sub": "another-sub"}, "HUB_BAD_TOKEN"),
    "code refused": ("token_error", lambda: "invalid_grant", "HUB_TOKEN_REFUSED"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", BROKEN, ids=list(BROKEN))
def test_a_bad_answer_from_the_hub_is_refused_with_nothing_changed(client, fake_hub, case):
    attribute, value, code = BROKEN[case]
    setattr(fake_hub, attribute, value())
    before = _counts()
    _, response = _sign_in_through(client, fake_hub)
    assert response.status_code == 400
    html = response.content.decode()
    assert "国家政务服务平台账号登录未成功" in html
    assert code in html
    assert _counts() == before
    assert "_auth_user_id" not in client.session
    entry = AuditEntry.objects.filter(action="identity.hub_sign_in").get()
    assert (entry.result, entry.details["code"]) == ("failure", code)


@pytest.mark.django_db
def test_a_callback_with_a_state_this_browser_did_not_start_is_refused(client, fake_hub):
    # given a login started in another browser (an attacker's, login CSRF)
    other = type(client)()
    start = other.get("/account/hub/login/")
    callback = fake_hub.authorize(start["Location"])
    before = _counts()
    # when the victim's browser is sent to the callback
    response = client.get(callback)
    # then it is refused, nobody is signed in and the code is never redeemed
    assert response.status_code == 400
    assert "HUB_STATE_MISMATCH" in response.content.decode()
    assert _counts() == before
    assert "/oauth/token/" not in fake_hub.requests


@pytest.mark.django_db
def test_a_callback_is_used_once(client, fake_hub):
    _, first = _sign_in_through(client, fake_hub)
    assert first.status_code == 302
    client.logout()
    before = _counts()
    replay = client.get(first.request["PATH_INFO"] + "?" + first.request["QUERY_STRING"])
    assert replay.status_code == 400
    assert "HUB_STATE_MISMATCH" in replay.content.decode()
    assert _counts() == before


@pytest.mark.django_db
def test_the_person_declining_at_the_hub_gets_a_clear_page(client, fake_hub):
    start = client.get("/account/hub/login/")
    state = parse_qs(urlsplit(start["Location"]).query)["state"][0]
    response = client.get("/account/hub/callback/", {"error": "access_denied", "state": state, "iss": ISSUER})
    assert response.status_code == 400
    assert "您在国家政务服务平台取消了登录或授权" in response.content.decode()
    assert _counts() == (0, 0, 0, 0)


@pytest.mark.django_db
def test_a_response_naming_another_issuer_is_refused(client, fake_hub):
    # RFC 9207: a code from another provider (mix-up attack) is never sent to the hub's token endpoint
    start = client.get("/account/hub/login/")
    callback = fake_hub.authorize(start["Location"]).replace("iss=https", "iss=https%3A%2F%2Fevil.example%2F")
    response = client.get(callback)
    assert response.status_code == 400
    assert "HUB_BAD_RESPONSE" in response.content.decode()
    assert "/oauth/token/" not in fake_hub.requests


@pytest.mark.django_db
def test_an_unreachable_hub_is_a_502_page_not_a_crash(client, fake_hub):
    fake_hub.down = True
    response = client.get("/account/hub/login/")
    assert response.status_code == 502
    assert "暂时无法连接国家政务服务平台" in response.content.decode()


@pytest.mark.django_db
def test_a_hub_metadata_naming_another_issuer_is_refused(client, fake_hub, settings):
    settings.HUB_URL = "https://hub-lookalike.example.gov.cn"
    response = client.get("/account/hub/login/")
    assert response.status_code == 502
    assert "HUB_BAD_METADATA" in response.content.decode()


@pytest.mark.django_db
def test_a_rotated_signing_key_is_fetched_once_when_a_token_names_it(client, fake_hub):
    # given the node cached the hub's keys, then the hub rotated to a new key
    client.get("/account/hub/login/")
    hub.provider_metadata()
    hub.provider.key_set(hub.provider_metadata())
    new_key = RSAKey.generate_key(2048, parameters={"kid": "k2", "use": "sig", "alg": "RS256"})
    fake_hub.key = new_key
    fake_hub.published = [new_key]
    # when a token signed with the new key arrives
    _, response = _sign_in_through(client, fake_hub)
    # then the keys are fetched again and the sign-in succeeds
    assert response.status_code == 302
    assert fake_hub.requests.count("/oauth/jwks/") == 2


# ---------------------------------------------------------------------------------------------
# Logout
# ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_signing_out_of_a_hub_session_ends_the_hub_session_too(client, fake_hub):
    _sign_in_through(client, fake_hub)
    id_token = client.session[hub.ID_TOKEN]
    session = AccountSession.objects.get()
    # when the person signs out here
    response = client.post("/account/logout/")
    # then the local session is over and the browser goes to the hub's end-session endpoint
    assert "_auth_user_id" not in client.session
    session.refresh_from_db()
    assert session.ended_at is not None
    url = urlsplit(response["Location"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{ISSUER}/oauth/logout/"
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert query["id_token_hint"] == id_token
    assert query["client_id"] == CLIENT_ID
    assert query["post_logout_redirect_uri"] == "http://testserver/account/hub/signed-out/"
    # and the hub sends the browser back to a page saying so
    page = client.get("/account/hub/signed-out/")
    assert "在国家政务服务平台的登录也已同时退出" in page.content.decode()


@pytest.mark.django_db
def test_signing_out_of_a_local_session_stays_local(client, fake_hub):
    person = PersonFactory()
    client.force_login(person.user)
    response = client.post("/account/logout/")
    assert response["Location"] == "/"
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_backchannel_logout_from_the_hub_ends_the_subjects_sessions_here(client, fake_hub):
    # given the person is signed in here through the hub, and also here by password in another browser
    _sign_in_through(client, fake_hub)
    hub_session_key = client.session.session_key
    user = get_user_model().objects.get()
    other = type(client)()
    other.force_login(user)
    AccountSession.objects.create(
        user=user, session_key=other.session.session_key, methods=["pwd"], last_seen_at=user.date_joined
    )
    # when the hub reports that the person signed out there (OIDC Back-Channel Logout 1.0)
    response = type(client)().post(
        "/account/hub/backchannel-logout/", {"logout_token": fake_hub.logout_token()}
    )
    # then the hub session here is gone, the password session is not
    assert response.status_code == 200
    assert not SessionStore().exists(hub_session_key)
    assert SessionStore().exists(other.session.session_key)
    assert AccountSession.objects.get(session_key=hub_session_key).end_reason == "hub_logout"
    assert client.get("/account/hub/signed-out/").status_code == 200  # signed out: the page shows


@pytest.mark.django_db
@pytest.mark.parametrize(
    "changes",
    [{"nonce": "x"}, {"events": {}}, {"aud": "someone-else"}, {"sub": None, "sid": "hub-session-1"}],
    ids=["carries a nonce", "no logout event", "another audience", "sid only"],
)
def test_a_backchannel_logout_token_that_does_not_validate_changes_nothing(client, fake_hub, changes):
    _sign_in_through(client, fake_hub)
    key = client.session.session_key
    token = fake_hub.logout_token(**{k: v for k, v in changes.items() if v is not None})
    if changes.get("sub", "") is None:
        claims = jwt.decode(token, KeySet([fake_hub.key])).claims
        claims.pop("sub")
        token = jwt.encode({"alg": "RS256", "kid": "k1"}, claims, KeySet([fake_hub.key]))
    response = type(client)().post("/account/hub/backchannel-logout/", {"logout_token": token})
    assert response.status_code == 400
    assert SessionStore().exists(key)


@pytest.mark.django_db
def test_a_backchannel_logout_token_is_used_once(client, fake_hub):
    _sign_in_through(client, fake_hub)
    token = fake_hub.logout_token()
    assert type(client)().post("/account/hub/backchannel-logout/", {"logout_token": token}).status_code == 200
    assert type(client)().post("/account/hub/backchannel-logout/", {"logout_token": token}).status_code == 400


@pytest.mark.django_db
def test_the_login_page_offers_the_national_account_on_a_node_connected_to_the_hub(
    client, fake_hub, settings
):
    html = client.get("/account/login/", {"next": "/guide/"}).content.decode()
    assert "使用国家政务服务平台账号登录" in html
    assert 'href="/account/hub/login/?next=/guide/"' in html
    settings.HUB_URL = ""
    assert "使用国家政务服务平台账号登录" not in client.get("/account/login/").content.decode()


@pytest.mark.django_db
def test_a_ward_registered_here_by_a_guardian_opens_their_own_account_through_the_hub(client, fake_hub):
    # given a person without a login of their own (registered by a guardian)
    ward = PersonFactory(n=7, name="张三", user=None, mobile="", mobile_index="", assurance_level=3)
    fake_hub.claims["id_number"] = ward.document_number
    # when they sign in through the hub
    _, response = _sign_in_through(client, fake_hub)
    # then their person gets a login, linked to the hub's subject
    assert response.status_code == 302
    ward.refresh_from_db()
    assert ward.user_id is not None
    assert not ward.user.has_usable_password()
    assert HubLink.objects.get().user_id == ward.user_id
    assert Person.objects.count() == 1


@pytest.mark.django_db
def test_a_level_raised_at_the_hub_is_taken_over_at_the_next_sign_in(client, fake_hub):
    _sign_in_through(client, fake_hub)
    client.logout()
    # given the person was checked in person at the hub since (level 5)
    fake_hub.claims["assurance_level"] = 5
    _sign_in_through(client, fake_hub)
    person = Person.objects.get()
    assert person.assurance_level == 5
    assert list(person.assurance_events.values_list("level", "method")) == [(5, "hub"), (4, "hub")]
    assert AuditEntry.objects.filter(action="identity.assurance_raised").count() == 1


@pytest.mark.django_db
def test_a_disabled_local_account_is_not_signed_in_through_the_hub(client, fake_hub):
    _sign_in_through(client, fake_hub)
    client.logout()
    get_user_model().objects.update(is_active=False)
    before = _counts()
    _, response = _sign_in_through(client, fake_hub)
    assert response.status_code == 403
    assert "HUB_ACCOUNT_DISABLED" in response.content.decode()
    assert _counts() == before
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_tokens_naming_unknown_keys_refetch_the_hubs_keys_at_most_once_in_a_while(client, fake_hub):
    # given the node holds the hub's keys
    metadata = hub.provider_metadata()
    hub.provider.key_set(metadata)
    fetched = fake_hub.requests.count("/oauth/jwks/")
    # when ten forged tokens name key ids the hub never published
    for n in range(10):
        forged_key = RSAKey.generate_key(2048, parameters={"kid": f"forged-{n}", "alg": "RS256"})
        token = jwt.encode({"alg": "RS256", "kid": f"forged-{n}"}, {"iss": ISSUER, "sub": "x"}, forged_key)
        with pytest.raises(hub.HubLoginError):
            hub.provider.decode_jwt(token, metadata)
    # then the keys were fetched again once, not ten times
    assert fake_hub.requests.count("/oauth/jwks/") == fetched + 1
