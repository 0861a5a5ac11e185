"""Bad input on the licence API and pages: every answer a clean Chinese 4xx, nothing half-written."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from tests.identity.factories import PersonFactory
from tests.licenses.hostile.helpers import API, assert_clean_4xx, call, issue_body
from tests.licenses.wallet_helpers import licence_state, license_type, signed_in
from zwfw.licenses.models import License

pytestmark = pytest.mark.django_db


def _raw(client, path, text: str):
    return client.post(f"{API}{path}", data=text.encode("utf-8"), content_type="application/json")


# --- lone surrogates (valid JSON, not encodable as UTF-8) -----------------------------------------

def test_lone_surrogate_in_public_verify_holder_code(world):
    body = '{"identifier": "' + world["degree"].identifier + '", "holder_code": "\\ud800"}'
    before = licence_state()
    assert_clean_4xx(_raw(Client(), "/verify", body))
    assert licence_state() == before


def test_lone_surrogate_in_public_verify_identifier(world):
    body = '{"identifier": "1.2.156.3005.2.\\udfff", "holder_code": "110101199003070000"}'
    assert_clean_4xx(_raw(Client(), "/verify", body))


def test_lone_surrogate_in_issue_surface(world, people):
    before = licence_state()
    holder = PersonFactory()
    body = json.dumps(issue_body(holder, surface={"issue_date": "2026-12-01", "address": "XSURX"})).replace("XSURX", "\\ud800")
    assert_clean_4xx(_raw(signed_in(people["approver"].user), "/issue", body))
    assert licence_state() == before


def test_lone_surrogate_in_grant_purpose(world, other_department):
    before = licence_state()
    until = (timezone.now() + dt.timedelta(days=1)).isoformat()
    body = json.dumps({"department_code": other_department.credit_code, "purpose": "XSURX", "valid_until": until})
    body = body.replace("XSURX", "\\ud800")
    response = world["alice_client"].post(
        f"{API}/wallet/{world['degree'].identifier}/grants", data=body.encode(), content_type="application/json"
    )
    assert_clean_4xx(response)
    assert licence_state() == before


def test_lone_surrogate_in_fetch_purpose(world, people):
    before = licence_state()
    body = json.dumps({"identifier": world["degree"].identifier, "purpose": "XSURX"}).replace("XSURX", "\\ud800")
    assert_clean_4xx(_raw(signed_in(people["other_approver"].user), "/fetch", body))
    assert licence_state() == before


def test_lone_surrogate_in_status_reason(world, people):
    before = licence_state()
    body = json.dumps({"action": "suspend", "reason": "XSURX"}).replace("XSURX", "\\ud800")
    assert_clean_4xx(_raw(signed_in(people["approver"].user), f"/{world['degree'].identifier}/status", body))
    assert licence_state() == before


def test_lone_surrogate_in_idempotency_key(world, people):
    before = licence_state()
    body = json.dumps(issue_body(PersonFactory(), idempotency_key="XSURX")).replace("XSURX", "\\ud800")
    assert_clean_4xx(_raw(signed_in(people["approver"].user), "/issue", body))
    assert licence_state() == before


# --- dates ---------------------------------------------------------------------------------------

def test_issue_with_valid_from_at_the_end_of_time(world, people):
    before = licence_state()
    response = call(signed_in(people["approver"].user), "post", "/issue", issue_body(PersonFactory(), valid_from="9999-12-31"))
    assert_clean_4xx(response)
    assert licence_state() == before


def test_issue_with_valid_from_in_year_one(world, people):
    response = call(signed_in(people["approver"].user), "post", "/issue", issue_body(PersonFactory(), valid_from="0001-01-01"))
    # a licence valid from year 1 (and expired 1,900 years ago) should not be issued
    assert 400 <= response.status_code < 500, response.content


def test_issue_with_valid_from_in_the_future_is_not_shown_as_valid_yet(world, people):
    response = call(signed_in(people["approver"].user), "post", "/issue",
                    issue_body(PersonFactory(), valid_from="2099-01-01", idempotency_key="future"))
    if response.status_code == 201:
        assert response.json()["status"] != "valid", "a licence not yet in force is reported 有效"


def test_grant_page_with_valid_until_at_the_end_of_time(world, other_department):
    before = licence_state()
    response = world["alice_client"].post(
        f"/licenses/wallet/{world['degree'].identifier}/",
        {"department_code": other_department.credit_code, "purpose": "入学", "valid_until": "9999-12-31"},
    )
    assert 400 <= response.status_code < 500
    assert licence_state() == before


def test_workbench_issue_with_valid_from_at_the_end_of_time(world, people):
    before = licence_state()
    holder = PersonFactory()
    response = signed_in(people["approver"].user).post("/licenses/workbench/issue/", {
        "type_code": license_type("居住证").code, "holder_document_type": "resident_id",
        "holder_document_number": holder.document_number, "valid_from": "9999-12-31",
        "f_issue_date": "2026-12-01", "f_address": "杭州市上城区", "idempotency_key": "wb-1",
    })
    assert 400 <= response.status_code < 500
    assert licence_state() == before


# --- idempotency ---------------------------------------------------------------------------------

def test_a_blank_idempotency_key_is_not_a_key(world, people):
    client, holder = signed_in(people["approver"].user), PersonFactory()
    first = call(client, "post", "/issue", issue_body(holder, idempotency_key="   "))
    second = call(client, "post", "/issue", issue_body(holder, idempotency_key="   "))
    assert first.status_code in (400, 422) or License.objects.filter(holder_person=holder).count() == 1, (
        first.status_code, second.status_code, License.objects.filter(holder_person=holder).count()
    )


@pytest.mark.parametrize("change", [{"valid_from": "2026-01-05"}, {"trust_level": "C"}])
def test_a_replay_with_different_content_is_a_conflict(world, people, change):
    client, holder = signed_in(people["approver"].user), PersonFactory()
    first = call(client, "post", "/issue", issue_body(holder, idempotency_key="k-diff"))
    assert first.status_code == 201
    replay = call(client, "post", "/issue", issue_body(holder, idempotency_key="k-diff", **change))
    assert replay.status_code == 409, (replay.status_code, replay.json())


# --- values of surface fields ---------------------------------------------------------------------

ESTATE = {"ownership": "单独所有", "location": "杭州市西湖区文三路1号", "unit_no": "330106001001GB00001F00010001",
          "right_type": "国有建设用地使用权/房屋所有权", "certificate_no": "浙(2026)杭州市不动产权第0000001号"}


@pytest.mark.parametrize("area", ["NaN", "Infinity", "-inf", "1_000", "١٢٣"])
def test_a_number_field_refuses_non_numbers(world, people, area):
    holder = PersonFactory()
    body = {"type_code": license_type("不动产权证书").code, "holder_document_number": holder.document_number,
            "surface": ESTATE | {"area": area}, "idempotency_key": f"area-{area}"}
    response = call(signed_in(people["approver"].user), "post", "/issue", body)
    assert response.status_code == 400, (response.status_code, response.content[:300])


def test_huge_integer_in_surface(world, people):
    holder = PersonFactory()
    body = json.dumps(issue_body(holder, surface={"issue_date": "2026-12-01", "address": "BIGINT"}))
    body = body.replace('"BIGINT"', "9" * 5000)
    assert_clean_4xx(_raw(signed_in(people["approver"].user), "/issue", body))


@pytest.mark.parametrize("day", ["20260630", "2026-W26-2", "2026-181"])
def test_a_date_field_in_a_non_canonical_form_is_stored_canonically(world, people, day):
    holder = PersonFactory()
    response = call(signed_in(people["approver"].user), "post", "/issue",
                    issue_body(holder, surface={"issue_date": day, "address": "杭州市上城区"}, idempotency_key=f"d-{day}"))
    if response.status_code == 201:
        stored = json.loads(License.objects.get(identifier=response.json()["identifier"]).surface)["issue_date"]
        assert stored == dt.date.fromisoformat(day).isoformat(), stored


# --- methods, content types, uploads --------------------------------------------------------------

@pytest.mark.parametrize(("method", "path"), [("put", "/verify"), ("patch", "/issue"), ("delete", "/wallet"),
                                              ("post", "/types"), ("get", "/verify/token")])
def test_wrong_method_is_a_clean_chinese_error(world, method, path):
    response = getattr(world["alice_client"], method)(f"{API}{path}")
    assert_clean_4xx(response)


def test_form_encoded_body_to_a_json_endpoint(world):
    response = Client().post(f"{API}/verify", {"identifier": "x", "holder_code": "y"})
    assert_clean_4xx(response)


def test_json_null_body(world):
    assert_clean_4xx(_raw(Client(), "/verify", "null"))


def test_json_array_body(world):
    assert_clean_4xx(_raw(Client(), "/verify", "[]"))


def test_deeply_nested_json(world, people):
    body = json.dumps(issue_body(PersonFactory(), surface={"issue_date": "2026-12-01", "address": "NEST"}))
    body = body.replace('"NEST"', "[" * 100000 + "]" * 100000)
    assert_clean_4xx(_raw(signed_in(people["approver"].user), "/issue", body))


def _upload(client, content: bytes, name="a.pdf", ctype="application/pdf", field="file"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(f"{API}/verify/pdf", {field: SimpleUploadedFile(name, content, content_type=ctype)})


@pytest.mark.parametrize("content", [b"", b"hello", b"%PDF-", b"%PDF-1.7\n" + b"\x00" * 1000,
                                     b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<</Root 1 0 R>>\n%%EOF",
                                     b"\x89PNG\r\n\x1a\n" + b"0" * 100])
def test_non_pdf_uploads(world, content):
    assert_clean_4xx(_upload(Client(), content))


def test_upload_without_a_file(world):
    assert_clean_4xx(Client().post(f"{API}/verify/pdf", {}))


def test_upload_under_another_field_name(world):
    assert_clean_4xx(_upload(Client(), b"%PDF-1.7", field="pdf"))


def test_oversize_upload_api(world):
    assert_clean_4xx(_upload(Client(), b"%PDF-1.7\n" + b"0" * (20 * 1024 * 1024 + 10)), (400, 413))


def test_oversize_upload_page(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = Client().post("/licenses/verify/", {"file": SimpleUploadedFile(
        "a.pdf", b"%PDF-1.7\n" + b"0" * (20 * 1024 * 1024 + 10), content_type="application/pdf")})
    assert response.status_code in (400, 413)
    assert "20MB" in response.content.decode()


@pytest.mark.parametrize("content", [b"", b"hello", b"%PDF-1.7\n" + b"\x00" * 100])
def test_non_pdf_uploads_page(world, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = Client().post("/licenses/verify/", {"file": SimpleUploadedFile("a.pdf", content)})
    assert 400 <= response.status_code < 500, response.status_code
