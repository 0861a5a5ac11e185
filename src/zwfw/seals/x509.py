"""X.509 certificates and CRLs of the node's PKI (RFC 5280), for ECDSA P-256 and SM2.

Built with asn1crypto and signed through a callable, so the CA's private key stays in the key
store (an HSM signs the DER of the to-be-signed part the same way). The signature algorithms are
ecdsa-with-SHA256 (RFC 5758) and SM2-with-SM3 (1.2.156.10197.1.501, GB/T 32918 / GM/T 0015, the
value a DER SEQUENCE {r, s} as GM/T 0009 specifies).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from asn1crypto import algos, crl, keys, pem, x509

from zwfw.seals import gm
from zwfw.seals.models import KeyAlgorithm

SignFn = Callable[[bytes], bytes]
"""Signs the DER of a to-be-signed structure; returns the DER signature value."""

_SIGNATURE_ALGORITHMS: dict[str, str] = {
    KeyAlgorithm.ECDSA_P256: "sha256_ecdsa",
    KeyAlgorithm.SM2: gm.SM2_WITH_SM3_OID,
}


def _algorithm(algorithm: str) -> algos.SignedDigestAlgorithm:
    return algos.SignedDigestAlgorithm({"algorithm": _SIGNATURE_ALGORITHMS[algorithm]})


def _time(moment: dt.datetime) -> x509.Time:
    # RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050.
    moment = moment.astimezone(dt.UTC).replace(microsecond=0)
    return x509.Time({"utc_time" if moment.year < 2050 else "general_time": moment})


def public_key_info(algorithm: str, public_key: bytes) -> keys.PublicKeyInfo:
    """SubjectPublicKeyInfo: ECDSA keys are stored as DER SPKI, SM2 keys as the 65-byte point."""
    if algorithm == KeyAlgorithm.SM2:
        return keys.PublicKeyInfo(
            {
                "algorithm": {
                    "algorithm": "ec",
                    "parameters": keys.ECDomainParameters(name="named", value=gm.SM2_CURVE_OID),
                },
                "public_key": public_key,
            }
        )
    return keys.PublicKeyInfo.load(public_key)


def key_identifier(spki: keys.PublicKeyInfo) -> bytes:
    # RFC 5280 §4.2.1.2 method (1): SHA-1 of the subjectPublicKey bits.
    return hashlib.sha1(spki["public_key"].contents[1:], usedforsecurity=False).digest()


@dataclass(frozen=True)
class Subject:
    common_name: str
    organization_name: str = ""
    organizational_unit_name: str = ""
    serial_number: str = ""  # a department's credit code, a seal's code
    country_name: str = "CN"

    def name(self) -> x509.Name:
        parts = {"country_name": self.country_name}
        if self.organization_name:
            parts["organization_name"] = self.organization_name
        if self.organizational_unit_name:
            parts["organizational_unit_name"] = self.organizational_unit_name
        if self.serial_number:
            parts["serial_number"] = self.serial_number
        parts["common_name"] = self.common_name
        return x509.Name.build(parts, use_printable=False)


def build_certificate(
    *,
    algorithm: str,
    subject: Subject,
    subject_public_key: bytes,
    serial_number: int,
    not_before: dt.datetime,
    not_after: dt.datetime,
    issuer: x509.Certificate | None,
    sign: SignFn,
    is_ca: bool,
    path_length: int | None = None,
    crl_url: str = "",
) -> x509.Certificate:
    """A v3 certificate. ``issuer=None`` makes a self-signed root (its own key signs).

    CA certificates: keyCertSign + cRLSign, basicConstraints cA. Seal certificates: digitalSignature
    + nonRepudiation (contentCommitment), the usage PAdES signers need.
    """
    spki = public_key_info(algorithm, subject_public_key)
    own_id = key_identifier(spki)
    if issuer is None:
        issuer_name, authority_id = subject.name(), own_id
    else:
        issuer_name = issuer.subject
        authority_id = issuer.key_identifier or key_identifier(issuer.public_key)
    usage = {"key_cert_sign", "crl_sign"} if is_ca else {"digital_signature", "non_repudiation"}
    extensions = [
        {
            "extn_id": "basic_constraints",
            "critical": True,
            "extn_value": {"ca": is_ca, "path_len_constraint": path_length if is_ca else None},
        },
        {"extn_id": "key_usage", "critical": True, "extn_value": usage},
        {"extn_id": "key_identifier", "critical": False, "extn_value": own_id},
        {"extn_id": "authority_key_identifier", "critical": False, "extn_value": {"key_identifier": authority_id}},
    ]
    if crl_url:
        extensions.append(
            {
                "extn_id": "crl_distribution_points",
                "critical": False,
                "extn_value": [
                    {
                        "distribution_point": x509.DistributionPointName(
                            name="full_name",
                            value=[x509.GeneralName(name="uniform_resource_identifier", value=crl_url)],
                        )
                    }
                ],
            }
        )
    tbs = x509.TbsCertificate(
        {
            "version": "v3",
            "serial_number": serial_number,
            "signature": _algorithm(algorithm),
            "issuer": issuer_name,
            "validity": {"not_before": _time(not_before), "not_after": _time(not_after)},
            "subject": subject.name(),
            "subject_public_key_info": spki,
            "extensions": extensions,
        }
    )
    signature = sign(tbs.dump())
    return x509.Certificate(
        {"tbs_certificate": tbs, "signature_algorithm": _algorithm(algorithm), "signature_value": signature}
    )


@dataclass(frozen=True)
class RevokedEntry:
    serial_number: int
    revoked_at: dt.datetime
    reason: str  # RFC 5280 CRLReason: certificate_hold (停用), cessation_of_operation (注销)


def build_crl(
    *,
    algorithm: str,
    issuer: x509.Certificate,
    number: int,
    this_update: dt.datetime,
    next_update: dt.datetime,
    revoked: Iterable[RevokedEntry],
    sign: SignFn,
) -> crl.CertificateList:
    """A v2 CRL (RFC 5280 §5) with cRLNumber and the issuer's key identifier."""
    entries = [
        {
            "user_certificate": entry.serial_number,
            "revocation_date": _time(entry.revoked_at),
            "crl_entry_extensions": [{"extn_id": "crl_reason", "critical": False, "extn_value": entry.reason}],
        }
        for entry in revoked
    ]
    tbs = crl.TbsCertList(
        {
            "version": "v2",
            "signature": _algorithm(algorithm),
            "issuer": issuer.subject,
            "this_update": _time(this_update),
            "next_update": _time(next_update),
            "revoked_certificates": entries or None,
            "crl_extensions": [
                {"extn_id": "crl_number", "critical": False, "extn_value": number},
                {
                    "extn_id": "authority_key_identifier",
                    "critical": False,
                    "extn_value": {"key_identifier": issuer.key_identifier},
                },
            ],
        }
    )
    return crl.CertificateList(
        {"tbs_cert_list": tbs, "signature_algorithm": _algorithm(algorithm), "signature": sign(tbs.dump())}
    )


def to_pem(certificate: x509.Certificate | bytes) -> str:
    der = certificate if isinstance(certificate, bytes) else certificate.dump()
    return pem.armor("CERTIFICATE", der).decode("ascii")


def load(der: bytes | memoryview) -> x509.Certificate:
    return x509.Certificate.load(bytes(der))

