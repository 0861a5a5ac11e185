"""Case numbers: region + date + sequence + ISO/IEC 7064 MOD 37,36 check character."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, transaction

from zwfw.cases.models import CaseCounter
from zwfw.cases.numbers import (
    allocate_case_number,
    is_valid_case_number,
    make_case_number,
    parse_case_number,
)
from zwfw.core.codes import InvalidCode, iso7064_mod37_36_check_char
from zwfw.core.errors import Conflict

DAY = dt.date(2026, 2, 13)


def test_core_check_char_gives_the_gb_t_36904_example():
    # the check system of the national licence identifiers (codes.md), which case numbers share
    body = "11100000000013338W011" "11430000006122244L" "20230000403" "001"
    assert iso7064_mod37_36_check_char(body) == "U"


def test_make_and_parse_round_trip():
    number = make_case_number(region_code="330100", day=DAY, sequence=42)
    assert number.value[:20] == "33010020260213000042"
    assert len(number.value) == 21
    assert number.value[20] == iso7064_mod37_36_check_char("33010020260213000042")
    parsed = parse_case_number(f"  {number.value.lower()} ")
    assert parsed == number
    assert is_valid_case_number(number.value)


@pytest.mark.parametrize(
    ("value", "fault"),
    [
        (None, "type"),
        ("3301002026021300004", "length"),
        ("33010020260213000A42X", "character"),
        ("990100202602130000427", "region"),
        ("330100202602300000427", "date"),
        ("330100202602130000000", "format"),
    ],
)
def test_parse_names_the_fault(value, fault):
    with pytest.raises(InvalidCode) as exc:
        parse_case_number(value)
    assert exc.value.fault == fault
    assert exc.value.code == "INVALID_CASE_NUMBER"
    assert not is_valid_case_number(value)


def test_wrong_check_character_is_a_check_fault():
    good = make_case_number(region_code="330100", day=DAY, sequence=7).value
    wrong = good[:20] + ("0" if good[20] != "0" else "1")
    with pytest.raises(InvalidCode) as exc:
        parse_case_number(wrong)
    assert exc.value.fault == "check"
    assert f"校验位应为{good[20]}" in exc.value.message


@pytest.mark.django_db
def test_allocation_counts_per_region_and_day():
    with transaction.atomic():
        a = allocate_case_number(region_code="330100", day=DAY)
        b = allocate_case_number(region_code="330100", day=DAY)
        c = allocate_case_number(region_code="310000", day=DAY)
        d = allocate_case_number(region_code="330100", day=DAY + dt.timedelta(days=1))
    assert (a.sequence, b.sequence, c.sequence, d.sequence) == (1, 2, 1, 1)
    assert CaseCounter.objects.get(region_code="330100", day=DAY).last == 2


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor == "sqlite" and connection.settings_dict.get("TEST", {}).get("NAME") in (None, "", ":memory:"),
    reason="threads cannot share the in-memory SQLite test database (runs on PostgreSQL or a file SQLite)",
)
def test_concurrent_allocations_never_share_a_number():
    results: list[str] = []
    errors: list[BaseException] = []

    start = threading.Barrier(4)

    def take():
        start.wait()
        try:
            for _ in range(5):
                with transaction.atomic():
                    results.append(allocate_case_number(region_code="330100", day=DAY).value)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=take) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(results) == 20
    assert len(set(results)) == 20
    assert CaseCounter.objects.get(region_code="330100", day=DAY).last == 20


@pytest.mark.django_db
def test_a_day_whose_numbers_are_all_taken_is_refused_and_the_counter_stays():
    CaseCounter.objects.create(region_code="330100", day=DAY, last=999_999)
    with pytest.raises(Conflict) as exc, transaction.atomic():
        allocate_case_number(region_code="330100", day=DAY)
    assert exc.value.code == "CASE_NUMBER_EXHAUSTED"
    assert CaseCounter.objects.get(region_code="330100", day=DAY).last == 999_999
    # another region's numbers of that day are unaffected
    with transaction.atomic():
        assert allocate_case_number(region_code="310000", day=DAY).sequence == 1
