"""A credential registered twice is refused by the database constraint, never a 500."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from tests.identity.factories import PersonFactory
from zwfw.identity import passkeys
from zwfw.identity.models import Passkey

pytestmark = pytest.mark.django_db


def test_registering_an_already_registered_credential_is_refused_and_keeps_the_first(monkeypatch):
    # given a credential already registered to one person (the attestation check itself is the
    # webauthn library's and is exercised by the browser test; here it returns that credential)
    first, second = PersonFactory(), PersonFactory()
    Passkey.objects.create(user=first.user, name="手机", credential_id="AQID", public_key=b"k")
    monkeypatch.setattr(
        passkeys,
        "verify_registration_response",
        lambda **kwargs: SimpleNamespace(
            credential_id=b"\x01\x02\x03", credential_public_key=b"k2", sign_count=0, user_verified=True
        ),
    )
    rp = passkeys.RelyingParty(rp_id="localhost", origin="http://localhost")
    # when another account registers the same credential id
    with pytest.raises(passkeys.PasskeyRejected, match="已经登记过"):
        passkeys.register(user=second.user, name="平板", credential={}, challenge=b"c", rp=rp)
    # then nothing changed
    assert list(Passkey.objects.values_list("user_id", "name")) == [(first.user.pk, "手机")]
