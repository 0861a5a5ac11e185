"""Deadlines that fall in a year whose holiday calendar is not imported yet (the seeded calendars end
with 2026): the statutory steps go on and the due date is flagged as not known, never guessed."""

from __future__ import annotations

import json

import pytest
import time_machine
from django.test import Client

from tests.cases.conftest import at
from tests.cases.helpers import GOOD_FORM, submit, with_form
from zwfw.cases import services
from zwfw.cases.models import Case, DocumentKind
from zwfw.cases.states import CaseStatus

pytestmark = pytest.mark.django_db
API = "/api/v1/cases"


def _post(who, path: str, body: dict | None = None):
    client = Client()
    client.force_login(getattr(who, "user", who))
    return client.post(f"{API}{path}", data=json.dumps(body or {}), content_type="application/json")


def test_a_case_accepted_in_december_whose_legal_limit_ends_in_2027_is_accepted_with_no_due_date(
    applicant, item, staff
):
    # given the item's 20-working-day legal limit, which from 2026-12-04 ends in 2027
    with_form(item)
    with time_machine.travel(at("2026-12-04", 9), tick=False):
        made = _post(applicant, "/submissions", {"item_id": item.pk, "form_data": dict(GOOD_FORM), "idempotency_key": "k1"})
    assert made.status_code == 201, made.content
    # when the clerk accepts
    with time_machine.travel(at("2026-12-04", 15), tick=False):
        accepted = _post(staff["clerk"], f"/cases/{made.json()['public_id']}/accept")
    # then the case is accepted, its legal due date not known yet, the notice saying the working days
    assert accepted.status_code == 200, accepted.json()
    case = Case.objects.get(public_id=made.json()["public_id"])
    assert case.status == CaseStatus.ACCEPTED
    assert case.legal_due_on is None
    notice = case.documents.get(kind=DocumentKind.ACCEPTANCE)
    assert any("法定期限：在受理之日起" in paragraph for paragraph in notice.content["paragraphs"])


def test_the_deemed_acceptance_job_goes_on_past_a_case_whose_period_ends_in_a_year_not_imported(
    applicant, item, stranger
):
    with_form(item)
    early = submit(applicant, item, key="early", when="2026-12-01")
    late = submit(stranger, item, key="late", when="2026-12-28")  # its 5th working day is in 2027
    done = services.deem_accepted_overdue(now=at("2026-12-29", 1))
    assert [case.pk for case in done] == [early.pk]
    late.refresh_from_db()
    assert late.status == CaseStatus.SUBMITTED
