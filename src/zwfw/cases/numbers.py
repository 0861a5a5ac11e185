"""办件编号: unique across the country.

``{region}{YYYYMMDD}{sequence}{check}`` — 21 characters, all digits except possibly the last:

- region: the 6-digit GB/T 2260 code of the implementing item's region;
- YYYYMMDD: the Asia/Shanghai date the case was submitted;
- sequence: 6 digits, allocated per (region, day) from a counter row locked until the
  transaction ends (never max()+1), so two submissions at the same moment never share one;
- check: ISO/IEC 7064 MOD 37,36 (hybrid system, alphabet 0-9A-Z) over the first 20 characters,
  the same check system GB/T 36904 uses for licence identifiers (``zwfw.core.codes``).

``parse_case_number`` returns the parts or raises ``zwfw.core.codes.InvalidCode`` whose ``fault``
names the rule broken: ``type`` (not text), ``length`` (not 21 characters), ``character`` (a letter
before the check position, or any other character), ``region`` (not a GB/T 2260 code), ``date`` (not a
calendar date), ``format`` (the sequence 000000, which is never allocated) or ``check``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection

from zwfw.core.codes import InvalidCode, iso7064_mod37_36_check_char, validate_region_code
from zwfw.core.errors import Conflict

SEQUENCE_DIGITS = 6
LENGTH = 6 + 8 + SEQUENCE_DIGITS + 1
_CODE = "INVALID_CASE_NUMBER"


@dataclass(frozen=True)
class CaseNumber:
    region_code: str
    day: dt.date
    sequence: int
    check: str

    @property
    def value(self) -> str:
        return f"{self.body}{self.check}"

    @property
    def body(self) -> str:
        return f"{self.region_code}{self.day:%Y%m%d}{self.sequence:0{SEQUENCE_DIGITS}d}"

    def __str__(self) -> str:
        return self.value


def make_case_number(*, region_code: str, day: dt.date, sequence: int) -> CaseNumber:
    validate_region_code(region_code)
    if not 1 <= sequence < 10**SEQUENCE_DIGITS:
        raise ValueError(f"sequence must be 1..{10**SEQUENCE_DIGITS - 1}")
    body = f"{region_code}{day:%Y%m%d}{sequence:0{SEQUENCE_DIGITS}d}"
    return CaseNumber(region_code, day, sequence, iso7064_mod37_36_check_char(body))


def parse_case_number(value: object) -> CaseNumber:
    """Parse a case number; surrounding whitespace is ignored, a lowercase check letter accepted.

    Raises ``InvalidCode`` with ``fault`` ``type``, ``length``, ``character``, ``region``, ``date``,
    ``format`` (sequence 000000) or ``check``, checked in that order (module docstring)."""
    if not isinstance(value, str):
        raise InvalidCode(_CODE, "办件编号应为文本", fault="type")
    text = value.strip().upper()
    if len(text) != LENGTH:
        raise InvalidCode(_CODE, f"办件编号应为{LENGTH}位，实际为{len(text)}位", fault="length", value=text)
    for pos, ch in enumerate(text, start=1):
        ok = ch in "0123456789" or (pos == LENGTH and "A" <= ch <= "Z")
        if not ok:
            shown = f"'{ch}'" if ch.isprintable() and not ch.isspace() else f"U+{ord(ch):04X}"
            raise InvalidCode(
                _CODE, f"第{pos}位字符{shown}不是办件编号允许的字符", fault="character", value=text
            )
    try:
        validate_region_code(text[:6])
    except InvalidCode as exc:
        raise InvalidCode(_CODE, f"办件编号的区划代码有误：{exc.message}", fault="region", value=text) from None
    raw = text[6:14]
    try:
        day = dt.date(int(raw[:4]), int(raw[4:6]), int(raw[6:8]))
    except ValueError:
        raise InvalidCode(_CODE, f"办件编号中的日期{raw}不是有效日期", fault="date", value=text) from None
    sequence = int(text[14:20])
    if sequence == 0:
        raise InvalidCode(_CODE, "办件编号的顺序号不能为000000", fault="format", value=text)
    expected = iso7064_mod37_36_check_char(text[:20])
    if text[20] != expected:
        raise InvalidCode(_CODE, f"校验位应为{expected}，实际为{text[20]}", fault="check", value=text)
    return CaseNumber(text[:6], day, sequence, text[20])


def is_valid_case_number(value: object) -> bool:
    try:
        parse_case_number(value)
    except InvalidCode:
        return False
    return True


def allocate_case_number(*, region_code: str, day: dt.date) -> CaseNumber:
    """The next number of (region, day). Call inside a transaction: the counter row stays locked
    until it commits, so concurrent submissions queue on it (PostgreSQL row lock; SQLite locks the
    whole database for writing) and each gets its own sequence."""
    from zwfw.cases.models import CaseCounter

    validate_region_code(region_code)
    # One statement takes the next sequence and locks the row (SQLite 3.35+ and PostgreSQL both have
    # UPDATE ... RETURNING); a (region, day) with no row yet gets one first.
    qn, meta = connection.ops.quote_name, CaseCounter._meta
    table, last, region, day_column = (qn(meta.db_table), qn(meta.get_field("last").column),
                                       qn(meta.get_field("region_code").column), qn(meta.get_field("day").column))
    bump = (f"UPDATE {table} SET {last} = {last} + 1 WHERE {region} = %s AND {day_column} = %s AND {last} < %s "
            f"RETURNING {last}")
    params = [region_code, connection.ops.adapt_datefield_value(day), 10**SEQUENCE_DIGITS - 1]
    with connection.cursor() as cursor:
        cursor.execute(bump, params)
        row = cursor.fetchone()
        if row is None:
            # no row yet, or a concurrent first submission of the day has just made it, or the day is
            # used up: after the insert (a no-op if the row exists) the row is there, so a second miss
            # can only mean the last number was taken
            CaseCounter.objects.bulk_create([CaseCounter(region_code=region_code, day=day, last=0)],
                                            ignore_conflicts=True)
            cursor.execute(bump, params)
            row = cursor.fetchone()
            if row is None:
                raise Conflict("CASE_NUMBER_EXHAUSTED", "该区划当日的办件编号已用完")
    return make_case_number(region_code=region_code, day=day, sequence=row[0])
