"""Verification of seal signatures: JWS (ES256), GB/T 38540 SES_Signature (SM2) and signed PDFs.

A report says, in Chinese and as stable codes: is the signature intact, does the signer's
certificate chain to this node's root, which seal signed, the seal's status when it signed and
now ("签章时有效，印章已于…注销" for a seal revoked after signing), and for a PDF whether the
signature covers the whole file. PDF cryptography is pyhanko's (``validate_pdf_signature`` with the
node's root as the only trust anchor, no network fetching).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import io
import json
from dataclasses import dataclass, field
from functools import lru_cache

from asn1crypto import x509 as asn1_x509
from cryptography import x509 as crypto_x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from django.utils import timezone
from joserfc import jws
from joserfc.errors import JoseError
from joserfc.registry import HeaderParameter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from zwfw.core.errors import ValidationFailed
from zwfw.seals import gm, gmcert, pki, ses
from zwfw.seals.models import AuthorityKind, CertificateAuthority, KeyAlgorithm, Seal, SealStatus, SealUsage

MAX_PDF_BYTES = 20 * 1024 * 1024
# The signing time rides in the protected header as "iat" (an extension header, RFC 7515 §4.2),
# so it is covered by the signature.
JWS_REGISTRY = jws.JWSRegistry(
    header_registry={"iat": HeaderParameter("签章时间 (seconds since the epoch)", "int", required=True)},
    algorithms=["ES256"],
)
JWS_REGISTRY.max_header_length = 8192  # the x5c chain (two certificates) is ~1.5 KB; joserfc's default is 512
ES256 = ec.ECDSA(hashes.SHA256())  # RFC 7518 §3.4
_FROM_URLSAFE = bytes.maketrans(b"-_", b"+/")


def reset_caches() -> None:
    """Forget the trust anchors and verified certificates held per process (after a PKI change)."""
    _anchors.cache_clear()
    _ecdsa_leaf.cache_clear()
    _sm2_leaf_trusted.cache_clear()


@lru_cache(maxsize=4)
def _anchors(algorithm: str) -> tuple[bytes, bytes]:
    """(root DER, seal CA DER) of this node: read once per process, they change only with pki_init."""
    rows = {
        row.kind: bytes(row.certificate)
        for row in CertificateAuthority.objects.filter(algorithm=algorithm)
    }
    if AuthorityKind.ROOT not in rows or AuthorityKind.SEAL_CA not in rows:
        raise pki.PkiNotInitialised()
    return rows[AuthorityKind.ROOT], rows[AuthorityKind.SEAL_CA]


@lru_cache(maxsize=4096)
def _ecdsa_leaf(x5c: str) -> tuple[bytes, ec.EllipticCurvePublicKey] | None:
    """(DER, P-256 key) of the certificate in a JWS ``x5c`` entry (base64 DER, RFC 7515 §4.1.6) if
    it was issued by this node's ECDSA seal CA under its root. Malformed base64 raises."""
    der = base64.b64decode(x5c, validate=True)
    root_der, ca_der = _anchors(KeyAlgorithm.ECDSA_P256)
    try:
        leaf = crypto_x509.load_der_x509_certificate(der)
        ca = crypto_x509.load_der_x509_certificate(ca_der)
        root = crypto_x509.load_der_x509_certificate(root_der)
        leaf.verify_directly_issued_by(ca)
        ca.verify_directly_issued_by(root)
    except (ValueError, TypeError, InvalidSignature):
        return None
    public = leaf.public_key()
    if not isinstance(public, ec.EllipticCurvePublicKey) or not isinstance(public.curve, ec.SECP256R1):
        return None
    return der, public


@lru_cache(maxsize=4096)
def _sm2_leaf_trusted(der: bytes) -> bool:
    """A seal's SM2 certificate issued by this node's SM2 seal CA, or that CA itself (the 制章者 of
    every SESeal), under this node's SM2 root."""
    root_der, ca_der = _anchors(KeyAlgorithm.SM2)
    if not gmcert.verify_sm2_certificate_signature(ca_der, root_der):
        return False
    return der == ca_der or gmcert.verify_sm2_certificate_signature(der, ca_der)


@dataclass
class Report:
    """What a verifier learns about one signature."""

    valid: bool = False
    code: str = "INVALID"
    message: str = ""
    intact: bool = False
    trusted: bool = False
    covers_whole_file: bool | None = None
    seal_code: str = ""
    seal_name: str = ""
    department: str = ""
    signed_at: dt.datetime | None = None
    status_at_signing: str = ""
    status_now: str = ""
    status_changed_at: dt.datetime | None = None
    chain: list[str] = field(default_factory=list)
    field_name: str = ""

    @property
    def status_at_signing_label(self) -> str:
        return SealStatus(self.status_at_signing).label if self.status_at_signing else "—"

    @property
    def status_now_label(self) -> str:
        return SealStatus(self.status_now).label if self.status_now else "—"


def _common_name(certificate: asn1_x509.Certificate) -> str:
    """The certificate's 通用名 (CN) for people; its serial number when it has none."""
    return str(certificate.subject.native.get("common_name") or format(certificate.serial_number, "x"))


def _second(moment: dt.datetime) -> dt.datetime:
    # Signing times travel in whole seconds (JWS iat, GeneralizedTime, PDF /M): compare at that grain.
    return moment.replace(microsecond=0)


def status_at(seal: Seal, moment: dt.datetime, *, exact: bool = False) -> str:
    """The seal's status at ``moment`` from its status events ("" before it was made). A moment known
    only to the second counts a change within that second as already made (the safe side)."""
    status = ""
    for event in seal.status_events.all():
        if (event.effective_at if exact else _second(event.effective_at)) <= moment:
            status = event.status
    return status


def _recorded_time(seal: Seal | None, algorithm: str, digest: str, claimed: dt.datetime | None) -> dt.datetime | None:
    """The exact signing time from this node's own 用章记录, when it signed this very content with
    this seal at the claimed time (to the second, give or take the clock between signer and record)."""
    if seal is None or claimed is None:
        return None
    window = dt.timedelta(seconds=2)
    return (
        SealUsage.objects.filter(
            seal=seal,
            digest_algorithm=algorithm,
            document_digest=digest,
            signed_at__gte=claimed - window,
            signed_at__lte=claimed + window,
        )
        .order_by("signed_at")
        .values_list("signed_at", flat=True)
        .first()
    )


def _judge(
    report: Report, seal: Seal | None, signed_at: dt.datetime | None, recorded: dt.datetime | None = None
) -> Report:
    """Fill in the seal's registry facts and the verdict once the cryptography has been checked."""
    if seal is None:
        if report.intact and report.trusted:
            report.code, report.message = "SEAL_UNKNOWN", "签章证书不属于本节点登记的印章"
        return report
    report.seal_code, report.seal_name, report.department = seal.code, seal.name, seal.department.name
    report.status_now = seal.status
    signed_at = recorded or signed_at
    report.signed_at = signed_at
    at_signing = status_at(seal, signed_at, exact=recorded is not None) if signed_at else ""
    report.status_at_signing = at_signing
    if not report.intact:
        return report
    if not report.trusted:
        return report
    if signed_at is None or not _second(seal.valid_from) <= signed_at <= seal.valid_to:
        report.code, report.message = "SIGNED_OUTSIDE_VALIDITY", "签章时间不在印章有效期内"
        return report
    if at_signing != SealStatus.ACTIVE:
        label = SealStatus(at_signing).label if at_signing else "未制作"
        report.code, report.message = "SEAL_NOT_ACTIVE_WHEN_SIGNED", f"签章时印章处于“{label}”状态"
        return report
    report.valid = True
    if seal.status == SealStatus.ACTIVE:
        report.code, report.message = "VALID", "签章有效"
    else:
        latest = [event for event in seal.status_events.all() if event.status == seal.status]
        changed = latest[-1].effective_at if latest else None
        report.status_changed_at = changed
        when = timezone.localtime(changed).strftime("%Y-%m-%d %H:%M") if changed else ""
        label = SealStatus(seal.status).label
        report.code = "VALID_SEAL_SINCE_CANCELLED" if seal.status == SealStatus.CANCELLED else "VALID_SEAL_SINCE_SUSPENDED"
        report.message = f"签章时有效；印章已于{when}{label}"
    return report


def _seal_by(serial_field: str, serial: str, der: bytes) -> Seal | None:
    seal = (
        Seal.objects.select_related("department")
        .prefetch_related("status_events")
        .filter(**{serial_field: serial})
        .first()
    )
    stored = bytes(getattr(seal, serial_field.replace("serial", "certificate"))) if seal else b""
    return seal if seal is not None and stored == der else None


# --- data signatures -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CryptoCheck:
    """The cryptographic part of a data-signature check: signature, chain to this node's CA."""

    ok: bool
    code: str
    message: str
    leaf_der: bytes = b""
    signed_at: dt.datetime | None = None


_MALFORMED = CryptoCheck(False, "MALFORMED", "签名格式不正确")
_TAMPERED = CryptoCheck(False, "DATA_TAMPERED", "签名与数据不符（数据或签名已被篡改）")


def _b64url_decode(segment: bytes) -> bytes:
    """Unpadded base64url (RFC 7515 §2) as strictly as joserfc reads it (no "+", "/" or "=", no
    stray bits in the last character): binascii.Error otherwise."""
    if b"+" in segment or b"/" in segment or b"=" in segment:
        raise binascii.Error("not base64url")
    pad = -len(segment) % 4
    if pad == 3 or (pad and segment[-1] not in (b"AEIMQUYcgkosw048", b"AQgw")[pad - 1]):
        raise binascii.Error("not canonical base64url")
    return binascii.a2b_base64(segment.translate(_FROM_URLSAFE) + b"=" * pad, strict_mode=True)


def check_jws(token: str, data: bytes) -> CryptoCheck:
    """Signature and trust of an ES256 JWS over ``data`` (``signing.jws_sign``): no database query
    once the node's anchors and this certificate have been seen by the process.

    The header is decoded once and held to joserfc's rules (``JWS_REGISTRY``: sizes, ``crit``,
    required and typed members, nothing unregistered); the signature is checked with
    ``cryptography`` over the RFC 7515 signing input built from ``data`` (RFC 7797 when the header
    says ``b64: false``). The payload is detached (RFC 7515 Appendix F); a token that carries one
    must carry exactly ``data``.
    """
    try:
        protected, payload, signature = token.encode("ascii").split(b".")
        JWS_REGISTRY.validate_header_size(protected)
        JWS_REGISTRY.validate_signature_size(signature)
        header = json.loads(_b64url_decode(protected).decode("utf-8"))  # RFC 7515 §5.2: UTF-8
        if not isinstance(header, dict):
            return _MALFORMED
        JWS_REGISTRY.check_header(header)
        leaf = _ecdsa_leaf(header["x5c"][0])
        signed_at = dt.datetime.fromtimestamp(header["iat"], tz=dt.UTC)
        raw_signature = _b64url_decode(signature)
    except (ValueError, KeyError, IndexError, TypeError, AttributeError, OverflowError, JoseError):
        return _MALFORMED  # binascii.Error is a ValueError; JoseError covers joserfc's header rules
    unencoded = header.get("b64", True) is not True  # RFC 7797 §3; §6: then "b64" must be critical
    if header["alg"] != "ES256" or (unencoded and "b64" not in header.get("crit", ())):
        return _MALFORMED
    if leaf is None:
        return CryptoCheck(False, "CERTIFICATE_UNTRUSTED", "签名证书不是本节点印章CA签发的")
    signed_payload = data if unencoded else base64.urlsafe_b64encode(data).rstrip(b"=")
    if (payload and payload != signed_payload) or len(raw_signature) != 64:
        return _TAMPERED
    r, s = int.from_bytes(raw_signature[:32], "big"), int.from_bytes(raw_signature[32:], "big")
    leaf_der, key = leaf
    try:
        key.verify(encode_dss_signature(r, s), protected + b"." + signed_payload, ES256)
    except InvalidSignature:
        return _TAMPERED
    return CryptoCheck(True, "OK", "", leaf_der=leaf_der, signed_at=signed_at)


def verify_jws(token: str, data: bytes) -> Report:
    """A detached ES256 JWS made by ``signing.sign_data``: the check, then the registry's facts."""
    check = check_jws(token, data)
    if not check.ok:
        return Report(code=check.code, message=check.message)
    report = Report(intact=True, trusted=True)
    certificate = crypto_x509.load_der_x509_certificate(check.leaf_der)
    report.chain = [_common_name(asn1_x509.Certificate.load(check.leaf_der))]
    seal = _seal_by("ecdsa_serial", format(certificate.serial_number, "x"), check.leaf_der)
    recorded = _recorded_time(seal, "sha256", hashlib.sha256(data).hexdigest(), check.signed_at)
    return _judge(report, seal, check.signed_at, recorded)


def _sm2_certificate_check(der: bytes, at: dt.datetime) -> str | None:
    return None if _sm2_leaf_trusted(der) else "NOT_ISSUED_BY_THIS_NODE"


def check_ses(signature: bytes, data: bytes) -> ses.SignatureCheck:
    """GB/T 38540 signature verification with this node's SM2 CA as the trust anchor."""
    return ses.verify_signature(signature, data, check_certificate=_sm2_certificate_check)


def verify_ses(signature: bytes, data: bytes) -> Report:
    """A GB/T 38540 SES_Signature: its own checks (data hash, signature, seal, validity, certList),
    then the signer's certificate against this node's SM2 seal CA and the registry."""
    check = check_ses(signature, data)
    report = Report(code=check.reason or "INVALID", message=check.message)
    if not check.valid:
        report.intact = check.reason not in ("DATA_TAMPERED", "SIGNATURE_INVALID", "MALFORMED")
        return report
    report.intact = report.trusted = True
    summary = ses.parse_signature(signature)
    leaf_der = summary["signer_certificate"]
    leaf = asn1_x509.Certificate.load(leaf_der)
    report.chain = [_common_name(leaf)]
    seal = _seal_by("sm2_serial", format(leaf.serial_number, "x"), leaf_der)
    recorded = _recorded_time(seal, "sm3", gm.sm3(data).hex(), summary["time_info"])
    return _judge(report, seal, summary["time_info"], recorded)


def verify_data(*, fmt: str, signature: str, data: bytes) -> Report:
    if fmt == "jws":
        return verify_jws(signature, data)
    if fmt == "ses":
        try:
            der = base64.b64decode(signature, validate=True)
        except (binascii.Error, ValueError):
            return Report(code="MALFORMED", message="签名不是有效的 base64 编码")
        return verify_ses(der, data)
    raise ValidationFailed("SEAL_FORMAT_INVALID", "签名格式应为 jws 或 ses", details={"field": "format"})


# --- PDF -------------------------------------------------------------------------------------------


@dataclass
class PdfReport:
    valid: bool
    code: str
    message: str
    signatures: list[Report]


def verify_pdf(pdf: bytes) -> PdfReport:
    """Every signature of ``pdf``; the file is valid when it has at least one signature, all of them
    valid and trusted, and the last one covers the whole file."""
    if not isinstance(pdf, bytes) or not pdf.startswith(b"%PDF-"):
        raise ValidationFailed("PDF_INVALID", "文件不是PDF", details={"field": "file"})
    if len(pdf) > MAX_PDF_BYTES:
        raise ValidationFailed("PDF_TOO_LARGE", "PDF文件不能超过20MB", details={"field": "file"})
    root_der, ca_der = _anchors(KeyAlgorithm.ECDSA_P256)
    context = ValidationContext(
        trust_roots=[asn1_x509.Certificate.load(root_der)],
        other_certs=[asn1_x509.Certificate.load(ca_der)],
        allow_fetching=False,
        revocation_mode="soft-fail",
    )
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        embedded = list(reader.embedded_signatures)
    except (PdfError, KeyError, ValueError, TypeError, IndexError, AttributeError) as exc:
        raise ValidationFailed("PDF_INVALID", "PDF文件已损坏或无法解析", details={"field": "file"}) from exc
    if not embedded:
        return PdfReport(valid=False, code="NO_SIGNATURE", message="该PDF文件没有电子签章", signatures=[])
    reports = []
    for signature in embedded:
        reports.append(_verify_embedded(signature, context, pdf))
    last = reports[-1]
    if not all(report.valid for report in reports):
        bad = next(report for report in reports if not report.valid)
        return PdfReport(valid=False, code=bad.code, message=bad.message, signatures=reports)
    if not last.covers_whole_file:
        return PdfReport(
            valid=False, code="NOT_WHOLE_FILE", message="签章后文件被追加修改，签章未覆盖整个文件", signatures=reports
        )
    return PdfReport(valid=True, code=last.code, message=last.message, signatures=reports)


def _verify_embedded(signature, context: ValidationContext, pdf: bytes) -> Report:
    report = Report(field_name=str(signature.field_name or ""))
    try:
        status = validate_pdf_signature(signature, signer_validation_context=context)
    except Exception:  # pyhanko raises many kinds on hostile input; the signature is then invalid
        report.code, report.message = "MALFORMED", "签章数据无法解析"
        return report
    report.intact = bool(status.intact and status.valid)
    # pyhanko's ``trusted`` also requires an intact signature; the chain is judged on its own here
    report.trusted = status.trust_problem_indic is None and status.validation_path is not None
    report.covers_whole_file = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    if status.validation_path is not None:
        path = list(status.validation_path.iter_certs(include_root=True))
        report.chain = [_common_name(cert) for cert in reversed(path)]  # the signer's first, the root last
    if not report.intact:
        report.code, report.message = "DATA_TAMPERED", "文件在签章后被篡改，签章无效"
    elif not report.trusted:
        report.code, report.message = "CERTIFICATE_UNTRUSTED", "签章证书不能链接到本节点的根证书"
    leaf = status.signing_cert
    der = leaf.dump()
    seal = _seal_by("ecdsa_serial", format(leaf.serial_number, "x"), der)
    # The revision this signature closes ends where its byte range ends; the node recorded its digest.
    _start, _first, second, last = (int(value) for value in signature.byte_range)
    revision = hashlib.sha256(pdf[: second + last]).hexdigest()
    recorded = _recorded_time(seal, "sha256", revision, status.signer_reported_dt)
    return _judge(report, seal, status.signer_reported_dt, recorded)
