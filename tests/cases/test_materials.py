"""Uploaded materials: type sniffed from the content, size limited, kept under the data dir by digest;
required materials checked at submission and after corrections, all missing ones named at once."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from django.conf import settings

from tests.cases.conftest import at, snapshot
from tests.cases.helpers import GOOD_FORM, pdf_bytes, png_bytes, with_form
from tests.catalog.factories import MaterialFactory
from zwfw.cases import services, uploads
from zwfw.cases.models import CaseMaterial, MaterialKind
from zwfw.cases.states import CaseStatus
from zwfw.core.errors import Conflict, NotFound, ValidationFailed

pytestmark = pytest.mark.django_db


@pytest.fixture
def materials(item):
    return {
        "lease": MaterialFactory(item=item, name="租赁合同", sort_order=1),
        "photo": MaterialFactory(item=item, name="场所照片", sort_order=2),
        "optional": MaterialFactory(item=item, name="其他说明", requirement="optional", sort_order=3),
        "shared": MaterialFactory(item=item, shared_data=True, name="户籍信息", sort_order=4),
    }


def draft_of(applicant, item):
    return services.save_draft(actor=applicant.user, item=with_form(item), form_data=dict(GOOD_FORM))


def test_an_upload_is_sniffed_digested_and_kept_under_the_data_dir(applicant, item, materials):
    draft = draft_of(applicant, item)
    content = pdf_bytes()
    # a PDF named .jpg and claimed as an image is still a PDF: the content decides
    upload = services.add_upload(actor=applicant.user, case=draft, content=content, filename="合同.jpg",
                                 material=materials["lease"])
    assert (upload.kind, upload.content_type, upload.size) == (MaterialKind.UPLOAD, "application/pdf", len(content))
    assert upload.sha256 == hashlib.sha256(content).hexdigest()
    kept = Path(settings.DATA_DIR) / upload.path
    assert kept.read_bytes() == content
    assert upload.path.startswith("case-materials/")
    assert services.material_content(upload) == content
    assert upload.name == "租赁合同"


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "CASE_UPLOAD_EMPTY"),
        (b"MZ\x90\x00 an executable", "CASE_UPLOAD_TYPE"),
        (b"<html><script>alert(1)</script></html>", "CASE_UPLOAD_TYPE"),
        (b"%PDF-1.7\n this is not a PDF at all", "CASE_UPLOAD_DAMAGED"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "CASE_UPLOAD_DAMAGED"),
        (b"%PDF-1.4\n" + b"0" * (uploads.MAX_UPLOAD_BYTES), "CASE_UPLOAD_TOO_LARGE"),
    ],
    ids=["empty", "exe", "html", "fake-pdf", "broken-png", "oversized"],
)
def test_a_bad_file_is_refused_with_a_clear_error_and_nothing_is_kept(applicant, item, materials, content, code):
    draft = draft_of(applicant, item)
    before = snapshot()
    files_before = sorted((Path(settings.DATA_DIR) / "case-materials").rglob("*"))
    with pytest.raises(ValidationFailed) as exc:
        services.add_upload(actor=applicant.user, case=draft, content=content, filename="a.pdf",
                            material=materials["lease"])
    assert exc.value.code == code
    assert exc.value.message  # a Chinese sentence for the applicant
    assert snapshot() == before
    assert CaseMaterial.objects.count() == 0
    assert sorted((Path(settings.DATA_DIR) / "case-materials").rglob("*")) == files_before


def test_only_the_applicant_uploads_and_only_to_a_draft_or_a_case_awaiting_corrections(
    applicant, stranger, item, materials, staff
):
    draft = draft_of(applicant, item)
    with pytest.raises(NotFound):
        services.add_upload(actor=stranger.user, case=draft, content=png_bytes(), material=materials["photo"])
    services.add_upload(actor=applicant.user, case=draft, content=pdf_bytes(), material=materials["lease"])
    services.add_upload(actor=applicant.user, case=draft, content=png_bytes(), material=materials["photo"])
    case = services.submit(actor=applicant.user, item=item, form_data=dict(GOOD_FORM), idempotency_key="k",
                           draft=draft, now=at("2026-02-13"))
    before = snapshot()
    with pytest.raises(Conflict) as exc:
        services.add_upload(actor=applicant.user, case=case, content=png_bytes(), material=materials["photo"])
    assert exc.value.code == "CASE_MATERIALS_LOCKED"
    assert snapshot() == before


def test_a_material_of_another_item_is_refused(applicant, item, materials):
    draft = draft_of(applicant, item)
    foreign = MaterialFactory(name="别的事项的材料")
    with pytest.raises(ValidationFailed) as exc:
        services.add_upload(actor=applicant.user, case=draft, content=png_bytes(), material=foreign)
    assert exc.value.code == "CASE_MATERIAL_UNKNOWN"


def test_submission_names_every_missing_required_material_at_once(applicant, item, materials):
    draft = draft_of(applicant, item)
    before = snapshot()
    with pytest.raises(ValidationFailed) as exc:
        services.submit(actor=applicant.user, item=item, form_data=dict(GOOD_FORM), idempotency_key="k", draft=draft)
    assert exc.value.code == "CASE_MATERIALS_MISSING"
    # optional materials and those fetched through data sharing are not asked for
    assert [d["reason"] for d in exc.value.details] == ["租赁合同", "场所照片"]
    assert "租赁合同、场所照片" in exc.value.message
    assert snapshot() == before  # no number taken, still a draft
    draft.refresh_from_db()
    assert (draft.status, draft.number) == (CaseStatus.DRAFT, None)


def test_a_second_upload_of_a_material_replaces_the_first_and_removal_keeps_the_record(applicant, item, materials):
    draft = draft_of(applicant, item)
    first = services.add_upload(actor=applicant.user, case=draft, content=png_bytes((10, 10)), material=materials["photo"])
    second = services.add_upload(actor=applicant.user, case=draft, content=png_bytes((20, 20)),
                                 material=materials["photo"])
    first.refresh_from_db()
    assert first.superseded_at is not None
    assert second.superseded_at is None
    services.remove_upload(actor=applicant.user, material=second)
    second.refresh_from_db()
    assert second.superseded_at is not None
    with pytest.raises(NotFound):
        services.remove_upload(actor=applicant.user, material=second)


def test_a_correction_with_a_new_upload_meets_the_notice(applicant, item, materials, staff):
    draft = draft_of(applicant, item)
    services.add_upload(actor=applicant.user, case=draft, content=pdf_bytes(), material=materials["lease"])
    photo = services.add_upload(actor=applicant.user, case=draft, content=png_bytes(), material=materials["photo"])
    case = services.submit(actor=applicant.user, item=item, form_data=dict(GOOD_FORM), idempotency_key="k",
                           draft=draft, now=at("2026-02-13"))
    services.request_corrections(actor=staff["clerk"].user, case=case,
                                 items=[{"material": "场所照片", "reason": "照片模糊"}], now=at("2026-02-13", 11))
    # removing the photo and correcting without a new one: the photo is named as missing
    services.remove_upload(actor=applicant.user, material=photo)
    with pytest.raises(ValidationFailed) as exc:
        services.correct(actor=applicant.user, case=case, now=at("2026-02-14"))
    assert [d["reason"] for d in exc.value.details] == ["场所照片"]
    services.add_upload(actor=applicant.user, case=case, content=png_bytes((64, 48)), material=materials["photo"])
    corrected = services.correct(actor=applicant.user, case=case, now=at("2026-02-14"))
    assert corrected.status == CaseStatus.SUBMITTED


def test_a_kept_file_that_changed_on_disk_is_not_served(applicant, item, materials):
    draft = draft_of(applicant, item)
    upload = services.add_upload(actor=applicant.user, case=draft, content=png_bytes((33, 17)),
                                 material=materials["photo"])
    (Path(settings.DATA_DIR) / upload.path).write_bytes(b"tampered")
    with pytest.raises(NotFound) as exc:
        services.material_content(upload)
    assert exc.value.code == "CASE_MATERIAL_MISSING"
