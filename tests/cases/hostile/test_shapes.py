"""Error shapes and messages on the cases API: always JSON {code, message, details} in Chinese."""

# ruff: noqa: UP031  (raw JSON bodies: %-formatting keeps their braces readable)

from __future__ import annotations

import pytest
from django.test import Client

from tests.cases.helpers import submit, with_form
from tests.cases.hostile.helpers import API, _fresh_limits, assert_error, signed_in  # noqa: F401
from zwfw.cases.models import Case

pytestmark = pytest.mark.django_db


def test_wrong_method(applicant):
    r = signed_in(applicant).get(f"{API}/submissions")
    assert_error(r, 405)


def test_form_encoded_body_to_a_json_endpoint(applicant, item):
    r = signed_in(applicant).post(f"{API}/submissions", {"item_id": item.pk, "idempotency_key": "x"})
    assert_error(r, (400, 415, 422))


def test_empty_body(applicant):
    r = signed_in(applicant).post(f"{API}/submissions", data="", content_type="application/json")
    assert_error(r, (400, 422))


def test_non_utf8_body(applicant):
    r = signed_in(applicant).post(f"{API}/submissions", data=b"\xff\xfe{", content_type="application/json")
    assert_error(r, (400, 422))


@pytest.mark.parametrize("area", ["NaN", "Infinity", "-Infinity", "1e400", "1" + "0" * 4400])
def test_a_number_json_allows_but_a_form_cannot_keep_is_refused_and_nothing_is_written(applicant, item, area):
    with_form(item)
    body = '{"item_id": %d, "idempotency_key": "n", "form_data": {"shop_name": "张记小吃", "area": %s}}' % (item.pk, area)
    r = signed_in(applicant).post(f"{API}/submissions", data=body, content_type="application/json")
    assert_error(r, (400, 422))
    assert not Case.objects.filter(applicant=applicant).exists()


def test_staff_without_person_on_applicant_endpoints(staff):
    assert_error(signed_in(staff["clerk"]).get(f"{API}/mine"), (403, 404))


def test_the_progress_query_limit(applicant, item):
    with_form(item)
    case = submit(applicant, item)
    anon = Client()
    codes = [anon.post(f"{API}/progress", {"number": case.number, "id_tail": "000000"},
                       content_type="application/json").status_code for _ in range(12)]
    assert codes[:10] == [404] * 10, codes
    assert codes[10] == 429, codes
    assert_error(anon.post(f"{API}/progress", {"number": case.number, "id_tail": "000000"},
                           content_type="application/json"), 429)


def test_nan_in_a_draft(applicant, item):
    r = signed_in(applicant).post(f"{API}/drafts", data='{"item_id": %d, "form_data": {"area": NaN}}' % item.pk,
                                  content_type="application/json")
    assert_error(r, (400, 422))


def test_nan_in_a_correction(applicant, item, staff):
    from zwfw.cases import services
    with_form(item)
    case = submit(applicant, item)
    services.request_corrections(actor=staff["clerk"].user, case=case, items=[{"material": "a", "reason": "b"}])
    r = signed_in(applicant).post(f"{API}/mine/{case.public_id}/correct",
                                  data='{"form_data": {"shop_name": "张记小吃", "area": NaN}}',
                                  content_type="application/json")
    assert_error(r, (400, 422))
