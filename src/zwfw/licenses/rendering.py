"""The licence file: the type's surface rendered as an A4 PDF (embedded CJK font, a QR code to the
node's verification page, the identifier), then signed in PAdES with the issuer's seal, whose image
is placed over the issuer's name and date (``zwfw.seals.signing``)."""

from __future__ import annotations

import hashlib
import io
from urllib.parse import quote

import segno
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from zwfw.core.errors import Conflict
from zwfw.licenses.models import License, LicenseFile
from zwfw.licenses.services import surface_of
from zwfw.seals import signing
from zwfw.seals.documents import new_pdf
from zwfw.seals.models import Seal
from zwfw.seals.services import check_usable

PAGE_W, PAGE_H = 210, 297
# The seal's centre (mm from the lower left): over the issuer's name and the date.
SEAL_X_MM, SEAL_Y_MM = 163, 63


def verification_url(license: License, base_url: str = "") -> str:
    base = (base_url or settings.BASE_URL or "").rstrip("/")
    return f"{base}/licenses/verify/?identifier={quote(license.identifier)}"


def render_license_pdf(license: License, *, base_url: str = "") -> bytes:
    """The unsigned A4 page: title, holder and surface fields, validity, identifier, QR code."""
    license_type = license.license_type
    surface = surface_of(license)
    pdf = new_pdf(license_type.name)
    pdf.set_subject(license.identifier)
    pdf.add_page()
    pdf.set_draw_color(180, 30, 30)
    pdf.set_line_width(1.2)
    pdf.rect(12, 12, PAGE_W - 24, PAGE_H - 24)
    pdf.set_line_width(0.3)
    pdf.rect(15, 15, PAGE_W - 30, PAGE_H - 30)
    pdf.set_xy(20, 30)
    pdf.set_font("cjk", size=30)
    pdf.cell(PAGE_W - 40, 16, text=license_type.name, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=11)
    pdf.set_x(20)
    pdf.cell(PAGE_W - 40, 8, text="电子证照", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(10)
    labels = {field["key"]: field["label"] for field in license_type.fields}
    pdf.set_font("cjk", size=13)
    for key, label in labels.items():
        if key not in surface:
            continue
        pdf.set_x(30)
        pdf.set_text_color(90, 90, 90)
        pdf.cell(45, 10, text=label)
        pdf.set_text_color(0, 0, 0)
        pdf.multi_cell(PAGE_W - 30 - 30 - 45, 10, text=surface[key], new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(30)
    pdf.set_text_color(90, 90, 90)
    pdf.cell(45, 10, text="有效期")
    pdf.set_text_color(0, 0, 0)
    start = license.valid_from.isoformat()
    period = f"{start} 至 {license.valid_until.isoformat()}" if license.valid_until else f"{start} 起长期有效"
    pdf.cell(0, 10, text=period, new_x="LMARGIN", new_y="NEXT")
    # QR code to the verification page, lower left
    qr = io.BytesIO()
    segno.make(verification_url(license, base_url), error="m").save(qr, kind="png", scale=8, border=2)
    qr.seek(0)
    pdf.image(qr, x=25, y=PAGE_H - 95, w=40, h=40)
    pdf.set_font("cjk", size=8)
    pdf.set_xy(22, PAGE_H - 53)
    pdf.cell(46, 5, text="扫码核验", align="C")
    # issuer and date, lower right (the seal goes over them)
    pdf.set_font("cjk", size=14)
    pdf.set_xy(100, PAGE_H - 72)
    pdf.cell(PAGE_W - 125, 9, text=license.issuer.name, align="R", new_x="LMARGIN", new_y="NEXT")
    issued = timezone.localtime(license.issued_at).date()
    pdf.set_x(100)
    pdf.cell(PAGE_W - 125, 9, text=f"{issued.year}年{issued.month}月{issued.day}日", align="R")
    pdf.set_font("cjk", size=8)
    pdf.set_text_color(90, 90, 90)
    pdf.set_xy(20, PAGE_H - 30)
    pdf.cell(PAGE_W - 40, 5, text=f"电子证照标识 {license.identifier}", align="C")
    out = io.BytesIO()
    pdf.output(out)
    return out.getvalue()


def _file_unavailable(license: License, seal_error: Conflict) -> Conflict:
    return Conflict(
        "LICENSE_FILE_UNAVAILABLE",
        f"证照文件暂时无法生成：颁发机构{license.issuer.name}的电子印章目前不能签章（{seal_error.message}）。"
        "证照本身不受影响，仍可亮证和在线核验；需要证照文件请联系颁发机构。",
        details={"seal_code": license.seal_code, "reason": seal_error.code},
    )


def license_file(license: License, *, base_url: str = "") -> LicenseFile:
    """The signed licence file, made once (a recorded use of the issuer's seal) and kept. It is made
    right after issuance (``tasks.render_license_files``); made here when that has not run, and then
    only while the seal signs: otherwise a clear conflict (``LICENSE_FILE_UNAVAILABLE``).

    The page is rendered outside any transaction (half a second of CPU: on SQLite a transaction
    holds the database's one write lock); only the signature and the stored file are inside, after
    the licence row is locked and the file looked for again."""
    existing = LicenseFile.objects.filter(license=license).first()
    if existing is not None:
        return existing
    seal = Seal.objects.get(code=license.seal_code)
    try:
        check_usable(seal=seal)  # before the half second of rendering; signing checks it again, locked
        unsigned = render_license_pdf(license, base_url=base_url)
        with transaction.atomic():
            # two first downloads at once: the second waits on the licence row, then finds the file made
            License.objects.select_for_update().filter(pk=license.pk).values_list("pk").first()
            existing = LicenseFile.objects.filter(license=license).first()
            if existing is not None:
                return existing
            signed = signing.sign_pdf(
                actor=signing.SigningActor(system="licenses:file"),
                seal=seal,
                pdf=unsigned,
                purpose=f"电子证照文件 {license.identifier}",
                placement=signing.Placement(page=1, x_mm=SEAL_X_MM, y_mm=SEAL_Y_MM),
            )
            return LicenseFile.objects.create(license=license, pdf=signed, sha256=hashlib.sha256(signed).hexdigest())
    except Conflict as exc:
        if exc.code not in _SEAL_CANNOT_SIGN:
            raise
        raise _file_unavailable(license, exc) from None


_SEAL_CANNOT_SIGN = ("SEAL_NOT_ACTIVE", "SEAL_EXPIRED")  # zwfw.seals.services.check_usable


def license_for_pdf(pdf: bytes) -> License | None:
    """The licence whose signed file this is, byte for byte (verification by uploaded PDF)."""
    found = LicenseFile.objects.select_related("license__license_type", "license__issuer").filter(
        sha256=hashlib.sha256(pdf).hexdigest()
    ).first()
    return found.license if found else None
