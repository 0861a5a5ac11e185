"""In a real Chromium (issue acceptance, 一网通办): a citizen applies for an item with its form, one
upload and one material met by an e-licence (免提交); a clerk asks for two corrections at once; the
citizen corrects; the clerk accepts; an approver approves; the licence appears in the wallet and
verifies; the public progress query shows every step. Screenshots go to test-artifacts/."""

from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.cache import cache
from django.db import connection
from PIL import Image

from tests.cases.test_results import SHOP_LICENCE, department_seal  # noqa: F401  (fixture)
from tests.catalog.factories import MaterialFactory
from tests.identity.factories import PersonFactory
from tests.licenses.test_browser import new_page, sign_in, signed_in_as  # noqa: F401  (fixture)
from zwfw.cases import services
from zwfw.cases.models import Case, ItemForm
from zwfw.licenses import services as licence_services
from zwfw.licenses import showing
from zwfw.licenses.models import LicenseType

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FORM = {
    "type": "object",
    "properties": {
        "applicant_name": {"type": "string", "title": "经营者姓名"},
        "shop_name": {"type": "string", "title": "店铺名称", "minLength": 2, "maxLength": 50},
        "area": {"type": "number", "title": "经营面积（平方米）", "minimum": 1},
    },
    "required": ["applicant_name", "shop_name", "area"],
    "additionalProperties": False,
}
RESIDENCE = SHOP_LICENCE + "02"


@pytest.fixture(autouse=True)
def _fresh_limits():
    showing.reset_caches()
    cache.clear()
    yield
    showing.reset_caches()
    cache.clear()


@pytest.fixture
def shop_item(item, staff, department_seal):  # noqa: F811
    """小餐饮经营许可: a form, a lease to upload, a residence permit taken from the wallet, and an
    e-licence as the result."""
    LicenseType.objects.create(
        code=SHOP_LICENCE + "01", name="小餐饮经营许可证", holder_kind="person", defining_department="杭州市市场监督管理局",
        fields=[
            {"key": "holder_name", "label": "经营者", "required": True},
            {"key": "holder_id", "label": "身份证号", "type": "id_number", "required": True},
            {"key": "shop_name", "label": "店铺名称", "required": True},
            {"key": "permit_no", "label": "许可证编号", "required": True},
        ],
    )
    LicenseType.objects.create(
        code=RESIDENCE, name="居住证", holder_kind="person", defining_department="公安部",
        fields=[{"key": "holder_name", "label": "姓名", "required": True},
                {"key": "holder_id", "label": "公民身份号码", "type": "id_number", "required": True}],
    )
    item.name = "小餐饮经营许可"
    item.result_license_type_code = SHOP_LICENCE + "01"
    item.save(update_fields=["name", "result_license_type_code"])
    ItemForm.objects.create(item=item, schema=FORM, layout={"order": list(FORM["properties"]),
                                                          "prefill": {"applicant_name": "person.name"}})
    MaterialFactory(item=item, name="经营场所租赁合同", sort_order=1)
    MaterialFactory(item=item, name="居住证", source="e_license", license_type_code=RESIDENCE, sort_order=2)
    return item


def _seal_in_thread() -> int:
    try:
        return services.seal_pending_documents()
    finally:
        connection.close()


def scan() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (300, 200), (250, 248, 240)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_a_citizen_applies_corrects_and_gets_the_licence_and_the_progress_shows_every_step(
    live_server, new_page, artifacts_dir, shop_item, staff, tmp_path  # noqa: F811
):
    base = live_server.url
    citizen = PersonFactory(name="陈静", mobile="13912340001")
    residence = licence_services.issue_license(
        issuer=licence_services.Issuer(user=staff["approver"].user), license_type=LicenseType.objects.get(code=RESIDENCE),
        department=shop_item.department, holder=citizen, surface={},
    )
    lease = tmp_path / "租赁合同.png"
    lease.write_bytes(scan())

    # the citizen fills in the form (the name comes from the verified identity) and keeps a draft
    page = new_page()
    sign_in(page, base, citizen.mobile)
    page.goto(f"{base}/cases/apply/{shop_item.pk}/")
    assert page.locator("#f_applicant_name").input_value() == "陈静"
    assert "免提交" in page.locator("#materials").inner_text()
    page.locator("#f_shop_name").fill("陈记面馆")
    page.locator("#f_area").fill("42")
    page.locator("#apply-draft").click()
    page.wait_for_url("**/cases/mine/**")
    # uploads the lease, then submits
    lease_input = page.locator("#material-list input[type=file]").first
    lease_input.set_input_files(str(lease))
    lease_input.locator("xpath=..").locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "已上传" in page.locator("#material-list").inner_text()
    page.locator("#draft-submit").click()
    page.wait_for_load_state()
    case = Case.objects.get(applicant=citizen)
    assert case.status == "submitted"
    assert residence.identifier in page.locator("#material-list").inner_text()  # 免提交: linked, not uploaded
    page.screenshot(path=str(artifacts_dir / "cases-submitted.png"), full_page=True)

    # the clerk asks for two corrections at once (一次性告知)
    clerk = new_page()
    signed_in_as(clerk, staff["clerk"].user, base)
    clerk.goto(f"{base}/cases/workbench/")
    assert case.number in clerk.locator("main").inner_text()
    clerk.goto(f"{base}/cases/workbench/{case.public_id}/")
    clerk.locator("#corr-material-1").fill("经营场所租赁合同")
    clerk.locator("#corr-reason-1").fill("缺少出租人签字")
    clerk.locator("#corr-material-2").fill("经营面积")
    clerk.locator("#corr-reason-2").fill("面积与租赁合同不一致，请核对")
    clerk.locator("#act-corrections").click()
    clerk.wait_for_load_state()
    case.refresh_from_db()
    assert case.status == "corrections_requested"
    clerk.screenshot(path=str(artifacts_dir / "cases-corrections.png"), full_page=True)

    # the citizen sees both items, uploads a new lease, corrects the area and resubmits
    page.goto(f"{base}/cases/mine/{case.public_id}/")
    body = page.locator("main").inner_text()
    assert "缺少出租人签字" in body
    assert "面积与租赁合同不一致" in body
    lease_input = page.locator("#material-list input[type=file]").first
    lease_input.set_input_files(str(lease))
    lease_input.locator("xpath=..").locator("button[type=submit]").click()
    page.wait_for_load_state()
    page.locator("#f_area").fill("40")
    page.locator("#correct-submit").click()
    page.wait_for_load_state()
    case.refresh_from_db()
    assert case.status == "submitted"
    assert case.form_data["area"] == 40

    # the clerk accepts; the approver approves with the licence number
    clerk.goto(f"{base}/cases/workbench/{case.public_id}/")
    clerk.locator("#act-accept").click()
    clerk.wait_for_load_state()
    approver = new_page()
    signed_in_as(approver, staff["approver"].user, base)
    approver.goto(f"{base}/cases/workbench/{case.public_id}/")
    approver.locator("#s_permit_no").fill("JY33010020260042")
    approver.locator("#act-approve").click()
    approver.wait_for_load_state()
    case.refresh_from_db()
    assert case.status == "approved"
    assert case.result_license is not None
    approver.screenshot(path=str(artifacts_dir / "cases-approved.png"), full_page=True)
    # the worker seals the correction, acceptance and approval notices (in a thread of its own, as
    # pyhanko runs its own event loop and Playwright's holds this one)
    with ThreadPoolExecutor(1) as worker:
        assert worker.submit(_seal_in_thread).result() == 3

    # the licence is in the wallet and verifies
    page.goto(f"{base}/licenses/wallet/")
    assert "小餐饮经营许可证" in page.locator("#wallet-list").inner_text()
    verifier = new_page()
    verifier.goto(f"{base}/licenses/verify/")
    verifier.get_by_label("电子证照标识").fill(case.result_license.identifier)
    verifier.get_by_label("持证者证件号码或统一社会信用代码").fill(citizen.document_number)
    verifier.locator("#verify-submit").click()
    verifier.wait_for_load_state()
    assert verifier.locator("#verify-status").inner_text() == "有效"

    # the public progress query shows every step, with a masked name and no notes
    query = new_page()
    query.goto(f"{base}/cases/progress/")
    query.locator("#id_number").fill(case.number)
    query.locator("#id_id_tail").fill(citizen.document_number[-6:])
    query.locator("#progress-submit").click()
    query.wait_for_load_state()
    result = query.locator("#progress-result").inner_text()
    steps = query.locator("#timeline-list .case-action").all_inner_texts()
    assert steps == ["提交申请", "一次性告知补正", "补正材料", "受理", "作出审批决定"]
    assert "陈静" not in result
    assert "缺少出租人签字" not in result
    query.screenshot(path=str(artifacts_dir / "cases-progress.png"), full_page=True)
