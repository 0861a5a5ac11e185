"""Licence files and credentials for surfaces at the edges of what issuance accepts."""

from __future__ import annotations

import json

import pytest

from tests.identity.factories import PersonFactory
from tests.licenses.hostile.helpers import API, assert_clean_4xx
from tests.licenses.wallet_helpers import license_type, signed_in
from zwfw.licenses import services

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("address", ["杭" * 500, "A" * 500, "😀𠀀𪚥\u200b\u202e杭州", "ﷺ" * 200, "\u0301" * 300])
def test_a_licence_with_an_unusual_surface_downloads(world, people, department, address):
    holder = PersonFactory()
    licence = services.issue_license(
        issuer=services.Issuer(user=people["approver"].user), license_type=license_type("居住证"),
        department=department, holder=holder, surface={"issue_date": "2026-12-01", "address": address},
    )
    client = signed_in(holder.user)
    response = client.get(f"{API}/wallet/{licence.identifier}/file")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")
    assert client.get(f"{API}/wallet/{licence.identifier}/credential").status_code == 200
    assert client.get(f"/licenses/wallet/{licence.identifier}/").status_code == 200


def test_a_lone_surrogate_in_a_new_version_surface(world, people):
    body = json.dumps({"surface": {"address": "XSURX"}, "reason": "住址变更"}).replace("XSURX", "\\ud800")
    response = signed_in(people["approver"].user).post(
        f"{API}/{world['residence'].identifier}/versions", data=body.encode(), content_type="application/json")
    assert_clean_4xx(response)


def test_issue_by_lowercase_x_document_number(world, people):
    from zwfw.identity.indexes import document_index

    holder = PersonFactory(document_number="11010519491231002X", document_index=document_index("resident_id", "11010519491231002X"))
    body = {"type_code": license_type("居住证").code, "holder_document_type": "resident_id",
            "holder_document_number": "11010519491231002x", "surface": {"issue_date": "2026-12-01", "address": "杭州市"},
            "idempotency_key": "lower-x"}
    response = signed_in(people["approver"].user).post(f"{API}/issue", data=json.dumps(body), content_type="application/json")
    assert response.status_code == 201, response.json()
    assert response.json()["identifier"]
    assert holder.licenses.count() == 1 if hasattr(holder, "licenses") else True
