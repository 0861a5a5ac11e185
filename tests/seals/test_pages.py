"""Public pages of 统一电子印章 (/seals/): the verification page, published documents, the CRLs, the
root certificates and seal images; and, in a real Chromium, a visitor checking a signed PDF."""

from __future__ import annotations

import hashlib
import io
import re
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from asn1crypto import crl as asn1_crl
from cryptography import x509 as crypto_x509
from cryptography.hazmat.primitives.serialization import Encoding
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from PIL import Image
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from tests.seals.conftest import sample_pdf
from zwfw.core.models import AuditEntry
from zwfw.seals import gmcert, pki, services, signing
from zwfw.seals.models import KeyAlgorithm, SealUsage, SignedDocument

SEAL_NAME = "杭州市市场监督管理局行政审批专用章"


@pytest.fixture(autouse=True)
def _no_cached_crl():
    """The CRL is cached under the number of the latest status event, which a rolled-back test
    database hands out again: each test starts without the previous test's CRL."""
    cache.clear()
    yield
    cache.clear()


def sign(seal, people, pdf: bytes | None = None) -> bytes:
    actor = signing.SigningActor(user=people["approver"].user)
    return signing.sign_pdf(actor=actor, seal=seal, pdf=pdf or sample_pdf(), purpose="准予行政许可")


def tampered(pdf: bytes) -> bytes:
    """One byte of the document information changed, inside the signed byte range."""
    position = pdf.index(b"/Title") + 8
    changed = bytearray(pdf)
    changed[position] ^= 0x01
    return bytes(changed)


def appended(pdf: bytes) -> bytes:
    """An incremental update written after the signature (a new /Lang in the catalogue)."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    writer.root["/Lang"] = generic.TextStringObject("en")
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def upload(content: bytes, name: str = "准予行政许可决定书.pdf", content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def text_of(response) -> str:
    """The page's main content as text (tags dropped, whitespace collapsed)."""
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


def counts() -> dict:
    return {
        "usages": SealUsage.objects.count(),
        "documents": SignedDocument.objects.count(),
        "audit": AuditEntry.objects.count(),
    }


# --- the verification page -------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_verify_page_offers_the_upload_form_in_chinese():
    # when a visitor opens the page
    response = Client().get("/seals/verify/")
    # then the Chinese page with a multipart form for one PDF and the root certificates to trust
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>电子签章验证 - " in html
    assert '<form method="post" enctype="multipart/form-data" class="verify-form">' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert '<input type="file" id="verify-file" name="file" accept="application/pdf,.pdf" required>' in html
    assert '<a href="/seals/root/ecdsa.pem">ECDSA</a>' in html
    assert '<a href="/seals/root/sm2.pem">SM2</a>' in html
    text = text_of(response)
    assert "上传加盖了本平台电子印章的PDF文件" in text
    assert "文件只用于本次验证，不会保存。" in text
    assert 'id="seal-report"' not in html


@pytest.mark.django_db
def test_a_signed_pdf_is_reported_valid_with_the_seal_and_nothing_is_stored(seal, people):
    # given a PDF the department's approver signed
    pdf = sign(seal, people)
    before = counts()
    # when a visitor uploads it
    response = Client().post("/seals/verify/", {"file": upload(pdf)})
    # then the report: valid, the seal, the whole file covered, the seal active then and now
    assert response.status_code == 200
    text = text_of(response)
    assert "✔ 验证通过" in text
    assert "验证未通过" not in text
    assert "文件：准予行政许可决定书.pdf" in text
    assert f"第 1 个签章：{SEAL_NAME}" in text
    assert "结论 签章有效" in text
    assert "文件完整性 签章后未被修改" in text
    assert "可信：链接到本节点根证书" in text
    assert "签章范围 覆盖整个文件" in text
    assert f"印章 {SEAL_NAME}（编码 {seal.code}）" in text
    assert "用章单位 杭州市市场监督管理局" in text
    assert "签章时印章状态 启用" in text
    assert "印章当前状态 启用" in text
    assert 'data-code="VALID"' in response.content.decode()
    # and the upload was not kept
    assert counts() == before


@pytest.mark.django_db
def test_a_pdf_changed_after_signing_is_reported_tampered(seal, people):
    # given a signed PDF with one byte changed
    pdf = tampered(sign(seal, people))
    before = counts()
    # when a visitor uploads it
    response = Client().post("/seals/verify/", {"file": upload(pdf)})
    # then the report says the check failed because the file was changed
    assert response.status_code == 200
    text = text_of(response)
    assert "✘ 验证未通过" in text
    assert "验证通过" not in text.replace("验证未通过", "")
    assert "文件在签章后被篡改，签章无效" in text
    assert "文件完整性 签章后已被修改或签名无效" in text
    assert 'data-code="DATA_TAMPERED"' in response.content.decode()
    assert counts() == before


@pytest.mark.django_db
def test_a_pdf_with_content_added_after_signing_is_not_valid(seal, people):
    # given a signed PDF with an incremental update written after the signature
    pdf = appended(sign(seal, people))
    # when a visitor uploads it
    response = Client().post("/seals/verify/", {"file": upload(pdf)})
    # then the signature itself is intact but it does not cover the file: not valid
    assert response.status_code == 200
    text = text_of(response)
    assert "✘ 验证未通过" in text
    assert "签章后文件被追加修改，签章未覆盖整个文件" in text
    assert "签章范围 未覆盖整个文件（签章后有追加内容）" in text
    assert "文件完整性 签章后未被修改" in text


@pytest.mark.django_db
def test_a_pdf_signed_after_the_seal_was_cancelled_and_one_signed_before(seal, people):
    # given a PDF signed while the seal was active, then the seal cancelled
    pdf = sign(seal, people)
    services.set_seal_status(actor=people["dept_admin"].user, seal=seal, status="cancelled", reason="机构撤并")
    # when a visitor uploads it
    response = Client().post("/seals/verify/", {"file": upload(pdf)})
    # then valid as signed, with the seal's current status shown
    text = text_of(response)
    assert "✔ 验证通过" in text
    assert "签章时有效；印章已于" in text
    assert "签章时印章状态 启用" in text
    assert "印章当前状态 注销（" in text


@pytest.mark.django_db
def test_an_unsigned_pdf_is_reported_as_having_no_signature(node_pki):
    # when a visitor uploads a PDF nobody signed
    response = Client().post("/seals/verify/", {"file": upload(sample_pdf())})
    # then the report says there is no signature
    assert response.status_code == 200
    text = text_of(response)
    assert "✘ 验证未通过" in text
    assert "该PDF文件没有电子签章" in text
    assert "第 1 个签章" not in text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("files", "message"),
    [
        pytest.param({}, "请选择要验证的PDF文件", id="no file"),
        pytest.param({"file": upload(b"", "empty.pdf")}, "文件不是PDF", id="empty file"),
        pytest.param({"file": upload("申请书".encode(), "申请书.txt", "text/plain")}, "文件不是PDF", id="text file"),
        pytest.param({"file": upload(b"%PDF-1.7\n" + b"\x00" * 64)}, "PDF文件已损坏或无法解析", id="broken PDF"),
        pytest.param(
            {"file": upload(b"%PDF-1.7\n" + b"0" * (20 * 1024 * 1024))}, "PDF文件不能超过20MB", id="over 20MB"
        ),
    ],
)
def test_no_file_or_not_a_pdf_is_a_chinese_error_with_400(node_pki, files, message):
    before = counts()
    # when a visitor submits the form without a usable PDF
    response = Client().post("/seals/verify/", files)
    # then the page again, with the Chinese reason, status 400, no report and nothing stored
    assert response.status_code == 400
    html = response.content.decode()
    assert f'<p class="form-error" role="alert" id="verify-error">{message}</p>' in html
    assert '<input type="file" id="verify-file" name="file"' in html
    assert 'id="seal-report"' not in html
    assert counts() == before


@pytest.mark.django_db
def test_before_the_pki_exists_the_verify_page_says_the_service_is_not_open():
    # given a node whose certificate hierarchy was never created
    # when a visitor uploads a PDF
    response = Client().post("/seals/verify/", {"file": upload(sample_pdf())})
    # then 503 with a Chinese reason meant for visitors, not the operator's command
    assert response.status_code == 503
    html = response.content.decode()
    assert '<p class="form-error" role="alert" id="verify-error">本节点尚未开通电子签章验证，请稍后再试</p>' in html
    assert "pki_init" not in html


@pytest.mark.django_db
def test_the_verify_page_takes_only_get_and_post():
    # when something other than GET or POST is sent
    response = Client().put("/seals/verify/")
    # then 405 naming what is allowed
    assert response.status_code == 405
    assert response["Allow"] == "GET, POST"


# --- published documents ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_documents_page_says_when_there_are_none():
    # when a visitor opens the list and nothing is published
    response = Client().get("/seals/documents/")
    # then the empty state and the way to verify a file
    assert response.status_code == 200
    text = text_of(response)
    assert "电子签章文件" in text
    assert "暂无公开的签章文件。" in text
    assert '<a href="/seals/verify/">验证一个签章文件</a>' in response.content.decode()


@pytest.fixture
def published(seal, people):
    pdf = sign(seal, people)
    public = SignedDocument.objects.create(
        title="准予行政许可决定书（示例）", seal=seal, pdf=pdf, sha256=hashlib.sha256(pdf).hexdigest(), is_public=True
    )
    hidden = SignedDocument.objects.create(
        title="内部审批表", seal=seal, pdf=pdf, sha256=hashlib.sha256(pdf).hexdigest(), is_public=False
    )
    return {"public": public, "hidden": hidden, "pdf": pdf}


@pytest.mark.django_db
def test_a_public_document_is_listed_and_a_private_one_is_not(published):
    # when a visitor opens the list
    response = Client().get("/seals/documents/")
    # then the public document is there, linked, and the private one is not
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<a href="/seals/documents/{published["public"].public_id}/">准予行政许可决定书（示例）</a>' in html
    assert "内部审批表" not in html
    assert str(published["hidden"].public_id) not in html
    assert "暂无公开的签章文件。" not in html


@pytest.mark.django_db
def test_a_document_page_shows_the_report_and_the_pdf_downloads(published, seal):
    document = published["public"]
    # when a visitor opens the document's page
    response = Client().get(f"/seals/documents/{document.public_id}/")
    # then its title, seal, digest and the verification report
    assert response.status_code == 200
    html = response.content.decode()
    text = text_of(response)
    assert "<title>准予行政许可决定书（示例） - " in html
    assert f"签章单位：杭州市市场监督管理局 · 印章：{SEAL_NAME}" in text
    assert f"SHA-256: {document.sha256}" in text
    assert f'<img src="/seals/{seal.code}/image.svg" alt="{SEAL_NAME}"' in html
    assert "✔ 验证通过" in text
    assert "签章范围 覆盖整个文件" in text
    # and the download link gives the very PDF
    link = f"/seals/documents/{document.public_id}/file.pdf"
    assert f'href="{link}" id="document-download"' in html
    download = Client().get(link)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == f'inline; filename="{document.public_id}.pdf"'
    assert download.content == published["pdf"]


@pytest.mark.django_db
@pytest.mark.parametrize("suffix", ["", "file.pdf"])
def test_a_private_or_unknown_document_is_a_404_page(published, suffix):
    # when a visitor asks for a document that is not public, or does not exist
    for public_id in (published["hidden"].public_id, uuid.uuid4()):
        response = Client().get(f"/seals/documents/{public_id}/{suffix}")
        # then the 404 page, without the document
        assert response.status_code == 404
        assert "页面不存在" in response.content.decode()
        assert "内部审批表" not in response.content.decode()


# --- CRLs, root certificates and seal images --------------------------------------------------------


@pytest.mark.django_db
def test_the_ecdsa_crl_is_signed_by_the_seal_ca_and_lists_a_suspended_seal(seal, people):
    ca = pki.seal_ca_certificate(KeyAlgorithm.ECDSA_P256)
    # given the seal active: the CRL lists nothing
    empty = Client().get("/seals/crl/ecdsa.crl")
    assert empty.status_code == 200
    assert empty["Content-Type"] == "application/pkix-crl"
    assert empty["Cache-Control"] == "public, max-age=300"
    parsed = asn1_crl.CertificateList.load(empty.content)
    assert parsed.issuer == ca.subject
    assert len(parsed["tbs_cert_list"]["revoked_certificates"]) == 0
    # when the department admin suspends the seal
    services.set_seal_status(actor=people["dept_admin"].user, seal=seal, status="suspended", reason="保管人调整")
    # then the CRL lists its certificate on hold, signed by the seal CA (checked with cryptography)
    listed = Client().get("/seals/crl/ecdsa.crl")
    entries = asn1_crl.CertificateList.load(listed.content)["tbs_cert_list"]["revoked_certificates"]
    assert [format(entry["user_certificate"].native, "x") for entry in entries] == [seal.ecdsa_serial]
    crl = crypto_x509.load_der_x509_crl(listed.content)
    issuer = crypto_x509.load_der_x509_certificate(ca.dump())
    assert crl.is_signature_valid(issuer.public_key())
    assert crl.get_revoked_certificate_by_serial_number(int(seal.ecdsa_serial, 16)) is not None


@pytest.mark.django_db
def test_the_sm2_crl_parses_and_verifies_under_the_sm2_seal_ca(seal, people):
    # given the seal suspended
    services.set_seal_status(actor=people["dept_admin"].user, seal=seal, status="suspended", reason="保管人调整")
    # when the SM2 CRL is fetched
    response = Client().get("/seals/crl/sm2.crl")
    # then it parses, names the SM2 seal CA, lists the seal's SM2 certificate and its signature verifies
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pkix-crl"
    parsed = asn1_crl.CertificateList.load(response.content)
    ca = pki.seal_ca_certificate(KeyAlgorithm.SM2)
    assert parsed.issuer == ca.subject
    serials = [format(e["user_certificate"].native, "x") for e in parsed["tbs_cert_list"]["revoked_certificates"]]
    assert serials == [seal.sm2_serial]
    assert gmcert.verify_sm2_crl_signature(response.content, ca.dump())


@pytest.mark.django_db
@pytest.mark.parametrize(("slug", "algorithm"), [("ecdsa", KeyAlgorithm.ECDSA_P256), ("sm2", KeyAlgorithm.SM2)])
def test_the_root_certificate_downloads_as_pem(node_pki, slug, algorithm):
    # when a verifier downloads the root certificate
    response = Client().get(f"/seals/root/{slug}.pem")
    # then a PEM attachment that cryptography reads: the node's self-issued root CA
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-pem-file"
    assert response["Content-Disposition"] == f'attachment; filename="zwfw-root-{slug}.pem"'
    certificate = crypto_x509.load_pem_x509_certificate(response.content)
    root = pki.root_certificate(algorithm)
    assert certificate.public_bytes(Encoding.DER) == root.dump()
    assert certificate.issuer == certificate.subject
    assert certificate.extensions.get_extension_for_class(crypto_x509.BasicConstraints).value.ca is True


@pytest.mark.django_db
def test_the_seal_image_is_served_as_svg_and_png(seal):
    # when the seal's images are fetched
    svg = Client().get(f"/seals/{seal.code}/image.svg")
    png = Client().get(f"/seals/{seal.code}/image.png")
    # then the stored SVG and PNG, cacheable, and the SVG may run no script
    assert svg.status_code == png.status_code == 200
    assert svg["Content-Type"] == "image/svg+xml; charset=utf-8"
    assert svg.content.decode() == seal.image_svg
    assert svg["Content-Security-Policy"] == "default-src 'none'; style-src 'unsafe-inline'"
    assert png["Content-Type"] == "image/png"
    assert png.content == bytes(seal.image_png)
    image = Image.open(io.BytesIO(png.content))
    assert image.format == "PNG"
    assert image.mode == "RGBA"
    assert svg["Cache-Control"] == png["Cache-Control"] == "public, max-age=3600"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/seals/crl/rsa.crl",
        "/seals/root/rsa.pem",
        "/seals/9999999999999/image.svg",
        "/seals/{code}/image.gif",
        "/seals/{code}0/image.png",
        "/seals/documents/not-a-uuid/",
    ],
)
def test_unknown_codes_and_slugs_are_404_pages(seal, path):
    # when a visitor asks for something that does not exist
    response = Client().get(path.format(code=seal.code))
    # then the Chinese 404 page
    assert response.status_code == 404
    assert "<title>页面不存在 - " in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/seals/crl/ecdsa.crl", "/seals/root/sm2.pem"])
def test_before_the_pki_exists_the_crl_and_root_are_404(path):
    # given a node whose certificate hierarchy was never created
    # when the CRL or root is fetched
    response = Client().get(path)
    # then 404, not a 500
    assert response.status_code == 404


# --- in a real browser -----------------------------------------------------------------------------


@pytest.fixture
def new_page(browser):
    contexts = []

    def make(width: int = 1280, height: int = 900):
        context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def off_the_event_loop(fn, *args):
    """Playwright's sync API keeps an event loop running in the test thread, and pyhanko's sync API
    starts one of its own: sign in another thread (with its own database connection)."""

    def run():
        try:
            return fn(*args)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_visitor_verifies_a_signed_pdf_and_a_tampered_copy_in_chromium(
    live_server, new_page, artifacts_dir, tmp_path, seal, people
):
    # given a signed PDF and a copy of it changed after signing, on the visitor's disk
    signed = tmp_path / "准予行政许可决定书.pdf"
    signed.write_bytes(off_the_event_loop(sign, seal, people))
    changed = tmp_path / "决定书-被修改.pdf"
    changed.write_bytes(tampered(signed.read_bytes()))
    page = new_page()

    # when the visitor opens the verification page, chooses the signed PDF and submits
    page.goto(f"{live_server.url}/seals/verify/")
    assert page.locator("#verify-title").inner_text() == "电子签章验证"
    page.set_input_files("#verify-file", str(signed))
    page.locator("#verify-submit").click()
    page.wait_for_selector("#seal-report")

    # then the report says it passed, with the seal's name, and the whole file covered
    report = page.locator("#seal-report")
    assert report.locator("h2").inner_text() == "✔ 验证通过"
    assert page.locator("#seal-verdict").inner_text() == "签章有效"
    assert f"第 1 个签章：{SEAL_NAME}" in report.inner_text()
    assert "覆盖整个文件" in report.inner_text()
    assert page.evaluate("getComputedStyle(document.querySelector('#seal-report h2')).color") == "rgb(27, 127, 59)"
    page.screenshot(path=str(artifacts_dir / "seals-verify-page.png"), full_page=True)

    # and at a phone's width the page fits without sideways scrolling
    page.set_viewport_size({"width": 375, "height": 812})
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path=str(artifacts_dir / "seals-verify-page-375.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    # when the visitor then submits the tampered copy
    page.set_input_files("#verify-file", str(changed))
    page.locator("#verify-submit").click()
    page.wait_for_selector("#seal-report.is-invalid")

    # then the report says it did not pass, and why
    assert page.locator("#seal-report h2").inner_text() == "✘ 验证未通过"
    assert page.locator("#seal-verdict").inner_text() == "文件在签章后被篡改，签章无效"
    assert page.evaluate("getComputedStyle(document.querySelector('#seal-report h2')).color") == "rgb(179, 38, 30)"
    page.screenshot(path=str(artifacts_dir / "seals-verify-page-tampered.png"), full_page=True)
    # and nothing the visitor uploaded was kept
    assert SealUsage.objects.count() == 1
    assert SignedDocument.objects.count() == 0
