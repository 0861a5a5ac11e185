"""Results of a case: sealed notices and decisions, the licence issued into the wallet on approval,
SMS at every step, internal comments, reassignment and the hall's comprehensive window (一窗)."""

from __future__ import annotations

import pytest

from tests.cases.conftest import at, member, snapshot
from tests.cases.helpers import GOOD_FORM, accepted, submit, with_form
from tests.catalog.factories import DepartmentFactory
from tests.notifications.helpers import run_queued_jobs
from tests.seals.conftest import make_seal
from zwfw.appointments.models import Hall, HallClerk
from zwfw.cases import selectors, services
from zwfw.cases.models import CaseComment, CaseDocument, DocumentKind
from zwfw.cases.states import CaseStatus
from zwfw.core.errors import Conflict, PermissionDenied, ValidationFailed
from zwfw.identity.agents import self_principal
from zwfw.identity.models import StaffRole
from zwfw.licenses import selectors as licence_selectors
from zwfw.licenses import services as licence_services
from zwfw.licenses.models import LicenseType
from zwfw.notifications.models import Message, MessageStatus
from zwfw.seals import pki, verification
from zwfw.seals import services as seal_services

pytestmark = pytest.mark.django_db

SHOP_LICENCE = "11100000000013338W9"


@pytest.fixture
def department_seal(department, staff):
    verification.reset_caches()
    pki.pki_init()
    people = {
        "dept_admin": staff["head"],
        "platform": member(None, StaffRole.PLATFORM_ADMIN, region_code="330000"),
        "platform2": member(None, StaffRole.PLATFORM_ADMIN, region_code="330000"),
    }
    seal = make_seal(people, department)
    seal_services.set_use_roles(actor=staff["head"].user, seal=seal, roles=["approver"])
    yield seal
    verification.reset_caches()


@pytest.fixture
def licensed_item(item):
    """An item whose result is an e-licence with the shop name on its surface."""
    LicenseType.objects.create(
        code=SHOP_LICENCE + "01", name="小餐饮经营许可证", holder_kind="person", defining_department="杭州市市场监督管理局",
        fields=[
            {"key": "holder_name", "label": "经营者", "required": True},
            {"key": "holder_id", "label": "身份证号", "type": "id_number", "required": True},
            {"key": "shop_name", "label": "店铺名称", "required": True},
            {"key": "permit_no", "label": "许可证编号", "required": True},
        ],
    )
    item.result_license_type_code = SHOP_LICENCE + "01"
    item.save(update_fields=["result_license_type_code"])
    return with_form(item)


def decided(applicant, item, staff, **kwargs):
    case = accepted(applicant, item, staff)
    services.decide(actor=staff["approver"].user, case=case, now=at("2026-02-16"), **kwargs)
    case.refresh_from_db()
    return case


def test_acceptance_fixes_a_notice_that_the_job_seals_with_the_department_seal(applicant, item, staff, department_seal):
    case = accepted(applicant, with_form(item), staff)
    document = CaseDocument.objects.get(case=case)
    assert document.kind == DocumentKind.ACCEPTANCE
    assert document.sealed_at is None
    assert "予以受理" in "".join(document.content["paragraphs"])
    assert services.seal_pending_documents() == 1
    document.refresh_from_db()
    assert document.seal_code == department_seal.code
    assert document.sealed_at is not None
    report = verification.verify_pdf(bytes(document.pdf))
    assert report.valid, report.message
    assert report.signatures[0].seal_code == department_seal.code
    assert services.seal_pending_documents() == 0  # sealed once


def test_without_a_seal_the_document_waits_with_the_reason(applicant, item, staff):
    case = accepted(applicant, with_form(item), staff)
    assert services.seal_pending_documents() == 0
    document = CaseDocument.objects.get(case=case)
    assert document.sealed_at is None
    assert "印章" in document.error


def test_refusal_correction_and_decisions_each_have_their_document(applicant, stranger, item, staff):
    with_form(item)
    refused = submit(applicant, item, key="a")
    services.refuse(actor=staff["clerk"].user, case=refused, reason="不属于本机关职权范围", now=at("2026-02-13", 11))
    corrected = submit(applicant, item, key="b")
    services.request_corrections(actor=staff["clerk"].user, case=corrected, now=at("2026-02-13", 11),
                                 items=[{"material": "租赁合同", "reason": "缺少签字"}, {"material": "照片", "reason": "模糊"}])
    disapproved = accepted(applicant, item, staff, key="c")
    services.decide(actor=staff["approver"].user, case=disapproved, approve=False, reason="选址不符合规划",
                    now=at("2026-02-16"))
    kinds = {c: list(CaseDocument.objects.filter(case=c).values_list("kind", flat=True))
             for c in (refused, corrected, disapproved)}
    assert kinds[refused] == [DocumentKind.REFUSAL]
    assert kinds[corrected] == [DocumentKind.CORRECTION]
    assert kinds[disapproved] == [DocumentKind.ACCEPTANCE, DocumentKind.DISAPPROVAL]
    notice = CaseDocument.objects.get(case=corrected).content["paragraphs"]
    assert any("租赁合同：缺少签字" in p for p in notice)
    assert any("照片：模糊" in p for p in notice)
    assert any("选址不符合规划" in p for p in CaseDocument.objects.get(kind=DocumentKind.DISAPPROVAL).content["paragraphs"])


def test_approval_issues_the_result_licence_into_the_wallet(applicant, licensed_item, staff, department_seal):
    case = decided(applicant, licensed_item, staff, approve=True, license_surface={"permit_no": "JY33010020260001"})
    licence = case.result_license
    assert licence is not None
    assert case.status == CaseStatus.APPROVED
    assert licence.holder_person_id == applicant.pk
    assert licence.issuer_id == case.department_id
    assert licence in licence_selectors.licenses_of(person=applicant, principal=self_principal(applicant.user))
    surface = licence_services.surface_of(licence)
    assert (surface["shop_name"], surface["permit_no"]) == (GOOD_FORM["shop_name"], "JY33010020260001")
    assert surface["holder_name"] == applicant.name
    approval = CaseDocument.objects.get(case=case, kind=DocumentKind.APPROVAL)
    assert licence.identifier in "".join(approval.content["paragraphs"])


def test_an_approval_whose_licence_cannot_be_issued_changes_nothing(applicant, licensed_item, staff, department_seal):
    case = accepted(applicant, licensed_item, staff)
    before = snapshot()
    with pytest.raises(ValidationFailed) as exc:  # the licence number is required on the surface
        services.decide(actor=staff["approver"].user, case=case, approve=True, now=at("2026-02-16"))
    assert exc.value.code == "LICENSE_FIELD_REQUIRED"
    assert snapshot() == before
    case.refresh_from_db()
    assert case.status == CaseStatus.ACCEPTED
    assert case.result_license is None


def test_every_step_also_sends_an_sms_through_the_worker(applicant, item, staff):
    case = accepted(applicant, with_form(item), staff)
    assert set(Message.objects.filter(channel="sms").values_list("status", flat=True)) == {MessageStatus.QUEUED}
    assert run_queued_jobs() == [MessageStatus.SENT, MessageStatus.SENT]
    texts = list(Message.objects.filter(channel="sms").order_by("id").values_list("body", flat=True))
    assert len(texts) == 2
    assert "已提交" in texts[0]
    assert "已受理" in texts[1]
    assert case.number in texts[1]


def test_comments_are_for_staff_of_the_case_only(applicant, item, staff):
    case = submit(applicant, with_form(item))
    comment = services.add_comment(actor=staff["clerk"].user, case=case, text="请核对租赁期限")
    assert CaseComment.objects.get().pk == comment.pk
    for outsider in (staff["other_clerk"].user, applicant.user):
        with pytest.raises(PermissionDenied):
            services.add_comment(actor=outsider, case=case, text="我也来说两句")
    with pytest.raises(ValidationFailed):
        services.add_comment(actor=staff["clerk"].user, case=case, text="  ")
    assert CaseComment.objects.count() == 1


def test_reassignment_lets_only_the_assignee_act(applicant, item, department, staff):
    case = submit(applicant, with_form(item))
    second_clerk = member(department, StaffRole.WINDOW_CLERK)
    with pytest.raises(PermissionDenied):  # only the department administrator reassigns
        services.reassign(actor=staff["clerk"].user, case=case, to_user=second_clerk.user)
    with pytest.raises(ValidationFailed):  # and only to someone holding the role
        services.reassign(actor=staff["head"].user, case=case, to_user=staff["approver"].user)
    services.reassign(actor=staff["head"].user, case=case, to_user=second_clerk.user)
    before = snapshot()
    with pytest.raises(PermissionDenied) as exc:
        services.accept(actor=staff["clerk"].user, case=case)
    assert exc.value.code == "CASE_ASSIGNED_TO_OTHER"
    assert snapshot() == before
    services.accept(actor=second_clerk.user, case=case, now=at("2026-02-13", 15))
    # an active step likewise
    step = case.steps.get(status="active")
    second_approver = member(department, StaffRole.APPROVER)
    services.reassign(actor=staff["head"].user, case=case, to_user=second_approver.user, step=step)
    with pytest.raises(PermissionDenied):
        services.decide(actor=staff["approver"].user, case=case, approve=True)
    services.decide(actor=second_approver.user, case=case, approve=True, now=at("2026-02-16"))
    with pytest.raises(Conflict):
        services.reassign(actor=staff["head"].user, case=case, to_user=staff["approver"].user, step=step)


def test_a_hall_clerk_accepts_any_item_of_the_halls_departments(applicant, item, department, staff):
    hall_department = DepartmentFactory(name="杭州市西湖区行政服务中心", region_code="330106")
    hall = Hall.objects.create(code="xihu", name="西湖区民生服务中心", region_code="330106")
    hall.departments.add(department)
    front_desk = member(hall_department, StaffRole.WINDOW_CLERK, region_code="330106")
    HallClerk.objects.create(hall=hall, staff=front_desk)
    case = submit(applicant, with_form(item))
    assert case in selectors.queue_for_staff(front_desk.user)
    assert selectors.case_of_staff(user=front_desk.user, public_id=case.public_id) == case
    services.accept(actor=front_desk.user, case=case, now=at("2026-02-13", 15))
    # 后台分类审批: the approval stays with the department
    with pytest.raises(PermissionDenied):
        services.decide(actor=front_desk.user, case=case, approve=True)
    # a clerk of a hall the department is not in cannot
    other = submit(applicant, item, key="k2")
    with pytest.raises(PermissionDenied):
        services.accept(actor=staff["other_clerk"].user, case=other)


def test_correction_withdrawal_and_a_resumed_clock_are_told_too(applicant, item, staff,
                                                                 django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = submit(applicant, with_form(item))
        services.request_corrections(actor=staff["clerk"].user, case=case, items=[{"material": "照片", "reason": "模糊"}],
                                     now=at("2026-02-13", 11))
        services.correct(actor=applicant.user, case=case, now=at("2026-02-14"))
        services.withdraw(actor=applicant.user, case=case, now=at("2026-02-14", 11))
    texts = list(Message.objects.filter(channel="sms").order_by("id").values_list("body", flat=True))
    assert [t.split("）", 1)[1][:5] for t in texts] == ["已提交，受", "需补正1项", "的补正材料", "已撤回。"]
