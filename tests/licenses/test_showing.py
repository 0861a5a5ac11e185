"""亮证 tokens: short-lived, signed by the node's published key, disclosing only chosen fields."""

from __future__ import annotations

import datetime as dt

import pytest
from joserfc import jws
from joserfc.jwk import KeySet

from tests.identity.factories import PersonFactory
from zwfw.core.errors import PermissionDenied, ValidationFailed
from zwfw.licenses import services, showing
from zwfw.licenses.catalogue import ensure_license_types
from zwfw.licenses.models import LicenseType

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_keys():
    showing.reset_caches()
    yield
    showing.reset_caches()


@pytest.fixture
def degree(seal, people, department):
    ensure_license_types()
    holder = PersonFactory(name="张晓明")
    return services.issue_license(
        issuer=services.Issuer(user=people["approver"].user),
        license_type=LicenseType.objects.get(name="学位证书"),
        department=department,
        holder=holder,
        surface={"degree": "工学学士", "discipline": "工学", "institution": "浙江大学", "certificate_no": "1033532026001234",
                 "awarded_on": "2026-06-30"},
    )


def test_a_token_shows_only_the_chosen_fields_masked(degree):
    token = showing.make_token(license=degree, fields=["holder_name", "degree", "holder_id"])
    shown = showing.show(showing.read_token(token))
    assert shown.status == "valid"
    assert dict(shown.fields) == {
        "姓名": "张晓明",
        "公民身份号码": showing.mask_resident_id(degree.holder_person.document_number),
        "学位": "工学学士",
    }
    assert "浙江大学" not in str(shown)


def test_the_token_verifies_offline_against_the_published_keys(degree):
    token = showing.make_token(license=degree, fields=["degree"])
    published = KeySet.import_key_set(showing.jwks())
    assert all("d" not in key for key in showing.jwks()["keys"])  # public parts only
    parsed = jws.deserialize_compact(token, published, algorithms=["ES256"], registry=showing._REGISTRY)
    assert b'"lic"' in parsed.payload


def test_an_expired_or_tampered_token_is_refused(degree):
    past = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=4)
    old = showing.make_token(license=degree, fields=["degree"], now=past)
    with pytest.raises(showing.TokenRefused) as caught:
        showing.read_token(old)
    assert caught.value.code == "LICENSE_TOKEN_EXPIRED"
    token = showing.make_token(license=degree, fields=["degree"])
    head, payload, signature = token.split(".")
    forged_payload = payload[:-2] + ("A" if payload[-2] != "A" else "B") + payload[-1]
    for bad in (f"{head}.{forged_payload}.{signature}", "x.y.z", "", "a" * 3000):
        with pytest.raises(showing.TokenRefused):
            showing.read_token(bad)


def test_a_token_never_lives_longer_than_three_minutes(degree):
    with pytest.raises(ValidationFailed):
        showing.make_token(license=degree, fields=["degree"], seconds=181)


def test_undisclosable_fields_and_invalid_licences_cannot_be_shown(degree, people):
    ensure_license_types()
    with pytest.raises(ValidationFailed):
        showing.make_token(license=degree, fields=["not_a_field"])
    services.change_status(issuer=services.Issuer(user=people["approver"].user), license=degree, action="revoke", reason="学位撤销")
    with pytest.raises(PermissionDenied):
        showing.make_token(license=degree, fields=["degree"])


def test_a_token_made_before_revocation_shows_the_new_status(degree, people):
    token = showing.make_token(license=degree, fields=["degree"])
    services.change_status(issuer=services.Issuer(user=people["approver"].user), license=degree, action="revoke", reason="学位撤销")
    shown = showing.show(showing.read_token(token))
    assert (shown.status, shown.status_label) == ("revoked", "吊销")


def test_the_first_scan_of_a_token_goes_into_the_holders_use_record_once(degree):
    from zwfw.licenses import selectors

    token = showing.make_token(license=degree, fields=["degree"])
    for _ in range(3):
        showing.show(showing.read_token(token))
    uses = list(selectors.uses_of(degree))
    assert [(use.channel, use.purpose) for use in uses] == [("show", "亮证核验")]
    # a fresh token is a new showing
    showing.show(showing.read_token(showing.make_token(license=degree, fields=["degree"])))
    assert selectors.uses_of(degree).count() == 2


def test_fields_come_in_the_types_order(degree):
    token = showing.make_token(license=degree, fields=["institution", "holder_name", "degree"])
    assert [label for label, _ in showing.show(showing.read_token(token)).fields] == ["姓名", "学位", "授予单位"]
