"""The JSON Schema subset forms use: every supported keyword is enforced."""

from __future__ import annotations

import pytest

from zwfw.cases.forms import check_schema, prefill_values, validate_form

SCHEMA = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "title": "名称", "pattern": "^[\\u4e00-\\u9fa5]+$"},
        "count": {"type": "integer", "title": "数量", "maximum": 3},
        "ok": {"type": "boolean", "title": "同意"},
        "kind": {"type": "string", "const": "A"},
        "tags": {"type": "array", "title": "标签", "items": {"type": "string", "maxLength": 2}, "minItems": 1,
                 "maxItems": 2},
    },
    "required": ["name"],
}


def test_valid_data_has_no_problems():
    check_schema(SCHEMA)
    assert validate_form(SCHEMA, {"name": "张三", "count": 3, "ok": True, "kind": "A", "tags": ["甲"]}) == []


@pytest.mark.parametrize(
    ("data", "fields"),
    [
        ({}, ["name"]),
        ({"name": "   "}, ["name"]),
        ({"name": "abc"}, ["name"]),
        ({"name": "张", "count": True}, ["count"]),
        ({"name": "张", "count": 4}, ["count"]),
        ({"name": "张", "count": 1.5}, ["count"]),
        ({"name": "张", "ok": "yes"}, ["ok"]),
        ({"name": "张", "kind": "B"}, ["kind"]),
        ({"name": "张", "tags": []}, ["tags"]),
        ({"name": "张", "tags": ["a", "b", "c"]}, ["tags"]),
        ({"name": "张", "tags": ["abc", 1]}, ["tags[0]", "tags[1]"]),
        ({"name": "张" * 2001}, ["name"]),
    ],
)
def test_each_rule_is_enforced(data, fields):
    assert sorted(p["field"] for p in validate_form(SCHEMA, data)) == fields


def test_non_object_data_is_one_problem():
    assert validate_form(SCHEMA, "x") == [{"field": "", "reason": "表单数据应为对象"}]


def test_prefill_from_an_enterprise():
    class Rep:
        name = "王五"

    class Ent:
        name = "某公司"
        credit_code = "91350100M000100Y43"
        legal_representative = Rep()

    class P:
        name = "赵六"
        document_number = "11010519491231002X"

    layout = {"prefill": {"a": "enterprise.name", "b": "enterprise.legal_representative", "c": "person.name"}}
    assert prefill_values(layout, person=P(), enterprise=Ent()) == {"a": "某公司", "b": "王五", "c": "赵六"}
    assert prefill_values(layout, person=P()) == {"c": "赵六"}


def test_formats_and_nested_rules_are_enforced_by_json_schema():
    schema = {
        "type": "object",
        "properties": {
            "born": {"type": "string", "format": "date", "title": "出生日期"},
            "mail": {"type": "string", "format": "email"},
            "address": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
        },
    }
    check_schema(schema)
    problems = validate_form(schema, {"born": "2026-02-30", "mail": "not-a-mail", "address": {}})
    assert sorted(p["field"] for p in problems) == ["address.city", "born", "mail"]
    assert {"field": "born", "reason": "出生日期格式不正确"} in problems
    assert validate_form(schema, {"born": "2026-02-28", "mail": "a@example.cn", "address": {"city": "杭州"}}) == []


def test_unknown_fields_are_named_when_the_form_is_closed():
    schema = {**SCHEMA, "additionalProperties": False}
    assert validate_form(schema, {"name": "张三", "extra": 1}) == [{"field": "extra", "reason": "表单没有此字段"}]


def test_boolean_field_schemas_do_not_break_the_messages():
    schema = {"type": "object", "properties": {"any": True, "no": False}, "required": ["any", "no"]}
    check_schema(schema)
    problems = validate_form(schema, {"any": "   ", "no": 1})
    assert {"field": "any", "reason": "请填写any"} in problems
    assert len(problems) == 2  # and the value a false schema refuses is a problem too (jsonschema gives no path)
