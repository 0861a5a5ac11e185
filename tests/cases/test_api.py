"""The 办件 JSON API: every operation in a table, each tested for who may call it; the flows of an
applicant and of staff; bad input is a 4xx with the error shape and changes nothing."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.cases.conftest import member, snapshot
from tests.cases.helpers import GOOD_FORM, png_bytes, submit, with_form
from tests.cases.test_bundles import GOOD as BUNDLE_FORM
from tests.cases.test_bundles import newborn  # noqa: F401  (fixture)
from tests.catalog.factories import MaterialFactory
from zwfw.api import api as ninja_api
from zwfw.cases import services
from zwfw.cases.models import BundleApplication, Case, CaseComment
from zwfw.identity.models import StaffRole

pytestmark = pytest.mark.django_db
API = "/api/v1/cases"

PUBLIC = {("post", "/progress"), ("get", "/events"), ("get", "/events/{code}/form")}
APPLICANT = {
    ("get", "/items/{item_id}/form"), ("post", "/drafts"), ("put", "/drafts/{public_id}"), ("post", "/submissions"),
    ("get", "/mine"), ("get", "/mine/{public_id}"), ("post", "/mine/{public_id}/materials"),
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
