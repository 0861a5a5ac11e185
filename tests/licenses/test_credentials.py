"""A licence exported as a W3C Verifiable Credential (VC-JOSE: a JWS with the issuer's seal)."""

from __future__ import annotations

import base64

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.hashes import SHA256

from tests.identity.factories import PersonFactory
from zwfw.licenses import credentials, services
from zwfw.licenses.catalogue import ensure_license_types
from zwfw.licenses.models import LicenseType
from zwfw.seals import pki
from zwfw.seals.models import KeyAlgorithm

pytestmark = pytest.mark.django_db


@pytest.fixture
def licence(seal, people, department):
    ensure_license_types()
    return services.issue_license(
        issuer=services.Issuer(user=people["approver"].user), license_type=LicenseType.objects.get(name="居住证"),
        department=department, holder=PersonFactory(), surface={"issue_date": "2026-12-01"},
    )


def test_the_credential_is_a_vc_signed_by_the_issuers_seal(licence, seal):
    token = credentials.export_credential(licence, base_url="https://zwfw.zj.example")
    document = credentials.verify_credential(token)
    assert document is not None
    assert document["@context"] == ["https://www.w3.org/ns/credentials/v2"]
    assert document["type"] == ["VerifiableCredential", "ElectronicLicenseCredential"]
    assert document["id"] == f"urn:gbt36904:{licence.identifier}"
    assert document["issuer"]["id"] == f"urn:uscc:{licence.issuer.credit_code}"
    assert document["credentialSubject"]["holder_name"] == licence.holder_name
    assert document["validUntil"].startswith(licence.valid_until.isoformat())
    # checked without zwfw: the x5c leaf verifies the JWS and chains to the exported root
    head, payload, signature = token.split(".")
    header = credentials.read_credential(f"x.{head}.x")
    assert (header["typ"], header["alg"]) == ("vc+jwt", "ES256")
    leaf = x509.load_der_x509_certificate(base64.b64decode(header["x5c"][0]))
    ca = x509.load_der_x509_certificate(base64.b64decode(header["x5c"][1]))
    root = x509.load_pem_x509_certificate(pki.root_pem(KeyAlgorithm.ECDSA_P256).encode())
    leaf.verify_directly_issued_by(ca)
    ca.verify_directly_issued_by(root)
    raw = base64.urlsafe_b64decode(signature + "==")
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    leaf.public_key().verify(der, f"{head}.{payload}".encode(), ec.ECDSA(SHA256()))


def test_a_changed_credential_does_not_verify(licence):
    token = credentials.export_credential(licence)
    head, _payload, signature = token.split(".")
    document = credentials.read_credential(token)
    document["credentialSubject"]["holder_name"] = "别人"
    import json

    forged = base64.urlsafe_b64encode(json.dumps(document).encode()).rstrip(b"=").decode()
    assert credentials.verify_credential(f"{head}.{forged}.{signature}") is None
    assert credentials.verify_credential("garbage") is None
