"""Verifying electronic seals and signatures (GB/T 38540-2020), and summarising a signature."""

from __future__ import annotations

import datetime as dt
import hmac
from functools import lru_cache

from asn1crypto import core

from zwfw.seals import gm, gmcert
from zwfw.seals.ses.common import (
    CertificateCheck,
    _check_maker_certificate,
    _check_seal,
    _iso,
    _load,
    _maker_refusal,
    _public_key_of,
    _read_seal,
    _read_time,
    _SealFacts,
    _signature_valid,
    _utc,
)
from zwfw.seals.ses.results import (
    _PARSE_ERRORS,
    REASONS,
    SealCheck,
    SealError,
    SignatureCheck,
    SignatureSummary,
    _Reject,
)
from zwfw.seals.ses.structures import SES_VERSION, SES_Signature, SESeal

# An honest signer's clock may run a little ahead of ours.
DEFAULT_CLOCK_SKEW = dt.timedelta(minutes=5)


class _SealDer(bytes):
    """A seal's DER as a cache key: hashed by its tail (the maker's signature value, distinct for
    every seal) rather than all ~50 KB of it on every lookup; compared in full, as bytes are."""

    def __hash__(self) -> int:
        return hash(bytes(self[-96:]))


@lru_cache(maxsize=256)
def _checked_seal(seal_der: _SealDer) -> tuple[_SealFacts, tuple[str, str] | None]:
    """The facts of a seal and the verdict on its maker's signature (``_maker_refusal``).

    Both follow from the exact DER alone, so a process works them out once per seal, not once per
    signature (the maker's SM2 verification costs as much as the signer's). What depends on time or
    on the caller's PKI, the maker's certificate, is checked on every use. A structural refusal
    (MALFORMED, UNSUPPORTED_ALGORITHM) raises and is not remembered. ~50 KB an entry (the key).
    """
    seal = _load(SESeal, seal_der)
    facts = _read_seal(seal)
    return facts, _maker_refusal(seal, facts)


def verify_seal(
    seal_der: bytes, *, at: dt.datetime, check_certificate: CertificateCheck | None = None
) -> SealCheck:
    """Verify an electronic seal at ``at`` (GB/T 38540-2020 seal verification).

    In order: structure (MALFORMED, UNSUPPORTED_ALGORITHM), the maker's signature
    (SEAL_SIGNATURE_INVALID), the maker's certificate via ``check_certificate`` at ``at``
    (CERTIFICATE_UNTRUSTED), ``at`` within validStart..validEnd (SEAL_OUTSIDE_VALIDITY).
    Never raises for bad input; an exception of ``check_certificate`` propagates.
    """
    moment = _utc(at, "at")
    try:
        seal = _load(SESeal, seal_der)
        facts = _read_seal(seal)
        _check_seal(seal, facts, moment, check_certificate)
        if not facts.covers(moment):
            raise _Reject("SEAL_OUTSIDE_VALIDITY", f"{_iso(facts.valid_start)}..{_iso(facts.valid_end)}")
    except _Reject as reject:
        return SealCheck(False, reject.reason, REASONS[reject.reason], reject.details)
    return SealCheck(True, "OK", REASONS["OK"])


def _read_signature(signature_der: bytes) -> tuple[SES_Signature, _SealDer]:
    """The signature with every field parsed but the embedded seal, and the seal's DER to read."""
    signed = _load(SES_Signature, signature_der)
    try:
        to_sign = signed["toSign"]
        if to_sign["version"].native != SES_VERSION:
            raise _Reject("MALFORMED", f"TBS_Sign version {to_sign['version'].native}")
        _read_time(to_sign["timeInfo"])
        # Parse every field now, not lazily later; the seal is parsed on its own from its DER.
        for name in ("dataHash", "propertyInfo", "extDatas"):
            to_sign[name].native  # noqa: B018
        for name in ("cert", "signatureAlgID", "signature", "timeStamp"):
            signed[name].native  # noqa: B018
        seal_der = _SealDer(to_sign["eseal"].dump())
    except _PARSE_ERRORS as exc:
        raise _Reject("MALFORMED", str(exc)) from exc
    return signed, seal_der


def verify_signature(
    signature_der: bytes,
    data: bytes,
    *,
    now: dt.datetime | None = None,
    check_certificate: CertificateCheck | None = None,
    clock_skew: dt.timedelta = DEFAULT_CLOCK_SKEW,
) -> SignatureCheck:
    """Verify an electronic signature over ``data`` (GB/T 38540-2020 signature verification).

    In order: structure (MALFORMED, UNSUPPORTED_ALGORITHM); dataHash = SM3(data)
    (DATA_TAMPERED); the signature over DER(TBS_Sign) with the signer's certificate
    (SIGNATURE_INVALID); the embedded seal's maker signature (SEAL_SIGNATURE_INVALID); the signer's
    certificate in the seal's list (SIGNER_NOT_IN_SEAL); timeInfo within the seal's validity
    (SIGNED_OUTSIDE_SEAL_VALIDITY) and not after ``now`` + ``clock_skew`` (SIGNED_IN_FUTURE); the
    maker's and signer's certificates via ``check_certificate`` (CERTIFICATE_UNTRUSTED).

    ``now`` defaults to the current time. Certificates are checked at ``now``, not at timeInfo: timeInfo is the signer's own claim,
    and backdating it must not revive an expired or revoked certificate. The optional timeStamp
    is not verified here. Never raises for bad input; an exception of ``check_certificate``
    propagates. ``check_certificate`` sees the maker's certificate (a CA certificate, issued by
    the root) as well as the signer's.
    """
    current = _utc(dt.datetime.now(dt.UTC) if now is None else now, "now")
    try:
        signed, seal_der = _read_signature(signature_der)
        facts, maker_refusal = _checked_seal(seal_der)
        to_sign = signed["toSign"]
        if not hmac.compare_digest(bytes(to_sign["dataHash"].native), gm.sm3(data)):
            raise _Reject("DATA_TAMPERED")
        if signed["signatureAlgID"].dotted != gm.SM2_WITH_SM3_OID:
            raise _Reject("UNSUPPORTED_ALGORITHM", signed["signatureAlgID"].dotted)
        signer_certificate = bytes(signed["cert"].native)
        signer_key = _public_key_of(signer_certificate)
        if not _signature_valid(signer_key, to_sign.dump(), signed["signature"]):
            raise _Reject("SIGNATURE_INVALID")
        if maker_refusal is not None:
            raise _Reject(*maker_refusal)
        _check_maker_certificate(facts, current, check_certificate)
        if not facts.lists(signer_certificate):
            raise _Reject("SIGNER_NOT_IN_SEAL")
        signed_at = _read_time(to_sign["timeInfo"])
        if not facts.covers(signed_at):
            raise _Reject("SIGNED_OUTSIDE_SEAL_VALIDITY", _iso(signed_at))
        if signed_at > current + clock_skew:
            raise _Reject("SIGNED_IN_FUTURE", _iso(signed_at))
        if check_certificate is not None:
            refusal = check_certificate(signer_certificate, current)
            if refusal is not None:
                raise _Reject("CERTIFICATE_UNTRUSTED", f"signer: {refusal}")
    except _Reject as reject:
        return SignatureCheck(False, reject.reason, REASONS[reject.reason], reject.details)
    return SignatureCheck(True, "OK", REASONS["OK"])


def parse_signature(signature_der: bytes) -> SignatureSummary:
    """A summary of an electronic signature for reports; checks nothing but structure.

    Raises ``SealError("MALFORMED")`` if it is not a version-4 SES_Signature.
    """
    try:
        signed, seal_der = _read_signature(signature_der)
        facts = _read_seal(_load(SESeal, seal_der))
    except _Reject as reject:
        raise SealError(reject.reason, reject.details) from None
    to_sign = signed["toSign"]
    signer_certificate = bytes(signed["cert"].native)
    try:
        signer_subject = gmcert.load_sm2_certificate(signer_certificate).subject.human_friendly
    except ValueError:
        signer_subject = ""
    return SignatureSummary(
        es_id=facts.es_id,
        seal_name=facts.name,
        seal_type=facts.seal_type,
        vendor_id=facts.vendor_id,
        signer_certificate=signer_certificate,
        signer_subject=signer_subject,
        maker_certificate=facts.maker_certificate,
        time_info=_read_time(to_sign["timeInfo"]),
        data_hash=bytes(to_sign["dataHash"].native).hex(),
        property_info=to_sign["propertyInfo"].native,
        valid_start=facts.valid_start,
        valid_end=facts.valid_end,
        has_timestamp=not isinstance(signed["timeStamp"], core.Void),
    )
