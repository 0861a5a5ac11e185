"""The ASN.1 structures of electronic seals and signatures (GB/T 38540-2020, version 4), with the
header's constants and the two kinds of signer certificate list."""

from __future__ import annotations

from asn1crypto import core

SES_ID = "ES"
SES_VERSION = 4
CERT_LIST_CERTIFICATES = 1  # certListType 1: the signers' certificates (DER)
CERT_LIST_DIGESTS = 2  # certListType 2: digests of the signers' certificates
CERT_DIGEST_TYPE = "SM3"


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
