"""Bad input on the cases pages (views.py): never a 500."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.cases.conftest import snapshot
from tests.cases.helpers import png_bytes, submit, with_form
from tests.cases.hostile.helpers import _fresh_limits, signed_in  # noqa: F401
from tests.catalog.factories import MaterialFactory
from zwfw.cases import services

pytestmark = pytest.mark.django_db


def _client(who) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(who.user)
    return client


@pytest.fixture
def accepted_case(applicant, item, staff):
    with_form(item)
    case = submit(applicant, item)
    services.accept(actor=staff["clerk"].user, case=case)
    return case


@pytest.mark.parametrize("raw", ["²", "¹²", "٣"])
def test_a_superscript_step_number_on_the_workbench(accepted_case, staff, raw):
    before = snapshot()
    r = _client(staff["approver"]).post(f"/cases/workbench/{accepted_case.public_id}/act/",
                                       {"action": "approve_step", "step": raw})
    assert r.status_code in (400, 404, 409), r.status_code
    assert snapshot() == before


@pytest.mark.parametrize("raw", ["²", "1²", "٣"])
def test_superscript_extension_days_on_the_workbench(accepted_case, staff, raw):
    before = snapshot()
    r = _client(staff["head"]).post(f"/cases/workbench/{accepted_case.public_id}/act/",
                                   {"action": "extend", "days": raw, "reason": "情况复杂"})
    assert r.status_code in (200, 302, 400, 409), r.status_code
    if r.status_code >= 400:
        assert snapshot() == before


@pytest.mark.parametrize("raw", ["²", "٣"])
def test_a_superscript_material_number_on_upload(applicant, item, raw):
    MaterialFactory(item=item, name="营业执照")
    draft = services.save_draft(actor=applicant.user, item=item, form_data={})
    r = _client(applicant).post(f"/cases/mine/{draft.public_id}/materials/",
                                {"file": SimpleUploadedFile("a.png", png_bytes()), "material": raw})
    assert r.status_code in (400, 302), r.status_code


@pytest.mark.parametrize("raw", ["²", "٣"])
def test_a_superscript_step_on_reassign(accepted_case, staff, raw):
    r = _client(staff["head"]).post(f"/cases/workbench/{accepted_case.public_id}/act/",
                                   {"action": "reassign", "step": raw, "to_staff": str(staff["approver"].public_id)})
    assert r.status_code in (400, 404, 409), r.status_code


def test_nul_in_the_apply_form(applicant, item):
    with_form(item)
    r = _client(applicant).post(f"/cases/apply/{item.pk}/", {"f_shop_name": "张记\x00小吃", "f_area": "35",
                                                                "idempotency_key": "v1"})
    assert r.status_code in (400, 422), r.status_code


def test_nul_in_workbench_fields(accepted_case, staff):
    before = snapshot()
    for who, body in (("approver", {"action": "stop_clock", "procedure": "testing", "reason": "检\x00测"}),
                      ("approver", {"action": "comment", "text": "a\x00"}),
                      ("approver", {"action": "approve_step", "step": "1", "opinion": "\x00"})):
        r = _client(staff[who]).post(f"/cases/workbench/{accepted_case.public_id}/act/", body)
        assert r.status_code in (400, 404, 409), (body, r.status_code)
    assert snapshot() == before


@pytest.mark.parametrize("path", ["/cases/mine/\x00/", "/cases/workbench/%00/", "/cases/mine/abc/materials/1/",
                                  "/cases/workbench/abc/documents/x.pdf"])
def test_odd_paths(applicant, staff, path):
    for who in (applicant, staff["clerk"]):
        r = _client(who).get(path)
        assert r.status_code in (404, 400, 403), (path, r.status_code)


def test_progress_page_odd_input(applicant, item):
    with_form(item)
    submit(applicant, item)
    for body in ({"number": "\x00", "id_tail": "123456"}, {"number": "x" * 5000, "id_tail": "x" * 5000},
                 {"number": ["a", "b"], "id_tail": "1"}, {}):
        r = Client(raise_request_exception=False).post("/cases/progress/", body)
        assert r.status_code in (400, 404, 422, 429), (body, r.status_code)
