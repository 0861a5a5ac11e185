"""The 办件 JSON API: every operation in a table, each tested for who may call it; the flows of an
applicant and of staff; bad input is a 4xx with the error shape and changes nothing."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.cases.conftest import at, grant, member, snapshot
from tests.cases.helpers import GOOD_FORM, png_bytes, submit, with_form
from tests.cases.test_bundles import GOOD as BUNDLE_FORM
from tests.cases.test_bundles import newborn  # noqa: F401  (fixture)
from tests.catalog.factories import MaterialFactory
from tests.identity.oidc_helpers import make_client, tokens_for
from zwfw.api import api as ninja_api
from zwfw.cases import services
from zwfw.cases.models import BundleApplication, Case, CaseComment
from zwfw.core import audit
from zwfw.core.errors import PermissionDenied
from zwfw.core.masking import mask_resident_id
from zwfw.core.models import AuditEntry
from zwfw.identity.models import StaffRole

pytestmark = pytest.mark.django_db
API = "/api/v1/cases"

PUBLIC = {("post", "/progress"), ("get", "/events"), ("get", "/events/{code}/form")}
APPLICANT = {
    ("get", "/items/{item_id}/form"), ("post", "/drafts"), ("put", "/drafts/{public_id}"), ("post", "/submissions"),
    ("get", "/mine"), ("get", "/mine/{public_id}"), ("get", "/mine/{public_id}/status"),
    ("post", "/mine/{public_id}/materials"),
    ("delete", "/mine/{public_id}/materials/{material_id}"), ("get", "/mine/{public_id}/materials/{material_id}/file"),
    ("get", "/mine/{public_id}/documents/{document_id}"), ("post", "/mine/{public_id}/correct"),
    ("post", "/mine/{public_id}/withdraw"), ("post", "/mine/{public_id}/confirm"),
    ("post", "/events/{code}/submissions"), ("get", "/bundles/{public_id}"),
}
STAFF = {
    ("get", "/queue"), ("get", "/cases"), ("get", "/overdue"), ("post", "/cases/batch/accept"),
    ("get", "/cases/{public_id}"), ("get", "/cases/{public_id}/materials/{material_id}/file"),
    ("get", "/cases/{public_id}/documents/{document_id}"), ("post", "/cases/{public_id}/accept"),
    ("post", "/cases/{public_id}/refuse"), ("post", "/cases/{public_id}/corrections"),
    ("post", "/cases/{public_id}/clock/stop"), ("post", "/cases/{public_id}/clock/resume"),
    ("post", "/cases/{public_id}/extend"), ("post", "/cases/{public_id}/decide"),
    ("post", "/cases/{public_id}/complete"), ("post", "/cases/{public_id}/comments"),
    ("post", "/cases/{public_id}/reassign"), ("post", "/steps/{step_id}/approve"), ("post", "/steps/{step_id}/refuse"),
    ("post", "/entries"),
}
# staff operations on one case: another department's staff get 404 and change nothing
ON_A_CASE = sorted(op for op in STAFF if "{public_id}" in op[1] or "{step_id}" in op[1])
# a body every staff operation accepts, so that the check reached is the caller's, not the body's
FULL = {"reason": "x", "items": [{"material": "a", "reason": "b"}], "procedure": "testing", "days": 3, "approve": True,
        "delivery_method": "window", "text": "x", "to_staff": "x", "opinion": "x", "item_id": 1, "document_number": "1",
        "form_data": {}, "idempotency_key": "x"}


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


def signed_in(who) -> Client:
    client = Client()
    client.force_login(getattr(who, "user", who))
    return client


def call(client: Client, method: str, path: str, body: object = None, **extra):
    if method == "get":
        return client.get(f"{API}{path}", body or {}, **extra)
    if method == "delete":
        return client.delete(f"{API}{path}", **extra)
    return getattr(client, method)(f"{API}{path}", data=json.dumps(body if body is not None else {}),
                                   content_type="application/json", **extra)


def assert_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "details"}
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["message"])
    if code:
        assert body["code"] == code
    return body


@pytest.fixture
def world(applicant, item, staff):
    with_form(item)
    case = submit(applicant, item)
    return {"case": case, "item": item}


def _path(world, path: str) -> str:
    case = world["case"]
    step = case.steps.first()
    return path.format(public_id=case.public_id, item_id=world["item"].pk, material_id=0, document_id=case.public_id,
                       code="newborn", step_id=step.pk if step else 0)


def test_the_tables_name_every_cases_operation():
    documented = {
        (method, path.removeprefix(API))
        for path, operations in ninja_api.get_openapi_schema()["paths"].items()
        if path.startswith(f"{API}/")
        for method in operations
    }
    assert documented == PUBLIC | APPLICANT | STAFF
    assert len(PUBLIC) + len(APPLICANT) + len(STAFF) == len(documented)


@pytest.mark.parametrize(("method", "path"), sorted(APPLICANT | STAFF))
def test_anonymous_callers_get_401_and_change_nothing(world, method, path):
    before = snapshot()
    assert_error(call(Client(), method, _path(world, path)), 401)
    assert snapshot() == before


@pytest.mark.parametrize(("method", "path"), ON_A_CASE)
def test_staff_of_another_department_get_404_and_change_nothing(world, staff, method, path):
    services.accept(actor=staff["clerk"].user, case=world["case"])  # steps exist
    before = snapshot()
    response = call(signed_in(staff["other_head"]), method, _path(world, path), None if method == "get" else FULL)
    assert response.status_code == 404, (path, response.content)
    assert snapshot() == before


@pytest.mark.parametrize(("method", "path"), sorted(op for op in APPLICANT if "{public_id}" in op[1]
                                                    and not op[1].startswith("/bundles")))
def test_another_applicant_gets_404_and_changes_nothing(world, stranger, method, path):
    before = snapshot()
    if path.endswith("/materials"):  # multipart
        response = signed_in(stranger).post(f"{API}{_path(world, path)}", {"file": SimpleUploadedFile("a.png", png_bytes())})
    else:
        response = call(signed_in(stranger), method, _path(world, path), {"form_data": {}, "idempotency_key": "x"})
    assert response.status_code == 404, (path, response.content)
    assert snapshot() == before


@pytest.mark.parametrize(("method", "path"), sorted(STAFF))
def test_applicants_cannot_use_the_staff_endpoints(world, applicant, method, path):
    before = snapshot()
    response = call(signed_in(applicant), method, _path(world, path), {**FULL, "cases": [str(world["case"].public_id)]})
    assert response.status_code in (200, 403, 404), response.content
    if response.status_code == 200:  # the overdue list is empty; batch acceptance refuses each case
        data = response.json()
        rows = data if isinstance(data, list) else data["items"]
        assert not any(row.get("ok", True) for row in rows)
    assert snapshot() == before


def test_an_applicant_drafts_uploads_submits_idempotently_and_reads_the_case(applicant, item):
    with_form(item)
    material = MaterialFactory(item=item, name="场所照片")
    client = signed_in(applicant)
    form = call(client, "get", f"/items/{item.pk}/form").json()
    assert form["prefilled"] == {"applicant_name": applicant.name}
    assert form["materials"][0]["name"] == "场所照片"
    draft = call(client, "post", "/drafts", {"item_id": item.pk, "form_data": {"shop_name": "张"}})
    assert draft.status_code == 201
    public_id = draft.json()["public_id"]
    assert call(client, "put", f"/drafts/{public_id}", {"form_data": dict(GOOD_FORM)}).status_code == 200
    # submitting without the photo names it
    missing = call(client, "post", "/submissions", {"draft": public_id, "idempotency_key": "k1"})
    assert assert_error(missing, 400, "CASE_MATERIALS_MISSING")["details"] == [{"field": "materials", "reason": "场所照片"}]
    # a wrong type is refused; a real PNG is kept
    bad = client.post(f"{API}/mine/{public_id}/materials", {"file": SimpleUploadedFile("a.png", b"MZ\x90"),
                                                               "material_id": material.pk})
    assert_error(bad, 400, "CASE_UPLOAD_TYPE")
    good = client.post(f"{API}/mine/{public_id}/materials", {"file": SimpleUploadedFile("a.png", png_bytes()),
                                                                "material_id": material.pk})
    assert good.status_code == 201
    assert good.json()["content_type"] == "image/png"
    file = client.get(f"{API}/mine/{public_id}/materials/{good.json()['id']}/file")
    assert file.status_code == 200
    assert file.content == png_bytes()
    first = call(client, "post", "/submissions", {"draft": public_id}, HTTP_IDEMPOTENCY_KEY="k1")
    assert first.status_code == 201
    assert len(first.json()["number"]) == 21
    again = call(client, "post", "/submissions", {"draft": public_id}, HTTP_IDEMPOTENCY_KEY="k1")
    assert again.status_code == 200
    assert again.json()["public_id"] == public_id
    detail = call(client, "get", f"/mine/{public_id}").json()
    assert [e["label"] for e in detail["timeline"]] == ["提交申请"]
    assert call(client, "get", "/mine").json()["total"] == 1


def test_a_direct_submission_reads_the_item_once_and_stores_the_whole_case(applicant, item):
    with_form(item)
    client = signed_in(applicant)
    with CaptureQueriesContext(connection) as queries:
        response = call(client, "post", "/submissions", {"item_id": item.pk, "form_data": GOOD_FORM},
                        HTTP_IDEMPOTENCY_KEY="direct-1")
    assert response.status_code == 201, response.content
    # the item's fields a submission needs come in one query: no deferred field is loaded later
    item_reads = [q["sql"] for q in queries.captured_queries if 'FROM "catalog_implementationitem"' in q["sql"]]
    assert len(item_reads) == 1, item_reads
    body = response.json()
    assert (body["item_name"], body["department"]) == (item.name, item.department.name)
    case = Case.objects.get(public_id=body["public_id"])
    assert (case.number, case.status, case.idempotency_key) == (body["number"], "submitted", "direct-1")
    assert (case.item_id, case.department_id, case.region_code) == (item.pk, item.department_id, item.region_code)
    assert (case.legal_limit_days, case.promised_limit_days) == (item.legal_limit_days, item.promised_limit_days)
    assert GOOD_FORM.items() <= case.form_data.items()
    assert case.submitted_at is not None
    assert [e.action for e in case.events.all()] == ["submit"]


def test_invalid_form_data_and_a_changed_replay_change_nothing(applicant, item):
    with_form(item)
    client = signed_in(applicant)
    before = snapshot()
    bad = call(client, "post", "/submissions", {"item_id": item.pk, "form_data": {**GOOD_FORM, "area": "大"},
                                                "idempotency_key": "k"})
    assert assert_error(bad, 400, "CASE_FORM_INVALID")["details"][0]["field"] == "area"
    assert_error(call(client, "post", "/submissions", {"item_id": item.pk, "form_data": "x"}), 422)
    assert_error(call(client, "post", "/submissions", {"item_id": item.pk, "form_data": GOOD_FORM}), 400,
                 "CASE_IDEMPOTENCY_KEY_INVALID")
    assert snapshot() == before
    call(client, "post", "/submissions", {"item_id": item.pk, "form_data": GOOD_FORM, "idempotency_key": "k"})
    changed = call(client, "post", "/submissions", {"item_id": item.pk, "form_data": {**GOOD_FORM, "area": 99},
                                                    "idempotency_key": "k"})
    assert_error(changed, 409, "CASE_IDEMPOTENCY_CONFLICT")
    assert Case.objects.count() == 1


def test_staff_work_a_case_from_the_queue_to_the_decision(world, staff, applicant):
    case = world["case"]
    clerk, approver = signed_in(staff["clerk"]), signed_in(staff["approver"])
    queue = call(clerk, "get", "/queue").json()
    assert [row["number"] for row in queue["items"]] == [case.number]
    assert queue["items"][0]["deadline"]["colour"] in ("green", "yellow", "red")
    # out of order: a decision before acceptance
    before = snapshot()
    assert_error(call(approver, "post", f"/cases/{case.public_id}/decide", {"approve": True}), 409)
    assert snapshot() == before
    corrections = call(clerk, "post", f"/cases/{case.public_id}/corrections",
                       {"items": [{"material": "租赁合同", "reason": "缺签字"}, {"material": "照片", "reason": "模糊"}]})
    assert corrections.status_code == 200
    assert corrections.json()["status"] == "corrections_requested"
    assert call(signed_in(applicant), "post", f"/mine/{case.public_id}/correct", {}).json()["status"] == "submitted"
    accepted = call(clerk, "post", f"/cases/{case.public_id}/accept")
    assert accepted.json()["status"] == "accepted"
    assert [d["kind"] for d in accepted.json()["documents"]] == ["correction", "acceptance"]
    assert call(clerk, "post", f"/cases/{case.public_id}/comments", {"text": "材料已核"}).status_code == 201
    assert CaseComment.objects.count() == 1
    assert "材料已核" not in json.dumps(call(signed_in(applicant), "get", f"/mine/{case.public_id}").json(),
                                     ensure_ascii=False)
    stopped = call(approver, "post", f"/cases/{case.public_id}/clock/stop", {"procedure": "expert_review",
                                                                              "reason": "专家评审"})
    assert stopped.json()["clock_stopped"] is True
    assert_error(call(approver, "post", f"/cases/{case.public_id}/decide", {"approve": True}), 409,
                 "CASE_CLOCK_STOPPED")
    call(approver, "post", f"/cases/{case.public_id}/clock/resume")
    decided = call(approver, "post", f"/cases/{case.public_id}/decide", {"approve": True})
    assert decided.json()["status"] == "approved"
    second = call(approver, "post", f"/cases/{case.public_id}/decide", {"approve": False, "reason": "再决定"})
    assert_error(second, 409, "CASE_ALREADY_DECIDED")
    done = call(clerk, "post", f"/cases/{case.public_id}/complete", {"delivery_method": "express"})
    assert_error(done, 400, "CASE_REASON_REQUIRED")
    done = call(clerk, "post", f"/cases/{case.public_id}/complete", {"delivery_method": "window"})
    assert done.json()["status"] == "completed"


def test_steps_run_in_order_and_joint_steps_in_parallel(applicant, item, department, other_department, staff):
    from zwfw.cases.models import ItemStep

    ItemStep.objects.create(item=item, stage=1, kind="review", department=department, role=StaffRole.APPROVER)
    ItemStep.objects.create(item=item, stage=1, kind="review", department=other_department, role=StaffRole.APPROVER)
    ItemStep.objects.create(item=item, stage=2, kind="decision", department=department, role=StaffRole.APPROVER)
    case = submit(applicant, with_form(item))
    services.accept(actor=staff["clerk"].user, case=case)
    steps = {s.department_id: s for s in case.steps.filter(stage=1)}
    decision = case.steps.get(stage=2)
    assert_error(call(signed_in(staff["approver"]), "post", f"/steps/{decision.pk}/approve"), 409)
    mine = call(signed_in(staff["approver"]), "post", f"/steps/{steps[department.pk].pk}/approve", {"opinion": "同意"})
    assert mine.status_code == 200
    # the other department sees its own step of the joint case, not the case's other department
    theirs = call(signed_in(staff["other_approver"]), "post", f"/steps/{steps[other_department.pk].pk}/refuse",
                  {"reason": "不符合条件"})
    assert theirs.status_code == 200
    assert case.steps.get(stage=2).status == "active"


def test_batch_acceptance_reports_each_case(applicant, item, staff):
    with_form(item)
    first, second = submit(applicant, item, key="a"), submit(applicant, item, key="b")
    services.accept(actor=staff["clerk"].user, case=second)
    results = call(signed_in(staff["clerk"]), "post", "/cases/batch/accept",
                   {"cases": [str(first.public_id), str(second.public_id), "nonsense"]}).json()
    assert [(r["ok"], r["code"]) for r in results] == [(True, ""), (False, "CASE_TRANSITION_NOT_ALLOWED"),
                                                       (False, "CASE_NOT_FOUND")]


def test_reassignment_and_window_entry(applicant, item, department, staff):
    with_form(item)
    second = member(department, StaffRole.WINDOW_CLERK)
    entered = call(signed_in(staff["clerk"]), "post", "/entries", {
        "item_id": item.pk, "document_number": applicant.document_number, "form_data": dict(GOOD_FORM)})
    assert entered.status_code == 201, entered.content
    public_id = entered.json()["public_id"]
    confirmed = call(signed_in(applicant), "post", f"/mine/{public_id}/confirm", {"idempotency_key": "c1"})
    assert confirmed.status_code == 201
    assert confirmed.json()["channel"] == "window"
    moved = call(signed_in(staff["head"]), "post", f"/cases/{public_id}/reassign", {"to_staff": str(second.public_id)})
    assert moved.status_code == 200
    assert_error(call(signed_in(staff["clerk"]), "post", f"/cases/{public_id}/accept"), 403, "CASE_ASSIGNED_TO_OTHER")
    assert call(signed_in(second), "post", f"/cases/{public_id}/accept").status_code == 200


def test_an_applicants_own_draft_is_submitted_not_confirmed(applicant, item):
    # /confirm submits what a clerk entered, as entered; the applicant's own draft goes through /submissions
    with_form(item)
    client = signed_in(applicant)
    draft = call(client, "post", "/drafts", {"item_id": item.pk, "form_data": dict(GOOD_FORM)}).json()["public_id"]
    before = snapshot()
    refused = call(client, "post", f"/mine/{draft}/confirm", {"idempotency_key": "c1"})
    assert_error(refused, 409, "CASE_NOT_AN_ENTRY")
    assert "无需确认" in refused.json()["message"]
    assert snapshot() == before
    assert Case.objects.get(public_id=draft).status == "draft"
    assert call(client, "post", "/submissions", {"draft": draft, "idempotency_key": "s1"}).status_code == 201


def test_the_progress_query_answers_the_same_404_for_a_wrong_tail(world, applicant):
    case = world["case"]
    ok = call(Client(), "post", "/progress", {"number": case.number, "id_tail": applicant.document_number[-6:]})
    assert ok.status_code == 200
    assert ok.json()["applicant"] != applicant.name
    wrong = call(Client(), "post", "/progress", {"number": case.number, "id_tail": "000000"})
    unknown = call(Client(), "post", "/progress", {"number": "3" * 21, "id_tail": applicant.document_number[-6:]})
    assert assert_error(wrong, 404)["message"] == assert_error(unknown, 404)["message"]


def test_a_bundle_through_the_api(applicant, newborn):  # noqa: F811
    client = signed_in(applicant)
    events = call(Client(), "get", "/events").json()
    assert events[0]["name"] == "新生儿出生一件事"
    form = call(Client(), "get", "/events/newborn/form").json()
    assert "baby_name" in form["shared_fields"]
    data = {"form_data": json.dumps(BUNDLE_FORM), "idempotency_key": "api-b1",
            "出生医学证明": SimpleUploadedFile("a.png", png_bytes((10, 12))),
            "新生儿照片": SimpleUploadedFile("b.png", png_bytes((12, 10)))}
    made = client.post(f"{API}/events/newborn/submissions", data)
    assert made.status_code == 201, made.content
    assert len(made.json()["cases"]) == 3
    bundle = BundleApplication.objects.get()
    assert call(client, "get", f"/bundles/{bundle.public_id}").json()["status"] == "in_progress"
    bad = client.post(f"{API}/events/newborn/submissions", {"form_data": "not json", "idempotency_key": "x"})
    assert_error(bad, 400, "CASE_FORM_INVALID")


# --- lists and details ------------------------------------------------------------------------------


def test_staff_lists_show_only_the_departments_cases_and_filter(applicant, item, staff):
    with_form(item)
    first, second = submit(applicant, item, key="a"), submit(applicant, item, key="b")
    services.accept(actor=staff["clerk"].user, case=second)
    clerk = signed_in(staff["clerk"])
    assert call(clerk, "get", "/cases").json()["total"] == 2
    accepted_only = call(clerk, "get", "/cases", {"status": "accepted"}).json()
    assert [row["number"] for row in accepted_only["items"]] == [second.number]
    assert accepted_only["items"][0]["status_label"] == "已受理"
    by_number = call(clerk, "get", "/cases", {"number": first.number.lower()}).json()
    assert [row["public_id"] for row in by_number["items"]] == [str(first.public_id)]
    assert call(clerk, "get", "/cases", {"page": 2, "page_size": 1}).json()["items"][0]["number"] == first.number
    # the clerk's queue holds what waits for pre-review; the approver's the active decision step
    assert [r["number"] for r in call(clerk, "get", "/queue").json()["items"]] == [first.number]
    assert [r["number"] for r in call(signed_in(staff["approver"]), "get", "/queue").json()["items"]] == [second.number]
    # another department sees neither, in any list
    for who in ("other_clerk", "other_approver", "other_head"):
        for path in ("/cases", "/queue"):
            assert call(signed_in(staff[who]), "get", path).json() == {"items": [], "total": 0, "page": 1,
                                                                         "page_size": 20}
    assert_error(call(clerk, "get", "/cases", {"status": "nonsense"}), 400, "CASE_STATUS_INVALID")
    assert_error(call(clerk, "get", "/cases", {"page_size": 1000}), 422, "INVALID_REQUEST")
    assert_error(call(clerk, "get", "/queue", {"page": "x"}), 422, "INVALID_REQUEST")


def test_the_queue_colours_agree_with_the_clock_of_the_services(applicant, item, staff):
    with_form(item)
    case = services.accept(actor=staff["clerk"].user, case=submit(applicant, item, key="a"), now=at("2026-02-13", 15))
    waiting = submit(applicant, item, key="b", when="2026-02-26")
    approver, clerk = signed_in(staff["approver"]), signed_in(staff["clerk"])
    for day, colour, left in (("2026-02-25", "green", 2), ("2026-02-27", "yellow", 0), ("2026-03-03", "red", 0)):
        with time_machine.travel(at(day), tick=False):
            row = call(approver, "get", "/queue").json()["items"][0]
        state = services.clock_of(case, today=dt.date.fromisoformat(day))
        assert (row["deadline"]["colour"], state.colour) == (colour, colour), day
        assert row["deadline"]["left"] == max(0, state.remaining_days) == left, day
        assert row["deadline"]["due"] == state.due_on.isoformat() == "2026-02-27"
    with time_machine.travel(at("2026-02-27"), tick=False):
        row = call(clerk, "get", "/queue").json()["items"][0]
    assert (row["number"], row["deadline"]["colour"]) == (waiting.number, "green")  # the 5-day pre-review period
    services.stop_clock(actor=staff["approver"].user, case=case, procedure="testing", reason="检测")
    row = call(approver, "get", "/queue").json()["items"][0]
    assert row["deadline"]["colour"] == "stopped"
    assert row["clock_stopped"] is True


def test_the_overdue_list_is_the_supervisors(applicant, item, staff):
    with_form(item)
    late = services.accept(actor=staff["clerk"].user, case=submit(applicant, item, key="a"), now=at("2026-02-13", 15))
    submit(applicant, item, key="b")  # not accepted: no promised date yet
    with time_machine.travel(at("2026-03-03"), tick=False):
        listed = call(signed_in(staff["supervisor"]), "get", "/overdue").json()
        assert [row["number"] for row in listed["items"]] == [late.number]
        assert listed["items"][0]["deadline"]["colour"] == "red"
        assert listed["items"][0]["applicant"] != applicant.name  # masked
        for who in ("clerk", "approver", "other_head"):
            assert call(signed_in(staff[who]), "get", "/overdue").json()["total"] == 0
        elsewhere = member(None, StaffRole.SUPERVISOR, region_code="310000")
        assert call(signed_in(elsewhere), "get", "/overdue").json()["total"] == 0
        assert_error(call(signed_in(applicant), "get", "/overdue"), 403, "CASE_STAFF_ONLY")
    with time_machine.travel(at("2026-02-25"), tick=False):
        assert call(signed_in(staff["supervisor"]), "get", "/overdue").json()["total"] == 0


def test_my_cases_are_mine_and_the_detail_tells_the_whole_story(applicant, stranger, item, staff):
    with_form(item)
    case = submit(applicant, item, key="a")
    submit(applicant, item, key="b")
    services.request_corrections(actor=staff["clerk"].user, case=case, items=[{"material": "租赁合同", "reason": "缺签字"}])
    services.correct(actor=applicant.user, case=case)
    services.accept(actor=staff["clerk"].user, case=case)
    services.decide(actor=staff["approver"].user, case=case, approve=False, reason="场所不符合卫生要求")
    services.add_comment(actor=staff["approver"].user, case=case, text="内部：现场照片存疑")
    client = signed_in(applicant)
    mine = call(client, "get", "/mine").json()
    assert mine["total"] == 2
    assert mine["items"][0]["applicant"] == "张三"  # the owner sees the name unmasked
    refused = call(client, "get", "/mine", {"status": "disapproved"}).json()
    assert [row["public_id"] for row in refused["items"]] == [str(case.public_id)]
    detail = call(client, "get", f"/mine/{case.public_id}").json()
    assert (detail["number"], detail["item_name"], detail["status"], detail["status_label"]) == (
        case.number, item.name, "disapproved", "不予许可")
    assert detail["decision"] == "refuse"
    assert detail["promised_due_on"] is not None
    assert detail["notices"][0]["items"] == [{"material": "租赁合同", "reason": "缺签字"}]
    assert detail["notices"][0]["corrected_at"] is not None
    assert [e["action"] for e in detail["timeline"]] == ["submit", "request_corrections", "correct", "accept", "decide"]
    assert "steps" not in detail
    assert "内部" not in json.dumps(detail, ensure_ascii=False)
    assert call(signed_in(stranger), "get", "/mine").json()["total"] == 0
    assert_error(call(signed_in(stranger), "get", f"/mine/{case.public_id}"), 404, "CASE_NOT_FOUND")
    assert_error(call(client, "get", "/mine/not-a-uuid"), 404, "CASE_NOT_FOUND")
    # staff see the form, the steps, the ledger and the comments
    staff_view = call(signed_in(staff["clerk"]), "get", f"/cases/{case.public_id}").json()
    assert staff_view["form_data"] == {**GOOD_FORM, "applicant_name": "张三"}
    assert [(s["kind"], s["status"]) for s in staff_view["steps"]] == [("decision", "refused")]
    assert [e["kind"] for e in staff_view["ledger"]] == ["start"]
    assert [c["text"] for c in staff_view["comments"]] == ["内部：现场照片存疑"]
    assert_error(call(signed_in(staff["other_clerk"]), "get", f"/cases/{case.public_id}"), 404, "CASE_NOT_FOUND")


def test_a_bearer_token_reaches_my_cases_but_not_the_workbench(applicant, stranger, item, staff):
    with_form(item)
    case = submit(applicant, item)
    token = tokens_for(applicant.user, make_client(), scope="openid profile")["access_token"]
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert [row["number"] for row in call(Client(), "get", "/mine", **bearer).json()["items"]] == [case.number]
    withdrawn = call(Client(), "post", f"/mine/{case.public_id}/withdraw", {"reason": "不办了"}, **bearer)
    assert withdrawn.json()["status"] == "withdrawn"
    # an app allowed only openid does not get in; staff endpoints take the signed-in session only
    narrow = tokens_for(applicant.user, make_client(name="只要登录"), scope="openid")["access_token"]
    assert_error(call(Client(), "get", "/mine", HTTP_AUTHORIZATION=f"Bearer {narrow}"), 401)
    staff_token = tokens_for(staff["clerk"].user, make_client(name="工作台"), scope="openid profile")["access_token"]
    assert_error(call(Client(), "get", "/queue", HTTP_AUTHORIZATION=f"Bearer {staff_token}"), 401)


# --- staff actions ----------------------------------------------------------------------------------


def test_refusal_needs_a_reason_and_happens_once(world, staff, applicant):
    case, clerk = world["case"], signed_in(staff["clerk"])
    before = snapshot()
    assert_error(call(clerk, "post", f"/cases/{case.public_id}/refuse", {"reason": " "}), 400, "CASE_REASON_REQUIRED")
    assert_error(call(signed_in(staff["approver"]), "post", f"/cases/{case.public_id}/refuse", {"reason": "不符"}), 403,
                 "CASE_ROLE_REQUIRED")
    assert snapshot() == before
    refused = call(clerk, "post", f"/cases/{case.public_id}/refuse", {"reason": "不属于本部门职权范围"})
    assert refused.status_code == 200
    assert (refused.json()["status"], refused.json()["status_label"]) == ("refused", "不予受理")
    assert [d["kind"] for d in refused.json()["documents"]] == ["refusal"]
    before = snapshot()
    assert_error(call(clerk, "post", f"/cases/{case.public_id}/accept"), 409, "CASE_TRANSITION_NOT_ALLOWED")
    assert_error(call(signed_in(applicant), "post", f"/mine/{case.public_id}/withdraw", {}), 409)
    assert snapshot() == before


def test_the_clock_stops_resumes_and_extends_once(world, staff):
    case = world["case"]
    case = services.accept(actor=staff["clerk"].user, case=case, now=at("2026-02-13", 15))
    approver, head = signed_in(staff["approver"]), signed_in(staff["head"])
    before = snapshot()
    assert_error(call(approver, "post", f"/cases/{case.public_id}/clock/resume"), 409, "CASE_CLOCK_NOT_STOPPED")
    assert_error(call(approver, "post", f"/cases/{case.public_id}/clock/stop", {"procedure": "lunch", "reason": "x"}),
                 400, "CASE_PROCEDURE_INVALID")
    assert_error(call(approver, "post", f"/cases/{case.public_id}/extend", {"days": 3, "reason": "复杂"}), 403,
                 "CASE_ROLE_REQUIRED")  # the department's head approves an extension
    assert_error(call(head, "post", f"/cases/{case.public_id}/extend", {"days": 11, "reason": "复杂"}), 400,
                 "CASE_EXTENSION_INVALID")
    assert_error(call(head, "post", f"/cases/{case.public_id}/extend", {"days": "3", "reason": "复杂"}), 422)
    assert_error(call(signed_in(staff["clerk"]), "post", f"/cases/{case.public_id}/clock/stop",
                      {"procedure": "testing", "reason": "检测"}), 403, "CASE_ROLE_REQUIRED")
    assert snapshot() == before
    extended = call(head, "post", f"/cases/{case.public_id}/extend", {"days": 3, "reason": "需现场核查"}).json()
    assert [(e["kind"], e["days"]) for e in extended["ledger"]] == [("start", 0), ("extend", 3)]
    assert extended["promised_due_on"] > case.promised_due_on.isoformat()
    assert_error(call(head, "post", f"/cases/{case.public_id}/extend", {"days": 1, "reason": "再延"}), 409,
                 "CASE_ALREADY_EXTENDED")
    stopped = call(approver, "post", f"/cases/{case.public_id}/clock/stop", {"procedure": "testing", "reason": "送检"})
    assert stopped.json()["clock_stopped"] is True
    assert_error(call(approver, "post", f"/cases/{case.public_id}/clock/stop", {"procedure": "testing", "reason": "x"}),
                 409, "CASE_CLOCK_ALREADY_STOPPED")
    resumed = call(approver, "post", f"/cases/{case.public_id}/clock/resume").json()
    assert [e["kind"] for e in resumed["ledger"]] == ["start", "extend", "stop", "resume"]
    assert resumed["clock_stopped"] is False


def test_an_applicant_withdraws_before_the_decision(world, applicant, staff):
    case, client = world["case"], signed_in(applicant)
    services.accept(actor=staff["clerk"].user, case=case)
    before = snapshot()
    assert_error(call(client, "post", f"/mine/{case.public_id}/withdraw", {"reason": "x" * 600}), 400)
    assert snapshot() == before
    withdrawn = call(client, "post", f"/mine/{case.public_id}/withdraw", {"reason": "不再需要"})
    assert (withdrawn.json()["status"], withdrawn.json()["status_label"]) == ("withdrawn", "已撤回")
    assert [s["status"] for s in call(signed_in(staff["clerk"]), "get", f"/cases/{case.public_id}").json()["steps"]] == [
        "skipped"]
    assert_error(call(signed_in(staff["approver"]), "post", f"/cases/{case.public_id}/decide", {"approve": True}), 409)


def test_steps_are_found_only_among_the_callers_cases_and_act_in_order(world, staff):
    case = world["case"]
    services.accept(actor=staff["clerk"].user, case=case)
    decision = case.steps.get()
    approver = signed_in(staff["approver"])
    before = snapshot()
    assert_error(call(approver, "post", "/steps/999999/approve", {}), 404, "CASE_STEP_NOT_FOUND")
    assert_error(call(approver, "post", f"/steps/{decision.pk}/approve", {}), 409, "CASE_DECISION_STEP")
    assert_error(call(signed_in(staff["clerk"]), "post", f"/steps/{decision.pk}/approve", {}), 403, "CASE_ROLE_REQUIRED")
    assert_error(call(approver, "post", f"/steps/{decision.pk}/refuse", {"reason": ""}), 400, "CASE_REASON_REQUIRED")
    assert_error(call(approver, "post", "/steps/abc/approve", {}), 422, "INVALID_REQUEST")
    assert_error(call(signed_in(staff["other_approver"]), "post", f"/steps/{decision.pk}/approve", {}), 404,
                 "CASE_STEP_NOT_FOUND")
    assert snapshot() == before


def test_batch_acceptance_keeps_each_success_and_refuses_a_batch_too_big(applicant, item, staff):
    with_form(item)
    first, second = submit(applicant, item, key="a"), submit(applicant, item, key="b")
    services.refuse(actor=staff["clerk"].user, case=second, reason="不符")
    clerk = signed_in(staff["clerk"])
    before = snapshot()
    assert_error(call(clerk, "post", "/cases/batch/accept", {"cases": [str(first.public_id)] * 101}), 422)
    assert_error(call(clerk, "post", "/cases/batch/accept", {"cases": []}), 422)
    assert_error(call(clerk, "post", "/cases/batch/accept", {"cases": ["x" * 41]}), 422)
    assert_error(call(clerk, "post", "/cases/batch/accept", {"cases": str(first.public_id)}), 422)
    other = call(signed_in(staff["other_clerk"]), "post", "/cases/batch/accept", {"cases": [str(first.public_id)]})
    assert [(r["ok"], r["code"]) for r in other.json()] == [(False, "CASE_NOT_FOUND")]
    assert_error(call(signed_in(applicant), "post", "/cases/batch/accept", {"cases": [str(first.public_id)]}), 403,
                 "CASE_STAFF_ONLY")
    assert snapshot() == before
    results = call(clerk, "post", "/cases/batch/accept", {"cases": [str(second.public_id), str(first.public_id)]}).json()
    assert [(r["case"], r["ok"], r["code"]) for r in results] == [
        (str(second.public_id), False, "CASE_TRANSITION_NOT_ALLOWED"), (str(first.public_id), True, "")]
    first.refresh_from_db()
    assert first.status == "accepted"  # the failure before it undid nothing


def test_reassignment_refuses_a_wrong_assignee_and_a_non_head(world, staff, department):
    case = world["case"]
    head, second = signed_in(staff["head"]), member(department, StaffRole.WINDOW_CLERK)
    before = snapshot()
    for body, status, code in (
        ({"to_staff": "nonsense"}, 400, "CASE_ASSIGNEE_INVALID"),
        ({"to_staff": str(staff["approver"].public_id)}, 400, "CASE_ASSIGNEE_INVALID"),  # no clerk role
        ({"to_staff": str(staff["other_clerk"].public_id)}, 400, "CASE_ASSIGNEE_INVALID"),  # another department
        ({"to_staff": str(second.public_id), "step_id": 999999}, 404, "CASE_STEP_NOT_FOUND"),
        ({"to_staff": str(second.public_id), "step_id": "x"}, 422, "INVALID_REQUEST"),
    ):
        assert_error(call(head, "post", f"/cases/{case.public_id}/reassign", body), status, code)
    assert_error(call(signed_in(staff["clerk"]), "post", f"/cases/{case.public_id}/reassign",
                      {"to_staff": str(second.public_id)}), 403, "CASE_ROLE_REQUIRED")
    assert snapshot() == before
    # a step is reassigned to an approver of the department
    services.accept(actor=staff["clerk"].user, case=case)
    other_approver = member(department, StaffRole.APPROVER)
    step = case.steps.get()
    moved = call(head, "post", f"/cases/{case.public_id}/reassign",
                 {"to_staff": str(other_approver.public_id), "step_id": step.pk})
    assert moved.status_code == 200, moved.content
    step.refresh_from_db()
    assert step.assignee == other_approver.user
    assert_error(call(signed_in(staff["approver"]), "post", f"/cases/{case.public_id}/decide", {"approve": True}), 403,
                 "CASE_ASSIGNED_TO_OTHER")


def test_comments_are_staff_only_and_bounded(world, staff, applicant):
    case = world["case"]
    before = snapshot()
    comments = CaseComment.objects.count()
    assert_error(call(signed_in(staff["clerk"]), "post", f"/cases/{case.public_id}/comments", {"text": ""}), 400)
    assert_error(call(signed_in(staff["clerk"]), "post", f"/cases/{case.public_id}/comments", {"text": "x" * 2000}),
                 422)
    assert_error(call(signed_in(staff["other_head"]), "post", f"/cases/{case.public_id}/comments", {"text": "看看"}),
                 404, "CASE_NOT_FOUND")
    assert_error(call(signed_in(applicant), "post", f"/cases/{case.public_id}/comments", {"text": "看看"}), 403,
                 "CASE_STAFF_ONLY")
    assert (snapshot(), CaseComment.objects.count()) == (before, comments)
    made = call(signed_in(staff["approver"]), "post", f"/cases/{case.public_id}/comments", {"text": "请核对面积"})
    assert made.status_code == 201
    assert [c["text"] for c in made.json()["comments"]] == ["请核对面积"]


# --- bad input --------------------------------------------------------------------------------------

# (who, path, body, status, code): a body that is not JSON, of the wrong shape or type, or too long
BAD_BODIES = [
    ("applicant", "/drafts", "{not json", 400, "INVALID_BODY"),
    ("applicant", "/drafts", [], 422, "INVALID_REQUEST"),
    ("applicant", "/drafts", {"item_id": "one", "form_data": {}}, 422, "INVALID_REQUEST"),
    ("applicant", "/drafts", {"item_id": "{item_id}", "form_data": ["a"]}, 422, "INVALID_REQUEST"),
    ("applicant", "/drafts", {"item_id": "{item_id}", "channel": "window"}, 400, "CASE_CHANNEL_INVALID"),
    ("applicant", "/drafts", {"item_id": "{item_id}", "channel": "w" * 17}, 422, "INVALID_REQUEST"),
    ("applicant", "/drafts", {"item_id": "{item_id}", "form_data": {"shop_name": "x" * 200_000}}, 400,
     "CASE_FORM_TOO_LARGE"),
    ("applicant", "/drafts", {"item_id": 999999}, 404, "CASE_ITEM_NOT_FOUND"),
    ("applicant", "/submissions", {"item_id": "{item_id}", "form_data": dict(GOOD_FORM), "idempotency_key": "k" * 82},
     422, "INVALID_REQUEST"),
    ("applicant", "/submissions", {"item_id": "{item_id}", "form_data": dict(GOOD_FORM), "idempotency_key": "k" * 81},
     400, "CASE_IDEMPOTENCY_KEY_INVALID"),
    ("applicant", "/submissions", {"item_id": "{item_id}", "form_data": {**GOOD_FORM, "area": "大"},
                                   "idempotency_key": "k"}, 400, "CASE_FORM_INVALID"),
    ("applicant", "/submissions", {"form_data": dict(GOOD_FORM), "idempotency_key": "k"}, 404, "CASE_ITEM_NOT_FOUND"),
    # an id past what the column holds, or below any, names no item (not an overflow in the driver)
    ("applicant", "/submissions", {"item_id": 2**70, "form_data": dict(GOOD_FORM), "idempotency_key": "k"}, 404,
     "CASE_ITEM_NOT_FOUND"),
    ("applicant", "/submissions", {"item_id": -5, "form_data": dict(GOOD_FORM), "idempotency_key": "k"}, 404,
     "CASE_ITEM_NOT_FOUND"),
    ("applicant", "/mine/{public_id}/correct", {"form_data": "x"}, 422, "INVALID_REQUEST"),
    ("applicant", "/mine/{public_id}/withdraw", {"reason": 5}, 422, "INVALID_REQUEST"),
    ("applicant", "/mine/{public_id}/confirm", {}, 400, "CASE_IDEMPOTENCY_KEY_INVALID"),
    ("applicant", "/mine/{public_id}/confirm", {"idempotency_key": 7}, 422, "INVALID_REQUEST"),
    ("clerk", "/cases/{public_id}/refuse", {"reason": "x" * 1002}, 422, "INVALID_REQUEST"),
    ("clerk", "/cases/{public_id}/refuse", {"reason": "x" * 600}, 400, "CASE_TEXT_INVALID"),
    ("clerk", "/cases/{public_id}/refuse", {"reason": ["不符"]}, 422, "INVALID_REQUEST"),
    ("clerk", "/cases/{public_id}/corrections", {"items": []}, 400, "CASE_CORRECTIONS_EMPTY"),
    ("clerk", "/cases/{public_id}/corrections", {"items": "材料"}, 422, "INVALID_REQUEST"),
    ("clerk", "/cases/{public_id}/corrections", {"items": [{"material": "a"}]}, 422, "INVALID_REQUEST"),
    ("clerk", "/cases/{public_id}/corrections", {"items": [{"material": "a", "reason": ""}]}, 400,
     "CASE_REASON_REQUIRED"),
    ("clerk", "/cases/{public_id}/corrections", {"items": [{"material": "a", "reason": "b"}] * 51}, 422,
     "INVALID_REQUEST"),
    ("approver", "/cases/{public_id}/decide", {}, 422, "INVALID_REQUEST"),
    ("approver", "/cases/{public_id}/decide", {"approve": "yes"}, 422, "INVALID_REQUEST"),
    ("approver", "/cases/{public_id}/decide", {"approve": 1}, 422, "INVALID_REQUEST"),
    ("approver", "/cases/{public_id}/decide", {"approve": True, "license_surface": ["x"]}, 422, "INVALID_REQUEST"),
    ("approver", "/cases/{public_id}/decide", {"approve": True}, 409, "CASE_NOT_ACCEPTED"),  # before acceptance
    ("approver", "/cases/{public_id}/clock/stop", {"procedure": "testing"}, 422, "INVALID_REQUEST"),
    ("head", "/cases/{public_id}/extend", {"days": 2.5, "reason": "x"}, 422, "INVALID_REQUEST"),
    ("head", "/cases/{public_id}/extend", {"days": True, "reason": "x"}, 422, "INVALID_REQUEST"),
    ("clerk", "/cases/{public_id}/complete", {"delivery_method": "pigeon"}, 400, "CASE_DELIVERY_INVALID"),
    ("clerk", "/cases/{public_id}/complete", {"delivery_method": "window"}, 409, "CASE_TRANSITION_NOT_ALLOWED"),
    ("clerk", "/cases/{public_id}/complete", {"delivery_method": "express", "address": "x" * 302}, 422,
     "INVALID_REQUEST"),
    ("clerk", "/entries", {"item_id": "{item_id}", "document_number": "1", "channel": "web"}, 400,
     "CASE_CHANNEL_INVALID"),
    ("clerk", "/entries", {"item_id": "{item_id}", "document_number": "x" * 41}, 422, "INVALID_REQUEST"),
    ("clerk", "/entries", {"item_id": "{item_id}"}, 400, "CASE_APPLICANT_INVALID"),
    ("clerk", "/entries", {"item_id": "{item_id}", "applicant": "nobody"}, 404, "CASE_APPLICANT_NOT_FOUND"),
]


@pytest.mark.parametrize(("who", "path", "body", "status", "code"), BAD_BODIES,
                         ids=[f"{row[1]}-{row[3]}-{row[4]}-{n}" for n, row in enumerate(BAD_BODIES)])
def test_bad_input_is_a_4xx_with_the_error_shape_and_changes_nothing(world, staff, applicant, who, path, body,
                                                                      status, code):
    client = signed_in(applicant if who == "applicant" else staff[who])
    url = f"{API}{_path(world, path)}"
    if isinstance(body, dict):
        body = json.loads(json.dumps(body).replace('"{item_id}"', str(world["item"].pk)))
    data = body if isinstance(body, str) else json.dumps(body)
    before = snapshot()
    assert_error(client.post(url, data=data, content_type="application/json"), status, code)
    assert snapshot() == before


def test_a_draft_once_submitted_is_not_edited_and_anothers_draft_is_not_submitted(applicant, stranger, item):
    with_form(item)
    client = signed_in(applicant)
    draft = call(client, "post", "/drafts", {"item_id": item.pk, "form_data": dict(GOOD_FORM)}).json()["public_id"]
    before = snapshot()
    theirs = call(signed_in(stranger), "post", "/submissions", {"draft": draft, "idempotency_key": "s"})
    assert_error(theirs, 404, "CASE_NOT_FOUND")
    assert_error(call(signed_in(stranger), "put", f"/drafts/{draft}", {"form_data": {}}), 404, "CASE_NOT_FOUND")
    assert snapshot() == before
    assert call(client, "post", "/submissions", {"draft": draft, "idempotency_key": "d1"}).status_code == 201
    before = snapshot()
    assert_error(call(client, "put", f"/drafts/{draft}", {"form_data": {}}), 409, "CASE_NOT_DRAFT")
    assert snapshot() == before


def test_the_form_for_an_enterprise_needs_the_right_to_act_for_it(applicant, stranger, item, enterprise):
    with_form(item)
    rep = enterprise.legal_representative
    form = call(signed_in(rep), "get", f"/items/{item.pk}/form", {"enterprise": enterprise.credit_code})
    assert form.status_code == 200, form.content
    assert form.json()["form_schema"]["required"] == ["applicant_name", "shop_name", "area"]
    assert_error(call(signed_in(stranger), "get", f"/items/{item.pk}/form", {"enterprise": enterprise.credit_code}),
                 403, "CASE_NOT_AUTHORISED_FOR_ENTERPRISE")
    grant(enterprise, stranger)
    assert call(signed_in(stranger), "get", f"/items/{item.pk}/form",
                {"enterprise": enterprise.credit_code.lower()}).status_code == 200
    assert_error(call(signed_in(applicant), "get", "/items/999999/form"), 404, "CASE_ITEM_NOT_FOUND")
    # an enterprise's submission appears in its representative's list, not in the submitter's own only
    made = call(signed_in(stranger), "post", "/submissions", {"item_id": item.pk, "form_data": dict(GOOD_FORM),
                                                             "idempotency_key": "e1",
                                                             "enterprise": enterprise.credit_code})
    assert made.status_code == 201, made.content
    assert made.json()["applicant"] == enterprise.name
    assert [r["public_id"] for r in call(signed_in(rep), "get", "/mine").json()["items"]] == [made.json()["public_id"]]
    assert call(signed_in(applicant), "get", "/mine").json()["total"] == 0


# --- window and hotline entry -----------------------------------------------------------------------


def test_an_entry_for_a_number_nobody_registered_is_refused_and_the_look_up_audited(item, staff, department):
    # given a window clerk who enters an application for a document number nobody registered under
    with_form(item)
    before = snapshot()
    response = call(signed_in(staff["clerk"]), "post", "/entries",
                    {"item_id": item.pk, "document_number": " 110101199003070000 ", "form_data": dict(GOOD_FORM)})
    # then the answer says so in the cases' terms, no case is written, and the look-up is audited: who,
    # for which department and channel, the number masked
    assert_error(response, 404, "CASE_APPLICANT_NOT_FOUND")
    assert response.json()["details"] == {"field": "document_number"}
    after = snapshot()
    assert after.pop("audit") == before.pop("audit") + 1
    assert after == before
    entry = AuditEntry.objects.order_by("-seq").first()
    assert (entry.actor, entry.action, entry.object_type, entry.object_id, entry.result, entry.details) == (
        f"staff:{staff['clerk'].public_id}", "cases.entry_applicant_not_found", "identity.Person", "-", "failure",
        {"department": department.credit_code, "channel": "window", "document_type": "resident_id",
         "document_number": "110***********0000"},
    )
    assert audit.verify_chain().ok is True


def test_only_an_entering_clerk_who_may_enter_the_item_looks_a_document_number_up(applicant, item, staff):
    with_form(item)
    before = snapshot()
    body = {"item_id": item.pk, "document_number": applicant.document_number}
    # roles that may not enter, a clerk of another department, an item that does not exist and a
    # hotline agent of no department: refused before any look-up, so none learns whether the number
    # is registered (the answer is the same for a registered number and for one nobody registered
    # under), and nothing is written or audited
    for number in (applicant.document_number, "110101199003070000"):
        numbered = {**body, "document_number": number}
        assert_error(call(signed_in(staff["approver"]), "post", "/entries", numbered), 403, "CASE_ROLE_REQUIRED")
        assert_error(call(signed_in(staff["hotline"]), "post", "/entries", numbered), 403, "CASE_ROLE_REQUIRED")
        assert_error(call(signed_in(staff["other_clerk"]), "post", "/entries", numbered), 403, "CASE_OTHER_DEPARTMENT")
        assert_error(call(signed_in(staff["clerk"]), "post", "/entries", {**numbered, "item_id": 2**31 - 1}), 404,
                     "CASE_ITEM_NOT_FOUND")
        assert_error(call(signed_in(staff["hotline"]), "post", "/entries", {**numbered, "channel": "hotline"}), 403,
                     "CASE_DEPARTMENT_REQUIRED")
    # nor is anything about an applicant named by id looked up for them (an enterprise they represent)
    by_id = {"item_id": item.pk, "applicant": str(applicant.public_id), "enterprise": "91330000000000000X"}
    assert_error(call(signed_in(staff["approver"]), "post", "/entries", by_id), 403, "CASE_ROLE_REQUIRED")
    assert_error(call(signed_in(staff["other_clerk"]), "post", "/entries", by_id), 403, "CASE_OTHER_DEPARTMENT")
    # the service checks the role itself too, whoever calls it
    with pytest.raises(PermissionDenied) as refused:
        services.find_entry_applicant(actor=staff["approver"].user, item=item, channel="window",
                                      document_type="resident_id", document_number=applicant.document_number)
    assert refused.value.code == "CASE_ROLE_REQUIRED"
    assert snapshot() == before


def test_a_look_up_that_finds_the_applicant_is_audited_too(applicant, item, staff, department):
    # given the clerk of the item's department, whose entry then fails: an enterprise nobody registered
    with_form(item)
    before = AuditEntry.objects.count()
    response = call(signed_in(staff["clerk"]), "post", "/entries",
                    {"item_id": item.pk, "document_number": applicant.document_number.lower(),
                     "enterprise": "91330000000000000X", "form_data": dict(GOOD_FORM)})
    assert 400 <= response.status_code < 500
    assert not Case.objects.exists()
    # then the look-up that found the applicant is kept in the audit log: who looked, whom they found
    assert AuditEntry.objects.count() == before + 1
    entry = AuditEntry.objects.order_by("-seq").first()
    assert (entry.actor, entry.action, entry.object_type, entry.object_id, entry.result, entry.details) == (
        f"staff:{staff['clerk'].public_id}", "cases.entry_applicant_found", "identity.Person",
        str(applicant.public_id), "success",
        {"department": department.credit_code, "channel": "window", "document_type": "resident_id",
         "document_number": mask_resident_id(applicant.document_number.upper())},
    )
    assert audit.verify_chain().ok is True


def test_a_look_up_by_a_malformed_document_names_the_entrys_fields(item, staff):
    with_form(item)
    before = snapshot()
    clerk = signed_in(staff["clerk"])
    response = call(clerk, "post", "/entries", {"item_id": item.pk, "document_type": "nonsense",
                                                "document_number": "110101199003070000"})
    assert_error(response, 400, "DOCUMENT_TYPE_INVALID")
    assert response.json()["details"] == {"field": "document_type"}
    assert snapshot() == before


def test_entry_by_window_or_hotline_and_the_applicants_confirmation(applicant, stranger, item, staff):
    with_form(item)
    before = snapshot()
    # only an entering role learns whether a document number is registered
    for who in ("approver", "head"):
        assert_error(call(signed_in(staff[who]), "post", "/entries",
                          {"item_id": item.pk, "document_number": "110101199003070000"}), 403, "CASE_ROLE_REQUIRED")
    assert_error(call(signed_in(staff["other_clerk"]), "post", "/entries",
                      {"item_id": item.pk, "document_number": applicant.document_number}), 403, "CASE_OTHER_DEPARTMENT")
    assert_error(call(signed_in(applicant), "post", "/entries",
                      {"item_id": item.pk, "document_number": applicant.document_number}), 403, "CASE_STAFF_ONLY")
    assert_error(call(signed_in(staff["hotline"]), "post", "/entries",
                      {"item_id": item.pk, "applicant": str(applicant.public_id)}), 403, "CASE_ROLE_REQUIRED")
    assert snapshot() == before
    by_phone = call(signed_in(staff["hotline"]), "post", "/entries", {
        "item_id": item.pk, "applicant": str(applicant.public_id), "channel": "hotline", "form_data": dict(GOOD_FORM)})
    assert by_phone.status_code == 201, by_phone.content
    public_id = by_phone.json()["public_id"]
    assert (by_phone.json()["status"], by_phone.json()["channel"], by_phone.json()["number"]) == ("draft", "hotline", None)
    # an entry waits for its applicant: nobody else confirms it, the clerk's lists do not show it
    assert_error(call(signed_in(stranger), "post", f"/mine/{public_id}/confirm", {"idempotency_key": "c"}), 404,
                 "CASE_NOT_FOUND")
    assert call(signed_in(staff["clerk"]), "get", "/cases").json()["total"] == 0
    client = signed_in(applicant)
    first = call(client, "post", f"/mine/{public_id}/confirm", {}, HTTP_IDEMPOTENCY_KEY="c1")
    assert first.status_code == 201
    assert first.json()["status"] == "submitted"
    again = call(client, "post", f"/mine/{public_id}/confirm", {"idempotency_key": "c1"})
    assert (again.status_code, again.json()["number"]) == (200, first.json()["number"])
    assert [e["action"] for e in call(client, "get", f"/mine/{public_id}").json()["timeline"]] == ["submit"]
    assert call(signed_in(staff["clerk"]), "get", "/queue").json()["items"][0]["public_id"] == public_id


def test_a_window_entry_for_an_enterprise(item, enterprise, staff, stranger):
    with_form(item)
    rep = enterprise.legal_representative
    body = {"item_id": item.pk, "document_number": rep.document_number, "enterprise": enterprise.credit_code,
            "form_data": dict(GOOD_FORM)}
    made = call(signed_in(staff["clerk"]), "post", "/entries", body)
    assert made.status_code == 201, made.content
    assert made.json()["applicant"] == enterprise.name
    before = snapshot()
    stranger_for_it = {**body, "document_number": stranger.document_number}
    assert_error(call(signed_in(staff["clerk"]), "post", "/entries", stranger_for_it), 403,
                 "CASE_NOT_AUTHORISED_FOR_ENTERPRISE")
    after = snapshot()  # nothing but the audited look-up that found the stranger
    assert after.pop("audit") == before.pop("audit") + 1
    assert after == before


def test_the_status_read_answers_the_state_in_one_query(applicant, stranger, item, django_assert_max_num_queries):
    case = submit(applicant, with_form(item))
    client = signed_in(applicant)
    call(client, "get", f"/mine/{case.public_id}/status")  # the session is warm
    with django_assert_max_num_queries(3):  # the session, the user with the person behind it, the case
        status = call(client, "get", f"/mine/{case.public_id}/status")
    assert status.status_code == 200
    assert (status.json()["number"], status.json()["status"]) == (case.number, "submitted")
    assert_error(call(signed_in(stranger), "get", f"/mine/{case.public_id}/status"), 404, "CASE_NOT_FOUND")
