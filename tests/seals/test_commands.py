"""The seal commands: pki_init, pki_export_root, sign_pdf, verify_pdf (exit 0 only for a valid file)."""

from __future__ import annotations

import io

import pytest
from cryptography import x509 as crypto_x509
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.seals.conftest import sample_pdf
from zwfw.seals.models import CertificateAuthority, SealUsage

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_pki_init_then_again_changes_nothing():
    assert "已创建 根CA" in run("pki_init")
    assert CertificateAuthority.objects.count() == 4
    assert "证书体系已存在" in run("pki_init")
    assert CertificateAuthority.objects.count() == 4


def test_pki_export_root_prints_both_roots_as_pem(node_pki):
    ecdsa = crypto_x509.load_pem_x509_certificate(run("pki_export_root").encode())
    assert "电子印章根CA (ECC)" in ecdsa.subject.rfc4514_string()
    sm2 = run("pki_export_root", "--algorithm", "sm2")
    assert sm2.startswith("-----BEGIN CERTIFICATE-----")


def test_pki_export_root_before_init_is_a_clear_error(db):
    with pytest.raises(CommandError, match="pki_init"):
        run("pki_export_root")


def test_sign_pdf_then_verify_pdf(seal, tmp_path):
    # given a PDF on disk
    source, signed = tmp_path / "in.pdf", tmp_path / "out.pdf"
    source.write_bytes(sample_pdf())
    # when the operator signs it from the command line
    assert "已签章" in run("sign_pdf", "--seal", seal.code, "--purpose", "批量出证", str(source), str(signed))
    # then the use is recorded as the command line's, and verify_pdf returns normally (exit 0)
    assert SealUsage.objects.get().used_by_label == "system:cli"
    report = run("verify_pdf", str(signed))
    assert "结论：有效（VALID）签章有效" in report
    assert seal.name in report


def test_verify_pdf_exits_1_for_a_changed_or_unsigned_file(seal, tmp_path):
    source, signed = tmp_path / "in.pdf", tmp_path / "out.pdf"
    source.write_bytes(sample_pdf())
    run("sign_pdf", "--seal", seal.code, str(source), str(signed))
    data = bytearray(signed.read_bytes())
    position = bytes(data).index(b"/Title") + 8
    data[position] ^= 0x01
    changed = tmp_path / "changed.pdf"
    changed.write_bytes(bytes(data))
    for path in (changed, source):
        with pytest.raises(SystemExit) as caught:
            run("verify_pdf", str(path))
        assert caught.value.code == 1


def test_command_errors_are_clear(seal, tmp_path):
    with pytest.raises(CommandError, match="无法读取"):
        run("verify_pdf", str(tmp_path / "missing.pdf"))
    with pytest.raises(CommandError, match="不存在"):
        run("sign_pdf", "--seal", "0000000000000", str(tmp_path / "a.pdf"), str(tmp_path / "b.pdf"))
    (tmp_path / "junk.pdf").write_bytes(b"not a pdf")
    with pytest.raises(CommandError, match="不是PDF"):
        run("sign_pdf", "--seal", seal.code, str(tmp_path / "junk.pdf"), str(tmp_path / "b.pdf"))
    assert not (tmp_path / "b.pdf").exists()
    assert SealUsage.objects.count() == 0
