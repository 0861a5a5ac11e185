"""GB 11643 ID numbers, GB 32100 credit codes (with the GB 11714 organisation code), GB/T 2260 regions."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from zwfw.core.codes import (
    CreditCode,
    InvalidCode,
    ResidentId,
    credit_code_check_char,
    is_valid_credit_code,
    is_valid_resident_id,
    org_code_check_char,
    parse_credit_code,
    parse_resident_id,
    province_name,
    resident_id_check_char,
    validate_region_code,
)
from zwfw.core.errors import ValidationFailed

TODAY = dt.date(2026, 11, 27)


def fictional_id(region: str, birth: str, sequence: str) -> str:
    first17 = region + birth + sequence
    return first17 + resident_id_check_char(first17)


def fictional_credit_code(prefix8: str, org8: str) -> str:
    first17 = prefix8 + org8 + org_code_check_char(org8)
    return first17 + credit_code_check_char(first17)


def assert_invalid_id(value: str, fault: str, message: str) -> None:
    with pytest.raises(InvalidCode) as info:
        parse_resident_id(value, today=TODAY)
    assert info.value.code == "INVALID_RESIDENT_ID"
    assert info.value.fault == fault
    assert info.value.message == message
    assert info.value.details["fault"] == fault
    assert is_valid_resident_id(value, today=TODAY) is False


def assert_invalid_credit_code(value: str, fault: str, message: str) -> None:
    with pytest.raises(InvalidCode) as info:
        parse_credit_code(value)
    assert info.value.code == "INVALID_CREDIT_CODE"
    assert info.value.fault == fault
    assert info.value.message == message
    assert is_valid_credit_code(value) is False


# ---- 公民身份号码 (GB 11643-1999) ---------------------------------------------------------------


def test_reference_example_id_number_parses_into_its_parts():
    # given the valid example of reference/codes.md
    # when
    parsed = parse_resident_id("11010519491231002X", today=TODAY)
    # then
    assert parsed == ResidentId(
        number="11010519491231002X",
        region_code="110105",
        province_code="110000",
        province_name="北京",
        birth_date=dt.date(1949, 12, 31),
        sex="female",
        sequence="002",
    )


def test_lowercase_x_and_surrounding_whitespace_are_accepted_and_stored_uppercase():
    parsed = parse_resident_id("  11010519491231002x\n", today=TODAY)
    assert parsed.number == "11010519491231002X"


def test_odd_sequence_is_male():
    number = fictional_id("330106", "19800229", "017")
    parsed = parse_resident_id(number, today=TODAY)
    assert (parsed.sex, parsed.sequence, parsed.birth_date) == ("male", "017", dt.date(1980, 2, 29))


def test_check_characters_follow_iso_7064_mod_11_2():
    assert resident_id_check_char("11010519491231002") == "X"
    assert resident_id_check_char("33010619900101001") == fictional_id("330106", "19900101", "001")[-1]
    with pytest.raises(ValueError, match="17 ASCII digits"):
        resident_id_check_char("1101051949123100")


def test_county_code_missing_from_the_region_table_is_still_valid():
    # GB 11643: the address code is the place of first registration and never changes, so an
    # abolished county (330103 下城区) or one the table does not list (330199) must not be rejected.
    for region in ("330103", "330199", "440000"):
        number = fictional_id(region, "19700101", "123")
        assert parse_resident_id(number, today=TODAY).province_name in {"浙江", "广东"}


def test_residence_permit_numbers_of_hong_kong_macao_taiwan_residents_are_valid():
    number = fictional_id("830000", "19850505", "021")
    parsed = parse_resident_id(number, today=TODAY)
    assert (parsed.province_code, parsed.province_name) == ("830000", "台湾")


def test_id_length_fault():
    assert_invalid_id("1101051949123100", "length", "公民身份号码应为18位，实际为16位")
    assert_invalid_id("11010519491231002", "length", "公民身份号码应为18位，实际为17位")
    assert_invalid_id("11010519491231002X1", "length", "公民身份号码应为18位，实际为19位")
    assert_invalid_id("", "length", "公民身份号码应为18位，实际为0位")


def test_id_character_fault_names_the_position_and_character():
    assert_invalid_id(
        "1101A519491231002X", "character", "第5位字符'A'不是公民身份号码允许的字符（第5位应为数字）"
    )
    assert_invalid_id(
        "11010519491231002Y", "character", "第18位字符'Y'不是公民身份号码允许的字符（第18位应为数字或X）"
    )
    assert_invalid_id(
        "X10105194912310020", "character", "第1位字符'X'不是公民身份号码允许的字符（第1位应为数字）"
    )
    # full-width digits are not ASCII digits
    assert_invalid_id(
        "１1010519491231002X", "character", "第1位字符'１'不是公民身份号码允许的字符（第1位应为数字）"
    )


def test_id_unknown_province_is_a_region_fault():
    assert_invalid_id(fictional_id("990105", "19491231", "002"), "region", "地址码990105的省级代码99不存在")
    assert_invalid_id(fictional_id("100000", "19491231", "002"), "region", "地址码100000的省级代码10不存在")


def test_id_impossible_birth_date_is_a_date_fault():
    assert_invalid_id(fictional_id("110105", "19491332", "002"), "date", "出生日期19491332不是有效日期")
    assert_invalid_id(fictional_id("110105", "19490229", "002"), "date", "出生日期19490229不是有效日期")
    assert_invalid_id(fictional_id("110105", "00000101", "002"), "date", "出生日期00000101不是有效日期")


def test_id_future_birth_date_is_a_date_fault():
    assert_invalid_id(fictional_id("110105", "20261128", "002"), "date", "出生日期晚于今天")
    # today itself is fine
    assert parse_resident_id(fictional_id("110105", "20261127", "002"), today=TODAY).birth_date == TODAY


@time_machine.travel(dt.datetime(2026, 11, 27, 16, 30, tzinfo=dt.UTC), tick=False)
def test_id_future_date_uses_today_in_shanghai_by_default():
    # given 2026-11-27 16:30 UTC, which is already 2026-11-28 00:30 in Asia/Shanghai
    born_on_shanghai_today = fictional_id("310104", "20261128", "001")
    born_tomorrow = fictional_id("310104", "20261129", "001")
    # then
    assert parse_resident_id(born_on_shanghai_today).birth_date == dt.date(2026, 11, 28)
    with pytest.raises(InvalidCode) as info:
        parse_resident_id(born_tomorrow)
    assert (info.value.fault, info.value.message) == ("date", "出生日期晚于今天")


def test_id_check_character_fault():
    assert_invalid_id("110105194912310023", "check", "校验码应为X，实际为3")
    number = fictional_id("440300", "20000101", "555")
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    assert_invalid_id(wrong, "check", f"校验码应为{number[17]}，实际为{wrong[17]}")


def test_invalid_code_is_a_validation_failure_rendered_as_400():
    with pytest.raises(ValidationFailed) as info:
        parse_resident_id("123", today=TODAY)
    assert info.value.status == 400
    assert info.value.as_dict() == {
        "code": "INVALID_RESIDENT_ID",
        "message": "公民身份号码应为18位，实际为3位",
        "details": {"fault": "length"},  # the number itself is personal data and is not echoed
    }
    with pytest.raises(InvalidCode) as info:
        parse_credit_code("9135")
    assert info.value.details == {"fault": "length", "value": "9135"}


# ---- 统一社会信用代码 (GB 32100-2015) -----------------------------------------------------------


def test_reference_example_credit_code_with_m_subject_identifier_is_valid():
    parsed = parse_credit_code("91350100M000100Y43")
    assert parsed == CreditCode(
        code="91350100M000100Y43",
        registration_authority_code="9",
        registration_authority_name="工商(市场监管)",
        category_code="1",
        category_name="企业",
        region_code="350100",
        province_name="福建",
        subject_identifier="M000100Y4",
        check_char="3",
    )


def test_reference_example_credit_code_with_ma_subject_identifier_is_valid():
    parsed = parse_credit_code("91440101MA5CJQ4N59")
    assert (parsed.region_code, parsed.province_name, parsed.subject_identifier) == (
        "440101",
        "广东",
        "MA5CJQ4N5",
    )


def test_credit_codes_of_the_licence_identifier_example_are_valid_including_national_region():
    # reference/codes.md GB/T 36904 example: a central department registered under 100000 (national)
    national = parse_credit_code("11100000000013338W")
    assert (national.category_name, national.region_code, national.province_name) == (
        "机关",
        "100000",
        "全国",
    )
    assert parse_credit_code("11430000006122244L").province_name == "湖南"


def test_credit_code_lowercase_and_whitespace_are_normalised():
    assert parse_credit_code(" 91440101ma5cjq4n59 ").code == "91440101MA5CJQ4N59"


def test_organisation_code_check_character_values_letters_from_10():
    # GB 11714: letters count A=10 .. Z=35, which is what makes the M/MA identifiers valid
    assert org_code_check_char("M000100Y") == "4"
    assert org_code_check_char("MA5CJQ4N") == "5"
    assert org_code_check_char("00001333") == "8"
    with pytest.raises(ValueError, match="8 characters"):
        org_code_check_char("M000100")


def test_organisation_code_check_maps_10_to_x_and_11_to_0():
    # 6 x weight 2 = 12, 12 mod 11 = 1, 11 - 1 = 10 -> 'X';  sum 0 -> 11 -> '0'
    assert org_code_check_char("00000006") == "X"
    assert org_code_check_char("00000000") == "0"


def test_credit_code_check_character():
    assert credit_code_check_char("91350100M000100Y4") == "3"
    assert credit_code_check_char("91440101MA5CJQ4N5") == "9"


def test_fictional_codes_from_the_helpers_are_valid_for_every_listed_category():
    for prefix in ("11330000", "12330100", "13440300", "19310000", "51110000", "52110105", "53330106"):
        assert is_valid_credit_code(fictional_credit_code(prefix, "00012345"))
    for prefix in ("91330106", "92330106", "93330106", "21110000", "A1330000", "G1330106", "Y1100000"):
        assert is_valid_credit_code(fictional_credit_code(prefix, "MA2BCD3E"))


def test_credit_code_length_fault():
    assert_invalid_credit_code("91350100M000100Y4", "length", "统一社会信用代码应为18位，实际为17位")
    assert_invalid_credit_code("", "length", "统一社会信用代码应为18位，实际为0位")


def test_credit_code_character_fault():
    assert_invalid_credit_code(
        "9135I100M000100Y43", "character", "第5位字符'I'不是统一社会信用代码允许的字符"
    )
    for bad in "IOSVZ":
        value = "91350100M000100Y4" + bad
        with pytest.raises(InvalidCode) as info:
            parse_credit_code(value)
        assert (info.value.fault, info.value.message) == (
            "character",
            f"第18位字符'{bad}'不是统一社会信用代码允许的字符",
        )


def test_credit_code_unknown_registration_authority():
    value = fictional_credit_code("H1350100", "M000100Y")
    assert_invalid_credit_code(value, "category", "登记管理部门码H不存在")


def test_credit_code_category_not_listed_under_its_authority():
    assert_invalid_credit_code(
        fictional_credit_code("94350100", "M000100Y"),
        "category",
        "机构类别码4不是登记管理部门9（工商(市场监管)）下的类别",
    )
    assert_invalid_credit_code(
        fictional_credit_code("99350100", "M000100Y"),
        "category",
        "机构类别码9不是登记管理部门9（工商(市场监管)）下的类别",
    )
    assert_invalid_credit_code(
        fictional_credit_code("22110000", "00012345"),
        "category",
        "机构类别码2不是登记管理部门2（外交）下的类别",
    )


def test_credit_code_unknown_region():
    assert_invalid_credit_code(
        fictional_credit_code("91990100", "M000100Y"),
        "region",
        "登记管理机关行政区划码990100的省级代码99不存在",
    )
    assert_invalid_credit_code(
        fictional_credit_code("9135A100", "M000100Y"), "region", "登记管理机关行政区划码35A100应为6位数字"
    )


def test_credit_code_embedded_organisation_code_check_fault():
    # given a code whose own check character is right but whose subject identifier's is wrong
    first17 = "91350100" + "M000100Y" + "5"
    value = first17 + credit_code_check_char(first17)
    # then
    assert_invalid_credit_code(value, "check", "主体标识码（组织机构代码）M000100Y5的校验码应为4，实际为5")


def test_credit_code_check_character_fault():
    assert_invalid_credit_code("91350100M000100Y44", "check", "校验码应为3，实际为4")
    assert_invalid_credit_code("91440101MA5CJQ4N50", "check", "校验码应为9，实际为0")


# ---- 行政区划代码 (GB/T 2260) -------------------------------------------------------------------


def test_all_34_province_level_divisions_are_known():
    from zwfw.core.regions import PROVINCES

    assert len(PROVINCES) == 34
    assert province_name("330106") == "浙江"
    assert province_name("820000") == "澳门"
    assert province_name("990000") is None
    assert province_name("") is None


def test_validate_region_code_returns_the_province_name_for_province_codes():
    assert validate_region_code("310000") == "上海"
    assert validate_region_code(" 440000 ") == "广东"
    assert validate_region_code("330106") is None


@pytest.mark.parametrize(
    ("value", "fault", "message"),
    [
        ("33010", "length", "行政区划代码应为6位，实际为5位"),
        ("3301061", "length", "行政区划代码应为6位，实际为7位"),
        ("33A106", "character", "第3位字符'A'不是行政区划代码允许的字符"),
        ("990106", "region", "行政区划代码990106的省级代码99不存在"),
    ],
)
def test_validate_region_code_faults(value, fault, message):
    with pytest.raises(InvalidCode) as info:
        validate_region_code(value)
    assert (info.value.code, info.value.fault, info.value.message) == ("INVALID_REGION_CODE", fault, message)


# ---- non-text input, invisible and case-mapped characters ---------------------------------------

NOT_TEXT = [None, 11010519491231002, 914401010000000000, ["x"], b"11010519491231002X", 1.5, True]


@pytest.mark.parametrize("value", NOT_TEXT, ids=repr)
def test_non_text_input_is_an_invalid_code_with_a_type_fault(value):
    # given a value that is not a str
    # when / then: every validator says so in Chinese and the is_valid_* helpers answer False
    cases = [
        (lambda: parse_resident_id(value, today=TODAY), "INVALID_RESIDENT_ID", "公民身份号码应为文本"),
        (lambda: parse_credit_code(value), "INVALID_CREDIT_CODE", "统一社会信用代码应为文本"),
        (lambda: validate_region_code(value), "INVALID_REGION_CODE", "行政区划代码应为文本"),
    ]
    for call, code, message in cases:
        with pytest.raises(InvalidCode) as info:
            call()
        assert (info.value.code, info.value.fault, info.value.message) == (code, "type", message)
        assert info.value.details == {"fault": "type"}
    assert is_valid_resident_id(value, today=TODAY) is False
    assert is_valid_credit_code(value) is False


def test_control_and_whitespace_characters_are_shown_as_code_points():
    # given numbers with a NUL, a tab, a zero-width space and an ideographic space inside
    # then the message names the code point instead of echoing the raw character
    assert_invalid_id(
        "11010519491231002\x00",
        "character",
        "第18位字符U+0000不是公民身份号码允许的字符（第18位应为数字或X）",
    )
    assert_invalid_id(
        "1101\t519491231002X", "character", "第5位字符U+0009不是公民身份号码允许的字符（第5位应为数字）"
    )
    assert_invalid_credit_code(
        "9135\u200b100M000100Y43", "character", "第5位字符U+200B不是统一社会信用代码允许的字符"
    )
    with pytest.raises(InvalidCode) as info:
        validate_region_code("33\u3000106")
    assert info.value.message == "第3位字符U+3000不是行政区划代码允许的字符"


def test_a_character_fault_names_the_character_as_typed_not_upper_cased():
    # given a small roman numeral ⅰ (which str.upper() turns into Ⅰ) and other lowercase letters
    assert_invalid_id(
        "11010519491231002ⅰ", "character", "第18位字符'ⅰ'不是公民身份号码允许的字符（第18位应为数字或X）"
    )
    assert_invalid_id(
        "11010519491231002y", "character", "第18位字符'y'不是公民身份号码允许的字符（第18位应为数字或X）"
    )
    assert_invalid_credit_code(
        "9135i100M000100Y43", "character", "第5位字符'i'不是统一社会信用代码允许的字符"
    )
    assert_invalid_credit_code(
        "9135ⅰ100M000100Y43", "character", "第5位字符'ⅰ'不是统一社会信用代码允许的字符"
    )
    # and a character whose upper case is longer (ß -> SS) does not change the counted length
    assert_invalid_credit_code(
        "9135ß100M000100Y43", "character", "第5位字符'ß'不是统一社会信用代码允许的字符"
    )
