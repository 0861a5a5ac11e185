"""Signing and verification: data (JWS ES256, SES_Signature SM2) and PDFs (PAdES), checked with our
verifier and with tools zwfw did not write: pyhanko's validator, poppler's pdfsig, pdftoppm."""

from __future__ import annotations

import base64
import datetime as dt
import io
import subprocess
from pathlib import Path

import pytest
import time_machine
from asn1crypto import x509 as asn1_x509
from cryptography import x509 as crypto_x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.hashes import SHA256
from django.db import transaction
from django.db.transaction import TransactionManagementError
from django.utils import timezone
from PIL import Image
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from tests.seals.conftest import make_seal, sample_pdf
from zwfw.core import audit
from zwfw.core.errors import Conflict, PermissionDenied, ValidationFailed
from zwfw.core.models import AuditEntry
from zwfw.seals import gm, pki, services, ses, signing, verification
from zwfw.seals.models import KeyAlgorithm, Seal, SealUsage

pytestmark = pytest.mark.django_db

DATA = "申请人：杭州示例科技有限公司；事项：食品经营许可".encode()


def by(staff):
    return signing.SigningActor(user=staff.user)


# --- data signatures -------------------------------------------------------------------------------


def test_jws_signature_verifies_and_is_recorded(seal, people):
    # when the department's approver signs data with ES256
    result = signing.sign_data(actor=by(people["approver"]), seal=seal, data=DATA, purpose="许可决定", fmt="jws")
    # then the detached JWS verifies with the seal's certificate outside zwfw's verifier too
    header_b64, empty, signature_b64 = result.signature.split(".")
    assert empty == ""
    leaf = crypto_x509.load_der_x509_certificate(bytes(seal.ecdsa_certificate))
    raw = base64.urlsafe_b64decode(signature_b64 + "==")
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    payload = base64.urlsafe_b64encode(DATA).rstrip(b"=").decode()
    leaf.public_key().verify(der, f"{header_b64}.{payload}".encode(), ec.ECDSA(SHA256()))
    # and zwfw's verifier reports the seal, active then and now
    report = verification.verify_data(fmt="jws", signature=result.signature, data=DATA)
    assert (report.valid, report.code, report.seal_code) == (True, "VALID", seal.code)
    assert (report.status_at_signing, report.status_now) == ("active", "active")
    # and the use is recorded with the digest, who and why
    usage = SealUsage.objects.get()
    assert (usage.format, usage.digest_algorithm, usage.purpose) == ("jws", "sha256", "许可决定")
    assert usage.used_by == people["approver"].user
    assert usage.document_digest == result.digest


@pytest.mark.parametrize("fmt", ["jws", "ses"])
def test_signing_several_items_under_one_lock_signs_records_and_audits_each_as_one_signature(seal, people, fmt):
    # given three pieces of data and what the caller writes for each once they are signed
    items = [signing.ToSign(data=DATA + bytes([n]), purpose=f"许可决定 {n}") for n in range(3)]
    handed: list[list[signing.DataSignature]] = []
    audited_before = AuditEntry.objects.count()

    def then(signatures):
        handed.append(signatures)
        return [[audit.NewEntry(actor="system", action="x.signed", object_type="t", object_id=n)] for n in range(3)]

    # when they are signed together under one lock
    with transaction.atomic():
        locked = signing.lock_seal(actor=by(people["approver"]), seal=seal, batch=True)
        signatures = locked.sign_many(items, fmt=fmt, then=then)
    # then each signature verifies over its own data, and its use is recorded (用章记录) in the batch
    assert handed == [signatures]
    for item, signature in zip(items, signatures, strict=True):
        report = verification.verify_data(fmt=fmt, signature=signature.signature, data=item.data)
        assert (report.valid, report.seal_code) == (True, seal.code)
    usages = list(SealUsage.objects.order_by("id"))
    assert [(usage.pk, usage.purpose, usage.document_digest, usage.format) for usage in usages] == [
        (signature.usage_id, item.purpose, signature.digest, fmt) for item, signature in zip(items, signatures, strict=True)
    ]
    assert len({usage.batch for usage in usages}) == 1
    assert usages[0].batch is not None
    # and each use is audited as sign() audits it, followed by the caller's entries, in one chain
    entries = list(AuditEntry.objects.order_by("seq")[audited_before:])
    assert [(entry.action, entry.object_id) for entry in entries] == [
        pair for n in range(3) for pair in ((f"seals.use.{fmt}", seal.code), ("x.signed", str(n)))
    ]
    algorithm = "sha256" if fmt == "jws" else "sm3"
    assert [entry.details for entry in entries[::2]] == [
        {"digest": f"{algorithm}:{usage.document_digest}", "purpose": usage.purpose, "usage": usage.pk} for usage in usages
    ]
    assert audit.verify_chain().ok is True


@pytest.mark.django_db(transaction=True)
def test_a_seal_is_locked_only_inside_a_transaction_with_its_keys_and_without_its_image(
    seal, people, django_assert_num_queries
):
    with pytest.raises(TransactionManagementError):
        signing.lock_seal(actor=by(people["approver"]), seal=seal)
    with transaction.atomic():
        locked = signing.lock_seal(actor=by(people["approver"]), seal=seal)
        with django_assert_num_queries(0):  # the keys came with the seal
            assert (locked.seal.ecdsa_key.pk, locked.seal.sm2_key.pk) == (seal.ecdsa_key_id, seal.sm2_key_id)
        assert locked.seal.get_deferred_fields() == {"image_png", "image_svg"}  # loaded only if asked for
        assert bytes(locked.seal.image_png) == bytes(seal.image_png)
    with pytest.raises(Seal.DoesNotExist), transaction.atomic():
        signing.lock_seal(actor=by(people["approver"]), seal=Seal(pk=seal.pk + 1000))


def test_signing_several_items_refuses_them_all_for_one_bad_item_and_records_nothing(seal, people):
    items = [signing.ToSign(data=DATA, purpose="许可决定"), signing.ToSign(data=b"", purpose="许可决定")]
    audited_before = AuditEntry.objects.count()
    with pytest.raises(ValidationFailed) as info, transaction.atomic():
        signing.lock_seal(actor=by(people["approver"]), seal=seal).sign_many(items, fmt="jws")
    assert info.value.code == "SEAL_DATA_EMPTY"
    assert (SealUsage.objects.count(), AuditEntry.objects.count()) == (0, audited_before)


def test_signing_several_items_makes_them_all_at_one_moment_checked_once(seal, people, monkeypatch):
    # given a seal valid for one more minute, and a clock that passes its end after the first signature
    start = timezone.now()
    Seal.objects.filter(pk=seal.pk).update(valid_to=start + dt.timedelta(minutes=1))
    items = [signing.ToSign(data=DATA + bytes([n]), purpose=f"许可决定 {n}") for n in range(3)]
    sign = signing.jws_sign
    with time_machine.travel(start, tick=False) as clock, transaction.atomic():

        def slow_signing(**kwargs):
            clock.move_to(start + dt.timedelta(minutes=2))
            return sign(**kwargs)

        monkeypatch.setattr(signing, "jws_sign", slow_signing)
        locked = signing.lock_seal(actor=by(people["approver"]), seal=seal, batch=True)
        # when they are signed together
        signatures = locked.sign_many(items, fmt="jws")
    # then all of them are made at the one moment the seal was checked at, inside its validity
    assert [signature.signed_at for signature in signatures] == [start] * 3
    assert list(SealUsage.objects.order_by("id").values_list("signed_at", flat=True)) == [start] * 3


def test_signing_several_items_after_the_seals_validity_refuses_them_all_and_records_nothing(seal, people):
    items = [signing.ToSign(data=DATA + bytes([n]), purpose=f"许可决定 {n}") for n in range(3)]
    audited_before = AuditEntry.objects.count()
    with transaction.atomic():
        locked = signing.lock_seal(actor=by(people["approver"]), seal=seal)
        # the seal's validity ends after the lock checked it, before the items are signed
        ended = timezone.now() - dt.timedelta(microseconds=1)
        Seal.objects.filter(pk=seal.pk).update(valid_to=ended)
        locked.seal.valid_to = ended
        with pytest.raises(Conflict) as info:
            locked.sign_many(items, fmt="jws")
    assert info.value.code == "SEAL_EXPIRED"
    assert (SealUsage.objects.count(), AuditEntry.objects.count()) == (0, audited_before)


def test_ses_signature_verifies_and_parses(seal, people):
    result = signing.sign_data(actor=by(people["approver"]), seal=seal, data=DATA, purpose="许可决定", fmt="ses")
    der = base64.b64decode(result.signature)
    summary = ses.parse_signature(der)
    assert summary["es_id"] == seal.code
    assert summary["data_hash"] == gm.sm3(DATA).hex() == result.digest
    report = verification.verify_data(fmt="ses", signature=result.signature, data=DATA)
    assert (report.valid, report.code, report.seal_code) == (True, "VALID", seal.code)


@pytest.mark.parametrize("fmt", ["jws", "ses"])
def test_tampered_data_fails(seal, people, fmt):
    result = signing.sign_data(actor=by(people["approver"]), seal=seal, data=DATA, purpose="许可决定", fmt=fmt)
    report = verification.verify_data(fmt=fmt, signature=result.signature, data=DATA + b".")
    assert (report.valid, report.code) == (False, "DATA_TAMPERED")


def test_a_jws_with_its_own_payload_does_not_vouch_for_other_data(seal, people):
    # given a JWS over DATA with DATA attached again (header.payload.signature)
    result = signing.sign_data(actor=by(people["approver"]), seal=seal, data=DATA, purpose="许可决定", fmt="jws")
    header_b64, _, signature_b64 = result.signature.split(".")
    attached = ".".join([header_b64, base64.urlsafe_b64encode(DATA).rstrip(b"=").decode(), signature_b64])
    # when it is offered for other data, then it is refused; for DATA itself it stands
    other = verification.verify_data(fmt="jws", signature=attached, data=b"another document")
    assert (other.valid, other.code) == (False, "DATA_TAMPERED")
    same = verification.verify_data(fmt="jws", signature=attached, data=DATA)
    assert (same.valid, same.code) == (True, "VALID")


@pytest.mark.parametrize("fmt", ["jws", "ses"])
def test_garbage_signatures_are_malformed_not_errors(seal, fmt):
    for garbage in ("", "abc", "a.b.c", base64.b64encode(b"\x30\x03\x02\x01\x01").decode(), "x" * 500):
        report = verification.verify_data(fmt=fmt, signature=garbage, data=DATA)
        assert report.valid is False
        assert report.code in ("MALFORMED", "CERTIFICATE_UNTRUSTED")


def test_a_signature_from_a_foreign_ca_is_untrusted(seal, people):
    # given a JWS signed with a self-made certificate carrying the seal's name
    from joserfc import jws
    from joserfc.jwk import ECKey

    key = ec.generate_private_key(ec.SECP256R1())
    import datetime as dt

    name = crypto_x509.Name([crypto_x509.NameAttribute(crypto_x509.NameOID.COMMON_NAME, seal.name)])
    now = dt.datetime.now(dt.UTC)
    fake = (
        crypto_x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(int(seal.ecdsa_serial, 16)).not_valid_before(now).not_valid_after(now + dt.timedelta(days=9))
        .sign(key, SHA256())
    )
    from cryptography.hazmat.primitives.serialization import Encoding

    header = {"alg": "ES256", "x5c": [base64.b64encode(fake.public_bytes(Encoding.DER)).decode()], "iat": int(now.timestamp())}
    token = jws.serialize_compact(header, DATA, ECKey.import_key(key), registry=verification.JWS_REGISTRY)
    detached = ".".join([token.split(".")[0], "", token.split(".")[2]])
    # then it is refused as untrusted
    report = verification.verify_data(fmt="jws", signature=detached, data=DATA)
    assert (report.valid, report.code) == (False, "CERTIFICATE_UNTRUSTED")


def test_a_department_cannot_use_another_departments_seal(seal, other_seal, people):
    # when another department's approver tries both seals' signing
    with pytest.raises(PermissionDenied) as caught:
        signing.sign_data(actor=by(people["other_approver"]), seal=seal, data=DATA, purpose="x", fmt="jws")
    assert caught.value.code == "SEAL_OTHER_DEPARTMENT"
    with pytest.raises(PermissionDenied):
        signing.sign_pdf(actor=by(people["other_approver"]), seal=seal, pdf=sample_pdf(), purpose="x")
    # then nothing was signed or recorded
    assert SealUsage.objects.count() == 0
    # and with its own seal it can
    signing.sign_data(actor=by(people["other_approver"]), seal=other_seal, data=DATA, purpose="x", fmt="jws")
    assert SealUsage.objects.get().seal == other_seal


@pytest.mark.parametrize(
    ("data", "purpose", "fmt", "code"),
    [
        (b"", "x", "jws", "SEAL_DATA_EMPTY"),
        (b"x" * (signing.MAX_DATA_BYTES + 1), "x", "jws", "SEAL_DATA_TOO_LARGE"),
        (DATA, "", "jws", "SEAL_PURPOSE_REQUIRED"),
        (DATA, "  ", "jws", "SEAL_PURPOSE_REQUIRED"),
        (DATA, "事" * 201, "jws", "SEAL_PURPOSE_TOO_LONG"),
        (DATA, "x", "pkcs7", "SEAL_FORMAT_INVALID"),
    ],
)
def test_bad_signing_input_changes_nothing(seal, people, data, purpose, fmt, code):
    with pytest.raises(ValidationFailed) as caught:
        signing.sign_data(actor=by(people["approver"]), seal=seal, data=data, purpose=purpose, fmt=fmt)
    assert caught.value.code == code
    assert SealUsage.objects.count() == 0


def test_suspension_stops_new_signatures_and_earlier_ones_say_valid_when_signed(seal, people):
    # given a signature made while the seal was active
    earlier = signing.sign_data(actor=by(people["approver"]), seal=seal, data=DATA, purpose="x", fmt="ses")
    # when the seal is suspended
    services.set_seal_status(actor=people["dept_admin"].user, seal=seal, status="suspended", reason="保管人调岗")
    # then a new signature is refused at once
    with pytest.raises(Conflict) as caught:
        signing.sign_data(actor=by(people["approver"]), seal=seal, data=DATA, purpose="x", fmt="jws")
    assert caught.value.code == "SEAL_NOT_ACTIVE"
    # and the earlier one is valid when signed, the seal since suspended
    report = verification.verify_data(fmt="ses", signature=earlier.signature, data=DATA)
    assert (report.valid, report.code) == (True, "VALID_SEAL_SINCE_SUSPENDED")
    assert report.message.startswith("签章时有效；印章已于")
    assert report.message.endswith("停用")
    # and after cancellation it says so
    services.set_seal_status(actor=people["dept_admin"].user, seal=seal, status="cancelled", reason="撤并")
    report = verification.verify_data(fmt="ses", signature=earlier.signature, data=DATA)
    assert (report.code, report.status_at_signing, report.status_now) == ("VALID_SEAL_SINCE_CANCELLED", "active", "cancelled")


# --- PDF -------------------------------------------------------------------------------------------


@pytest.fixture
def signed_pdf(seal, people):
    return signing.sign_pdf(actor=by(people["approver"]), seal=seal, pdf=sample_pdf(), purpose="准予行政许可")


def _pyhanko_status(pdf: bytes):
    root = asn1_x509.Certificate.load(pki.root_certificate(KeyAlgorithm.ECDSA_P256).dump())
    reader = PdfFileReader(io.BytesIO(pdf))
    context = ValidationContext(trust_roots=[root], allow_fetching=False)
    return validate_pdf_signature(reader.embedded_signatures[0], signer_validation_context=context)


def test_pyhanko_validates_the_signed_pdf_as_intact_trusted_and_whole(signed_pdf, seal):
    status = _pyhanko_status(signed_pdf)
    assert status.intact
    assert status.valid
    assert status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.signing_cert.subject.native["common_name"] == seal.name
    report = verification.verify_pdf(signed_pdf)
    assert (report.valid, report.code) == (True, "VALID")
    assert report.signatures[0].seal_code == seal.code
    assert report.signatures[0].covers_whole_file is True


def _nss_db(tmp_path: Path) -> Path:
    db = tmp_path / "nss"
    db.mkdir()
    root = tmp_path / "root.pem"
    root.write_text(pki.root_pem(KeyAlgorithm.ECDSA_P256))
    subprocess.run(["certutil", "-N", "-d", f"sql:{db}", "--empty-password"], check=True, capture_output=True)
    subprocess.run(
        ["certutil", "-A", "-d", f"sql:{db}", "-n", "zwfw-root", "-t", "CT,C,C", "-i", str(root)],
        check=True, capture_output=True,
    )
    return db


def _pdfsig(pdf: Path, db: Path) -> str:
    result = subprocess.run(["pdfsig", "-nssdir", f"sql:{db}", str(pdf)], capture_output=True, text=True)
    return result.stdout + result.stderr


def test_pdfsig_validates_the_signed_pdf_with_the_exported_root(signed_pdf, tmp_path):
    db = _nss_db(tmp_path)
    path = tmp_path / "signed.pdf"
    path.write_bytes(signed_pdf)
    out = _pdfsig(path, db)
    assert "Signature Validation: Signature is Valid." in out, out
    assert "Certificate Validation: Certificate is Trusted." in out, out
    assert "Total document signed" in out, out


def test_a_one_byte_change_is_caught_by_pyhanko_pdfsig_and_zwfw(signed_pdf, tmp_path):
    # given the signed file with one byte of its text changed (inside the signed byte range)
    position = signed_pdf.index(b"/Title") + 8
    changed = bytearray(signed_pdf)
    changed[position] = changed[position] ^ 0x01
    changed = bytes(changed)
    # then pyhanko, pdfsig and zwfw all refuse it
    assert not _pyhanko_status(changed).intact
    path = tmp_path / "changed.pdf"
    path.write_bytes(changed)
    out = _pdfsig(path, _nss_db(tmp_path))
    assert "Signature Validation: Signature is Valid." not in out, out
    report = verification.verify_pdf(changed)
    assert (report.valid, report.code) == (False, "DATA_TAMPERED")


def test_the_seal_image_shows_on_the_page(signed_pdf, tmp_path, artifacts_dir):
    # given the first page rendered by poppler at 72 dpi (1 pt = 1 px)
    path = tmp_path / "signed.pdf"
    path.write_bytes(signed_pdf)
    subprocess.run(["pdftoppm", "-r", "72", "-png", "-singlefile", str(path), str(tmp_path / "page")], check=True)
    page = Image.open(tmp_path / "page.png").convert("RGB")
    page.save(artifacts_dir / "seals-signed-notice.png")
    # then the default place (centre 50 mm from the right, 70 mm from the bottom) is seal red
    width, height = page.size
    cx, cy = width - round(50 * 72 / 25.4), height - round(70 * 72 / 25.4)
    box = page.crop((cx - 50, cy - 50, cx + 50, cy + 50))
    red = sum(1 for r, g, b in box.get_flattened_data() if r > 180 and g < 90 and b < 90)
    assert red > 800, red


def test_a_cancelled_seal_is_reported_on_an_earlier_pdf(signed_pdf, seal, people):
    services.set_seal_status(actor=people["dept_admin"].user, seal=seal, status="cancelled", reason="机构撤并")
    report = verification.verify_pdf(signed_pdf)
    assert (report.valid, report.code) == (True, "VALID_SEAL_SINCE_CANCELLED")
    assert "注销" in report.message
    assert report.signatures[0].status_at_signing == "active"


def test_pyhanko_sees_the_revocation_in_the_nodes_crl(node_pki, people, department, settings):
    from asn1crypto import crl

    # given a node with a public base URL: seal certificates name the CRL's stable URL
    settings.BASE_URL = "https://zwfw.zj.example"
    made = make_seal(people, department, kind="official", owner_name=department.name)
    services.set_use_roles(actor=people["dept_admin"].user, seal=made, roles=["approver"])
    leaf = asn1_x509.Certificate.load(bytes(made.ecdsa_certificate))
    assert leaf.crl_distribution_points[0].url == "https://zwfw.zj.example/seals/crl/ecdsa.crl"
    pdf = signing.sign_pdf(actor=by(people["approver"]), seal=made, pdf=sample_pdf(), purpose="许可")
    # when the seal is cancelled
    services.set_seal_status(actor=people["dept_admin"].user, seal=made, status="cancelled", reason="机构撤并")
    # then pyhanko, given the node's CRL, reports the signer's certificate revoked
    context = ValidationContext(
        trust_roots=[pki.root_certificate(KeyAlgorithm.ECDSA_P256)],
        crls=[crl.CertificateList.load(pki.crl_der(KeyAlgorithm.ECDSA_P256))],
        allow_fetching=False,
        revocation_mode="hard-fail",
    )
    status = validate_pdf_signature(PdfFileReader(io.BytesIO(pdf)).embedded_signatures[0], signer_validation_context=context)
    assert status.revoked


def test_a_pdf_signed_twice_has_two_signatures_the_last_covering_the_file(signed_pdf, seal, people):
    twice = signing.sign_pdf(
        actor=by(people["approver"]), seal=seal, pdf=signed_pdf, purpose="复核",
        placement=signing.Placement(page=1, x_mm=60, y_mm=60),
    )
    report = verification.verify_pdf(twice)
    assert report.valid
    assert [item.covers_whole_file for item in report.signatures] == [False, True]


def test_batch_signing_is_all_or_nothing(seal, people):
    good = sample_pdf()
    with pytest.raises(ValidationFailed):
        signing.sign_pdfs(actor=by(people["approver"]), seal=seal, documents=[good, b"%PDF-1.7 broken"], purpose="批量")
    assert SealUsage.objects.count() == 0
    signed = signing.sign_pdfs(actor=by(people["approver"]), seal=seal, documents=[good, good], purpose="批量")
    assert len(signed) == 2
    assert all(verification.verify_pdf(pdf).valid for pdf in signed)
    batches = set(SealUsage.objects.values_list("batch", flat=True))
    assert len(batches) == 1
    assert None not in batches


@pytest.mark.parametrize(
    ("pdf", "placement", "code"),
    [
        (b"not a pdf", None, "PDF_INVALID"),
        (b"%PDF-1.7\n garbage", None, "PDF_INVALID"),
        (None, signing.Placement(page=5), "PDF_PAGE_INVALID"),
        (None, signing.Placement(page=1, x_mm=1, y_mm=1), "PDF_POSITION_INVALID"),
    ],
)
def test_bad_pdfs_are_refused_and_nothing_recorded(seal, people, pdf, placement, code):
    with pytest.raises(ValidationFailed) as caught:
        signing.sign_pdf(
            actor=by(people["approver"]), seal=seal, pdf=pdf if pdf is not None else sample_pdf(), purpose="x",
            placement=placement,
        )
    assert caught.value.code == code
    assert SealUsage.objects.count() == 0


def test_verifying_an_unsigned_or_broken_pdf(seal):
    report = verification.verify_pdf(sample_pdf())
    assert (report.valid, report.code) == (False, "NO_SIGNATURE")
    with pytest.raises(ValidationFailed):
        verification.verify_pdf(b"%PDF-1.4 nonsense")
