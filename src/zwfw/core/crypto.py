"""Encryption of personal data at rest and blind indexes to look it up (ARCHITECTURE.md §4).

ID numbers, mobile numbers and addresses are stored as AES-256-GCM ciphertext
(``EncryptedCharField``); where a row must be found by such a value, a sibling column holds a
*blind index*: HMAC-SHA256 of the normalised value under a key derived from the same secret,
so equality lookups work while the database never sees the value.

The secret (32 random bytes, base64) comes from ``ZWFW_FIELD_KEY`` or the file
``<ZWFW_DATA_DIR>/field_key`` (settings.FIELD_KEYS). Several comma-separated keys allow
rotation: the first encrypts, all decrypt. Blind indexes always use the first key, so putting a
new key first makes existing rows unfindable by value until they are re-indexed, and there is no
re-encryption and re-indexing command yet: until there is, keep one key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import models

_PREFIX = "v1"


class DecryptionFailed(Exception):
    """A stored ciphertext cannot be opened with any configured key (wrong key or corrupted)."""


def _derive(secret: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=SHA256(), length=32, salt=b"zwfw-field-key", info=info).derive(secret)


@lru_cache(maxsize=4)
def _keys(raw: tuple[str, ...]) -> tuple[list[tuple[str, AESGCM]], bytes]:
    ciphers: list[tuple[str, AESGCM]] = []
    index_key = b""
    for position, encoded in enumerate(raw):
        secret = base64.b64decode(encoded)
        kid = hashlib.sha256(secret).hexdigest()[:8]
        ciphers.append((kid, AESGCM(_derive(secret, b"aes-256-gcm"))))
        if position == 0:
            index_key = _derive(secret, b"blind-index")
    return ciphers, index_key


def _configured() -> tuple[list[tuple[str, AESGCM]], bytes]:
    return _keys(tuple(settings.FIELD_KEYS))


def encrypt(plaintext: str) -> str:
    """``v1:<key id>:<base64 nonce+ciphertext>``; a fresh random nonce every time."""
    kid, cipher = _configured()[0][0]
    nonce = os.urandom(12)
    sealed = cipher.encrypt(nonce, plaintext.encode("utf-8"), kid.encode())
    return f"{_PREFIX}:{kid}:{base64.b64encode(nonce + sealed).decode()}"


def decrypt(stored: str) -> str:
    try:
        prefix, kid, payload = stored.split(":", 2)
        blob = base64.b64decode(payload)
    except (ValueError, TypeError) as exc:
        raise DecryptionFailed("not a zwfw ciphertext") from exc
    if prefix != _PREFIX:
        raise DecryptionFailed(f"unknown ciphertext version {prefix!r}")
    for candidate, cipher in _configured()[0]:
        if candidate == kid:
            try:
                return cipher.decrypt(blob[:12], blob[12:], kid.encode()).decode("utf-8")
            except Exception as exc:  # cryptography raises InvalidTag
                raise DecryptionFailed("ciphertext does not authenticate") from exc
    raise DecryptionFailed(f"no configured key {kid!r}")


def blind_index(value: str, *, purpose: str) -> str:
    """HMAC-SHA256 hex of ``purpose`` and the value (normalise the value first: upper-case, strip)."""
    index_key = _configured()[1]
    return hmac.new(index_key, f"{purpose}\x00{value}".encode(), hashlib.sha256).hexdigest()


def generate_key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


class EncryptedCharField(models.TextField):
    """A text column holding AES-GCM ciphertext; Python sees the plaintext.

    Not searchable and not orderable by value: pair it with a blind-index column for lookups.
    """

    description = "Encrypted text"

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value))
