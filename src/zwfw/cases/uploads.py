"""Uploaded materials: what a file really is, and where it is kept.

The type is taken from the content, never from the name or the browser's claim: a PDF must open
as a PDF (pyhanko's reader), an image must decode (Pillow). Files are kept under the data
directory, addressed by their SHA-256 (the same file uploaded twice is stored once), and read back
only after the digest is checked again.
"""

from __future__ import annotations

import hashlib
import io
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from PIL import Image, UnidentifiedImageError
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader

from zwfw.core.errors import NotFound, ValidationFailed

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000
ACCEPTED = "PDF、JPEG 或 PNG"
_SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)


@dataclass(frozen=True)
class StoredFile:
    path: str  # relative to the data directory
    sha256: str
    size: int
    content_type: str


def _root() -> Path:
    return Path(settings.DATA_DIR) / "case-materials"


def sniff(content: bytes) -> str:
    """The content type of an acceptable file, or a ValidationFailed naming what is wrong."""
    if not content:
        raise ValidationFailed("CASE_UPLOAD_EMPTY", "上传的文件是空的", details={"field": "file"})
    if len(content) > MAX_UPLOAD_BYTES:
        raise ValidationFailed(
            "CASE_UPLOAD_TOO_LARGE", f"单个文件不能超过{MAX_UPLOAD_BYTES // (1024 * 1024)}MB", details={"field": "file"}
        )
    kind = next((kind for magic, kind in _SIGNATURES if content.startswith(magic)), None)
    if kind is None:
        raise ValidationFailed("CASE_UPLOAD_TYPE", f"只接受{ACCEPTED}文件", details={"field": "file"})
    if kind == "application/pdf":
        try:
            reader = PdfFileReader(io.BytesIO(content), strict=False)
            if reader.encrypted:
                raise ValidationFailed("CASE_UPLOAD_ENCRYPTED", "PDF文件设有密码，请上传未加密的文件",
                                       details={"field": "file"})
            if not reader.root["/Pages"]["/Count"]:
                raise ValueError("no pages")
        except ValidationFailed:
            raise
        except (PdfError, ValueError, KeyError, TypeError, IndexError, AttributeError):
            raise ValidationFailed("CASE_UPLOAD_DAMAGED", "PDF文件已损坏，无法打开", details={"field": "file"}) from None
        return kind
    try:
        with Image.open(io.BytesIO(content)) as image:
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise ValidationFailed("CASE_UPLOAD_TOO_LARGE", "图片像素过多，请压缩后上传", details={"field": "file"})
            image.verify()
    except ValidationFailed:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationFailed("CASE_UPLOAD_DAMAGED", "图片文件已损坏，无法打开", details={"field": "file"}) from None
    return kind


def store(content: bytes) -> StoredFile:
    """Check and keep a file (written atomically; an identical file already kept is reused)."""
    content_type = sniff(content)
    sha256 = hashlib.sha256(content).hexdigest()
    relative = f"case-materials/{sha256[:2]}/{sha256}"
    target = Path(settings.DATA_DIR) / relative
    if not _holds(target, sha256):
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{sha256}.{os.getpid()}.tmp")
        temporary.write_bytes(content)
        os.replace(temporary, target)
    return StoredFile(path=relative, sha256=sha256, size=len(content), content_type=content_type)


def _holds(target: Path, sha256: str) -> bool:
    try:
        return hashlib.sha256(target.read_bytes()).hexdigest() == sha256
    except OSError:
        return False


def read(path: str, sha256: str) -> bytes:
    """A kept file's bytes, only if they still have the recorded digest."""
    target = (Path(settings.DATA_DIR) / path).resolve()
    if _root().resolve() not in target.parents:
        raise NotFound("CASE_MATERIAL_MISSING", "材料文件不存在")
    try:
        content = target.read_bytes()
    except OSError:
        raise NotFound("CASE_MATERIAL_MISSING", "材料文件不存在或已损坏") from None
    if hashlib.sha256(content).hexdigest() != sha256:
        raise NotFound("CASE_MATERIAL_MISSING", "材料文件不存在或已损坏")
    return content
