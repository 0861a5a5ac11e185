"""Steps out of order through the JSON API: each a clear Chinese 409 (or 4xx) that changes nothing."""

from __future__ import annotations

import pytest

from tests.cases.conftest import snapshot
from tests.cases.helpers import GOOD_FORM, submit, with_form
from tests.cases.hostile.helpers import _fresh_limits, assert_error, call, signed_in  # noqa: F401
from zwfw.cases.models import Case

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(applicant, item):
    with_form(item)
    return submit(applicant, item)


def _accept(staff, case):
    r = call(signed_in(staff["clerk"]), "post", f"/cases/{case.public_id}/accept")
    assert r.status_code == 200, r.content
    return r.json()


def _decision_step(detail):
    return next(s for s in detail["steps"] if s["kind"] == "decision")


def test_nothing_but_pre_review_before_acceptance(case, staff, applicant):
    approver, head, clerk = signed_in(staff["approver"]), signed_in(staff["head"]), signed_in(staff["clerk"])
    before = snapshot()
    assert_error(call(approver, "post", f"/cases/{case.public_id}/decide", {"approve": True}), 409)
    assert_error(call(approver, "post", f"/cases/{case.public_id}/clock/stop",
                      {"procedure": "testing", "reason": "检测"}), 409)
    assert_error(call(approver, "post", f"/cases/{case.public_id}/clock/resume"), 409)
    assert_error(call(head, "post", f"/cases/{case.public_id}/extend", {"days": 3, "reason": "x"}), 409)
    assert_error(call(clerk, "post", f"/cases/{case.public_id}/complete", {"delivery_method": "window"}), 409)
    assert_error(call(signed_in(applicant), "post", f"/mine/{case.public_id}/correct", {}), 409)
    assert snapshot() == before


def test_after_acceptance_pre_review_actions_are_refused(case, staff, applicant):
    _accept(staff, case)
    clerk = signed_in(staff["clerk"])
    before = snapshot()
    assert_error(call(clerk, "post", f"/cases/{case.public_id}/accept"), 409)
    assert_error(call(clerk, "post", f"/cases/{case.public_id}/refuse", {"reason": "不符"}), 409)
    assert_error(call(clerk, "post", f"/cases/{case.public_id}/corrections",
                      {"items": [{"material": "a", "reason": "b"}]}), 409)
    assert_error(call(signed_in(applicant), "post", f"/mine/{case.public_id}/correct", {}), 409)
    assert_error(call(signed_in(applicant), "post", "/submissions",
                      {"draft": str(case.public_id), "idempotency_key": "again"}), (404, 409))
    assert snapshot() == before


def test_a_second_decision_and_withdrawal_after_decision(case, staff, applicant):
    detail = _accept(staff, case)
    approver = signed_in(staff["approver"])
    ok = call(approver, "post", f"/cases/{case.public_id}/decide", {"approve": False, "reason": "不符合条件"})
    assert ok.status_code == 200, ok.content
    before = snapshot()
    assert_error(call(approver, "post", f"/cases/{case.public_id}/decide", {"approve": True}), 409,
                 "CASE_ALREADY_DECIDED")
    assert_error(call(approver, "post", f"/steps/{_decision_step(detail)['id']}/approve", {}), 409)
    assert_error(call(signed_in(applicant), "post", f"/mine/{case.public_id}/withdraw", {}), 409)
    assert_error(call(approver, "post", f"/cases/{case.public_id}/clock/stop",
                      {"procedure": "testing", "reason": "x"}), 409)
    assert_error(call(signed_in(staff["head"]), "post", f"/cases/{case.public_id}/extend",
                      {"days": 3, "reason": "x"}), 409)
    assert snapshot() == before
    done = call(approver, "post", f"/cases/{case.public_id}/complete", {"delivery_method": "electronic"})
    assert done.status_code == 200
    before = snapshot()
    assert_error(call(approver, "post", f"/cases/{case.public_id}/complete", {"delivery_method": "electronic"}), 409)
    assert snapshot() == before


def test_after_withdrawal_nothing_moves(case, staff, applicant):
    _accept(staff, case)
    assert call(signed_in(applicant), "post", f"/mine/{case.public_id}/withdraw", {"reason": "不办了"}).status_code == 200
    before = snapshot()
    approver = signed_in(staff["approver"])
    assert_error(call(approver, "post", f"/cases/{case.public_id}/decide", {"approve": True}), 409)
    assert_error(call(signed_in(applicant), "post", f"/mine/{case.public_id}/withdraw", {}), 409)
    assert_error(call(approver, "post", f"/cases/{case.public_id}/clock/stop",
                      {"procedure": "testing", "reason": "x"}), 409)
    assert_error(call(signed_in(staff["clerk"]), "post", f"/cases/{case.public_id}/accept"), 409)
    assert snapshot() == before


@pytest.mark.parametrize("days", [0, -1, 11, 100, 10**20])
def test_extension_out_of_range(case, staff, days):
    _accept(staff, case)
    before = snapshot()
    r = call(signed_in(staff["head"]), "post", f"/cases/{case.public_id}/extend", {"days": days, "reason": "需要"})
    assert_error(r, (400, 422))
    assert snapshot() == before


def test_extension_of_ten_then_a_second(case, staff):
    import time_machine

    from tests.cases.conftest import at
    with time_machine.travel(at("2026-02-24", 10), tick=False):
        _accept(staff, case)
        _extension_of_ten_then_a_second(case, staff)


def _extension_of_ten_then_a_second(case, staff):
    head = signed_in(staff["head"])
    r = call(head, "post", f"/cases/{case.public_id}/extend", {"days": 10, "reason": "情况复杂"})
    assert r.status_code == 200, r.content
    before = snapshot()
    assert_error(call(head, "post", f"/cases/{case.public_id}/extend", {"days": 1, "reason": "再延"}), 409,
                 "CASE_ALREADY_EXTENDED")
    assert snapshot() == before


def test_stop_twice_and_decide_while_stopped(case, staff):
    _accept(staff, case)
    approver = signed_in(staff["approver"])
    assert call(approver, "post", f"/cases/{case.public_id}/clock/stop",
                {"procedure": "hearing", "reason": "听证"}).status_code == 200
    before = snapshot()
    assert_error(call(approver, "post", f"/cases/{case.public_id}/clock/stop",
                      {"procedure": "hearing", "reason": "听证"}), 409)
    assert_error(call(approver, "post", f"/cases/{case.public_id}/decide", {"approve": True}), 409)
    assert snapshot() == before


@pytest.mark.parametrize("procedure", ["", "nonsense", "\x00", "HEARING"])
def test_stop_with_a_bad_procedure(case, staff, procedure):
    _accept(staff, case)
    before = snapshot()
    assert_error(call(signed_in(staff["approver"]), "post", f"/cases/{case.public_id}/clock/stop",
                      {"procedure": procedure, "reason": "x"}), (400, 422))
    assert snapshot() == before


def test_decide_with_a_bad_surface_for_an_item_issuing_a_licence(case, staff):
    """license_surface values of odd types: a 4xx, not a 500."""
    _accept(staff, case)
    approver = signed_in(staff["approver"])
    before = snapshot()
    for surface in ({"x": "\x00"}, {"x" * 500: "y"}, {"": ""}):
        r = call(approver, "post", f"/cases/{case.public_id}/decide", {"approve": True, "license_surface": surface})
        assert r.status_code in (200, 400, 409, 422), (surface, r.status_code, r.content[:300])
        if r.status_code == 200:
            print("decided with surface", surface)
            break
    else:
        assert snapshot() == before


# --- replays --------------------------------------------------------------------------------------------


def test_replays(applicant, item):
    with_form(item)
    client = signed_in(applicant)
    body = {"item_id": item.pk, "form_data": dict(GOOD_FORM), "idempotency_key": "rep-1"}
    first = call(client, "post", "/submissions", body)
    assert first.status_code == 201
    again = call(client, "post", "/submissions", body)
    assert again.status_code == 200
    assert again.json()["public_id"] == first.json()["public_id"]
    # same key through the header, with spaces
    again = call(client, "post", "/submissions", {**body, "idempotency_key": ""}, HTTP_IDEMPOTENCY_KEY=" rep-1 ")
    assert again.status_code == 200
    assert again.json()["public_id"] == first.json()["public_id"]
    before = snapshot()
    changed = call(client, "post", "/submissions", {**body, "form_data": {**GOOD_FORM, "area": 36}})
    assert_error(changed, 409, "CASE_IDEMPOTENCY_CONFLICT")
    changed = call(client, "post", "/submissions", {**body, "channel": "mobile"})
    assert_error(changed, 409, "CASE_IDEMPOTENCY_CONFLICT")
    # a replay with a changed but invalid body: still nothing changes
    bad = call(client, "post", "/submissions", {**body, "form_data": {"area": "x"}})
    assert bad.status_code in (400, 409, 422)
    assert snapshot() == before
    assert Case.objects.count() == 1


def test_replay_of_a_submission_after_its_case_was_withdrawn(applicant, item):
    with_form(item)
    client = signed_in(applicant)
    body = {"item_id": item.pk, "form_data": dict(GOOD_FORM), "idempotency_key": "rep-2"}
    first = call(client, "post", "/submissions", body).json()
    call(client, "post", f"/mine/{first['public_id']}/withdraw", {})
    again = call(client, "post", "/submissions", body)
    assert again.status_code == 200
    assert again.json()["public_id"] == first["public_id"]


def test_a_draft_submitted_twice_with_different_keys(applicant, item):
    with_form(item)
    client = signed_in(applicant)
    draft = call(client, "post", "/drafts", {"item_id": item.pk, "form_data": dict(GOOD_FORM)}).json()["public_id"]
    assert call(client, "post", "/submissions", {"draft": draft, "idempotency_key": "d1"}).status_code == 201
    before = snapshot()
    assert_error(call(client, "post", "/submissions", {"draft": draft, "idempotency_key": "d2"}), 409)
    assert call(client, "post", "/submissions", {"draft": draft, "idempotency_key": "d1"}).status_code == 200
    assert snapshot() == before


def test_confirm_on_a_self_made_draft(applicant, item):
    """confirm is for window entries; on the applicant's own draft it submits without the materials check? """
    with_form(item)
    client = signed_in(applicant)
    draft = call(client, "post", "/drafts", {"item_id": item.pk, "form_data": dict(GOOD_FORM)}).json()["public_id"]
    r = call(client, "post", f"/mine/{draft}/confirm", {"idempotency_key": "c1"})
    print("confirm own draft:", r.status_code, r.content[:200])


def test_correct_with_invalid_form_changes_nothing(case, staff, applicant):
    call(signed_in(staff["clerk"]), "post", f"/cases/{case.public_id}/corrections",
         {"items": [{"material": "营业执照", "reason": "模糊"}, {"material": "租赁合同", "reason": "缺页"}]})
    before = snapshot()
    assert_error(call(signed_in(applicant), "post", f"/mine/{case.public_id}/correct",
                      {"form_data": {"area": "大"}}), 400, "CASE_FORM_INVALID")
    assert snapshot() == before
    ok = call(signed_in(applicant), "post", f"/mine/{case.public_id}/correct", {"form_data": dict(GOOD_FORM)})
    assert ok.status_code == 200
    before = snapshot()
    assert_error(call(signed_in(applicant), "post", f"/mine/{case.public_id}/correct", {}), 409)
    assert snapshot() == before
