"""个人信息脱敏: masking of personal data shown to someone other than its owner, and in logs.

Every function accepts empty or short input without failing; when the value is too short to
keep a prefix and suffix, everything is masked.
"""

from __future__ import annotations

import logging
import re

from zwfw.core.text import unstorable

MASK = "*"


def _keep_ends(value: str, head: int, tail: int) -> str:
    if len(value) <= head + tail:
        return MASK * len(value)
    return value[:head] + MASK * (len(value) - head - tail) + value[-tail:]


def mask_resident_id(value: str) -> str:
    """公民身份号码: keep the first 3 and last 4 characters. 11010519491231002X -> 110***********002X."""
    return _keep_ends((value or "").strip(), 3, 4)


def mask_looked_up_number(value: str) -> str:
    """A document number or credit code someone looked up, as the audit keeps it: trimmed, upper-case,
    at most 40 characters, masked as an ID number is (first 3 and last 4 kept); wholly masked where a
    kept end holds a character the database cannot store (a NUL, a lone surrogate)."""
    text = (value or "").strip().upper()[:40]
    masked = mask_resident_id(text)
    return MASK * len(text) if unstorable(masked) else masked


def mask_mobile(value: str) -> str:
    """手机号码: keep the first 3 and last 4 digits. 13812345678 -> 138****5678."""
    return _keep_ends((value or "").strip(), 3, 4)


def mask_name(value: str) -> str:
    """姓名: keep the first character. 张三 -> 张*, 欧阳娜娜 -> 欧***; a one-character name is fully masked."""
    name = (value or "").strip()
    if len(name) <= 1:
        return MASK * len(name)
    return name[0] + MASK * (len(name) - 1)


# The administrative part: [province 省/自治区/特别行政区] [city 市/自治州/地区/盟] [county 区/县/市/旗], each
# a run of name characters (no digits, no 路/街/号, no markers) ending in its marker, so that a 小区 or
# a street in the rest of the address is never taken for a district.
_NAME = r"[^\W\d_省市区县路街号]"
_ADMIN_RE = re.compile(
    rf"^(?:{_NAME}{{2,8}}?(?:省|自治区|特别行政区))?"
    rf"(?:{_NAME}{{1,8}}?(?:市|自治州|地区|盟))?"
    rf"(?:{_NAME}{{1,8}}?(?:区|县|市|旗))?"
)
_ADDRESS_FALLBACK_KEEP = 6


def mask_address(value: str) -> str:
    """地址: keep the province/city/district part, mask the rest with ****.

    浙江省杭州市西湖区文三路90号 -> 浙江省杭州市西湖区****. Without a recognisable administrative part
    the first 6 characters are kept (at most half of a short address).
    """
    address = (value or "").strip()
    if not address:
        return ""
    match = _ADMIN_RE.match(address)
    end = match.end() if match else 0
    if end == 0:
        end = min(_ADDRESS_FALLBACK_KEEP, len(address) // 2)
    if end >= len(address):
        return address
    return address[:end] + MASK * 4


# ---------------------------------------------------------------------------------------------
# Logging
# ---------------------------------------------------------------------------------------------

# 18-character ID numbers (GB 11643) and mainland mobile numbers, not inside longer alphanumerics.
_RESIDENT_ID_RE = re.compile(r"(?<![0-9A-Za-z])\d{17}[0-9Xx](?![0-9A-Za-z])")
_MOBILE_RE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def mask_text(text: str) -> str:
    """Mask every ID number and mobile number found in free text."""
    text = _RESIDENT_ID_RE.sub(lambda m: mask_resident_id(m.group(0)), text)
    return _MOBILE_RE.sub(lambda m: mask_mobile(m.group(0)), text)


class PiiMaskingFilter(logging.Filter):
    """A logging filter that masks ID numbers and mobile numbers in the formatted message.

    Use it in LOGGING: ``"filters": {"pii": {"()": "zwfw.core.masking.PiiMaskingFilter"}}`` and add
    ``"filters": ["pii"]`` to the handlers.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is logging's problem, not ours
            return True
        masked = mask_text(message)
        if masked != message or record.args:
            record.msg = masked
            record.args = None
        if record.exc_text:
            record.exc_text = mask_text(record.exc_text)
        return True
