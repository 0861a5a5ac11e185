"""The demo catalogue data itself: sizes, codes, rules of the interchange format, realistic names."""

from __future__ import annotations

import re
from collections import Counter
from io import BytesIO

import pytest
import time_machine
from openpyxl import load_workbook

from zwfw.core.codes import parse_credit_code, parse_resident_id, validate_region_code
from zwfw.demo.catalog_data import build_catalog
from zwfw.demo.catalog_data.common import LICENSE_DEFINERS
from zwfw.demo.forms import APPLICANT, CHILD, COMPANY, FORMS, SPOUSE, form_paths, render_form

DOC = build_catalog()
ITEMS = DOC["items"]
DEPTS = {d["credit_code"]: d for d in DOC["departments"]}
BASES = {b["code"]: b for b in DOC["base_items"]}
MATERIALS = [m for item in ITEMS for m in item["materials"]]


def test_document_format_and_sizes():
    assert DOC["format"] == "zwfw-catalog/1"
    assert len(ITEMS) >= 150
    assert len({item["department_credit_code"] for item in ITEMS}) >= 15
    assert len(DOC["topics"]) >= 20
    zero_visit = [item for item in ITEMS if item["visits_required"] == 0]
    assert len(zero_visit) / len(ITEMS) >= 0.20
    assert all(item["online_depth"] == 4 for item in zero_visit)


def test_every_topic_and_department_is_used():
    used_topics = Counter(t for item in ITEMS for t in item["topics"])
    assert set(used_topics) == {t["code"] for t in DOC["topics"]}
    assert {t["audience"] for t in DOC["topics"]} == {"person", "enterprise"}
    assert set(DEPTS) == {item["department_credit_code"] for item in ITEMS}


def test_department_credit_codes_and_regions_are_valid():
    for code, dept in DEPTS.items():
        parsed = parse_credit_code(code)
        assert parsed.registration_authority_code == "1"  # 机构编制
        assert parsed.region_code == dept["region_code"] in ("330000", "330100")
        assert parsed.province_name == "浙江"
        validate_region_code(dept["region_code"])
        assert dept["level"] == ("provincial" if dept["region_code"] == "330000" else "municipal")
        assert dept["parent_credit_code"] is None or dept["parent_credit_code"] in DEPTS
    # 机关 except the 残联 (群众团体) and the 公积金中心 (事业单位)
    categories = Counter(parse_credit_code(code).category_name for code in DEPTS)
    assert categories["机关"] >= 15
    assert set(categories) == {"机关", "群众团体", "事业单位"}


def test_item_and_handling_codes_are_well_formed_and_unique():
    codes = [item["code"] for item in ITEMS]
    assert len(codes) == len(set(codes))
    handling_codes = []
    for item in ITEMS:
        assert re.fullmatch(r"[0-9A-Z]{31}", item["code"]), item["code"]
        assert item["code"].startswith(item["department_credit_code"])
        assert item["region_code"] == DEPTS[item["department_credit_code"]]["region_code"]
        own = set()
        for hi in item["handling_items"]:
            assert re.fullmatch(re.escape(item["code"]) + r"\d{2}", hi["code"]), hi["code"]
            own.add(hi["code"])
            handling_codes.append(hi["code"])
        assert item["handling_items"], item["name"]
        for m in item["materials"]:
            assert set(m["handling_codes"]) <= own, (item["name"], m["name"])
    assert len(handling_codes) == len(set(handling_codes))
    assert len(BASES) == len(DOC["base_items"])
    assert len(DEPTS) == len(DOC["departments"])


def test_licence_type_codes_follow_gb_t_36904():
    codes = {m["license_type_code"] for m in MATERIALS if m["license_type_code"]}
    codes |= {item["result_license_type_code"] for item in ITEMS if item["result_license_type_code"]}
    for code in codes:
        assert len(code) == 21, code
        assert code[18:].isdigit(), code
        parse_credit_code(code[:18])
    for definer in LICENSE_DEFINERS:
        assert parse_credit_code(definer).region_code == "100000"


def test_limits_kinds_and_fees_follow_the_rules():
    for item in ITEMS:
        base = BASES[item["base_code"]]
        assert item["kind"] == base["kind"], item["name"]
        assert item["promised_limit_days"] <= item["legal_limit_days"] <= base["legal_limit_days"], item[
            "name"
        ]
        assert (item["handling_type"] == "immediate") == (item["promised_limit_days"] == 0), item["name"]
        assert item["is_free"] == (not item["fees"]), item["name"]
        assert all(f["name"] and f["standard"] and f["basis"] for f in item["fees"]), item["name"]
        assert item["legal_bases"], item["name"]
        assert all(b["name"] for b in item["legal_bases"]), item["name"]
        assert item["process"], item["name"]
        assert item["places"], item["name"]
        assert item["conditions"], item["name"]
        assert item["consult_phone"]
        assert item["complaint_phone"] == "12345"
        assert item["popularity"] > 0
    for base in DOC["base_items"]:
        assert base["parent_code"] is None or BASES[base["parent_code"]]["kind"] == base["kind"]


def test_real_fee_standards():
    by_name = {item["name"]: item for item in ITEMS}
    assert "20元/证" in [f["standard"] for f in by_name["居民身份证申领"]["fees"]]
    assert [f["standard"] for f in by_name["普通护照签发"]["fees"]] == ["120元/本"]
    assert by_name["内地居民结婚登记"]["is_free"]
    assert by_name["社会保障卡申领"]["is_free"]


def test_every_material_source_and_requirement_is_represented_and_complete():
    assert Counter(m["source"] for m in MATERIALS).keys() == {
        "applicant",
        "e_license",
        "shared_data",
        "department",
    }
    assert Counter(m["requirement"] for m in MATERIALS).keys() == {"required", "conditional", "optional"}
    for m in MATERIALS:
        if m["requirement"] == "conditional":
            assert m["condition"], m["name"]
        if m["source"] == "e_license":
            assert m["license_type_code"], m["name"]
            assert m["paper_original_count"] == 0, m["name"]  # 免提交
        if m["source"] == "shared_data":
            assert m["shared_resource"], m["name"]
            assert m["paper_original_count"] == 0, m["name"]  # 免提交
        if m["source"] == "department":
            assert m["issuing_body"], m["name"]
    assert sum(1 for m in MATERIALS if m["source"] in ("e_license", "shared_data")) >= 150


@pytest.mark.parametrize(
    "needle",
    [
        "居民身份证",
        "婚姻登记",
        "结婚登记",
        "离婚登记",
        "企业设立登记",
        "食品经营许可",
        "社会保障卡",
        "住房公积金",
        "不动产",
        "机动车驾驶证",
        "护照",
        "通行证",
        "出入境",
        "医疗保险",
        "生育登记",
        "出生医学证明",
        "失业保险金",
        "就业创业证",
        "个体工商户",
        "药品经营许可",
        "施工许可",
        "道路货物运输经营许可",
        "残疾人证",
        "法律援助",
        "优待证",
    ],
)
def test_real_item_names_are_present(needle):
    assert any(needle in item["name"] for item in ITEMS), needle


@pytest.mark.parametrize(
    ("alias", "name_part"),
    [
        ("社保卡", "社会保障卡"),
        ("身份证办理", "居民身份证"),
        ("公积金提取", "住房公积金提取"),
        ("医保转移", "医疗保险关系转移"),
    ],
)
def test_common_aliases(alias, name_part):
    assert any(alias in item["aliases"] and name_part in item["name"] for item in ITEMS)


def test_cross_province_items_exist():
    scopes = Counter(item["cross_region_scope"] for item in ITEMS)
    assert scopes["cross_province"] + scopes["nationwide"] >= 20
    assert {"none", "city", "province"} <= set(scopes)


def test_forms_are_referenced_by_path_and_render():
    referenced = {m["blank_form"] for m in MATERIALS if m["blank_form"]}
    assert referenced == {form_paths(key)[0] for key in FORMS}
    for m in MATERIALS:
        if m["blank_form"]:
            key = m["blank_form"].removeprefix("catalog/forms/").removesuffix(".xlsx")
            assert m["sample"] == form_paths(key)[1]
            assert m["name"].endswith(("表", "书")), m["name"]  # an application form, not a certificate
        else:
            assert m["sample"] == ""


def test_rendered_form_and_sample():
    blank = load_workbook(BytesIO(render_form("legal-aid-application", sample=False))).active
    sample = load_workbook(BytesIO(render_form("legal-aid-application", sample=True))).active
    assert blank["A1"].value == "法律援助申请表"
    assert sample["A1"].value == "法律援助申请表（示例样表）"
    blank_values = [row[1] for row in blank.iter_rows(min_row=3, max_row=10, values_only=True)]
    sample_values = [row[1] for row in sample.iter_rows(min_row=3, max_row=10, values_only=True)]
    assert blank_values == [None] * 8
    assert "张三" in sample_values
    assert APPLICANT["id"] in sample_values


def test_a_form_renders_to_the_same_bytes_at_any_time():
    # openpyxl dates zip entries with the wall clock; two renders across a second boundary once differed
    with time_machine.travel("2026-12-03 10:00:00", tick=False):
        early = render_form("legal-aid-application", sample=True)
    with time_machine.travel("2027-05-17 23:59:59", tick=False):
        late = render_form("legal-aid-application", sample=True)
    assert early == late
    assert load_workbook(BytesIO(late)).active["A1"].value == "法律援助申请表（示例样表）"


def test_sample_people_and_company_have_valid_codes():
    for person in (APPLICANT, SPOUSE, CHILD):
        parsed = parse_resident_id(person["id"])
        assert parsed.province_name == "浙江"
        assert parsed.sex == ("male" if person["sex"] == "男" else "female")
    assert parse_credit_code(COMPANY["code"]).category_name == "企业"
