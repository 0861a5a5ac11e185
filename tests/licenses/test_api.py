"""The licence API, every operation: who may call it, what it shows, and that nothing else changes.

The tables below must name every operation of /api/v1/licenses/ in the OpenAPI document, so a new
endpoint cannot be added without saying who may call it and how it keeps holders apart.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from joserfc import jws
from joserfc.jwk import KeySet

from tests.identity.factories import EnterpriseFactory, PersonFactory
from tests.licenses.wallet_helpers import (
    DEGREE_SURFACE,
    issue_degree,
    issue_residence,
    licence_state,
    license_type,
    signed_in,
)
from zwfw.core import audit
from zwfw.core.models import AuditEntry
from zwfw.licenses import services, showing, web
from zwfw.licenses.models import License, LicenseUse, UseGrant
from zwfw.portal.management.commands.export_openapi import openapi_document

pytestmark = pytest.mark.django_db
API = "/api/v1/licenses"

PUBLIC = {
    ("get", "/types"),
    ("get", "/keys.json"),
    ("post", "/verify"),
    ("post", "/verify/token"),
    ("post", "/verify/pdf"),
}
HOLDER = {
    ("get", "/wallet"),
    ("get", "/wallet/{identifier}"),
    ("get", "/wallet/{identifier}/token"),
    ("get", "/wallet/{identifier}/file"),
    ("get", "/wallet/{identifier}/credential"),
    ("get", "/wallet/{identifier}/grants"),
    ("post", "/wallet/{identifier}/grants"),
    ("delete", "/wallet/{identifier}/grants/{grant_id}"),
    ("get", "/wallet/{identifier}/uses"),
}
STAFF = {
    ("post", "/issue"),
    ("post", "/issue/batch"),
    ("get", "/issued"),
    ("post", "/{identifier}/status"),
    ("post", "/{identifier}/versions"),
    ("post", "/fetch"),
}


@pytest.fixture(autouse=True)
def _fresh_keys_and_limits():
    showing.reset_caches()
    cache.clear()  # rate-limit counters of the previous test
    yield
    showing.reset_caches()
    cache.clear()


@pytest.fixture
def world(seal, people, department, other_department):
    """Alice holds a degree (with a live grant to other_department) and Bob a residence permit."""
    alice = PersonFactory(name="张晓明")
    bob = PersonFactory(name="李建华")
    degree = issue_degree(people, department, alice)
    residence = issue_residence(people, department, bob)
    grant = services.authorise_use(
        person=alice, license=degree, department=other_department, purpose="办理人才落户",
        valid_until=timezone.now() + dt.timedelta(days=7),
    )
    return {
        "alice": alice, "bob": bob, "degree": degree, "residence": residence, "grant": grant,
        "alice_client": signed_in(alice.user), "bob_client": signed_in(bob.user),
    }


def call(client: Client, method: str, path: str, body: object = None, **extra):
    if method == "get":
        return client.get(f"{API}{path}", body or {}, **extra)
    data = body if isinstance(body, str | bytes) else json.dumps(body if body is not None else {})
    return getattr(client, method)(f"{API}{path}", data=data, content_type="application/json", **extra)


def assert_error(response, status: int | tuple[int, ...], code: str | None = None) -> dict:
    statuses = status if isinstance(status, tuple) else (status,)
    assert response.status_code in statuses, response.content
    body = response.json()
    assert set(body) == {"code", "message", "details"}
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["message"])
    if code:
        assert body["code"] == code
    return body


def test_the_tables_name_every_licence_operation():
    documented = {
        (method, path.removeprefix(API))
        for path, operations in openapi_document()["paths"].items()
        if path.startswith(f"{API}/")
        for method in operations
    }
    assert documented == PUBLIC | HOLDER | STAFF
    assert len(PUBLIC) + len(HOLDER) + len(STAFF) == len(documented)  # each operation in one table only


def test_no_other_module_has_a_schema_of_the_same_name():
    # django-ninja names OpenAPI components by class name: a same-named schema of another module would
    # silently replace one of the two in the document (it once documented the seals' StatusIn as ours)
    import importlib
    import pkgutil

    from ninja import Schema

    import zwfw
    from zwfw.licenses import schemas

    ours = {name for name, value in vars(schemas).items() if isinstance(value, type) and issubclass(value, Schema)
            and value.__module__ == schemas.__name__}
    theirs = set()
    for module in pkgutil.iter_modules(zwfw.__path__):
        if module.ispkg and module.name != "licenses" and importlib.util.find_spec(f"zwfw.{module.name}.schemas"):
            other = importlib.import_module(f"zwfw.{module.name}.schemas")
            theirs |= {name for name, value in vars(other).items() if isinstance(value, type) and issubclass(value, Schema)}
    assert ours
    assert not ours & theirs


# --- anonymous -------------------------------------------------------------------------------------


def _path(world, path: str) -> str:
    return path.format(identifier=world["degree"].identifier, grant_id=world["grant"].public_id)


@pytest.mark.parametrize(("method", "path"), sorted(HOLDER | STAFF))
def test_anonymous_callers_get_401_and_change_nothing(world, method, path):
    before = licence_state()
    response = call(Client(), method, _path(world, path), {"identifier": world["degree"].identifier, "purpose": "x"})
    assert_error(response, 401, "UNAUTHENTICATED")
    assert licence_state() == before


def test_the_public_type_list_and_keys(world):
    types = call(Client(), "get", "/types").json()
    degree = next(item for item in types if item["name"] == "学位证书")
    assert degree["holder_kind"] == "person"
    assert {"key": "holder_id", "label": "公民身份号码", "type": "id_number", "required": True, "disclosable": True,
            "masked": True} in degree["fields"]
    # the published keys verify a token offline; they hold no private part
    token = showing.make_token(license=world["degree"], fields=["degree"])
    keys = call(Client(), "get", "/keys.json").json()
    assert keys["keys"]
    assert all("d" not in key for key in keys["keys"])
    parsed = jws.deserialize_compact(token, KeySet.import_key_set(keys), algorithms=["ES256"])
    assert json.loads(parsed.payload)["lic"] == world["degree"].identifier


# --- public verification ---------------------------------------------------------------------------


def test_verification_by_identifier_and_holder_code_reveals_validity_only(world):
    alice, degree = world["alice"], world["degree"]
    response = call(Client(), "post", "/verify", {"identifier": degree.identifier, "holder_code": alice.document_number})
    assert response.status_code == 200
    assert response.json() == {
        "identifier": degree.identifier, "status": "valid", "status_label": "有效", "type_name": "学位证书",
        "issuer": "杭州市市场监督管理局",
    }
    # a wrong code and an unknown identifier get the same answer
    wrong = call(Client(), "post", "/verify", {"identifier": degree.identifier, "holder_code": world["bob"].document_number})
    unknown = call(Client(), "post", "/verify", {"identifier": degree.identifier + "X", "holder_code": alice.document_number})
    assert assert_error(wrong, 404) == assert_error(unknown, 404)
    # after revocation the same check says so
    services.change_status(issuer=services.Issuer(user=_approver(world)), license=degree, action="revoke", reason="学位撤销")
    again = call(Client(), "post", "/verify", {"identifier": degree.identifier, "holder_code": alice.document_number.lower()})
    assert (again.json()["status"], again.json()["status_label"]) == ("revoked", "已吊销")


def _approver(world):
    from zwfw.identity.models import StaffMember

    return StaffMember.objects.get(department=world["degree"].issuer, role_grants__role="approver").user


def test_verification_of_a_shown_token_returns_only_the_disclosed_fields(world):
    token = showing.make_token(license=world["degree"], fields=["holder_name", "degree", "holder_id"])
    response = call(Client(), "post", "/verify/token", {"token": token})
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["status_label"], body["type_name"]) == ("valid", "有效", "学位证书")
    assert body["fields"] == [
        {"label": "姓名", "value": "张晓明"},
        {"label": "公民身份号码", "value": showing.mask_resident_id(world["alice"].document_number)},
        {"label": "学位", "value": "工学学士"},
    ]
    assert "浙江大学" not in response.content.decode()
    expired = showing.make_token(
        license=world["degree"], fields=["degree"], now=timezone.now() - dt.timedelta(minutes=5)
    )
    assert_error(call(Client(), "post", "/verify/token", {"token": expired}), 400, "LICENSE_TOKEN_EXPIRED")


def test_public_checks_are_rate_limited_per_source_address(world, monkeypatch):
    monkeypatch.setattr(web, "PUBLIC_CHECKS_PER_MINUTE", 3)
    body = {"identifier": world["degree"].identifier, "holder_code": world["alice"].document_number}
    for _ in range(3):
        assert call(Client(), "post", "/verify", body).status_code == 200
    refused = assert_error(call(Client(), "post", "/verify", body), 429, "RATE_LIMITED")
    assert "每分钟最多3次" in refused["message"]
    # another address is not held back
    assert call(Client(REMOTE_ADDR="10.0.0.9"), "post", "/verify", body).status_code == 200
    # token checks have their own, more generous budget
    monkeypatch.setattr(web, "TOKEN_CHECKS_PER_MINUTE", 2)
    token = showing.make_token(license=world["degree"], fields=["degree"])
    assert [call(Client(), "post", "/verify/token", {"token": token}).status_code for _ in range(3)] == [200, 200, 429]


# --- the holder ------------------------------------------------------------------------------------


def test_the_holder_reads_the_wallet_and_the_unmasked_detail(world):
    client, degree = world["alice_client"], world["degree"]
    listed = call(client, "get", "/wallet").json()
    assert [item["identifier"] for item in listed] == [degree.identifier]
    assert listed[0]["status_label"] == "有效"
    detail = call(client, "get", f"/wallet/{degree.identifier}").json()
    assert {"key": "holder_id", "label": "公民身份号码", "value": world["alice"].document_number} in detail["surface"]
    assert [event["action_label"] for event in detail["events"]] == ["签发"]


def test_the_holder_gets_a_token_with_its_qr_code_and_url(world):
    client, degree = world["alice_client"], world["degree"]
    response = call(client, "get", f"/wallet/{degree.identifier}/token")
    assert response.status_code == 200
    body = response.json()
    # defaults: the name and the degree's own facts, never the ID number
    assert body["fields"] == sorted(["holder_name", "degree", "discipline", "institution", "certificate_no", "awarded_on"])
    assert body["url"] == f"http://testserver/licenses/v/{body['token']}/"
    assert body["qr_svg"].startswith('<svg viewBox="0 0')
    assert 'class="license-qr"' in body["qr_svg"]
    assert 170 <= body["expires_in"] <= 180
    assert showing.read_token(body["token"]).identifier == degree.identifier
    chosen = call(client, "get", f"/wallet/{degree.identifier}/token", {"fields": ["holder_name", "degree"]}).json()
    assert chosen["fields"] == ["degree", "holder_name"]
    # an undisclosable or unknown field is refused; a revoked licence cannot be shown
    assert_error(call(client, "get", f"/wallet/{degree.identifier}/token", {"fields": ["spouse_id"]}), 400)
    services.change_status(issuer=services.Issuer(user=_approver(world)), license=degree, action="revoke", reason="撤销")
    assert_error(call(client, "get", f"/wallet/{degree.identifier}/token"), 403, "LICENSE_NOT_SHOWABLE")


@pytest.mark.parametrize(("method", "path"), sorted(HOLDER))
def test_one_citizen_cannot_see_or_use_anothers_licences(world, method, path):
    # Bob aims every holder operation at Alice's degree and her grant
    before = licence_state()
    bodies = {
        ("post", "/wallet/{identifier}/grants"): {
            "department_code": world["grant"].department.credit_code, "purpose": "冒用",
            "valid_until": (timezone.now() + dt.timedelta(days=1)).isoformat(),
        },
    }
    response = call(world["bob_client"], method, _path(world, path), bodies.get((method, path)))
    if (method, path) == ("get", "/wallet"):
        assert response.status_code == 200
        assert world["degree"].identifier not in response.content.decode()
        assert [item["identifier"] for item in response.json()] == [world["residence"].identifier]
    else:
        assert_error(response, 404, "LICENSE_NOT_FOUND")
    assert licence_state() == before
    for secret in ("张晓明", world["alice"].document_number, "浙江大学", str(world["grant"].public_id)):
        assert secret not in response.content.decode()


def test_staff_have_no_wallet(world, people):
    assert_error(call(signed_in(people["approver"].user), "get", "/wallet"), 404, "PERSON_NOT_FOUND")


def test_use_grants_created_listed_and_revoked_by_the_holder(world, other_department):
    client, degree = world["alice_client"], world["degree"]
    until = (timezone.now() + dt.timedelta(days=3)).replace(microsecond=0)
    created = call(client, "post", f"/wallet/{degree.identifier}/grants", {
        "department_code": other_department.credit_code, "purpose": "办理子女入学", "valid_until": until.isoformat(),
    })
    assert created.status_code == 201, created.content
    grant = created.json()
    assert (grant["department"], grant["purpose"], grant["state"]) == ("杭州市民政局", "办理子女入学", "有效")
    listed = call(client, "get", f"/wallet/{degree.identifier}/grants").json()
    assert [item["id"] for item in listed] == [grant["id"], str(world["grant"].public_id)]
    revoked = call(client, "delete", f"/wallet/{degree.identifier}/grants/{grant['id']}")
    assert revoked.status_code == 200
    assert revoked.json()["state"] == "已撤销"
    assert UseGrant.objects.get(public_id=grant["id"]).revoked_at is not None


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"department_code": "000000000000000000", "purpose": "入学", "valid_until": "+1d"}, 404, "DEPARTMENT_NOT_FOUND"),
        ({"purpose": "", "valid_until": "+1d"}, 400, "LICENSE_PURPOSE_REQUIRED"),
        ({"purpose": "入学", "valid_until": "-1d"}, 400, "LICENSE_GRANT_UNTIL_INVALID"),
        ({"purpose": "入学", "valid_until": "+400d"}, 400, "LICENSE_GRANT_UNTIL_INVALID"),
        ({"purpose": "入学", "valid_until": "2030-01-01T00:00:00"}, 400, "LICENSE_GRANT_UNTIL_INVALID"),  # naive
        ({"purpose": "入学", "valid_until": "tomorrow"}, 422, "INVALID_REQUEST"),
        ({"purpose": "入" * 201, "valid_until": "+1d"}, 422, "INVALID_REQUEST"),
    ],
)
def test_bad_grants_are_refused_and_nothing_changes(world, other_department, body, status, code):
    body = {"department_code": other_department.credit_code} | body
    if body["valid_until"][0] in "+-":
        days = int(body["valid_until"][1:-1]) * (1 if body["valid_until"][0] == "+" else -1)
        body["valid_until"] = (timezone.now() + dt.timedelta(days=days)).isoformat()
    before = licence_state()
    assert_error(call(world["alice_client"], "post", f"/wallet/{world['degree'].identifier}/grants", body), status, code)
    assert licence_state() == before


# --- departments: fetching and the holder's 用证记录 -------------------------------------------------


def test_a_department_without_a_grant_cannot_fetch(world, people):
    # department (the issuer) holds no grant for Alice's degree; only other_department does
    before = licence_state()
    for who in ("approver", "dept_admin"):
        response = call(signed_in(people[who].user), "post", "/fetch",
                        {"identifier": world["degree"].identifier, "purpose": "核查学历"})
        assert_error(response, 404, "LICENSE_NOT_FOUND")
    # nor may a citizen fetch at all
    assert_error(call(world["bob_client"], "post", "/fetch", {"identifier": world["degree"].identifier, "purpose": "x"}),
                 403, "LICENSE_USE_STAFF_ONLY")
    assert licence_state() == before


def test_each_use_appears_in_the_holders_use_records(world, people):
    fetcher = signed_in(people["other_approver"].user)  # of other_department, which Alice authorised
    response = call(fetcher, "post", "/fetch", {"identifier": world["degree"].identifier, "purpose": "办理人才落户"})
    assert response.status_code == 200, response.content
    fetched = response.json()
    assert fetched["surface"] == DEGREE_SURFACE | {"holder_name": "张晓明", "holder_id": world["alice"].document_number}
    # the issuer's seal signature covers the data returned with it
    import base64

    from zwfw.seals import verification

    report = verification.verify_data(fmt="jws", signature=fetched["signature"],
                                      data=base64.b64decode(fetched["signed_data_base64"]))
    assert report.valid
    call(fetcher, "post", "/fetch", {"identifier": world["degree"].identifier, "purpose": "复核"})
    uses = call(world["alice_client"], "get", f"/wallet/{world['degree'].identifier}/uses").json()
    assert [(use["department"], use["purpose"], use["channel_label"]) for use in uses] == [
        ("杭州市民政局", "复核", "部门授权调取"),
        ("杭州市民政局", "办理人才落户", "部门授权调取"),
    ]
    # once Alice revokes the grant, the department gets the same 404 as for no licence
    call(world["alice_client"], "delete", f"/wallet/{world['degree'].identifier}/grants/{world['grant'].public_id}")
    assert_error(call(fetcher, "post", "/fetch", {"identifier": world["degree"].identifier, "purpose": "再次"}), 404)
    assert LicenseUse.objects.count() == 2


# --- issuing ---------------------------------------------------------------------------------------


def _issue_body(holder, **extra) -> dict:
    return {
        "type_code": license_type("居住证").code, "holder_document_type": "resident_id",
        "holder_document_number": holder.document_number, "surface": {"issue_date": "2026-12-01", "address": "杭州市上城区"},
        "idempotency_key": "api-issue-1",
    } | extra


def test_issue_then_replay_returns_the_same_identifier(world, people):
    client, holder = signed_in(people["approver"].user), PersonFactory(name="王芳")
    first = call(client, "post", "/issue", _issue_body(holder))
    assert first.status_code == 201, first.content
    identifier = first.json()["identifier"]
    assert first.json()["holder_name"] != "王芳"  # masked for staff lists
    replay = call(client, "post", "/issue", _issue_body(holder))
    assert (replay.status_code, replay.json()["identifier"]) == (200, identifier)
    changed = call(client, "post", "/issue", _issue_body(holder, surface={"issue_date": "2026-12-02"}))
    assert_error(changed, 409, "IDEMPOTENCY_KEY_REUSED")
    assert License.objects.filter(holder_person=holder).count() == 1
    # the holder finds it in the wallet; the department lists it
    assert [item["identifier"] for item in call(signed_in(holder.user), "get", "/wallet").json()] == [identifier]
    issued = call(client, "get", "/issued", {"page_size": 2}).json()
    assert issued["total"] == 3
    assert issued["items"][0]["identifier"] == identifier


def test_an_enterprise_licence_is_issued_by_credit_code(world, people):
    enterprise = EnterpriseFactory(name="杭州示例科技有限公司")
    body = {
        "type_code": license_type("营业执照").code, "holder_credit_code": enterprise.credit_code,
        "surface": {"kind": "有限责任公司", "legal_representative": enterprise.legal_representative.name,
                    "registered_capital": "100万元", "established": "2020-01-01", "address": "杭州市滨江区",
                    "business_scope": "软件开发", "issue_date": "2026-12-01"},
        "idempotency_key": "ent-1",
    }
    response = call(signed_in(people["dept_admin"].user), "post", "/issue", body)
    assert response.status_code == 201, response.content
    assert License.objects.get(identifier=response.json()["identifier"]).holder_enterprise == enterprise


@pytest.mark.parametrize(
    ("who", "status", "code"),
    [
        ("clerk", 403, "LICENSE_ISSUER_FORBIDDEN"),
        ("platform", 403, "LICENSE_ISSUER_FORBIDDEN"),  # no department of their own
        ("other_approver", 409, "LICENSE_NO_SEAL"),  # issues for their own department, which has no seal yet
    ],
)
def test_only_the_issuing_staff_issue_for_their_own_department(world, people, who, status, code):
    before = licence_state()
    response = call(signed_in(people[who].user), "post", "/issue", _issue_body(PersonFactory()))
    assert_error(response, status, code)
    assert licence_state() == before


def test_a_citizen_cannot_issue_nor_learn_who_has_an_account(world):
    before = licence_state()
    registered = call(world["bob_client"], "post", "/issue", _issue_body(world["alice"]))
    unknown = call(world["bob_client"], "post", "/issue", _issue_body(world["alice"], holder_document_number="110101199003070000"))
    assert assert_error(registered, 403) == assert_error(unknown, 403)
    assert licence_state() == before


@pytest.mark.parametrize(
    ("named", "object_type", "audited"),
    [
        ({"holder_document_number": "330106199001010000"}, "identity.Person",
         {"document_type": "resident_id", "document_number": "330***********0000"}),
        ({"holder_credit_code": "91330000000000000X"}, "identity.Enterprise", {"credit_code": "913***********000X"}),
    ],
    ids=["person", "enterprise"],
)
def test_an_issue_for_a_holder_without_an_account_is_refused_and_the_failed_look_up_audited(
    world, people, department, named, object_type, audited
):
    # given an approver who names a holder nobody registered as
    client = signed_in(people["approver"].user)
    before, audited_before = licence_state(), AuditEntry.objects.count()
    # when they issue to them
    response = call(client, "post", "/issue", _issue_body(PersonFactory()) | named)
    # then the answer is as before (404), nothing of a licence is written, and the failed look-up is
    # audited: who, for which department, the number masked
    assert_error(response, 404, "LICENSE_HOLDER_NOT_FOUND")
    assert licence_state() == before
    assert AuditEntry.objects.count() == audited_before + 1
    entry = AuditEntry.objects.order_by("-seq").first()
    assert (entry.actor, entry.action, entry.object_type, entry.object_id, entry.result, entry.details) == (
        f"staff:{people['approver'].public_id}", "licenses.holder_lookup_failed", object_type, "-", "failure",
        {"department": department.credit_code, **audited},
    )
    assert audit.verify_chain().ok is True


def test_refusals_that_look_no_holder_up_audit_no_look_up(world, people):
    # a citizen (no issuer), an unknown type (checked first), a holder named by nothing
    client = signed_in(people["approver"].user)
    audited_before = AuditEntry.objects.count()
    unknown = {"holder_document_number": "330106199001010000"}
    assert_error(call(world["bob_client"], "post", "/issue", _issue_body(world["alice"]) | unknown), 403)
    assert_error(call(client, "post", "/issue", _issue_body(world["alice"], type_code="NOPE") | unknown), 404,
                 "LICENSE_TYPE_NOT_FOUND")
    assert_error(call(client, "post", "/issue", _issue_body(world["alice"], holder_document_number=" ")), 400,
                 "LICENSE_HOLDER_REQUIRED")
    assert AuditEntry.objects.count() == audited_before


BAD_ISSUES = [
    ({"type_code": "NOPE"}, 404, "LICENSE_TYPE_NOT_FOUND"),
    ({"holder_document_number": "330106199001010000"}, 404, "LICENSE_HOLDER_NOT_FOUND"),
    ({"holder_document_number": ""}, 400, "LICENSE_HOLDER_REQUIRED"),
    ({"holder_document_type": "cat"}, 400, "DOCUMENT_TYPE_INVALID"),
    ({"holder_credit_code": "91330000000000000X"}, 404, "LICENSE_HOLDER_NOT_FOUND"),
    ({"surface": {"issue_date": "tomorrow"}}, 400, "LICENSE_FIELD_INVALID"),
    ({"surface": {"issue_date": {"nested": [1]}}}, 400, "LICENSE_FIELD_INVALID"),
    ({"surface": {"issue_date": "2026-12-01", "colour": "red"}}, 400, "LICENSE_FIELD_UNKNOWN"),
    ({"surface": {"issue_date": "2026-12-01", "holder_name": "别人"}}, 400, "LICENSE_HOLDER_MISMATCH"),
    ({"surface": "not an object"}, 422, "INVALID_REQUEST"),
    ({"surface": {}}, 400, "LICENSE_FIELD_REQUIRED"),
    ({"idempotency_key": ""}, 422, "INVALID_REQUEST"),
    ({"idempotency_key": "k" * 81}, 422, "INVALID_REQUEST"),
    ({"valid_from": "2026-13-01"}, 422, "INVALID_REQUEST"),
    ({"trust_level": "Z"}, 400, "LICENSE_TRUST_LEVEL"),
    ({"type_code": None}, 422, "INVALID_REQUEST"),
]


@pytest.mark.parametrize(("change", "status", "code"), BAD_ISSUES)
def test_bad_issue_requests_never_500_and_issue_nothing(world, people, change, status, code):
    before = licence_state()
    response = call(signed_in(people["approver"].user), "post", "/issue", _issue_body(PersonFactory()) | change)
    assert_error(response, status, code)
    assert licence_state() == before


def test_a_licence_of_the_wrong_holder_kind_is_refused(world, people):
    body = _issue_body(PersonFactory(), type_code=license_type("营业执照").code, surface={})
    assert_error(call(signed_in(people["approver"].user), "post", "/issue", body), 400, "LICENSE_HOLDER_KIND")


# --- status and versions -----------------------------------------------------------------------------


def test_status_changes_are_seen_by_verifiers_at_once(world, people):
    client, degree = signed_in(people["approver"].user), world["degree"]
    token = showing.make_token(license=degree, fields=["degree"])
    suspended = call(client, "post", f"/{degree.identifier}/status", {"action": "suspend", "reason": "涉嫌学术不端，暂扣"})
    assert (suspended.status_code, suspended.json()["status_label"]) == (200, "暂扣")
    assert call(Client(), "post", "/verify/token", {"token": token}).json()["status_label"] == "暂扣"
    assert_error(call(client, "post", f"/{degree.identifier}/status", {"action": "suspend", "reason": "again"}), 409)
    restored = call(client, "post", f"/{degree.identifier}/status", {"action": "restore", "reason": "核查无误"})
    assert restored.json()["status"] == "valid"
    revoked = call(client, "post", f"/{degree.identifier}/status", {"action": "revoke", "reason": "学位撤销"})
    assert revoked.json()["status_label"] == "已吊销"
    assert call(Client(), "post", "/verify/token", {"token": token}).json()["status_label"] == "已吊销"


@pytest.mark.parametrize(
    ("who", "status"), [("other_approver", 404), ("other_admin", 404), ("clerk", 403), ("platform", 404)]
)
def test_only_the_issuing_department_changes_a_licence(world, people, who, status):
    before = licence_state()
    client = signed_in(people[who].user)
    for path, body in ((f"/{world['degree'].identifier}/status", {"action": "revoke", "reason": "x"}),
                       (f"/{world['degree'].identifier}/versions", {"renew": True, "reason": "x"})):
        assert_error(call(client, "post", path, body), status)
    assert_error(call(world["bob_client"], "post", f"/{world['degree'].identifier}/status",
                      {"action": "revoke", "reason": "x"}), 404)
    assert licence_state() == before


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"action": "destroy", "reason": "x"}, 400),
        ({"action": "revoke", "reason": ""}, 400),
        ({"action": "revoke", "reason": "x" * 201}, 422),
        ({"action": "revoke"}, 422),
        ({"action": ["revoke"], "reason": "x"}, 422),
    ],
)
def test_bad_status_requests_change_nothing(world, people, body, status):
    before = licence_state()
    assert_error(call(signed_in(people["approver"].user), "post", f"/{world['degree'].identifier}/status", body), status)
    assert licence_state() == before


def test_a_change_and_a_renewal_make_new_versions(world, people):
    client, residence = signed_in(people["approver"].user), world["residence"]
    changed = call(client, "post", f"/{residence.identifier}/versions",
                   {"surface": {"address": "杭州市滨江区江南大道1号"}, "reason": "住址变更"})
    assert changed.status_code == 201, changed.content
    fresh = changed.json()
    assert (fresh["version"], fresh["supersedes"]) == (2, residence.identifier)
    old = call(world["bob_client"], "get", f"/wallet/{residence.identifier}").json()
    assert old["status_label"] == "已变更"
    renewed = call(client, "post", f"/{fresh['identifier']}/versions", {"renew": True, "reason": "延续"})
    assert (renewed.status_code, renewed.json()["version"]) == (201, 3)
    assert_error(call(client, "post", f"/{fresh['identifier']}/versions", {"renew": True, "reason": "旧版本"}), 409)
    assert_error(call(client, "post", f"/{renewed.json()['identifier']}/versions",
                      {"surface": {"address": "杭州市滨江区江南大道1号"}, "reason": "无变化"}), 400, "LICENSE_NOTHING_CHANGED")


# --- garbage -----------------------------------------------------------------------------------------

GARBAGE = [
    ("post", "/verify", "not json"),
    ("post", "/verify", {"identifier": ["x"], "holder_code": 1}),
    ("post", "/verify", {"identifier": "x" * 121, "holder_code": "1"}),
    ("post", "/verify", {"identifier": "1.2.156.3005.2.\u0000", "holder_code": "\U0001f600"}),
    ("post", "/verify/token", {"token": "x.y.z"}),
    ("post", "/verify/token", {"token": "a" * 2049}),
    ("post", "/verify/token", {"token": "eyJhbGciOiJub25lIn0.eyJsaWMiOiJ4In0."}),
    ("post", "/verify/token", "[1, 2"),
    ("get", "/wallet/%00", None),
    ("get", "/wallet/" + "9" * 500 + "/token", None),
    ("get", "/wallet/{identifier}/token?fields=" + "f" * 41, None),
    ("delete", "/wallet/{identifier}/grants/not-a-uuid", None),
    ("delete", "/wallet/{identifier}/grants/00000000-0000-0000-0000-000000000000", None),
    ("post", "/wallet/{identifier}/grants", {"department_code": None}),
    ("post", "/fetch", {"identifier": 5}),
    ("post", "/fetch", {"identifier": "1.2.156", "purpose": ""}),
    ("post", "/issue", b"\xff\xfe"),
    ("post", "/{identifier}/versions", {"surface": [1, 2], "reason": "x"}),
    ("post", "/{identifier}/versions", {"surface": {"degree": None}, "reason": "x"}),
    ("get", "/issued?page=0", None),
    ("get", "/issued?page_size=abc", None),
]


@pytest.mark.parametrize(("method", "path", "body"), GARBAGE)
def test_garbage_never_500_and_changes_nothing(world, people, method, path, body):
    before = licence_state()
    path = path.format(identifier=world["degree"].identifier)
    staff_paths = ("/fetch", "/issue", "/issued", f"/{world['degree'].identifier}/")
    client = signed_in(people["approver"].user) if path.startswith(staff_paths) else world["alice_client"]
    if method == "get" and "?" in path:
        response = client.get(f"{API}{path}")
    else:
        response = call(client, method, path, body)
    assert 400 <= response.status_code < 500, response.content
    assert_error(response, response.status_code)
    assert licence_state() == before


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(token=st.text(max_size=300) | st.from_regex(r"[A-Za-z0-9_\-]{0,40}\.[A-Za-z0-9_\-]{0,80}\.[A-Za-z0-9_\-]{0,90}"))
def test_any_token_text_is_answered_in_4xx(world, token):
    cache.clear()
    response = call(Client(), "post", "/verify/token", {"token": token})
    assert response.status_code in (400, 422), response.content
    assert set(response.json()) == {"code", "message", "details"}


def test_a_change_without_the_csrf_token_is_refused(world, other_department):
    client = signed_in(world["alice"].user, enforce_csrf_checks=True)
    before = licence_state()
    response = call(client, "post", f"/wallet/{world['degree'].identifier}/grants", {
        "department_code": other_department.credit_code, "purpose": "入学",
        "valid_until": (timezone.now() + dt.timedelta(days=1)).isoformat(),
    })
    assert response.status_code in (401, 403)
    assert licence_state() == before
