"""GB/T 38540-2020 electronic seals and signatures: structure, verification and each refusal."""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from asn1crypto import x509
from pyasn1.codec.der import decoder as der_decoder
from pyasn1.codec.der import encoder as der_encoder

from zwfw.seals import gm, gmcert, ses

OPENSSL = "/usr/bin/openssl"
UTC = dt.UTC
CREATED = dt.datetime(2026, 2, 28, 9, 0, tzinfo=UTC)
VALID_START = dt.datetime(2026, 3, 1, tzinfo=UTC)
VALID_END = dt.datetime(2027, 3, 1, tzinfo=UTC)
SIGNED_AT = dt.datetime(2026, 6, 1, 16, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))  # 08:00Z
NOW = dt.datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(64))
DATA = "行政许可决定书 第 2026-0601 号".encode()
ES_ID = "11010520260601000001"
SEAL_NAME = "北京市朝阳区政务服务管理局行政审批专用章"


@dataclass(frozen=True)
class Party:
    certificate: bytes
    private_key: bytes
    public_key: bytes


def party(name: str, issuer: Party | None, serial: int, *, is_ca: bool = False) -> Party:
    private, public = gm.generate_sm2_key()
    der = gmcert.build_sm2_certificate(
        subject={"country_name": "CN", "common_name": name},
        subject_public_key=public,
        issuer_certificate=x509.Certificate.load(issuer.certificate) if issuer else None,
        issuer_private_key=issuer.private_key if issuer else private,
        serial_number=serial,
        not_before=dt.datetime(2026, 1, 1, tzinfo=UTC),
        not_after=dt.datetime(2031, 1, 1, tzinfo=UTC),
        is_ca=is_ca,
        key_usage={"key_cert_sign", "crl_sign"} if is_ca else {"digital_signature", "non_repudiation"},
    )
    return Party(der, private, public)


@dataclass(frozen=True)
class World:
    root: Party
    maker: Party  # 制章者 (the node's seal CA)
    signer: Party  # listed in the seal
    outsider: Party  # issued by the root, not listed in the seal
    stranger_root: Party
    stranger: Party  # issued by another root
    stranger_maker: Party


@pytest.fixture(scope="module")
def world() -> World:
    root = party("zwfw test root", None, 1, is_ca=True)
    stranger_root = party("another root", None, 1, is_ca=True)
    return World(
        root=root,
        maker=party("zwfw seal maker", root, 2, is_ca=True),
        signer=party("行政审批专用章", root, 3),
        outsider=party("someone else", root, 4),
        stranger_root=stranger_root,
        stranger=party("stranger", stranger_root, 5),
        stranger_maker=party("stranger maker", stranger_root, 6, is_ca=True),
    )


def seal_of(world: World, *, signers: list[Party] | None = None, maker: Party | None = None, **extra) -> bytes:
    maker = maker or world.maker
    arguments = {
        "es_id": ES_ID,
        "seal_type": 1,
        "name": SEAL_NAME,
        "signer_certificates": [p.certificate for p in (signers or [world.signer])],
        "create_date": CREATED,
        "valid_start": VALID_START,
        "valid_end": VALID_END,
        "picture_type": "PNG",
        "picture_data": PNG,
        "width_mm": 42,
        "height_mm": 42,
        "maker_certificate": maker.certificate,
        "maker_private_key": maker.private_key,
    } | extra
    return ses.make_seal(**arguments)


@pytest.fixture(scope="module")
def seal(world) -> bytes:
    return seal_of(world)


@pytest.fixture(scope="module")
def signature(world, seal) -> bytes:
    return ses.sign_data(
        data=DATA,
        seal=seal,
        signer_certificate=world.signer.certificate,
        signer_private_key=world.signer.private_key,
        time_info=SIGNED_AT,
        property_info="page=1",
    )


class TrustedBy:
    """The test's stand-in for the node's PKI: issued directly by one root, calls recorded."""

    def __init__(self, root: Party) -> None:
        self.root = root
        self.calls: list[tuple[bytes, dt.datetime]] = []

    def __call__(self, cert_der: bytes, at: dt.datetime) -> str | None:
        self.calls.append((cert_der, at))
        if gmcert.verify_sm2_certificate_signature(cert_der, self.root.certificate):
            return None
        return "NOT_ISSUED_BY_TEST_ROOT"


def forge(
    world: World,
    seal_der: bytes,
    *,
    signer: Party | None = None,
    time_info: dt.datetime = SIGNED_AT,
    version: int = 4,
    data: bytes = DATA,
) -> bytes:
    """An SES_Signature built by hand, past sign_data's refusals, so verification must catch it."""
    signer = signer or world.signer
    to_sign = ses.TBS_Sign(
        {
            "version": version,
            "eseal": ses.SESeal.load(seal_der),
            "timeInfo": time_info,
            "dataHash": gm.sm3(data),
            "propertyInfo": "",
        }
    )
    value = gm.sm2_sign(signer.private_key, to_sign.dump(), public_key=signer.public_key)
    return ses.SES_Signature(
        {
            "toSign": to_sign,
            "cert": signer.certificate,
            "signatureAlgID": gm.SM2_WITH_SM3_OID,
            "signature": gm.signature_to_der(value),
        }
    ).dump()


def resign_seal(world: World, seal_der: bytes, change: Callable[[ses.SES_SealInfo], None], **outer) -> bytes:
    """The seal with its SES_SealInfo changed and properly re-signed by the maker."""
    info = ses.SES_SealInfo.load(ses.SESeal.load(seal_der)["eSealInfo"].dump())
    change(info)
    value = gm.sm2_sign(world.maker.private_key, info.dump(), public_key=world.maker.public_key)
    fields = {
        "eSealInfo": info,
        "cert": world.maker.certificate,
        "signAlgID": gm.SM2_WITH_SM3_OID,
        "signedValue": gm.signature_to_der(value),
    } | outer
    return ses.SESeal(fields).dump()


def flip_last_byte(der: bytes) -> bytes:
    return der[:-1] + bytes([der[-1] ^ 0x01])


def ok_seal() -> ses.SealCheck:
    return ses.SealCheck(valid=True, reason="OK", message="验证通过", details="")


def ok_signature() -> ses.SignatureCheck:
    return ses.SignatureCheck(valid=True, reason="OK", message="验证通过", details="")


# --- the structures, read by independent decoders -------------------------------------------------


def test_seal_reads_back_with_pyasn1(world, seal):
    # given / when: pyasn1 without a spec only knows the universal types
    decoded, rest = der_decoder.decode(seal)

    # then: SESeal { eSealInfo, cert, signAlgID, signedValue }
    assert rest == b""
    assert len(decoded) == 4
    info, cert, algorithm, signed_value = decoded[0], decoded[1], decoded[2], decoded[3]
    header, es_id, prop, picture = info[0], info[1], info[2], info[3]
    assert len(info) == 4  # no extDatas
    assert (str(header[0]), int(header[1]), str(header[2])) == ("ES", 4, "zwfw")
    assert str(es_id) == ES_ID
    assert int(prop[0]) == 1
    assert bytes(prop[1]).decode() == SEAL_NAME
    assert int(prop[2]) == 1
    assert [bytes(entry) for entry in prop[3]] == [world.signer.certificate]
    assert [str(prop[i]) for i in (4, 5, 6)] == ["20260228090000Z", "20260301000000Z", "20270301000000Z"]
    assert (str(picture[0]), bytes(picture[1]), int(picture[2]), int(picture[3])) == ("PNG", PNG, 42, 42)
    assert bytes(cert) == world.maker.certificate
    assert str(algorithm) == "1.2.156.10197.1.501"
    # signedValue: the maker's SM2 signature (DER r, s) over DER(SES_SealInfo)
    rs = gm.signature_from_der(signed_value.asOctets())
    assert gm.sm2_verify(world.maker.public_key, der_encoder.encode(info), rs) is True


def test_digest_list_seal_reads_back_with_pyasn1(world):
    # given
    seal_der = seal_of(world, signers=[world.signer, world.outsider], cert_list_type=2)

    # when
    decoded, _rest = der_decoder.decode(seal_der)

    # then: certListType 2, CertDigestObj { type PrintableString, value OCTET STRING }
    prop = decoded[0][2]
    assert int(prop[2]) == 2
    assert [(str(entry[0]), bytes(entry[1])) for entry in prop[3]] == [
        ("SM3", gm.sm3(world.signer.certificate)),
        ("SM3", gm.sm3(world.outsider.certificate)),
    ]


def test_signature_reads_back_with_pyasn1(world, seal, signature):
    # given / when
    decoded, rest = der_decoder.decode(signature)

    # then: SES_Signature { toSign, cert, signatureAlgID, signature }
    assert rest == b""
    assert len(decoded) == 4
    to_sign = decoded[0]
    assert int(to_sign[0]) == 4
    assert der_encoder.encode(to_sign[1]) == seal
    assert str(to_sign[2]) == "20260601080000Z"
    assert to_sign[3].asOctets() == gm.sm3(DATA)
    assert str(to_sign[4]) == "page=1"
    assert len(to_sign) == 5  # no extDatas
    assert bytes(decoded[1]) == world.signer.certificate
    assert str(decoded[2]) == "1.2.156.10197.1.501"
    rs = gm.signature_from_der(decoded[3].asOctets())
    assert gm.sm2_verify(world.signer.public_key, der_encoder.encode(to_sign), rs) is True


def test_openssl_asn1parse_reads_the_signature(tmp_path, signature):
    # given
    (tmp_path / "sig.der").write_bytes(signature)

    # when
    parsed = subprocess.run(
        [OPENSSL, "asn1parse", "-inform", "DER", "-in", str(tmp_path / "sig.der")],
        capture_output=True,
        text=True,
        check=False,
    )

    # then
    assert parsed.returncode == 0, parsed.stderr
    # "   20:d=5  hl=2 l=   2 prim:      IA5STRING         :ES" -> "ES"
    primitives = [line.split("prim:", 1)[1] for line in parsed.stdout.splitlines() if "prim:" in line]
    values = [primitive.split(":", 1)[1] for primitive in primitives if ":" in primitive]
    assert values[:4] == ["04", "ES", "04", "zwfw"]
    assert ES_ID in values
    assert SEAL_NAME in values
    assert values.count("SM2-with-SM3") == 2
    assert "20260601080000Z" in values
    assert "page=1" in values


# --- seals ----------------------------------------------------------------------------------------


def test_seal_verifies(world, seal):
    # given
    check = TrustedBy(world.root)

    # when
    result = ses.verify_seal(seal, at=NOW, check_certificate=check)

    # then
    assert result == ok_seal()
    assert check.calls == [(world.maker.certificate, NOW)]


@pytest.mark.parametrize(
    "at",
    [VALID_START - dt.timedelta(seconds=1), VALID_END + dt.timedelta(seconds=1)],
    ids=["before", "after"],
)
def test_seal_outside_its_validity(seal, at):
    # given / when
    result = ses.verify_seal(seal, at=at)

    # then
    assert result == ses.SealCheck(
        valid=False,
        reason="SEAL_OUTSIDE_VALIDITY",
        message="电子印章不在有效期内",
        details="2026-03-01T00:00:00Z..2027-03-01T00:00:00Z",
    )


def test_seal_validity_bounds_are_inclusive(seal):
    # given / when / then
    assert ses.verify_seal(seal, at=VALID_START).valid is True
    assert ses.verify_seal(seal, at=VALID_END).valid is True


def test_tampered_seal_signature(seal):
    # given: the last byte of the DER is the last byte of s in signedValue
    tampered = flip_last_byte(seal)

    # when
    result = ses.verify_seal(tampered, at=NOW)

    # then
    assert (result.valid, result.reason, result.message) == (False, "SEAL_SIGNATURE_INVALID", "电子印章的制章者签名验证失败")


def test_tampered_seal_name(seal):
    # given the seal's name changed after the maker signed it
    name = SEAL_NAME.encode()
    tampered = seal.replace(name, "北京市朝阳区政务服务管理局行政审批专用印".encode())
    assert len(tampered) == len(seal)

    # when
    result = ses.verify_seal(tampered, at=NOW)

    # then
    assert result.reason == "SEAL_SIGNATURE_INVALID"


def test_seal_by_an_untrusted_maker(world):
    # given a seal made by a maker the node's PKI does not know
    seal_der = seal_of(world, maker=world.stranger_maker)
    check = TrustedBy(world.root)

    # when
    result = ses.verify_seal(seal_der, at=NOW, check_certificate=check)

    # then
    assert result == ses.SealCheck(
        valid=False,
        reason="CERTIFICATE_UNTRUSTED",
        message="证书未通过信任检查",
        details="maker: NOT_ISSUED_BY_TEST_ROOT",
    )
    assert ses.verify_seal(seal_der, at=NOW).valid is True  # without the PKI check it is intact


@pytest.mark.parametrize(
    "garbage",
    [b"", b"garbage", b"\x30\x03\x02\x01\x04", b"\x30\x84\xff\xff\xff\xff", bytes(range(256))],
    ids=["empty", "text", "wrong sequence", "huge length", "bytes"],
)
def test_garbage_seal_is_malformed(garbage):
    # given / when
    result = ses.verify_seal(garbage, at=NOW)

    # then
    assert (result.valid, result.reason) == (False, "MALFORMED")
    assert result.message == "数据不是有效的 GB/T 38540 电子印章或电子签章结构"


def test_truncated_or_padded_seal_is_malformed(seal):
    # given / when / then
    assert ses.verify_seal(seal[:-1], at=NOW).reason == "MALFORMED"
    assert ses.verify_seal(seal + b"\x00", at=NOW).reason == "MALFORMED"


def test_seal_with_a_wrong_header_is_malformed_even_when_properly_signed(world, seal):
    # given
    def wrong_id(info: ses.SES_SealInfo) -> None:
        info["header"] = ses.SES_Header({"ID": "XX", "version": 4, "Vid": "zwfw"})

    def version_3(info: ses.SES_SealInfo) -> None:
        info["header"] = ses.SES_Header({"ID": "ES", "version": 3, "Vid": "zwfw"})

    # when
    results = [ses.verify_seal(resign_seal(world, seal, change), at=NOW) for change in (wrong_id, version_3)]

    # then
    assert [(r.valid, r.reason, r.details) for r in results] == [
        (False, "MALFORMED", "header 'XX' v4"),
        (False, "MALFORMED", "header 'ES' v3"),
    ]
    assert ses.verify_seal(resign_seal(world, seal, lambda info: None), at=NOW) == ok_seal()


def test_seal_with_an_unknown_cert_list_type_is_malformed(world, seal):
    # given
    def type_3(info: ses.SES_SealInfo) -> None:
        info["property"]["certListType"] = 3

    # when
    result = ses.verify_seal(resign_seal(world, seal, type_3), at=NOW)

    # then
    assert (result.reason, result.details) == ("MALFORMED", "certListType 3")


def test_seal_signed_with_another_algorithm(world, seal):
    # given signAlgID claiming ecdsa-with-SHA256
    relabelled = resign_seal(world, seal, lambda info: None, signAlgID="1.2.840.10045.4.3.2")

    # when
    result = ses.verify_seal(relabelled, at=NOW)

    # then
    assert (result.valid, result.reason, result.details) == (False, "UNSUPPORTED_ALGORITHM", "1.2.840.10045.4.3.2")


# --- signatures -----------------------------------------------------------------------------------


def test_signature_verifies(world, signature):
    # given
    check = TrustedBy(world.root)

    # when
    result = ses.verify_signature(signature, DATA, now=NOW, check_certificate=check)

    # then: the maker's and the signer's certificates were checked at now, not at timeInfo
    assert result == ok_signature()
    assert check.calls == [(world.maker.certificate, NOW), (world.signer.certificate, NOW)]


def test_signature_with_a_digest_list_seal(world):
    # given
    seal_der = seal_of(world, cert_list_type=2)

    # when
    signed = ses.sign_data(
        data=DATA,
        seal=seal_der,
        signer_certificate=world.signer.certificate,
        signer_private_key=world.signer.private_key,
        time_info=SIGNED_AT,
    )

    # then
    assert ses.verify_signature(signed, DATA, now=NOW, check_certificate=TrustedBy(world.root)) == ok_signature()


@pytest.mark.parametrize("data", [DATA + b" ", DATA[:-1], b""], ids=["appended", "truncated", "empty"])
def test_tampered_data(signature, data):
    # given / when
    result = ses.verify_signature(signature, data, now=NOW)

    # then
    assert result == ses.SignatureCheck(
        valid=False,
        reason="DATA_TAMPERED",
        message="原文与签章时不一致（杂凑值不符），原文可能已被篡改",
        details="",
    )


def test_tampered_signature_value(signature):
    # given: the last byte of the DER is the last byte of s in the signature
    tampered = flip_last_byte(signature)

    # when
    result = ses.verify_signature(tampered, DATA, now=NOW)

    # then
    assert (result.valid, result.reason, result.message) == (False, "SIGNATURE_INVALID", "电子签章的签名值验证失败")


def test_changed_property_info_breaks_the_signature(signature):
    # given the protected range rewritten after signing
    assert signature.count(b"page=1") == 1
    tampered = signature.replace(b"page=1", b"page=2")

    # when
    result = ses.verify_signature(tampered, DATA, now=NOW)

    # then
    assert result.reason == "SIGNATURE_INVALID"


def test_signature_with_a_tampered_seal(world, seal):
    # given a signature, validly made by a listed signer, over a seal whose maker signature is broken
    signed = forge(world, flip_last_byte(seal))

    # when
    result = ses.verify_signature(signed, DATA, now=NOW)

    # then
    assert (result.valid, result.reason, result.message) == (False, "SEAL_SIGNATURE_INVALID", "电子印章的制章者签名验证失败")


@pytest.mark.parametrize(
    ("signed_at", "now"),
    [
        (VALID_START - dt.timedelta(seconds=1), NOW),
        (VALID_END + dt.timedelta(seconds=1), VALID_END + dt.timedelta(days=1)),
    ],
    ids=["before the seal", "after the seal"],
)
def test_signing_time_outside_the_seal_validity(world, seal, signed_at, now):
    # given
    signed = forge(world, seal, time_info=signed_at)

    # when
    result = ses.verify_signature(signed, DATA, now=now)

    # then
    assert result == ses.SignatureCheck(
        valid=False,
        reason="SIGNED_OUTSIDE_SEAL_VALIDITY",
        message="签章时间不在电子印章有效期内",
        details=f"{signed_at:%Y-%m-%dT%H:%M:%SZ}",
    )


def test_signer_not_in_the_seal(world, seal):
    # given a certificate from the same root, not listed in the seal
    signed = forge(world, seal, signer=world.outsider)

    # when
    result = ses.verify_signature(signed, DATA, now=NOW, check_certificate=TrustedBy(world.root))

    # then
    assert result == ses.SignatureCheck(
        valid=False,
        reason="SIGNER_NOT_IN_SEAL",
        message="签章者证书不在电子印章的签章者证书列表中",
        details="",
    )


def test_signer_not_in_a_digest_list_seal(world):
    # given
    seal_der = seal_of(world, cert_list_type=2)
    signed = forge(world, seal_der, signer=world.outsider)

    # when
    result = ses.verify_signature(signed, DATA, now=NOW)

    # then
    assert (result.valid, result.reason) == (False, "SIGNER_NOT_IN_SEAL")


def test_signer_listed_but_untrusted(world):
    # given a seal listing a certificate from another root
    seal_der = seal_of(world, signers=[world.stranger])
    signed = ses.sign_data(
        data=DATA,
        seal=seal_der,
        signer_certificate=world.stranger.certificate,
        signer_private_key=world.stranger.private_key,
        time_info=SIGNED_AT,
    )

    # when
    result = ses.verify_signature(signed, DATA, now=NOW, check_certificate=TrustedBy(world.root))

    # then
    assert result == ses.SignatureCheck(
        valid=False,
        reason="CERTIFICATE_UNTRUSTED",
        message="证书未通过信任检查",
        details="signer: NOT_ISSUED_BY_TEST_ROOT",
    )
    assert ses.verify_signature(signed, DATA, now=NOW) == ok_signature()


def test_signing_time_in_the_future(world, seal):
    # given a signature dated an hour after now
    signed = forge(world, seal, time_info=NOW + dt.timedelta(hours=1))

    # when / then: beyond the five minutes of clock skew it is refused, within it accepted
    result = ses.verify_signature(signed, DATA, now=NOW)
    assert (result.valid, result.reason, result.details) == (False, "SIGNED_IN_FUTURE", "2026-06-01T10:00:00Z")
    assert ses.verify_signature(signed, DATA, now=NOW + dt.timedelta(minutes=56)) == ok_signature()


@pytest.mark.parametrize(
    "garbage",
    [b"", b"garbage", b"\x30\x00", b"\x30\x84\xff\xff\xff\xff", bytes(range(256))],
    ids=["empty", "text", "empty sequence", "huge length", "bytes"],
)
def test_garbage_signature_is_malformed(garbage):
    # given / when
    result = ses.verify_signature(garbage, DATA, now=NOW)

    # then
    assert (result.valid, result.reason) == (False, "MALFORMED")
    assert result.message == "数据不是有效的 GB/T 38540 电子印章或电子签章结构"


def test_seal_or_truncated_signature_is_malformed(seal, signature):
    # given / when / then
    assert ses.verify_signature(seal, DATA, now=NOW).reason == "MALFORMED"
    assert ses.verify_signature(signature[:-1], DATA, now=NOW).reason == "MALFORMED"
    assert ses.verify_signature(signature + b"\x00", DATA, now=NOW).reason == "MALFORMED"


def test_signature_of_another_version_is_malformed(world, seal):
    # given
    signed = forge(world, seal, version=1)

    # when
    result = ses.verify_signature(signed, DATA, now=NOW)

    # then
    assert (result.reason, result.details) == ("MALFORMED", "TBS_Sign version 1")


def test_parse_signature_summarises(world, signature):
    # given / when
    summary = ses.parse_signature(signature)

    # then
    assert summary == {
        "es_id": ES_ID,
        "seal_name": SEAL_NAME,
        "seal_type": 1,
        "vendor_id": "zwfw",
        "signer_certificate": world.signer.certificate,
        "signer_subject": "Common Name: 行政审批专用章, Country: CN",
        "maker_certificate": world.maker.certificate,
        "time_info": dt.datetime(2026, 6, 1, 8, 0, tzinfo=UTC),
        "data_hash": gm.sm3(DATA).hex(),
        "property_info": "page=1",
        "valid_start": VALID_START,
        "valid_end": VALID_END,
        "has_timestamp": False,
    }


def test_parse_signature_of_garbage_raises_malformed():
    # given / when / then
    with pytest.raises(ses.SealError) as raised:
        ses.parse_signature(b"garbage")
    assert (raised.value.code, raised.value.message, raised.value.status) == (
        "MALFORMED",
        "数据不是有效的 GB/T 38540 电子印章或电子签章结构",
        400,
    )


# --- refusals to make or sign ---------------------------------------------------------------------


def test_sign_data_with_a_key_store_callable(world, seal):
    # given a signer whose key lives elsewhere
    def store_sign(message: bytes) -> bytes:
        return gm.sm2_sign(world.signer.private_key, message, public_key=world.signer.public_key)

    # when
    signed = ses.sign_data(
        data=DATA, seal=seal, signer_certificate=world.signer.certificate, signer_sign=store_sign, time_info=SIGNED_AT
    )

    # then
    assert ses.verify_signature(signed, DATA, now=NOW) == ok_signature()


def test_make_seal_with_a_key_store_callable(world):
    # given
    def store_sign(message: bytes) -> bytes:
        return gm.sm2_sign(world.maker.private_key, message, public_key=world.maker.public_key)

    # when
    seal_der = seal_of(world, maker_private_key=None, maker_sign=store_sign)

    # then
    assert ses.verify_seal(seal_der, at=NOW) == ok_seal()


@pytest.mark.parametrize(
    ("signer", "time_info", "seal_change", "code"),
    [
        ("outsider", SIGNED_AT, None, "SIGNER_NOT_IN_SEAL"),
        ("signer", VALID_END + dt.timedelta(seconds=1), None, "SIGNED_OUTSIDE_SEAL_VALIDITY"),
        ("signer", SIGNED_AT, flip_last_byte, "SEAL_SIGNATURE_INVALID"),
        ("signer", SIGNED_AT, lambda der: b"garbage", "MALFORMED"),
    ],
    ids=["signer not listed", "outside validity", "tampered seal", "garbage seal"],
)
def test_sign_data_refuses(world, seal, signer, time_info, seal_change, code):
    # given
    who: Party = getattr(world, signer)

    # when / then
    with pytest.raises(ses.SealError) as raised:
        ses.sign_data(
            data=DATA,
            seal=seal_change(seal) if seal_change else seal,
            signer_certificate=who.certificate,
            signer_private_key=who.private_key,
            time_info=time_info,
        )
    assert raised.value.code == code
    assert raised.value.message == ses.REASONS[code]


def test_sign_data_refuses_a_key_that_is_not_the_signers(world, seal):
    # given / when / then
    with pytest.raises(ValueError, match="does not belong"):
        ses.sign_data(
            data=DATA,
            seal=seal,
            signer_certificate=world.signer.certificate,
            signer_private_key=world.outsider.private_key,
            time_info=SIGNED_AT,
        )
    with pytest.raises(ValueError, match="did not sign with the key of the signer certificate"):
        ses.sign_data(
            data=DATA,
            seal=seal,
            signer_certificate=world.signer.certificate,
            signer_sign=lambda message: gm.sm2_sign(
                world.outsider.private_key, message, public_key=world.outsider.public_key
            ),
            time_info=SIGNED_AT,
        )


def test_sign_data_wants_exactly_one_way_to_sign(world, seal):
    # given / when / then
    with pytest.raises(TypeError, match="exactly one"):
        ses.sign_data(data=DATA, seal=seal, signer_certificate=world.signer.certificate, time_info=SIGNED_AT)


@pytest.mark.parametrize(
    ("change", "error", "match"),
    [
        ({"valid_start": dt.datetime(2026, 3, 1)}, TypeError, "aware"),  # noqa: DTZ001 — the naive time under test
        ({"valid_end": VALID_START}, ValueError, "precede"),
        ({"es_id": "印章-1"}, ValueError, "IA5String"),
        ({"signer_certificates": []}, ValueError, "at least one"),
        ({"signer_certificates": [b"not a certificate"]}, ValueError, "X.509"),
        ({"width_mm": 0}, ValueError, "positive"),
        ({"cert_list_type": 3}, ValueError, "cert_list_type"),
        ({"maker_private_key": b"\x07" * 32}, ValueError, "does not belong"),
    ],
    ids=["naive", "empty validity", "non-ASCII id", "no signers", "bad certificate", "width", "list type", "wrong key"],
)
def test_make_seal_refuses(world, change, error, match):
    # given / when / then
    with pytest.raises(error, match=match):
        seal_of(world, **change)
