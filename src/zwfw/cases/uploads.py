"""Uploaded materials: what a file really is, and where it is kept.

The type is taken from the content, never from the name or the browser's claim: a PDF must open
as a PDF (pyhanko's reader), an image must decode (Pillow). Files are kept under the data
directory, addressed by their SHA-256 (the same file uploaded twice is stored once), and read back
only after the digest is checked again. A file is kept only by an operation that records it: one
that is refused, or whose transaction rolls back, leaves no file behind (``staged``).
"""

from __future__ import annotations

import hashlib
import io
import os
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from django.conf import settings
from django.db import DatabaseError
from PIL import Image, UnidentifiedImageError
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader

from zwfw.core.errors import NotFound, ValidationFailed

K = TypeVar("K")

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


class Incoming:
    """A checked file on its way in (``staged``): written under a name of its own before the transaction
    (so that the transaction, which on SQLite holds the one write lock, only renames it), put in place by
    ``keep`` once the operation's every check has passed, and removed again if the operation is refused
    or its transaction rolls back."""

    def __init__(self, content: bytes) -> None:
        self.content = content
        content_type = sniff(content)
        sha256 = hashlib.sha256(content).hexdigest()
        self.stored = StoredFile(path=f"case-materials/{sha256[:2]}/{sha256}", sha256=sha256, size=len(content),
                                 content_type=content_type)
        self.target = Path(settings.DATA_DIR) / self.stored.path
        self.temporary: Path | None = None
        self.kept = False  # ``keep`` was called: the operation records the file
        self.created = False  # and the file was not there before

    def _write(self) -> None:
        if self.temporary is None and not _holds(self.target, self.stored.sha256):
            self.target.parent.mkdir(parents=True, exist_ok=True)
            self.temporary = self.target.with_name(f".{self.stored.sha256}.{uuid.uuid4().hex}.tmp")
            self.temporary.write_bytes(self.content)

    def keep(self) -> StoredFile:
        """Put the file in place (inside the transaction that records it, after every check)."""
        if self.temporary is None and not self.target.exists():
            self._write()  # removed since it was staged (a refused twin): write it again
        if self.temporary is not None:
            os.replace(self.temporary, self.target)
            self.temporary, self.created = None, True
        self.kept = True
        return self.stored

    def _drop_temporary(self) -> None:
        if self.temporary is not None:
            self.temporary.unlink(missing_ok=True)
            self.temporary = None

    def refused(self) -> None:
        """The operation was refused or rolled back: nothing of this upload stays, unless a recorded
        material (an earlier upload of the same file) still names the file."""
        self._drop_temporary()
        if self.created:
            from zwfw.cases.models import CaseMaterial

            try:
                named = CaseMaterial.objects.filter(path=self.stored.path).exists()
            except DatabaseError:  # inside a transaction that is being rolled back: leave the file
                named = True
            if not named:
                self.target.unlink(missing_ok=True)
        self.kept = self.created = False

    def done(self) -> None:
        """The operation committed (or needed no file): a kept file is there, the temporary one gone."""
        self._drop_temporary()
        if self.kept and not _complete(self.target, self.stored.size):
            # a concurrent refused upload of the same file removed it before this one committed
            self.target.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.target.with_name(f".{self.stored.sha256}.{uuid.uuid4().hex}.tmp")
            temporary.write_bytes(self.content)
            os.replace(temporary, self.target)


def _complete(target: Path, size: int) -> bool:
    """Whether a kept file is there (files are put in place whole, by rename)."""
    try:
        return target.stat().st_size == size
    except OSError:
        return False


@contextmanager
def staged(contents: Mapping[K, bytes]) -> Iterator[dict[K, Incoming]]:
    """Check every file (nothing is written if one is bad), then write each under a temporary name.
    Use around the operation's transaction (``with staged(files) as incoming, transaction.atomic():``)
    and call ``keep`` on the files it records once every check has passed: on leaving, a refusal or a
    rollback removes what was written, a success only the temporary files."""
    incoming = {key: Incoming(content) for key, content in contents.items()}
    try:
        for upload in incoming.values():
            upload._write()
        yield incoming
    except BaseException:
        for upload in incoming.values():
            upload.refused()
        raise
    for upload in incoming.values():
        upload.done()


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
