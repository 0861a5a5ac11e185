"""Defects of the cases module, each shown through a public surface (services, the API, the pages) and
fixed: an agent's view of a 一件事, refused uploads leaving files, the hall's comprehensive window, the
case number faults, a legal representative withdrawing an agent's case, due dates after a calendar
import, an extension ending in a year not imported, and control characters in the queue filter."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command

from tests.cases.conftest import at, grant, member, snapshot
from tests.cases.helpers import GOOD_FORM, pdf_bytes, png_bytes, submit, with_form
from tests.cases.hostile.helpers import _fresh_limits, assert_error, call, signed_in  # noqa: F401
from tests.cases.test_bundles import GOOD as BUNDLE_FORM
from tests.cases.test_bundles import files as bundle_files
from tests.cases.test_bundles import newborn  # noqa: F401  (fixture)
from tests.catalog.factories import DepartmentFactory, MaterialFactory
from tests.identity.factories import PersonFactory
from zwfw.appointments.models import Hall, HallClerk
from zwfw.cases import bundles, numbers, selectors, services, uploads
from zwfw.cases.models import BundleApplication, Case, CaseMaterial, CaseStep, Channel, MaterialKind
from zwfw.cases.numbers import make_case_number, parse_case_number
from zwfw.cases.states import CaseStatus
from zwfw.core import calendar
from zwfw.core.codes import InvalidCode
from zwfw.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from zwfw.core.models import AuditEntry, CalendarYear
from zwfw.identity.models import StaffRole

pytestmark = pytest.mark.django_db
D = dt.date.fromisoformat


# --- 1. an agent sees only the cases of a 一件事 their grant covers ----------------------------------------


@pytest.fixture
def enterprise_bundle(enterprise, newborn):  # noqa: F811
    """The enterprise's legal representative applies for the whole 一件事 (three linked cases)."""
    return bundles.submit_bundle(
        actor=enterprise.legal_representative.user,
        event=newborn,
        form_data=dict(BUNDLE_FORM),
        files=bundle_files(),
        idempotency_key="eb-1",
        enterprise=enterprise,
        now=at("2026-02-13"),
    )


def _cases_by_item(bundle) -> dict[str, Case]:
    return {case.item.name: case for case in bundle.cases.select_related("item")}


def test_an_agent_sees_only_the_bundle_cases_their_grant_covers(enterprise, enterprise_bundle, newborn):  # noqa: F811
    # given an agent whose grant covers 出生登记 only, and the 医保 case refused
    linked = _cases_by_item(enterprise_bundle)
    agent = PersonFactory(name="王五")
    grant(enterprise, agent, all_items=False, item_codes=[linked["出生登记"].item.code])
    other = linked["城乡居民医保参保登记"]
    services.refuse(
        actor=member(other.department, StaffRole.WINDOW_CLERK).user,
        case=other,
        reason="不符合条件",
        now=at("2026-02-13", 15),
    )
    # then the selectors and the combined status show the agent that case alone
    assert list(selectors.bundles_of_applicant(agent)) == [enterprise_bundle]
    status = bundles.bundle_status(enterprise_bundle, person=agent)
    assert [c.item.name for c in status.cases] == ["出生登记"]
    assert (status.status, status.label, status.done, status.total) == (
        "in_progress",
        "办理中（已办结0/1项）",
        0,
        1,
    )
    # the API likewise
    r = call(signed_in(agent), "get", f"/bundles/{enterprise_bundle.public_id}")
    assert r.status_code == 200, r.content
    assert [c["item_name"] for c in r.json()["cases"]] == ["出生登记"]
    assert r.json()["status"] == "in_progress"
    # and the pages: neither the other items nor their numbers
    page = signed_in(agent).get(f"/cases/bundles/{enterprise_bundle.public_id}/").content.decode()
    assert "出生登记" in page
    for name in ("城乡居民医保参保登记", "社会保障卡申领"):
        assert name not in page
        assert linked[name].number not in page
    listing = signed_in(agent).get("/cases/bundles/").content.decode()
    assert "办理中（已办结0/1项）" in listing
    assert "部分事项不予办理" not in listing
    # the legal representative still sees the whole bundle
    whole = bundles.bundle_status(enterprise_bundle, person=enterprise.legal_representative)
    assert (whole.total, whole.status) == (3, "partly_refused")


def test_an_agent_whose_grant_covers_no_item_of_the_bundle_does_not_see_it(enterprise, enterprise_bundle):
    agent = PersonFactory(name="赵六")
    grant(
        enterprise, agent, all_items=False, item_codes=["11330100000000000X0000000000009"]
    )  # not in the 一件事
    assert list(selectors.bundles_of_applicant(agent)) == []
    with pytest.raises(NotFound):
        selectors.bundle_of_applicant(person=agent, public_id=enterprise_bundle.public_id)
    assert_error(
        call(signed_in(agent), "get", f"/bundles/{enterprise_bundle.public_id}"), 404, "BUNDLE_NOT_FOUND"
    )
    assert signed_in(agent).get(f"/cases/bundles/{enterprise_bundle.public_id}/").status_code == 404
    assert "暂无一件事申请" in signed_in(agent).get("/cases/bundles/").content.decode()


# --- 2. a refused upload leaves no file behind ------------------------------------------------------------------


@pytest.fixture
def data_dir(settings, tmp_path) -> Path:
    """A data directory of the test's own (uploads are kept under it)."""
    settings.DATA_DIR = tmp_path
    return tmp_path


def kept_files(data_dir: Path) -> list[str]:
    """Every file under the upload folder, temporary ones included."""
    root = data_dir / "case-materials"
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.fixture
def lease(item):
    return MaterialFactory(item=item, name="租赁合同", sort_order=1)


@pytest.mark.parametrize(
    "fault",
    ["wrong type", "too large", "wrong material", "submitted case", "not the applicant", "too many files"],
)
def test_a_refused_upload_keeps_no_file(applicant, stranger, item, lease, data_dir, fault):
    draft = services.save_draft(actor=applicant.user, item=with_form(item), form_data=dict(GOOD_FORM))
    services.add_upload(actor=applicant.user, case=draft, content=pdf_bytes("first"), material=lease)
    case, actor, material, content = draft, applicant.user, lease, png_bytes((41, 31))
    if fault == "wrong type":
        content = b"GIF89a not accepted"
    elif fault == "too large":
        content = b"%PDF-1.4\n" + b"0" * uploads.MAX_UPLOAD_BYTES
    elif fault == "wrong material":
        material = MaterialFactory(name="别的事项的材料")
    elif fault == "submitted case":
        case = services.submit(
            actor=applicant.user,
            item=item,
            form_data=dict(GOOD_FORM),
            idempotency_key="k",
            draft=draft,
            now=at("2026-02-13"),
        )
    elif fault == "not the applicant":
        actor = stranger.user
    else:
        CaseMaterial.objects.bulk_create(
            CaseMaterial(
                case=draft,
                name=f"说明{n}",
                kind=MaterialKind.UPLOAD,
                path=f"case-materials/x/{n}",
                sha256="0" * 64,
            )
            for n in range(services.MAX_MATERIALS - 1)
        )
    files, before = kept_files(data_dir), snapshot()
    with pytest.raises((ValidationFailed, Conflict, NotFound)):
        services.add_upload(actor=actor, case=case, content=content, filename="a.png", material=material)
    assert kept_files(data_dir) == files
    assert snapshot() == before


def test_an_upload_whose_transaction_rolls_back_keeps_no_file(applicant, item, lease, data_dir, monkeypatch):
    draft = services.save_draft(actor=applicant.user, item=with_form(item), form_data=dict(GOOD_FORM))

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    # fails after the row was written; patched in add_upload's own module, where it looks _event up
    monkeypatch.setattr(services.submission, "_event", broken)
    with pytest.raises(RuntimeError):
        services.add_upload(actor=applicant.user, case=draft, content=png_bytes((42, 32)), material=lease)
    assert kept_files(data_dir) == []
    assert CaseMaterial.objects.count() == 0


def test_an_accepted_upload_keeps_its_file_once_and_nothing_else(applicant, item, lease, data_dir):
    draft = services.save_draft(actor=applicant.user, item=with_form(item), form_data=dict(GOOD_FORM))
    content = pdf_bytes("kept")
    first = services.add_upload(actor=applicant.user, case=draft, content=content, material=lease)
    second = services.add_upload(actor=applicant.user, case=draft, content=content, material=lease)
    assert first.path == second.path
    assert kept_files(data_dir) == [first.path.removeprefix("case-materials/")]
    assert services.material_content(second) == content


@pytest.mark.parametrize("fault", ["form", "missing file", "wrong file", "idempotency conflict"])
def test_a_refused_bundle_keeps_no_file(applicant, newborn, data_dir, fault):  # noqa: F811
    form, given = dict(BUNDLE_FORM), {"出生医学证明": png_bytes((51, 41)), "新生儿照片": png_bytes((31, 41))}
    if fault == "form":
        form["birth_date"] = "2026-13-40"
    elif fault == "missing file":
        del given["新生儿照片"]  # the third case refuses at its submission: the whole bundle rolls back
    elif fault == "wrong file":
        given["新生儿照片"] = b"GIF89a not accepted"
    else:
        bundles.submit_bundle(
            actor=applicant.user,
            event=newborn,
            form_data=dict(BUNDLE_FORM),
            files=bundle_files(),
            idempotency_key="b-1",
        )
        form["baby_name"] = "李小宝"
    files, before, bundles_before = kept_files(data_dir), snapshot(), BundleApplication.objects.count()
    with pytest.raises((ValidationFailed, Conflict)):
        bundles.submit_bundle(
            actor=applicant.user, event=newborn, form_data=form, files=given, idempotency_key="b-1"
        )
    assert kept_files(data_dir) == files
    assert snapshot() == before
    assert BundleApplication.objects.count() == bundles_before


def test_a_bundle_refused_through_the_api_keeps_no_file(applicant, newborn, data_dir):  # noqa: F811
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = signed_in(applicant)
    r = client.post(
        f"/api/v1/cases/events/{newborn.code}/submissions",
        {
            "form_data": '{"baby_name": "张小宝", "birth_date": "2026-02-10"}',  # hospital and insured_place missing
            "idempotency_key": "api-1",
            "出生医学证明": SimpleUploadedFile("a.png", png_bytes((52, 42)), content_type="image/png"),
        },
    )
    assert_error(r, 400, "CASE_FORM_INVALID")
    assert kept_files(data_dir) == []


# --- 3. the hall's comprehensive window: enter, accept and hand out any item of the hall ----------------------


@pytest.fixture
def hall_clerk(department):
    """A clerk of a hall's comprehensive window; the hall serves the items of ``department``."""
    centre = DepartmentFactory(name="杭州市西湖区行政服务中心", region_code="330106")
    hall = Hall.objects.create(code="xihu", name="西湖区民生服务中心", region_code="330106")
    hall.departments.add(department)
    clerk = member(centre, StaffRole.WINDOW_CLERK, region_code="330106")
    HallClerk.objects.create(hall=hall, staff=clerk)
    return clerk


def test_a_hall_clerk_enters_accepts_and_hands_out_an_item_of_the_hall(applicant, item, staff, hall_clerk):
    with_form(item)
    desk = signed_in(hall_clerk)
    # 代录 at the window
    r = call(
        desk,
        "post",
        "/entries",
        {"item_id": item.pk, "applicant": str(applicant.public_id), "form_data": dict(GOOD_FORM)},
    )
    assert r.status_code == 201, r.content
    draft = Case.objects.get(public_id=r.json()["public_id"])
    assert (draft.channel, draft.entered_by_id, draft.department_id) == (
        Channel.WINDOW,
        hall_clerk.user.pk,
        item.department_id,
    )
    case = services.submit(
        actor=applicant.user,
        item=item,
        form_data=draft.form_data,
        idempotency_key="c-1",
        draft=draft,
        now=at("2026-02-13"),
    )
    # 受理 (already allowed), the department decides (后台分类审批), then 统一窗口出件
    assert call(desk, "post", f"/cases/{case.public_id}/accept").status_code == 200
    services.decide(actor=staff["approver"].user, case=case, approve=True, now=at("2026-02-16"))
    page = desk.get(f"/cases/workbench/{case.public_id}/").content.decode()
    assert 'id="act-complete"' in page
    r = call(desk, "post", f"/cases/{case.public_id}/complete", {"delivery_method": "window"})
    assert r.status_code == 200, r.content
    case.refresh_from_db()
    assert (case.status, case.delivery_method) == (CaseStatus.COMPLETED, "window")


def test_the_hall_clerks_queue_follows_the_hall_at_once(applicant, item, hall_clerk):
    case = submit(applicant, with_form(item), key="h-1")
    desk = signed_in(hall_clerk)
    assert case.number in desk.get("/cases/workbench/").content.decode()
    assert [row["number"] for row in call(desk, "get", "/queue").json()["items"]] == [case.number]
    # the queue's statements are compiled once, but the hall's departments are read on every request
    HallClerk.objects.filter(staff=hall_clerk).delete()
    assert case.number not in desk.get("/cases/workbench/").content.decode()
    assert call(desk, "get", "/queue").json() == {"items": [], "total": 0, "page": 1, "page_size": 20}


def test_clerks_without_the_hall_still_cannot_enter_or_hand_out(applicant, item, staff, hall_clerk):
    with_form(item)
    elsewhere = Hall.objects.create(code="binjiang", name="滨江区民生服务中心", region_code="330108")
    elsewhere.departments.add(DepartmentFactory(name="滨江区民政局", region_code="330108"))
    HallClerk.objects.create(hall=elsewhere, staff=staff["other_clerk"])
    before = snapshot()
    for clerk in (
        staff["other_clerk"],
        member(hall_clerk.department, StaffRole.APPROVER, region_code="330106"),
    ):
        with pytest.raises(PermissionDenied):
            services.enter_for_applicant(
                actor=clerk.user, applicant=applicant, item=item, form_data=dict(GOOD_FORM)
            )
    r = call(
        signed_in(staff["other_clerk"]),
        "post",
        "/entries",
        {"item_id": item.pk, "applicant": str(applicant.public_id), "form_data": dict(GOOD_FORM)},
    )
    assert_error(r, 403, "CASE_OTHER_DEPARTMENT")
    assert snapshot() == before
    case = submit(applicant, item)
    services.accept(actor=staff["clerk"].user, case=case, now=at("2026-02-13", 15))
    services.decide(actor=staff["approver"].user, case=case, approve=True, now=at("2026-02-16"))
    before = snapshot()
    with pytest.raises(PermissionDenied) as exc:
        services.complete(actor=staff["other_clerk"].user, case=case, delivery_method="window")
    assert exc.value.code == "CASE_OTHER_DEPARTMENT"
    assert_error(
        call(
            signed_in(staff["other_clerk"]),
            "post",
            f"/cases/{case.public_id}/complete",
            {"delivery_method": "window"},
        ),
        404,
        "CASE_NOT_FOUND",
    )
    assert snapshot() == before


# --- 4. every fault of parse_case_number is documented and tested ----------------------------------------------

GOOD_NUMBER = make_case_number(region_code="330100", day=D("2026-02-13"), sequence=7).value
FAULT_EXAMPLES = {
    "type": None,
    "length": "3301002026021300004",
    "character": "33010020260213000A42X",
    "region": "990100202602130000427",
    "date": "330100202602300000427",
    "format": "330100202602130000000",
    "check": GOOD_NUMBER[:20] + ("0" if GOOD_NUMBER[20] != "0" else "1"),
}


def _documented_faults() -> list[str]:
    sentence = numbers.__doc__.split("names the rule broken:", 1)[1]
    return re.findall(r"``(\w+)``", sentence.split("\n\n", 1)[0])


def test_every_fault_is_documented_where_the_others_are():
    assert _documented_faults() == list(FAULT_EXAMPLES)
    assert "``format``" in (parse_case_number.__doc__ or "")


@pytest.mark.parametrize(("fault", "value"), FAULT_EXAMPLES.items())
def test_each_fault_of_a_case_number(fault, value):
    with pytest.raises(InvalidCode) as exc:
        parse_case_number(value)
    assert (exc.value.fault, exc.value.code, exc.value.details["fault"]) == (
        fault,
        "INVALID_CASE_NUMBER",
        fault,
    )
    assert any("\u4e00" <= ch <= "\u9fff" for ch in exc.value.message)


# --- 5. the legal representative and an agent's case -------------------------------------------------------------


@pytest.fixture
def agents_case(enterprise, item):
    agent = PersonFactory(name="王五")
    grant(enterprise, agent, all_items=False, item_codes=[item.code])
    return agent, submit(agent, with_form(item), enterprise=enterprise)


def test_a_legal_representative_withdrawing_an_agents_case_is_told_why(enterprise, agents_case):
    agent, case = agents_case
    rep = enterprise.legal_representative
    assert selectors.case_of_applicant(person=rep, public_id=case.public_id) == case  # they see it
    before = snapshot()
    with pytest.raises(PermissionDenied) as exc:
        services.withdraw(actor=rep.user, case=case)
    assert exc.value.code == "CASE_APPLICANT_ONLY"
    body = assert_error(
        call(signed_in(rep), "post", f"/mine/{case.public_id}/withdraw", {"reason": "不办了"}),
        403,
        "CASE_APPLICANT_ONLY",
    )
    assert "提交申请的本人" in body["message"]
    page = signed_in(rep).post(f"/cases/mine/{case.public_id}/withdraw/", {"reason": "不办了"})
    assert page.status_code == 403
    assert body["message"] in page.content.decode()
    assert snapshot() == before
    # the agent who applied may withdraw it; a stranger still finds nothing
    with pytest.raises(NotFound):
        services.withdraw(actor=PersonFactory().user, case=case)
    assert services.withdraw(actor=agent.user, case=case).status == CaseStatus.WITHDRAWN


# --- 6. importing a year's calendar fills in the due dates that were not known ---------------------------------


def _calendar_2027() -> str:
    return (
        "year,date,kind,name\n2027,2027-01-01,holiday,元旦\n"
        "2027,2027-02-06,holiday,春节\n2027,2027-02-07,holiday,春节\n"
    )


def _accepted_before_2027(applicant, item, staff, *, when: str, key: str) -> Case:
    case = submit(applicant, item, key=key, when=when)
    return services.accept(actor=staff["clerk"].user, case=case, now=at(when, 15))


def test_a_calendar_import_fills_in_unknown_due_dates(applicant, item, staff, tmp_path):
    with_form(item)
    assert not CalendarYear.objects.filter(year=2027).exists()
    late = _accepted_before_2027(applicant, item, staff, when="2026-12-28", key="k1")  # 5 days: into 2027
    early = _accepted_before_2027(applicant, item, staff, when="2026-12-01", key="k2")  # 20 days: 12-29
    assert (late.promised_due_on, late.legal_due_on) == (None, None)
    assert (early.promised_due_on, early.legal_due_on) == (D("2026-12-08"), D("2026-12-29"))
    assert list(CaseStep.objects.filter(case=late).values_list("due_on", flat=True)) == [None]
    untouched = Case.objects.get(pk=early.pk).updated_at
    audit_before = AuditEntry.objects.count()
    source = tmp_path / "2027.csv"
    source.write_text(_calendar_2027(), encoding="utf-8")
    with time_machine.travel(at("2026-12-30"), tick=False):
        call_command("calendar_import", str(source), document="国办发明电〔2026〕1号")
    late.refresh_from_db()
    # 12-29, 12-30, 12-31, (01-01 元旦), 01-04, 01-05; 20 working days: to 01-26
    assert (late.promised_due_on, late.legal_due_on) == (D("2027-01-05"), D("2027-01-26"))
    assert list(CaseStep.objects.filter(case=late).values_list("due_on", flat=True)) == [D("2027-01-05")]
    assert (
        Case.objects.get(pk=early.pk).updated_at == untouched
    )  # cases whose dates were known are left alone
    assert AuditEntry.objects.filter(action="cases.due_dates_known", object_id=str(late.pk)).count() == 1
    assert AuditEntry.objects.count() == audit_before + 1
    # the queue's colour follows: the promised date is known, two of five days used on 12-30
    with time_machine.travel(at("2026-12-30"), tick=False):
        r = call(signed_in(staff["approver"]), "get", "/queue")
    row = next(row for row in r.json()["items"] if row["public_id"] == str(late.public_id))
    assert row["deadline"]["colour"] == "green"
    assert (row["deadline"]["due"], row["deadline"]["left"]) == ("2027-01-05", 3)


def test_a_calendar_import_that_fails_later_changes_no_case(applicant, item, staff, monkeypatch):
    with_form(item)
    case = _accepted_before_2027(applicant, item, staff, when="2026-12-28", key="k1")
    rows = calendar.parse_calendar_file(_calendar_2027(), fmt="csv")

    def broken(sender, **kwargs):
        raise RuntimeError("disk full")

    # another module's receiver fails after the cases were refreshed: the import and the refresh go together
    calendar.calendar_imported.connect(broken, dispatch_uid="test-broken")
    try:
        with time_machine.travel(at("2026-12-30"), tick=False), pytest.raises(RuntimeError):
            calendar.import_calendar(rows)
    finally:
        calendar.calendar_imported.disconnect(dispatch_uid="test-broken")
    case.refresh_from_db()
    assert (case.promised_due_on, case.legal_due_on) == (None, None)
    assert not CalendarYear.objects.filter(year=2027).exists()


# --- 7. an extension that ends in a year whose calendar is not imported ------------------------------------------


def test_an_extension_into_2027_is_accepted_with_the_due_date_not_known(applicant, item, staff):
    with_form(item)
    case = _accepted_before_2027(applicant, item, staff, when="2026-12-14", key="k1")
    assert case.promised_due_on == D("2026-12-21")
    with time_machine.travel(at("2026-12-15"), tick=False):
        r = call(
            signed_in(staff["head"]),
            "post",
            f"/cases/{case.public_id}/extend",
            {"days": 10, "reason": "需现场核查"},
        )
        assert r.status_code == 200, r.content
        body = r.json()
        assert (body["promised_due_on"], body["legal_due_on"]) == (None, None)
        assert [e["kind"] for e in body["ledger"]] == ["start", "extend"]
        page = signed_in(staff["head"]).get(f"/cases/workbench/{case.public_id}/")
        assert page.status_code == 200
        detail = call(signed_in(applicant), "get", f"/mine/{case.public_id}")
        assert detail.status_code == 200
    case.refresh_from_db()
    assert (case.extended_days, case.promised_due_on, case.clock_stopped) == (10, None, False)
    # a second extension is still refused, and the clock can be stopped and resumed
    with pytest.raises(Conflict):
        services.extend_limit(
            actor=staff["head"].user, case=case, days=1, reason="再延", now=at("2026-12-16")
        )
    services.stop_clock(
        actor=staff["approver"].user, case=case, procedure="testing", reason="送检", now=at("2026-12-16")
    )
    services.resume_clock(actor=staff["approver"].user, case=case, now=at("2026-12-17"))
    resumed = case.events.filter(action="resume_clock").get()
    assert "None" not in resumed.note


# --- 8. control characters in the queue's case-number filter ---------------------------------------------------


@pytest.mark.parametrize("query", ["3301\x00", "3301\x01", "\x7f", "33\x9b01"])
def test_the_queue_filter_with_a_control_character_shows_no_case(applicant, item, staff, query):
    with_form(item)
    case = submit(applicant, item)
    clerk = signed_in(staff["clerk"])
    assert case.number in clerk.get("/cases/workbench/").content.decode()  # the unfiltered queue has it
    page = clerk.get("/cases/workbench/", {"q": query})
    text = page.content.decode()
    assert page.status_code == 400
    assert case.number not in text
    message = re.search(r'id="form-error">([^<]*)<', text)
    assert message is not None
    assert "办件编号" in message.group(1)
    for path in ("/queue", "/cases"):
        body = assert_error(call(clerk, "get", path, {"number": query}), 400, "CASE_NUMBER_FILTER_INVALID")
        assert case.number not in str(body)
