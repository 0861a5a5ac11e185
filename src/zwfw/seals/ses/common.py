"""What making, signing and verifying share: aware times in UTC and ASCII checks, a seal's facts read
from its DER, the SM2 key of a certificate, the maker's signature and certificate checked."""

from __future__ import annotations

import datetime as dt
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from asn1crypto import core

from zwfw.seals import gm, gmcert
from zwfw.seals.ses.results import _PARSE_ERRORS, _Reject
from zwfw.seals.ses.structures import (
    CERT_DIGEST_TYPE,
    CERT_LIST_CERTIFICATES,
    CERT_LIST_DIGESTS,
    SES_ID,
    SES_VERSION,
    CertDigestList,
    CertInfoList,
    SESeal,
)

CertificateCheck = Callable[[bytes, dt.datetime], str | None]
"""``check_certificate(cert_der, at)``: None if the certificate is trusted at ``at``, else a reason."""


def _utc(value: dt.datetime, what: str) -> dt.datetime:
    if not isinstance(value, dt.datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise TypeError(f"{what} must be an aware datetime")
    return value.astimezone(dt.UTC).replace(microsecond=0)


def _ia5(value: str, what: str) -> str:
    if not isinstance(value, str) or not value.isascii():
        raise ValueError(f"{what} must be an ASCII (IA5String) str")
    return value


def _read_time(value: core.GeneralizedTime) -> dt.datetime:
    moment = value.native
    # X.690 §11.7: DER GeneralizedTime is UTC ("Z"); a local time cannot be compared.
    if not isinstance(moment, dt.datetime) or moment.tzinfo is None:
        raise ValueError("GeneralizedTime without a UTC designator")
    return moment


def _iso(moment: dt.datetime) -> str:
    return f"{moment:%Y-%m-%dT%H:%M:%SZ}"


def _cert_digest(cert_der: bytes) -> bytes:
    return gm.sm3(cert_der)


@dataclass(frozen=True)
class _SealFacts:
    es_id: str
    name: str
    seal_type: int
    vendor_id: str
    cert_list_type: int
    cert_list: tuple[tuple[str, bytes], ...]  # ("", DER) for type 1, (digest type, digest) for 2
    valid_start: dt.datetime
    valid_end: dt.datetime
    maker_certificate: bytes

    def lists(self, cert_der: bytes) -> bool:
        if self.cert_list_type == CERT_LIST_CERTIFICATES:
            return any(hmac.compare_digest(listed, cert_der) for _, listed in self.cert_list)
        digest = _cert_digest(cert_der)
        return any(
            kind.upper() in (CERT_DIGEST_TYPE, gm.SM3_OID) and hmac.compare_digest(listed, digest)
            for kind, listed in self.cert_list
        )

    def covers(self, moment: dt.datetime) -> bool:
        return self.valid_start <= moment <= self.valid_end


def _read_seal(seal: SESeal) -> _SealFacts:
    """The seal's facts, or _Reject(MALFORMED / UNSUPPORTED_ALGORITHM). The signature is not checked."""
    try:
        info = seal["eSealInfo"]
        header = info["header"]
        if header["ID"].native != SES_ID or header["version"].native != SES_VERSION:
            raise _Reject("MALFORMED", f"header {header['ID'].native!r} v{header['version'].native}")
        prop = info["property"]
        cert_list_type = prop["certListType"].native
        entries = prop["certList"]
        if cert_list_type == CERT_LIST_CERTIFICATES and isinstance(entries, CertInfoList):
            cert_list = tuple(("", bytes(entry.native)) for entry in entries)
        elif cert_list_type == CERT_LIST_DIGESTS and isinstance(entries, CertDigestList):
            cert_list = tuple((entry["type"].native, bytes(entry["value"].native)) for entry in entries)
        else:
            raise _Reject("MALFORMED", f"certListType {cert_list_type}")
        facts = _SealFacts(
            es_id=info["esID"].native,
            name=prop["name"].native,
            seal_type=prop["type"].native,
            vendor_id=header["Vid"].native,
            cert_list_type=cert_list_type,
            cert_list=cert_list,
            valid_start=_read_time(prop["validStart"]),
            valid_end=_read_time(prop["validEnd"]),
            maker_certificate=bytes(seal["cert"].native),
        )
        algorithm = seal["signAlgID"].dotted
        seal["signedValue"].native  # noqa: B018 — a BIT STRING with unused bits is malformed here
        info.native  # noqa: B018 — parse every field now, not lazily later
    except _PARSE_ERRORS as exc:
        raise _Reject("MALFORMED", str(exc)) from exc
    if algorithm != gm.SM2_WITH_SM3_OID:
        raise _Reject("UNSUPPORTED_ALGORITHM", algorithm)
    return facts


@lru_cache(maxsize=1024)
def _public_key_of(cert_der: bytes) -> bytes:
    """The SM2 key of a certificate (parsed once per process per exact DER; a refusal is not remembered)."""
    try:
        certificate = gmcert.load_sm2_certificate(cert_der)
    except ValueError as exc:
        raise _Reject("MALFORMED", "certificate is not DER X.509") from exc
    try:
        return gm.sm2_public_key_from_info(certificate["tbs_certificate"]["subject_public_key_info"])
    except ValueError as exc:
        raise _Reject("UNSUPPORTED_ALGORITHM", "certificate key is not SM2") from exc


def _signature_valid(public_key: bytes, signed: bytes, value: core.OctetBitString) -> bool:
    try:
        signature = gm.signature_from_der(value.native)
    except ValueError:
        return False
    return gm.sm2_verify(public_key, signed, signature)


def _maker_refusal(seal: SESeal, facts: _SealFacts) -> tuple[str, str] | None:
    """(reason, details) when the maker's signature over DER(SES_SealInfo) fails, else None."""
    try:
        maker_key = _public_key_of(facts.maker_certificate)
    except _Reject as reject:
        return reject.reason, reject.details
    if not _signature_valid(maker_key, seal["eSealInfo"].dump(), seal["signedValue"]):
        return "SEAL_SIGNATURE_INVALID", ""
    return None


def _check_maker_certificate(
    facts: _SealFacts, at: dt.datetime, check_certificate: CertificateCheck | None
) -> None:
    if check_certificate is not None:
        refusal = check_certificate(facts.maker_certificate, at)
        if refusal is not None:
            raise _Reject("CERTIFICATE_UNTRUSTED", f"maker: {refusal}")


def _check_seal(
    seal: SESeal, facts: _SealFacts, at: dt.datetime, check_certificate: CertificateCheck | None
) -> None:
    """GB/T 38540-2020 seal verification, less the validity window: maker's signature, maker's cert."""
    refusal = _maker_refusal(seal, facts)
    if refusal is not None:
        raise _Reject(*refusal)
    _check_maker_certificate(facts, at, check_certificate)


def _load(spec: type[core.Sequence], der: bytes) -> core.Sequence:
    try:
        value = spec.load(der, strict=True)
    except _PARSE_ERRORS as exc:
        raise _Reject("MALFORMED", str(exc)) from exc
    return value
