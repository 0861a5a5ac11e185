"""Defects of 统一电子证照 found in review, each shown through the public surface (services, the API,
the pages) and fixed: the test came first and failed on the code before the fix."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib

import pytest
import time_machine
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, FakePayload, encode_multipart
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests.catalog.factories import DepartmentFactory
from tests.identity.factories import PersonFactory
from tests.licenses import test_api
from tests.licenses.hostile.helpers import assert_clean_4xx, call
from tests.licenses.wallet_helpers import issue_residence, licence_state, license_type, signed_in
from tests.seals.conftest import make_seal, member
from zwfw.catalog.models import Department
from zwfw.core.errors import ValidationFailed
from zwfw.core.models import AuditEntry
from zwfw.identity.models import StaffRole
from zwfw.licenses import rendering, services, tasks, web
from zwfw.licenses.models import License, LicenseFile, LicenseType, LicenseUse
from zwfw.seals import services as seal_services
from zwfw.seals.models import SealUsage

pytestmark = pytest.mark.django_db

# the API tests' world (two holders, a degree with a use grant, a 居住证), fresh keys and rate limits
world = test_api.world
_fresh_keys_and_limits = test_api._fresh_keys_and_limits


def suspend(people, seal, reason="印章遗失，暂停使用"):
    seal_services.set_seal_status(
        actor=people["dept_admin"].user, seal=seal, status="suspended", reason=reason
    )


def seal_uses() -> list:
    return list(SealUsage.objects.order_by("id").values_list("id", flat=True))


def run_worker() -> None:
    """What `zwfw worker` does with the jobs that are due, in its order, inside the test's transaction
    (the db_worker command closes the database connection when it ends, which on PostgreSQL is the
    test's own): each job's task with its arguments, marked done as the worker marks it."""
    while (job := DBTaskResult.objects.ready().first()) is not None:
        job.claim("test")
        job.set_successful(job.task.call(*job.args_kwargs["args"], **job.args_kwargs["kwargs"]))


# --- 1. the licence file is made after issuance, so a later seal suspension does not lose it --------


@pytest.fixture
def no_sweep_queued(node_address):
    """No file sweep queued by this process yet (the gate lives in the shared cache)."""
    cache.delete(SWEEP_GATE)
    yield
    cache.delete(SWEEP_GATE)


NODE = "https://zwfw.zj.example.gov.cn"


@pytest.fixture
def node_address(settings):
    """The node's public address (ZWFW_BASE_URL), which the files' QR codes link to."""
    settings.BASE_URL = NODE


SWEEP_GATE = "zwfw:licenses:file-sweep"


def test_issuance_queues_the_file_and_the_holder_downloads_it_after_the_seal_is_suspended(
    seal, people, department, django_capture_on_commit_callbacks, no_sweep_queued
):
    holder = PersonFactory()
    # when a licence is issued, a sweep of the files from it is queued after the commit (not made
    # in the request)
    with django_capture_on_commit_callbacks(execute=True):
        licence = issue_residence(people, department, holder)
    job = DBTaskResult.objects.get()
    assert job.task_path == "zwfw.licenses.tasks.render_license_files"
    assert job.args_kwargs == {"args": [licence.pk], "kwargs": {}}
    assert not LicenseFile.objects.exists()
    # and the worker makes it, signed while the seal was usable
    run_worker()
    made = LicenseFile.objects.get(license=licence)
    # then after the seal is suspended the holder still downloads it, on the page and by the API
    suspend(people, seal)
    client = signed_in(holder.user)
    page = client.get(f"/licenses/wallet/{licence.identifier}/file.pdf")
    api = client.get(f"/api/v1/licenses/wallet/{licence.identifier}/file")
    assert (page.status_code, api.status_code) == (200, 200)
    assert page.content == api.content == bytes(made.pdf)


def test_a_replayed_issuance_queues_nothing_more(
    seal, people, department, django_capture_on_commit_callbacks, no_sweep_queued
):
    holder = PersonFactory()
    surface = {"issue_date": "2026-12-01"}
    kwargs = {
        "issuer": services.Issuer(user=people["approver"].user),
        "license_type": license_type("居住证"),
        "department": department,
        "holder": holder,
        "surface": surface,
        "idempotency_key": "k-1",
    }
    with django_capture_on_commit_callbacks(execute=True):
        first = services.issue_license(**kwargs)
    cache.delete(SWEEP_GATE)  # so that a replay that queued a sweep would show
    with django_capture_on_commit_callbacks(execute=True):
        again = services.issue_license(**kwargs)
    assert again == first
    assert DBTaskResult.objects.count() == 1


def test_one_sweep_makes_the_files_of_every_licence_issued_while_the_gate_was_shut(
    seal, people, department, django_capture_on_commit_callbacks, no_sweep_queued
):
    # when three licences are issued within the gate's half minute
    with django_capture_on_commit_callbacks(execute=True):
        licences = [issue_residence(people, department, PersonFactory()) for _ in range(3)]
    # then one sweep was queued, from the first
    job = DBTaskResult.objects.get()
    assert job.args_kwargs == {"args": [licences[0].pk], "kwargs": {}}
    # and it makes all three files, then queues one more look a minute later, from after the last
    run_worker()
    assert set(LicenseFile.objects.values_list("license_id", flat=True)) == {
        licence.pk for licence in licences
    }
    later = DBTaskResult.objects.exclude(pk=job.pk).get()
    assert later.args_kwargs == {"args": [licences[-1].pk + 1], "kwargs": {}}
    assert (
        timezone.now() + dt.timedelta(seconds=50)
        < later.run_after
        < timezone.now() + dt.timedelta(seconds=70)
    )
    # which, run, finds nothing and queues nothing more
    assert tasks.render_license_files.call(licences[-1].pk + 1) == {"made": 0, "refused": 0}
    assert DBTaskResult.objects.count() == 2


def test_a_full_sweep_queues_the_next_batch_at_once(seal, people, department, monkeypatch, node_address):
    monkeypatch.setattr(tasks, "FILES_PER_SWEEP", 2)
    licences = [issue_residence(people, department, PersonFactory()) for _ in range(3)]
    assert tasks.render_license_files.call(licences[0].pk) == {"made": 2, "refused": 0}
    queued = DBTaskResult.objects.get()
    assert queued.args_kwargs == {"args": [licences[1].pk + 1], "kwargs": {}}
    assert queued.run_after.year == 9999  # the database backend's "no time set": runnable at once


def test_the_worker_made_file_links_its_qr_code_to_the_node_address(
    seal, people, department, django_capture_on_commit_callbacks, no_sweep_queued, monkeypatch
):
    encoded = []
    real_make = rendering.segno.make

    def recording_make(content, **kwargs):  # what the page's QR code encodes, then the real code
        encoded.append(content)
        return real_make(content, **kwargs)

    monkeypatch.setattr(rendering.segno, "make", recording_make)
    with django_capture_on_commit_callbacks(execute=True):
        licence = issue_residence(people, department, PersonFactory())
    run_worker()
    made = LicenseFile.objects.get(license=licence)
    assert encoded == [f"{NODE}/licenses/verify/?identifier={licence.identifier}"]
    assert tasks.render_license_files.call(licence.pk) == {"made": 0, "refused": 0}  # made once
    assert LicenseFile.objects.get(license=licence).pk == made.pk


def test_without_a_node_address_nothing_is_queued_and_the_first_download_makes_the_file(
    seal, people, department, django_capture_on_commit_callbacks, settings
):
    settings.BASE_URL = ""
    cache.delete(SWEEP_GATE)
    holder = PersonFactory()
    with django_capture_on_commit_callbacks(execute=True):
        licence = issue_residence(people, department, holder)
    assert not DBTaskResult.objects.exists()
    # a sweep queued before the address was unset makes nothing either (its links would be relative)
    assert tasks.render_license_files.call(licence.pk) == {"made": 0, "refused": 0}
    assert signed_in(holder.user).get(f"/api/v1/licenses/wallet/{licence.identifier}/file").status_code == 200
    assert LicenseFile.objects.filter(license=licence).exists()


def test_a_file_that_fails_for_another_reason_does_not_stop_the_others(
    seal, people, department, monkeypatch, node_address
):
    licences = [issue_residence(people, department, PersonFactory()) for _ in range(2)]
    real = rendering.render_license_pdf

    def broken_for_the_first(license, **kwargs):
        if license.pk == licences[0].pk:
            raise OSError("font file unreadable")
        return real(license, **kwargs)

    monkeypatch.setattr(rendering, "render_license_pdf", broken_for_the_first)
    assert tasks.render_license_files.call(licences[0].pk) == {"made": 1, "refused": 1}
    assert list(LicenseFile.objects.values_list("license_id", flat=True)) == [licences[1].pk]


def test_a_new_version_queues_its_file_too(
    seal, people, department, django_capture_on_commit_callbacks, no_sweep_queued
):
    licence = issue_residence(people, department, PersonFactory())
    cache.delete(SWEEP_GATE)
    with django_capture_on_commit_callbacks(execute=True):
        fresh = services.new_version(
            issuer=services.Issuer(user=people["approver"].user),
            license=licence,
            renew=True,
            reason="到期延续",
        )
    job = DBTaskResult.objects.get()
    assert job.args_kwargs == {"args": [fresh.pk], "kwargs": {}}
    run_worker()
    assert LicenseFile.objects.filter(license=fresh).exists()


def test_no_file_yet_and_an_unusable_seal_is_a_clear_409_on_the_page_and_the_api(seal, people, department):
    holder = PersonFactory()
    licence = issue_residence(people, department, holder)  # the queued job has not run
    suspend(people, seal)
    before, uses = licence_state(), seal_uses()
    client = signed_in(holder.user)
    page = client.get(f"/licenses/wallet/{licence.identifier}/file.pdf")
    assert page.status_code == 409
    assert "证照文件暂时无法生成" in page.content.decode()
    body = assert_clean_4xx(client.get(f"/api/v1/licenses/wallet/{licence.identifier}/file"), {409})
    assert body["code"] == "LICENSE_FILE_UNAVAILABLE"
    assert "证照文件暂时无法生成" in body["message"]
    assert not LicenseFile.objects.exists()
    assert (licence_state(), seal_uses()) == (before, uses)


def test_the_job_leaves_a_licence_whose_seal_became_unusable_without_a_file(
    seal, people, department, node_address
):
    licence = issue_residence(people, department, PersonFactory())
    suspend(people, seal)
    assert tasks.render_license_files.call(licence.pk) == {"made": 0, "refused": 1}
    assert not LicenseFile.objects.exists()


# --- 2. a Verifiable Credential is a use of the seal: checked and recorded --------------------------


def test_a_credential_is_not_signed_with_a_suspended_seal(world, people, seal):
    suspend(people, seal)
    before, uses = licence_state(), seal_uses()
    identifier = world["degree"].identifier
    body = assert_clean_4xx(
        world["alice_client"].get(f"/api/v1/licenses/wallet/{identifier}/credential"), {409}
    )
    assert body["code"] == "LICENSE_CREDENTIAL_UNAVAILABLE"
    assert "可验证凭证暂时无法导出" in body["message"]
    assert body["details"]["reason"] == "SEAL_NOT_ACTIVE"
    page = world["alice_client"].get(f"/licenses/wallet/{identifier}/credential.jwt")
    assert page.status_code == 409
    assert "可验证凭证暂时无法导出" in page.content.decode()
    assert (licence_state(), seal_uses()) == (before, uses)


def test_a_credential_export_is_a_recorded_seal_use(world, seal):
    before = seal_uses()
    identifier = world["degree"].identifier
    response = world["alice_client"].get(f"/api/v1/licenses/wallet/{identifier}/credential")
    assert response.status_code == 200
    usage = SealUsage.objects.exclude(pk__in=before).get()
    payload = response.content.decode().split(".")[1]
    signed = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    assert (usage.seal, usage.format, usage.digest_algorithm) == (seal, "jws", "sha256")
    assert usage.document_digest == hashlib.sha256(signed).hexdigest()
    assert identifier in usage.purpose
    assert usage.used_by_label == "licenses:credential"
    assert AuditEntry.objects.filter(action="seals.use.jws", details__usage=usage.pk).exists()


# --- 3. a holder registered with a passport (or a permit) holds licences ----------------------------


@pytest.mark.parametrize(
    ("document_type", "number"),
    [("passport", "E12345678"), ("hk_macao_permit", "H1234567801"), ("foreign_pr", "USA330808150001")],
)
def test_a_holder_with_another_document_gets_a_licence_with_that_number(
    seal, people, department, document_type, number
):
    holder = PersonFactory(document_type=document_type, document_number=number)
    response = call(
        signed_in(people["approver"].user),
        "post",
        "/issue",
        {
            "type_code": license_type("居住证").code,
            "holder_document_type": document_type,
            "holder_document_number": number,
            "surface": {"issue_date": "2026-12-01"},
            "idempotency_key": "k-1",
        },
    )
    assert response.status_code == 201, response.content
    licence = License.objects.get(identifier=response.json()["identifier"])
    assert licence.holder_person == holder
    assert services.surface_of(licence)["holder_id"] == number


def test_a_document_number_is_still_checked_by_its_type(seal, people, department):
    passport = PersonFactory(document_type="passport", document_number="E12345678")
    resident = PersonFactory()
    residence = license_type("居住证")
    issuer = services.Issuer(user=people["approver"].user)
    before = licence_state()
    # a passport number of the wrong form, and a resident ID whose check character is wrong
    for holder, given, words in (
        (passport, "E1234-5678", "不是有效的护照号码"),
        (
            resident,
            resident.document_number[:17] + ("0" if resident.document_number[17] != "0" else "1"),
            "不是有效的公民身份号码",
        ),
    ):
        with pytest.raises(ValidationFailed) as refused:
            services.issue_license(
                issuer=issuer,
                license_type=residence,
                department=department,
                holder=holder,
                surface={"issue_date": "2026-12-01", "holder_id": given},
            )
        assert words in refused.value.message
        assert refused.value.details == {"field": "surface.holder_id"}
    assert licence_state() == before


# --- 4. a type is issued only by the kinds of department the catalogue names -------------------------


def test_a_department_issues_only_the_types_of_its_kind(real_catalogue, seal, people, department):
    holder = PersonFactory()
    before = licence_state()
    body = {
        "type_code": license_type("居住证").code,
        "holder_document_type": "resident_id",
        "holder_document_number": holder.document_number,
        "surface": {"issue_date": "2026-12-01"},
        "idempotency_key": "k-1",
    }
    # the market regulator issues no 居住证 (公安机关 do), neither by the API nor on the workbench
    refused = assert_clean_4xx(call(signed_in(people["approver"].user), "post", "/issue", body), {403})
    assert refused["code"] == "LICENSE_ISSUER_KIND"
    assert "“居住证”" in refused["message"]
    assert "公安机关" in refused["message"]
    form = {
        "type_code": body["type_code"],
        "holder_document_type": "resident_id",
        "holder_document_number": holder.document_number,
        "f_issue_date": "2026-12-01",
        "idempotency_key": "k-2",
    }
    page = signed_in(people["approver"].user).post("/licenses/workbench/issue/", form)
    assert page.status_code == 403
    assert "“居住证”" in page.content.decode()
    assert licence_state() == before
    # the workbench offers only the types the department issues
    listing = signed_in(people["approver"].user).get("/licenses/workbench/issue/").content.decode()
    assert f'value="{license_type("营业执照").code}"' in listing
    assert f'value="{license_type("居住证").code}"' not in listing


def test_a_kind_the_table_does_not_know_restricts_nothing(real_catalogue, seal, people, department):
    # a type whose kind was typed in the admin (not one of ISSUER_KIND_WORDS): the market regulator's
    # approver issues it, as any department's would, rather than nobody at all
    residence = license_type("居住证")
    LicenseType.objects.filter(pk=residence.pk).update(
        issuing_department_kinds=["设区的市级人民政府指定部门"]
    )
    residence.refresh_from_db()
    licence = services.issue_license(
        issuer=services.Issuer(user=people["approver"].user),
        license_type=residence,
        department=department,
        holder=PersonFactory(),
        surface={"issue_date": "2026-12-01"},
    )
    assert licence.issuer == department


def test_a_police_department_issues_a_residence_permit(real_catalogue, people, node_pki):
    police = DepartmentFactory(name="杭州市公安局", region_code="330100")
    make_seal(people, police)
    approver = member(StaffRole.APPROVER, department=police)
    licence = services.issue_license(
        issuer=services.Issuer(user=approver.user),
        license_type=license_type("居住证"),
        department=police,
        holder=PersonFactory(),
        surface={"issue_date": "2026-12-01"},
    )
    assert licence.issuer == police
    # a type whose catalogue entry names no kind is issued by any department
    residence = license_type("居民户口簿")
    residence.issuing_department_kinds = []
    residence.save(update_fields=["issuing_department_kinds"])
    assert services.may_issue(license_type=residence, department=people["approver"].department)


def test_the_demo_departments_issue_the_demo_licences():
    from tests.licenses.conftest import REAL_LICENSE_TYPES
    from zwfw.demo.catalog_data.departments import DEPARTMENTS
    from zwfw.demo.licenses import DEMO_LICENSES

    kinds = {row["name"]: row["issuers"] for row in REAL_LICENSE_TYPES}
    names = {row["credit_code"]: row["name"] for row in DEPARTMENTS}
    for _holder, type_name, issuer_code, _surface in DEMO_LICENSES:
        license_type, department = (
            LicenseType(name=type_name, issuing_department_kinds=kinds[type_name]),
            Department(name=names[issuer_code]),
        )
        assert services.may_issue(license_type=license_type, department=department), (
            type_name,
            department.name,
        )


# --- 5. only issuing staff list the department's licences --------------------------------------------


def test_only_issuing_staff_and_department_admins_list_the_issued_licences(world, people):
    for user in (world["alice"].user, people["clerk"].user, people["platform"].user):
        refused = assert_clean_4xx(call(signed_in(user), "get", "/issued"), {403})
        assert refused["code"] == "LICENSE_ISSUER_FORBIDDEN"
    for who in ("approver", "dept_admin"):
        listed = call(signed_in(people[who].user), "get", "/issued")
        assert listed.status_code == 200
        assert listed.json()["total"] == 2


# --- 6. a grant to a department since deactivated fetches nothing -------------------------------------


def test_a_grant_to_a_deactivated_department_fetches_nothing(world, people, other_department):
    fetcher = signed_in(people["other_approver"].user)
    body = {"identifier": world["degree"].identifier, "purpose": "办理人才落户"}
    assert call(fetcher, "post", "/fetch", body).status_code == 200
    uses = LicenseUse.objects.count()
    # the operator deactivates the department (admin)
    Department.objects.filter(pk=other_department.pk).update(is_active=False)
    refused = assert_clean_4xx(call(fetcher, "post", "/fetch", body), {404})
    assert refused["code"] == "LICENSE_NOT_FOUND"
    assert LicenseUse.objects.count() == uses


# --- 7. a licence past its validity is expired for the lifecycle actions too --------------------------


def test_a_licence_past_its_validity_is_not_suspended_or_changed_before_the_expiry_job(
    seal, people, department
):
    today = timezone.localdate()
    licence = services.issue_license(
        issuer=services.Issuer(user=people["approver"].user),
        license_type=license_type("居住证"),
        department=department,
        holder=PersonFactory(),
        surface={"issue_date": "2025-11-01"},
        valid_from=today - dt.timedelta(days=400),
    )
    assert (licence.status, licence.valid_until < today) == ("valid", True)  # the daily job has not run
    client = signed_in(people["approver"].user)
    before = licence_state()
    for action in ("suspend", "cancel", "revoke"):
        refused = assert_clean_4xx(
            call(client, "post", f"/{licence.identifier}/status", {"action": action, "reason": "核查"}), {409}
        )
        assert "已过期" in refused["message"]
    refused = assert_clean_4xx(
        call(
            client,
            "post",
            f"/{licence.identifier}/versions",
            {"surface": {"address": "杭州市上城区"}, "reason": "地址变更"},
        ),
        {409},
    )
    assert "已过期" in refused["message"]
    page = client.post(
        f"/licenses/workbench/{licence.identifier}/status/", {"action": "suspend", "reason": "核查"}
    )
    assert page.status_code == 409
    assert licence_state() == before
    # 延续 is what an expired licence allows
    renewed = call(client, "post", f"/{licence.identifier}/versions", {"renew": True, "reason": "到期延续"})
    assert renewed.status_code == 201
    assert renewed.json()["valid_from"] == today.isoformat()


# --- 8. the PDF checks are rate-limited before the upload is read --------------------------------------


class CountedPayload(FakePayload):
    """A request body that counts how much of it was read."""

    def __init__(self, content: bytes) -> None:
        super().__init__(content)
        self.bytes_read = 0

    def read(self, size=-1, /):
        data = super().read(size)
        self.bytes_read += len(data)
        return data

    def readline(self, size=-1, /):
        data = super().readline(size)
        self.bytes_read += len(data)
        return data


def _post_pdf(client: Client, path: str, **extra) -> tuple:
    body = encode_multipart(BOUNDARY, {"file": SimpleUploadedFile("l.pdf", b"%PDF-1.7 " + b"x" * 200_000)})
    payload = CountedPayload(body)
    response = client.generic(
        "POST", path, body, content_type=MULTIPART_CONTENT, **{"wsgi.input": payload}, **extra
    )
    return response, payload


def browser() -> tuple[Client, dict]:
    """A client that keeps to CSRF, as a browser does: the token from the page's cookie in a header."""
    client = Client(enforce_csrf_checks=True)
    client.get("/licenses/verify/")
    return client, {"HTTP_X_CSRFTOKEN": client.cookies["csrftoken"].value}


@pytest.mark.parametrize("path", ["/api/v1/licenses/verify/pdf", "/licenses/verify/"])
def test_a_pdf_check_over_the_rate_limit_is_refused_before_the_upload_is_read(world, monkeypatch, path):
    monkeypatch.setattr(web, "PUBLIC_CHECKS_PER_MINUTE", 1)
    with time_machine.travel(timezone.now(), tick=False):
        client, token = browser()
        response, payload = _post_pdf(client, path, **token)  # the one check of the minute reads its file
        assert response.status_code == 400  # not a PDF
        assert payload.bytes_read > 200_000
        # the next is refused before its body is read (the page's CSRF check would read it too)
        response, payload = _post_pdf(client, path, **token)
        assert response.status_code == 429
        text = response.json()["message"] if path.startswith("/api/") else response.content.decode()
        assert "每分钟最多1次" in text
        assert payload.bytes_read == 0


def test_the_verify_page_still_refuses_a_post_without_its_csrf_token(world):
    client, _ = browser()
    response, _ = _post_pdf(client, "/licenses/verify/")
    assert response.status_code == 403
