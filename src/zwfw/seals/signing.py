"""Signing with a seal: detached data signatures (JWS ES256, GB/T 38540 SES_Signature with SM2) and
PDF documents in PAdES (pyhanko) with the seal image placed on the page.

Every signature is recorded (``SealUsage``: seal, digest of what was signed, who, when, for what)
and audited in the same transaction. The private key is used only inside the key store.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import unicodedata
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from asn1crypto import algos
from asn1crypto import x509 as asn1_x509
from django.db import transaction
from django.db.transaction import TransactionManagementError
from django.utils import timezone
from PIL import Image
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.sign import fields, signers
from pyhanko.sign.signers.pdf_signer import PdfSignatureMetadata, PdfSigner
from pyhanko.stamp import StaticStampStyle
from pyhanko_certvalidator.registry import SimpleCertificateStore

from zwfw.core import audit
from zwfw.core.audit import canonical_json
from zwfw.core.errors import ValidationFailed
from zwfw.core.lookups import PreparedInsert, PreparedInstance
from zwfw.seals import gm, pki, ses
from zwfw.seals.keystore import keystore
from zwfw.seals.models import KeyAlgorithm, Seal, SealUsage, SignatureFormat, StoredKey
from zwfw.seals.services import actor_label, check_can_use, check_usable

MAX_DATA_BYTES = 7 * 1024 * 1024  # its base64 stays under the 10 MB request limit (settings)
MAX_PDF_BYTES = 20 * 1024 * 1024
MAX_BATCH = 50
MM = 72 / 25.4  # PDF points per millimetre


@dataclass(frozen=True)
class SigningActor:
    """Who signs: a staff user (department and role checked) or the node operator's command line."""

    user: Any = None
    system: str = ""

    @property
    def label(self) -> str:
        return self.system or actor_label(self.user)


def _authorise(actor: SigningActor, seal: Seal) -> None:
    if actor.system:
        check_usable(seal=seal)
    else:
        check_can_use(actor=actor.user, seal=seal)


def _purpose(purpose: str) -> str:
    text = (purpose or "").strip()
    if any(unicodedata.category(ch).startswith("C") for ch in text):
        raise ValidationFailed("SEAL_PURPOSE_INVALID", "用章事由不能包含控制字符", details={"field": "purpose"})
    if not text:
        raise ValidationFailed("SEAL_PURPOSE_REQUIRED", "请填写用章事由", details={"field": "purpose"})
    if len(text) > 200:
        raise ValidationFailed("SEAL_PURPOSE_TOO_LONG", f"用章事由不能超过200字（现为{len(text)}字）",
                               details={"field": "purpose"})
    return text


# every signature is recorded (用章记录): the INSERT compiled once per connection
_USAGE = PreparedInsert(SealUsage)


def _usage(
    *, actor: SigningActor, seal: Seal, fmt: str, algorithm: str, digest: str, purpose: str,
    signed_at: dt.datetime, batch: uuid.UUID | None = None,
) -> SealUsage:
    return SealUsage(
        seal=seal,
        format=fmt,
        digest_algorithm=algorithm,
        document_digest=digest,
        purpose=purpose,
        used_by=actor.user if actor.user is not None and actor.user.pk else None,
        used_by_label=actor.label[:100],
        batch=batch,
        signed_at=signed_at,
    )


def _use_audited(actor: SigningActor, usage: SealUsage) -> audit.NewEntry:
    """The audit entry of a recorded use (its 用章记录 written: the entry names it)."""
    return audit.NewEntry(
        actor=actor.label,
        action=f"seals.use.{usage.format}",
        object_type="seals.Seal",
        object_id=usage.seal.code,
        details={
            "digest": f"{usage.digest_algorithm}:{usage.document_digest}", "purpose": usage.purpose[:200],
            "usage": usage.pk,
        },
    )


def _record(
    *, actor: SigningActor, seal: Seal, fmt: str, algorithm: str, digest: str, purpose: str,
    signed_at: dt.datetime, batch: uuid.UUID | None = None,
) -> SealUsage:
    usage = _usage(
        actor=actor, seal=seal, fmt=fmt, algorithm=algorithm, digest=digest, purpose=purpose, signed_at=signed_at,
        batch=batch,
    )
    _USAGE.insert(usage)
    audit.append(_use_audited(actor, usage))
    return usage


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def chain_der(seal: Seal, algorithm: str) -> list[bytes]:
    """The seal's certificate, then the seal CA's (the root is the verifier's trust anchor)."""
    leaf = seal.sm2_certificate if algorithm == KeyAlgorithm.SM2 else seal.ecdsa_certificate
    return [bytes(leaf), pki.seal_ca_der(algorithm)]


def jws_sign(*, key: StoredKey, chain: list[bytes], kid: str, data: bytes, signed_at: dt.datetime) -> str:
    """A JWS (RFC 7515) with detached payload (Appendix F) and the x5c chain, signed with ES256.

    Assembled here rather than by a JOSE library because the key never leaves the key store: the
    store signs the RFC 7515 signing input, and the DER signature becomes r‖s (RFC 7518 §3.4).
    ``verification.verify_jws`` checks it with joserfc.
    """
    header = {
        "alg": "ES256",
        "kid": kid,
        "x5c": [base64.b64encode(der).decode("ascii") for der in chain],
        "iat": int(signed_at.timestamp()),
    }
    protected = _b64url(canonical_json(header).encode("utf-8"))
    signing_input = f"{protected}.{_b64url(data)}".encode("ascii")
    signature = pki.raw_signature(keystore().sign(key, signing_input))
    return f"{protected}..{_b64url(signature)}"


@dataclass(frozen=True)
class DataSignature:
    format: str
    signature: str  # JWS compact (detached) or base64 DER SES_Signature
    digest: str
    signed_at: dt.datetime
    usage_id: int


def _check_data(data: bytes) -> bytes:
    if not isinstance(data, bytes) or not data:
        raise ValidationFailed("SEAL_DATA_EMPTY", "待签数据不能为空", details={"field": "data"})
    if len(data) > MAX_DATA_BYTES:
        raise ValidationFailed("SEAL_DATA_TOO_LARGE", "待签数据不能超过7MB", details={"field": "data"})
    return data


@dataclass(frozen=True)
class ToSign:
    """One item of ``LockedSeal.sign_many``: the data and the 用章事由."""

    data: bytes
    purpose: str


@dataclass(frozen=True)
class LockedSeal:
    """A seal locked until the caller's transaction ends (``lock_seal``), signing data for ``actor``.
    The lock checked the actor and the seal once; each ``sign`` is still checked against the seal's
    validity period at its own moment, a ``sign_many`` once at the one moment all its signatures are
    made (no query: the locked row cannot change meanwhile), and every signature is recorded (用章记录
    and audit) in the transaction, as every use of a seal is."""

    actor: SigningActor
    seal: Seal
    batch: uuid.UUID | None = None  # one 批次 for every use of this lock (用章记录)

    def sign(self, *, data: bytes, purpose: str, fmt: str) -> DataSignature:
        """Detached signature over ``data``: ``jws`` (ECDSA P-256) or ``ses`` (SM2, GB/T 38540); the
        one item of a ``sign_many``."""
        return self.sign_many([ToSign(data=data, purpose=purpose)], fmt=fmt)[0]

    def sign_many(
        self, items: Sequence[ToSign], *, fmt: str,
        then: Callable[[list[DataSignature]], Sequence[Sequence[audit.NewEntry]]] | None = None,
    ) -> list[DataSignature]:
        """One detached signature per item (each its data checked, its purpose the 用章事由), their
        用章记录 written with one INSERT and their audit entries appended together (``audit.record_many``).

        All of them are made at one moment, one reading of the clock against which the seal's validity
        is checked once: the items are signed together or refused together, never split by the seal's
        validity ending between two readings (a batch is one transaction, and one "now").

        ``then`` (optional) gets the signatures once their uses are recorded, writes what they were
        made for, and answers each item's further audit entries: they are appended with the uses'
        in one go, each item's after its use (the order ``sign`` then ``audit.record`` gives). Every
        item is checked before any is signed; a refused one (its data, its purpose), or the seal no
        longer usable at the moment, raises, nothing recorded."""
        self._check_transaction()
        checked = [(_check_data(item.data), _purpose(item.purpose)) for item in items]
        signed_at = self._usable_now()
        chain = chain_der(self.seal, KeyAlgorithm.ECDSA_P256) if fmt == SignatureFormat.JWS else None  # read once
        signed = [self._signed(data, fmt, signed_at, chain) for data, _ in checked]
        usages = [
            _usage(
                actor=self.actor, seal=self.seal, fmt=fmt, algorithm=algorithm, digest=digest, purpose=purpose,
                signed_at=signed_at, batch=self.batch,
            )
            for (_, purpose), (_, algorithm, digest) in zip(checked, signed, strict=True)
        ]
        _USAGE.insert_many(usages)
        signatures = [
            DataSignature(format=fmt, signature=value, digest=digest, signed_at=signed_at, usage_id=usage.pk)
            for (value, _, digest), usage in zip(signed, usages, strict=True)
        ]
        further = then(signatures) if then is not None else [()] * len(items)
        if len(further) != len(items):
            raise ValueError("then() answers one list of audit entries per item")
        audit.record_many(
            [entry for usage, more in zip(usages, further, strict=True) for entry in (_use_audited(self.actor, usage), *more)]
        )
        return signatures

    def _check_transaction(self) -> None:
        if not transaction.get_connection().in_atomic_block:
            raise RuntimeError("a locked seal signs only inside the transaction that locked it")

    def _usable_now(self) -> dt.datetime:
        """The moment of a signature, the seal checked usable at it (no query: the locked row cannot
        change meanwhile)."""
        signed_at = timezone.now()  # exact in the 用章记录; the signature carries it to the second
        check_usable(seal=self.seal, at=signed_at)
        return signed_at

    def _signed(
        self, data: bytes, fmt: str, signed_at: dt.datetime, chain: list[bytes] | None = None
    ) -> tuple[str, str, str]:
        """(signature, digest algorithm, digest) of ``data`` signed at ``signed_at`` (``_usable_now``);
        ``chain``: the seal's ECDSA chain (``chain_der``) when the caller has it already."""
        seal = self.seal
        if fmt == SignatureFormat.JWS:
            chain = chain or chain_der(seal, KeyAlgorithm.ECDSA_P256)
            value = jws_sign(key=seal.ecdsa_key, chain=chain, kid=seal.code, data=data, signed_at=signed_at)
            return value, "sha256", hashlib.sha256(data).hexdigest()
        if fmt == SignatureFormat.SES:
            store = keystore()
            der = ses.sign_data(
                data=data,
                seal=bytes(seal.ses_seal),
                signer_certificate=bytes(seal.sm2_certificate),
                signer_sign=lambda tbs: store.sign(seal.sm2_key, tbs),
                time_info=signed_at,
                property_info="zwfw:detached-data",  # GB/T 38540 propertyInfo (IA5): what was signed
            )
            return base64.b64encode(der).decode("ascii"), "sm3", gm.sm3(data).hex()
        raise ValidationFailed("SEAL_FORMAT_INVALID", "签名格式应为 jws 或 ses", details={"field": "format"})


# The seal a signing locks, with both keys and without the image (not needed to sign data): every
# issuance reads it, so the statement is compiled once per connection.
_LOCKED_SEAL = PreparedInstance(
    Seal,
    lambda pk: Seal.objects.select_for_update().filter(pk=pk),
    defer=("image_png", "image_svg"),
    related=[("ecdsa_key", None), ("sm2_key", None)],
)


def lock_seal(*, actor: SigningActor, seal: Seal, batch: bool = False) -> LockedSeal:
    """Lock ``seal`` until the caller's transaction ends (required: ``select_for_update`` refuses to
    run outside one) and check that ``actor`` may use it, once for every signature made with the
    answer: several data signatures under one lock (批量, e.g. a batch of licences). ``batch``: the
    uses share one 批次 in the 用章记录, as ``sign_pdfs``'s do."""
    if transaction.get_connection().get_autocommit():
        raise TransactionManagementError("a seal is locked only inside a transaction")
    locked = _LOCKED_SEAL.get(seal.pk)
    if locked is None:
        raise Seal.DoesNotExist(f"seal {seal.pk} not found")
    seal = locked
    _authorise(actor, seal)
    return LockedSeal(actor=actor, seal=seal, batch=uuid.uuid4() if batch else None)


@transaction.atomic
def sign_data(*, actor: SigningActor, seal: Seal, data: bytes, purpose: str, fmt: str) -> DataSignature:
    """Detached signature over ``data``: ``jws`` (ECDSA P-256) or ``ses`` (SM2, GB/T 38540)."""
    return lock_seal(actor=actor, seal=seal).sign(data=data, purpose=purpose, fmt=fmt)


@transaction.atomic
def sign_compact_jws(*, actor: SigningActor, seal: Seal, header: dict[str, Any], payload: bytes, purpose: str) -> str:
    """A compact JWS (RFC 7515 §7.1) over ``payload`` with the seal's ES256 key, for a format another
    module defines (a Verifiable Credential: ``typ`` ``vc+jwt``). ``header`` adds its members to
    ``alg``, ``kid``, ``x5c`` (the seal's chain) and ``iat``. A use of the seal like every other: the
    seal locked and checked usable, the signature recorded (用章记录 and audit) in the transaction."""
    seal = lock_seal(actor=actor, seal=seal).seal
    purpose = _purpose(purpose)
    signed_at = timezone.now()
    chain = chain_der(seal, KeyAlgorithm.ECDSA_P256)
    members = {
        **header,
        "alg": "ES256",
        "kid": seal.code,
        "x5c": [base64.b64encode(der).decode("ascii") for der in chain],
        "iat": int(signed_at.timestamp()),
    }
    signing_input = f"{_b64url(canonical_json(members).encode('utf-8'))}.{_b64url(payload)}"
    signature = pki.raw_signature(keystore().sign(seal.ecdsa_key, signing_input.encode("ascii")))
    _record(
        actor=actor, seal=seal, fmt=SignatureFormat.JWS, algorithm="sha256",
        digest=hashlib.sha256(payload).hexdigest(), purpose=purpose, signed_at=signed_at,
    )
    return f"{signing_input}.{_b64url(signature)}"


# --- PDF (PAdES) ---------------------------------------------------------------------------------


class KeyStoreSigner(signers.Signer):
    """pyhanko's signer interface over the key store: pyhanko hashes, the store signs (as PKCS11Signer)."""

    def __init__(self, *, key: StoredKey, certificate: asn1_x509.Certificate, chain: list[asn1_x509.Certificate]):
        super().__init__(
            signing_cert=certificate,
            cert_registry=SimpleCertificateStore.from_certs(chain),
            signature_mechanism=algos.SignedDigestAlgorithm({"algorithm": "sha256_ecdsa"}),
            embed_roots=True,
        )
        self._key = key

    async def async_sign_raw(self, data: bytes, digest_algorithm: str, dry_run: bool = False) -> bytes:
        if digest_algorithm != "sha256":
            raise ValueError(f"unsupported digest {digest_algorithm}")
        if dry_run:
            return bytes(72)  # the longest DER ECDSA-Sig-Value for P-256
        return keystore().sign(self._key, data)


@dataclass(frozen=True)
class Placement:
    """Where the seal image goes: page (1 = first, -1 = last) and the centre, in mm from the lower left.
    ``None`` centres over the issuer and date of a ``documents.render_notice_pdf`` notice: 50 mm from
    the right edge, 70 mm from the bottom (GB/T 9704 §7.3.5.1: 印章端正、居中下压发文机关署名和成文日期)."""

    page: int = -1
    x_mm: float | None = None
    y_mm: float | None = None


def _open_pdf(pdf: bytes) -> IncrementalPdfFileWriter:
    if not isinstance(pdf, bytes) or not pdf.startswith(b"%PDF-"):
        raise ValidationFailed("PDF_INVALID", "文件不是PDF", details={"field": "file"})
    if len(pdf) > MAX_PDF_BYTES:
        raise ValidationFailed("PDF_TOO_LARGE", "PDF文件不能超过20MB", details={"field": "file"})
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        if writer.prev.encrypted:
            raise ValidationFailed("PDF_ENCRYPTED", "不支持已加密的PDF", details={"field": "file"})
        writer.root["/Pages"]
        return writer
    except ValidationFailed:
        raise
    except (PdfError, KeyError, ValueError, TypeError, IndexError, AttributeError) as exc:
        raise ValidationFailed("PDF_INVALID", "PDF文件已损坏或无法解析", details={"field": "file"}) from exc


def _media_box(page: Any) -> Any:
    """/MediaBox of a page, inherited from its page-tree ancestors when not on the page (ISO 32000 §7.7.3.4)."""
    node = page
    for _ in range(64):
        if "/MediaBox" in node:
            return node["/MediaBox"]
        if "/Parent" not in node:
            break
        node = node["/Parent"]
    raise ValidationFailed("PDF_INVALID", "PDF页面缺少尺寸信息", details={"field": "file"})


def _box(writer: IncrementalPdfFileWriter, seal: Seal, placement: Placement) -> tuple[int, tuple[int, int, int, int]]:
    pages = writer.root["/Pages"]["/Count"]
    index = placement.page - 1 if placement.page > 0 else pages + placement.page
    if not 0 <= index < pages:
        raise ValidationFailed("PDF_PAGE_INVALID", f"页码应在1到{pages}之间", details={"field": "page"})
    page_ref, _ = writer.find_page_for_modification(index)
    x0, y0, x1, y1 = (float(v) for v in _media_box(page_ref.get_object()))
    width, height = seal.width_mm * MM, seal.height_mm * MM
    cx = x0 + placement.x_mm * MM if placement.x_mm is not None else x1 - 50 * MM
    cy = y0 + placement.y_mm * MM if placement.y_mm is not None else y0 + 70 * MM
    if not (x0 <= cx - width / 2 and cx + width / 2 <= x1 and y0 <= cy - height / 2 and cy + height / 2 <= y1):
        raise ValidationFailed("PDF_POSITION_INVALID", "印章位置超出页面范围", details={"field": "x_mm"})
    box = (round(cx - width / 2), round(cy - height / 2), round(cx + width / 2), round(cy + height / 2))
    return index, box


def _sign_one(*, seal: Seal, pdf: bytes, placement: Placement, purpose: str, signed_at: dt.datetime) -> bytes:
    writer = _open_pdf(pdf)
    page_index, box = _box(writer, seal, placement)
    existing = sum(1 for _ in fields.enumerate_sig_fields(writer.prev))
    field_name = f"zwfw-seal-{seal.code}-{existing + 1}"
    leaf, ca = (asn1_x509.Certificate.load(der) for der in chain_der(seal, KeyAlgorithm.ECDSA_P256))
    root = pki.root_certificate(KeyAlgorithm.ECDSA_P256)
    meta = PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=purpose[:100],
        name=seal.name,
    )
    image = Image.open(io.BytesIO(bytes(seal.image_png)))
    style = StaticStampStyle(background=PdfImage(image), border_width=0, background_opacity=1.0)
    pdf_signer = PdfSigner(
        meta,
        signer=KeyStoreSigner(key=seal.ecdsa_key, certificate=leaf, chain=[leaf, ca, root]),
        stamp_style=style,
        new_field_spec=fields.SigFieldSpec(sig_field_name=field_name, on_page=page_index, box=box),
    )
    output = pdf_signer.sign_pdf(writer, in_place=False)
    return output.getvalue()


@transaction.atomic
def sign_pdfs(
    *, actor: SigningActor, seal: Seal, documents: list[bytes], purpose: str, placement: Placement | None = None
) -> list[bytes]:
    """Sign one or several PDFs (批量签章): all of them, or none if any is refused."""
    seal = Seal.objects.select_for_update().select_related("ecdsa_key").get(pk=seal.pk)
    _authorise(actor, seal)
    purpose = _purpose(purpose)
    if not documents:
        raise ValidationFailed("PDF_REQUIRED", "请上传待签章的PDF文件", details={"field": "file"})
    if len(documents) > MAX_BATCH:
        raise ValidationFailed("PDF_BATCH_TOO_LARGE", f"一次最多签章{MAX_BATCH}个文件", details={"field": "file"})
    placement = placement or Placement()
    for pdf in documents:  # every file is checked before any is signed
        _box(_open_pdf(pdf), seal, placement)
    batch = uuid.uuid4() if len(documents) > 1 else None
    results = []
    for pdf in documents:
        signed_at = timezone.now()
        signed = _sign_one(seal=seal, pdf=pdf, placement=placement, purpose=purpose, signed_at=signed_at)
        _record(
            actor=actor,
            seal=seal,
            fmt=SignatureFormat.PADES,
            algorithm="sha256",
            digest=hashlib.sha256(signed).hexdigest(),
            purpose=purpose,
            signed_at=signed_at,
            batch=batch,
        )
        results.append(signed)
    return results


def sign_pdf(
    *, actor: SigningActor, seal: Seal, pdf: bytes, purpose: str, placement: Placement | None = None
) -> bytes:
    return sign_pdfs(actor=actor, seal=seal, documents=[pdf], purpose=purpose, placement=placement)[0]

