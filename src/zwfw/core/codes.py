"""Validators and check-character helpers for national codes.

- 公民身份号码: GB 11643-1999 (check character: ISO 7064 MOD 11-2);
- 统一社会信用代码: GB 32100-2015 with amendment No.1 (2016), whose subject identifier is the
  GB 11714-1997 organisation code with its own check character;
- 行政区划代码: GB/T 2260 (province-level table in ``zwfw.core.regions``).

Every validator returns the parsed parts or raises ``InvalidCode`` naming the exact fault, one of:
``type`` (the value is not text: None, a number, bytes ...), ``length``, ``character``, ``region``,
``date``, ``check``, ``category``. A character fault names the character as it was typed (before
upper-casing); an invisible or whitespace character is shown as its code point (U+0000). The
``is_valid_*`` helpers return False for every invalid value, whatever its type, and never raise.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from zwfw.core.errors import ValidationFailed
from zwfw.core.regions import NATIONAL_REGION_CODE, PROVINCES, province_name

__all__ = [
    "CreditCode",
    "InvalidCode",
    "ResidentId",
    "credit_code_check_char",
    "is_valid_credit_code",
    "is_valid_resident_id",
    "iso7064_mod37_36_check_char",
    "org_code_check_char",
    "parse_credit_code",
    "parse_resident_id",
    "province_name",
    "resident_id_check_char",
    "validate_region_code",
]

Fault = Literal["type", "length", "character", "region", "date", "check", "category", "format"]


class InvalidCode(ValidationFailed):
    """A code failed validation. ``fault`` says which rule: type, length, character, region, date, check,
    category, or format (the structure of a composite code: a licence identifier's root or fields, a
    case number's sequence; see ``zwfw.licenses.identifiers`` and ``zwfw.cases.numbers``)."""

    def __init__(self, code: str, message: str, *, fault: Fault, value: str | None = None) -> None:
        details: dict[str, str] = {"fault": fault}
        if value is not None:
            details["value"] = value
        super().__init__(code, message, details=details)
        self.fault = fault


def _require_text(value: object, code: str, what: str) -> str:
    """``value`` stripped, or InvalidCode(fault="type") when it is not a str (bytes included)."""
    if not isinstance(value, str):
        raise InvalidCode(code, f"{what}应为文本", fault="type")
    return value.strip()


def _shown(ch: str) -> str:
    """A character for a message: as typed, quoted; an invisible or whitespace one as U+XXXX."""
    return f"'{ch}'" if ch.isprintable() and not ch.isspace() else f"U+{ord(ch):04X}"


# ---------------------------------------------------------------------------------------------
# 公民身份号码 — GB 11643-1999
# ---------------------------------------------------------------------------------------------

# Weight of position i (1..17) is 2^(18-i) mod 11; check = "10X98765432"[sum mod 11] (ISO 7064 MOD 11-2).
_ID_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
_ID_CHECK = "10X98765432"

# 《港澳台居民居住证申领发放办法》(2018): residence-permit numbers follow GB 11643 with these
# address codes; 83 is not a GB/T 2260 province, so it is admitted here, for ID numbers only.
_RESIDENCE_PERMIT_REGIONS = {"81": "香港", "82": "澳门", "83": "台湾"}


@dataclass(frozen=True)
class ResidentId:
    """A parsed 公民身份号码."""

    number: str  # 18 characters, check character uppercase
    region_code: str  # 6-digit address code: the place of first registration
    province_code: str  # NN0000
    province_name: str
    birth_date: dt.date
    sex: Literal["male", "female"]
    sequence: str  # 3 digits; odd = male, even = female


def resident_id_check_char(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError("first17 must be 17 ASCII digits")
    total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def _id_error(message: str, fault: Fault, value: str) -> InvalidCode:
    # The number itself is personal data: error details (which end up in responses and logs) omit it.
    return InvalidCode("INVALID_RESIDENT_ID", message, fault=fault)


def parse_resident_id(value: str, *, today: dt.date | None = None) -> ResidentId:
    """Parse a 公民身份号码 (GB 11643-1999); accepts lowercase x and surrounding whitespace.

    ``today`` (default: today in the node's time zone, Asia/Shanghai) bounds the birth date.
    """
    typed = _require_text(value, "INVALID_RESIDENT_ID", "公民身份号码")
    if len(typed) != 18:
        raise _id_error(f"公民身份号码应为18位，实际为{len(typed)}位", "length", typed)
    for pos, ch in enumerate(typed, start=1):
        allowed = ch in "0123456789" or (pos == 18 and ch in "Xx")
        if not allowed:
            where = "第18位应为数字或X" if pos == 18 else f"第{pos}位应为数字"
            raise _id_error(
                f"第{pos}位字符{_shown(ch)}不是公民身份号码允许的字符（{where}）", "character", typed
            )
    number = typed.upper()  # ASCII digits and X only from here on
    region_code = number[:6]
    # Only the province is checked strictly. The county part is NOT looked up in the Region table:
    # GB 11643 defines the address code as the place of first registration and a person keeps it
    # for life, so codes abolished or renamed by later GB/T 2260 editions are still valid numbers.
    prov = PROVINCES.get(region_code[:2]) or _RESIDENCE_PERMIT_REGIONS.get(region_code[:2])
    if prov is None:
        raise _id_error(f"地址码{region_code}的省级代码{region_code[:2]}不存在", "region", number)
    birth_raw = number[6:14]
    try:
        birth = dt.date(int(birth_raw[:4]), int(birth_raw[4:6]), int(birth_raw[6:8]))
    except ValueError:
        raise _id_error(f"出生日期{birth_raw}不是有效日期", "date", number) from None
    if today is None:
        from django.utils import timezone

        today = timezone.localdate()
    if birth > today:
        raise _id_error("出生日期晚于今天", "date", number)
    expected = resident_id_check_char(number[:17])
    if number[17] != expected:
        raise _id_error(f"校验码应为{expected}，实际为{number[17]}", "check", number)
    sequence = number[14:17]
    return ResidentId(
        number=number,
        region_code=region_code,
        province_code=region_code[:2] + "0000",
        province_name=prov,
        birth_date=birth,
        sex="male" if int(sequence) % 2 == 1 else "female",
        sequence=sequence,
    )


def is_valid_resident_id(value: object, *, today: dt.date | None = None) -> bool:
    try:
        parse_resident_id(value, today=today)  # type: ignore[arg-type]  # non-text: fault "type"
    except InvalidCode:
        return False
    return True


# ---------------------------------------------------------------------------------------------
# 统一社会信用代码 — GB 32100-2015 (amendment No.1, 2016); organisation code GB 11714-1997
# ---------------------------------------------------------------------------------------------

# 31 characters, value = index (no I, O, S, V, Z).
CREDIT_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
# Weight of position i (1..17) is 3^(i-1) mod 31; check = 31 - (sum mod 31), 31 -> 0.
_CREDIT_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))

# GB 11714: characters 0-9A-Z valued 0..35, weights 3 7 9 10 5 8 4 2, C = 11 - (sum mod 11);
# 10 -> 'X', 11 -> '0'. Letter-based identifiers issued since the credit-code reform (e.g. the
# "M"/"MA" prefixes of 91350100M000100Y43 and 91440101MA5CJQ4N59) satisfy the same rule once
# letters take their values A=10 .. Z=35, so no exception is needed for them.
_ORG_CHARSET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

# 登记管理部门码 and the 机构类别码 admitted under each (GB 32100-2015 annex A, amendment No.1),
# as listed in reference/codes.md. Authorities without their own list admit only "1".
REGISTRATION_AUTHORITIES: dict[str, str] = {
    "1": "机构编制",
    "2": "外交",
    "3": "教育",
    "4": "公安",
    "5": "民政",
    "6": "司法",
    "7": "交通运输",
    "8": "文化",
    "9": "工商(市场监管)",
    "A": "旅游",
    "B": "宗教事务",
    "C": "全国总工会",
    "D": "军队",
    "E": "省级人民政府",
    "F": "地市级人民政府",
    "G": "区县级人民政府",
    "Y": "其他",
}
_UNSPECIFIED_CATEGORY = {"1": "未细分类别"}
CATEGORIES: dict[str, dict[str, str]] = {
    "1": {"1": "机关", "2": "事业单位", "3": "群众团体", "9": "其他"},
    "5": {"1": "社会团体", "2": "民办非企业单位", "3": "基金会", "9": "其他"},
    "9": {"1": "企业", "2": "个体工商户", "3": "农民专业合作社"},
}


@dataclass(frozen=True)
class CreditCode:
    """A parsed 统一社会信用代码."""

    code: str
    registration_authority_code: str
    registration_authority_name: str
    category_code: str
    category_name: str
    region_code: str  # GB/T 2260 code of the registering authority (100000 = national)
    province_name: str  # "全国" for 100000
    subject_identifier: str  # the 9-character GB 11714 organisation code
    check_char: str


def org_code_check_char(first8: str) -> str:
    """The GB 11714 check character (9th) of an organisation code from its first 8 characters."""
    if len(first8) != 8 or any(c not in _ORG_CHARSET for c in first8):
        raise ValueError("first8 must be 8 characters of 0-9A-Z")
    total = sum(_ORG_CHARSET.index(c) * w for c, w in zip(first8, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def credit_code_check_char(first17: str) -> str:
    """The GB 32100 check character (18th) from the first 17 characters."""
    if len(first17) != 17 or any(c not in CREDIT_CHARSET for c in first17):
        raise ValueError("first17 must be 17 characters of the credit-code character set")
    total = sum(CREDIT_CHARSET.index(c) * w for c, w in zip(first17, _CREDIT_WEIGHTS, strict=True))
    return CREDIT_CHARSET[(31 - total % 31) % 31]


def _credit_error(message: str, fault: Fault, value: str) -> InvalidCode:
    return InvalidCode("INVALID_CREDIT_CODE", message, fault=fault, value=value)


def parse_credit_code(value: str) -> CreditCode:
    """Parse a 统一社会信用代码 (GB 32100-2015); surrounding whitespace and lowercase are accepted."""
    typed = _require_text(value, "INVALID_CREDIT_CODE", "统一社会信用代码")
    if len(typed) != 18:
        raise _credit_error(f"统一社会信用代码应为18位，实际为{len(typed)}位", "length", typed.upper())
    for pos, ch in enumerate(typed, start=1):
        if not ch.isascii() or ch.upper() not in CREDIT_CHARSET:
            raise _credit_error(
                f"第{pos}位字符{_shown(ch)}不是统一社会信用代码允许的字符", "character", typed.upper()
            )
    code = typed.upper()
    authority = code[0]
    authority_name = REGISTRATION_AUTHORITIES.get(authority)
    if authority_name is None:
        raise _credit_error(f"登记管理部门码{authority}不存在", "category", code)
    categories = CATEGORIES.get(authority, _UNSPECIFIED_CATEGORY)
    category_name = categories.get(code[1])
    if category_name is None:
        raise _credit_error(
            f"机构类别码{code[1]}不是登记管理部门{authority}（{authority_name}）下的类别", "category", code
        )
    region_code = code[2:8]
    if not region_code.isdigit():
        raise _credit_error(f"登记管理机关行政区划码{region_code}应为6位数字", "region", code)
    prov: str | None
    if region_code == NATIONAL_REGION_CODE:
        prov = "全国"
    else:
        prov = PROVINCES.get(region_code[:2])
        if prov is None:
            raise _credit_error(
                f"登记管理机关行政区划码{region_code}的省级代码{region_code[:2]}不存在", "region", code
            )
    subject = code[8:17]
    org_expected = org_code_check_char(subject[:8])
    if subject[8] != org_expected:
        raise _credit_error(
            f"主体标识码（组织机构代码）{subject}的校验码应为{org_expected}，实际为{subject[8]}",
            "check",
            code,
        )
    expected = credit_code_check_char(code[:17])
    if code[17] != expected:
        raise _credit_error(f"校验码应为{expected}，实际为{code[17]}", "check", code)
    return CreditCode(
        code=code,
        registration_authority_code=authority,
        registration_authority_name=authority_name,
        category_code=code[1],
        category_name=category_name,
        region_code=region_code,
        province_name=prov,
        subject_identifier=subject,
        check_char=code[17],
    )


def is_valid_credit_code(value: object) -> bool:
    try:
        parse_credit_code(value)  # type: ignore[arg-type]  # non-text: fault "type"
    except InvalidCode:
        return False
    return True


# ---------------------------------------------------------------------------------------------
# ISO/IEC 7064 MOD 37,36 — generic check character (GB/T 36904 licence identifiers, case numbers)
# ---------------------------------------------------------------------------------------------

MOD37_36_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def iso7064_mod37_36_check_char(body: str) -> str:
    """The ISO/IEC 7064 MOD 37,36 check character (hybrid system, §7; alphabet 0-9A-Z, M = 36) of
    ``body``. Raises ValueError for a character outside 0-9A-Z or an empty body."""
    if not body:
        raise ValueError("body must not be empty")
    modulus = 36
    product = modulus
    for ch in body:
        value = MOD37_36_ALPHABET.find(ch)
        if value < 0:
            raise ValueError(f"{ch!r} is not in 0-9A-Z")
        total = (product + value) % modulus or modulus
        product = (total * 2) % (modulus + 1)
    return MOD37_36_ALPHABET[(modulus + 1 - product) % modulus]


# ---------------------------------------------------------------------------------------------
# 行政区划代码 — GB/T 2260
# ---------------------------------------------------------------------------------------------


def validate_region_code(code: str) -> str | None:
    """Check a GB/T 2260 code: 6 digits with a known province. Returns the province name for a
    province-level code (NN0000), else None (look lower levels up with ``regions.region_name``)."""
    value = _require_text(code, "INVALID_REGION_CODE", "行政区划代码")
    if len(value) != 6:
        raise InvalidCode(
            "INVALID_REGION_CODE", f"行政区划代码应为6位，实际为{len(value)}位", fault="length", value=value
        )
    for pos, ch in enumerate(value, start=1):
        if ch not in "0123456789":
            raise InvalidCode(
                "INVALID_REGION_CODE",
                f"第{pos}位字符{_shown(ch)}不是行政区划代码允许的字符",
                fault="character",
                value=value,
            )
    prov = PROVINCES.get(value[:2])
    if prov is None:
        raise InvalidCode(
            "INVALID_REGION_CODE",
            f"行政区划代码{value}的省级代码{value[:2]}不存在",
            fault="region",
            value=value,
        )
    return prov if value.endswith("0000") else None
