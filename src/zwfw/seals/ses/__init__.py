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

Modules: ``structures`` (the ASN.1 of GB/T 38540-2020 §6-§7), ``results`` (reason codes, results,
``SealError``, the signature summary), ``common`` (what making and verifying share: times, a seal's
facts, certificate keys, the maker's checks), ``making`` (``make_seal``, ``sign_data``),
``verifying`` (``verify_seal``, ``verify_signature``, ``parse_signature``). Every name callers use is
imported here: ``from zwfw.seals import ses; ses.verify_signature(...)``.
"""

from __future__ import annotations

from zwfw.seals.ses.common import CertificateCheck
from zwfw.seals.ses.making import SignFn, make_seal, sign_data
from zwfw.seals.ses.results import (
    REASONS,
    SealCheck,
    SealError,
    SignatureCheck,
    SignatureSummary,
)
from zwfw.seals.ses.structures import (
    CERT_DIGEST_TYPE,
    CERT_LIST_CERTIFICATES,
    CERT_LIST_DIGESTS,
    SES_ID,
    SES_VERSION,
    CertDigestList,
    CertDigestObj,
    CertInfoList,
    ExtData,
    ExtensionDatas,
    SES_ESPictrueInfo,
    SES_ESPropertyInfo,
    SES_Header,
    SES_SealInfo,
    SES_Signature,
    SESeal,
    TBS_Sign,
)
from zwfw.seals.ses.verifying import DEFAULT_CLOCK_SKEW, parse_signature, verify_seal, verify_signature

__all__ = [
    "CERT_DIGEST_TYPE",
    "CERT_LIST_CERTIFICATES",
    "CERT_LIST_DIGESTS",
    "DEFAULT_CLOCK_SKEW",
    "REASONS",
    "SES_ID",
    "SES_VERSION",
    "CertDigestList",
    "CertDigestObj",
    "CertInfoList",
    "CertificateCheck",
    "ExtData",
    "ExtensionDatas",
    "SES_ESPictrueInfo",
    "SES_ESPropertyInfo",
    "SES_Header",
    "SES_SealInfo",
    "SES_Signature",
    "SESeal",
    "SealCheck",
    "SealError",
    "SignFn",
    "SignatureCheck",
    "SignatureSummary",
    "TBS_Sign",
    "make_seal",
    "parse_signature",
    "sign_data",
    "verify_seal",
    "verify_signature",
]
