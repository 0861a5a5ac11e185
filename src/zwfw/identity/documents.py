"""证件号码校验: the format of each document type a natural person may register with.

Numbers are normalised first (Unicode NFKC, so full-width ``Ｈ１２３`` typed on a Chinese keyboard
becomes ``H123``; surrounding space removed; letters upper-cased), then checked by type:

- 居民身份证: GB 11643-1999 (``zwfw.core.codes.parse_resident_id``), birth date taken from it.
- 港澳居民来往内地通行证 (回乡证): ``H`` (Hong Kong) or ``M`` (Macao) and 8 digits; the card issued
  since 2013 prints two more digits (the issue count), so ``H``/``M`` + 10 digits is accepted too.
- 台湾居民来往大陆通行证 (台胞证): 8 digits (the card since 2015); older booklets carry 10 characters
  (8 digits and a two-character issue suffix, digits or letters).
- 外国人永久居留身份证: the 2017 card, 15 characters (3-letter ISO 3166 nationality code, 2-digit
  province, 6-digit birth date ``YYMMDD``, then sequence and check digits, whose algorithm is not
  published, so only their form is checked); the 2023 card, 18
  characters starting with ``9`` (province, 3-digit nationality, birth date ``YYYYMMDD``, sequence)
  with the GB 11643 check character (公安部公告 2023: 新版外国人永久居留身份证号码 18 位).
- 护照: Chinese passports ``E`` + 8 digits, ``E`` + letter + 7 digits, or ``G`` + 8 digits (older);
  foreign passports 5 to 17 letters and digits (ICAO Doc 9303 allows up to 9 in the MRZ, but some
  states print longer numbers).

Errors are ``ValidationFailed`` with code ``INVALID_DOCUMENT_NUMBER`` (or ``INVALID_RESIDENT_ID``
from core) and a Chinese message; the number itself never goes into the error details.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from zwfw.core.codes import parse_resident_id, resident_id_check_char
from zwfw.core.errors import ValidationFailed
from zwfw.core.regions import PROVINCES
from zwfw.identity.models import DocumentType

_HK_MACAO = re.compile(r"^[HM]\d{8}(\d{2})?$")
_TAIWAN = re.compile(r"^\d{8}([0-9A-Z]{2})?$")
_FOREIGN_PR_2017 = re.compile(r"^[A-Z]{3}\d{12}$")
_FOREIGN_PR_2023 = re.compile(r"^9\d{16}[0-9X]$")
_CN_PASSPORT = re.compile(r"^(E\d{8}|E[A-HJ-NP-Z]\d{7}|G\d{8})$")
_ANY_PASSPORT = re.compile(r"^[A-Z0-9]{5,17}$")


@dataclass(frozen=True)
class Document:
    """A checked document: its type, the normalised number, and the birth date when it carries one."""

    document_type: str
    number: str
    birth_date: dt.date | None = None


def _invalid(message: str, fault: str) -> ValidationFailed:
    return ValidationFailed(
        "INVALID_DOCUMENT_NUMBER", message, details={"field": "document_number", "fault": fault}
    )


def normalise_number(value: object) -> str:
    """NFKC, strip, upper-case. Non-text input is refused (fault ``type``)."""
    if not isinstance(value, str):
        raise _invalid("证件号码应为文本", "type")
    return unicodedata.normalize("NFKC", value).strip().upper()


def document_type_label(document_type: str) -> str:
    try:
        return DocumentType(document_type).label
    except ValueError:
        return document_type


def validate_document(document_type: str, number: object, *, today: dt.date | None = None) -> Document:
    """Check ``number`` for ``document_type``; return the normalised number and any birth date."""
    if document_type not in DocumentType.values:
        raise ValidationFailed(
            "INVALID_DOCUMENT_TYPE", "不支持的证件类型", details={"field": "document_type"}
        )
    typed = normalise_number(number)
    if not typed:
        raise _invalid("请填写证件号码", "length")
    if document_type == DocumentType.RESIDENT_ID:
        parsed = parse_resident_id(typed, today=today)
        return Document(document_type, parsed.number, parsed.birth_date)
    if document_type == DocumentType.HK_MACAO_PERMIT:
        if not _HK_MACAO.match(typed):
            raise _invalid(
                "港澳居民来往内地通行证号码应为 H 或 M 开头加8位数字（新版证件可为10位数字）", "format"
            )
        return Document(document_type, typed)
    if document_type == DocumentType.TAIWAN_PERMIT:
        if not _TAIWAN.match(typed):
            raise _invalid("台湾居民来往大陆通行证号码应为8位数字（旧版证件为10位）", "format")
        return Document(document_type, typed)
    if document_type == DocumentType.FOREIGN_PERMANENT_RESIDENT:
        return Document(document_type, typed, _foreign_pr_birth_date(typed, today=today))
    # 护照
    if not (_CN_PASSPORT.match(typed) or _ANY_PASSPORT.match(typed)):
        raise _invalid("护照号码应为5至17位字母或数字", "format")
    return Document(document_type, typed)


def _foreign_pr_birth_date(number: str, *, today: dt.date | None) -> dt.date:
    today = today or _today()
    if _FOREIGN_PR_2017.match(number):
        # 2017 card: AAA PP YYMMDD NNNN; the century is the one that puts the birth date in the past.
        if number[3:5] not in PROVINCES:
            raise _invalid("外国人永久居留身份证号码第4-5位应为受理地省级代码", "region")
        yy, mm, dd = int(number[5:7]), int(number[7:9]), int(number[9:11])
        for century in (2000, 1900):
            try:
                born = dt.date(century + yy, mm, dd)
            except ValueError:
                raise _invalid("外国人永久居留身份证号码中的出生日期不是有效日期", "date") from None
            if born <= today:
                return born
        raise _invalid("外国人永久居留身份证号码中的出生日期不是有效日期", "date")
    if _FOREIGN_PR_2023.match(number):
        if number[1:3] not in PROVINCES:
            raise _invalid("外国人永久居留身份证号码第2-3位应为受理地省级代码", "region")
        raw = number[6:14]
        try:
            born = dt.date(int(raw[:4]), int(raw[4:6]), int(raw[6:8]))
        except ValueError:
            raise _invalid("外国人永久居留身份证号码中的出生日期不是有效日期", "date") from None
        if born > today:
            raise _invalid("外国人永久居留身份证号码中的出生日期晚于今天", "date")
        if resident_id_check_char(number[:17]) != number[17]:
            raise _invalid("外国人永久居留身份证号码校验码不正确", "check")
        return born
    raise _invalid("外国人永久居留身份证号码应为15位（3位字母加12位数字）或以9开头的18位", "format")


def _today() -> dt.date:
    from django.utils import timezone

    return timezone.localdate()


def age_on(birth_date: dt.date, day: dt.date) -> int:
    """Full years of age on ``day`` (a person born on 29 February turns a year older on 1 March)."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))
