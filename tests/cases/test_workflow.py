"""Pre-review (一窗), approval steps, the decision, the clock ledger, 办结 and withdrawal."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.cases.conftest import at, member, snapshot
from tests.cases.helpers import accepted, submit
from tests.catalog.factories import DepartmentFactory, ImplementationItemFactory
from zwfw.cases import services
from zwfw.cases.models import Case, CaseStep, ClockEntry, CorrectionNotice, Decision, ItemStep
from zwfw.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from zwfw.core.models import AuditEntry
from zwfw.identity.models import StaffRole

pytestmark = pytest.mark.django_db

D = dt.date.fromisoformat


def fresh(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


# --- pre-review ------------------------------------------------------------------------------------


def test_accept_starts_the_clock_and_the_first_step(applicant, item, staff):
    case = accepted(applicant, item, staff)
    assert case.status == "accepted"
    assert case.accepted_on == D("2026-02-13")
    # promised 5 working days across the Spring Festival: 02-14 (Sat) … 02-24, 25, 26, 27
    assert case.promised_due_on == D("2026-02-27")
    # legal 20 working days: 02-14, 02-24..02-27 (5), 02-28 (Sat, 6), 03-02..03-06 (11), 03-09..13 (16), 03-16..19
    assert case.legal_due_on == D("2026-03-19")
    ledger = list(ClockEntry.objects.filter(case=case).values_list("seq", "kind", "on"))
    assert ledger == [(1, "start", D("2026-02-13"))]
    steps = list(case.steps.values_list("kind", "status", "department_id", "role"))
    assert steps == [("decision", "active", item.department_id, "approver")]
    assert AuditEntry.objects.filter(action="cases.accept", object_id=str(case.pk)).count() == 1


def test_corrections_list_everything_at_once_and_the_applicant_corrects(applicant, item, staff):
    case = submit(applicant, item)
    before = snapshot()
    for bad in ([], None, [{"material": "身份证", "reason": ""}], ["身份证"]):
        with pytest.raises(ValidationFailed):
            services.request_corrections(actor=staff["clerk"].user, case=case, items=bad)
    assert snapshot() == before
    notice = services.request_corrections(
        actor=staff["clerk"].user, case=case, now=at("2026-02-24"),
        items=[{"material": "身份证复印件", "reason": "模糊不清"}, {"material": "场所证明", "reason": "缺少"}],
    )
    assert [i["material"] for i in notice.items] == ["身份证复印件", "场所证明"]
    assert fresh(case).status == "corrections_requested"
    with pytest.raises(Conflict):
        services.accept(actor=staff["clerk"].user, case=case)
    corrected = services.correct(actor=applicant.user, case=case, form_data={"shop_name": "张记小吃", "area": 40},
                                 now=at("2026-02-26"))
    assert corrected.status == "submitted"
    assert corrected.received_on == D("2026-02-26")  # the pre-review period starts again
    assert CorrectionNotice.objects.get(pk=notice.pk).corrected_at == at("2026-02-26")
    with pytest.raises(Conflict):
        services.correct(actor=applicant.user, case=case)


def test_refusal_needs_a_reason(applicant, item, staff):
    case = submit(applicant, item)
    before = snapshot()
    with pytest.raises(ValidationFailed) as exc:
        services.refuse(actor=staff["clerk"].user, case=case, reason="  ")
    assert exc.value.code == "CASE_REASON_REQUIRED"
    assert snapshot() == before
    refused = services.refuse(actor=staff["clerk"].user, case=case, reason="不属于本部门职权范围")
    assert (refused.status, refused.refusal_reason) == ("refused", "不属于本部门职权范围")
    with pytest.raises(Conflict):
        services.accept(actor=staff["clerk"].user, case=case)


def test_accepting_twice_is_a_conflict(applicant, item, staff):
    case = accepted(applicant, item, staff)
    before = snapshot()
    with pytest.raises(Conflict) as exc:
        services.accept(actor=staff["clerk"].user, case=case)
    assert exc.value.code == "CASE_TRANSITION_NOT_ALLOWED"
    assert snapshot() == before


def test_deemed_acceptance_after_five_working_days_without_notice(applicant, item, staff):
    case = submit(applicant, item, when="2026-02-13")
    assert services.deem_accepted_overdue(now=at("2026-02-27", 23)) == []  # the 5th working day
    assert fresh(case).status == "submitted"
    done = services.deem_accepted_overdue(now=at("2026-02-28", 1))
    assert [c.pk for c in done] == [case.pk]
    case = fresh(case)
    assert (case.status, case.deemed_accepted, case.accepted_on) == ("accepted", True, D("2026-02-13"))
    assert case.promised_due_on == D("2026-02-27")  # counted from receipt: already due
    entry = AuditEntry.objects.get(action="cases.deem_accepted", object_id=str(case.pk))
    assert entry.actor == "system:deemed-acceptance"
    assert services.deem_accepted_overdue(now=at("2026-03-02")) == []  # idempotent


def test_a_correction_notice_in_time_prevents_deemed_acceptance(applicant, item, staff):
    case = submit(applicant, item, when="2026-02-13")
    services.request_corrections(actor=staff["clerk"].user, case=case, items=[{"material": "照片", "reason": "缺少"}],
                                 now=at("2026-02-24"))
    assert services.deem_accepted_overdue(now=at("2026-03-10")) == []
    services.correct(actor=applicant.user, case=case, now=at("2026-03-02"))
    assert services.deem_accepted_overdue(now=at("2026-03-09")) == []  # 03-02 + 5 working days = 03-09
    assert [c.pk for c in services.deem_accepted_overdue(now=at("2026-03-10"))] == [case.pk]
    assert fresh(case).accepted_on == D("2026-03-02")


def test_deemed_acceptance_management_command(applicant, item, time_machine):
    from django.core.management import call_command

    case = submit(applicant, item, when="2026-02-13")
    time_machine.move_to(at("2026-03-02"))
    call_command("deem_accepted_cases")
    assert fresh(case).status == "accepted"


# --- steps and decisions ------------------------------------------------------------------------------


@pytest.fixture
def joint_item(department, other_department):
    """审查 in two departments in parallel (联办), then 审核 and 决定 in the lead department."""
    item = ImplementationItemFactory(department=department, region_code="330100", legal_limit_days=20,
                                     promised_limit_days=10)
    ItemStep.objects.create(item=item, stage=1, kind="review", department=department, role=StaffRole.APPROVER)
    ItemStep.objects.create(item=item, stage=1, kind="review", department=other_department, role=StaffRole.APPROVER)
    ItemStep.objects.create(item=item, stage=2, kind="audit", department=department, role=StaffRole.DEPARTMENT_ADMIN)
    ItemStep.objects.create(item=item, stage=3, kind="decision", department=department, role=StaffRole.DEPARTMENT_ADMIN)
    return item


def steps_of(case):
    return {(s.stage, s.department_id): s for s in CaseStep.objects.filter(case=case)}


def test_joint_handling_runs_parallel_steps_then_in_order(applicant, joint_item, staff, department, other_department):
    case = accepted(applicant, joint_item, staff)
    steps = steps_of(case)
    assert [s.status for s in CaseStep.objects.filter(case=case).order_by("stage", "id")] == [
        "active", "active", "waiting", "waiting"
    ]
    audit_step = steps[(2, department.pk)]
    before = snapshot()
    with pytest.raises(Conflict) as exc:  # out of order
        services.approve_step(actor=staff["head"].user, step=audit_step)
    assert exc.value.code == "CASE_STEP_NOT_ACTIVE"
    with pytest.raises(Conflict):
        services.decide(actor=staff["head"].user, case=case, approve=True)
    with pytest.raises(PermissionDenied):  # the other department's review is not ours
        services.approve_step(actor=staff["approver"].user, step=steps[(1, other_department.pk)])
    assert snapshot() == before

    services.approve_step(actor=staff["approver"].user, step=steps[(1, department.pk)], opinion="材料齐全")
    assert fresh(case).status == "in_review"
    assert CaseStep.objects.get(pk=audit_step.pk).status == "waiting"  # the other review is still open
    services.refuse_step(actor=staff["other_approver"].user, step=steps[(1, other_department.pk)],
                         reason="消防条件存疑")
    assert CaseStep.objects.get(pk=audit_step.pk).status == "active"
    services.approve_step(actor=staff["head"].user, step=audit_step)
    decision = services.decide(actor=staff["head"].user, case=case, approve=True, now=at("2026-03-02"))
    assert decision.outcome == "approve"
    assert fresh(case).status == "approved"
    assert CaseStep.objects.get(pk=steps[(1, other_department.pk)].pk).opinion == "消防条件存疑"


def test_decision_before_acceptance_is_refused(applicant, item, staff):
    case = submit(applicant, item)
    before = snapshot()
    with pytest.raises(Conflict) as exc:
        services.decide(actor=staff["approver"].user, case=case, approve=True)
    assert exc.value.code == "CASE_NOT_ACCEPTED"
    assert snapshot() == before


def test_a_second_decision_is_refused(applicant, item, staff):
    case = accepted(applicant, item, staff)
    services.decide(actor=staff["approver"].user, case=case, approve=False, reason="不符合条件")
    assert fresh(case).status == "disapproved"
    before = snapshot()
    with pytest.raises(Conflict) as exc:
        services.decide(actor=staff["approver"].user, case=case, approve=True)
    assert exc.value.code == "CASE_ALREADY_DECIDED"
    assert snapshot() == before
    assert Decision.objects.get(case=case).reason == "不符合条件"


def test_refusal_decision_needs_a_reason(applicant, item, staff):
    case = accepted(applicant, item, staff)
    before = snapshot()
    with pytest.raises(ValidationFailed):
        services.decide(actor=staff["approver"].user, case=case, approve=False)
    assert snapshot() == before


def test_immediate_items_skip_review_steps(applicant, department, staff):
    item = ImplementationItemFactory(department=department, region_code="330100", handling_type="immediate",
                                     legal_limit_days=0, promised_limit_days=0)
    ItemStep.objects.create(item=item, stage=1, kind="review", department=department, role=StaffRole.APPROVER)
    ItemStep.objects.create(item=item, stage=2, kind="decision", department=department, role=StaffRole.APPROVER)
    case = accepted(applicant, item, staff)
    assert list(case.steps.order_by("stage").values_list("kind", "status")) == [
        ("review", "skipped"), ("decision", "active")
    ]
    assert case.promised_due_on == D("2026-02-13")
    services.decide(actor=staff["approver"].user, case=case, approve=True)
    assert fresh(case).status == "approved"


def test_complete_records_the_delivery_choice(applicant, item, staff):
    case = accepted(applicant, item, staff)
    with pytest.raises(Conflict):
        services.complete(actor=staff["clerk"].user, case=case, delivery_method="window")
    services.decide(actor=staff["approver"].user, case=case, approve=True)
    before = snapshot()
    with pytest.raises(ValidationFailed):
        services.complete(actor=staff["clerk"].user, case=case, delivery_method="express")
    with pytest.raises(ValidationFailed):
        services.complete(actor=staff["clerk"].user, case=case, delivery_method="pigeon")
    assert snapshot() == before
    done = services.complete(actor=staff["clerk"].user, case=case, delivery_method="express",
                             address="杭州市西湖区文三路1号")
    assert (done.status, done.delivery_method, done.delivery_address) == ("completed", "express", "杭州市西湖区文三路1号")


def test_withdrawal_only_before_a_decision(applicant, stranger, item, staff):
    case = accepted(applicant, item, staff)
    with pytest.raises(NotFound):
        services.withdraw(actor=stranger.user, case=case)
    withdrawn = services.withdraw(actor=applicant.user, case=case, reason="不再需要")
    assert withdrawn.status == "withdrawn"
    assert set(case.steps.values_list("status", flat=True)) == {"skipped"}
    decided = accepted(applicant, item, staff, key="key-2")
    services.decide(actor=staff["approver"].user, case=decided, approve=True)
    before = snapshot()
    with pytest.raises(Conflict):
        services.withdraw(actor=applicant.user, case=decided)
    assert snapshot() == before


# --- the clock ---------------------------------------------------------------------------------------


def test_stop_resume_and_extension_are_written_in_the_ledger(applicant, item, staff):
    case = accepted(applicant, item, staff)  # 2026-02-13, promised 5 → 02-27
    services.stop_clock(actor=staff["approver"].user, case=case, procedure="testing", reason="送检",
                        now=at("2026-02-24"))
    case = fresh(case)
    assert (case.clock_stopped, case.promised_due_on) == (True, None)
    with pytest.raises(Conflict):
        services.stop_clock(actor=staff["approver"].user, case=case, procedure="hearing", reason="听证")
    with pytest.raises(Conflict):
        services.decide(actor=staff["approver"].user, case=case, approve=True)
    services.resume_clock(actor=staff["approver"].user, case=case, now=at("2026-02-26"))
    case = fresh(case)
    assert case.promised_due_on == D("2026-03-02")  # 02-25 and 02-26 not counted
    with pytest.raises(Conflict):
        services.resume_clock(actor=staff["approver"].user, case=case)
    before = snapshot()
    for days in (0, 11, "3", True):
        with pytest.raises(ValidationFailed):
            services.extend_limit(actor=staff["head"].user, case=case, days=days, reason="情况复杂")
    with pytest.raises(PermissionDenied):  # only the head approves an extension
        services.extend_limit(actor=staff["approver"].user, case=case, days=3, reason="情况复杂")
    assert snapshot() == before
    services.extend_limit(actor=staff["head"].user, case=case, days=3, reason="情况复杂", now=at("2026-02-27"))
    case = fresh(case)
    assert case.promised_due_on == D("2026-03-05")
    assert case.extended_days == 3
    with pytest.raises(Conflict) as exc:
        services.extend_limit(actor=staff["head"].user, case=case, days=1, reason="再延")
    assert exc.value.code == "CASE_ALREADY_EXTENDED"
    ledger = list(ClockEntry.objects.filter(case=case).values_list("seq", "kind", "on", "procedure", "days"))
    assert ledger == [
        (1, "start", D("2026-02-13"), "", 0),
        (2, "stop", D("2026-02-24"), "testing", 0),
        (3, "resume", D("2026-02-26"), "", 0),
        (4, "extend", D("2026-02-27"), "", 3),
    ]
    state = services.clock_of(case, today=D("2026-03-04"))
    assert (state.used_days, state.colour) == (7, "yellow")  # 9 working days since 02-13, 2 stopped
    assert services.clock_of(case, today=D("2026-03-06")).colour == "red"


def test_clock_changes_need_an_accepted_undecided_case(applicant, item, staff):
    case = submit(applicant, item)
    with pytest.raises(Conflict):
        services.stop_clock(actor=staff["approver"].user, case=case, procedure="hearing", reason="听证")
    with pytest.raises(Conflict):
        services.clock_of(case)
    case = accepted(applicant, item, staff, key="k2")
    with pytest.raises(ValidationFailed):
        services.stop_clock(actor=staff["approver"].user, case=case, procedure="lunch", reason="午休")


# --- one department cannot act on another's cases --------------------------------------------------------


def _calls(case, step, staff_key):
    return {
        "request_corrections": lambda u: services.request_corrections(
            actor=u, case=case, items=[{"material": "a", "reason": "b"}]),
        "accept": lambda u: services.accept(actor=u, case=case),
        "refuse": lambda u: services.refuse(actor=u, case=case, reason="r"),
        "approve_step": lambda u: services.approve_step(actor=u, step=step),
        "refuse_step": lambda u: services.refuse_step(actor=u, step=step, reason="r"),
        "decide": lambda u: services.decide(actor=u, case=case, approve=True),
        "stop_clock": lambda u: services.stop_clock(actor=u, case=case, procedure="hearing", reason="r"),
        "extend_limit": lambda u: services.extend_limit(actor=u, case=case, days=2, reason="r"),
        "complete": lambda u: services.complete(actor=u, case=case, delivery_method="window"),
    }


@pytest.mark.parametrize(
    ("service", "phase"),
    [
        ("request_corrections", "submitted"),
        ("accept", "submitted"),
        ("refuse", "submitted"),
        ("approve_step", "review"),
        ("refuse_step", "review"),
        ("decide", "accepted"),
        ("stop_clock", "accepted"),
        ("extend_limit", "accepted"),
        ("complete", "decided"),
    ],
)
def test_staff_of_another_department_cannot_act(applicant, department, staff, service, phase):
    item = ImplementationItemFactory(department=department, region_code="330100", legal_limit_days=20,
                                     promised_limit_days=5)
    if phase == "review":
        ItemStep.objects.create(item=item, stage=1, kind="review", department=department, role=StaffRole.APPROVER)
    case = submit(applicant, item) if phase == "submitted" else accepted(applicant, item, staff)
    if phase == "decided":
        services.decide(actor=staff["approver"].user, case=case, approve=True)
    step = CaseStep.objects.filter(case=case, status="active").first()
    call = _calls(case, step, service)[service]
    before = snapshot()
    outsiders = [staff["other_clerk"], staff["other_approver"], staff["other_head"], staff["supervisor"]]
    outsiders.append(member(DepartmentFactory(), StaffRole.WINDOW_CLERK, StaffRole.APPROVER,
                            StaffRole.DEPARTMENT_ADMIN))
    for outsider in outsiders:
        with pytest.raises(PermissionDenied):
            call(outsider.user)
    with pytest.raises(PermissionDenied):
        call(applicant.user)
    assert snapshot() == before
