"""The population and enterprise registries: local matching, loading data, plugging another registry in."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.catalog.factories import credit_code
from tests.identity.factories import EnterpriseRecordFactory, PopulationRecordFactory, resident_id
from zwfw.core.errors import ValidationFailed
from zwfw.identity import registries
from zwfw.identity.indexes import document_index
from zwfw.identity.models import DocumentType, EnterpriseRecord, PopulationRecord, RegistryStatus
from zwfw.identity.registries import MatchResult, PopulationRegistry

pytestmark = pytest.mark.django_db


def test_match_person_compares_name_and_reports_validity():
    record = PopulationRecordFactory(name="张 三", document_valid_until=dt.date(2030, 1, 1))
    registry = registries.population_registry()
    result = registry.match_person(DocumentType.RESIDENT_ID, record.document_number, "张三")
    assert result.matched
    assert result.valid_until == dt.date(2030, 1, 1)
    assert result.birth_date == record.birth_date
    wrong = registry.match_person(DocumentType.RESIDENT_ID, record.document_number, "李四")
    assert wrong.found
    assert not wrong.name_matches
    assert not wrong.matched
    assert not registry.match_person(DocumentType.RESIDENT_ID, resident_id(498), "张三").found


def test_cancelled_record_does_not_match():
    record = PopulationRecordFactory(status=RegistryStatus.CANCELLED)
    result = registries.population_registry().match_person(
        record.document_type, record.document_number, record.name
    )
    assert result.found
    assert not result.matched


def test_match_enterprise_needs_the_legal_representatives_name_and_document():
    rep = resident_id(3)
    record = EnterpriseRecordFactory(
        legal_representative_name="王五",
        legal_representative_index=document_index(DocumentType.RESIDENT_ID, rep),
    )
    registry = registries.enterprise_registry()
    assert registry.match_enterprise(record.credit_code, "王五", (DocumentType.RESIDENT_ID, rep)).matched
    assert not registry.match_enterprise(record.credit_code, "王六", (DocumentType.RESIDENT_ID, rep)).matched
    assert not registry.match_enterprise(
        record.credit_code, "王五", (DocumentType.RESIDENT_ID, resident_id(4))
    ).matched
    assert not registry.match_enterprise(credit_code(9999), "王五", (DocumentType.RESIDENT_ID, rep)).found


def test_load_population_records_inserts_then_updates_and_links_guardians():
    guardian, child = resident_id(1, born=dt.date(1980, 1, 1)), resident_id(2, born=dt.date(2015, 1, 1))
    rows = [
        {"document_type": "resident_id", "document_number": guardian, "name": "监护人", "valid_until": ""},
        {
            "document_number": child,
            "name": "孩子",
            "valid_until": "2030-01-01",
            "guardian_document_number": guardian,
        },
    ]
    assert registries.load_population_records(rows) == {"created": 2, "updated": 0}
    assert registries.load_population_records(rows) == {"created": 0, "updated": 2}
    kid = PopulationRecord.objects.get(document_index=document_index("resident_id", child))
    assert kid.guardian_index == document_index("resident_id", guardian)
    assert kid.birth_date == dt.date(2015, 1, 1)
    assert kid.document_valid_until == dt.date(2030, 1, 1)


def test_one_bad_row_loads_nothing():
    rows = [
        {"document_number": resident_id(5), "name": "甲"},
        {"document_number": "110105194912310020", "name": "乙"},  # wrong check character
    ]
    with pytest.raises(ValidationFailed) as exc:
        registries.load_population_records(rows)
    assert exc.value.code == "INVALID_REGISTRY_ROW"
    assert exc.value.message.startswith("第2行")
    assert PopulationRecord.objects.count() == 0


def test_load_enterprise_csv_validates_the_credit_code():
    rep = resident_id(6)
    text = (
        "credit_code,name,kind,legal_rep_name,legal_rep_document_number\n"
        f"{credit_code(42)},某某公司,enterprise,赵六,{rep}\n"
    )
    assert registries.load_enterprise_csv(text) == {"created": 1, "updated": 0}
    bad = text.replace(credit_code(42), credit_code(42)[:17] + "0" if credit_code(42)[17] != "0" else "1")
    with pytest.raises(ValidationFailed):
        registries.load_enterprise_csv(bad)
    assert EnterpriseRecord.objects.count() == 1


def test_another_registry_can_be_plugged_in():
    class Remote(PopulationRegistry):
        def match_person(self, document_type, number, name):
            return MatchResult(found=True, name_matches=True, active=True)

        def record_of(self, document_type, number):
            return MatchResult(found=False)

    try:
        registries.use_registries(population=Remote())
        assert registries.population_registry().match_person("resident_id", resident_id(8), "任何人").matched
    finally:
        registries.reset_registries()
    assert isinstance(registries.population_registry(), registries.LocalRegistry)
