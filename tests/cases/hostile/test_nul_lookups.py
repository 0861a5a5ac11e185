"""NUL bytes in values the cases API looks rows up by: on PostgreSQL a NUL in a text parameter is an
error (a 500) unless refused first. Run on both databases."""

from __future__ import annotations

import pytest

from tests.cases.conftest import grant, snapshot
from tests.cases.helpers import GOOD_FORM, submit, with_form
from tests.cases.hostile.helpers import _fresh_limits, assert_error, call, signed_in  # noqa: F401
from tests.cases.test_bundles import GOOD as BUNDLE_FORM
from tests.cases.test_bundles import files as bundle_files

pytestmark = pytest.mark.django_db
NUL = "9133\x000000"


def test_enterprise_with_a_nul_on_the_form(applicant, item):
    with_form(item)
    r = call(signed_in(applicant), "get", f"/items/{item.pk}/form", {"enterprise": NUL})
    assert_error(r, (400, 403, 422))


def test_enterprise_with_a_nul_on_a_draft(applicant, item):
    with_form(item)
    before = snapshot()
    r = call(signed_in(applicant), "post", "/drafts", {"item_id": item.pk, "form_data": {}, "enterprise": NUL})
    assert_error(r, (400, 403, 422))
    assert snapshot() == before


def test_enterprise_with_a_nul_on_a_submission(applicant, item):
    with_form(item)
    r = call(signed_in(applicant), "post", "/submissions",
             {"item_id": item.pk, "form_data": dict(GOOD_FORM), "idempotency_key": "n", "enterprise": NUL})
    assert_error(r, (400, 403, 422))


def test_enterprise_with_a_nul_on_an_entry(applicant, item, staff):
    with_form(item)
    r = call(signed_in(staff["clerk"]), "post", "/entries",
             {"item_id": item.pk, "applicant": str(applicant.public_id), "enterprise": NUL, "form_data": {}})
    assert_error(r, (400, 403, 422))


def test_entry_with_a_nul_document_number(applicant, item, staff):
    with_form(item)
    r = call(signed_in(staff["clerk"]), "post", "/entries",
             {"item_id": item.pk, "document_number": "1101\x00", "form_data": {}})
    assert_error(r, (400, 404, 422))


@pytest.mark.parametrize("path", ["/mine", "/cases", "/queue", "/overdue"])
def test_number_filter_with_a_nul(applicant, item, staff, path):
    with_form(item)
    submit(applicant, item)
    who = applicant if path == "/mine" else staff["supervisor"] if path == "/overdue" else staff["clerk"]
    r = call(signed_in(who), "get", path, {"number": "3301\x00"})
    assert r.status_code in (200, 400, 422), r.status_code


@pytest.mark.parametrize("path", ["/mine", "/cases", "/queue"])
def test_status_filter_with_a_nul(applicant, item, staff, path):
    with_form(item)
    who = applicant if path == "/mine" else staff["clerk"]
    r = call(signed_in(who), "get", path, {"status": "sub\x00"})
    assert r.status_code in (200, 400, 422), r.status_code


def test_event_code_with_a_nul(applicant, newborn):
    r = call(signed_in(applicant), "get", "/events/new%00born/form")
    assert r.status_code in (400, 404, 422), r.status_code
    r = signed_in(applicant).post("/api/v1/cases/events/new%00born/submissions", {"form_data": "{}",
                                                                                 "idempotency_key": "x"})
    assert r.status_code in (400, 404, 422), r.status_code


def test_bundle_with_a_nul_in_the_form(applicant, newborn):
    import json
    before = snapshot()
    form = {**BUNDLE_FORM, "hospital": "浙大\x00妇产科医院"}
    r = signed_in(applicant).post("/api/v1/cases/events/newborn/submissions",
                                  {"form_data": json.dumps(form), "idempotency_key": "b1",
                                   **{name: _file(name, content) for name, content in bundle_files().items()}})
    assert_error(r, (400, 422))
    assert snapshot() == before


def test_bundle_with_a_nul_enterprise(applicant, newborn):
    r = signed_in(applicant).post("/api/v1/cases/events/newborn/submissions",
                                  {"form_data": "{}", "idempotency_key": "b1", "enterprise": NUL})
    assert_error(r, (400, 403, 422))


def _file(name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile
    return SimpleUploadedFile(f"{name}.png", content)


def test_bundle_with_a_nul_file_field_name(applicant, newborn):
    import json
    r = signed_in(applicant).post("/api/v1/cases/events/newborn/submissions",
                                  {"form_data": json.dumps(BUNDLE_FORM), "idempotency_key": "b2",
                                   "出生\x00证明": _file("x", bundle_files()["出生医学证明"])})
    assert r.status_code in (400, 422), r.status_code


def test_comment_and_reason_fine(applicant, item, staff, enterprise):
    grant(enterprise, applicant)
    r = call(signed_in(applicant), "get", f"/items/{item.pk}/form", {"enterprise": enterprise.credit_code + "\x00"})
    assert r.status_code in (200, 400, 403, 422), r.status_code
