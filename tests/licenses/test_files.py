"""Licence files: rendered with the CJK font, signed with the issuer's seal, checked by other tools."""

from __future__ import annotations

import subprocess

import pytest

from tests.identity.factories import PersonFactory
from tests.seals.test_signing import _nss_db, _pdfsig, _pyhanko_status
from zwfw.licenses import rendering, services
from zwfw.licenses.catalogue import ensure_license_types
from zwfw.licenses.models import LicenseFile, LicenseType
from zwfw.seals import verification

pytestmark = pytest.mark.django_db


@pytest.fixture
def licence(seal, people, department):
    ensure_license_types()
    return services.issue_license(
        issuer=services.Issuer(user=people["approver"].user),
        license_type=LicenseType.objects.get(name="医师执业证书"),
        department=department,
        holder=PersonFactory(name="李华"),
        surface={"practice_type": "临床", "practice_scope": "内科专业", "practice_place": "浙江大学医学院附属第一医院",
                 "certificate_no": "110330100012345", "issue_date": "2026-12-01"},
    )


def test_the_licence_file_validates_in_pyhanko_and_pdfsig_and_its_text_extracts(licence, seal, tmp_path, artifacts_dir):
    # when the holder's file is made
    made = rendering.license_file(licence)
    again = rendering.license_file(licence)
    assert again.pk == made.pk  # made once
    pdf = bytes(made.pdf)
    # then pyhanko and pdfsig (with the exported root trusted) find it intact and trusted
    status = _pyhanko_status(pdf)
    assert status.intact
    assert status.valid
    assert status.trusted
    path = tmp_path / "licence.pdf"
    path.write_bytes(pdf)
    out = _pdfsig(path, _nss_db(tmp_path))
    assert "Signature Validation: Signature is Valid." in out, out
    assert "Certificate Validation: Certificate is Trusted." in out, out
    # and its Chinese text extracts
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True).stdout
    for expected in ("医师执业证书", "李华", "内科专业", "浙江大学医学院附属第一医院", licence.identifier, licence.issuer.name):
        assert expected in text.replace("\n", ""), expected
    # and the first page renders to PNG, kept as an artifact
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-singlefile", str(path), str(tmp_path / "page")], check=True)
    (artifacts_dir / "licenses-file-first-page.png").write_bytes((tmp_path / "page.png").read_bytes())
    # and our verifier maps the uploaded file to the licence and its seal
    assert rendering.license_for_pdf(pdf) == licence
    report = verification.verify_pdf(pdf)
    assert (report.valid, report.signatures[0].seal_code) == (True, seal.code)


def test_an_altered_file_maps_to_no_licence(licence):
    pdf = bytearray(rendering.license_file(licence).pdf)
    pdf[pdf.index(b"/Title") + 8] ^= 0x01
    assert rendering.license_for_pdf(bytes(pdf)) is None
    assert LicenseFile.objects.count() == 1
