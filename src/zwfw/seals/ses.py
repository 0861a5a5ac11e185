"""电子印章与电子签章数据 (GB/T 38540-2020, version 4): make, sign, verify, summarise.

An electronic seal (``SESeal``) is made by a seal maker (制章者): the seal's data
(``SES_SealInfo``: header, id, property with the certificates allowed to use it, picture) signed
with the maker's SM2 key. A signature (``SES_Signature``) embeds the whole seal, the SM3 hash of
the signed data and the signing time, signed by a signer (签章者) whose certificate is listed in
the seal.

Encoding choices where the standard leaves room (reference: /work/shared/reference/codes.md):

* ``signedValue`` and ``signature`` (BIT STRING) hold the DER ``SEQUENCE { r, s }`` of the SM2
  signature (GM/T 0009-2012 §7.3), signed SM2-with-SM3 with the default user ID.
* The maker signs DER(SES_SealInfo); the signer signs DER(TBS_Sign).
* Times are whole seconds in UTC (GeneralizedTime ``YYYYMMDDHHMMSSZ``).
* ``certListType`` 2 lists SM3 digests of the certificates; CertDigestObj.type is a
  PrintableString in GB/T 38540 (not an OID), and we write "SM3" there.

Certificate trust (chains, validity, revocation) belongs to the caller's PKI: pass
``check_certificate(cert_der, at) -> None | reason`` and a refusal comes back as
``CERTIFICATE_UNTRUSTED`` with the callback's reason in ``details``.
"""

from __future__ import annotations

import datetime as dt
import hmac
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TypedDict

from asn1crypto import core

from zwfw.core.errors import DomainError
from zwfw.seals import gm, gmcert

SES_ID = "ES"
SES_VERSION = 4
CERT_LIST_CERTIFICATES = 1  # certListType 1: the signers' certificates (DER)
CERT_LIST_DIGESTS = 2  # certListType 2: digests of the signers' certificates
CERT_DIGEST_TYPE = "SM3"

# An honest signer's clock may run a little ahead of ours.
DEFAULT_CLOCK_SKEW = dt.timedelta(minutes=5)

CertificateCheck = Callable[[bytes, dt.datetime], str | None]
"""``check_certificate(cert_der, at)``: None if the certificate is trusted at ``at``, else a reason."""

SignFn = Callable[[bytes], bytes]
"""Signs bytes with an SM2 key held elsewhere (a key store, an HSM): returns r ‖ s (64 bytes),
SM2-with-SM3 with the default user ID, exactly as ``gm.sm2_sign`` does."""


def gettext_noop(message: str) -> str:
    """Marks a message for makemessages without importing Django (this module needs no settings)."""
    return message


# Stable reason codes and their Chinese messages (marked for translation; render with gettext).
REASONS: dict[str, str] = {
    "OK": gettext_noop("验证通过"),
    "MALFORMED": gettext_noop("数据不是有效的 GB/T 38540 电子印章或电子签章结构"),
    "UNSUPPORTED_ALGORITHM": gettext_noop("不支持的签名算法或密钥（仅支持 SM2-with-SM3）"),
    "SEAL_SIGNATURE_INVALID": gettext_noop("电子印章的制章者签名验证失败"),
    "SEAL_OUTSIDE_VALIDITY": gettext_noop("电子印章不在有效期内"),
    "CERTIFICATE_UNTRUSTED": gettext_noop("证书未通过信任检查"),
    "DATA_TAMPERED": gettext_noop("原文与签章时不一致（杂凑值不符），原文可能已被篡改"),
    "SIGNATURE_INVALID": gettext_noop("电子签章的签名值验证失败"),
    "SIGNER_NOT_IN_SEAL": gettext_noop("签章者证书不在电子印章的签章者证书列表中"),
    "SIGNED_OUTSIDE_SEAL_VALIDITY": gettext_noop("签章时间不在电子印章有效期内"),
    "SIGNED_IN_FUTURE": gettext_noop("签章时间晚于当前时间"),
}


# --- ASN.1 (GB/T 38540-2020 §6-§7, version 4) -----------------------------------------------------
# Class and field names are the standard's, spelling included (SES_ESPictrueInfo).


class SES_Header(core.Sequence):
    """印章头."""

    _fields = [
        ("ID", core.IA5String),  # "ES"
        ("version", core.Integer),  # 4
        ("Vid", core.IA5String),  # 厂商标识
    ]


class CertInfoList(core.SequenceOf):
    _child_spec = core.OctetString


class CertDigestObj(core.Sequence):
    _fields = [
        ("type", core.PrintableString),
        ("value", core.OctetString),
    ]


class CertDigestList(core.SequenceOf):
    _child_spec = CertDigestObj


class SES_ESPropertyInfo(core.Sequence):
    """印章属性. ``certList`` is an untagged CHOICE of two SEQUENCE OFs: ``certListType`` says which."""

    def _cert_list_spec(self) -> type[core.Asn1Value] | None:
        return {CERT_LIST_CERTIFICATES: CertInfoList, CERT_LIST_DIGESTS: CertDigestList}.get(
            self["certListType"].native
        )

    _fields = [
        ("type", core.Integer),
        ("name", core.UTF8String),
        ("certListType", core.Integer),
        ("certList", core.Any),
        ("createDate", core.GeneralizedTime),
        ("validStart", core.GeneralizedTime),
        ("validEnd", core.GeneralizedTime),
    ]
    _spec_callbacks = {"certList": _cert_list_spec}


class SES_ESPictrueInfo(core.Sequence):
    """印章图像; width and height in millimetres."""

    _fields = [
        ("type", core.IA5String),
        ("data", core.OctetString),
        ("width", core.Integer),
        ("height", core.Integer),
    ]


class ExtData(core.Sequence):
    _fields = [
        ("extnID", core.ObjectIdentifier),
        ("critical", core.Boolean, {"default": False}),
        ("extnValue", core.OctetString),
    ]


class ExtensionDatas(core.SequenceOf):
    _child_spec = ExtData


class SES_SealInfo(core.Sequence):
    """印章信息: what the seal maker signs."""

    _fields = [
        ("header", SES_Header),
        ("esID", core.IA5String),
        ("property", SES_ESPropertyInfo),
        ("picture", SES_ESPictrueInfo),
        ("extDatas", ExtensionDatas, {"optional": True}),
    ]


class SESeal(core.Sequence):
    """电子印章."""

    _fields = [
        ("eSealInfo", SES_SealInfo),
        ("cert", core.OctetString),  # 制章者证书 (DER)
        ("signAlgID", core.ObjectIdentifier),
        ("signedValue", core.OctetBitString),
    ]


class TBS_Sign(core.Sequence):
    """待签名的签章信息."""

    _fields = [
        ("version", core.Integer),
        ("eseal", SESeal),
        ("timeInfo", core.GeneralizedTime),
        ("dataHash", core.OctetBitString),
        ("propertyInfo", core.IA5String),
        ("extDatas", ExtensionDatas, {"explicit": 0, "optional": True}),
    ]


class SES_Signature(core.Sequence):
    """电子签章."""

    _fields = [
        ("toSign", TBS_Sign),
        ("cert", core.OctetString),  # 签章者证书 (DER)
        ("signatureAlgID", core.ObjectIdentifier),
        ("signature", core.OctetBitString),
        ("timeStamp", core.OctetBitString, {"explicit": 0, "optional": True}),
    ]


# --- results and errors ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SealCheck:
    """The outcome of verifying an electronic seal. ``reason`` is a stable code (see REASONS)."""

    valid: bool
    reason: str
    message: str
    details: str = ""


@dataclass(frozen=True)
class SignatureCheck:
    """The outcome of verifying an electronic signature. ``reason`` is a stable code (see REASONS)."""

    valid: bool
    reason: str
    message: str
    details: str = ""


class SealError(DomainError):
    """Refusal to make or use a seal; ``code`` is one of REASONS."""

    def __init__(self, code: str, details: str = "") -> None:
        super().__init__(code, REASONS[code], details=details or None)


class SignatureSummary(TypedDict):
    es_id: str
    seal_name: str
    seal_type: int
    vendor_id: str
    signer_certificate: bytes
    signer_subject: str
    maker_certificate: bytes
    time_info: dt.datetime
    data_hash: str
    property_info: str
    valid_start: dt.datetime
    valid_end: dt.datetime
    has_timestamp: bool


class _Reject(Exception):
    def __init__(self, reason: str, details: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.details = details


# asn1crypto reports malformed input with these while parsing lazily.
_PARSE_ERRORS = (ValueError, TypeError, KeyError, IndexError, AttributeError)


# --- helpers --------------------------------------------------------------------------------------


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


def _sign(
    message: bytes, public_key: bytes, private_key: bytes | None, sign: SignFn | None, who: str
) -> bytes:
    if (private_key is None) == (sign is None):
        raise TypeError(f"give exactly one of {who}_private_key and {who}_sign")
    if private_key is not None:
        return gm.sm2_sign(private_key, message, public_key=public_key)  # checks the key pair itself
    assert sign is not None
    signature = bytes(sign(message))
    if not gm.sm2_verify(public_key, message, signature):
        raise ValueError(f"{who}_sign did not sign with the key of the {who} certificate")
    return signature


def _load(spec: type[core.Sequence], der: bytes) -> core.Sequence:
    try:
        value = spec.load(der, strict=True)
    except _PARSE_ERRORS as exc:
        raise _Reject("MALFORMED", str(exc)) from exc
    return value


# --- making and signing ---------------------------------------------------------------------------


def make_seal(
    *,
    es_id: str,
    seal_type: int,
    name: str,
    signer_certificates: Sequence[bytes],
    create_date: dt.datetime,
    valid_start: dt.datetime,
    valid_end: dt.datetime,
    picture_type: str,
    picture_data: bytes,
    width_mm: int,
    height_mm: int,
    maker_certificate: bytes,
    maker_private_key: bytes | None = None,
    maker_sign: SignFn | None = None,
    vendor_id: str = "zwfw",
    cert_list_type: int = CERT_LIST_CERTIFICATES,
) -> bytes:
    """制作电子印章: a DER ``SESeal`` (version 4) signed by the seal maker.

    ``signer_certificates`` (DER) are the certificates allowed to sign with the seal; with
    ``cert_list_type`` 2 the seal lists their SM3 digests instead. ``picture_type`` is e.g.
    "PNG", "SVG" or "OFD". The maker signs with ``maker_private_key`` or, for a key kept in a
    key store, ``maker_sign`` (exactly one); either way the key must belong to ``maker_certificate``.
    """
    _ia5(es_id, "es_id")
    _ia5(vendor_id, "vendor_id")
    _ia5(picture_type, "picture_type")
    if not es_id or not picture_type or not name:
        raise ValueError("es_id, name and picture_type must not be empty")
    for number, what in ((seal_type, "seal_type"), (width_mm, "width_mm"), (height_mm, "height_mm")):
        if isinstance(number, bool) or not isinstance(number, int) or number <= 0:
            raise ValueError(f"{what} must be a positive int")
    if not signer_certificates:
        raise ValueError("a seal lists at least one signer certificate")
    start, end = _utc(valid_start, "valid_start"), _utc(valid_end, "valid_end")
    if start >= end:
        raise ValueError("valid_start must precede valid_end")
    for cert_der in signer_certificates:
        gmcert.load_sm2_certificate(cert_der)
    maker_public_key = gmcert.public_key_of_sm2_certificate(maker_certificate)

    cert_list: core.SequenceOf
    if cert_list_type == CERT_LIST_CERTIFICATES:
        cert_list = CertInfoList(list(signer_certificates))
    elif cert_list_type == CERT_LIST_DIGESTS:
        cert_list = CertDigestList(
            [{"type": CERT_DIGEST_TYPE, "value": _cert_digest(cert_der)} for cert_der in signer_certificates]
        )
    else:
        raise ValueError("cert_list_type is 1 (certificates) or 2 (digests)")

    seal_info = SES_SealInfo(
        {
            "header": {"ID": SES_ID, "version": SES_VERSION, "Vid": vendor_id},
            "esID": es_id,
            "property": {
                "type": seal_type,
                "name": name,
                "certListType": cert_list_type,
                "certList": cert_list,
                "createDate": _utc(create_date, "create_date"),
                "validStart": start,
                "validEnd": end,
            },
            "picture": {"type": picture_type, "data": picture_data, "width": width_mm, "height": height_mm},
        }
    )
    signed_value = _sign(seal_info.dump(), maker_public_key, maker_private_key, maker_sign, "maker")
    seal = SESeal(
        {
            "eSealInfo": seal_info,
            "cert": maker_certificate,
            "signAlgID": gm.SM2_WITH_SM3_OID,
            "signedValue": gm.signature_to_der(signed_value),
        }
    )
    return bytes(seal.dump())


def sign_data(
    *,
    data: bytes,
    seal: bytes,
    signer_certificate: bytes,
    signer_private_key: bytes | None = None,
    signer_sign: SignFn | None = None,
    time_info: dt.datetime,
    property_info: str = "",
) -> bytes:
    """电子签章: a DER ``SES_Signature`` over ``data`` (dataHash = SM3(data)) with ``seal``.

    Refuses (``SealError``) to sign with a malformed seal, a seal whose maker signature fails,
    a signer certificate the seal does not list, or a ``time_info`` outside the seal's validity.
    ``property_info`` names the protected range (GB/T 38540: 原文数据的属性), ASCII. The signer
    signs with ``signer_private_key`` or ``signer_sign`` (exactly one), the key of
    ``signer_certificate``.
    """
    _ia5(property_info, "property_info")
    moment = _utc(time_info, "time_info")
    try:
        sealed = _load(SESeal, seal)
        facts = _read_seal(sealed)
        _check_seal(sealed, facts, moment, None)
        signer_public_key = _public_key_of(signer_certificate)
    except _Reject as reject:
        raise SealError(reject.reason, reject.details) from None
    if not facts.lists(signer_certificate):
        raise SealError("SIGNER_NOT_IN_SEAL")
    if not facts.covers(moment):
        raise SealError("SIGNED_OUTSIDE_SEAL_VALIDITY")

    to_sign = TBS_Sign(
        {
            "version": SES_VERSION,
            "eseal": sealed,
            "timeInfo": moment,
            "dataHash": gm.sm3(data),
            "propertyInfo": property_info,
        }
    )
    signature = _sign(to_sign.dump(), signer_public_key, signer_private_key, signer_sign, "signer")
    signed = SES_Signature(
        {
            "toSign": to_sign,
            "cert": signer_certificate,
            "signatureAlgID": gm.SM2_WITH_SM3_OID,
            "signature": gm.signature_to_der(signature),
        }
    )
    return bytes(signed.dump())


# --- verification ---------------------------------------------------------------------------------


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

