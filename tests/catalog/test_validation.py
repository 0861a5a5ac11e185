"""Catalogue rules (docs/catalog-format.md "Rules checked"): one test per rule, on the shared checker and
through a service, which must refuse the record and write nothing."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from tests.catalog.factories import (
    BaseItemFactory,
    DepartmentFactory,
    TopicFactory,
    credit_code,
    department_record,
    item_record,
)
from zwfw.catalog import services
from zwfw.catalog.errors import CatalogValidationError
from zwfw.catalog.models import BaseItem, Department, ImplementationItem, Material
from zwfw.catalog.validation import check_base_item, check_department, check_item, check_topic
from zwfw.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def refs():
    """Given a department, a base item (public service, legal limit 60 days) and a topic in the database."""
    department = DepartmentFactory()
    base = BaseItemFactory(legal_limit_days=60)
    topic = TopicFactory(code="birth")
    return department, base, topic


def problems_of(record):
    return [(p.row, p.field, p.reason) for p in check_item(record)]


def test_a_complete_item_record_has_no_problem(refs):
    department, base, topic = refs
    assert problems_of(item_record(department, base, topics=[topic.code])) == []


# ---- codes --------------------------------------------------------------------------------------------------


def test_department_credit_code_must_pass_the_gb32100_check():
    record = department_record(
        1, credit_code=credit_code(1)[:17] + ("0" if credit_code(1)[17] != "0" else "1")
    )
    problems = check_department(record)
    assert [(p.field, p.reason.startswith("校验码应为")) for p in problems] == [("credit_code", True)]


def test_department_credit_code_must_be_written_upper_case():
    code = "91350100m000100y43"
    problems = check_department(department_record(1, credit_code=code))
    assert [(p.field, p.reason) for p in problems] == [
        ("credit_code", "统一社会信用代码应写作 91350100M000100Y43（大写，无空格）")
    ]


def test_department_region_code_needs_a_known_province():
    problems = check_department(department_record(1, region_code="990000"))
    assert [(p.field, p.reason) for p in problems] == [
        ("region_code", "行政区划代码990000的省级代码99不存在")
    ]


def test_item_code_is_31_upper_case_alphanumerics(refs):
    department, base, _ = refs
    record = item_record(
        department, base, code=department.credit_code + "abc", handling_items=[], materials=[]
    )
    assert problems_of(record) == [("", "code", "实施编码应为 31 位数字或大写字母")]


def test_item_code_starts_with_its_department_credit_code(refs):
    department, base, _ = refs
    other = DepartmentFactory()
    record = item_record(department, base, handling_items=[], materials=[])
    record["code"] = other.credit_code + "0000000000001"
    assert problems_of(record) == [("", "code", "实施编码应以实施主体的统一社会信用代码开头")]


def test_handling_item_code_is_item_code_plus_two_digits(refs):
    department, base, _ = refs
    record = item_record(department, base)
    record["handling_items"][0]["code"] = record["code"] + "A1"
    record["materials"][2]["handling_codes"] = []
    assert problems_of(record) == [("/handling_items/0", "code", "业务办理项编码应为实施编码加 2 位数字")]


# ---- references ---------------------------------------------------------------------------------------------


def test_item_references_must_resolve(refs):
    department, base, _ = refs
    record = item_record(department, base, base_code="999999999999", topics=["nope"])
    assert problems_of(record) == [
        ("", "base_code", "基本目录事项 999999999999 不存在"),
        ("", "topics.0", "主题 nope 不存在"),
    ]


def test_department_parent_must_exist():
    problems = check_department(department_record(1, parent_credit_code=credit_code(999)))
    assert [(p.field, p.reason) for p in problems] == [
        ("parent_credit_code", f"上级部门 {credit_code(999)} 不存在")
    ]


def test_base_item_parent_must_exist():
    record = {
        "code": "X1",
        "name": "子项",
        "kind": "licensing",
        "exercise_level": "county",
        "parent_code": "X0",
        "legal_bases": [],
        "legal_limit_days": 20,
    }
    assert [(p.field, p.reason) for p in check_base_item(record)] == [("parent_code", "主项 X0 不存在")]


# ---- kind and time limits -----------------------------------------------------------------------------------


def test_item_kind_must_equal_its_base_items_kind(refs):
    department, base, _ = refs
    record = item_record(department, base, kind="licensing")
    assert problems_of(record) == [("", "kind", "事项类型应与基本目录事项一致（公共服务）")]


def test_promised_limit_may_not_exceed_legal_limit(refs):
    department, base, _ = refs
    record = item_record(department, base, legal_limit_days=20, promised_limit_days=21)
    assert problems_of(record) == [("", "promised_limit_days", "承诺办结时限不能超过法定办结时限")]


def test_item_legal_limit_may_not_exceed_the_base_items(refs):
    department, base, _ = refs
    record = item_record(department, base, legal_limit_days=61)
    assert problems_of(record) == [("", "legal_limit_days", "法定办结时限不能超过基本目录事项的 60 个工作日")]


# ---- materials ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "reason"),
    [
        ({"requirement": "conditional", "condition": ""}, "condition", "情形必要的材料应说明适用情形"),
        (
            {"source": "e_license", "license_type_code": ""},
            "license_type_code",
            "来源为电子证照的材料应填写电子证照类型代码",
        ),
        (
            {"source": "e_license", "license_type_code": "ABC"},
            "license_type_code",
            "电子证照类型代码应为 18 位统一社会信用代码加 3 位数字",
        ),
        (
            {"source": "shared_data", "shared_resource": " "},
            "shared_resource",
            "来源为数据共享的材料应填写共享数据资源",
        ),
        (
            {"source": "department", "issuing_body": ""},
            "issuing_body",
            "来源为政府部门核发的材料应填写核发部门",
        ),
        ({"handling_codes": ["X"]}, "handling_codes.0", "业务办理项 X 不属于本事项"),
        (
            {"blank_form": "catalog/forms/missing.xlsx"},
            "blank_form",
            "媒体存储中没有文件 catalog/forms/missing.xlsx",
        ),
        ({"sample": "../secret"}, "sample", "媒体存储中没有文件 ../secret"),
    ],
)
def test_material_rules(refs, changes, field, reason):
    department, base, _ = refs
    record = item_record(department, base)
    record["materials"][0].update(changes)
    assert problems_of(record) == [("/materials/0", field, reason)]


def test_material_blank_form_present_in_media_storage_is_accepted(refs):
    department, base, _ = refs
    name = default_storage.save("catalog/forms/apply.xlsx", ContentFile(b"x"))
    record = item_record(department, base)
    record["materials"][0]["blank_form"] = name
    try:
        assert problems_of(record) == []
    finally:
        default_storage.delete(name)


# ---- visits, fees, enums, text ------------------------------------------------------------------------------


def test_zero_visits_needs_fully_online_depth(refs):
    department, base, _ = refs
    record = item_record(department, base, visits_required=0, online_depth=3)
    assert problems_of(record) == [
        ("", "online_depth", "到办事现场次数为 0 的事项，网上办理深度应为四级（全程网办）")
    ]
    assert problems_of({**record, "online_depth": 4}) == []


def test_a_charged_item_lists_its_fees(refs):
    department, base, _ = refs
    record = item_record(department, base, is_free=False, fees=[])
    assert problems_of(record) == [("", "fees", "收费事项应至少列出一项收费项目")]
    assert problems_of({**record, "is_free": True}) == []


def test_enum_fields_take_only_listed_values(refs):
    department, base, _ = refs
    record = item_record(department, base, audience="alien", online_depth=7, channels=["web", "pigeon"])
    record["legal_bases"][0]["kind"] = "decree"
    assert [(row, field) for row, field, _ in problems_of(record)] == [
        ("", "audience"),
        ("", "legal_bases.0.kind"),
        ("", "online_depth"),
        ("", "channels"),
    ]
    assert problems_of(record)[0][2] == "取值「alien」无效，可选值：person、enterprise、both"


def test_required_text_may_not_be_blank_or_missing(refs):
    department, base, _ = refs
    record = item_record(department, base, conditions="   ")
    del record["consult_phone"]
    assert problems_of(record) == [
        ("", "conditions", "「受理条件」不能为空"),
        ("", "consult_phone", "缺少必填项「咨询电话」"),
    ]


def test_types_lengths_control_characters_and_unknown_fields(refs):
    department, base, _ = refs
    record = item_record(
        department, base, popularity="many", is_free="no", name="办\x00证", summary="长" * 501, colour="red"
    )
    assert problems_of(record) == [
        ("", "colour", "未知字段"),
        ("", "name", "含有不可见的控制字符"),
        ("", "summary", "长度不能超过 500 个字符"),
        ("", "is_free", "应为 true 或 false"),
        ("", "popularity", "应为整数"),
    ]


def test_topic_code_is_a_lower_case_slug():
    problems = check_topic({"code": "Birth Day", "name": "生育", "audience": "person"})
    assert [(p.field, p.reason) for p in problems] == [
        ("code", "主题编码只能由小写字母、数字、连字符和下划线组成")
    ]


# ---- through the services: refused, nothing written -------------------------------------------------------


def test_service_refuses_an_invalid_item_and_writes_nothing(refs):
    department, base, _ = refs
    record = item_record(department, base, promised_limit_days=90)
    record["materials"][1]["condition"] = ""
    audit_before = AuditEntry.objects.count()

    with pytest.raises(CatalogValidationError) as raised:
        services.create_item_draft(actor="user:1", data=record)

    assert raised.value.code == "CATALOG_INVALID"
    assert raised.value.status == 400
    assert raised.value.details == [
        {"field": "promised_limit_days", "reason": "承诺办结时限不能超过法定办结时限"},
        {"field": "materials.1.condition", "reason": "情形必要的材料应说明适用情形"},
    ]
    assert ImplementationItem.objects.count() == 0
    assert Material.objects.count() == 0
    assert AuditEntry.objects.count() == audit_before


def test_service_refuses_an_invalid_department_and_base_item():
    audit_before = AuditEntry.objects.count()
    with pytest.raises(CatalogValidationError):
        services.create_department(actor="system", data=department_record(1, level="galactic"))
    with pytest.raises(CatalogValidationError):
        services.create_base_item(
            actor="system",
            data={
                "code": "B1",
                "name": "",
                "kind": "licensing",
                "exercise_level": "county",
                "legal_limit_days": -1,
            },
        )
    assert Department.objects.count() == 0
    assert BaseItem.objects.count() == 0
    assert AuditEntry.objects.count() == audit_before
