"""Password and client-secret hashing: Argon2id for passwords, a cheap salted hash for random client secrets."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import check_password, identify_hasher, make_password
from oauth2_provider.models import Application

from zwfw.identity.passwords import ClientSecretHasher

pytestmark = pytest.mark.django_db


def test_passwords_are_hashed_with_argon2id_owasp_parameters():
    encoded = make_password("correct horse battery staple")
    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert check_password("correct horse battery staple", encoded)


def test_client_secrets_use_the_secret_hasher_and_still_verify():
    app = Application.objects.create(
        name="rp",
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris="https://rp.example/cb",
        client_secret="s" * 128,
        algorithm=Application.RS256_ALGORITHM,
    )
    stored = Application.objects.get(pk=app.pk).client_secret
    assert isinstance(identify_hasher(stored), ClientSecretHasher)
    assert "s" * 128 not in stored
    assert check_password("s" * 128, stored)
    assert not check_password("s" * 127 + "t", stored)
