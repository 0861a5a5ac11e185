"""The 办件 pages: applying, 我的办件, the staff workbench and the public progress query.

Each page renders for its visitor, refuses the others (sign-in redirect, 403 or the same 404 as a
case that does not exist), every action changes the case, and bad input shows the service's
Chinese message and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from PIL import Image

from tests.cases.conftest import SHANGHAI, at, grant, snapshot
from tests.cases.helpers import GOOD_FORM, accepted, submit, with_form
from tests.catalog.factories import MaterialFactory
from zwfw.cases import services, views, web
from zwfw.cases.models import Case, CaseMaterial, CorrectionNotice, ItemStep
from zwfw.core.calendar import current_calendar
from zwfw.identity.models import StaffRole

pytestmark = pytest.mark.django_db

TODAY = "2026-03-02"  # a Monday; the clock colours below are counted from it
NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _frozen_time_and_fresh_limits():
    cache.clear()
    with time_machine.travel(NOW, tick=False):
        yield
    cache.clear()


def signed_in(who) -> Client:
    client = Client()
    client.force_login(getattr(who, "user", who))
    return client


def html(response) -> str:
    return response.content.decode()


def fresh(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 120, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


def form_post(**fields) -> dict[str, object]:
    return {f"f_{name}": value for name, value in fields.items()}


GOOD_POST = form_post(shop_name="张记小吃", area="35", scope="餐饮")


# --- sign-in and who may see what ------------------------------------------------------------------


def test_signed_out_visitors_are_sent_to_sign_in(item):
    client = Client()
    for url in ("/cases/mine/", f"/cases/apply/{item.pk}/", "/cases/workbench/", "/cases/workbench/overdue/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/account/login/?next=/cases/")
    assert client.get("/cases/progress/").status_code == 200


def test_the_nav_links_fit_the_visitor(applicant, staff):
    anonymous = html(Client().get("/cases/progress/"))
    assert 'id="nav-progress"' in anonymous
    assert 'id="nav-mine"' not in anonymous
    assert 'id="nav-workbench"' not in anonymous
    citizen = html(signed_in(applicant).get("/cases/mine/"))
    assert 'id="nav-mine"' in citizen
    assert 'id="nav-workbench"' not in citizen
    clerk = html(signed_in(staff["clerk"]).get("/cases/workbench/"))
    assert 'id="nav-workbench"' in clerk
    assert 'id="nav-mine"' not in clerk


def test_citizen_pages_are_not_for_staff_and_the_workbench_not_for_citizens(applicant, staff, item):
    assert signed_in(staff["clerk"]).get("/cases/mine/").status_code == 404
    assert signed_in(staff["clerk"]).get(f"/cases/apply/{item.pk}/").status_code == 404
    response = signed_in(applicant).get("/cases/workbench/")
    assert response.status_code == 403
    assert "工作台仅供工作人员使用" in html(response)
    assert signed_in(applicant).get("/cases/workbench/overdue/").status_code == 403


# --- applying --------------------------------------------------------------------------------------


def test_the_apply_page_renders_the_items_form_and_materials(applicant, item):
    with_form(item)
    MaterialFactory(item=item, name="营业执照", e_license=True, sort_order=1)
    MaterialFactory(item=item, name="经营场所证明", sort_order=2)
    response = signed_in(applicant).get(f"/cases/apply/{item.pk}/")
    assert response.status_code == 200
    page = html(response)
    assert "csrfmiddlewaretoken" in page
    assert re.search(r'name="idempotency_key" value="[0-9a-f]{32}"', page)
    # the fields in layout order, titles as labels, by type
    assert page.index("申请人姓名") < page.index("店铺名称") < page.index("经营面积") < page.index("开业日期")
    assert 'type="number" id="f_area" name="f_area"' in page
    assert 'type="date" id="f_opening" name="f_opening"' in page
    assert '<option value="餐饮">餐饮</option>' in page
    assert 'id="f_shop_name" name="f_shop_name" value="" maxlength="50" required' in page
    # 免填: read-only, from the verified identity, with the note
    assert 'id="f_applicant_name" value="张三" readonly' in page
    assert "已根据您的实名信息自动填写" in page
    # the materials
    assert "营业执照" in page
    assert "免提交：将自动调取您的电子证照" in page
    assert "经营场所证明" in page
    assert 'id="upload-hint"' in page  # a required material to upload: draft first


def test_an_unknown_or_unpublished_item_is_not_found(applicant, item):
    assert signed_in(applicant).get("/cases/apply/999999/").status_code == 404
    item.status = "withdrawn"
    item.save()
    assert signed_in(applicant).get(f"/cases/apply/{item.pk}/").status_code == 404


def test_submitting_twice_with_the_same_key_gives_the_same_case(applicant, item):
    with_form(item)
    client = signed_in(applicant)
    body = {**GOOD_POST, "idempotency_key": "k-double-click", "op": "submit"}
    first = client.post(f"/cases/apply/{item.pk}/", body)
    second = client.post(f"/cases/apply/{item.pk}/", body)
    case = Case.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == f"/cases/mine/{case.public_id}/?done=submitted"
    assert case.status == "submitted"
    assert case.form_data == {"shop_name": "张记小吃", "area": 35, "scope": "餐饮", "applicant_name": "张三"}
    page = html(client.get(first["Location"]))
    assert "申请已提交" in page
    assert case.number in page


def test_a_bad_form_shows_the_chinese_error_and_changes_nothing(applicant, item):
    with_form(item)
    client = signed_in(applicant)
    before = snapshot()
    response = client.post(f"/cases/apply/{item.pk}/", {**form_post(area="35"), "idempotency_key": "k1", "op": "submit"})
    assert response.status_code == 400
    page = html(response)
    assert "表单填写有误：请填写店铺名称" in page
    assert 'value="35"' in page  # what was typed is kept
    assert 'name="idempotency_key" value="k1"' in page
    response = client.post(f"/cases/apply/{item.pk}/", {**GOOD_POST, "f_area": "三十", "idempotency_key": "k1",
                                                        "op": "submit"})
    assert "经营面积的类型不正确" in html(response)
    assert snapshot() == before


def test_saving_a_draft_then_submitting_it_from_its_page(applicant, item):
    with_form(item)
    client = signed_in(applicant)
    response = client.post(f"/cases/apply/{item.pk}/", {**form_post(shop_name="张记"), "op": "draft"})
    case = Case.objects.get()
    assert response["Location"] == f"/cases/mine/{case.public_id}/?done=draft"
    assert (case.status, case.form_data) == ("draft", {"shop_name": "张记"})
    page = html(client.get(response["Location"]))
    assert "草稿已保存" in page
    assert 'id="f_shop_name" name="f_shop_name" value="张记"' in page
    assert 'id="draft-submit"' in page
    # an invalid submission of the draft changes nothing
    before = snapshot()
    bad = client.post(f"/cases/mine/{case.public_id}/", {**form_post(shop_name="张记"), "op": "submit",
                                                          "idempotency_key": "d1"})
    assert bad.status_code == 400
    assert "请填写经营面积" in html(bad)
    assert snapshot() == before
    done = client.post(f"/cases/mine/{case.public_id}/", {**GOOD_POST, "op": "submit", "idempotency_key": "d1"})
    assert done.status_code == 302
    assert fresh(case).status == "submitted"


def test_applying_for_an_enterprise_the_person_represents(item, enterprise, stranger):
    with_form(item)
    representative = enterprise.legal_representative
    client = signed_in(representative)
    page = html(client.get(f"/cases/apply/{item.pk}/", {"acting_for": str(enterprise.public_id)}))
    assert "杭州示例科技有限公司（法人）" in page
    assert "当前以“杭州示例科技有限公司”的名义申请" in page
    response = client.post(f"/cases/apply/{item.pk}/", {**GOOD_POST, "op": "submit", "idempotency_key": "e1",
                                                        "acting_for": str(enterprise.public_id)})
    assert response.status_code == 302
    assert Case.objects.get().enterprise == enterprise
    # someone who does not act for it is refused, and nothing is written
    before = snapshot()
    refused = signed_in(stranger).post(f"/cases/apply/{item.pk}/", {
        **GOOD_POST, "op": "submit", "idempotency_key": "e2", "acting_for": str(enterprise.public_id)})
    assert refused.status_code == 403
    assert "您未获该法人授权办理此事项" in html(refused)
    assert snapshot() == before


def test_an_agent_with_a_grant_may_apply_for_the_enterprise(item, enterprise, stranger):
    grant(enterprise, stranger)
    client = signed_in(stranger)
    assert "杭州示例科技有限公司（法人）" in html(client.get(f"/cases/apply/{item.pk}/"))
    response = client.post(f"/cases/apply/{item.pk}/", {"op": "submit", "idempotency_key": "g1",
                                                        "acting_for": str(enterprise.public_id)})
    assert response.status_code == 302
    case = Case.objects.get()
    assert (case.enterprise, case.applicant, case.agent_grant_id is not None) == (enterprise, stranger, True)


# --- my cases --------------------------------------------------------------------------------------


def test_my_cases_lists_only_my_own_with_status_and_due_dates(applicant, stranger, item, staff):
    accepted(applicant, item, staff, key="a1", when=TODAY)
    submit(applicant, item, key="a2", when=TODAY)
    assert "暂无办件" in html(signed_in(stranger).get("/cases/mine/"))
    response = signed_in(applicant).get("/cases/mine/")
    assert response.status_code == 200
    page = html(response)
    assert page.count(item.name) == 2
    assert '<span class="case-status case-accepted">已受理</span>' in page
    assert '<span class="case-status case-submitted">已提交（待预审）</span>' in page
    assert "2026-03-09" in page  # promised 5 working days after 03-02
    assert "待受理" in page


def test_my_cases_paginate(applicant, item):
    for n in range(views.PAGE_SIZE + 3):
        submit(applicant, item, key=f"p{n}", when=TODAY)
    client = signed_in(applicant)
    first = html(client.get("/cases/mine/"))
    assert first.count('<tr>') - 1 == views.PAGE_SIZE  # header row excluded
    assert 'rel="next"' in first
    second = html(client.get("/cases/mine/", {"page": "2"}))
    assert second.count('href="/cases/mine/') - 1 == 3  # the nav link besides the rows
    assert html(client.get("/cases/mine/", {"page": "x"})).count('<tr>') - 1 == views.PAGE_SIZE


def test_a_stranger_cannot_see_or_act_on_anothers_case(applicant, stranger, item, staff):
    case = submit(applicant, item, when=TODAY)
    before = snapshot()
    for client in (signed_in(stranger), signed_in(staff["clerk"])):
        assert client.get(f"/cases/mine/{case.public_id}/").status_code == 404
        assert client.post(f"/cases/mine/{case.public_id}/withdraw/").status_code == 404
        assert client.post(f"/cases/mine/{case.public_id}/", {"op": "correct"}).status_code == 404
    assert signed_in(applicant).get("/cases/mine/not-a-uuid/").status_code == 404
    assert snapshot() == before


def test_the_case_page_shows_the_timeline_and_every_correction_item(applicant, item, staff):
    with_form(item)
    case = submit(applicant, item, when=TODAY)
    services.request_corrections(actor=staff["clerk"].user, case=case, items=[
        {"material": "身份证复印件", "reason": "模糊不清"}, {"material": "场所证明", "reason": "缺少"}])
    page = html(signed_in(applicant).get(f"/cases/mine/{case.public_id}/"))
    assert "待补正" in page
    assert "<strong>身份证复印件</strong>：模糊不清" in page
    assert "<strong>场所证明</strong>：缺少" in page
    timeline = page[page.index('id="timeline-list"'):]
    assert timeline.index("提交申请") < timeline.index("一次性告知补正")
    assert "→ 待补正" in timeline
    assert 'id="correct-submit"' in page
    assert 'id="withdraw-submit"' in page


def test_a_correction_resubmits_and_a_bad_one_changes_nothing(applicant, item, staff):
    with_form(item)
    case = submit(applicant, item, when=TODAY)
    services.request_corrections(actor=staff["clerk"].user, case=case,
                                 items=[{"material": "店铺名称", "reason": "与营业执照不一致"}])
    client = signed_in(applicant)
    before = snapshot()
    bad = client.post(f"/cases/mine/{case.public_id}/", {**GOOD_POST, "f_shop_name": "张", "op": "correct"})
    assert bad.status_code == 400
    assert "店铺名称过短" in html(bad)
    assert snapshot() == before
    done = client.post(f"/cases/mine/{case.public_id}/", {**GOOD_POST, "f_shop_name": "张记面馆", "op": "correct"})
    assert done["Location"].endswith("?done=corrected")
    corrected = fresh(case)
    assert (corrected.status, corrected.form_data["shop_name"]) == ("submitted", "张记面馆")
    assert CorrectionNotice.objects.get().corrected_at is not None
    assert "已于" in html(client.get(f"/cases/mine/{case.public_id}/"))


def test_withdrawing_and_a_second_withdrawal_is_refused(applicant, item):
    case = submit(applicant, item, when=TODAY)
    client = signed_in(applicant)
    response = client.post(f"/cases/mine/{case.public_id}/withdraw/", {"reason": "不需要了"})
    assert response["Location"].endswith("?done=withdrawn")
    assert fresh(case).status == "withdrawn"
    before = snapshot()
    again = client.post(f"/cases/mine/{case.public_id}/withdraw/")
    assert again.status_code == 409
    assert "已作出决定或已结束的案件不能撤回" in html(again)
    assert snapshot() == before
    assert 'id="withdraw-submit"' not in html(client.get(f"/cases/mine/{case.public_id}/"))


def test_uploading_a_material_to_a_draft_and_downloading_it(applicant, stranger, item, staff):
    material = MaterialFactory(item=item, name="经营场所证明")
    client = signed_in(applicant)
    client.post(f"/cases/apply/{item.pk}/", {"op": "draft"})
    case = Case.objects.get()
    assert "尚未上传" in html(client.get(f"/cases/mine/{case.public_id}/"))
    # submitting without it names what is missing
    missing = client.post(f"/cases/mine/{case.public_id}/", {"op": "submit", "idempotency_key": "u1"})
    assert "请上传以下必要材料：经营场所证明" in html(missing)
    # a file that is not a PDF or an image is refused and nothing is kept
    before, kept = snapshot(), CaseMaterial.objects.count()
    refused = client.post(f"/cases/mine/{case.public_id}/materials/", {
        "material": str(material.pk), "file": io.BytesIO(b"MZ not a picture")})
    assert refused.status_code == 400
    assert "只接受PDF、JPEG 或 PNG文件" in html(refused)
    assert (snapshot(), CaseMaterial.objects.count()) == (before, kept)
    assert "请选择要上传的文件" in html(client.post(f"/cases/mine/{case.public_id}/materials/", {}))
    upload = io.BytesIO(png())
    upload.name = "premises.png"
    response = client.post(f"/cases/mine/{case.public_id}/materials/", {"material": str(material.pk), "file": upload})
    assert response["Location"].endswith("?done=uploaded#materials")
    stored = CaseMaterial.objects.get(case=case)
    assert (stored.material, stored.content_type) == (material, "image/png")
    download = client.get(f"/cases/mine/{case.public_id}/materials/{stored.pk}/")
    assert (download.status_code, download.content) == (200, png())
    assert signed_in(stranger).get(f"/cases/mine/{case.public_id}/materials/{stored.pk}/").status_code == 404
    assert client.post(f"/cases/mine/{case.public_id}/", {"op": "submit", "idempotency_key": "u1"}).status_code == 302
    assert fresh(case).status == "submitted"
    # staff of the department open the same file from the workbench
    staff_download = signed_in(staff["clerk"]).get(f"/cases/workbench/{case.public_id}/materials/{stored.pk}/")
    assert staff_download.content == png()
    assert signed_in(staff["other_clerk"]).get(
        f"/cases/workbench/{case.public_id}/materials/{stored.pk}/").status_code == 404


def test_removing_an_upload(applicant, item):
    material = MaterialFactory(item=item, name="经营场所证明")
    case = services.save_draft(actor=applicant.user, item=item, form_data={})
    stored = services.add_upload(actor=applicant.user, case=case, content=png(), material=material)
    client = signed_in(applicant)
    response = client.post(f"/cases/mine/{case.public_id}/materials/{stored.pk}/remove/")
    assert response.status_code == 302
    assert CaseMaterial.objects.get(pk=stored.pk).superseded_at is not None
    assert client.post(f"/cases/mine/{case.public_id}/materials/999999/remove/").status_code == 404


def test_the_applicant_does_not_see_internal_step_opinions(applicant, item, staff, department):
    ItemStep.objects.create(item=item, stage=1, kind="review", department=department, role=StaffRole.APPROVER)
    case = accepted(applicant, item, staff, when=TODAY)
    services.approve_step(actor=staff["approver"].user, step=case.steps.get(kind="review"), opinion="内部意见甲")
    services.reassign(actor=staff["head"].user, case=case, to_user=staff["approver"].user,
                      step=case.steps.get(kind="decision"))
    mine = html(signed_in(applicant).get(f"/cases/mine/{case.public_id}/"))
    assert "审查：同意" in mine
    assert "内部意见甲" not in mine
    assert "改派" not in mine
    workbench = html(signed_in(staff["approver"]).get(f"/cases/workbench/{case.public_id}/"))
    assert "内部意见甲" in workbench
    assert "改派" in workbench


def test_sealed_documents_are_listed_and_downloaded_by_who_may_see_the_case(applicant, stranger, item, staff):
    case = accepted(applicant, item, staff, when=TODAY)
    document = case.documents.get(kind="acceptance")
    page = html(signed_in(applicant).get(f"/cases/mine/{case.public_id}/"))
    assert "受理通知书" in page
    assert "签章中" in page
    url = f"/cases/mine/{case.public_id}/documents/{document.public_id}.pdf"
    assert signed_in(applicant).get(url).status_code == 404  # not sealed yet
    type(document).objects.filter(pk=document.pk).update(pdf=b"%PDF-1.7 sealed", sealed_at=NOW)
    assert f'href="{url}"' in html(signed_in(applicant).get(f"/cases/mine/{case.public_id}/"))
    response = signed_in(applicant).get(url)
    assert (response.status_code, response["Content-Type"], response.content) == (200, "application/pdf",
                                                                                  b"%PDF-1.7 sealed")
    assert signed_in(stranger).get(url).status_code == 404
    staff_url = f"/cases/workbench/{case.public_id}/documents/{document.public_id}.pdf"
    assert signed_in(staff["clerk"]).get(staff_url).content == b"%PDF-1.7 sealed"
    assert signed_in(staff["other_clerk"]).get(staff_url).status_code == 404
    assert signed_in(applicant).get(f"/cases/mine/{case.public_id}/documents/nonsense.pdf").status_code == 404


# --- the workbench ---------------------------------------------------------------------------------


def test_an_empty_queue_says_so(staff):
    response = signed_in(staff["clerk"]).get("/cases/workbench/")
    assert response.status_code == 200
    assert "暂无待办办件" in html(response)


def test_the_queue_shows_deadline_colours_with_words(applicant, item, staff):
    late = accepted(applicant, item, staff, key="c1", when="2026-02-13")  # due 02-27: past
    near = accepted(applicant, item, staff, key="c2", when="2026-02-24")  # due today: all 5 days used
    calm = accepted(applicant, item, staff, key="c3", when=TODAY)
    page = html(signed_in(staff["approver"]).get("/cases/workbench/"))
    assert page.index(late.number) < page.index(near.number) < page.index(calm.number)  # most urgent first
    assert '<span class="case-clock clock-red"><span class="clock-word">已超期</span>' in page
    assert '<span class="case-clock clock-yellow"><span class="clock-word">临近期限</span>' in page
    assert '<span class="case-clock clock-green"><span class="clock-word">时限正常</span>' in page
    assert "承诺办结期限2026-03-02</span> <span class=\"clock-left\">剩余0个工作日" in page  # 02-28 is a 调休 working day
    assert "剩余5个工作日" in page
    # the colours from the row's columns are those of the clock ledger
    today, calendar = dt.date(2026, 3, 2), current_calendar()
    for case in (late, near, calm):
        row = web.deadline_of(fresh(case), today=today, calendar=calendar)
        assert row["colour"] == services.clock_of(fresh(case), today=today).colour
        assert row["due"] == services.clock_of(fresh(case), today=today).due_on
    assert applicant.name not in page  # names are masked in the list
    assert "张*" in page


def test_a_stopped_and_extended_clock_keeps_the_same_colour_as_the_ledger(applicant, item, staff):
    case = accepted(applicant, item, staff, key="s1", when="2026-02-13")
    services.stop_clock(actor=staff["approver"].user, case=case, procedure="hearing", reason="听证",
                        now=at("2026-02-24"))
    page = html(signed_in(staff["approver"]).get("/cases/workbench/"))
    assert '<span class="case-clock clock-stopped"><span class="clock-word">计时暂停</span>' in page
    services.resume_clock(actor=staff["approver"].user, case=case, now=at("2026-02-26"))
    services.extend_limit(actor=staff["head"].user, case=case, days=2, reason="情况复杂", now=at("2026-02-26"))
    today, calendar = dt.date(2026, 3, 2), current_calendar()
    row = web.deadline_of(fresh(case), today=today, calendar=calendar)
    ledger = services.clock_of(fresh(case), today=today)
    assert (row["colour"], row["due"]) == (ledger.colour, ledger.due_on)


def test_the_queue_paginates_in_sql_without_a_query_per_row(applicant, item, staff):
    for n in range(views.PAGE_SIZE + 5):
        submit(applicant, item, key=f"q{n}", when=TODAY)
    client = signed_in(staff["clerk"])
    client.get("/cases/workbench/")  # warm the session and the calendar
    with CaptureQueriesContext(connection) as full:
        first = html(client.get("/cases/workbench/"))
    with CaptureQueriesContext(connection) as short:
        second = html(client.get("/cases/workbench/", {"page": "2"}))
    assert first.count('name="cases"') == views.PAGE_SIZE
    assert second.count('name="cases"') == 5
    assert "共 25 件待办" in first
    # 20 rows cost no more queries than 5 (the second page also asks the approval part of the queue)
    assert len(full.captured_queries) <= len(short.captured_queries)


def test_the_queue_escapes_what_applicants_and_catalogue_editors_typed(applicant, item, staff):
    case = submit(applicant, item, key="e1", when=TODAY)
    type(item).objects.filter(pk=item.pk).update(name='<script>alert("事项")</script>&')
    type(applicant).objects.filter(pk=applicant.pk).update(name="<b>张三")
    page = html(signed_in(staff["clerk"]).get("/cases/workbench/"))
    for raw in ("<script>", "</script>&", "<b>", "<*"):
        assert raw not in page
    for escaped in ("&lt;script&gt;alert(", "&lt;/script&gt;&amp;"):
        assert escaped in page
    assert "&lt;****" in page  # the applicant's name masked (first character kept), then escaped
    assert f'<a class="code" href="/cases/workbench/{case.public_id}/">{case.number}</a>' in page


def test_the_queue_filters(applicant, item, staff):
    waiting = submit(applicant, item, key="f1", when=TODAY)
    late = accepted(applicant, item, staff, key="f2", when="2026-02-13")
    both = {"clerk": signed_in(staff["clerk"])}
    page = html(both["clerk"].get("/cases/workbench/", {"status": "submitted"}))
    assert waiting.number in page
    assert late.number not in page
    page = html(signed_in(staff["approver"]).get("/cases/workbench/", {"deadline": "overdue"}))
    assert late.number in page
    page = html(both["clerk"].get("/cases/workbench/", {"q": waiting.number[:-1]}))
    assert waiting.number in page
    page = html(both["clerk"].get("/cases/workbench/", {"q": "999"}))
    assert "没有符合条件的待办办件" in page
    assert both["clerk"].get("/cases/workbench/", {"status": "bogus", "page": "-3"}).status_code == 200


def test_batch_accept_takes_each_case_on_its_own(applicant, item, staff):
    first = submit(applicant, item, key="b1", when=TODAY)
    second = submit(applicant, item, key="b2", when=TODAY)
    done = accepted(applicant, item, staff, key="b3", when=TODAY)
    response = signed_in(staff["clerk"]).post("/cases/workbench/batch-accept/", {
        "cases": [str(first.public_id), str(second.public_id), str(done.public_id), "nonsense"]})
    assert response.status_code == 200
    page = html(response)
    assert "批量受理结果：成功 2 件，共 4 件" in page
    assert f'<span class="code">{first.number}</span>：<strong>已受理</strong>' in page
    assert f'<span class="code">{done.number}</span>：<strong>未受理</strong>，只有待预审的申请可以受理' in page
    assert "未找到该办件" in page
    assert (fresh(first).status, fresh(second).status) == ("accepted", "accepted")


def test_batch_accept_refuses_an_empty_choice_and_other_departments(applicant, item, staff):
    case = submit(applicant, item, when=TODAY)
    before = snapshot()
    assert "请勾选要受理的办件" in html(signed_in(staff["clerk"]).post("/cases/workbench/batch-accept/", {}))
    page = html(signed_in(staff["other_clerk"]).post("/cases/workbench/batch-accept/", {"cases": [str(case.public_id)]}))
    assert "成功 0 件" in page
    assert "未找到该办件" in page
    assert signed_in(applicant).post("/cases/workbench/batch-accept/", {"cases": [str(case.public_id)]}).status_code == 403
    assert snapshot() == before


def test_another_departments_staff_cannot_see_or_act_on_a_case(applicant, item, staff):
    case = submit(applicant, item, when=TODAY)
    before = snapshot()
    for who in ("other_clerk", "other_approver", "other_head", "supervisor"):
        client = signed_in(staff[who])
        assert client.get(f"/cases/workbench/{case.public_id}/").status_code == 404, who
        assert client.post(f"/cases/workbench/{case.public_id}/act/", {"action": "accept"}).status_code == 404, who
    assert signed_in(applicant).post(f"/cases/workbench/{case.public_id}/act/", {"action": "accept"}).status_code == 403
    assert snapshot() == before


def test_the_case_page_offers_the_actions_of_the_users_roles(applicant, item, staff):
    with_form(item)
    MaterialFactory(item=item, name="营业执照", e_license=True, requirement="optional")
    case = submit(applicant, item, when=TODAY)
    clerk_page = html(signed_in(staff["clerk"]).get(f"/cases/workbench/{case.public_id}/"))
    for part in ("店铺名称", "张记小吃", "营业执照", "办理过程", "计时台账", 'id="act-accept"', 'id="corrections-form"',
                 "张三"):
        assert part in clerk_page, part
    approver_page = html(signed_in(staff["approver"]).get(f"/cases/workbench/{case.public_id}/"))
    assert 'id="act-accept"' not in approver_page
    assert 'id="no-actions"' in approver_page
    signed_in(staff["clerk"]).post(f"/cases/workbench/{case.public_id}/act/", {"action": "accept"})
    approver_page = html(signed_in(staff["approver"]).get(f"/cases/workbench/{case.public_id}/"))
    assert 'id="act-approve"' in approver_page
    assert 'id="stop-form"' in approver_page
    assert 'id="extend-form"' not in approver_page  # the department head's
    assert 'id="extend-form"' in html(signed_in(staff["head"]).get(f"/cases/workbench/{case.public_id}/"))
    assert 'id="act-approve"' not in html(signed_in(staff["clerk"]).get(f"/cases/workbench/{case.public_id}/"))


def test_pre_review_accept_refuse_and_corrections_from_the_page(applicant, item, staff):
    client = signed_in(staff["clerk"])
    case = submit(applicant, item, key="r1", when=TODAY)
    url = f"/cases/workbench/{case.public_id}/act/"
    before = snapshot()
    bad = client.post(url, {"action": "refuse", "reason": "  "})
    assert bad.status_code == 400
    assert "请填写不予受理的理由" in html(bad)
    bad = client.post(url, {"action": "corrections", "material": ["身份证复印件", "场所证明"], "reason": ["模糊", ""]})
    assert bad.status_code == 400
    assert "请填写第2项的补正原因" in html(bad)
    assert 'value="身份证复印件"' in html(bad)
    assert 'value="模糊"' in html(bad)
    bad = client.post(url, {"action": "corrections", "material": ["", ""], "reason": ["", ""]})
    assert "补正告知应一次列明全部需补正的材料" in html(bad)
    assert client.post(url, {"action": "nonsense"}).status_code == 400
    assert snapshot() == before
    response = client.post(url, {"action": "corrections", "material": ["身份证复印件", "场所证明", ""],
                                 "reason": ["模糊不清", "缺少", ""]})
    assert response["Location"] == f"/cases/workbench/{case.public_id}/?done=corrections"
    assert CorrectionNotice.objects.get(case=case).items == [
        {"material": "身份证复印件", "reason": "模糊不清"}, {"material": "场所证明", "reason": "缺少"}]
    assert fresh(case).status == "corrections_requested"
    other = submit(applicant, item, key="r2", when=TODAY)
    client.post(f"/cases/workbench/{other.public_id}/act/", {"action": "refuse", "reason": "不属于本部门职权"})
    assert (fresh(other).status, fresh(other).refusal_reason) == ("refused", "不属于本部门职权")
    third = submit(applicant, item, key="r3", when=TODAY)
    response = client.post(f"/cases/workbench/{third.public_id}/act/", {"action": "accept"})
    assert "已受理" in html(client.get(response["Location"]))
    assert fresh(third).status == "accepted"
    again = client.post(f"/cases/workbench/{third.public_id}/act/", {"action": "accept"})
    assert again.status_code == 409
    assert "只有待预审的申请可以受理" in html(again)


def test_clock_decision_and_completion_from_the_page(applicant, item, staff):
    case = accepted(applicant, item, staff, when=TODAY)
    url = f"/cases/workbench/{case.public_id}/act/"
    approver, head = signed_in(staff["approver"]), signed_in(staff["head"])
    before = snapshot()
    assert "不计时的特别程序只能是" in html(approver.post(url, {"action": "stop_clock", "procedure": "", "reason": "x"}))
    assert "请填写暂停计时的原因" in html(approver.post(url, {"action": "stop_clock", "procedure": "hearing"}))
    assert "延长期限应为1到10个工作日" in html(head.post(url, {"action": "extend", "days": "11", "reason": "复杂"}))
    assert "延长期限应为1到10个工作日" in html(head.post(url, {"action": "extend", "days": "两", "reason": "复杂"}))
    assert approver.post(url, {"action": "extend", "days": "3", "reason": "复杂"}).status_code == 403
    assert snapshot() == before
    approver.post(url, {"action": "stop_clock", "procedure": "expert_review", "reason": "组织专家评审"})
    assert fresh(case).clock_stopped
    page = html(approver.get(f"/cases/workbench/{case.public_id}/"))
    assert "专家评审" in page
    assert 'id="act-resume"' in page
    stopped = snapshot()
    refused = approver.post(url, {"action": "approve"})
    assert refused.status_code == 409
    assert "计时暂停期间不能作出决定" in html(refused)
    assert snapshot() == stopped
    approver.post(url, {"action": "resume_clock"})
    assert not fresh(case).clock_stopped
    head.post(url, {"action": "extend", "days": "3", "reason": "情况复杂"})
    assert fresh(case).extended_days == 3
    assert "请填写不予许可的理由" in html(approver.post(url, {"action": "disapprove", "reason": ""}))
    approver.post(url, {"action": "approve"})
    assert fresh(case).status == "approved"
    decided = snapshot()
    assert "请填写快递地址" in html(approver.post(url, {"action": "complete", "delivery_method": "express"}))
    assert "送达方式只能是" in html(approver.post(url, {"action": "complete", "delivery_method": "pigeon"}))
    assert snapshot() == decided
    response = approver.post(url, {"action": "complete", "delivery_method": "express", "address": "杭州市西湖区文三路90号"})
    assert response.status_code == 302
    completed = fresh(case)
    assert (completed.status, completed.delivery_method) == ("completed", "express")
    applicant_page = html(signed_in(applicant).get(f"/cases/mine/{case.public_id}/"))
    assert "已办结" in applicant_page
    assert "快递送达" in applicant_page
    assert "准予" in applicant_page


def test_approval_steps_are_acted_on_in_order(applicant, item, staff, department):
    ItemStep.objects.create(item=item, stage=1, kind="review", department=department, role=StaffRole.APPROVER)
    case = accepted(applicant, item, staff, when=TODAY)
    review = case.steps.get(kind="review")
    approver = signed_in(staff["approver"])
    url = f"/cases/workbench/{case.public_id}/act/"
    page = html(approver.get(f"/cases/workbench/{case.public_id}/"))
    assert f'id="act-approve-step-{review.pk}"' in page
    assert 'id="act-approve"' not in page
    before = snapshot()
    bad = approver.post(url, {"action": "refuse_step", "step": str(review.pk), "reason": ""})
    assert bad.status_code == 400
    assert "请填写不同意的理由" in html(bad)
    assert approver.post(url, {"action": "approve_step", "step": "999999"}).status_code == 404
    assert snapshot() == before
    approver.post(url, {"action": "approve_step", "step": str(review.pk), "opinion": "材料齐全"})
    assert fresh(case).status == "in_review"
    page = html(approver.get(f"/cases/workbench/{case.public_id}/"))
    assert "材料齐全" in page
    assert 'id="act-approve"' in page


# --- the supervisor's overdue list -----------------------------------------------------------------


def test_the_overdue_list_is_for_supervisors(applicant, item, staff):
    assert "暂无超期办件" in html(signed_in(staff["supervisor"]).get("/cases/workbench/overdue/"))
    late = accepted(applicant, item, staff, key="o1", when="2026-02-13")
    calm = accepted(applicant, item, staff, key="o2", when=TODAY)
    response = signed_in(staff["supervisor"]).get("/cases/workbench/overdue/")
    assert response.status_code == 200
    page = html(response)
    assert late.number in page
    assert calm.number not in page
    assert "已超期</span> 2个工作日" in page  # due 02-27; 02-28 (a 调休 Saturday) and 03-02 are past it
    assert 'id="overdue-link"' in html(signed_in(staff["supervisor"]).get("/cases/workbench/"))
    for who in ("clerk", "approver", "head"):
        assert signed_in(staff[who]).get("/cases/workbench/overdue/").status_code == 403


# --- the public progress query ---------------------------------------------------------------------


def test_progress_by_number_and_id_tail_shows_no_personal_data(applicant, item, staff):
    case = submit(applicant, item, when=TODAY)
    services.request_corrections(actor=staff["clerk"].user, case=case,
                                 items=[{"material": "身份证复印件", "reason": "模糊不清"}])
    tail = applicant.document_number[-6:].lower()
    response = Client().post("/cases/progress/", {"number": case.number, "id_tail": tail})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    page = html(response)
    result = page[page.index('id="progress-result"'):]
    assert item.name in result
    assert "待补正" in result
    assert "一次性告知补正" in result
    assert "张*" in result
    assert applicant.name not in page
    assert applicant.document_number not in page
    assert "模糊不清" not in page
    assert "身份证复印件" not in page
    assert "工作人员" not in result


def test_a_wrong_tail_and_an_unknown_number_get_the_same_answer(applicant, item):
    case = submit(applicant, item, when=TODAY)
    wrong = "000000" if not applicant.document_number.endswith("000000") else "111111"
    answers = [
        Client().post("/cases/progress/", {"number": case.number, "id_tail": wrong}),
        Client().post("/cases/progress/", {"number": "330100202603029999990", "id_tail": wrong}),
    ]
    assert [r.status_code for r in answers] == [404, 404]
    assert all("未找到办件，请核对办件编号和证件号码后6位" in html(r) for r in answers)
    assert 'id="progress-result"' not in html(answers[0])
    short = Client().post("/cases/progress/", {"number": case.number, "id_tail": "123"})
    assert short.status_code == 400
    assert "请输入办件编号和申请人证件号码后六位" in html(short)
    draft = services.save_draft(actor=applicant.user, item=item, form_data={})
    assert draft.number is None  # a draft has no number to look up


def test_the_progress_query_is_rate_limited(applicant, item):
    case = submit(applicant, item, when=TODAY)
    tail = applicant.document_number[-6:]
    client = Client()
    for _ in range(web.PROGRESS_CHECKS_PER_MINUTE):
        assert client.post("/cases/progress/", {"number": case.number, "id_tail": tail}).status_code == 200
    limited = client.post("/cases/progress/", {"number": case.number, "id_tail": tail})
    assert limited.status_code == 429
    assert "请求过于频繁" in html(limited)
    # from another address it answers again
    assert Client(REMOTE_ADDR="10.0.0.9").post("/cases/progress/", {"number": case.number,
                                                                      "id_tail": tail}).status_code == 200


def test_too_many_wrong_tails_lock_the_number_for_an_hour(applicant, item):
    case = submit(applicant, item, when=TODAY)
    tail = applicant.document_number[-6:]
    wrong = "000000" if tail != "000000" else "111111"
    for n in range(web.PROGRESS_FAILURES_PER_NUMBER):
        response = Client(REMOTE_ADDR=f"10.0.1.{n}").post("/cases/progress/", {"number": case.number, "id_tail": wrong})
        assert response.status_code == 404
    locked = Client(REMOTE_ADDR="10.0.2.1").post("/cases/progress/", {"number": case.number, "id_tail": tail})
    assert locked.status_code == 429
    assert "查询错误次数过多" in html(locked)
    with time_machine.travel(NOW + dt.timedelta(hours=1), tick=False):
        again = Client(REMOTE_ADDR="10.0.2.2").post("/cases/progress/", {"number": case.number, "id_tail": tail})
        assert again.status_code == 200


def test_the_good_form_constant_still_matches_the_pages_post():
    # the page posts text; the view turns numbers back into JSON numbers
    assert {k.removeprefix("f_"): v for k, v in GOOD_POST.items()} == {**GOOD_FORM, "area": "35"}

