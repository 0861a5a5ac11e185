"""The node's own API accepts the provider's JWT access tokens, verified locally."""

from __future__ import annotations

import time

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.identity.factories import PersonFactory
from tests.identity.oidc_helpers import make_client, tokens_for
from zwfw.identity.models import Consent, RevokedToken
from zwfw.identity.oidc import revocation
from zwfw.identity.oidc.tokens import unverified_claims

pytestmark = pytest.mark.django_db

TOKEN_INFO = "/api/v1/identity/token-info"


@pytest.fixture
def issued():
    person = PersonFactory()
    created = make_client()
    token = tokens_for(person.user, created, scope="openid profile")
    return person, created, token


def call(path: str, token: str, **extra):
    return Client().get(path, HTTP_AUTHORIZATION=f"Bearer {token}", **extra)


def test_token_info_with_a_bearer_token(issued):
    person, created, token = issued
    response = call(TOKEN_INFO, token["access_token"])
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["client_id"] == created.application.client_id
    assert body["sub"] == unverified_claims(token["access_token"])["sub"]
    assert body["acr"] == "3"
    assert body["account_name"] != person.name  # masked
    assert body["account_name"][0] == person.name[0]


def test_validation_costs_no_query_only_the_subject_lookup(issued):
    # given a warm worker (keys parsed, revocation list loaded)
    _, _, token = issued
    assert call(TOKEN_INFO, token["access_token"]).status_code == 200
    # when the API is called again with the token
    with CaptureQueriesContext(connection) as queries:
        response = call(TOKEN_INFO, token["access_token"])
    # then the only query maps the verified sub to the user (identity, not validation)
    assert response.status_code == 200
    assert len(queries.captured_queries) == 1, [q["sql"] for q in queries.captured_queries]
    sql = queries.captured_queries[0]["sql"]
    assert "identity_pairwisesubject" in sql
    assert "oauth2_provider" not in sql
    assert "identity_revokedtoken" not in sql


def test_personal_endpoints_accept_the_bearer_token(issued):
    _person, _, token = issued
    response = call("/api/v1/identity/me", token["access_token"])
    assert response.status_code == 200, response.content
    assert call("/api/v1/identity/consents", token["access_token"]).status_code == 200


@pytest.mark.parametrize(
    "mangle",
    [
        pytest.param(lambda t: t[:-4] + ("AAAA" if not t.endswith("AAAA") else "BBBB"), id="signature"),
        pytest.param(lambda t: "x" + t, id="header"),
        pytest.param(lambda t: t.split(".")[0] + "." + t.split(".")[1] + ".", id="no-signature"),
        pytest.param(lambda t: "eyJhbGciOiJub25lIn0." + t.split(".")[1] + ".", id="alg-none"),
        pytest.param(lambda t: "not-a-jwt", id="garbage"),
    ],
)
def test_a_tampered_token_is_refused(issued, mangle):
    _, _, token = issued
    response = call(TOKEN_INFO, mangle(token["access_token"]))
    assert response.status_code == 401
    assert response.json()["code"] == "UNAUTHENTICATED"


def test_an_id_token_is_not_an_access_token(issued):
    _, _, token = issued
    assert call(TOKEN_INFO, token["id_token"]).status_code == 401


def test_an_expired_token_is_refused(issued):
    _, _, token = issued
    with time_machine.travel(time.time() + 610):
        assert call(TOKEN_INFO, token["access_token"]).status_code == 401


def test_a_token_of_another_issuer_is_refused(issued, settings):
    _, _, token = issued
    settings.ALLOWED_HOSTS = ["testserver", "other.example"]
    assert call(TOKEN_INFO, token["access_token"], HTTP_HOST="other.example").status_code == 401


def test_revocation_endpoint_takes_effect_at_once(issued):
    _, created, token = issued
    assert call(TOKEN_INFO, token["access_token"]).status_code == 200
    response = Client().post(
        "/oauth/revoke_token/",
        {
            "token": token["access_token"],
            "client_id": created.application.client_id,
            "client_secret": created.client_secret,
        },
    )
    assert response.status_code == 200
    assert RevokedToken.objects.filter(jti=unverified_claims(token["access_token"])["jti"]).exists()
    assert call(TOKEN_INFO, token["access_token"]).status_code == 401


def test_another_workers_revocation_is_picked_up_within_seconds(issued):
    # given a revocation written by another process (only the row, not this process's memory)
    _, _, token = issued
    claims = unverified_claims(token["access_token"])
    assert call(TOKEN_INFO, token["access_token"]).status_code == 200
    import datetime as dt

    RevokedToken.objects.create(
        jti=claims["jti"], expires_at=dt.datetime.fromtimestamp(claims["exp"], tz=dt.UTC)
    )
    # then after the refresh interval this process refuses the token too
    with time_machine.travel(time.time() + revocation.REFRESH_SECONDS + 0.5):
        assert call(TOKEN_INFO, token["access_token"]).status_code == 401


def test_consent_revoke_revokes_the_clients_tokens(issued):
    person, created, token = issued
    consent = Consent.objects.get(user=person.user)
    session = Client()
    session.force_login(person.user)
    response = session.delete(f"/api/v1/identity/consents/{consent.public_id}")
    assert response.status_code == 204
    assert call(TOKEN_INFO, token["access_token"]).status_code == 401
    from tests.identity.oidc_helpers import refresh

    assert refresh(token["refresh_token"], created).status_code == 400


def test_with_a_configured_base_url_the_issuer_is_that_url(settings):
    settings.BASE_URL = "https://node.example"
    settings.OAUTH2_PROVIDER = {**settings.OAUTH2_PROVIDER, "OIDC_ISS_ENDPOINT": "https://node.example"}
    person = PersonFactory()
    created = make_client()
    token = tokens_for(person.user, created, scope="openid")
    claims = unverified_claims(token["access_token"])
    assert claims["iss"] == "https://node.example"
    assert claims["aud"] == ["https://node.example/api/"]
    assert unverified_claims(token["id_token"])["iss"] == "https://node.example"
    assert call(TOKEN_INFO, token["access_token"]).status_code == 200
    assert Client().get("/.well-known/openid-configuration").json()["issuer"] == "https://node.example"


def test_expired_revocations_are_pruned():
    import datetime as dt

    from django.utils import timezone

    RevokedToken.objects.create(jti="old", expires_at=timezone.now() - dt.timedelta(seconds=1))
    RevokedToken.objects.create(jti="live", expires_at=timezone.now() + dt.timedelta(minutes=5))
    assert revocation.prune() == 1
    assert list(RevokedToken.objects.values_list("jti", flat=True)) == ["live"]
