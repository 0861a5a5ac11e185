"""The demo 办件 (zwfw.demo.cases): forms and steps of the demo items, cases in every state, once."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.auth import get_user_model

from zwfw.cases import selectors, services
from zwfw.cases.models import (
    Case,
    CaseDocument,
    CaseEvent,
    CaseMaterial,
    CaseStep,
    ClockEntry,
    CorrectionNotice,
    Decision,
    ItemForm,
    ItemStep,
)
from zwfw.cases.states import CaseStatus
from zwfw.demo.accounts import ensure_demo_accounts
from zwfw.demo.cases import CANBU, FORMS, HZCL, seed_cases_demo
from zwfw.demo.identity import seed_identity_demo
from zwfw.demo.seed import seed_demo

pytestmark = pytest.mark.django_db

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
# A Wednesday in June: every deadline of the demo falls inside the loaded holiday calendar (2025-2026).
SEEDED_AT = dt.datetime(2026, 6, 10, 14, 0, tzinfo=SHANGHAI)


def _rows() -> dict[str, list]:
    return {
        "cases": sorted(Case.objects.values_list(
            "pk", "number", "status", "form_data", "received_on", "accepted_on", "promised_due_on",
            "legal_due_on", "clock_stopped", "extended_days", "deemed_accepted", "updated_at",
        )),
        "steps": sorted(CaseStep.objects.values_list("pk", "case_id", "stage", "kind", "status", "opinion")),
        "clock": sorted(ClockEntry.objects.values_list("pk", "case_id", "seq", "kind", "on")),
        "events": sorted(CaseEvent.objects.values_list("pk", "action")),
        "materials": sorted(CaseMaterial.objects.values_list("pk", "case_id", "kind", "sha256")),
        "notices": sorted(CorrectionNotice.objects.values_list("pk", "case_id")),
        "decisions": sorted(Decision.objects.values_list("pk", "case_id", "outcome")),
        "documents": sorted(CaseDocument.objects.values_list("pk", "case_id", "kind")),
        "forms": sorted(ItemForm.objects.values_list("pk", "item_id", "schema", "layout")),
        "item_steps": sorted(ItemStep.objects.values_list("pk", "item_id", "stage", "kind", "department_id", "role")),
    }


@pytest.fixture
def seeded(settings, tmp_path):
    # given the demo catalogue, accounts and people (a fast hasher: passwords are not under test here)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    with time_machine.travel(SEEDED_AT):
        seed_demo()
        ensure_demo_accounts()
        seed_identity_demo()
        first = seed_cases_demo()
        rows = _rows()
        second = seed_cases_demo()
        yield first, second, rows


def test_seed_cases_demo_once(seeded):
    # (one test: seeding the demo catalogue is the slow part)
    first, second, rows = seeded
    # then seeding twice gives the same rows
    assert first["forms"] == len(FORMS)
    assert first["cases"] == len({c.public_id for c in Case.objects.all()}) == 21
    assert first["skipped"] == 0
    assert second == {"forms": 0, "steps": 0, "cases": 0, "skipped": 0}
    assert _rows() == rows
    _every_state_and_the_clock_situations_are_there()
    _the_demo_staff_have_work()


def _every_state_and_the_clock_situations_are_there():
    assert set(Case.objects.values_list("status", flat=True)) == set(CaseStatus.values)
    today = SEEDED_AT.date()
    running = {c.number: services.clock_of(c, today=today)
               for c in Case.objects.filter(status__in=["accepted", "in_review"])}
    colours = {state.colour for state in running.values() if state.running}
    assert colours == {"green", "yellow", "red"}
    stopped = Case.objects.get(clock_stopped=True)
    assert stopped.clock_entries.last().procedure == "expert_review"
    assert Case.objects.filter(extended_days=10, status="in_review").count() == 1
    deemed = Case.objects.get(deemed_accepted=True)
    assert deemed.accepted_on == deemed.received_on
    # 联办: the 民政 audit is done, the 残联 one waits
    joint = CaseStep.objects.filter(case__item__code=CANBU, stage=2, case__clock_stopped=False)
    assert sorted(joint.values_list("department__credit_code", "status")) == sorted(
        [("11330100K33010040X", "approved"), (HZCL, "active")]
    )
    # 即办件: only the decision was taken, the rest skipped
    immediate = Case.objects.get(item__handling_type="immediate", status="completed")
    assert sorted(immediate.steps.values_list("kind", "status")) == [("decision", "approved"), ("review", "skipped")]
    # without the demo licences (not seeded here) every material is an upload
    assert CaseMaterial.objects.filter(kind="upload").count() > 30
    # forms pre-fill from the verified identity
    submitted = Case.objects.get(status="submitted", item__name="临时救助")
    assert submitted.form_data["applicant_name"] == submitted.applicant.name == "张晓明"


def _the_demo_staff_have_work():
    users = get_user_model().objects
    with time_machine.travel(SEEDED_AT):
        queue = selectors.queue_for_staff(users.get(username="window"))
        assert [c.status for c in queue] == ["submitted"]
        assert selectors.queue_for_staff(users.get(username="approver")).filter(status="accepted").exists()
        assert selectors.queue_for_staff(users.get(username="deptadmin")).count() >= 3
        overdue = list(selectors.overdue_cases(users.get(username="supervisor")))
    assert [(c.item.name, c.applicant.name) for c in overdue] == [("临时救助", "李华")]
    assert not selectors.overdue_cases(users.get(username="window")).exists()
