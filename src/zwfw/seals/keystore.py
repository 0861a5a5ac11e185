"""Key custody for seals and CAs: private keys are generated, held and used behind ``KeyStore``.

``DatabaseKeyStore`` keeps each private key wrapped with AES-256-GCM under a key-encryption key
(KEK, ``ZWFW_SEAL_KEK`` or the demo's 0600 file ``$ZWFW_DATA_DIR/seal_kek``; settings.SEAL_KEKS).
The KEK never reaches the database; a wrapped key is bound to its own key id (GCM associated
data), so a row copied onto another id does not open. A plain private key exists only in memory,
inside ``sign``, for the one signature. A PKCS#11 HSM store implements the same three methods
(``generate``, ``public_key``, ``sign``) and is named in ``ZWFW_SEAL_KEYSTORE``.

Signatures: ECDSA P-256 with SHA-256 returns DER ``ECDSA-Sig-Value`` (RFC 5480); SM2 with SM3 and
the default user ID (GB/T 32918.2, GB/T 35276) returns r‖s, 64 bytes.
"""

from __future__ import annotations

import base64
import hashlib
import os
from functools import cache
from typing import Protocol

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.utils.module_loading import import_string

from zwfw.core.errors import DomainError
from zwfw.seals import gm
from zwfw.seals.models import KeyAlgorithm, StoredKey


class KeyStoreError(DomainError):
    status = 503  # never a user's fault: a missing KEK or a broken key row is an operations incident


class KeyStore(Protocol):
    def generate(self, algorithm: str) -> StoredKey: ...

    def public_key(self, key: StoredKey) -> bytes: ...

    def sign(self, key: StoredKey, data: bytes) -> bytes: ...

    def sign_digest(self, key: StoredKey, digest: bytes) -> bytes: ...


def _kek(encoded: str) -> tuple[str, AESGCM]:
    secret = base64.b64decode(encoded)
    kek_id = hashlib.sha256(secret).hexdigest()[:8]
    derived = HKDF(algorithm=SHA256(), length=32, salt=b"zwfw-seal-kek", info=b"key-wrap").derive(secret)
    return kek_id, AESGCM(derived)


@cache
def _keks(raw: tuple[str, ...]) -> dict[str, AESGCM]:
    return dict(_kek(encoded) for encoded in raw)


class DatabaseKeyStore:
    """Private keys wrapped under the KEK in ``StoredKey`` rows (see the module docstring)."""

    def __init__(self, keks: list[str] | None = None) -> None:
        self._raw = tuple(keks if keks is not None else settings.SEAL_KEKS)

    def _wrap(self, key_id: str, private: bytes) -> tuple[str, bytes]:
        kek_id, cipher = next(iter(_keks(self._raw).items()))
        nonce = os.urandom(12)
        return kek_id, nonce + cipher.encrypt(nonce, private, key_id.encode())

    def _unwrap(self, key: StoredKey) -> bytes:
        cipher = _keks(self._raw).get(key.kek_id)
        if cipher is None:
            raise KeyStoreError("SEAL_KEK_MISSING", "印章密钥加密密钥未配置，无法使用该密钥")
        blob = bytes(key.wrapped_private_key)
        try:
            return cipher.decrypt(blob[:12], blob[12:], str(key.key_id).encode())
        except Exception as exc:  # cryptography's InvalidTag
            raise KeyStoreError("SEAL_KEY_CORRUPT", "印章私钥无法解密（密钥加密密钥不符或数据损坏）") from exc

    def generate(self, algorithm: str) -> StoredKey:
        """A new key pair, saved wrapped; the caller's transaction holds the row."""
        key = StoredKey(algorithm=algorithm)
        if algorithm == KeyAlgorithm.ECDSA_P256:
            private_key = ec.generate_private_key(ec.SECP256R1())
            private = private_key.private_bytes(
                serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
            public = private_key.public_key().public_bytes(
                serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        elif algorithm == KeyAlgorithm.SM2:
            private, public = gm.generate_sm2_key()
        else:
            raise KeyStoreError("SEAL_KEY_ALGORITHM", f"不支持的密钥算法 {algorithm}", status=400)
        key.kek_id, key.wrapped_private_key = self._wrap(str(key.key_id), private)
        key.public_key = public
        key.save()
        return key

    def public_key(self, key: StoredKey) -> bytes:
        return bytes(key.public_key)

    def sign(self, key: StoredKey, data: bytes) -> bytes:
        private = self._unwrap(key)
        if key.algorithm == KeyAlgorithm.ECDSA_P256:
            loaded = serialization.load_der_private_key(private, password=None)
            assert isinstance(loaded, ec.EllipticCurvePrivateKey)
            return loaded.sign(data, ec.ECDSA(hashes.SHA256()))
        if key.algorithm == KeyAlgorithm.SM2:
            return gm.sm2_sign(private, data, public_key=bytes(key.public_key))
        raise KeyStoreError("SEAL_KEY_ALGORITHM", f"不支持的密钥算法 {key.algorithm}")

    def sign_digest(self, key: StoredKey, digest: bytes) -> bytes:
        """ECDSA over a SHA-256 digest computed elsewhere (PDF signing hashes the file itself)."""
        if key.algorithm != KeyAlgorithm.ECDSA_P256:
            raise KeyStoreError("SEAL_KEY_ALGORITHM", "只有 ECDSA 密钥支持按摘要签名")
        loaded = serialization.load_der_private_key(self._unwrap(key), password=None)
        assert isinstance(loaded, ec.EllipticCurvePrivateKey)
        return loaded.sign(digest, ec.ECDSA(Prehashed(hashes.SHA256())))


@cache
def _configured(path: str) -> KeyStore:
    return import_string(path)()


def keystore() -> KeyStore:
    """The node's key store (settings.SEAL_KEYSTORE)."""
    return _configured(settings.SEAL_KEYSTORE)
