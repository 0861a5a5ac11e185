"""办件进度查询 (public, by number and the last 6 ID characters) and the applicant's timeline."""

from __future__ import annotations

import pytest

from tests.cases.conftest import at, member
from tests.cases.helpers import accepted, submit, with_form
from zwfw.cases import selectors, services
from zwfw.cases.states import CaseStatus
from zwfw.core.errors import NotFound
from zwfw.identity.models import StaffRole

pytestmark = pytest.mark.django_db


def test_the_progress_query_shows_every_public_step_and_a_masked_name(applicant, item, staff):
    with_form(item)
    case = submit(applicant, item)
    services.request_corrections(actor=staff["clerk"].user, case=case, now=at("2026-02-13", 11),
                                 items=[{"material": "租赁合同", "reason": "缺少签字"}])
    services.correct(actor=applicant.user, case=case, now=at("2026-02-14"))
    services.accept(actor=staff["clerk"].user, case=case, now=at("2026-02-24"))
    services.add_comment(actor=staff["clerk"].user, case=case, text="内部：注意核查")
    services.decide(actor=staff["approver"].user, case=case, approve=True, now=at("2026-02-25"))
    progress = selectors.progress_of(number=case.number.lower(), id_tail=applicant.document_number[-6:].lower())
    assert progress.number == case.number
    assert progress.applicant != applicant.name
    assert progress.applicant.startswith(applicant.name[0])
    assert [s.label for s in progress.steps] == ["提交申请", "一次性告知补正", "补正材料", "受理", "作出审批决定"]
    assert all(s.note == "" for s in progress.steps)  # notes may hold personal data
    assert (progress.status, progress.status_label) == ("approved", CaseStatus.APPROVED.label)


@pytest.mark.parametrize("kind", ["wrong tail", "unknown number", "malformed", "not text"])
def test_a_wrong_query_answers_the_same_not_found(applicant, item, kind):
    case = submit(applicant, with_form(item))
    number, tail = case.number, applicant.document_number[-6:]
    if kind == "wrong tail":
        tail = "000000" if tail != "000000" else "111111"
    elif kind == "unknown number":
        number = case.number[:-8] + "99999999"
    elif kind == "malformed":
        number = "' OR 1=1 --"
    else:
        number, tail = None, 123456
    with pytest.raises(NotFound) as exc:
        selectors.progress_of(number=number, id_tail=tail)
    assert (exc.value.code, exc.value.message) == ("CASE_PROGRESS_NOT_FOUND", "未找到办件，请核对办件编号和证件号码后6位")


def test_the_applicants_timeline_hides_internal_events_but_staff_see_them(applicant, item, department, staff):
    case = accepted(applicant, with_form(item), staff)
    services.stop_clock(actor=staff["approver"].user, case=case, procedure="expert_review", reason="组织专家评审",
                        now=at("2026-02-16"))
    public = selectors.timeline_of(case)
    assert [e.label for e in public] == ["提交申请", "受理", "暂停计时"]
    assert "专家评审" in public[-1].note
    step = case.steps.get(status="active")
    services.resume_clock(actor=staff["approver"].user, case=case, now=at("2026-02-17"))
    services.reassign(actor=staff["head"].user, case=case, step=step,
                      to_user=member(department, StaffRole.APPROVER).user)
    assert "改派" not in [e.label for e in selectors.timeline_of(case)]
    assert "改派" in [e.label for e in selectors.timeline_of(case, public=False)]


def test_the_status_read_is_for_whom_the_case_is_visible(applicant, stranger, item, enterprise, staff):
    own = submit(applicant, with_form(item))
    row = selectors.case_status_of(user=applicant.user, public_id=str(own.public_id))
    assert (row.number, row.status, row.item_name) == (own.number, "submitted", item.name)
    assert row.status_label == CaseStatus.SUBMITTED.label
    for who, public_id in ((stranger.user, own.public_id), (applicant.user, "not-a-uuid"), (applicant.user, None),
                           (staff["clerk"].user, own.public_id)):  # staff read cases in the workbench
        with pytest.raises(NotFound):
            selectors.case_status_of(user=who, public_id=public_id)
    # an enterprise's case: its legal representative sees it, the agent who filed it too
    representative = enterprise.legal_representative
    filed = services.submit(actor=representative.user, item=item, form_data={"shop_name": "张记小吃", "area": 35},
                            idempotency_key="e1", enterprise=enterprise)
    assert selectors.case_status_of(user=representative.user, public_id=filed.public_id).number == filed.number
    with pytest.raises(NotFound):
        selectors.case_status_of(user=applicant.user, public_id=filed.public_id)
