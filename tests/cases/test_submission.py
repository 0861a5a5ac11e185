"""Drafts, submission (form validation, 免填, 免提交, idempotency), window and hotline entry."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.cases.conftest import at, grant, snapshot
from tests.cases.helpers import FORM_SCHEMA, GOOD_FORM, LAYOUT, png_bytes, submit, with_form
from tests.catalog.factories import ImplementationItemFactory, MaterialFactory
from zwfw.cases import services
from zwfw.cases.models import Case, CaseCounter, CaseEvent, CaseMaterial, ItemForm, MaterialKind
from zwfw.cases.numbers import parse_case_number
from zwfw.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from zwfw.core.models import AuditEntry
from zwfw.licenses.models import License, LicenseType
from zwfw.notifications.models import Message

pytestmark = pytest.mark.django_db


def test_submit_numbers_the_case_and_starts_pre_review(applicant, item):
    with_form(item)
    case = submit(applicant, item)
    assert case.status == "submitted"
    number = parse_case_number(case.number)
    assert (number.region_code, number.day, number.sequence) == ("330100", dt.date(2026, 2, 13), 1)
    assert case.received_on == dt.date(2026, 2, 13)
    assert case.form_data == {**GOOD_FORM, "applicant_name": "张三"}
    assert (case.legal_limit_days, case.promised_limit_days) == (20, 5)
    assert list(CaseEvent.objects.filter(case=case).values_list("action", flat=True)) == ["submit"]
    assert AuditEntry.objects.filter(action="cases.submit", object_id=str(case.pk)).count() == 1
    assert Message.objects.filter(recipient_user=applicant.user, purpose="case").count() == 1
    second = submit(applicant, item, key="key-2")
    assert parse_case_number(second.number).sequence == 2


def test_prefilled_fields_come_from_the_verified_identity(applicant, item):
    with_form(item)
    assert services.prefilled_form(actor=applicant.user, item=item) == {"applicant_name": "张三"}
    case = submit(applicant, item, form={**GOOD_FORM, "applicant_name": "冒名"})
    assert case.form_data["applicant_name"] == "张三"


def test_invalid_form_lists_every_problem_and_changes_nothing(applicant, item):
    with_form(item)
    before = snapshot()
    counters = CaseCounter.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        submit(applicant, item, form={"shop_name": "张", "area": 0, "opening": "2026-13-01", "scope": "赌场",
                                      "extra": 1})
    assert exc.value.code == "CASE_FORM_INVALID"
    fields = sorted(p["field"] for p in exc.value.details)
    assert fields == ["area", "extra", "opening", "scope", "shop_name"]
    assert snapshot() == before
    assert CaseCounter.objects.count() == counters
    with pytest.raises(ValidationFailed) as exc:
        submit(applicant, item, form={"area": 3})
    assert [p["field"] for p in exc.value.details] == ["shop_name"]
    with pytest.raises(ValidationFailed):
        services.submit(actor=applicant.user, item=item, form_data=["not", "an", "object"], idempotency_key="k")
    assert snapshot() == before


def test_replay_returns_the_same_case_and_a_different_request_is_a_conflict(applicant, item):
    first = submit(applicant, item, key="same")
    again = submit(applicant, item, key="same")
    assert again.pk == first.pk
    assert Case.objects.count() == 1
    before = snapshot()
    with pytest.raises(Conflict) as exc:
        submit(applicant, item, key="same", form={**GOOD_FORM, "area": 99})
    assert exc.value.code == "CASE_IDEMPOTENCY_CONFLICT"
    assert snapshot() == before


def test_missing_or_bad_idempotency_key_is_refused(applicant, item):
    before = snapshot()
    for key in ("", "  ", "x" * 81, None):
        with pytest.raises(ValidationFailed) as exc:
            submit(applicant, item, key=key)
        assert exc.value.code == "CASE_IDEMPOTENCY_KEY_INVALID"
    assert snapshot() == before


def test_unpublished_item_cannot_be_applied_for(applicant, department):
    draft_item = ImplementationItemFactory(department=department, draft=True)
    with pytest.raises(Conflict) as exc:
        submit(applicant, draft_item)
    assert exc.value.code == "CASE_ITEM_NOT_PUBLISHED"
    assert Case.objects.count() == 0


def test_draft_is_kept_then_submitted(applicant, stranger, item):
    with_form(item)
    draft = services.save_draft(actor=applicant.user, item=item, form_data={"shop_name": "半"})
    assert (draft.status, draft.number) == ("draft", None)
    draft = services.save_draft(actor=applicant.user, item=item, form_data={"shop_name": "张记"}, draft=draft)
    assert draft.form_data == {"shop_name": "张记"}
    with pytest.raises(NotFound):
        services.save_draft(actor=stranger.user, item=item, form_data={}, draft=draft)
    case = services.submit(actor=applicant.user, item=item, form_data=GOOD_FORM, idempotency_key="d", draft=draft,
                           now=at("2026-02-13"))
    assert case.pk == draft.pk
    assert case.status == "submitted"
    with pytest.raises(Conflict):
        services.save_draft(actor=applicant.user, item=item, form_data={}, draft=case)


def test_window_clerk_enters_and_the_applicant_confirms(applicant, item, staff):
    case = services.enter_for_applicant(actor=staff["clerk"].user, applicant=applicant, item=item,
                                        form_data=GOOD_FORM)
    assert (case.channel, case.status, case.entered_by_id) == ("window", "draft", staff["clerk"].user.pk)
    confirmed = services.submit(actor=applicant.user, item=item, form_data=GOOD_FORM, idempotency_key="w",
                                draft=case, now=at("2026-02-13"))
    assert confirmed.status == "submitted"
    assert CaseEvent.objects.filter(case=case, action="submit", note="申请人确认代录申请").exists()


def test_entry_for_applicant_needs_the_role_and_the_department(applicant, item, staff):
    before = snapshot()
    with pytest.raises(PermissionDenied):
        services.enter_for_applicant(actor=staff["other_clerk"].user, applicant=applicant, item=item,
                                     form_data=GOOD_FORM)
    with pytest.raises(PermissionDenied):
        services.enter_for_applicant(actor=staff["approver"].user, applicant=applicant, item=item,
                                     form_data=GOOD_FORM)
    with pytest.raises(ValidationFailed):
        services.enter_for_applicant(actor=staff["clerk"].user, applicant=applicant, item=item,
                                     form_data=GOOD_FORM, channel="web")
    assert snapshot() == before
    hotline = services.enter_for_applicant(actor=staff["hotline"].user, applicant=applicant, item=item,
                                           form_data=GOOD_FORM, channel="hotline")
    assert hotline.channel == "hotline"


def test_self_service_submission_cannot_claim_the_window_channel(applicant, item):
    with pytest.raises(ValidationFailed):
        submit(applicant, item, channel="window")
    assert Case.objects.count() == 0


def test_staff_cannot_submit_as_an_applicant(item, staff):
    with pytest.raises(PermissionDenied):
        services.submit(actor=staff["clerk"].user, item=item, form_data=GOOD_FORM, idempotency_key="s")


def test_enterprise_applications_need_representation_or_a_grant(applicant, enterprise, item):
    rep = enterprise.legal_representative
    own = submit(rep, item, key="rep", enterprise=enterprise)
    assert own.enterprise_id == enterprise.pk
    assert own.agent_grant_id is None
    before = snapshot()
    with pytest.raises(PermissionDenied) as exc:
        submit(applicant, item, key="agent", enterprise=enterprise)
    assert exc.value.code == "CASE_NOT_AUTHORISED_FOR_ENTERPRISE"
    other_items = grant(enterprise, applicant, all_items=False, item_codes=["X" * 31])
    with pytest.raises(PermissionDenied):
        submit(applicant, item, key="agent", enterprise=enterprise)
    assert snapshot() == before
    other_items.item_codes = [item.code]
    other_items.save()
    by_agent = submit(applicant, item, key="agent", enterprise=enterprise)
    assert by_agent.agent_grant_id == other_items.pk


def test_materials_from_an_e_licence_need_not_be_submitted(applicant, item, department):
    material = MaterialFactory(item=item, e_license=True, name="营业执照")
    MaterialFactory(item=item, name="场所照片")
    license_type = LicenseType.objects.create(code=material.license_type_code, name="营业执照", holder_kind="person",
                                              defining_department="市场监管总局", fields=[])
    licence = License.objects.create(
        identifier="1.2.156.3005.2.test", license_type=license_type, serial="1", version=1, issuer=department,
        holder_person=applicant, holder_name=applicant.name, holder_index="x", issued_at=at("2026-01-05"),
        valid_from=dt.date(2026, 1, 5), signature="sig", seal_code="S1",
    )
    # the applicant's own material is uploaded to a draft; the licence one is not asked for
    draft = services.save_draft(actor=applicant.user, item=item, form_data=dict(GOOD_FORM))
    services.add_upload(actor=applicant.user, case=draft, content=png_bytes(), filename="照片.png",
                        material=item.materials.get(name="场所照片"))
    case = submit(applicant, item, draft=draft)
    linked = CaseMaterial.objects.get(case=case, kind=MaterialKind.LICENSE)
    assert (linked.license_id, linked.material_id) == (licence.pk, material.pk)


def test_define_form_refuses_an_invalid_schema(department):
    draft_item = ImplementationItemFactory(department=department, draft=True)
    form = services.define_form(item=draft_item, schema=FORM_SCHEMA, layout=LAYOUT)
    assert ItemForm.objects.get(item=draft_item).pk == form.pk
    for schema, layout in [
        ({**FORM_SCHEMA, "allOf": []}, {}),  # allOf must not be empty
        ({"type": "object", "properties": {"a": {"type": "strng"}}}, {}),
        ({"type": "object", "properties": {"a": {"type": "string", "maxLength": -1}}}, {}),
        ({"type": "array"}, {}),
        ({"type": "object", "properties": {"a": {"type": "string"}}, "required": ["b"]}, {}),
        (FORM_SCHEMA, {"prefill": {"applicant_name": "person.mobile"}}),
    ]:
        with pytest.raises(ValidationFailed) as exc:
            services.define_form(item=draft_item, schema=schema, layout=layout)
        assert exc.value.code == "CASE_FORM_SCHEMA_INVALID"
    published = ImplementationItemFactory(department=department)
    with pytest.raises(Conflict):
        services.define_form(item=published, schema=FORM_SCHEMA, layout=LAYOUT)
