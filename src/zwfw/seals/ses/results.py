"""What verifying reports: the stable reason codes and their messages, the results of checking a seal
and a signature, the error a refused seal raises, and a signature's summary."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TypedDict

from zwfw.core.errors import DomainError


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
