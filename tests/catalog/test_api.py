"""事项管理 JSON API: list, detail, 404 and 422 shapes."""

from __future__ import annotations

import pytest

from tests.catalog.factories import (
    BaseItemFactory,
    DepartmentFactory,
    TopicFactory,
    item_record,
)
from zwfw.catalog import services

pytestmark = pytest.mark.django_db

BASE = "/api/v1/catalog"


@pytest.fixture
def catalog():
    """Given a department with two published items (one fully online, zero visits) and one draft."""
    department = DepartmentFactory(name="浙江省公安厅", short_name="省公安厅")
    base = BaseItemFactory(code="000105001000", name="居民身份证申领")
    topic = TopicFactory(code="birth", name="生育收养")
    TopicFactory(code="company", name="开办企业", enterprise=True)
    first = item_record(department, base, n=1, topics=["birth"], popularity=500)
    second = item_record(
        department,
        base,
        n=2,
        name="户口迁移",
        visits_required=0,
        online_depth=4,
        popularity=900,
        handling_items=[],
        materials=[],
    )
    draft = item_record(department, base, n=3, name="草稿事项", handling_items=[], materials=[])
    for record in (first, second):
        services.create_item_draft(actor="system", data=record)
        services.publish(actor="system", code=record["code"])
    services.create_item_draft(actor="system", data=draft)
    return {"department": department, "topic": topic, "first": first, "second": second, "draft": draft}


def test_list_items_returns_published_summaries_by_popularity(api_client, catalog):
    response = api_client.get(f"{BASE}/items")

    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["page"], body["page_size"]) == (2, 1, 20)
    assert [i["code"] for i in body["items"]] == [catalog["second"]["code"], catalog["first"]["code"]]
    summary = body["items"][0]
    assert summary["department"] == {
        "credit_code": catalog["department"].credit_code,
        "name": "浙江省公安厅",
        "short_name": "省公安厅",
        "region_code": "330000",
    }
    assert (summary["is_fully_online"], summary["is_zero_visit"], summary["version"]) == (True, True, 1)


def test_list_items_filters(api_client, catalog):
    zero = api_client.get(f"{BASE}/items", {"zero_visit": "true"}).json()
    topic = api_client.get(f"{BASE}/items", {"topic": "birth"}).json()
    paged = api_client.get(f"{BASE}/items", {"page": 2, "page_size": 1}).json()
    assert [i["code"] for i in zero["items"]] == [catalog["second"]["code"]]
    assert [i["code"] for i in topic["items"]] == [catalog["first"]["code"]]
    assert ([i["code"] for i in paged["items"]], paged["count"], paged["page"]) == (
        [catalog["first"]["code"]],
        2,
        2,
    )


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"page_size": 101}, "page_size"),
        ({"page": 0}, "page"),
        ({"page": "99999999999999999999999"}, "page"),
        ({"q": "身份\x00证"}, "q"),
        ({"audience": "alien"}, "audience"),
        ({"region": "33"}, "region"),
        ({"fully_online": "maybe"}, "fully_online"),
    ],
)
def test_list_items_rejects_bad_parameters_with_422(api_client, catalog, params, field):
    response = api_client.get(f"{BASE}/items", params)

    assert response.status_code == 422
    body = response.json()
    assert (body["code"], body["message"]) == ("INVALID_REQUEST", "请求参数不正确")
    assert [d["field"] for d in body["details"]] == [field]


def test_item_detail_is_the_full_guide(api_client, catalog):
    record = catalog["first"]
    response = api_client.get(f"{BASE}/items/{record['code']}")

    assert response.status_code == 200
    body = response.json()
    assert (body["code"], body["name"], body["version"]) == (record["code"], record["name"], 1)
    assert body["base_item"] == {"code": "000105001000", "name": "居民身份证申领"}
    assert body["department"]["credit_code"] == catalog["department"].credit_code
    assert body["department"]["item_count"] == 2
    assert body["topics"] == [{"code": "birth", "name": "生育收养"}]
    assert body["legal_bases"] == record["legal_bases"]
    assert body["fees"] == record["fees"]
    assert body["places"] == record["places"]
    assert body["handling_items"] == record["handling_items"]
    assert [m["name"] for m in body["materials"]] == ["居民户口簿", "委托书", "户口簿电子证照"]
    assert body["materials"][1]["condition"] == "委托他人代办的"
    assert body["materials"][2]["license_type_code"] == "11100000000013338W011"
    assert body["materials"][0]["blank_form_url"] is None
    assert (body["is_free"], body["promised_limit_days"], body["legal_limit_days"]) == (False, 15, 60)


def test_item_detail_unknown_and_draft_codes_are_404(api_client, catalog):
    for code in ("1" * 31, catalog["draft"]["code"]):
        response = api_client.get(f"{BASE}/items/{code}")
        assert response.status_code == 404
        assert response.json() == {
            "code": "ITEM_NOT_FOUND",
            "message": f"未找到编码为 {code} 的事项",
            "details": {"code": code},
        }


def test_item_detail_malformed_code_is_422(api_client, catalog):
    response = api_client.get(f"{BASE}/items/not-a-code")
    assert response.status_code == 422
    assert response.json()["details"] == [
        {"field": "code", "reason": "格式不正确"}
    ]


def test_departments_list_and_detail(api_client, catalog):
    department = catalog["department"]
    listing = api_client.get(f"{BASE}/departments").json()
    detail = api_client.get(f"{BASE}/departments/{department.credit_code}")
    assert [(d["credit_code"], d["item_count"]) for d in listing] == [(department.credit_code, 2)]
    assert detail.status_code == 200
    assert detail.json() == {
        "credit_code": department.credit_code,
        "name": "浙江省公安厅",
        "short_name": "省公安厅",
        "region_code": "330000",
        "level": "provincial",
        "parent_credit_code": None,
        "consult_phone": "0571-12345",
        "complaint_phone": "0571-12345",
        "address": "",
        "office_hours": "",
        "item_count": 2,
    }


def test_department_unknown_is_404_and_malformed_is_422(api_client, catalog):
    missing = api_client.get(f"{BASE}/departments/{'1' * 18}")
    malformed = api_client.get(f"{BASE}/departments/abc")
    assert (missing.status_code, missing.json()["code"]) == (404, "DEPARTMENT_NOT_FOUND")
    assert (malformed.status_code, malformed.json()["code"]) == (422, "INVALID_REQUEST")


def test_topics_by_audience(api_client, catalog):
    everyone = api_client.get(f"{BASE}/topics").json()
    persons = api_client.get(f"{BASE}/topics", {"audience": "person"}).json()
    bad = api_client.get(f"{BASE}/topics", {"audience": "x"})
    assert [(t["code"], t["item_count"]) for t in everyone] == [("company", 0), ("birth", 1)]
    assert persons == [
        {"code": "birth", "name": "生育收养", "audience": "person", "description": "", "item_count": 1}
    ]
    assert bad.status_code == 422


def test_openapi_declares_error_schema_for_every_4xx():
    from zwfw.api import api

    document = api.get_openapi_schema()
    for path, operations in document["paths"].items():
        if not path.startswith("/api/v1/catalog/"):
            continue
        for operation in operations.values():
            errors = {code: r for code, r in operation["responses"].items() if str(code).startswith("4")}
            assert errors, path
            for response in errors.values():
                assert response["content"]["application/json"]["schema"] == {
                    "$ref": "#/components/schemas/ErrorOut"
                }
