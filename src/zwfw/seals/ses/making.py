"""Making an electronic seal (制作电子印章) and signing data with it (电子签章)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from asn1crypto import core

from zwfw.seals import gm, gmcert
from zwfw.seals.ses.common import _cert_digest, _check_seal, _ia5, _load, _public_key_of, _read_seal, _utc
from zwfw.seals.ses.results import SealError, _Reject
from zwfw.seals.ses.structures import (
    CERT_DIGEST_TYPE,
    CERT_LIST_CERTIFICATES,
    CERT_LIST_DIGESTS,
    SES_ID,
    SES_VERSION,
    CertDigestList,
    CertInfoList,
    SES_SealInfo,
    SES_Signature,
    SESeal,
    TBS_Sign,
)

SignFn = Callable[[bytes], bytes]
"""Signs bytes with an SM2 key held elsewhere (a key store, an HSM): returns r ‖ s (64 bytes),
SM2-with-SM3 with the default user ID, exactly as ``gm.sm2_sign`` does."""


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
