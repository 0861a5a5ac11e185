"""Passkeys (WebAuthn): options, refusal of bad responses, and each person's passkeys are theirs alone.

The full ceremonies with a real authenticator run in Chromium: tests/identity/test_authn_browser.py.
"""

from __future__ import annotations

import pytest
from django.test import Client

from tests.identity.factories import PASSWORD, PersonFactory
from zwfw.core.models import AuditEntry
from zwfw.identity import passkeys
from zwfw.identity.models import LoginAttempt, Passkey

pytestmark = pytest.mark.django_db

API = "/api/v1/identity"
PAGE = "/account/passkeys/"


def _signed_in(person) -> Client:
    client = Client()
    client.post("/account/login/", {"action": "password", "identifier": person.mobile, "password": PASSWORD})
    assert client.session.get("_auth_user_id") == str(person.user.pk)
    return client


def _passkey(person, name="手机", n=1) -> Passkey:
    return Passkey.objects.create(
        user=person.user,
        name=name,
        credential_id=f"Y3JlZGVudGlhbC0{n}",
        public_key=b"\x01",
        transports=["internal"],
    )


def test_registration_options_ask_for_a_discoverable_credential_and_exclude_existing_ones():
    person = PersonFactory()
    _passkey(person)
    client = _signed_in(person)
    response = client.post(f"{API}/passkeys/registration/options", content_type="application/json")
    assert response.status_code == 200
    options = response.json()
    assert options["rp"]["id"] == "testserver"
    assert options["authenticatorSelection"]["residentKey"] == "preferred"
    assert options["authenticatorSelection"]["userVerification"] == "preferred"
    assert [c["id"] for c in options["excludeCredentials"]] == ["Y3JlZGVudGlhbC0"[:15] + "1"]
    assert person.document_number not in response.content.decode()
    assert client.session[passkeys.REGISTRATION_CHALLENGE] == options["challenge"]


def test_a_bad_registration_response_is_refused_and_nothing_is_kept():
    person = PersonFactory()
    client = _signed_in(person)
    # without options first: no challenge
    response = client.post(
        f"{API}/passkeys/registration",
        {"name": "我的手机", "credential": {"id": "x"}},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "PASSKEY_INVALID"
    # with options, but a forged response
    client.post(f"{API}/passkeys/registration/options", content_type="application/json")
    forged = {
        "id": "AAAA",
        "rawId": "AAAA",
        "type": "public-key",
        "response": {"clientDataJSON": "e30", "attestationObject": "oA"},
    }
    response = client.post(
        f"{API}/passkeys/registration",
        {"name": "我的手机", "credential": forged},
        content_type="application/json",
    )
    assert response.status_code == 400
    # an empty name
    response = client.post(
        f"{API}/passkeys/registration", {"name": " ", "credential": forged}, content_type="application/json"
    )
    assert response.json()["code"] == "PASSKEY_NAME_REQUIRED"
    assert not Passkey.objects.exists()
    assert not AuditEntry.objects.filter(action="identity.passkey_registered").exists()


def test_authentication_options_offer_discoverable_credentials():
    client = Client()
    response = client.post(f"{API}/passkeys/authentication/options", content_type="application/json")
    assert response.status_code == 200
    options = response.json()
    assert options["allowCredentials"] == []
    assert options["rpId"] == "testserver"
    assert options["userVerification"] == "preferred"


def test_an_unknown_or_forged_assertion_is_a_recorded_failed_attempt():
    person = PersonFactory()
    known = _passkey(person)
    client = Client()
    for credential_id in ("bm8tc3VjaC1rZXk", known.credential_id):
        client.post(f"{API}/passkeys/authentication/options", content_type="application/json")
        forged = {
            "id": credential_id,
            "rawId": credential_id,
            "type": "public-key",
            "response": {"clientDataJSON": "e30", "authenticatorData": "AA", "signature": "AA"},
        }
        response = client.post(
            f"{API}/passkeys/authentication", {"credential": forged}, content_type="application/json"
        )
        assert response.status_code == 400
        assert response.json()["code"] == "PASSKEY_INVALID"
    assert client.session.get("_auth_user_id") is None
    attempts = list(LoginAttempt.objects.order_by("id").values_list("user", "method", "reason"))
    assert attempts == [(None, "hwk", "bad_passkey"), (person.user.pk, "hwk", "bad_passkey")]
    audits = AuditEntry.objects.filter(action="identity.sign_in").order_by("seq")
    assert list(audits.values_list("result", flat=True)) == ["failure", "failure"]
    known.refresh_from_db()
    assert known.sign_count == 0
    assert known.last_used_at is None


def test_one_citizen_cannot_list_rename_or_remove_anothers_passkeys():
    alice, bob = PersonFactory(), PersonFactory()
    mine = _passkey(alice, "我的手机", 1)
    bobs = _passkey(bob, "鲍勃的电脑", 2)
    client = _signed_in(alice)
    audits = AuditEntry.objects.count()
    # Alice sees only hers, in the API and on the page
    listed = client.get(f"{API}/passkeys").json()
    assert [p["id"] for p in listed] == [str(mine.public_id)]
    page = client.get(PAGE).content.decode()
    assert "我的手机" in page
    assert "鲍勃的电脑" not in page
    # Bob's passkey is "not found" to her everywhere, and stays as it was
    response = client.delete(f"{API}/passkeys/{bobs.public_id}")
    assert response.status_code == 404
    assert response.json()["code"] == "PASSKEY_NOT_FOUND"
    assert client.post(f"{PAGE}{bobs.public_id}/remove/").status_code == 404
    assert client.post(f"{PAGE}{bobs.public_id}/rename/", {"name": "偷来的"}).status_code == 404
    assert client.delete(f"{API}/passkeys/not-a-uuid").status_code == 404
    bobs.refresh_from_db()
    assert bobs.name == "鲍勃的电脑"
    assert AuditEntry.objects.count() == audits
    # her own can be renamed and removed, audited
    assert client.post(f"{PAGE}{mine.public_id}/rename/", {"name": "旧手机"}).status_code == 302
    mine.refresh_from_db()
    assert mine.name == "旧手机"
    assert client.delete(f"{API}/passkeys/{mine.public_id}").status_code == 204
    assert list(Passkey.objects.values_list("pk", flat=True)) == [bobs.pk]
    assert list(
        AuditEntry.objects.filter(object_type="passkey").order_by("seq").values_list("action", flat=True)
    ) == ["identity.passkey_renamed", "identity.passkey_removed"]


def test_passkey_endpoints_of_the_account_need_a_session():
    anonymous = Client()
    assert anonymous.get(f"{API}/passkeys").status_code == 401
    assert (
        anonymous.post(f"{API}/passkeys/registration/options", content_type="application/json").status_code
        == 401
    )
    assert anonymous.get(PAGE).status_code == 302


def test_the_relying_party_is_the_configured_base_url(settings, rf):
    settings.BASE_URL = "https://zwfw.example.gov.cn"
    rp = passkeys.relying_party(rf.get("/", HTTP_HOST="localhost:8000"))
    assert rp == passkeys.RelyingParty(rp_id="zwfw.example.gov.cn", origin="https://zwfw.example.gov.cn")
    settings.BASE_URL = ""
    rp = passkeys.relying_party(rf.get("/", HTTP_HOST="localhost:8000"))
    assert rp == passkeys.RelyingParty(rp_id="localhost", origin="http://localhost:8000")
