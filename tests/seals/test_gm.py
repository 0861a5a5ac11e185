"""国密 primitives: SM3 and SM2 against the standards' examples and against OpenSSL 3.0."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from zwfw.seals import gm

OPENSSL = "/usr/bin/openssl"
DISTID = "distid:1234567812345678"


@pytest.fixture(scope="module")
def openssl() -> str:
    """The system OpenSSL; the interop tests fail (not skip) if it cannot do SM2."""
    if not Path(OPENSSL).exists():
        pytest.fail(f"{OPENSSL} is missing: the SM2 interop tests need OpenSSL 3.0")
    listed = subprocess.run(
        [OPENSSL, "list", "-signature-algorithms"], capture_output=True, text=True, check=True
    ).stdout
    if "SM2" not in listed:
        pytest.fail(f"{OPENSSL} lists no SM2 signature algorithm:\n{listed}")
    return OPENSSL


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(arg) for arg in args], capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
def key() -> tuple[bytes, bytes]:
    return gm.generate_sm2_key()


# --- SM3 (GB/T 32905-2016, 附录 A) ---------------------------------------------------------------


def test_sm3_of_abc_is_the_standard_example():
    # given / when
    digest = gm.sm3(b"abc")

    # then
    assert digest.hex() == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"


def test_sm3_of_sixty_four_bytes_is_the_standard_example():
    # given / when
    digest = gm.sm3(b"abcd" * 16)

    # then
    assert digest.hex() == "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"


# --- SM2 formula on the test curve of GB/T 32918.2-2016 附录 A ------------------------------------
# gmssl_pyx only knows sm2p256v1, so the annex example is checked with textbook affine arithmetic
# written here (test-only): it proves the Z_A / e / r / s formulas that gmssl_pyx implements.

P = 0x8542D69E4C044F18E8B92435BF6FF7DE457283915C45517D722EDB8B08F1DFC3
A = 0x787968B4FA32C3FD2417842E73BBFEFF2F3C848B6831D7E0EC65228B3937E498
B = 0x63E4C6D3B23B0C849CF84241484BFE48F61D59A5B16BA06E6E12D1DA27C5249A
GX = 0x421DEBD61B62EAB6746434EBC3CC315E32220B3BADD50BDC4C4E6C147FEDD43D
GY = 0x0680512BCBB42C07D47349D2153B70C4E5D7FDFCBFA36EA1A85841B9E46E09A2
N = 0x8542D69E4C044F18E8B92435BF6FF7DD297720630485628D5AE74EE7C32E79B7
DA = 0x128B2FA8BD433C6C068C8D803DFF79792A519A55171B1B650C23661D15897263
K = 0x6CB28D99385C175C94F94E934817663FC176D925DD72B727260DBAAE1FB2F96F
R = 0x40F1EC59F793D9F49E09DCEF49130D4194F79FB1EED2CAA55BACDB49C4E755D1
S = 0x6FC6DAC32C5D5CF10C77DFB20F7C2EB667A457872FB09EC56327A67EC7DEEBE7
ALICE = b"ALICE123@YAHOO.COM"
MESSAGE = b"message digest"

Point = tuple[int, int] | None  # None is the point at infinity


def point_add(p1: Point, p2: Point) -> Point:
    if p1 is None:
        return p2
    if p2 is None:
        return p1
    (x1, y1), (x2, y2) = p1, p2
    if x1 == x2 and (y1 + y2) % P == 0:
        return None
    # tangent when doubling, chord otherwise
    slope = ((3 * x1 * x1 + A) * pow(2 * y1, -1, P) if p1 == p2 else (y2 - y1) * pow(x2 - x1, -1, P)) % P
    x3 = (slope * slope - x1 - x2) % P
    return x3, (slope * (x1 - x3) - y1) % P


def point_mul(k: int, point: Point) -> Point:
    result: Point = None
    for bit in bin(k)[2:]:
        result = point_add(result, result)
        if bit == "1":
            result = point_add(result, point)
    return result


def be32(value: int) -> bytes:
    return value.to_bytes(32, "big")


def z_a(uid: bytes, public: tuple[int, int]) -> bytes:
    # GB/T 32918.2-2016 §5.5: Z_A = SM3(ENTL_A ‖ ID_A ‖ a ‖ b ‖ x_G ‖ y_G ‖ x_A ‖ y_A)
    entl = (len(uid) * 8).to_bytes(2, "big")
    return gm.sm3(entl + uid + be32(A) + be32(B) + be32(GX) + be32(GY) + be32(public[0]) + be32(public[1]))


def test_sm2_annex_example_signs_to_the_published_r_and_s():
    # given the annex's key d_A and random k
    public = point_mul(DA, (GX, GY))
    assert public is not None
    assert point_add(public, None) == public

    # when signing "message digest" as ALICE (GB/T 32918.2-2016 §6.1)
    za = z_a(ALICE, public)
    e = int.from_bytes(gm.sm3(za + MESSAGE), "big")
    kg = point_mul(K, (GX, GY))
    assert kg is not None
    r = (e + kg[0]) % N
    s = pow(1 + DA, -1, N) * (K - r * DA) % N

    # then the public key, Z_A, e and the signature are the annex's (附录 A.2)
    assert public == (
        0x0AE4C7798AA0F119471BEE11825BE46202BB79E2A5844495E97C04FF4DF2548A,
        0x7C0240F88F1CD4E16352A73C17B7F16F07353E53A176D684A9FE0C6BB798E857,
    )
    assert za.hex().upper() == "F4A38489E32B45B6F876E3AC2168CA392362DC8F23459C1D1146FC3DBFB7BC9A"
    assert e == 0xB524F552CD82B8B028476E005C377FB19A87E6FC682D48BB5D42E3D9B9EFFE76
    assert (r, s) == (R, S)


def textbook_verify(public: tuple[int, int], uid: bytes, message: bytes, r: int, s: int) -> bool:
    # GB/T 32918.2-2016 §7.1
    if not (0 < r < N and 0 < s < N):
        return False
    t = (r + s) % N
    if t == 0:
        return False
    e = int.from_bytes(gm.sm3(z_a(uid, public) + message), "big")
    point = point_add(point_mul(s, (GX, GY)), point_mul(t, public))
    return point is not None and (e + point[0]) % N == r


def test_sm2_annex_signature_verifies_and_a_changed_one_does_not():
    # given
    public = point_mul(DA, (GX, GY))
    assert public is not None

    # when / then
    assert textbook_verify(public, ALICE, MESSAGE, R, S) is True
    assert textbook_verify(public, ALICE, b"message digesT", R, S) is False
    assert textbook_verify(public, b"1234567812345678", MESSAGE, R, S) is False
    assert textbook_verify(public, ALICE, MESSAGE, R, S ^ 1) is False


# --- SM2 on sm2p256v1 through gmssl_pyx ----------------------------------------------------------


def test_generated_keys_have_the_documented_shapes(key):
    # given
    private, public = key

    # then: 32-byte d in [1, n-2]; 65-byte uncompressed point on the curve
    assert len(private) == 32
    assert 1 <= int.from_bytes(private, "big") <= gm.SM2_N - 2
    assert len(public) == 65
    assert public[0] == 4
    assert gm.is_sm2_public_key(public) is True


def test_sign_and_verify_round_trip(key):
    # given
    private, public = key

    # when
    signature = gm.sm2_sign(private, b"zwfw", public_key=public)

    # then
    assert len(signature) == 64
    assert gm.sm2_verify(public, b"zwfw", signature) is True
    assert gm.sm2_verify(public, b"zwfw", signature, gm.SM2_DEFAULT_UID) is True


def test_signature_with_another_uid_verifies_only_with_that_uid(key):
    # given
    private, public = key

    # when
    signature = gm.sm2_sign(private, b"zwfw", b"ALICE123@YAHOO.COM", public_key=public)

    # then
    assert gm.sm2_verify(public, b"zwfw", signature, b"ALICE123@YAHOO.COM") is True
    assert gm.sm2_verify(public, b"zwfw", signature) is False


def _flip(data: bytes, index: int) -> bytes:
    return data[:index] + bytes([data[index] ^ 0x01]) + data[index + 1 :]


def _off_curve(public: bytes) -> bytes:
    return public[:-1] + bytes([public[-1] ^ 0x01])


@pytest.mark.parametrize(
    ("case", "change"),
    [
        ("wrong message", lambda pub, msg, sig, other: (pub, b"zwfx", sig, gm.SM2_DEFAULT_UID)),
        ("wrong uid", lambda pub, msg, sig, other: (pub, msg, sig, b"1234567812345679")),
        ("empty uid", lambda pub, msg, sig, other: (pub, msg, sig, b"")),
        ("wrong key", lambda pub, msg, sig, other: (other, msg, sig, gm.SM2_DEFAULT_UID)),
        ("bit flipped in r", lambda pub, msg, sig, other: (pub, msg, _flip(sig, 31), gm.SM2_DEFAULT_UID)),
        ("bit flipped in s", lambda pub, msg, sig, other: (pub, msg, _flip(sig, 63), gm.SM2_DEFAULT_UID)),
        ("bit flipped in key", lambda pub, msg, sig, other: (_flip(pub, 10), msg, sig, gm.SM2_DEFAULT_UID)),
        ("point off the curve", lambda pub, msg, sig, other: (_off_curve(pub), msg, sig, gm.SM2_DEFAULT_UID)),
        ("key without 04", lambda pub, msg, sig, other: (pub[1:], msg, sig, gm.SM2_DEFAULT_UID)),
        ("compressed prefix", lambda pub, msg, sig, other: (b"\x02" + pub[1:], msg, sig, gm.SM2_DEFAULT_UID)),
        ("empty key", lambda pub, msg, sig, other: (b"", msg, sig, gm.SM2_DEFAULT_UID)),
        ("short signature", lambda pub, msg, sig, other: (pub, msg, sig[:63], gm.SM2_DEFAULT_UID)),
        ("long signature", lambda pub, msg, sig, other: (pub, msg, sig + b"\x00", gm.SM2_DEFAULT_UID)),
        ("empty signature", lambda pub, msg, sig, other: (pub, msg, b"", gm.SM2_DEFAULT_UID)),
        ("DER signature", lambda pub, msg, sig, other: (pub, msg, gm.signature_to_der(sig), gm.SM2_DEFAULT_UID)),
        ("r = 0", lambda pub, msg, sig, other: (pub, msg, bytes(32) + sig[32:], gm.SM2_DEFAULT_UID)),
        ("s = 0", lambda pub, msg, sig, other: (pub, msg, sig[:32] + bytes(32), gm.SM2_DEFAULT_UID)),
        ("r = n", lambda pub, msg, sig, other: (pub, msg, gm.SM2_N.to_bytes(32, "big") + sig[32:], gm.SM2_DEFAULT_UID)),
        ("s = n", lambda pub, msg, sig, other: (pub, msg, sig[:32] + gm.SM2_N.to_bytes(32, "big"), gm.SM2_DEFAULT_UID)),
        ("all ones", lambda pub, msg, sig, other: (pub, msg, b"\xff" * 64, gm.SM2_DEFAULT_UID)),
        ("signature not bytes", lambda pub, msg, sig, other: (pub, msg, None, gm.SM2_DEFAULT_UID)),
        ("key not bytes", lambda pub, msg, sig, other: (pub.hex(), msg, sig, gm.SM2_DEFAULT_UID)),
    ],
)
def test_verify_is_false_without_raising_for(case, change, key):
    # given a good signature and one thing changed
    private, public = key
    other = gm.generate_sm2_key()[1]
    signature = gm.sm2_sign(private, b"zwfw", public_key=public)
    assert gm.sm2_verify(public, b"zwfw", signature) is True

    # when
    result = gm.sm2_verify(*change(public, b"zwfw", signature, other))

    # then
    assert result is False, case


def test_sign_refuses_a_public_key_that_is_not_the_private_keys(key):
    # given
    private, _public = key
    other = gm.generate_sm2_key()[1]

    # when / then
    with pytest.raises(ValueError, match="does not belong"):
        gm.sm2_sign(private, b"zwfw", public_key=other)


@pytest.mark.parametrize(
    "private",
    [b"\x01" * 31, b"\x01" * 33, bytes(32), (gm.SM2_N - 1).to_bytes(32, "big"), b"\xff" * 32],
    ids=["short", "long", "zero", "n-1", "above n"],
)
def test_sign_refuses_a_private_key_out_of_range(private, key):
    # given / when / then
    with pytest.raises(ValueError, match="private key"):
        gm.sm2_sign(private, b"zwfw", public_key=key[1])


# --- signature encodings and key files ------------------------------------------------------------


def test_signature_der_round_trip_keeps_leading_zero_bytes():
    # given r with a leading zero byte (DER drops it) and s with its high bit set (DER adds 00)
    signature = bytes(1) + b"\x11" * 31 + b"\x80" + b"\x22" * 31

    # when
    der = gm.signature_to_der(signature)

    # then
    assert der == bytes.fromhex("3044" + "021f" + "11" * 31 + "0221" + "0080" + "22" * 31)
    assert gm.signature_from_der(der) == signature


@pytest.mark.parametrize(
    "der",
    [b"", b"\x30\x00", bytes.fromhex("3006020101020101") + b"\x00", b"\x04" * 10],
    ids=["empty", "empty sequence", "trailing byte", "garbage"],
)
def test_signature_from_der_rejects_what_is_not_one_der_sequence(der):
    # given / when / then
    with pytest.raises(ValueError, match="not a DER SM2 signature"):
        gm.signature_from_der(der)


def test_key_files_round_trip(key):
    # given
    private, public = key

    # when
    pkcs8 = gm.sm2_private_key_to_pem(private, public_key=public)
    sec1 = gm.sm2_private_key_to_pem(private, public_key=public, form="sec1")
    spki = gm.sm2_public_key_to_pem(public)

    # then
    assert pkcs8.startswith(b"-----BEGIN PRIVATE KEY-----\n")
    assert sec1.startswith(b"-----BEGIN SM2 PRIVATE KEY-----\n")
    assert spki.startswith(b"-----BEGIN PUBLIC KEY-----\n")
    assert gm.sm2_private_key_from_pem(pkcs8) == (private, public)
    assert gm.sm2_private_key_from_pem(sec1) == (private, public)
    assert gm.sm2_public_key_from_pem(spki) == public


def test_public_key_file_names_id_ec_public_key_with_the_sm2_curve(openssl, tmp_path, key):
    # given
    (tmp_path / "pub.pem").write_bytes(gm.sm2_public_key_to_pem(key[1]))

    # when
    parsed = run(openssl, "asn1parse", "-in", tmp_path / "pub.pem")

    # then
    assert parsed.returncode == 0, parsed.stderr
    assert [line.split(":", 3)[-1] for line in parsed.stdout.splitlines() if "OBJECT" in line] == [
        "id-ecPublicKey",
        "sm2",
    ]


@pytest.mark.parametrize("form", ["pkcs8", "sec1"])
def test_openssl_reads_our_private_key_as_sm2_and_derives_our_public_key(openssl, tmp_path, key, form):
    # given
    private, public = key
    (tmp_path / "key.pem").write_bytes(gm.sm2_private_key_to_pem(private, public_key=public, form=form))

    # when
    text = run(openssl, "pkey", "-in", tmp_path / "key.pem", "-noout", "-text")
    derived = run(openssl, "pkey", "-in", tmp_path / "key.pem", "-pubout")

    # then
    assert text.returncode == 0, text.stderr
    assert "ASN1 OID: SM2" in text.stdout
    assert derived.returncode == 0, derived.stderr
    assert gm.sm2_public_key_from_pem(derived.stdout.encode()) == public


def test_we_read_keys_written_by_openssl(openssl, tmp_path):
    # given a key from `openssl genpkey -algorithm SM2` (PKCS#8) and its SEC 1 form
    assert run(openssl, "genpkey", "-algorithm", "SM2", "-out", tmp_path / "k.pem").returncode == 0
    assert run(openssl, "ec", "-in", tmp_path / "k.pem", "-out", tmp_path / "sec1.pem").returncode == 0
    assert run(openssl, "pkey", "-in", tmp_path / "k.pem", "-pubout", "-out", tmp_path / "pub.pem").returncode == 0

    # when
    private, public = gm.sm2_private_key_from_pem((tmp_path / "k.pem").read_bytes())

    # then
    assert gm.sm2_private_key_from_pem((tmp_path / "sec1.pem").read_bytes()) == (private, public)
    assert gm.sm2_public_key_from_pem((tmp_path / "pub.pem").read_bytes()) == public
    signature = gm.sm2_sign(private, b"zwfw", public_key=public)
    assert gm.sm2_verify(public, b"zwfw", signature) is True


def test_key_file_of_another_curve_is_refused(openssl, tmp_path):
    # given a P-256 key
    made = run(openssl, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", tmp_path / "p256.pem")
    assert made.returncode == 0, made.stderr

    # when / then
    with pytest.raises(ValueError, match="SM2 curve"):
        gm.sm2_private_key_from_pem((tmp_path / "p256.pem").read_bytes())


# --- signatures across zwfw and OpenSSL 3.0 -------------------------------------------------------


@pytest.fixture
def signed_by_zwfw(tmp_path, key) -> Path:
    private, public = key
    (tmp_path / "msg").write_bytes("统一电子印章 interop".encode())
    (tmp_path / "pub.pem").write_bytes(gm.sm2_public_key_to_pem(public))
    signature = gm.sm2_sign(private, (tmp_path / "msg").read_bytes(), public_key=public)
    (tmp_path / "sig.der").write_bytes(gm.signature_to_der(signature))
    return tmp_path


def test_openssl_pkeyutl_verifies_a_zwfw_signature(openssl, signed_by_zwfw):
    # given
    d = signed_by_zwfw

    # when
    verified = run(
        openssl, "pkeyutl", "-verify", "-pubin", "-inkey", d / "pub.pem", "-rawin", "-digest", "sm3",
        "-pkeyopt", DISTID, "-in", d / "msg", "-sigfile", d / "sig.der",
    )

    # then
    assert verified.returncode == 0, verified.stderr
    assert "Signature Verified Successfully" in verified.stdout


def test_openssl_dgst_verifies_a_zwfw_signature(openssl, signed_by_zwfw):
    # given
    d = signed_by_zwfw

    # when
    verified = run(
        openssl, "dgst", "-sm3", "-verify", d / "pub.pem", "-sigopt", DISTID,
        "-signature", d / "sig.der", d / "msg",
    )

    # then
    assert verified.returncode == 0, verified.stderr
    assert verified.stdout.strip() == "Verified OK"


def test_openssl_refuses_a_zwfw_signature_under_another_distid(openssl, signed_by_zwfw):
    # given: OpenSSL 3.0 without distid uses an empty ID, not GB/T 35276's default
    d = signed_by_zwfw

    # when
    without = run(openssl, "dgst", "-sm3", "-verify", d / "pub.pem", "-signature", d / "sig.der", d / "msg")
    other = run(
        openssl, "dgst", "-sm3", "-verify", d / "pub.pem", "-sigopt", "distid:ALICE123@YAHOO.COM",
        "-signature", d / "sig.der", d / "msg",
    )

    # then
    assert without.returncode == 1
    assert "Verification failure" in without.stdout
    assert other.returncode == 1


def test_zwfw_verifies_signatures_made_by_openssl_with_its_own_key(openssl, tmp_path):
    # given an OpenSSL key and message
    assert run(openssl, "genpkey", "-algorithm", "SM2", "-out", tmp_path / "k.pem").returncode == 0
    assert run(openssl, "pkey", "-in", tmp_path / "k.pem", "-pubout", "-out", tmp_path / "pub.pem").returncode == 0
    message = "由 OpenSSL 签名".encode()
    (tmp_path / "msg").write_bytes(message)

    # when OpenSSL signs with pkeyutl and with dgst
    by_pkeyutl = run(
        openssl, "pkeyutl", "-sign", "-inkey", tmp_path / "k.pem", "-rawin", "-digest", "sm3",
        "-pkeyopt", DISTID, "-in", tmp_path / "msg", "-out", tmp_path / "s1.der",
    )
    by_dgst = run(
        openssl, "dgst", "-sm3", "-sign", tmp_path / "k.pem", "-sigopt", DISTID,
        "-out", tmp_path / "s2.der", tmp_path / "msg",
    )

    # then zwfw verifies both with the public key read from OpenSSL's file
    assert by_pkeyutl.returncode == 0, by_pkeyutl.stderr
    assert by_dgst.returncode == 0, by_dgst.stderr
    public = gm.sm2_public_key_from_pem((tmp_path / "pub.pem").read_bytes())
    for name in ("s1.der", "s2.der"):
        signature = gm.signature_from_der((tmp_path / name).read_bytes())
        assert gm.sm2_verify(public, message, signature) is True
        assert gm.sm2_verify(public, message + b".", signature) is False


def test_zwfw_verifies_a_signature_openssl_made_with_our_exported_key(openssl, tmp_path, key):
    # given our key exported as PKCS#8
    private, public = key
    (tmp_path / "k.pem").write_bytes(gm.sm2_private_key_to_pem(private, public_key=public))
    (tmp_path / "msg").write_bytes(b"exported key")

    # when
    signed = run(
        openssl, "dgst", "-sm3", "-sign", tmp_path / "k.pem", "-sigopt", DISTID,
        "-out", tmp_path / "sig.der", tmp_path / "msg",
    )

    # then
    assert signed.returncode == 0, signed.stderr
    signature = gm.signature_from_der((tmp_path / "sig.der").read_bytes())
    assert gm.sm2_verify(public, b"exported key", signature) is True
