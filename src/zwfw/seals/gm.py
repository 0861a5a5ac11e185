"""国密 primitives: SM3 hashing and SM2 signatures on sm2p256v1, through the compiled gmssl_pyx.

Formats used throughout ``zwfw.seals``:

* private key: 32 bytes, big-endian ``d`` (GB/T 32918.1-2016 §6.1);
* public key: 65 bytes, the uncompressed point ``04 ‖ x ‖ y`` (GB/T 32918.1-2016 §4.2.9);
* signature: 64 bytes ``r ‖ s``; where a structure carries a signature (X.509, GB/T 38540) it is
  the DER ``SEQUENCE { r INTEGER, s INTEGER }`` of GM/T 0009-2012 §7.3 — convert with
  ``signature_to_der`` / ``signature_from_der``.

gmssl_pyx itself wants 64-byte public keys without the ``04`` prefix and DER signatures; the
conversion happens here and nowhere else. gmssl_pyx cannot derive a public key from a private
key, so ``sm2_sign`` takes the public key (it is part of Z_A) as a required keyword argument.

Importing this module registers the SM2 curve, SM2-with-SM3 and SM3 OIDs with asn1crypto once,
so that every other module can build and read 国密 structures with it.
"""

from __future__ import annotations

from typing import Literal

import gmssl_pyx
from asn1crypto import algos, core, keys, pem
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature

# GB/T 33560-2017 / GM/T 0006-2012 object identifiers.
SM2_CURVE_OID = "1.2.156.10197.1.301"
SM2_WITH_SM3_OID = "1.2.156.10197.1.501"
SM3_OID = "1.2.156.10197.1.401"

# GB/T 35276-2017 §10 (GM/T 0009-2012 §10): the user ID when the parties have agreed on none.
SM2_DEFAULT_UID = b"1234567812345678"

# Order n of the base point of sm2p256v1 (GB/T 32918.5-2017): r, s and d are checked against it.
SM2_N = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123

PRIVATE_KEY_SIZE = 32
PUBLIC_KEY_SIZE = 65
SIGNATURE_SIZE = 64

_GMSSL_ERRORS = (gmssl_pyx.GmsslInnerError, TypeError, ValueError)


def _register_asn1crypto_oids() -> None:
    """Teach asn1crypto the 国密 OIDs (idempotent; the one place they are registered)."""
    if SM2_CURVE_OID not in keys.NamedCurve._map:
        keys.NamedCurve.register("sm2p256v1", SM2_CURVE_OID, PRIVATE_KEY_SIZE)
    for cls, oid, name in (
        (algos.SignedDigestAlgorithmId, SM2_WITH_SM3_OID, "sm2_sm3"),
        (algos.DigestAlgorithmId, SM3_OID, "sm3"),
    ):
        cls._map.setdefault(oid, name)
        if cls._reverse_map is not None:
            cls._reverse_map.setdefault(name, oid)


_register_asn1crypto_oids()


def sm3(data: bytes) -> bytes:
    """SM3 杂凑 (GB/T 32905-2016): 32 bytes."""
    return bytes(gmssl_pyx.sm3_hash(data))


def generate_sm2_key() -> tuple[bytes, bytes]:
    """A fresh SM2 key pair: (private key 32 bytes, public key 65 bytes ``04 ‖ x ‖ y``)."""
    public_key, private_key = gmssl_pyx.sm2_key_generate()
    return bytes(private_key), b"\x04" + bytes(public_key)


def is_sm2_public_key(public_key: bytes) -> bool:
    """Whether ``public_key`` is a 65-byte uncompressed point on sm2p256v1."""
    if not isinstance(public_key, bytes) or len(public_key) != PUBLIC_KEY_SIZE or public_key[0] != 4:
        return False
    try:
        gmssl_pyx.normalize_sm2_public_key(public_key)
    except _GMSSL_ERRORS:
        return False
    return True


def _require_public_key(public_key: bytes) -> bytes:
    if not is_sm2_public_key(public_key):
        raise ValueError("an SM2 public key is a 65-byte uncompressed point (04 ‖ x ‖ y) on sm2p256v1")
    return public_key


def _require_private_key(private_key: bytes) -> bytes:
    if not isinstance(private_key, bytes) or len(private_key) != PRIVATE_KEY_SIZE:
        raise ValueError("an SM2 private key is 32 bytes")
    # GB/T 32918.1-2016 §6.1: d ∈ [1, n−2], since signing needs (1 + d)⁻¹ mod n.
    if not 1 <= int.from_bytes(private_key, "big") <= SM2_N - 2:
        raise ValueError("the SM2 private key is out of range [1, n-2]")
    return private_key


def sm2_sign(
    private_key: bytes, message: bytes, uid: bytes = SM2_DEFAULT_UID, *, public_key: bytes
) -> bytes:
    """SM2 signature (GB/T 32918.2-2016 §6.1) of ``message`` with Z_A over ``uid``: 64 bytes r ‖ s.

    ``public_key`` must be the key of ``private_key``: it enters Z_A. The signature is verified
    before it is returned, so a public key that does not belong to the private key raises
    ``ValueError`` instead of producing a signature nobody can verify.
    """
    _require_private_key(private_key)
    _require_public_key(public_key)
    der = gmssl_pyx.sm2_sign(private_key, public_key[1:], message, uid)
    if not gmssl_pyx.sm2_verify(public_key[1:], message, der, uid):
        raise ValueError("the SM2 public key does not belong to the private key")
    return signature_from_der(der)


def sm2_verify(public_key: bytes, message: bytes, signature: bytes, uid: bytes = SM2_DEFAULT_UID) -> bool:
    """Verify an SM2 signature r ‖ s (GB/T 32918.2-2016 §7.1); False for anything malformed.

    A wrong-sized key or signature, a point off the curve, r or s outside [1, n−1], an empty or
    oversized uid: all give False, never an exception. Kept thin: it sits on hot paths.
    """
    try:
        if len(public_key) != PUBLIC_KEY_SIZE or public_key[0] != 4 or len(signature) != SIGNATURE_SIZE:
            return False
        r = int.from_bytes(signature[:32], "big")
        s = int.from_bytes(signature[32:], "big")
        if not (0 < r < SM2_N and 0 < s < SM2_N):
            return False
        # gmssl_pyx rejects points off the curve and bad uid lengths with InvalidValueError.
        return bool(gmssl_pyx.sm2_verify(public_key[1:], message, encode_dss_signature(r, s), uid))
    except _GMSSL_ERRORS:
        return False


def signature_to_der(signature: bytes) -> bytes:
    """r ‖ s (64 bytes) → DER ``SEQUENCE { r INTEGER, s INTEGER }`` (GM/T 0009-2012 §7.3)."""
    if len(signature) != SIGNATURE_SIZE:
        raise ValueError("an SM2 signature is 64 bytes r ‖ s")
    return encode_dss_signature(int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big"))


def signature_from_der(der: bytes) -> bytes:
    """DER ``SEQUENCE { r, s }`` → r ‖ s (64 bytes); ValueError if it is not one."""
    try:
        r, s = decode_dss_signature(der)
    except (ValueError, TypeError) as exc:
        raise ValueError("not a DER SM2 signature SEQUENCE { r, s }") from exc
    if not (0 <= r < 2**256 and 0 <= s < 2**256):
        raise ValueError("not a DER SM2 signature: r or s does not fit 256 bits")
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


# --- keys as OpenSSL 3.0 writes them ------------------------------------------------------------
#
# SubjectPublicKeyInfo and PKCS#8 use AlgorithmIdentifier { id-ecPublicKey, namedCurve
# 1.2.156.10197.1.301 } (GB/T 35275-2017, GM/T 0015-2012 §7.2.7); the PKCS#8 body is SEC 1's
# ECPrivateKey with the public key in [1] and the curve left to the outer AlgorithmIdentifier.


def _ec_sm2_algorithm() -> dict[str, object]:
    return {"algorithm": "ec", "parameters": keys.ECDomainParameters(name="named", value=SM2_CURVE_OID)}


def sm2_public_key_info(public_key: bytes) -> keys.PublicKeyInfo:
    """The SubjectPublicKeyInfo of an SM2 public key (for certificates and PEM files)."""
    _require_public_key(public_key)
    return keys.PublicKeyInfo({"algorithm": _ec_sm2_algorithm(), "public_key": public_key})


def sm2_public_key_from_info(info: keys.PublicKeyInfo) -> bytes:
    """The 65-byte point of a SubjectPublicKeyInfo; ValueError unless it is an SM2 key."""
    algorithm = info["algorithm"]
    if algorithm["algorithm"].dotted != "1.2.840.10045.2.1":  # id-ecPublicKey
        raise ValueError("not an elliptic-curve public key")
    parameters = algorithm["parameters"]
    if parameters.name != "named" or parameters.chosen.dotted != SM2_CURVE_OID:
        raise ValueError("not a key on the SM2 curve sm2p256v1")
    return _require_public_key(bytes(info["public_key"].native))


def sm2_public_key_to_pem(public_key: bytes) -> bytes:
    """``-----BEGIN PUBLIC KEY-----`` (SubjectPublicKeyInfo), readable by ``openssl pkey -pubin``."""
    return pem.armor("PUBLIC KEY", sm2_public_key_info(public_key).dump())


def sm2_public_key_from_pem(data: bytes) -> bytes:
    """The 65-byte public key of a PEM (or DER) SubjectPublicKeyInfo on the SM2 curve."""
    der = data
    if pem.detect(data):
        label, _headers, der = pem.unarmor(data)
        if label != "PUBLIC KEY":
            raise ValueError(f"expected a PUBLIC KEY, got {label}")
    return sm2_public_key_from_info(keys.PublicKeyInfo.load(der, strict=True))


def _ec_private_key(private_key: bytes, public_key: bytes, *, with_curve: bool) -> keys.ECPrivateKey:
    body = keys.ECPrivateKey({"version": "ecPrivkeyVer1", "private_key": int.from_bytes(private_key, "big")})
    body.set_key_size(PRIVATE_KEY_SIZE)
    if with_curve:
        body["parameters"] = keys.ECDomainParameters(name="named", value=SM2_CURVE_OID)
    body["public_key"] = public_key
    return body


def sm2_private_key_to_pem(
    private_key: bytes, *, public_key: bytes, form: Literal["pkcs8", "sec1"] = "pkcs8"
) -> bytes:
    """The private key as PEM, with its public key (which gmssl_pyx cannot recompute).

    ``pkcs8`` writes ``-----BEGIN PRIVATE KEY-----`` as ``openssl genpkey -algorithm SM2`` does;
    ``sec1`` writes SEC 1 ``ECPrivateKey`` with the curve, labelled ``SM2 PRIVATE KEY`` as
    ``openssl ec`` does for SM2 keys. OpenSSL 3.0 reads both as SM2 keys.
    """
    _require_private_key(private_key)
    _require_public_key(public_key)
    if form == "sec1":
        return pem.armor("SM2 PRIVATE KEY", _ec_private_key(private_key, public_key, with_curve=True).dump())
    info = keys.PrivateKeyInfo(
        {
            "version": 0,
            "private_key_algorithm": _ec_sm2_algorithm(),
            "private_key": _ec_private_key(private_key, public_key, with_curve=False),
        }
    )
    return pem.armor("PRIVATE KEY", info.dump())


def sm2_private_key_from_pem(data: bytes) -> tuple[bytes, bytes]:
    """(private key, public key) from a PKCS#8 or SEC 1 PEM of an SM2 key (unencrypted).

    ValueError if it is not an SM2 key or carries no public key (OpenSSL always writes it).
    """
    label, _headers, der = pem.unarmor(data)
    if label == "PRIVATE KEY":
        info = keys.PrivateKeyInfo.load(der, strict=True)
        algorithm = info["private_key_algorithm"]
        if algorithm["algorithm"].dotted != "1.2.840.10045.2.1":
            raise ValueError("not an elliptic-curve private key")
        curve = algorithm["parameters"]
        body = info["private_key"].parsed
    elif label in ("EC PRIVATE KEY", "SM2 PRIVATE KEY"):
        body = keys.ECPrivateKey.load(der, strict=True)
        curve = body["parameters"]
    else:
        raise ValueError(f"expected a PRIVATE KEY or SM2 PRIVATE KEY, got {label}")
    if not isinstance(curve, keys.ECDomainParameters) or curve.name != "named":
        raise ValueError("the key names no curve")
    if curve.chosen.dotted != SM2_CURVE_OID:
        raise ValueError("not a key on the SM2 curve sm2p256v1")
    if isinstance(body["public_key"], core.Void):
        raise ValueError("the key file carries no public key")
    private_key = _require_private_key(body["private_key"].native.to_bytes(PRIVATE_KEY_SIZE, "big"))
    return private_key, _require_public_key(bytes(body["public_key"].native))
