"""GB/T 36904-2018 licence identifiers with the ISO/IEC 7064 MOD 37,36 check character."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zwfw.core.codes import InvalidCode
from zwfw.licenses.identifiers import check_character, make_identifier, parse_identifier

SAMPLE = "1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.001.U"  # codes.md


def test_the_reference_sample_parses():
    parsed = parse_identifier(SAMPLE)
    assert (parsed.type_code, parsed.issuer_code, parsed.serial, parsed.version, parsed.check) == (
        "11100000000013338W011", "11430000006122244L", "20230000403", 1, "U"
    )
    assert parsed.value == SAMPLE


@given(
    serial=st.text(alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=40),
    version=st.integers(min_value=1, max_value=999),
)
def test_generated_identifiers_carry_the_right_check_character(serial, version):
    made = make_identifier(
        type_code="11100000000013338W011", issuer_code="11430000006122244L", serial=serial, version=version
    )
    assert parse_identifier(made.value) == made
    # and every other check character is refused
    for other in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ".replace(made.check, ""):
        with pytest.raises(InvalidCode):
            parse_identifier(made.value[:-1] + other)


def test_a_single_substitution_changes_the_check_character():
    body = "11100000000013338W01111430000006122244L20230000403001"
    for position in range(len(body)):
        for replacement in "0A9Z":
            if body[position] != replacement:
                changed = body[:position] + replacement + body[position + 1 :]
                assert check_character(changed) != check_character(body)


@pytest.mark.parametrize(
    ("value", "fault", "words"),
    [
        (None, "type", "文本"),
        ("1.2.156.3005.3.11100000000013338W011.11430000006122244L.20230000403.001.U", "format", "根"),
        ("1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.U", "format", "六段"),
        ("1.2.156.3005.2.11100000000013338W01.11430000006122244L.20230000403.001.U", "length", "21位"),
        ("1.2.156.3005.2.11100000000013338W0X1.11430000006122244L.20230000403.001.U", "character", "3位"),
        ("1.2.156.3005.2.11100000000013339W011.11430000006122244L.20230000403.001.U", "category", "信用代码"),
        ("1.2.156.3005.2.11100000000013338W011.1143000000612224L.20230000403.001.U", "length", "18位"),
        ("1.2.156.3005.2.11100000000013338W011.11430000006122244L.2023-0000403.001.U", "character", "'-'"),
        ("1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.1.U", "format", "3位数字"),
        ("1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.000.U", "format", "001"),
        ("1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.001.V", "check", "应为U"),
        ("1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.001.u", "character", "'u'"),
        ("1.2.156.3005.2.11100000000013338W011.11430000006122244L..001.U", "length", "流水号"),
    ],
)
def test_a_malformed_identifier_is_rejected_with_the_reason(value, fault, words):
    with pytest.raises(InvalidCode) as caught:
        parse_identifier(value)
    assert caught.value.fault == fault
    assert caught.value.code == "INVALID_LICENSE_IDENTIFIER"
    assert words in caught.value.message
