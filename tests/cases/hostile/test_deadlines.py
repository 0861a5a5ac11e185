"""Working-day deadlines and case numbers."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from tests.cases.conftest import at
from tests.cases.helpers import GOOD_FORM, submit, with_form
from tests.cases.hostile.helpers import _fresh_limits, assert_error, call, signed_in  # noqa: F401
from zwfw.cases import numbers, services
from zwfw.cases.states import CaseStatus

pytestmark = pytest.mark.django_db
D = dt.date.fromisoformat


def _accept_via_api(applicant, item, staff, when: str, key="k1"):
    with time_machine.travel(at(when, 9), tick=False):
        made = call(signed_in(applicant), "post", "/submissions",
                    {"item_id": item.pk, "form_data": dict(GOOD_FORM), "idempotency_key": key})
        assert made.status_code == 201, made.content
        public_id = made.json()["public_id"]
    with time_machine.travel(at(when, 15), tick=False):
        r = call(signed_in(staff["clerk"]), "post", f"/cases/{public_id}/accept")
    return public_id, r


def test_accepted_on_2026_02_13_due_dates(applicant, item, staff):
    with_form(item)
    _public_id, r = _accept_via_api(applicant, item, staff, "2026-02-13")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["accepted_on"] == "2026-02-13"
    assert body["promised_due_on"] == "2026-02-27"  # 02-14 (调休上班), 02-24..02-27
    assert body["legal_due_on"] == "2026-03-19"


def test_stop_resume_and_extension_through_the_api(applicant, item, staff):
    with_form(item)
    public_id, r = _accept_via_api(applicant, item, staff, "2026-02-13")
    approver, head = signed_in(staff["approver"]), signed_in(staff["head"])
    with time_machine.travel(at("2026-02-24", 10), tick=False):
        r = call(approver, "post", f"/cases/{public_id}/clock/stop", {"procedure": "testing", "reason": "送检"})
        assert r.status_code == 200
        assert r.json()["clock_stopped"] is True
        assert r.json()["promised_due_on"] is None
    with time_machine.travel(at("2026-02-26", 10), tick=False):
        r = call(approver, "post", f"/cases/{public_id}/clock/resume")
        assert r.status_code == 200
        assert r.json()["promised_due_on"] == "2026-03-02"  # 2 working days (02-25, 02-26) not counted
    with time_machine.travel(at("2026-02-27", 10), tick=False):
        r = call(head, "post", f"/cases/{public_id}/extend", {"days": 11, "reason": "复杂"})
        assert_error(r, (400, 422))
        r = call(head, "post", f"/cases/{public_id}/extend", {"days": 10, "reason": "复杂"})
        assert r.status_code == 200, r.content
        assert r.json()["promised_due_on"] == "2026-03-16"  # 7 + 10 = 17 working days after 02-13
        assert [e["kind"] for e in r.json()["ledger"]] == ["start", "stop", "resume", "extend"]


def test_deemed_acceptance_across_the_spring_festival(applicant, item):
    with_form(item)
    case = submit(applicant, item, when="2026-02-13")
    assert services.deem_accepted_overdue(now=at("2026-02-27", 23)) == []
    done = services.deem_accepted_overdue(now=at("2026-02-28", 1))
    assert [c.pk for c in done] == [case.pk]
    case.refresh_from_db()
    assert case.status == CaseStatus.ACCEPTED
    assert case.deemed_accepted
    assert case.accepted_on == D("2026-02-13")
    assert services.deem_accepted_overdue(now=at("2026-03-02", 1)) == []


def test_acceptance_in_december_with_a_20_day_legal_limit(applicant, item, staff):
    """Today is 2026-12-03: from 12-04 on, a 20-working-day legal limit ends in 2027, whose calendar is
    not loaded. The case should still be accepted (the due date flagged), not refused with a 409."""
    with_form(item)
    _public_id, r = _accept_via_api(applicant, item, staff, "2026-12-04")
    assert r.status_code == 200, r.json()


def test_the_deemed_acceptance_job_survives_a_year_end(applicant, item, stranger):
    with_form(item)
    early = submit(applicant, item, key="early", when="2026-12-01")
    submit(stranger, item, key="late", when="2026-12-28")
    try:
        done = services.deem_accepted_overdue(now=at("2026-12-29", 1))
    except Exception as exc:
        pytest.fail(f"the job raised {type(exc).__name__}: {exc}")
    assert early.pk in [c.pk for c in done]


def _mod37_36(body: str) -> str:
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    p = 36
    for ch in body:
        p = (p + alphabet.index(ch)) % 36 or 36
        p = (p * 2) % 37
    return alphabet[(37 - p) % 36]


def test_independent_check_character():
    assert _mod37_36("11100000000013338W011" "11430000006122244L" "20230000403" "001") == "U"


def test_case_numbers_have_the_right_shape_and_check(applicant, item, stranger):
    with_form(item)
    first = submit(applicant, item, key="n1", when="2026-02-13")
    second = submit(stranger, item, key="n2", when="2026-02-13")
    for case, seq in ((first, 1), (second, 2)):
        n = case.number
        assert len(n) == 21
        assert n[:6] == "330100"
        assert n[6:14] == "20260213"
        assert int(n[14:20]) == seq
        assert n[20] == _mod37_36(n[:20])
        assert numbers.parse_case_number(n.lower()).value == n


def test_a_submission_just_before_midnight_in_shanghai(applicant, item):
    with_form(item)
    case = services.submit(actor=applicant.user, item=item, form_data=dict(GOOD_FORM), idempotency_key="m",
                           now=dt.datetime(2026, 2, 13, 16, 30, tzinfo=dt.UTC))  # 00:30 on 02-14 in Shanghai
    assert case.number[6:14] == "20260214"
    assert case.received_on == D("2026-02-14")


@pytest.mark.parametrize(("value", "fault"), [
    ("33010020260213000001", "length"), ("3301002026021300000１X", "character"),
    ("99010020260213000001X", "region"), ("33010020260230000001X", "date"),
    ("330100202602130000010", "check"), ("330100202602130000000", "format"),
])
def test_parse_faults(value, fault):
    from zwfw.core.codes import InvalidCode
    with pytest.raises(InvalidCode) as caught:
        numbers.parse_case_number(value)
    print(value, "->", caught.value.fault, caught.value.message)
    if fault != "format":
        assert caught.value.fault == fault
