"""A licence as a W3C Verifiable Credential (VC Data Model 2.0), secured as a JWS with the issuer's seal
(VC-JOSE-COSE: ``typ`` = ``vc+jwt``, ES256, the seal's certificate chain in ``x5c``), so standard
credential wallets can hold it and anyone can check it against the node's exported root."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from django.db import transaction
from django.utils import timezone

from zwfw.core.audit import canonical_json
from zwfw.core.errors import Conflict
from zwfw.licenses.models import License
from zwfw.licenses.services import current_status_of, surface_of
from zwfw.seals import pki, signing
from zwfw.seals.keystore import keystore
from zwfw.seals.models import KeyAlgorithm, Seal, SignatureFormat
from zwfw.seals.services import check_usable

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
MEDIA_TYPE = "application/vc+jwt"


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def credential(license: License, *, base_url: str = "") -> dict[str, Any]:
    """The unsecured credential document."""
    base = base_url.rstrip("/")
    subject: dict[str, Any] = {"type": "LicenseHolder", "name": license.holder_name}
    subject.update(surface_of(license))
    document: dict[str, Any] = {
        "@context": [VC_CONTEXT],
        "id": f"urn:gbt36904:{license.identifier}",
        "type": ["VerifiableCredential", "ElectronicLicenseCredential"],
        "name": license.license_type.name,
        "issuer": {"id": f"urn:uscc:{license.issuer.credit_code}", "name": license.issuer.name},
        "validFrom": f"{license.valid_from.isoformat()}T00:00:00+08:00",
        "credentialSubject": subject,
        "credentialStatus": {
            "id": f"{base}/licenses/verify/?identifier={license.identifier}",
            "type": "ZwfwLicenseStatus",
            "status": current_status_of(license),
        },
    }
    if license.valid_until:
        document["validUntil"] = f"{license.valid_until.isoformat()}T23:59:59+08:00"
    return document


@transaction.atomic
def export_credential(license: License, *, base_url: str = "") -> str:
    """The credential as a compact JWS signed by the issuer's seal (the key stays in the key store).

    A use of the seal like any other signature: refused unless the seal signs now (active, within its
    validity: the check of issuance), and recorded (用章记录 and audit) in the same transaction."""
    seal = (
        Seal.objects.select_for_update()
        .select_related("ecdsa_key")
        .defer("image_png", "image_svg")  # the image is not needed to sign data
        .get(code=license.seal_code)
    )
    try:
        check_usable(seal=seal)
    except Conflict as exc:
        raise Conflict(
            "LICENSE_CREDENTIAL_UNAVAILABLE",
            f"可验证凭证暂时无法导出：颁发机构{license.issuer.name}的电子印章目前不能签章（{exc.message}）。"
            "证照本身不受影响，仍可亮证和在线核验；已导出的凭证照常可以验证。",
            details={"seal_code": license.seal_code, "reason": exc.code},
        ) from None
    signed_at = timezone.now()
    chain = signing.chain_der(seal, KeyAlgorithm.ECDSA_P256)
    header = {
        "alg": "ES256",
        "typ": "vc+jwt",
        "cty": "vc",
        "kid": seal.code,
        "x5c": [base64.b64encode(der).decode("ascii") for der in chain],
        "iat": int(signed_at.timestamp()),
    }
    payload = canonical_json(credential(license, base_url=base_url)).encode("utf-8")
    signing_input = f"{_b64url(canonical_json(header).encode())}.{_b64url(payload)}"
    signature = pki.raw_signature(keystore().sign(seal.ecdsa_key, signing_input.encode("ascii")))
    # recorded as the seal module records its own JWS signatures (its record of a use; there is no
    # public one for a signature assembled outside zwfw.seals.signing)
    signing._record(
        actor=signing.SigningActor(system="licenses:credential"),
        seal=seal,
        fmt=SignatureFormat.JWS,
        algorithm="sha256",
        digest=hashlib.sha256(payload).hexdigest(),
        purpose=f"导出可验证凭证 {license.identifier}",
        signed_at=signed_at,
    )
    return f"{signing_input}.{_b64url(signature)}"


def read_credential(token: str) -> dict[str, Any]:
    """The payload of a credential token, unverified (for display; verify with ``verify_credential``)."""
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def verify_credential(token: str) -> dict[str, Any] | None:
    """The credential if its signature verifies with a seal certificate of this node's CA, else None."""
    from zwfw.seals.verification import check_jws

    try:
        header, payload, signature = token.split(".")
        data = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    except (ValueError, AttributeError):
        return None
    if not check_jws(f"{header}..{signature}", data).ok:
        return None
    return json.loads(data)
