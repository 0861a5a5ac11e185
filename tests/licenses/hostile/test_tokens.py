"""亮证 tokens: keys across worker processes, retired keys, masking of disclosed fields."""

from __future__ import annotations

import datetime as dt
import secrets

import pytest
from django.test import Client
from django.utils import timezone

from tests.identity.factories import PersonFactory
from tests.licenses.hostile.helpers import API, call
from tests.licenses.wallet_helpers import license_type
from zwfw.licenses import services, showing
from zwfw.licenses.models import DisplayKey
from zwfw.seals.keystore import keystore
from zwfw.seals.models import KeyAlgorithm

pytestmark = pytest.mark.django_db


def _key_made_by_another_worker() -> DisplayKey:
    """What current_key() does in another server worker: the row appears, this process's
    key set is not told."""
    return DisplayKey.objects.create(kid=secrets.token_urlsafe(12), key=keystore().generate(KeyAlgorithm.ECDSA_P256))


def test_a_key_made_by_another_worker_verifies_here(world):
    # this worker answered /keys.json (or any check) before the node had a display key
    assert Client().get(f"{API}/keys.json").json() == {"keys": []}
    _key_made_by_another_worker()
    # the holder asks this worker for a code: it signs with the new key, then cannot read it back
    response = call(world["alice_client"], "get", f"/wallet/{world['degree'].identifier}/token")
    assert response.status_code == 200, response.json()


def test_a_token_from_another_worker_verifies_here(world):
    assert Client().get(f"{API}/keys.json").json() == {"keys": []}
    _key_made_by_another_worker()
    token = showing.make_token(license=world["degree"], fields=["degree"])  # made "elsewhere" with that key
    response = call(Client(), "post", "/verify/token", {"token": token})
    assert response.status_code == 200, response.json()


def test_the_published_keys_include_a_key_made_by_another_worker(world):
    Client().get(f"{API}/keys.json")
    made = _key_made_by_another_worker()
    kids = [key["kid"] for key in Client().get(f"{API}/keys.json").json()["keys"]]
    assert made.kid in kids


def test_a_retired_key_no_longer_verifies(world):
    token = showing.make_token(license=world["degree"], fields=["degree"])
    DisplayKey.objects.update(retired_at=timezone.now() - dt.timedelta(days=1))
    showing.reset_caches()
    # a key retired a day ago (e.g. after a compromise) still verifies tokens, and is still published
    assert call(Client(), "post", "/verify/token", {"token": token}).status_code != 200


def test_a_date_field_is_masked_to_the_month(world, people, department):
    holder = PersonFactory(name="王小红")
    licence = services.issue_license(
        issuer=services.Issuer(user=people["approver"].user), license_type=license_type("居民户口簿"),
        department=department, holder=holder,
        surface={"sex": "女", "birth_date": "1990-01-15", "relation": "户主", "address": "杭州市西湖区文三路1号",
                 "household_no": "330106001"},
    )
    token = showing.make_token(license=licence, fields=["birth_date"])
    fields = call(Client(), "post", "/verify/token", {"token": token}).json()["fields"]
    assert fields == [{"label": "出生日期", "value": "1990-01"}], fields


def test_mask_of_an_address_without_an_administrative_part(world, people, department):
    licence = services.issue_license(
        issuer=services.Issuer(user=people["approver"].user), license_type=license_type("居住证"),
        department=department, holder=PersonFactory(), surface={"issue_date": "2026-12-01", "address": "文三路100号"},
    )
    token = showing.make_token(license=licence, fields=["address"])
    value = call(Client(), "post", "/verify/token", {"token": token}).json()["fields"][0]["value"]
    assert not any(ch.isdigit() for ch in value), value  # the house number stays hidden


def test_a_token_for_a_superseded_licence_says_so(world, people):
    token = showing.make_token(license=world["residence"], fields=["sex"])
    services.new_version(issuer=services.Issuer(user=people["approver"].user), license=world["residence"],
                         surface={"address": "杭州市滨江区"}, reason="住址变更")
    body = call(Client(), "post", "/verify/token", {"token": token}).json()
    assert body["status"] == "superseded"


def test_show_page_refuses_unknown_fields_cleanly(world):
    response = world["alice_client"].get(
        f"/licenses/wallet/{world['degree'].identifier}/show/", {"chosen": "1", "fields": ["x" * 5000, "\x00"]})
    assert response.status_code == 400


def test_token_page_with_garbage(world):
    for token in ("a" * 3000, "...", "%00", "eyJ.eyJ.sig"):
        response = Client().get(f"/licenses/v/{token}/")
        assert response.status_code in (400, 404, 410), (token, response.status_code)
