"""SM2 certificates and CRLs: built by zwfw, read and verified by zwfw and by OpenSSL 3.0."""

from __future__ import annotations

import datetime as dt
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from asn1crypto import core, crl, pem, x509

from zwfw.seals import gm, gmcert

OPENSSL = "/usr/bin/openssl"
DISTID = "distid:1234567812345678"
NOT_BEFORE = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
NOT_AFTER = dt.datetime(2036, 1, 1, tzinfo=dt.UTC)
CHECKED_AT = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)  # passed to `openssl verify -attime`


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(arg) for arg in args], capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
def openssl() -> str:
    if not Path(OPENSSL).exists():
        pytest.fail(f"{OPENSSL} is missing: the SM2 interop tests need OpenSSL 3.0")
    if "SM2" not in run(OPENSSL, "list", "-signature-algorithms").stdout:
        pytest.fail(f"{OPENSSL} cannot do SM2 signatures")
    return OPENSSL


@dataclass(frozen=True)
class Issued:
    der: bytes
    private_key: bytes
    public_key: bytes

    @property
    def asn1(self) -> x509.Certificate:
        return x509.Certificate.load(self.der)


@dataclass(frozen=True)
class Chain:
    root: Issued
    ca: Issued
    leaf: Issued


def issue(subject: dict[str, str], issuer: Issued | None, *, serial: int, is_ca: bool, **extra) -> Issued:
    private, public = gm.generate_sm2_key()
    der = gmcert.build_sm2_certificate(
        subject=subject,
        subject_public_key=public,
        issuer_certificate=issuer.asn1 if issuer else None,
        issuer_private_key=issuer.private_key if issuer else private,
        serial_number=serial,
        not_before=NOT_BEFORE,
        not_after=NOT_AFTER,
        is_ca=is_ca,
        **extra,
    )
    return Issued(der, private, public)


@pytest.fixture(scope="module")
def chain() -> Chain:
    root = issue(
        {"country_name": "CN", "organization_name": "政务服务测试节点", "common_name": "zwfw SM2 Root"},
        None,
        serial=1,
        is_ca=True,
        path_length=1,
        key_usage={"key_cert_sign", "crl_sign"},
    )
    ca = issue(
        {"country_name": "CN", "organization_name": "政务服务测试节点", "common_name": "zwfw SM2 Seal CA"},
        root,
        serial=2,
        is_ca=True,
        path_length=0,
        key_usage={"key_cert_sign", "crl_sign"},
    )
    leaf = issue(
        {"country_name": "CN", "organization_name": "测试局", "common_name": "测试局电子印章"},
        ca,
        serial=0x1234_5678_9ABC,
        is_ca=False,
        key_usage={"digital_signature", "non_repudiation"},
        extended_key_usage={"email_protection"},
    )
    return Chain(root, ca, leaf)


@pytest.fixture
def pem_files(tmp_path: Path, chain: Chain) -> Path:
    for name in ("root", "ca", "leaf"):
        (tmp_path / f"{name}.pem").write_bytes(pem.armor("CERTIFICATE", getattr(chain, name).der))
    return tmp_path


# --- our own verification -------------------------------------------------------------------------


def test_each_link_of_the_chain_verifies(chain):
    # given / when / then
    assert gmcert.verify_sm2_certificate_signature(chain.root.der, chain.root.der) is True
    assert gmcert.verify_sm2_certificate_signature(chain.ca.der, chain.root.der) is True
    assert gmcert.verify_sm2_certificate_signature(chain.leaf.der, chain.ca.der) is True


def test_a_certificate_does_not_verify_with_a_key_that_did_not_sign_it(chain):
    # given / when / then
    assert gmcert.verify_sm2_certificate_signature(chain.leaf.der, chain.root.der) is False
    assert gmcert.verify_sm2_certificate_signature(chain.ca.der, chain.leaf.der) is False
    assert gmcert.verify_sm2_certificate_signature(chain.root.der, chain.ca.der) is False


def test_a_changed_subject_breaks_the_signature(chain):
    # given the leaf with one letter of its common name changed
    name = "测试局电子印章".encode()
    assert chain.leaf.der.count(name) == 1
    tampered = chain.leaf.der.replace(name, "测试局电子印草".encode())

    # when / then
    assert x509.Certificate.load(tampered).subject.native["common_name"] == "测试局电子印草"
    assert gmcert.verify_sm2_certificate_signature(tampered, chain.ca.der) is False


@pytest.mark.parametrize("der", [b"", b"garbage", b"\x30\x03\x02\x01\x01"], ids=["empty", "text", "sequence"])
def test_malformed_input_is_false_not_an_exception(chain, der):
    # given / when / then
    assert gmcert.verify_sm2_certificate_signature(der, chain.root.der) is False
    assert gmcert.verify_sm2_certificate_signature(chain.root.der, der) is False


def test_certificate_fields_and_extensions(chain):
    # given
    leaf, ca, root = chain.leaf.asn1, chain.ca.asn1, chain.root.asn1

    # then: names, serial, validity, algorithms
    assert leaf.subject.native == {
        "country_name": "CN",
        "organization_name": "测试局",
        "common_name": "测试局电子印章",
    }
    assert leaf.issuer == ca.subject
    assert root.issuer == root.subject
    assert leaf.serial_number == 0x1234_5678_9ABC
    assert leaf["tbs_certificate"]["validity"]["not_before"].native == NOT_BEFORE
    assert leaf["tbs_certificate"]["validity"]["not_after"].native == NOT_AFTER
    assert leaf["signature_algorithm"]["algorithm"].dotted == gm.SM2_WITH_SM3_OID
    assert leaf["tbs_certificate"]["signature"]["algorithm"].dotted == gm.SM2_WITH_SM3_OID
    assert isinstance(leaf["signature_algorithm"]["parameters"], core.Void)  # no NULL, as OpenSSL writes it

    # then: extensions
    assert leaf.basic_constraints_value.native == {"ca": False, "path_len_constraint": None}
    assert ca.basic_constraints_value.native == {"ca": True, "path_len_constraint": 0}
    assert root.basic_constraints_value.native == {"ca": True, "path_len_constraint": 1}
    assert "basic_constraints" in leaf.critical_extensions
    assert "key_usage" in leaf.critical_extensions
    assert leaf.key_usage_value.native == {"digital_signature", "non_repudiation"}
    assert ca.key_usage_value.native == {"key_cert_sign", "crl_sign"}
    assert leaf.extended_key_usage_value.native == ["email_protection"]
    assert leaf.key_identifier == gmcert.key_identifier(chain.leaf.public_key)
    assert leaf.authority_key_identifier == ca.key_identifier
    assert ca.authority_key_identifier == root.key_identifier
    assert root.authority_key_identifier == root.key_identifier
    assert len(root.key_identifier) == 20


def test_public_key_of_a_certificate(chain):
    # given / when / then
    assert gmcert.public_key_of_sm2_certificate(chain.leaf.der) == chain.leaf.public_key


def test_public_key_of_a_p256_certificate_is_refused(openssl, tmp_path):
    # given an ECDSA P-256 certificate made by OpenSSL
    made = run(
        openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", tmp_path / "k.pem", "-subj", "/CN=p256", "-days", "1", "-outform", "DER", "-out", tmp_path / "c.der",
    )
    assert made.returncode == 0, made.stderr

    # when / then
    with pytest.raises(ValueError, match="SM2 curve"):
        gmcert.public_key_of_sm2_certificate((tmp_path / "c.der").read_bytes())


def test_times_from_2050_are_generalized_time(chain):
    # given
    _private, public = gm.generate_sm2_key()

    # when
    der = gmcert.build_sm2_certificate(
        subject={"common_name": "long"},
        subject_public_key=public,
        issuer_certificate=chain.ca.asn1,
        issuer_private_key=chain.ca.private_key,
        serial_number=99,
        not_before=dt.datetime(2049, 12, 31, 23, 59, 59, 999_999, tzinfo=dt.timezone(dt.timedelta(hours=8))),
        not_after=dt.datetime(2050, 1, 2, tzinfo=dt.UTC),
        is_ca=False,
        key_usage={"digital_signature"},
    )

    # then: RFC 5280 §4.1.2.5, whole seconds in UTC
    validity = x509.Certificate.load(der)["tbs_certificate"]["validity"]
    assert validity["not_before"].name == "utc_time"
    assert validity["not_before"].native == dt.datetime(2049, 12, 31, 15, 59, 59, tzinfo=dt.UTC)
    assert validity["not_after"].name == "general_time"
    assert gmcert.verify_sm2_certificate_signature(der, chain.ca.der) is True


@pytest.mark.parametrize(
    ("change", "error", "match"),
    [
        ({"not_before": dt.datetime(2026, 1, 1)}, TypeError, "aware"),  # noqa: DTZ001 — the naive time under test
        ({"not_after": NOT_BEFORE}, ValueError, "precede"),
        ({"serial_number": 0}, ValueError, "positive"),
        ({"serial_number": 2**160}, ValueError, "20 octets"),
        ({"key_usage": {"key_cert_sign"}}, ValueError, "requires is_ca"),
        ({"key_usage": {"sign_everything"}}, ValueError, "unknown"),
        ({"key_usage": set()}, ValueError, "non-empty"),
        ({"path_length": 0}, ValueError, "CA certificates only"),
        ({"subject_public_key": b"\x04" + bytes(64)}, ValueError, "sm2p256v1"),
    ],
    ids=["naive", "empty validity", "serial 0", "serial too long", "keyCertSign", "unknown usage", "no usage", "pathlen", "bad key"],
)
def test_build_refuses(chain, change, error, match):
    # given
    arguments = {
        "subject": {"common_name": "x"},
        "subject_public_key": gm.generate_sm2_key()[1],
        "issuer_certificate": chain.ca.asn1,
        "issuer_private_key": chain.ca.private_key,
        "serial_number": 5,
        "not_before": NOT_BEFORE,
        "not_after": NOT_AFTER,
        "is_ca": False,
        "key_usage": {"digital_signature"},
    } | change

    # when / then
    with pytest.raises(error, match=match):
        gmcert.build_sm2_certificate(**arguments)


def test_build_refuses_an_issuer_that_is_not_a_ca(chain):
    # given / when / then
    with pytest.raises(ValueError, match="not a CA"):
        issue({"common_name": "x"}, chain.leaf, serial=6, is_ca=False, key_usage={"digital_signature"})


def test_build_refuses_an_issuer_key_that_is_not_the_issuer_certificates(chain):
    # given
    impostor = Issued(chain.ca.der, chain.root.private_key, chain.ca.public_key)

    # when / then
    with pytest.raises(ValueError, match="does not belong"):
        issue({"common_name": "x"}, impostor, serial=7, is_ca=False, key_usage={"digital_signature"})


# --- OpenSSL 3.0 ----------------------------------------------------------------------------------


def test_openssl_prints_the_certificate_with_the_sm2_algorithms(openssl, pem_files):
    # given / when
    text = run(openssl, "x509", "-in", pem_files / "ca.pem", "-noout", "-text", "-nameopt", "utf8")

    # then
    assert text.returncode == 0, text.stderr
    out = text.stdout
    assert out.count("Signature Algorithm: SM2-with-SM3") == 2
    assert "Public Key Algorithm: id-ecPublicKey" in out
    assert "ASN1 OID: SM2" in out
    assert "Issuer: C=CN, O=政务服务测试节点, CN=zwfw SM2 Root" in out
    assert "Subject: C=CN, O=政务服务测试节点, CN=zwfw SM2 Seal CA" in out
    assert "X509v3 Basic Constraints: critical\n                CA:TRUE, pathlen:0" in out
    assert "X509v3 Key Usage: critical\n                Certificate Sign, CRL Sign" in out
    assert "Not Before: Jan  1 00:00:00 2026 GMT" in out


def _verify(openssl: str, *args: str | Path) -> subprocess.CompletedProcess[str]:
    return run(openssl, "verify", "-attime", str(int(CHECKED_AT.timestamp())), *args)


def test_openssl_verifies_the_ca_against_the_root_with_the_default_distid(openssl, pem_files):
    # given / when
    verified = _verify(openssl, "-vfyopt", DISTID, "-CAfile", pem_files / "root.pem", pem_files / "ca.pem")

    # then
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert verified.stdout.strip() == f"{pem_files / 'ca.pem'}: OK"


def test_openssl_verifies_the_leaf_against_the_ca_with_the_default_distid(openssl, pem_files):
    # given: -vfyopt only reaches the certificate being verified (openssl/openssl#23471), so each
    # link is verified on its own, the issuing CA as a partial-chain anchor
    # when
    verified = _verify(
        openssl, "-vfyopt", DISTID, "-partial_chain", "-CAfile", pem_files / "ca.pem", pem_files / "leaf.pem"
    )

    # then
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert verified.stdout.strip() == f"{pem_files / 'leaf.pem'}: OK"


def test_openssl_without_distid_uses_an_empty_id_and_fails(openssl, pem_files):
    # given / when
    verified = _verify(openssl, "-CAfile", pem_files / "root.pem", pem_files / "ca.pem")

    # then: OpenSSL 3.0's default is not GB/T 35276's, so the option above is needed
    assert verified.returncode == 2
    assert "error 7 at 0 depth lookup: certificate signature failure" in verified.stdout + verified.stderr


def test_openssl_verifies_the_roots_self_signature(openssl, tmp_path, chain):
    # given the root's TBSCertificate and signature as separate files (`openssl verify
    # -check_ss_sig` ignores -vfyopt for the anchor, openssl/openssl#32744)
    root = chain.root.asn1
    (tmp_path / "tbs.der").write_bytes(root["tbs_certificate"].dump())
    (tmp_path / "sig.der").write_bytes(root["signature_value"].native)
    (tmp_path / "pub.pem").write_bytes(gm.sm2_public_key_to_pem(chain.root.public_key))

    # when
    verified = run(
        openssl, "pkeyutl", "-verify", "-pubin", "-inkey", tmp_path / "pub.pem", "-rawin", "-digest", "sm3",
        "-pkeyopt", DISTID, "-in", tmp_path / "tbs.der", "-sigfile", tmp_path / "sig.der",
    )

    # then
    assert verified.returncode == 0, verified.stderr
    assert "Signature Verified Successfully" in verified.stdout


def test_we_verify_a_certificate_openssl_signed_with_the_default_distid(openssl, tmp_path):
    # given a self-signed SM2 certificate from `openssl req -x509 -sm3 -sigopt distid:...`
    assert run(openssl, "genpkey", "-algorithm", "SM2", "-out", tmp_path / "k.pem").returncode == 0
    made = run(
        openssl, "req", "-x509", "-new", "-key", tmp_path / "k.pem", "-sm3", "-sigopt", DISTID,
        "-subj", "/C=CN/CN=openssl root", "-days", "30", "-outform", "DER", "-out", tmp_path / "root.der",
    )
    assert made.returncode == 0, made.stderr
    der = (tmp_path / "root.der").read_bytes()

    # when / then
    assert gmcert.verify_sm2_certificate_signature(der, der) is True
    _private, public = gm.sm2_private_key_from_pem((tmp_path / "k.pem").read_bytes())
    assert gmcert.public_key_of_sm2_certificate(der) == public


# --- CRLs -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def revocation_list(chain) -> bytes:
    return gmcert.build_sm2_crl(
        issuer_certificate=chain.ca.asn1,
        issuer_private_key=chain.ca.private_key,
        crl_number=7,
        this_update=CHECKED_AT,
        next_update=CHECKED_AT + dt.timedelta(days=7),
        revoked=[(0x1234_5678_9ABC, dt.datetime(2026, 5, 20, 8, 30, tzinfo=dt.UTC))],
    )


def test_crl_fields_and_signature(chain, revocation_list):
    # given
    parsed = crl.CertificateList.load(revocation_list)

    # then
    assert parsed.issuer == chain.ca.asn1.subject
    assert parsed.crl_number_value.native == 7
    assert parsed.authority_key_identifier == chain.ca.asn1.key_identifier
    assert [
        (entry["user_certificate"].native, entry["revocation_date"].native)
        for entry in parsed["tbs_cert_list"]["revoked_certificates"]
    ] == [(0x1234_5678_9ABC, dt.datetime(2026, 5, 20, 8, 30, tzinfo=dt.UTC))]
    assert gmcert.verify_sm2_crl_signature(revocation_list, chain.ca.der) is True
    assert gmcert.verify_sm2_crl_signature(revocation_list, chain.root.der) is False
    assert gmcert.verify_sm2_crl_signature(revocation_list[:-1], chain.ca.der) is False


def test_empty_crl_omits_revoked_certificates(chain):
    # given / when
    der = gmcert.build_sm2_crl(
        issuer_certificate=chain.ca.asn1,
        issuer_private_key=chain.ca.private_key,
        crl_number=8,
        this_update=CHECKED_AT,
        next_update=CHECKED_AT + dt.timedelta(days=7),
    )

    # then
    assert crl.CertificateList.load(der)["tbs_cert_list"]["revoked_certificates"].native is None
    assert gmcert.verify_sm2_crl_signature(der, chain.ca.der) is True


def test_openssl_prints_the_crl(openssl, tmp_path, revocation_list):
    # given
    (tmp_path / "ca.crl").write_bytes(revocation_list)

    # when (`openssl crl -CAfile` cannot take a distid, so OpenSSL only parses it here)
    text = run(openssl, "crl", "-inform", "DER", "-in", tmp_path / "ca.crl", "-noout", "-text")

    # then
    assert text.returncode == 0, text.stderr
    assert text.stdout.count("Signature Algorithm: SM2-with-SM3") == 2
    assert "X509v3 CRL Number: \n                7" in text.stdout
    assert "Serial Number: 123456789ABC\n        Revocation Date: May 20 08:30:00 2026 GMT" in text.stdout
