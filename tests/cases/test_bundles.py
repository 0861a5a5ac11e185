"""一件事一次办: one merged form (shared fields once), one set of materials, one submission fanning out
into linked cases, and a combined status."""

from __future__ import annotations

import pytest

from tests.cases.conftest import at, member, snapshot
from tests.cases.helpers import png_bytes
from tests.catalog.factories import DepartmentFactory, ImplementationItemFactory, MaterialFactory
from zwfw.cases import bundles, selectors, services
from zwfw.cases.models import BundleApplication, Case, CaseMaterial, ItemForm, LifeEvent, MaterialKind
from zwfw.cases.states import CaseStatus
from zwfw.core.errors import Conflict, NotFound, ValidationFailed
from zwfw.identity.models import StaffRole

pytestmark = pytest.mark.django_db

BABY = {"type": "string", "title": "新生儿姓名", "minLength": 2}
BIRTH = {"type": "string", "title": "出生日期", "format": "date"}


@pytest.fixture
def newborn(department, other_department):
    """新生儿出生一件事: 出生登记 (户籍), 医保参保 and 社保卡申领, sharing the baby's name and birth date."""
    third = DepartmentFactory(name="杭州市人力资源和社会保障局", region_code="330100")
    items = []
    for n, (dept, name, extra) in enumerate([
        (department, "出生登记", {"hospital": {"type": "string", "title": "出生医院"}}),
        (other_department, "城乡居民医保参保登记", {"insured_place": {"type": "string", "title": "参保地"}}),
        (third, "社会保障卡申领", {}),
    ], 1):
        item = ImplementationItemFactory(department=dept, region_code="330100", name=name,
                                         code=f"{dept.credit_code}{n:013d}")
        ItemForm.objects.create(item=item, layout={"prefill": {"guardian": "person.name"}}, schema={
            "type": "object",
            "properties": {"guardian": {"type": "string", "title": "监护人"}, "baby_name": BABY,
                           "birth_date": BIRTH, **extra},
            "required": ["baby_name", "birth_date", *extra],
            "additionalProperties": False,
        })
        MaterialFactory(item=item, name="出生医学证明")  # the same material in every item
        items.append(item)
    MaterialFactory(item=items[2], name="新生儿照片")
    event = LifeEvent.objects.create(code="newborn", name="新生儿出生一件事", audience="person", region_code="330100")
    for n, item in enumerate(items):
        event.entries.create(item_code=item.code, sort_order=n)
    return event


GOOD = {"baby_name": "张小宝", "birth_date": "2026-02-10", "hospital": "浙江大学医学院附属妇产科医院", "insured_place": "西湖区"}


def files():
    return {"出生医学证明": png_bytes((50, 40)), "新生儿照片": png_bytes((30, 40))}


def test_the_merged_form_asks_a_shared_field_once_and_each_material_once(newborn):
    merged = bundles.bundle_form(newborn)
    assert list(merged.schema["properties"]) == ["guardian", "baby_name", "birth_date", "hospital", "insured_place"]
    assert set(merged.shared_fields) == {"guardian", "baby_name", "birth_date"}
    assert sorted(merged.schema["required"]) == ["baby_name", "birth_date", "hospital", "insured_place"]
    assert [(m.name, len(m.items)) for m in merged.materials] == [("出生医学证明", 3), ("新生儿照片", 1)]


def test_one_submission_makes_linked_cases_with_one_set_of_materials(applicant, newborn):
    bundle = bundles.submit_bundle(actor=applicant.user, event=newborn, form_data=dict(GOOD), files=files(),
                                   idempotency_key="b-1", now=at("2026-02-13"))
    cases = list(Case.objects.filter(bundle=bundle).order_by("id"))
    assert [c.item.name for c in cases] == ["出生登记", "城乡居民医保参保登记", "社会保障卡申领"]
    assert {c.status for c in cases} == {CaseStatus.SUBMITTED}
    assert len({c.number for c in cases}) == 3
    # each case holds only its own fields; the shared ones were asked once
    assert cases[0].form_data == {"guardian": applicant.name, "baby_name": "张小宝", "birth_date": "2026-02-10",
                                  "hospital": GOOD["hospital"]}
    assert "hospital" not in cases[1].form_data
    # the one upload of 出生医学证明 serves all three cases, stored once
    certificates = CaseMaterial.objects.filter(name="出生医学证明", kind=MaterialKind.UPLOAD)
    assert certificates.count() == 3
    assert len(set(certificates.values_list("path", flat=True))) == 1
    # a replay returns the same bundle
    again = bundles.submit_bundle(actor=applicant.user, event=newborn, form_data=dict(GOOD), files=files(),
                                  idempotency_key="b-1", now=at("2026-02-13"))
    assert again.pk == bundle.pk
    assert Case.objects.count() == 3


def test_the_combined_status_follows_the_linked_cases(applicant, newborn, department, other_department):
    bundle = bundles.submit_bundle(actor=applicant.user, event=newborn, form_data=dict(GOOD), files=files(),
                                   idempotency_key="b-1", now=at("2026-02-13"))
    assert bundles.bundle_status(bundle).label == "办理中（已办结0/3项）"
    for case in bundle.cases.all():
        clerk = member(case.department, StaffRole.WINDOW_CLERK)
        approver = member(case.department, StaffRole.APPROVER)
        services.accept(actor=clerk.user, case=case, now=at("2026-02-13", 15))
        services.decide(actor=approver.user, case=case, approve=True, now=at("2026-02-16"))
    status = bundles.bundle_status(bundle)
    assert (status.status, status.label, status.done) == ("completed", "已全部办结", 3)
    assert selectors.bundle_of_applicant(person=applicant, public_id=bundle.public_id) == bundle


@pytest.mark.parametrize("fault", ["form", "missing file", "wrong file", "unknown material", "no key"])
def test_a_bad_bundle_makes_no_case_at_all(applicant, newborn, fault):
    form, given, key = dict(GOOD), files(), "b-1"
    if fault == "form":
        form["birth_date"] = "2026-13-40"
    elif fault == "missing file":
        del given["新生儿照片"]  # the third item needs it: the first two cases must not stay behind
    elif fault == "wrong file":
        given["新生儿照片"] = b"GIF89a not accepted"
    elif fault == "unknown material":
        given["营业执照"] = png_bytes()
    else:
        key = " "
    before = snapshot()
    with pytest.raises(ValidationFailed):
        bundles.submit_bundle(actor=applicant.user, event=newborn, form_data=form, files=given, idempotency_key=key)
    assert snapshot() == before
    assert BundleApplication.objects.count() == 0


def test_the_same_key_with_another_request_is_a_conflict(applicant, newborn):
    bundles.submit_bundle(actor=applicant.user, event=newborn, form_data=dict(GOOD), files=files(), idempotency_key="k")
    with pytest.raises(Conflict) as exc:
        bundles.submit_bundle(actor=applicant.user, event=newborn, form_data={**GOOD, "baby_name": "李小宝"},
                              files=files(), idempotency_key="k")
    assert exc.value.code == "CASE_IDEMPOTENCY_CONFLICT"


def test_an_event_with_an_unpublished_item_cannot_be_applied_for(applicant, newborn):
    newborn.entries.create(item_code="NO-SUCH-ITEM", sort_order=9)
    with pytest.raises(Conflict) as exc:
        bundles.bundle_form(newborn)
    assert exc.value.code == "BUNDLE_ITEM_UNAVAILABLE"
    with pytest.raises(NotFound):
        bundles.published_event("no-such-event")


def test_a_stranger_does_not_see_anothers_bundle(applicant, stranger, newborn):
    bundle = bundles.submit_bundle(actor=applicant.user, event=newborn, form_data=dict(GOOD), files=files(),
                                   idempotency_key="k")
    with pytest.raises(NotFound):
        selectors.bundle_of_applicant(person=stranger, public_id=bundle.public_id)
    assert list(selectors.bundles_of_applicant(stranger)) == []
