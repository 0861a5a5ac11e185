"""SM2 X.509 certificates and CRLs signed with SM2-with-SM3 (GB/T 20518-2018, GM/T 0015-2012).

cryptography cannot sign with SM2, so the TBSCertificate / TBSCertList is built with asn1crypto
and DER(tbs) is signed with ``gm.sm2_sign`` under the default user ID "1234567812345678"
(GM/T 0015-2012 §7.2.3 / GM/T 0009-2012 §10). The signature value in the BIT STRING is the DER
``SEQUENCE { r, s }`` and the AlgorithmIdentifier carries no parameters, as OpenSSL writes it.

OpenSSL 3.0 and the default ID: ``openssl verify`` uses an *empty* SM2 ID unless told otherwise,
so it verifies these certificates only with ``-vfyopt distid:1234567812345678``, and applies that
option to the certificate being verified alone (openssl/openssl#23471): verify each link
separately (``-partial_chain`` with the issuing CA as the trust anchor), not a whole chain.

Checking a chain (names, validity, key usage, revocation) is the caller's business; this module
only builds, reads and checks signatures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from asn1crypto import algos, core, crl, x509

from zwfw.seals import gm

# RFC 5280 §4.1.2.2: a serial number is a positive integer of at most 20 octets.
_MAX_SERIAL = 2 ** (20 * 8 - 1) - 1

_KEY_USAGES = frozenset(x509.KeyUsage._map.values())


def _sm2_with_sm3() -> dict[str, str]:
    return {"algorithm": gm.SM2_WITH_SM3_OID}


def _utc(value: dt.datetime, what: str) -> dt.datetime:
    if not isinstance(value, dt.datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise TypeError(f"{what} must be an aware datetime")
    # RFC 5280 §4.1.2.5: whole seconds, in UTC.
    return value.astimezone(dt.UTC).replace(microsecond=0)


def _x509_time(value: dt.datetime) -> x509.Time:
    # RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050.
    if 1950 <= value.year <= 2049:
        return x509.Time(name="utc_time", value=value)
    return x509.Time(name="general_time", value=value)


def key_identifier(public_key: bytes) -> bytes:
    """Subject key identifier: the leftmost 160 bits of SM3 over the subjectPublicKey bits.

    RFC 5280 §4.2.1.2 method (1) with SM3 in place of SHA-1, as RFC 7093 allows other hashes.
    """
    return gm.sm3(gm.sm2_public_key_info(public_key)["public_key"].native)[:20]


def _sm2_public_key(certificate: x509.Certificate) -> bytes:
    return gm.sm2_public_key_from_info(certificate["tbs_certificate"]["subject_public_key_info"])


def _issuer_key_identifier(issuer: x509.Certificate, issuer_public_key: bytes) -> bytes:
    existing = issuer.key_identifier
    return bytes(existing) if existing is not None else key_identifier(issuer_public_key)


def _sign(tbs_der: bytes, issuer_private_key: bytes, issuer_public_key: bytes) -> bytes:
    return gm.signature_to_der(gm.sm2_sign(issuer_private_key, tbs_der, public_key=issuer_public_key))


def build_sm2_certificate(
    *,
    subject: Mapping[str, str],
    subject_public_key: bytes,
    issuer_certificate: x509.Certificate | None,
    issuer_private_key: bytes,
    serial_number: int,
    not_before: dt.datetime,
    not_after: dt.datetime,
    is_ca: bool,
    path_length: int | None = None,
    key_usage: set[str],
    extended_key_usage: set[str] | None = None,
) -> bytes:
    """An X.509 v3 certificate (DER) for an SM2 key, signed SM2-with-SM3 by the issuer.

    ``subject`` holds asn1crypto name attributes (``country_name``, ``organization_name``,
    ``common_name``…). ``issuer_certificate`` None makes a self-signed certificate, signed by
    ``issuer_private_key`` which must then belong to ``subject_public_key``. ``key_usage`` uses
    asn1crypto's names (``digital_signature``, ``non_repudiation``, ``key_cert_sign``,
    ``crl_sign``…). Extensions: basicConstraints (critical), keyUsage (critical),
    extendedKeyUsage if given, subjectKeyIdentifier and authorityKeyIdentifier.
    """
    gm.sm2_public_key_info(subject_public_key)  # validates the point
    if isinstance(serial_number, bool) or not isinstance(serial_number, int):
        raise TypeError("serial_number must be an int")
    if not 0 < serial_number <= _MAX_SERIAL:
        raise ValueError("serial_number must be positive and fit 20 octets (RFC 5280 §4.1.2.2)")
    start, end = _utc(not_before, "not_before"), _utc(not_after, "not_after")
    if start >= end:
        raise ValueError("not_before must precede not_after")
    unknown = set(key_usage) - _KEY_USAGES
    if not key_usage or unknown:
        raise ValueError(f"key_usage must be a non-empty set of {sorted(_KEY_USAGES)}; unknown: {sorted(unknown)}")
    # RFC 5280 §4.2.1.3 / §4.2.1.9: keyCertSign only in CA certificates; pathLen only there too.
    if "key_cert_sign" in key_usage and not is_ca:
        raise ValueError("key_cert_sign requires is_ca")
    if path_length is not None and (not is_ca or path_length < 0):
        raise ValueError("path_length is a non-negative number for CA certificates only")

    subject_name = x509.Name.build(dict(subject))
    if issuer_certificate is None:
        issuer_name = subject_name
        issuer_public_key = subject_public_key
        authority_key_id = key_identifier(subject_public_key)
    else:
        if not issuer_certificate.ca:
            raise ValueError("the issuer certificate is not a CA certificate")
        issuer_name = issuer_certificate.subject
        issuer_public_key = _sm2_public_key(issuer_certificate)
        authority_key_id = _issuer_key_identifier(issuer_certificate, issuer_public_key)

    basic_constraints: dict[str, object] = {"ca": is_ca}
    if path_length is not None:
        basic_constraints["path_len_constraint"] = path_length
    extensions: list[dict[str, object]] = [
        {"extn_id": "basic_constraints", "critical": True, "extn_value": basic_constraints},
        {"extn_id": "key_usage", "critical": True, "extn_value": set(key_usage)},
    ]
    if extended_key_usage:
        extensions.append(
            {"extn_id": "extended_key_usage", "critical": False, "extn_value": sorted(extended_key_usage)}
        )
    extensions += [
        {"extn_id": "key_identifier", "critical": False, "extn_value": key_identifier(subject_public_key)},
        {
            "extn_id": "authority_key_identifier",
            "critical": False,
            "extn_value": {"key_identifier": authority_key_id},
        },
    ]

    tbs = x509.TbsCertificate(
        {
            "version": "v3",
            "serial_number": serial_number,
            "signature": _sm2_with_sm3(),
            "issuer": issuer_name,
            "validity": {"not_before": _x509_time(start), "not_after": _x509_time(end)},
            "subject": subject_name,
            "subject_public_key_info": gm.sm2_public_key_info(subject_public_key),
            "extensions": extensions,
        }
    )
    certificate = x509.Certificate(
        {
            "tbs_certificate": tbs,
            "signature_algorithm": _sm2_with_sm3(),
            "signature_value": _sign(tbs.dump(), issuer_private_key, issuer_public_key),
        }
    )
    return bytes(certificate.dump())


def load_sm2_certificate(cert_der: bytes) -> x509.Certificate:
    """Parse a DER certificate completely; ValueError if it is not one."""
    try:
        certificate = x509.Certificate.load(cert_der, strict=True)
        certificate.native  # noqa: B018 — asn1crypto parses lazily; force every field now
    except (ValueError, TypeError, KeyError) as exc:
        raise ValueError("not a DER X.509 certificate") from exc
    return certificate


def public_key_of_sm2_certificate(cert_der: bytes) -> bytes:
    """The 65-byte SM2 public key of a certificate; ValueError if it holds no SM2 key."""
    return _sm2_public_key(load_sm2_certificate(cert_der))


def _verify_signed(
    tbs: core.Sequence,
    outer_algorithm: algos.SignedDigestAlgorithm,
    inner_algorithm: algos.SignedDigestAlgorithm,
    value: core.OctetBitString,
    issuer_der: bytes,
) -> bool:
    try:
        # RFC 5280 §4.1.1.2: the outer algorithm must equal the one inside the signed part.
        if outer_algorithm["algorithm"].dotted != gm.SM2_WITH_SM3_OID:
            return False
        if inner_algorithm["algorithm"].dotted != gm.SM2_WITH_SM3_OID:
            return False
        issuer_public_key = public_key_of_sm2_certificate(issuer_der)
        signature = gm.signature_from_der(value.native)
        signed_bytes = tbs.dump()  # the bytes as received: asn1crypto keeps a parsed value's encoding
    except (ValueError, TypeError, KeyError):
        return False
    return gm.sm2_verify(issuer_public_key, signed_bytes, signature)


def verify_sm2_certificate_signature(cert_der: bytes, issuer_cert_der: bytes) -> bool:
    """Whether ``cert_der`` carries a valid SM2-with-SM3 signature by the key of ``issuer_cert_der``.

    Only the signature: names, validity and extensions are the chain checker's. False, never an
    exception, for anything malformed.
    """
    try:
        certificate = load_sm2_certificate(cert_der)
    except ValueError:
        return False
    return _verify_signed(
        certificate["tbs_certificate"],
        certificate["signature_algorithm"],
        certificate["tbs_certificate"]["signature"],
        certificate["signature_value"],
        issuer_cert_der,
    )


def build_sm2_crl(
    *,
    issuer_certificate: x509.Certificate,
    issuer_private_key: bytes,
    crl_number: int,
    this_update: dt.datetime,
    next_update: dt.datetime,
    revoked: Iterable[tuple[int, dt.datetime]] = (),
) -> bytes:
    """A v2 CRL (DER, RFC 5280 §5) signed SM2-with-SM3; ``revoked`` = (serial, revocation time).

    Extensions: authorityKeyIdentifier and cRLNumber. An empty list omits revokedCertificates
    (RFC 5280 §5.1.2.6).
    """
    if isinstance(crl_number, bool) or not isinstance(crl_number, int) or crl_number < 0:
        raise ValueError("crl_number is a non-negative int")
    start, end = _utc(this_update, "this_update"), _utc(next_update, "next_update")
    if start >= end:
        raise ValueError("this_update must precede next_update")
    issuer_public_key = _sm2_public_key(issuer_certificate)
    entries = [
        {"user_certificate": serial, "revocation_date": _x509_time(_utc(when, "revocation time"))}
        for serial, when in revoked
    ]
    fields: dict[str, object] = {
        "version": "v2",
        "signature": _sm2_with_sm3(),
        "issuer": issuer_certificate.subject,
        "this_update": _x509_time(start),
        "next_update": _x509_time(end),
        "crl_extensions": [
            {
                "extn_id": "authority_key_identifier",
                "critical": False,
                "extn_value": {"key_identifier": _issuer_key_identifier(issuer_certificate, issuer_public_key)},
            },
            {"extn_id": "crl_number", "critical": False, "extn_value": crl_number},
        ],
    }
    if entries:
        fields["revoked_certificates"] = entries
    tbs = crl.TbsCertList(fields)
    certificate_list = crl.CertificateList(
        {
            "tbs_cert_list": tbs,
            "signature_algorithm": _sm2_with_sm3(),
            "signature": _sign(tbs.dump(), issuer_private_key, issuer_public_key),
        }
    )
    return bytes(certificate_list.dump())


def verify_sm2_crl_signature(crl_der: bytes, issuer_cert_der: bytes) -> bool:
    """Whether a DER CRL carries a valid SM2-with-SM3 signature by the issuer's key."""
    try:
        certificate_list = crl.CertificateList.load(crl_der, strict=True)
        certificate_list.native  # noqa: B018 — force the lazy parse
    except (ValueError, TypeError, KeyError):
        return False
    return _verify_signed(
        certificate_list["tbs_cert_list"],
        certificate_list["signature_algorithm"],
        certificate_list["tbs_cert_list"]["signature"],
        certificate_list["signature"],
        issuer_cert_der,
    )
