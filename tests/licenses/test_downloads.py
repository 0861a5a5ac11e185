"""The wallet's licence file and credential downloads, and the public check by uploaded file."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.identity.factories import PersonFactory
from zwfw.licenses import credentials, services
from zwfw.licenses.catalogue import ensure_license_types
from zwfw.licenses.models import LicenseFile, LicenseType

pytestmark = pytest.mark.django_db


@pytest.fixture
def holder_and_licence(seal, people, department):
    ensure_license_types()
    holder = PersonFactory()
    licence = services.issue_license(
        issuer=services.Issuer(user=people["approver"].user), license_type=LicenseType.objects.get(name="居住证"),
        department=department, holder=holder, surface={"issue_date": "2026-12-01"},
    )
    client = Client()
    client.force_login(holder.user)
    return holder, licence, client


def test_the_holder_downloads_the_signed_file_and_the_credential(holder_and_licence):
    _holder, licence, client = holder_and_licence
    response = client.get(f"/licenses/wallet/{licence.identifier}/file.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert LicenseFile.objects.get().license == licence
    vc = client.get(f"/licenses/wallet/{licence.identifier}/credential.jwt")
    assert (vc.status_code, vc["Content-Type"]) == (200, "application/vc+jwt")
    assert credentials.verify_credential(vc.content.decode())["id"] == f"urn:gbt36904:{licence.identifier}"


def test_another_citizen_cannot_download(holder_and_licence):
    _, licence, _ = holder_and_licence
    stranger = Client()
    stranger.force_login(PersonFactory().user)
    for suffix in ("file.pdf", "credential.jwt"):
        assert stranger.get(f"/licenses/wallet/{licence.identifier}/{suffix}").status_code == 404
    assert Client().get(f"/licenses/wallet/{licence.identifier}/file.pdf").status_code == 302  # to sign-in
    assert LicenseFile.objects.count() == 0


def test_an_uploaded_licence_file_shows_validity_only_and_its_current_status(holder_and_licence, people):
    from django.core.files.uploadedfile import SimpleUploadedFile

    _, licence, client = holder_and_licence
    pdf = client.get(f"/licenses/wallet/{licence.identifier}/file.pdf").content
    page = Client().post("/licenses/verify/", {"file": SimpleUploadedFile("l.pdf", pdf, "application/pdf")})
    text = page.content.decode()
    assert page.status_code == 200
    assert "居住证" in text
    assert "有效" in text
    assert licence.holder_name not in text  # validity only
    services.change_status(issuer=services.Issuer(user=people["approver"].user), license=licence, action="revoke", reason="x")
    page = Client().post("/licenses/verify/", {"file": SimpleUploadedFile("l.pdf", pdf, "application/pdf")})
    assert "吊销" in page.content.decode()
    changed = bytearray(pdf)
    changed[changed.index(b"/Title") + 8] ^= 1
    page = Client().post("/licenses/verify/", {"file": SimpleUploadedFile("l.pdf", bytes(changed), "application/pdf")})
    assert "无法核验" in page.content.decode()
    garbage = Client().post("/licenses/verify/", {"file": SimpleUploadedFile("l.pdf", b"nope", "application/pdf")})
    assert garbage.status_code == 400


def test_the_files_qr_link_opens_the_check_with_the_identifier_filled_in(holder_and_licence):
    _, licence, _ = holder_and_licence
    page = Client().get("/licenses/verify/", {"identifier": licence.identifier})
    assert f'value="{licence.identifier}"' in page.content.decode()


def test_the_api_serves_the_file_the_credential_and_the_check_by_file(holder_and_licence):
    from django.core.files.uploadedfile import SimpleUploadedFile

    _, licence, client = holder_and_licence
    pdf = client.get(f"/api/v1/licenses/wallet/{licence.identifier}/file")
    assert (pdf.status_code, pdf["Content-Type"]) == (200, "application/pdf")
    vc = client.get(f"/api/v1/licenses/wallet/{licence.identifier}/credential")
    assert credentials.verify_credential(vc.content.decode()) is not None
    checked = Client().post("/api/v1/licenses/verify/pdf", {"file": SimpleUploadedFile("l.pdf", pdf.content, "application/pdf")})
    body = checked.json()
    assert checked.status_code == 200
    assert body["signature_valid"] is True
    assert body["license"]["status"] == "valid"
    assert "surface" not in body["license"]
    junk = Client().post("/api/v1/licenses/verify/pdf", {"file": SimpleUploadedFile("l.pdf", b"junk", "application/pdf")})
    assert (junk.status_code, junk.json()["code"]) == (400, "PDF_INVALID")
