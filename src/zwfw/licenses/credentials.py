"""A licence as a W3C Verifiable Credential (VC Data Model 2.0), secured as a JWS with the issuer's seal
(VC-JOSE-COSE: ``typ`` = ``vc+jwt``, ES256, the seal's certificate chain in ``x5c``), so standard
credential wallets can hold it and anyone can check it against the node's exported root."""

from __future__ import annotations

import base64
import json
from typing import Any

from zwfw.core.audit import canonical_json
from zwfw.core.errors import Conflict
from zwfw.licenses.models import License
from zwfw.licenses.services import current_status_of, surface_of
from zwfw.seals import signing
from zwfw.seals.models import Seal

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


def export_credential(license: License, *, base_url: str = "") -> str:
    """The credential as a compact JWS signed by the issuer's seal (the key stays in the key store).

    A use of the seal like any other signature (``signing.sign_compact_jws``): refused unless the seal
    signs now (active, within its validity: the check of issuance), and recorded (用章记录 and audit)."""
    payload = canonical_json(credential(license, base_url=base_url)).encode("utf-8")
    try:
        return signing.sign_compact_jws(
            actor=signing.SigningActor(system="licenses:credential"),
            seal=Seal.objects.only("pk").get(code=license.seal_code),
            header={"typ": "vc+jwt", "cty": "vc"},
            payload=payload,
            purpose=f"导出可验证凭证 {license.identifier}",
        )
    except Conflict as exc:
        if exc.code not in ("SEAL_NOT_ACTIVE", "SEAL_EXPIRED"):  # zwfw.seals.services.check_usable
            raise
        raise Conflict(
            "LICENSE_CREDENTIAL_UNAVAILABLE",
            f"可验证凭证暂时无法导出：颁发机构{license.issuer.name}的电子印章目前不能签章（{exc.message}）。"
            "证照本身不受影响，仍可亮证和在线核验；已导出的凭证照常可以验证。",
            details={"seal_code": license.seal_code, "reason": exc.code},
        ) from None


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
