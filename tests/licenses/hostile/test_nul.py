"""NUL bytes in JSON strings of the licence API. PostgreSQL text columns refuse NUL with an error,
so every value that reaches a query or an insert must be refused first (run on PostgreSQL:
python scripts/pgtmp.py -- .venv/bin/python -m pytest tests/licenses/hostile/test_nul.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from tests.identity.factories import PersonFactory
from tests.licenses.hostile.helpers import assert_clean_4xx, call, issue_body
from tests.licenses.wallet_helpers import licence_state, license_type, signed_in

pytestmark = pytest.mark.django_db
NUL = "\x00"


def test_nul_in_grant_department_code(world, other_department):
    before = licence_state()
    response = call(world["alice_client"], "post", f"/wallet/{world['degree'].identifier}/grants", {
        "department_code": other_department.credit_code[:10] + NUL, "purpose": "入学",
        "valid_until": (timezone.now() + dt.timedelta(days=1)).isoformat(),
    })
    assert_clean_4xx(response)
    assert licence_state() == before


def test_nul_in_grant_purpose(world, other_department):
    before = licence_state()
    response = call(world["alice_client"], "post", f"/wallet/{world['degree'].identifier}/grants", {
        "department_code": other_department.credit_code, "purpose": "入" + NUL + "学",
        "valid_until": (timezone.now() + dt.timedelta(days=1)).isoformat(),
    })
    assert_clean_4xx(response)
    assert licence_state() == before


def test_nul_in_issue_holder_credit_code(world, people):
    before = licence_state()
    body = issue_body(PersonFactory(), type_code=license_type("营业执照").code, holder_credit_code="9133" + NUL)
    assert_clean_4xx(call(signed_in(people["approver"].user), "post", "/issue", body))
    assert licence_state() == before


def test_nul_in_issue_idempotency_key(world, people):
    before = licence_state()
    body = issue_body(PersonFactory(), idempotency_key="k" + NUL)
    assert_clean_4xx(call(signed_in(people["approver"].user), "post", "/issue", body))
    assert licence_state() == before


def test_nul_in_issue_document_number(world, people):
    before = licence_state()
    body = issue_body(PersonFactory(), holder_document_number="3301" + NUL)
    assert_clean_4xx(call(signed_in(people["approver"].user), "post", "/issue", body))
    assert licence_state() == before


def test_nul_in_fetch_purpose(world, people):
    before = licence_state()
    response = call(signed_in(people["other_approver"].user), "post", "/fetch",
                    {"identifier": world["degree"].identifier, "purpose": "核" + NUL})
    assert_clean_4xx(response)
    assert licence_state() == before


def test_nul_in_status_reason(world, people):
    before = licence_state()
    response = call(signed_in(people["approver"].user), "post", f"/{world['degree'].identifier}/status",
                    {"action": "suspend", "reason": "暂" + NUL})
    assert_clean_4xx(response)
    assert licence_state() == before


def test_nul_in_status_action(world, people):
    before = licence_state()
    response = call(signed_in(people["approver"].user), "post", f"/{world['degree'].identifier}/status",
                    {"action": "sus" + NUL, "reason": "暂扣"})
    assert_clean_4xx(response)
    assert licence_state() == before


def test_nul_in_version_reason(world, people):
    before = licence_state()
    response = call(signed_in(people["approver"].user), "post", f"/{world['residence'].identifier}/versions",
                    {"renew": True, "reason": "延" + NUL})
    assert_clean_4xx(response)
    assert licence_state() == before


def test_nul_in_verify_holder_code(world):
    assert_clean_4xx(call(Client(), "post", "/verify",
                          {"identifier": world["degree"].identifier, "holder_code": "1" + NUL}))


def test_nul_in_token_fields_query(world):
    response = world["alice_client"].get(f"/api/v1/licenses/wallet/{world['degree'].identifier}/token",
                                         {"fields": ["degree" + NUL]})
    assert_clean_4xx(response)


def test_nul_in_page_grant_form(world, other_department):
    before = licence_state()
    response = world["alice_client"].post(f"/licenses/wallet/{world['degree'].identifier}/", {
        "department_code": other_department.credit_code, "purpose": "入" + NUL + "学",
        "valid_until": (timezone.localdate() + dt.timedelta(days=3)).isoformat(),
    })
    assert 400 <= response.status_code < 500, response.status_code
    assert licence_state() == before


def test_nul_in_page_grant_department(world, other_department):
    before = licence_state()
    response = world["alice_client"].post(f"/licenses/wallet/{world['degree'].identifier}/", {
        "department_code": "91" + NUL, "purpose": "入学",
        "valid_until": (timezone.localdate() + dt.timedelta(days=3)).isoformat(),
    })
    assert 400 <= response.status_code < 500, response.status_code
    assert licence_state() == before


def test_nul_in_workbench_form(world, people):
    before = licence_state()
    response = signed_in(people["approver"].user).post("/licenses/workbench/issue/", {
        "type_code": license_type("营业执照").code, "holder_credit_code": "91" + NUL, "idempotency_key": "wb" + NUL,
    })
    assert 400 <= response.status_code < 500, response.status_code
    assert licence_state() == before


def test_nul_in_workbench_status_reason(world, people):
    before = licence_state()
    response = signed_in(people["approver"].user).post(
        f"/licenses/workbench/{world['degree'].identifier}/status/", {"action": "suspend", "reason": "暂" + NUL})
    assert 400 <= response.status_code < 500, response.status_code
    assert licence_state() == before


def test_nul_in_verify_page(world):
    response = Client().post("/licenses/verify/", {"identifier": world["degree"].identifier + NUL, "holder_code": "1" + NUL})
    assert 400 <= response.status_code < 500, response.status_code
