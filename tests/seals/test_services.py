"""The seal registry: PKI, request -> review -> make, status changes, use permissions."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography import x509 as crypto_x509
from cryptography.hazmat.primitives import serialization
from django.utils import timezone

from tests.seals.conftest import make_seal
from zwfw.core.audit import verify_chain
from zwfw.core.errors import Conflict, PermissionDenied, ValidationFailed
from zwfw.core.models import AuditEntry
from zwfw.seals import gmcert, pki, services, ses
from zwfw.seals.models import (
    CertificateAuthority,
    KeyAlgorithm,
    RequestStatus,
    Seal,
    SealRequest,
    SealStatus,
    StoredKey,
)

pytestmark = pytest.mark.django_db


def test_pki_init_creates_both_hierarchies_once():
    # when the PKI is initialised twice
    first = pki.pki_init()
    second = pki.pki_init()
    # then root and seal CA exist for ECDSA and SM2, and the second run changes nothing
    assert {(a.kind, a.algorithm) for a in first} == {
        ("root", "ecdsa-p256"), ("seal_ca", "ecdsa-p256"), ("root", "sm2"), ("seal_ca", "sm2")
    }
    assert second == []
    assert CertificateAuthority.objects.count() == 4
    # and the ECDSA seal CA chains to its root (checked by cryptography, not by our builder)
    root = crypto_x509.load_der_x509_certificate(bytes(pki.authority("root", KeyAlgorithm.ECDSA_P256).certificate))
    ca = crypto_x509.load_der_x509_certificate(bytes(pki.authority("seal_ca", KeyAlgorithm.ECDSA_P256).certificate))
    ca.verify_directly_issued_by(root)
    root.verify_directly_issued_by(root)
    assert ca.extensions.get_extension_for_class(crypto_x509.BasicConstraints).value.ca is True
    # and the SM2 seal CA chains to the SM2 root
    sm2_root = bytes(pki.authority("root", KeyAlgorithm.SM2).certificate)
    sm2_ca = bytes(pki.authority("seal_ca", KeyAlgorithm.SM2).certificate)
    assert gmcert.verify_sm2_certificate_signature(sm2_ca, sm2_root)


def test_private_keys_are_stored_wrapped_never_in_clear(node_pki):
    # given the keys of the CAs
    for key in StoredKey.objects.all():
        wrapped = bytes(key.wrapped_private_key)
        # then the stored form is not a DER private key and not 32 raw bytes (its first byte is the
        # random nonce's, which may well be 0x30 as a DER SEQUENCE's is: it failed so once)
        with pytest.raises(ValueError, match="Could not deserialize key data"):
            serialization.load_der_private_key(wrapped, password=None)
        assert len(wrapped) > 40
        assert key.kek_id


def test_request_review_make_gives_a_seal_with_certificates_image_and_ses_seal(node_pki, people, department):
    # given a request by the department admin, approved by a platform admin
    before = AuditEntry.objects.count()
    request = services.request_seal(
        actor=people["dept_admin"].user,
        department=department,
        kind="special",
        owner_name=department.name,
        purpose="行政审批专用章",
        valid_to=timezone.now() + dt.timedelta(days=3 * 365),
        reason="网上审批",
    )
    services.review_request(actor=people["platform2"].user, request=request, approve=True, comment="同意")
    # when another platform admin makes it
    seal = services.make_seal(actor=people["platform"].user, request=request)
    # then the seal has a 13-digit code of its region, both certificates, an image and a SESeal
    assert seal.code == "3301000000001"
    assert seal.name == "杭州市市场监督管理局行政审批专用章"
    assert seal.status == SealStatus.ACTIVE
    leaf = asn1_x509.Certificate.load(bytes(seal.ecdsa_certificate))
    assert leaf.subject.native["common_name"] == seal.name
    assert leaf.subject.native["serial_number"] == seal.code
    assert format(leaf.serial_number, "x") == seal.ecdsa_serial
    assert leaf.key_usage_value.native == {"digital_signature", "non_repudiation"}
    assert gmcert.verify_sm2_certificate_signature(
        bytes(seal.sm2_certificate), bytes(pki.authority("seal_ca", KeyAlgorithm.SM2).certificate)
    )
    check = ses.verify_seal(bytes(seal.ses_seal), at=timezone.now())
    assert check.valid, check
    assert seal.image_svg.startswith("<?xml") or seal.image_svg.startswith("<svg")
    assert bytes(seal.image_png).startswith(b"\x89PNG")
    assert (seal.width_mm, seal.height_mm) == (40, 40)
    # and the request is made, every step audited, the chain intact
    request.refresh_from_db()
    assert request.status == RequestStatus.MADE
    actions = list(AuditEntry.objects.order_by("seq").values_list("action", flat=True)[before:])
    assert actions == ["seals.request.create", "seals.request.approve", "seals.seal.make"]
    assert verify_chain().ok


def test_a_second_seal_of_the_region_takes_the_next_code(seal, people, department):
    second = make_seal(people, department, kind="official", owner_name=department.name)
    assert second.code == "3301000000002"
    assert second.width_mm == 42


@pytest.mark.parametrize(
    ("kind", "name", "face_text", "size"),
    [("legal_rep", "王建国", "王建国印", (20, 20)), ("personal", "王建国", "王建国", (30, 12))],
)
def test_a_name_stamp_is_made_bearing_the_name_alone(node_pki, people, department, kind, name, face_text, size):
    # given an approved request for a 法定代表人名章 or a 个人签名 (a stamp bears the name, no code)
    # when the platform admin makes it
    seal = make_seal(people, department, kind=kind, owner_name=name)
    # then it is made: a code in the registry and a valid SESeal of a personal seal (type 2)
    assert (seal.code, seal.kind, seal.status) == ("3301000000001", kind, SealStatus.ACTIVE)
    assert (seal.width_mm, seal.height_mm) == size
    assert ses.verify_seal(bytes(seal.ses_seal), at=timezone.now()).valid
    assert ses.SESeal.load(bytes(seal.ses_seal))["eSealInfo"]["property"]["type"].native == 2
    assert seal.request.status == RequestStatus.MADE
    # and its face shows the name only, never the code
    assert "".join(re.findall(r">([^<])</text>", seal.image_svg)) == face_text
    assert 'class="code"' not in seal.image_svg


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"kind": "round"}, "SEAL_KIND_INVALID"),
        ({"owner_name": "  "}, "SEAL_FIELD_REQUIRED"),
        ({"owner_name": "局" * 41}, "SEAL_FIELD_TOO_LONG"),
        ({"owner_name": "杭州\x00局"}, "SEAL_FIELD_INVALID"),
        ({"purpose": ""}, "SEAL_FIELD_REQUIRED"),
        ({"purpose": "行政审批专用章行政审批专用章"}, "SEAL_IMAGE_INVALID"),
        ({"valid_to": dt.datetime(2020, 1, 1, tzinfo=dt.UTC)}, "SEAL_VALIDITY_INVALID"),
        ({"valid_to": dt.datetime(2040, 1, 1, tzinfo=dt.UTC)}, "SEAL_VALIDITY_TOO_LONG"),
        ({"valid_to": dt.datetime(2028, 1, 1)}, "SEAL_TIME_NAIVE"),  # noqa: DTZ001  (a naive time is the input under test)
        ({"reason": ""}, "SEAL_FIELD_REQUIRED"),
    ],
)
def test_a_bad_request_is_refused_and_changes_nothing(node_pki, people, department, overrides, code):
    fields = {
        "kind": "special",
        "owner_name": department.name,
        "purpose": "行政审批专用章",
        "valid_to": timezone.now() + dt.timedelta(days=365),
        "reason": "网上审批",
    } | overrides
    audit_before = AuditEntry.objects.count()
    with pytest.raises(ValidationFailed) as caught:
        services.request_seal(actor=people["dept_admin"].user, department=department, **fields)
    assert caught.value.code == code
    assert SealRequest.objects.count() == 0
    assert AuditEntry.objects.count() == audit_before


@pytest.mark.parametrize(
    ("kind", "owner_name", "purpose", "field", "shown"),
    [
        ("special", "杭州市😀局", "行政审批专用章", "name", "😀"),
        ("personal", "مرحبا", "", "name", "م"),
        ("special", "杭州市民政局", "合同专用章𪚥", "purpose", "𪚥"),
    ],
)
def test_a_face_with_a_character_the_seal_font_lacks_is_refused_and_changes_nothing(
    node_pki, people, department, kind, owner_name, purpose, field, shown
):
    # given a face text with a character the seal font has no glyph for (it would be engraved as a box)
    audit_before = AuditEntry.objects.count()
    # when the department admin requests the seal
    with pytest.raises(ValidationFailed) as caught:
        services.request_seal(
            actor=people["dept_admin"].user, department=department, kind=kind, owner_name=owner_name,
            purpose=purpose, valid_to=timezone.now() + dt.timedelta(days=365), reason="网上审批",
        )
    # then it is refused, naming the character and the field, and nothing is recorded
    assert (caught.value.code, caught.value.details) == ("SEAL_IMAGE_INVALID", {"field": field})
    assert f"“{shown}”在印章字体中没有字形" in caught.value.message
    assert SealRequest.objects.count() == 0
    assert AuditEntry.objects.count() == audit_before


def test_a_name_with_a_middle_dot_and_latin_letters_is_drawable(node_pki, people, department):
    # given a personal seal for a name written with the middle dot (阿依古丽·买买提) and one in Latin letters
    for name in ("阿依古丽·买买提", "Anna Li"):
        # when it is requested, then it is accepted
        services.request_seal(
            actor=people["dept_admin"].user, department=department, kind="personal", owner_name=name,
            valid_to=timezone.now() + dt.timedelta(days=365), reason="网上签名",
        )
    assert SealRequest.objects.count() == 2


def test_only_the_departments_admin_or_a_platform_admin_requests(node_pki, people, department):
    for who in ("approver", "other_admin", "clerk"):
        with pytest.raises(PermissionDenied):
            services.request_seal(
                actor=people[who].user, department=department, kind="official", owner_name=department.name,
                valid_to=timezone.now() + dt.timedelta(days=365), reason="x",
            )
    assert SealRequest.objects.count() == 0


def _pending(people, department):
    return services.request_seal(
        actor=people["platform"].user, department=department, kind="official", owner_name=department.name,
        valid_to=timezone.now() + dt.timedelta(days=365), reason="网上办事",
    )


def test_the_requester_cannot_review_their_own_request(node_pki, people, department):
    request = _pending(people, department)
    with pytest.raises(PermissionDenied) as caught:
        services.review_request(actor=people["platform"].user, request=request, approve=True)
    assert caught.value.code == "SEAL_REVIEW_OWN_REQUEST"
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING


def test_a_department_admin_cannot_review_or_make(node_pki, people, department):
    request = _pending(people, department)
    with pytest.raises(PermissionDenied):
        services.review_request(actor=people["dept_admin"].user, request=request, approve=True)
    services.review_request(actor=people["platform2"].user, request=request, approve=True)
    with pytest.raises(PermissionDenied):
        services.make_seal(actor=people["dept_admin"].user, request=request)
    assert Seal.objects.count() == 0


def test_steps_out_of_order_are_refused(node_pki, people, department):
    # given a pending request
    request = _pending(people, department)
    # then it cannot be made before review
    with pytest.raises(Conflict) as caught:
        services.make_seal(actor=people["platform2"].user, request=request)
    assert caught.value.code == "SEAL_REQUEST_NOT_APPROVED"
    # and a rejection needs a reason; once rejected it is neither reviewed again nor made
    with pytest.raises(ValidationFailed):
        services.review_request(actor=people["platform2"].user, request=request, approve=False, comment="")
    services.review_request(actor=people["platform2"].user, request=request, approve=False, comment="名称有误")
    with pytest.raises(Conflict):
        services.review_request(actor=people["platform2"].user, request=request, approve=True)
    with pytest.raises(Conflict):
        services.make_seal(actor=people["platform2"].user, request=request)
    # and a made request is not made twice
    ok = _pending(people, department)
    services.review_request(actor=people["platform2"].user, request=ok, approve=True)
    services.make_seal(actor=people["platform2"].user, request=ok)
    with pytest.raises(Conflict):
        services.make_seal(actor=people["platform2"].user, request=ok)
    assert Seal.objects.count() == 1


def test_status_changes_follow_the_rules_and_are_audited(seal, people):
    admin = people["dept_admin"].user
    with pytest.raises(ValidationFailed):
        services.set_seal_status(actor=admin, seal=seal, status="suspended", reason=" ")
    with pytest.raises(Conflict):
        services.set_seal_status(actor=admin, seal=seal, status="active", reason="已启用")
    services.set_seal_status(actor=admin, seal=seal, status="suspended", reason="印章保管人调岗")
    services.set_seal_status(actor=admin, seal=seal, status="active", reason="新保管人到岗")
    services.set_seal_status(actor=admin, seal=seal, status="cancelled", reason="机构撤并")
    with pytest.raises(Conflict) as caught:
        services.set_seal_status(actor=admin, seal=seal, status="active", reason="恢复")
    assert "注销" in caught.value.message
    seal.refresh_from_db()
    assert seal.status == SealStatus.CANCELLED
    assert list(seal.status_events.values_list("status", flat=True)) == ["active", "suspended", "active", "cancelled"]
    assert AuditEntry.objects.filter(object_id=seal.code, action__startswith="seals.seal.").count() == 5


def test_another_departments_admin_cannot_change_the_seal(seal, people):
    for who in ("other_admin", "approver"):
        with pytest.raises(PermissionDenied):
            services.set_seal_status(actor=people[who].user, seal=seal, status="suspended", reason="x")
        with pytest.raises(PermissionDenied):
            services.set_use_roles(actor=people[who].user, seal=seal, roles=["window_clerk"])
    seal.refresh_from_db()
    assert seal.status == SealStatus.ACTIVE
    assert list(seal.permissions.values_list("role", flat=True)) == ["approver"]


def test_use_roles_are_replaced_and_only_usable_roles_accepted(seal, people):
    admin = people["dept_admin"].user
    assert services.set_use_roles(actor=admin, seal=seal, roles=["window_clerk", "approver", "approver"]) == [
        "approver", "window_clerk"
    ]
    with pytest.raises(ValidationFailed) as caught:
        services.set_use_roles(actor=admin, seal=seal, roles=["platform_admin"])
    assert caught.value.message == (
        "角色“platform_admin”不能使用印章，可选角色：approver、department_admin、window_clerk"
    )
    # a role holding a control character is refused without echoing it
    with pytest.raises(ValidationFailed) as caught:
        services.set_use_roles(actor=admin, seal=seal, roles=["approver\x1b[2J"])
    assert caught.value.message == "角色不能使用印章，可选角色：approver、department_admin、window_clerk"
    assert sorted(seal.permissions.values_list("role", flat=True)) == ["approver", "window_clerk"]


def test_who_may_use_the_seal(seal, people):
    # the department's approver (a permitted role) may
    services.check_can_use(actor=people["approver"].user, seal=seal)
    # its clerk (no permitted role), another department's approver and a platform admin may not
    for who, code in (
        ("clerk", "SEAL_USE_NOT_PERMITTED"),
        ("other_approver", "SEAL_OTHER_DEPARTMENT"),
        ("platform", "SEAL_OTHER_DEPARTMENT"),
    ):
        with pytest.raises(PermissionDenied) as caught:
            services.check_can_use(actor=people[who].user, seal=seal)
        assert caught.value.code == code


def test_the_crl_lists_suspended_and_cancelled_seals_at_once(seal, people, department):
    from asn1crypto import crl

    # given a fresh CRL without revocations
    empty = crl.CertificateList.load(pki.crl_der(KeyAlgorithm.ECDSA_P256))
    assert len(empty["tbs_cert_list"]["revoked_certificates"]) == 0
    # when the seal is suspended
    services.set_seal_status(actor=people["dept_admin"].user, seal=seal, status="suspended", reason="调岗")
    # then both CRLs list its certificate on hold, signed by the seal CA
    listed = crl.CertificateList.load(pki.crl_der(KeyAlgorithm.ECDSA_P256))
    entries = listed["tbs_cert_list"]["revoked_certificates"]
    assert [format(e["user_certificate"].native, "x") for e in entries] == [seal.ecdsa_serial]
    assert entries[0]["crl_entry_extensions"][0]["extn_value"].native == "certificate_hold"
    ca = crypto_x509.load_der_x509_certificate(bytes(pki.authority("seal_ca", KeyAlgorithm.ECDSA_P256).certificate))
    parsed = crypto_x509.load_der_x509_crl(pki.crl_der(KeyAlgorithm.ECDSA_P256))
    assert parsed.is_signature_valid(ca.public_key())
    sm2 = crl.CertificateList.load(pki.crl_der(KeyAlgorithm.SM2))
    assert format(sm2["tbs_cert_list"]["revoked_certificates"][0]["user_certificate"].native, "x") == seal.sm2_serial
    # and after cancellation the reason is cessation of operation
    services.set_seal_status(actor=people["dept_admin"].user, seal=seal, status="cancelled", reason="撤并")
    final = crl.CertificateList.load(pki.crl_der(KeyAlgorithm.ECDSA_P256))
    reason = final["tbs_cert_list"]["revoked_certificates"][0]["crl_entry_extensions"][0]["extn_value"].native
    assert reason == "cessation_of_operation"
