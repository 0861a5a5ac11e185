"""The 统一电子印章 API (/api/v1/seals/): who may call each operation, the whole flow, bad input.

The table below must name every operation of /api/v1/seals/ in the OpenAPI document, so a new
endpoint cannot be added without saying who may call it and what everyone else gets. Each staff
operation is then called by a visitor (401), a citizen, staff of another department (refused, or
shown nothing of the department) and the right staff member (the documented status and schema),
and every refusal is checked to have changed nothing.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import typing
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from pydantic import BaseModel, TypeAdapter

from tests.identity.factories import PersonFactory
from tests.seals.conftest import sample_pdf, signed_in
from zwfw.core.models import AuditEntry
from zwfw.portal.management.commands.export_openapi import openapi_document
from zwfw.seals import signing
from zwfw.seals.models import Seal, SealRequest, SealStatusEvent, SealUsage, SealUsePermission
from zwfw.seals.schemas import (
    PdfReportOut,
    ReportOut,
    RolesOut,
    SealOut,
    SealPageOut,
    SealPublicOut,
    SealRequestOut,
    SignDataOut,
    UsagePageOut,
)

pytestmark = pytest.mark.django_db

API = "/api/v1/seals"
DATA = "申请人：杭州示例科技有限公司；事项：食品经营许可；决定：准予许可".encode()
ERROR_KEYS = {"code", "message", "details"}


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def pdf_upload(content: bytes | None = None, name: str = "决定书.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, sample_pdf() if content is None else content, content_type="application/pdf")


# --- the table of operations -----------------------------------------------------------------------


@dataclass(frozen=True)
class Operation:
    """How to call one staff operation, who it is for and what the others get.

    ``body`` builds the request from the world (a JSON object, multipart fields or nothing);
    ``citizen`` and ``outsider`` are the (status, code) a signed-in citizen and staff of the other
    department receive; ``outsider=None`` marks a list, where the outsider sees only their own.
    ``changes`` names what the right staff member's call changes (see ``state``).
    """

    who: str
    status: int
    schema: Any
    citizen: tuple[int, str]
    outsider: tuple[int, str] | None
    body: Callable[[dict], dict | None] = lambda w: None
    multipart: bool = False
    changes: frozenset[str] = frozenset()  # the parts of ``state()`` a success changes


def _new_request(w: dict) -> dict:
    return {
        "department_code": w["department"].credit_code,
        "kind": "official",
        "owner_name": w["department"].name,
        "valid_to": (timezone.now() + dt.timedelta(days=730)).isoformat(),
        "reason": "新设综合窗口，网上出具决定书",
    }


SEAL_HIDDEN = (404, "SEAL_NOT_FOUND")
REQUEST_HIDDEN = (404, "SEAL_REQUEST_NOT_FOUND")
STAFF_ONLY = (403, "SEALS_STAFF_ONLY")

# Operations anyone may call: verifying and a seal's public facts.
PUBLIC = {
    ("post", "/verify/data"),
    ("post", "/verify/pdf"),
    ("get", "/public/{code}"),
}
# Operations of the registry and signing, for a staff session only.
STAFF: dict[tuple[str, str], Operation] = {
    ("post", "/requests"): Operation(
        "dept_admin", 201, SealRequestOut, (403, "SEAL_ADMIN_REQUIRED"), (403, "SEAL_ADMIN_REQUIRED"), _new_request,
        changes=frozenset({"requests", "audit"}),
    ),
    ("get", "/requests"): Operation("dept_admin", 200, list[SealRequestOut], STAFF_ONLY, None),
    ("post", "/requests/{request_id}/review"): Operation(
        "platform", 200, SealRequestOut, REQUEST_HIDDEN, REQUEST_HIDDEN, lambda w: {"approve": True, "comment": "同意"},
        changes=frozenset({"requests", "audit"}),
    ),
    ("post", "/requests/{approved_id}/make"): Operation(
        "platform", 201, SealOut, REQUEST_HIDDEN, REQUEST_HIDDEN,
        changes=frozenset({"requests", "seals", "status_events", "audit"}),
    ),
    ("get", "/"): Operation("approver", 200, SealPageOut, STAFF_ONLY, None),
    ("get", "/{code}"): Operation("approver", 200, SealOut, SEAL_HIDDEN, SEAL_HIDDEN),
    ("get", "/{code}/usages"): Operation("approver", 200, UsagePageOut, SEAL_HIDDEN, SEAL_HIDDEN),
    ("post", "/{code}/status"): Operation(
        "dept_admin", 200, SealOut, SEAL_HIDDEN, SEAL_HIDDEN,
        lambda w: {"status": "suspended", "reason": "印章保管人调整"},
        changes=frozenset({"seals", "status_events", "audit"}),
    ),
    ("put", "/{code}/roles"): Operation(
        "dept_admin", 200, RolesOut, SEAL_HIDDEN, SEAL_HIDDEN, lambda w: {"roles": ["approver", "window_clerk"]},
        changes=frozenset({"roles", "audit"}),
    ),
    ("post", "/{code}/sign"): Operation(
        "approver", 200, SignDataOut, SEAL_HIDDEN, SEAL_HIDDEN,
        lambda w: {"format": "jws", "data_base64": b64(DATA), "purpose": "食品经营许可决定"},
        changes=frozenset({"usages", "audit"}),
    ),
    ("post", "/{code}/sign-pdf"): Operation(
        "approver", 200, None, SEAL_HIDDEN, SEAL_HIDDEN,
        lambda w: {"file": pdf_upload(), "purpose": "准予行政许可决定书"}, multipart=True,
        changes=frozenset({"usages", "audit"}),
    ),
}


def documented_path(path: str) -> str:
    return path.replace("{approved_id}", "{request_id}")


def test_the_table_names_every_seals_operation():
    # given the node's OpenAPI document
    documented = {
        (method, path.removeprefix(API))
        for path, operations in openapi_document()["paths"].items()
        if path.startswith(f"{API}/")
        for method in operations
    }
    # then every seals operation is in the table, once, as public or staff
    tabled = PUBLIC | {(method, documented_path(path)) for method, path in STAFF}
    assert len(tabled) == len(PUBLIC) + len(STAFF)
    assert documented == tabled


def test_staff_operations_document_a_session_and_public_ones_none():
    # given the documented operations
    paths = openapi_document()["paths"]
    # then the staff ones require the session and the public ones require nothing
    for method, path in STAFF:
        assert paths[f"{API}{documented_path(path)}"][method]["security"] == [{"SessionAuth": []}], path
    for method, path in PUBLIC:
        assert "security" not in paths[f"{API}{path}"][method], path


# --- what "nothing changed" means (the world: conftest) ---------------------------------------------


def url_of(w: dict, path: str) -> str:
    return API + path.format(
        code=w["seal"].code, request_id=w["pending"].public_id, approved_id=w["approved"].public_id
    )


def state() -> dict:
    """Everything an operation of this API could change."""
    return {
        "usages": SealUsage.objects.count(),
        "requests": list(SealRequest.objects.order_by("id").values_list("id", "status", "reviewed_by_id")),
        "seals": list(Seal.objects.order_by("id").values_list("code", "status", "status_reason")),
        "roles": sorted(SealUsePermission.objects.values_list("seal_id", "role")),
        "status_events": SealStatusEvent.objects.count(),
        "audit": AuditEntry.objects.count(),
    }


def call(client: Client, w: dict, method: str, path: str) -> Any:
    operation = STAFF[(method, path)]
    body = operation.body(w)
    url = url_of(w, path)
    if operation.multipart:
        return client.post(url, body)
    if body is None:
        return getattr(client, method)(url)
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    assert set(body) == ERROR_KEYS
    assert body["code"] == code
    assert isinstance(body["message"], str)
    assert body["message"]
    return body


def assert_matches(schema: Any, value: Any) -> None:
    """``value`` validates against ``schema`` and has exactly its fields, nested ones included."""
    TypeAdapter(schema).validate_python(value)
    _same_fields(schema, value)


def _same_fields(schema: Any, value: Any) -> None:
    if typing.get_origin(schema) is list:
        for item in value:
            _same_fields(typing.get_args(schema)[0], item)
    elif isinstance(schema, type) and issubclass(schema, BaseModel):
        assert set(value) == set(schema.model_fields), (schema.__name__, sorted(value))
        for name, field in schema.model_fields.items():
            _same_fields(field.annotation, value[name])


def citizen_client() -> Client:
    client = Client()
    client.force_login(PersonFactory().user)
    return client


# --- who may call each staff operation -------------------------------------------------------------


@pytest.mark.parametrize(("method", "path"), sorted(STAFF))
def test_a_visitor_gets_401_and_nothing_changes(world, method, path):
    # given no session
    before = state()
    # when a visitor calls the operation
    response = call(Client(), world, method, path)
    # then 401 in the error shape, and nothing changed
    body = assert_error(response, 401, "UNAUTHENTICATED")
    assert body == {"code": "UNAUTHENTICATED", "message": "请先登录", "details": None}
    assert state() == before


@pytest.mark.parametrize(("method", "path"), sorted(STAFF))
def test_a_citizen_is_refused_and_nothing_changes(world, method, path):
    # given a signed-in citizen (no staff record)
    client = citizen_client()
    before = state()
    # when the citizen calls the operation
    response = call(client, world, method, path)
    # then it is refused (the registry is not theirs to see) and nothing changed
    assert_error(response, *STAFF[(method, path)].citizen)
    assert state() == before


@pytest.mark.parametrize("outsider", ["other_admin", "other_approver"])
@pytest.mark.parametrize(("method", "path"), sorted(key for key, op in STAFF.items() if op.outsider))
def test_staff_of_another_department_are_refused_and_nothing_changes(world, method, path, outsider):
    # given staff of the other department, who hold the same roles there
    client = signed_in(world["people"][outsider])
    before = state()
    # when they call the operation on the department's seal or request
    response = call(client, world, method, path)
    # then the object is not visible to them (404) or the act is not theirs (403), and nothing changed
    assert_error(response, *STAFF[(method, path)].outsider)
    assert state() == before


@pytest.mark.parametrize("outsider", ["other_admin", "other_approver"])
def test_lists_show_another_department_only_its_own(world, outsider):
    # given staff of the other department
    client = signed_in(world["people"][outsider])
    before = state()
    # when they list seals and seal requests
    seals = client.get(f"{API}/")
    requests = client.get(f"{API}/requests")
    # then they see their department's seal, and none of the department's seals or requests
    assert seals.status_code == 200
    assert [item["code"] for item in seals.json()["items"]] == [world["other_seal"].code]
    assert seals.json()["total"] == 1
    assert requests.status_code == 200
    assert [item["department"] for item in requests.json()] == ["杭州市民政局"]
    for secret in (world["seal"].code, str(world["pending"].public_id), str(world["approved"].public_id)):
        assert secret not in seals.content.decode() + requests.content.decode()
    assert state() == before


@pytest.mark.parametrize(("method", "path"), sorted(STAFF))
def test_the_right_staff_member_succeeds_with_the_documented_answer(world, method, path):
    # given the staff member the operation is for
    operation = STAFF[(method, path)]
    client = signed_in(world["people"][operation.who])
    before = state()
    # when they call it
    response = call(client, world, method, path)
    # then the documented status and a body of the documented schema
    assert response.status_code == operation.status, response.content
    if operation.schema is None:
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == 'attachment; filename="signed.pdf"'
        assert response.content.startswith(b"%PDF-")
    else:
        assert_matches(operation.schema, response.json())
    # and exactly what the operation is for changed (nothing, for a read), with one audit entry per write
    after = state()
    assert {key for key in after if after[key] != before[key]} == operation.changes
    assert after["audit"] - before["audit"] == (1 if operation.changes else 0)


def test_reads_answer_with_the_departments_own_facts(world):
    # given the department's approver
    client = signed_in(world["people"]["approver"])
    # when they read the seal list, the seal and the requests
    listed = client.get(f"{API}/").json()
    detail = client.get(f"{API}/{world['seal'].code}").json()
    requests = signed_in(world["people"]["dept_admin"]).get(f"{API}/requests").json()
    # then they see exactly the department's seal, with its permitted roles
    assert [item["code"] for item in listed["items"]] == [world["seal"].code]
    assert (listed["total"], listed["page"], listed["page_size"]) == (1, 1, 20)
    assert detail["name"] == "杭州市市场监督管理局行政审批专用章"
    assert (detail["status"], detail["status_label"], detail["use_roles"]) == ("active", "启用", ["approver"])
    assert detail["ecdsa_serial"] == world["seal"].ecdsa_serial
    # and the department admin sees its three requests, newest first, the made one naming its seal
    assert [item["id"] for item in requests] == [
        str(world["approved"].public_id), str(world["pending"].public_id), str(world["seal"].request.public_id)
    ]
    assert [item["status"] for item in requests] == ["approved", "pending", "made"]
    assert [item["seal_code"] for item in requests] == [None, None, world["seal"].code]


def test_a_platform_admin_lists_every_departments_seals(world):
    # when a platform administrator lists seals
    response = signed_in(world["people"]["platform"]).get(f"{API}/")
    # then both departments' seals are there
    assert response.status_code == 200
    assert sorted(item["code"] for item in response.json()["items"]) == sorted(
        [world["seal"].code, world["other_seal"].code]
    )


def test_a_cross_site_post_without_the_csrf_token_is_refused(world):
    # given the approver's browser session, used by a page of another site (no CSRF token)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["people"]["approver"].user)
    before = state()
    # when it posts a signing request
    response = client.post(
        f"{API}/{world['seal'].code}/sign",
        json.dumps({"format": "jws", "data_base64": b64(DATA), "purpose": "跨站"}),
        content_type="application/json",
    )
    # then it is refused and the seal is not used
    assert_error(response, 403, "CSRF_FAILED")
    assert state() == before


def test_a_clerk_of_the_department_without_the_role_cannot_sign(world):
    # given the department's window clerk (the seal permits approvers only)
    client = signed_in(world["people"]["clerk"])
    before = state()
    # when the clerk signs
    response = client.post(
        f"{API}/{world['seal'].code}/sign",
        json.dumps({"format": "jws", "data_base64": b64(DATA), "purpose": "许可决定"}),
        content_type="application/json",
    )
    # then 403 and no use is recorded
    assert_error(response, 403, "SEAL_USE_NOT_PERMITTED")
    assert state() == before


@pytest.mark.parametrize(
    ("who", "method", "path", "body", "code"),
    [
        ("approver", "post", "/{code}/status", {"status": "suspended", "reason": "越权"}, "SEAL_ADMIN_REQUIRED"),
        ("approver", "put", "/{code}/roles", {"roles": ["approver", "window_clerk"]}, "SEAL_ADMIN_REQUIRED"),
        ("dept_admin", "post", "/requests/{request_id}/review", {"approve": True}, "PLATFORM_ADMIN_REQUIRED"),
        ("dept_admin", "post", "/requests/{approved_id}/make", None, "PLATFORM_ADMIN_REQUIRED"),
    ],
)
def test_staff_of_the_department_without_the_power_are_refused(world, who, method, path, body, code):
    # given a member of the department who can see the object but may not do this
    client = signed_in(world["people"][who])
    before = state()
    # when they try
    url = url_of(world, path)
    if body is None:
        response = getattr(client, method)(url)
    else:
        response = getattr(client, method)(url, json.dumps(body), content_type="application/json")
    # then 403 and nothing changed
    assert_error(response, 403, code)
    assert state() == before


# --- the public operations -------------------------------------------------------------------------


def test_a_visitor_reads_a_seals_public_facts_and_nothing_more(world):
    # when a visitor asks for the seal's status
    response = Client().get(f"{API}/public/{world['seal'].code}")
    # then the public facts, without certificates, serials or permissions
    assert response.status_code == 200
    body = response.json()
    assert_matches(SealPublicOut, body)
    assert body["code"] == world["seal"].code
    assert body["name"] == "杭州市市场监督管理局行政审批专用章"
    assert (body["kind"], body["kind_label"]) == ("special", "业务专用章")
    assert (body["department"], body["department_code"]) == ("杭州市市场监督管理局", world["department"].credit_code)
    assert (body["status"], body["status_label"]) == ("active", "启用")


# --- the whole flow through the API ----------------------------------------------------------------


def test_request_review_make_permit_sign_verify_suspend_and_read_the_usages(node_pki, people, department):
    admin, reviewer, maker, approver = (
        signed_in(people[key]) for key in ("dept_admin", "platform2", "platform", "approver")
    )
    visitor = Client()

    # given the department admin requests a business seal
    valid_to = (timezone.now() + dt.timedelta(days=3 * 365)).isoformat()
    created = admin.post(
        f"{API}/requests",
        json.dumps({
            "department_code": department.credit_code, "kind": "special", "owner_name": department.name,
            "purpose": "行政许可专用章", "valid_to": valid_to, "reason": "网上出具许可决定",
        }),
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert_matches(SealRequestOut, created.json())
    request_id = created.json()["id"]
    assert (created.json()["status"], created.json()["seal_code"]) == ("pending", None)

    # when a second platform admin approves it and the platform admin makes the seal
    reviewed = reviewer.post(
        f"{API}/requests/{request_id}/review", json.dumps({"approve": True, "comment": "同意"}),
        content_type="application/json",
    )
    assert reviewed.status_code == 200, reviewed.content
    assert (reviewed.json()["status"], reviewed.json()["review_comment"]) == ("approved", "同意")
    made = maker.post(f"{API}/requests/{request_id}/make")
    assert made.status_code == 201, made.content
    assert_matches(SealOut, made.json())
    code = made.json()["code"]
    assert code == "3301000000001"
    assert (made.json()["name"], made.json()["status"], made.json()["use_roles"]) == (
        "杭州市市场监督管理局行政许可专用章", "active", []
    )

    # and the department admin lets approvers use it
    roles = admin.put(f"{API}/{code}/roles", json.dumps({"roles": ["approver"]}), content_type="application/json")
    assert (roles.status_code, roles.json()) == (200, {"roles": ["approver"]})

    # then the approver signs data in both formats and anyone verifies them
    signatures = {}
    for fmt in ("jws", "ses"):
        signed = approver.post(
            f"{API}/{code}/sign", json.dumps({"format": fmt, "data_base64": b64(DATA), "purpose": "许可决定"}),
            content_type="application/json",
        )
        assert signed.status_code == 200, signed.content
        assert_matches(SignDataOut, signed.json())
        assert signed.json()["format"] == fmt
        signatures[fmt] = signed.json()["signature"]
        report = visitor.post(
            f"{API}/verify/data",
            json.dumps({"format": fmt, "signature": signatures[fmt], "data_base64": b64(DATA)}),
            content_type="application/json",
        )
        assert report.status_code == 200
        assert_matches(ReportOut, report.json())
        assert (report.json()["valid"], report.json()["code"], report.json()["seal_code"]) == (True, "VALID", code)
        assert (report.json()["status_at_signing"], report.json()["status_now"]) == ("active", "active")

    # and signs a PDF, which a visitor's upload reports valid and whole
    signed_pdf = approver.post(f"{API}/{code}/sign-pdf", {"file": pdf_upload(), "purpose": "准予行政许可"})
    assert signed_pdf.status_code == 200, signed_pdf.content
    assert signed_pdf["Content-Type"] == "application/pdf"
    pdf_report = visitor.post(
        f"{API}/verify/pdf", {"file": SimpleUploadedFile("signed.pdf", signed_pdf.content, "application/pdf")}
    )
    assert pdf_report.status_code == 200
    assert_matches(PdfReportOut, pdf_report.json())
    assert (pdf_report.json()["valid"], pdf_report.json()["code"]) == (True, "VALID")
    [signature] = pdf_report.json()["signatures"]
    assert (signature["seal_code"], signature["seal_name"]) == (code, "杭州市市场监督管理局行政许可专用章")
    assert (signature["intact"], signature["trusted"], signature["covers_whole_file"]) == (True, True, True)

    # when the department admin suspends the seal
    suspended = admin.post(
        f"{API}/{code}/status", json.dumps({"status": "suspended", "reason": "印章保管人调整"}),
        content_type="application/json",
    )
    assert suspended.status_code == 200
    assert (suspended.json()["status"], suspended.json()["status_reason"]) == ("suspended", "印章保管人调整")

    # then signing is refused with 409 and no use is recorded
    usages_before = SealUsage.objects.count()
    refused = approver.post(
        f"{API}/{code}/sign", json.dumps({"format": "jws", "data_base64": b64(DATA), "purpose": "许可决定"}),
        content_type="application/json",
    )
    assert_error(refused, 409, "SEAL_NOT_ACTIVE")
    assert SealUsage.objects.count() == usages_before == 3
    # and the earlier signature still verifies, as made while the seal was active
    later = visitor.post(
        f"{API}/verify/data",
        json.dumps({"format": "jws", "signature": signatures["jws"], "data_base64": b64(DATA)}),
        content_type="application/json",
    ).json()
    assert (later["valid"], later["code"], later["status_at_signing"], later["status_now"]) == (
        True, "VALID_SEAL_SINCE_SUSPENDED", "active", "suspended"
    )

    # and the 用章记录 lists the three uses newest first, page by page
    first = approver.get(f"{API}/{code}/usages?page=1&page_size=2")
    second = approver.get(f"{API}/{code}/usages?page=2&page_size=2")
    assert first.status_code == second.status_code == 200
    assert_matches(UsagePageOut, first.json())
    assert [item["format"] for item in first.json()["items"]] == ["pades", "ses"]
    assert [item["format"] for item in second.json()["items"]] == ["jws"]
    assert (first.json()["total"], first.json()["page"], first.json()["page_size"]) == (3, 1, 2)
    newest = first.json()["items"][0]
    assert newest["purpose"] == "准予行政许可"
    assert newest["used_by"] == f"staff:{people['approver'].public_id}"
    assert newest["digest"].startswith("sha256:")
    times = [item["signed_at"] for item in first.json()["items"] + second.json()["items"]]
    assert times == sorted(times, reverse=True)

    # and a visitor reads the seal's public status
    public = visitor.get(f"{API}/public/{code}")
    assert public.status_code == 200
    assert (public.json()["status"], public.json()["status_label"]) == ("suspended", "停用")

    # and the request now names its seal
    listed = admin.get(f"{API}/requests?status=made").json()
    assert [(item["id"], item["seal_code"]) for item in listed] == [(request_id, code)]


# --- a department cannot use another department's seal ---------------------------------------------


def test_a_department_cannot_use_another_departments_seal_through_the_api(seal, other_seal, people):
    # given the other department's approver, who may use their own department's seal
    client = signed_in(people["other_approver"])
    before = state()
    # when they sign data and a PDF with the department's seal
    data = client.post(
        f"{API}/{seal.code}/sign", json.dumps({"format": "ses", "data_base64": b64(DATA), "purpose": "冒用"}),
        content_type="application/json",
    )
    pdf = client.post(f"{API}/{seal.code}/sign-pdf", {"file": pdf_upload(), "purpose": "冒用"})
    # then the seal is not even visible to them, and no use is recorded
    assert_error(data, 404, "SEAL_NOT_FOUND")
    assert_error(pdf, 404, "SEAL_NOT_FOUND")
    assert SealUsage.objects.filter(seal=seal).count() == 0
    assert state() == before
    # while their own seal works for them
    own = client.post(
        f"{API}/{other_seal.code}/sign", json.dumps({"format": "ses", "data_base64": b64(DATA), "purpose": "本部门"}),
        content_type="application/json",
    )
    assert own.status_code == 200
    assert list(SealUsage.objects.values_list("seal_id", flat=True)) == [other_seal.pk]


# --- bad input ---------------------------------------------------------------------------------------

OVERSIZED_PDF = b"%PDF-1.7\n" + b"0" * (signing.MAX_PDF_BYTES - 8)  # one byte over 20MB


def _sign(**changes) -> str:
    return json.dumps({"format": "jws", "data_base64": b64(DATA), "purpose": "许可决定", **changes})


def _request(**changes) -> Callable[[dict], str]:
    return lambda w: json.dumps({**_new_request(w), **changes})


def bad(label: str, who: str | None, method: str, path: str, status: int, code: str, *, body=None, form=None):
    """One bad input: ``body`` is the raw JSON text (or a function of the world giving it), ``form``
    a function giving multipart fields; neither means no body. ``who=None`` is a visitor."""
    if isinstance(body, str):
        body = (lambda text: lambda w: text)(body)
    return pytest.param(who, method, path, body, form, status, code, id=label)


BAD_INPUT = [
    bad("sign: data not base64", "approver", "post", "/{code}/sign", 400, "BASE64_INVALID",
        body=_sign(data_base64="数据!")),
    bad("sign: empty data", "approver", "post", "/{code}/sign", 400, "SEAL_DATA_EMPTY", body=_sign(data_base64="")),
    bad("sign: unknown format", "approver", "post", "/{code}/sign", 400, "SEAL_FORMAT_INVALID",
        body=_sign(format="xml")),
    bad("sign: blank purpose", "approver", "post", "/{code}/sign", 400, "SEAL_PURPOSE_REQUIRED",
        body=_sign(purpose="   ")),
    bad("sign: invalid JSON", "approver", "post", "/{code}/sign", 400, "INVALID_BODY", body='{"format": "jws",'),
    bad("sign: missing fields", "approver", "post", "/{code}/sign", 422, "INVALID_REQUEST", body="{}"),
    bad("sign: a JSON array", "approver", "post", "/{code}/sign", 422, "INVALID_REQUEST", body="[]"),
    bad("sign: data null", "approver", "post", "/{code}/sign", 422, "INVALID_REQUEST", body=_sign(data_base64=None)),
    bad("sign: unknown seal", "approver", "post", "/9999999999999/sign", 404, "SEAL_NOT_FOUND", body=_sign()),
    bad("sign: the seal's code and more", "approver", "post", "/{code}0/sign", 404, "SEAL_NOT_FOUND", body=_sign()),
    bad("review: malformed request id", "platform", "post", "/requests/not-a-uuid/review", 404,
        "SEAL_REQUEST_NOT_FOUND", body='{"approve": true}'),
    bad("review: unknown request id", "platform", "post", "/requests/00000000-0000-4000-8000-000000000000/review",
        404, "SEAL_REQUEST_NOT_FOUND", body='{"approve": true}'),
    bad("review: reject without a comment", "platform", "post", "/requests/{request_id}/review", 400,
        "SEAL_FIELD_REQUIRED", body='{"approve": false}'),
    bad("review: approve not a boolean", "platform", "post", "/requests/{request_id}/review", 422,
        "INVALID_REQUEST", body='{"approve": "maybe"}'),
    bad("review: already reviewed", "platform", "post", "/requests/{approved_id}/review", 409,
        "SEAL_REQUEST_NOT_PENDING", body='{"approve": true}'),
    bad("make: malformed request id", "platform", "post", "/requests/12345/make", 404, "SEAL_REQUEST_NOT_FOUND"),
    bad("make: not yet approved", "platform", "post", "/requests/{request_id}/make", 409, "SEAL_REQUEST_NOT_APPROVED"),
    bad("request: unknown department", "dept_admin", "post", "/requests", 404, "DEPARTMENT_NOT_FOUND",
        body=_request(department_code="91330000000000000X")),
    bad("request: unknown kind", "dept_admin", "post", "/requests", 400, "SEAL_KIND_INVALID", body=_request(kind="圆章")),
    bad("request: naive time", "dept_admin", "post", "/requests", 400, "SEAL_TIME_NAIVE",
        body=_request(valid_to="2030-01-01T00:00:00")),
    bad("request: validity in the past", "dept_admin", "post", "/requests", 400, "SEAL_VALIDITY_INVALID",
        body=_request(valid_to="2020-01-01T00:00:00+08:00")),
    bad("request: not a time", "dept_admin", "post", "/requests", 422, "INVALID_REQUEST",
        body=_request(valid_to="明年")),
    bad("request: name too long", "dept_admin", "post", "/requests", 400, "SEAL_FIELD_TOO_LONG",
        body=_request(owner_name="局" * 41)),
    bad("status: unknown status", "dept_admin", "post", "/{code}/status", 400, "SEAL_STATUS_INVALID",
        body='{"status": "lost", "reason": "遗失"}'),
    bad("status: active to active", "dept_admin", "post", "/{code}/status", 409, "SEAL_STATUS_TRANSITION",
        body='{"status": "active", "reason": "启用"}'),
    bad("status: missing reason", "dept_admin", "post", "/{code}/status", 422, "INVALID_REQUEST",
        body='{"status": "suspended"}'),
    bad("roles: a role that may not use seals", "dept_admin", "put", "/{code}/roles", 400, "SEAL_ROLE_INVALID",
        body='{"roles": ["platform_admin"]}'),
    bad("roles: not a list", "dept_admin", "put", "/{code}/roles", 422, "INVALID_REQUEST",
        body='{"roles": "approver"}'),
    bad("usages: page 0", "approver", "get", "/{code}/usages?page=0", 422, "INVALID_REQUEST"),
    bad("seals: page size 101", "approver", "get", "/?page_size=101", 422, "INVALID_REQUEST"),
    bad("sign-pdf: not a PDF", "approver", "post", "/{code}/sign-pdf", 400, "PDF_INVALID",
        form=lambda w: {"file": pdf_upload(b"hello"), "purpose": "x"}),
    bad("sign-pdf: truncated PDF", "approver", "post", "/{code}/sign-pdf", 400, "PDF_INVALID",
        form=lambda w: {"file": pdf_upload(sample_pdf()[:2000]), "purpose": "x"}),
    bad("sign-pdf: over 20MB", "approver", "post", "/{code}/sign-pdf", 400, "PDF_TOO_LARGE",
        form=lambda w: {"file": pdf_upload(OVERSIZED_PDF), "purpose": "x"}),
    bad("sign-pdf: no file", "approver", "post", "/{code}/sign-pdf", 422, "INVALID_REQUEST",
        form=lambda w: {"purpose": "x"}),
    bad("sign-pdf: no purpose", "approver", "post", "/{code}/sign-pdf", 422, "INVALID_REQUEST",
        form=lambda w: {"file": pdf_upload()}),
    bad("sign-pdf: page out of range", "approver", "post", "/{code}/sign-pdf", 400, "PDF_PAGE_INVALID",
        form=lambda w: {"file": pdf_upload(), "purpose": "x", "page": "9"}),
    bad("sign-pdf: page not a number", "approver", "post", "/{code}/sign-pdf", 422, "INVALID_REQUEST",
        form=lambda w: {"file": pdf_upload(), "purpose": "x", "page": "末页"}),
    bad("sign-pdf: off the page", "approver", "post", "/{code}/sign-pdf", 400, "PDF_POSITION_INVALID",
        form=lambda w: {"file": pdf_upload(), "purpose": "x", "x_mm": "1", "y_mm": "1"}),
    bad("sign-pdf: position not finite", "approver", "post", "/{code}/sign-pdf", 400, "PDF_POSITION_INVALID",
        form=lambda w: {"file": pdf_upload(), "purpose": "x", "x_mm": "nan", "y_mm": "inf"}),
    bad("verify-pdf: not a PDF", None, "post", "/verify/pdf", 400, "PDF_INVALID",
        form=lambda w: {"file": pdf_upload(b"<html>", "a.pdf")}),
    bad("verify-pdf: broken PDF", None, "post", "/verify/pdf", 400, "PDF_INVALID",
        form=lambda w: {"file": pdf_upload(b"%PDF-1.7\n" + b"\x00" * 64)}),
    bad("verify-pdf: over 20MB", None, "post", "/verify/pdf", 400, "PDF_TOO_LARGE",
        form=lambda w: {"file": pdf_upload(OVERSIZED_PDF)}),
    bad("verify-pdf: no file", None, "post", "/verify/pdf", 422, "INVALID_REQUEST", form=lambda w: {}),
    bad("verify-data: data not base64", None, "post", "/verify/data", 400, "BASE64_INVALID",
        body='{"format": "jws", "signature": "a..b", "data_base64": "%%%"}'),
    bad("verify-data: unknown format", None, "post", "/verify/data", 400, "SEAL_FORMAT_INVALID",
        body='{"format": "pgp", "signature": "a", "data_base64": "eA=="}'),
    bad("verify-data: invalid JSON", None, "post", "/verify/data", 400, "INVALID_BODY", body="not json"),
    bad("verify-data: missing signature", None, "post", "/verify/data", 422, "INVALID_REQUEST",
        body='{"format": "jws", "data_base64": "eA=="}'),
    bad("public: unknown seal", None, "get", "/public/3301009999999", 404, "SEAL_NOT_FOUND"),
    bad("public: the seal's code and more", None, "get", "/public/{code}abc", 404, "SEAL_NOT_FOUND"),
]


@pytest.mark.parametrize(("who", "method", "path", "body", "form", "status", "code"), BAD_INPUT)
def test_bad_input_is_a_4xx_in_the_error_shape_and_changes_nothing(world, who, method, path, body, form, status, code):
    # given the caller the operation is for (a visitor for the public ones)
    client = signed_in(world["people"][who]) if who else Client()
    url = url_of(world, path)
    before = state()
    # when they send the bad input
    if body is not None:
        response = getattr(client, method)(url, body(world), content_type="application/json")
    elif form is not None:
        response = client.post(url, form(world))
    else:
        response = getattr(client, method)(url)
    # then a 4xx in the error shape with the stable code, and nothing changed
    assert_error(response, status, code)
    assert state() == before


def test_missing_fields_are_named_in_the_details(world):
    # when the approver posts an empty object to the signing operation
    response = signed_in(world["people"]["approver"]).post(
        f"{API}/{world['seal'].code}/sign", "{}", content_type="application/json"
    )
    # then each missing field is named
    body = assert_error(response, 422, "INVALID_REQUEST")
    assert [item["field"] for item in body["details"]] == ["format", "data_base64", "purpose"]
    assert body["message"] == "请求参数不正确"


def test_a_department_code_with_a_nul_names_no_department_and_changes_nothing(world):
    # given the department admin (PostgreSQL refuses a NUL in a text comparison: it was a 500 there)
    client = signed_in(world["people"]["dept_admin"])
    before = state()
    # when they request a seal for a department code holding a NUL
    response = client.post(
        f"{API}/requests",
        json.dumps({**_new_request(world), "department_code": world["department"].credit_code[:17] + "\x00"}),
        content_type="application/json",
    )
    # then no department has that code, said in Chinese and naming the field, and nothing changed
    body = assert_error(response, 404, "DEPARTMENT_NOT_FOUND")
    assert body == {
        "code": "DEPARTMENT_NOT_FOUND", "message": "用章单位不存在", "details": {"field": "department_code"}
    }
    assert state() == before


@pytest.mark.parametrize("status", ["pending\x00", "\x00"])
def test_a_request_status_filter_with_a_nul_lists_no_request_and_changes_nothing(world, status):
    # given the department admin, whose department has requests of every status but rejected
    client = signed_in(world["people"]["dept_admin"])
    before = state()
    # when they list the requests of a status holding a NUL (a 500 on PostgreSQL, as above)
    response = client.get(f"{API}/requests", {"status": status})
    # then no status is named so: an empty list, and nothing changed
    assert (response.status_code, response.json()) == (200, [])
    assert state() == before


@pytest.mark.parametrize(
    ("fmt", "signature", "code"),
    [
        ("jws", "a.b.c", "MALFORMED"),
        ("jws", "", "MALFORMED"),
        ("ses", "AAAA", "MALFORMED"),
        ("ses", "不是base64", "MALFORMED"),
    ],
)
def test_a_garbage_signature_is_an_invalid_report_not_an_error(world, fmt, signature, code):
    # given nothing signed
    before = state()
    # when a visitor verifies a signature that is not one
    response = Client().post(
        f"{API}/verify/data", json.dumps({"format": fmt, "signature": signature, "data_base64": b64(DATA)}),
        content_type="application/json",
    )
    # then a report that says it is not valid, and nothing changed
    assert response.status_code == 200
    assert_matches(ReportOut, response.json())
    assert (response.json()["valid"], response.json()["code"], response.json()["seal_code"]) == (False, code, "")
    assert state() == before


def test_a_signature_over_other_data_is_reported_tampered(world):
    # given a signature the approver made over DATA
    made = signing.sign_data(
        actor=signing.SigningActor(user=world["people"]["approver"].user), seal=world["seal"], data=DATA,
        purpose="许可决定", fmt="jws",
    )
    # when a visitor checks it against changed data
    response = Client().post(
        f"{API}/verify/data",
        json.dumps({"format": "jws", "signature": made.signature, "data_base64": b64(DATA + b"!")}),
        content_type="application/json",
    )
    # then it is not valid: the data was changed
    assert response.status_code == 200
    assert (response.json()["valid"], response.json()["code"]) == (False, "DATA_TAMPERED")
