"""Signing keys: rotation publishes the new key and keeps the old one until its tokens expire."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.test import Client
from jwcrypto import jwk, jwt

from tests.identity.factories import PersonFactory
from tests.identity.oidc_helpers import make_client, tokens_for
from zwfw.identity import keys

T0 = dt.datetime(2026, 11, 27, 8, 0, tzinfo=dt.UTC)


def test_rotate_publish_and_prune(tmp_path):
    first = keys.rotate_signing_key(tmp_path, now=T0)
    second = keys.rotate_signing_key(tmp_path, now=T0 + dt.timedelta(hours=1))
    # the new key signs, the old one stays published while its tokens may be alive
    soon = T0 + dt.timedelta(hours=1, minutes=5)
    assert keys.published_key_files(tmp_path, retire_after_seconds=660, now=soon) == [first, second]
    assert keys.prune_signing_keys(tmp_path, retire_after_seconds=660, now=soon) == []
    states = [k["state"] for k in keys.describe_signing_keys(tmp_path, retire_after_seconds=660, now=soon)]
    assert states == ["published", "active"]
    # later the old key is retired and pruned
    later = T0 + dt.timedelta(hours=2)
    assert keys.published_key_files(tmp_path, retire_after_seconds=660, now=later) == [second]
    assert keys.prune_signing_keys(tmp_path, retire_after_seconds=660, now=later) == [first]
    assert not first.exists()
    assert second.exists()


def test_oidc_keys_command(tmp_path, settings):
    settings.OIDC_KEYS_DIR = tmp_path
    out = io.StringIO()
    call_command("oidc_keys", "rotate", stdout=out)
    call_command("oidc_keys", "rotate", stdout=out)
    listed = io.StringIO()
    call_command("oidc_keys", "list", stdout=listed)
    described = json.loads(listed.getvalue())
    assert [k["state"] for k in described] == ["published", "active"]
    assert len({k["kid"] for k in described}) == 2
    pruned = io.StringIO()
    call_command("oidc_keys", "prune", stdout=pruned)
    assert json.loads(pruned.getvalue()) == {"removed": []}


@pytest.mark.django_db
def test_tokens_signed_by_the_previous_key_still_verify_after_rotation(tmp_path, settings):
    # given tokens signed by the current key
    person = PersonFactory()
    created = make_client()
    old = tokens_for(person.user, created, scope="openid profile")
    old_pem = settings.OAUTH2_PROVIDER["OIDC_RSA_PRIVATE_KEY"]
    # when a new key is rotated in (workers restarted: active = new, inactive = old)
    new_pem = keys.rotate_signing_key(tmp_path).read_text()
    settings.OAUTH2_PROVIDER = {
        **settings.OAUTH2_PROVIDER,
        "OIDC_RSA_PRIVATE_KEY": new_pem,
        "OIDC_RSA_PRIVATE_KEYS_INACTIVE": [old_pem],
    }
    # then the JWKS publishes both keys
    published = Client().get("/oauth/jwks/").json()["keys"]
    kids = [k["kid"] for k in published]
    old_kid = jwk.JWK.from_pem(old_pem.encode()).thumbprint()
    new_kid = jwk.JWK.from_pem(new_pem.encode()).thumbprint()
    assert kids == [new_kid, old_kid]
    # and the old ID token verifies against the published JWKS
    key_set = jwk.JWKSet.from_json(json.dumps({"keys": published}))
    verified = jwt.JWT(jwt=old["id_token"], key=key_set, check_claims={"aud": created.application.client_id})
    assert json.loads(verified.claims)["aud"] == created.application.client_id
    # and the old access token still works on the API
    response = Client().get("/api/v1/identity/token-info", HTTP_AUTHORIZATION=f"Bearer {old['access_token']}")
    assert response.status_code == 200
    # and new tokens are signed by the new key
    fresh = tokens_for(person.user, created, scope="openid profile")
    for token in (fresh["access_token"], fresh["id_token"]):
        assert jwt.JWT(jwt=token, key=key_set).token.jose_header["kid"] == new_kid
    # once the old key is retired, its tokens are refused
    settings.OAUTH2_PROVIDER = {**settings.OAUTH2_PROVIDER, "OIDC_RSA_PRIVATE_KEYS_INACTIVE": []}
    response = Client().get("/api/v1/identity/token-info", HTTP_AUTHORIZATION=f"Bearer {old['access_token']}")
    assert response.status_code == 401
