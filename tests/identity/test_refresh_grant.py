"""The refresh grant's leaner path (oidc.validator) keeps every rule of django-oauth-toolkit's:
client authentication on each request, rotation, the old access token revoked and listed, reuse
detection, a concurrent rotation answered with the pair it issued."""

from __future__ import annotations

import base64

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from oauth2_provider.models import AccessToken, RefreshToken
from oauthlib.common import Request

from tests.identity.factories import PersonFactory
from tests.identity.oidc_helpers import make_client, refresh, tokens_for
from zwfw.identity.models import RevokedToken
from zwfw.identity.oidc import clients, revocation
from zwfw.identity.oidc.tokens import unverified_claims
from zwfw.identity.oidc.validator import Validator

pytestmark = pytest.mark.django_db

TOKEN_INFO = "/api/v1/identity/token-info"


@pytest.fixture
def issued():
    person = PersonFactory()
    created = make_client()
    token = tokens_for(person.user, created, scope="openid profile")
    return person, created, token


def bearer(token: str):
    return Client().get(TOKEN_INFO, HTTP_AUTHORIZATION=f"Bearer {token}")


def basic_refresh(refresh_token: str, client_id: str, secret: str):
    credentials = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return Client().post(
        "/oauth/token/",
        {"grant_type": "refresh_token", "refresh_token": refresh_token},
        HTTP_AUTHORIZATION=f"Basic {credentials}",
    )


def test_a_refresh_rotates_the_pair_and_revokes_the_old_access_token(issued):
    # given a token pair from the code flow
    person, created, first = issued
    old = RefreshToken.objects.get(access_token__token=first["access_token"])
    # when the client refreshes
    response = refresh(first["refresh_token"], created)
    # then it gets a new pair in the same family
    assert response.status_code == 200, response.content
    second = response.json()
    assert second["refresh_token"] != first["refresh_token"]
    new = RefreshToken.objects.get(token=second["refresh_token"])
    assert new.token_family == old.token_family
    assert new.user == person.user
    assert new.access_token.source_refresh_token_id == old.pk
    # and the old refresh token is revoked, its access token deleted and its JWT on the list
    old.refresh_from_db()
    assert old.revoked is not None
    assert old.access_token_id is None
    assert not AccessToken.objects.filter(token=first["access_token"]).exists()
    assert RevokedToken.objects.filter(jti=unverified_claims(first["access_token"])["jti"]).exists()
    assert bearer(first["access_token"]).status_code == 401
    assert bearer(second["access_token"]).status_code == 200


def test_a_refresh_costs_eight_statements(issued, monkeypatch):
    # given a warm worker (the client's secret checked once), on a request that does not draw the 1 in
    # 100 chance of pruning expired revocations (one more DELETE: it made this count 9 now and then)
    monkeypatch.setattr(revocation, "_PRUNE_CHANCE", 0.0)
    _, created, first = issued
    second = refresh(first["refresh_token"], created).json()
    # when the client refreshes again
    with CaptureQueriesContext(connection) as queries:
        response = refresh(second["refresh_token"], created)
    # then: client, refresh token (with user and access token), and one transaction of writes
    assert response.status_code == 200, response.content
    statements = [
        q["sql"] for q in queries.captured_queries if not q["sql"].startswith(("BEGIN", "SAVEPOINT"))
    ]
    assert len(statements) <= 8, "\n".join(sql[:200] for sql in statements)  # all of them, when it fails


def test_a_wrong_secret_is_refused_after_the_right_one_was_accepted(issued):
    # given a refresh with the right secret (remembered by this worker)
    _, created, first = issued
    client_id = created.application.client_id
    second = basic_refresh(first["refresh_token"], client_id, created.client_secret).json()
    # when the next refresh comes with a wrong secret (its last character changed, whatever it was)
    wrong = created.client_secret[:-1] + ("y" if created.client_secret.endswith("x") else "x")
    response = basic_refresh(second["refresh_token"], client_id, wrong)
    # then it is refused and the refresh token still works with the right one
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert basic_refresh(second["refresh_token"], client_id, created.client_secret).status_code == 200


def test_a_new_secret_ends_the_old_one_at_once(issued):
    # given a refresh accepted with the client's secret
    _, created, first = issued
    client_id = created.application.client_id
    second = basic_refresh(first["refresh_token"], client_id, created.client_secret).json()
    # when the administrator sets a new secret
    application = created.application
    application.client_secret = "n" * 128
    application.save()
    # then the old secret is refused, the new one accepted
    assert basic_refresh(second["refresh_token"], client_id, created.client_secret).status_code == 401
    assert basic_refresh(second["refresh_token"], client_id, "n" * 128).status_code == 200


def test_another_clients_refresh_token_is_refused_and_nothing_changes(issued):
    # given a refresh token of one client and another confidential client
    _, _, first = issued
    other: clients.CreatedClient = make_client("别的应用")
    # when the other client presents it
    response = refresh(first["refresh_token"], other)
    # then it is refused and the token is untouched
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"
    row = RefreshToken.objects.get(access_token__token=first["access_token"])
    assert row.revoked is None
    assert bearer(first["access_token"]).status_code == 200


def test_a_replayed_refresh_token_revokes_the_family(issued):
    # given a refresh token rotated twice
    _, created, first = issued
    second = refresh(first["refresh_token"], created).json()
    third = refresh(second["refresh_token"], created).json()
    # when the first one is replayed
    assert refresh(first["refresh_token"], created).status_code == 400
    # then the live end of the chain is dead too, and its access token refused
    assert refresh(third["refresh_token"], created).status_code == 400
    assert bearer(third["access_token"]).status_code == 401


def _validated(validator: Validator, refresh_token: str, application) -> Request:
    request = Request("http://testserver/oauth/token/", http_method="POST")
    request.grant_type = "refresh_token"
    request.client = application
    assert validator.validate_refresh_token(refresh_token, application, request)
    return request


def test_two_concurrent_rotations_of_one_token_get_the_same_pair(issued):
    # given two token requests with the same refresh token, both validated before either saved
    _, created, first = issued
    validator = Validator()
    one = _validated(validator, first["refresh_token"], created.application)
    two = _validated(validator, first["refresh_token"], created.application)
    # when both save their new pair, one after the other
    token_one = {"access_token": "a1", "refresh_token": "r1", "scope": "openid profile", "expires_in": 300}
    token_two = {"access_token": "a2", "refresh_token": "r2", "scope": "openid profile", "expires_in": 300}
    validator.save_bearer_token(token_one, one)
    validator.save_bearer_token(token_two, two)
    # then the second answers with the first's pair (DOT's rule), and one pair exists
    assert token_two["access_token"] == "a1"
    assert token_two["refresh_token"] == "r1"
    assert not AccessToken.objects.filter(token="a2").exists()
    assert not RefreshToken.objects.filter(token="r2").exists()


@pytest.mark.parametrize("client_id", ["no-such-client", "nul\x00client"])
def test_an_unknown_or_unstorable_client_id_is_invalid_client(issued, client_id):
    # given a live refresh token
    _, _, first = issued
    # when a client that does not exist (or whose id no database can hold) asks to refresh it
    response = basic_refresh(first["refresh_token"], client_id, "whatever")
    # then it is refused as an unknown client, and the token still works for its own client
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert bearer(first["access_token"]).status_code == 200
