"""证件号码校验 for every document type: normalisation, accepted forms, clear Chinese errors."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.identity.factories import resident_id
from zwfw.core.codes import resident_id_check_char
from zwfw.core.errors import ValidationFailed
from zwfw.identity.documents import age_on, validate_document
from zwfw.identity.models import DocumentType as T

TODAY = dt.date(2026, 11, 27)


def foreign_pr_2023(
    province: str = "33", nationality: str = "156", born: str = "19850101", seq: str = "001"
) -> str:
    first17 = f"9{province}{nationality}{born}{seq}"
    return first17 + resident_id_check_char(first17)


def test_resident_id_is_normalised_and_gives_the_birth_date():
    number = resident_id(7, born=dt.date(1990, 5, 6))
    # given a lowercase, full-width-spaced entry
    doc = validate_document(T.RESIDENT_ID, f"\u3000 {number.lower()} ", today=TODAY)
    assert doc.number == number.upper()
    assert doc.birth_date == dt.date(1990, 5, 6)


def test_resident_id_with_a_wrong_check_character_is_refused():
    number = resident_id(7)
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    with pytest.raises(ValidationFailed) as exc:
        validate_document(T.RESIDENT_ID, wrong, today=TODAY)
    assert exc.value.code == "INVALID_RESIDENT_ID"
    assert "校验码" in exc.value.message


@pytest.mark.parametrize("number", ["H12345678", "M87654321", "h1234567801", "Ｈ１２３４５６７８"])
def test_hk_macao_permit_accepted_forms(number):
    doc = validate_document(T.HK_MACAO_PERMIT, number, today=TODAY)
    assert doc.number[0] in "HM"
    assert doc.birth_date is None


@pytest.mark.parametrize("number", ["A12345678", "H1234567", "H123456789", "12345678"])
def test_hk_macao_permit_wrong_forms(number):
    with pytest.raises(ValidationFailed) as exc:
        validate_document(T.HK_MACAO_PERMIT, number, today=TODAY)
    assert exc.value.code == "INVALID_DOCUMENT_NUMBER"
    assert "港澳居民来往内地通行证" in exc.value.message


@pytest.mark.parametrize("number", ["12345678", "1234567801", "12345678AB"])
def test_taiwan_permit_accepted_forms(number):
    assert validate_document(T.TAIWAN_PERMIT, number, today=TODAY).number == number


@pytest.mark.parametrize("number", ["1234567", "123456789", "T1234567"])
def test_taiwan_permit_wrong_forms(number):
    with pytest.raises(ValidationFailed, match="台湾居民来往大陆通行证"):
        validate_document(T.TAIWAN_PERMIT, number, today=TODAY)


def test_foreign_permanent_resident_2017_card():
    doc = validate_document(T.FOREIGN_PERMANENT_RESIDENT, "usa338501010011", today=TODAY)
    assert doc.number == "USA338501010011"
    assert doc.birth_date == dt.date(1985, 1, 1)


def test_foreign_permanent_resident_2023_card_with_check_character():
    number = foreign_pr_2023()
    doc = validate_document(T.FOREIGN_PERMANENT_RESIDENT, number, today=TODAY)
    assert doc.birth_date == dt.date(1985, 1, 1)
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    with pytest.raises(ValidationFailed, match="校验码"):
        validate_document(T.FOREIGN_PERMANENT_RESIDENT, wrong, today=TODAY)


@pytest.mark.parametrize(
    ("number", "fault"),
    [
        ("US3385010100111", "format"),
        ("USA998501010011", "region"),
        ("USA331350100011", "date"),
        ("12345", "format"),
    ],
)
def test_foreign_permanent_resident_faults(number, fault):
    with pytest.raises(ValidationFailed) as exc:
        validate_document(T.FOREIGN_PERMANENT_RESIDENT, number, today=TODAY)
    assert exc.value.details["fault"] == fault


@pytest.mark.parametrize("number", ["E12345678", "EA1234567", "G12345678", "X1234567", "123456789ABCDEFGH"])
def test_passport_accepted_forms(number):
    assert validate_document(T.PASSPORT, number, today=TODAY).number == number


@pytest.mark.parametrize("number", ["E12", "E1234-5678", "护照12345", "123456789ABCDEFGHI"])
def test_passport_wrong_forms(number):
    with pytest.raises(ValidationFailed, match="护照号码"):
        validate_document(T.PASSPORT, number, today=TODAY)


@pytest.mark.parametrize("value", [None, 12345678, b"H12345678"])
def test_non_text_is_refused(value):
    with pytest.raises(ValidationFailed) as exc:
        validate_document(T.HK_MACAO_PERMIT, value, today=TODAY)
    assert exc.value.details["fault"] == "type"


def test_empty_and_unknown_type():
    with pytest.raises(ValidationFailed, match="请填写证件号码"):
        validate_document(T.PASSPORT, "  ", today=TODAY)
    with pytest.raises(ValidationFailed) as exc:
        validate_document("driving_licence", "123", today=TODAY)
    assert exc.value.code == "INVALID_DOCUMENT_TYPE"


def test_number_is_never_in_the_error_details():
    with pytest.raises(ValidationFailed) as exc:
        validate_document(T.PASSPORT, "E12-SECRET", today=TODAY)
    assert "SECRET" not in repr(exc.value.details)


def test_age_on_birthday_boundaries():
    assert age_on(dt.date(2008, 11, 28), TODAY) == 17
    assert age_on(dt.date(2008, 11, 27), TODAY) == 18
    assert age_on(dt.date(2008, 2, 29), dt.date(2026, 2, 28)) == 17
