"""Issuing licences: rules, the signed surface, idempotency, the holder's inbox, audit."""

from __future__ import annotations

import pytest

from tests.identity.factories import EnterpriseFactory, PersonFactory
from zwfw.core.errors import Conflict, PermissionDenied, ValidationFailed
from zwfw.core.models import AuditEntry
from zwfw.licenses import selectors, services
from zwfw.licenses.catalogue import LICENSE_TYPES, ensure_license_types
from zwfw.licenses.identifiers import make_identifier, parse_identifier
from zwfw.licenses.models import License, LicenseType
from zwfw.notifications.models import Message
from zwfw.seals import verification
from zwfw.seals.models import SealUsage

pytestmark = pytest.mark.django_db


@pytest.fixture
def types(db):
    ensure_license_types()
    return {t.name: t for t in LicenseType.objects.all()}


def test_the_catalogue_has_at_least_fifteen_common_types_with_valid_codes(types):
    assert len(LICENSE_TYPES) >= 15
    assert ensure_license_types() == 0  # a second load adds nothing
    for name in ("营业执照", "食品经营许可证", "结婚证", "离婚证", "出生医学证明", "居民户口簿", "居住证", "机动车驾驶证",
                 "不动产权证书", "社会保障卡", "学位证书", "教师资格证书", "残疾人证", "医师执业证书", "建筑业企业资质证书"):
        license_type = types[name]
        # a type code is a valid credit code + 3 digits: it makes identifiers that parse
        made = make_identifier(type_code=license_type.code, issuer_code="11430000006122244L", serial="1")
        assert parse_identifier(made.value) == made


def issuer(people, who="approver"):
    return services.Issuer(user=people[who].user)


def test_an_approver_issues_a_signed_licence_to_a_person(seal, people, department, types):
    holder = PersonFactory()
    audit_before = AuditEntry.objects.count()
    license = services.issue_license(
        issuer=issuer(people), license_type=types["残疾人证"], department=department, holder=holder,
        surface={"category": "肢体", "grade": "四级", "address": "杭州市西湖区文三路1号", "issue_date": "2026-12-01"},
        idempotency_key="k-1",
    )
    parsed = parse_identifier(license.identifier)
    assert (parsed.type_code, parsed.issuer_code, parsed.version) == (types["残疾人证"].code, department.credit_code, 1)
    assert license.serial.startswith(str(license.valid_from.year))
    assert license.valid_until is not None
    # the surface carries the holder's verified name and number, and is signed by the department's seal
    surface = services.surface_of(license)
    assert surface["holder_name"] == holder.name
    assert surface["holder_id"] == holder.document_number
    report = verification.verify_data(
        fmt="jws", signature=license.signature, data=services.signed_payload(license, surface)
    )
    assert (report.valid, report.seal_code) == (True, seal.code)
    assert SealUsage.objects.get().purpose == f"签发电子证照 {license.identifier}"
    # the holder is told, the issue audited
    assert Message.objects.filter(recipient_user=holder.user, channel="inbox").count() == 1
    assert AuditEntry.objects.count() > audit_before


def test_a_replayed_key_returns_the_same_licence_and_a_changed_request_conflicts(seal, people, department, types):
    holder = PersonFactory()
    args = {"issuer": issuer(people), "license_type": types["居住证"], "department": department, "holder": holder,
            "surface": {"issue_date": "2026-12-01"}, "idempotency_key": "same"}
    first = services.issue_license(**args)
    assert services.issue_license(**args) == first
    with pytest.raises(Conflict):
        services.issue_license(**(args | {"surface": {"issue_date": "2026-12-02"}}))
    assert License.objects.count() == 1


@pytest.mark.parametrize(
    ("surface", "code"),
    [
        ({"issue_date": "tomorrow"}, "LICENSE_FIELD_INVALID"),
        ({}, "LICENSE_FIELD_REQUIRED"),
        ({"issue_date": "2026-12-01", "colour": "red"}, "LICENSE_FIELD_UNKNOWN"),
        ({"issue_date": "2026-12-01", "holder_name": "别人"}, "LICENSE_HOLDER_MISMATCH"),
        ({"issue_date": "2026-12-01", "address": "x" * 501}, "LICENSE_FIELD_INVALID"),
        ("not an object", "LICENSE_SURFACE_INVALID"),
    ],
)
def test_bad_surfaces_are_refused_and_nothing_is_issued(seal, people, department, types, surface, code):
    with pytest.raises(ValidationFailed) as caught:
        services.issue_license(
            issuer=issuer(people), license_type=types["居住证"], department=department, holder=PersonFactory(),
            surface=surface,
        )
    assert caught.value.code == code
    assert License.objects.count() == 0
    assert SealUsage.objects.count() == 0


def test_only_the_issuing_departments_staff_issue(seal, other_seal, people, department, types):
    for who in ("other_approver", "clerk", "platform"):
        with pytest.raises(PermissionDenied):
            services.issue_license(
                issuer=issuer(people, who), license_type=types["居住证"], department=department,
                holder=PersonFactory(), surface={"issue_date": "2026-12-01"},
            )
    assert License.objects.count() == 0


def test_holder_kind_must_match_the_type(seal, people, department, types):
    with pytest.raises(ValidationFailed) as caught:
        services.issue_license(
            issuer=issuer(people), license_type=types["营业执照"], department=department, holder=PersonFactory(),
            surface={},
        )
    assert caught.value.code == "LICENSE_HOLDER_KIND"
    enterprise = EnterpriseFactory()
    license = services.issue_license(
        issuer=issuer(people), license_type=types["营业执照"], department=department, holder=enterprise,
        surface={"kind": "有限责任公司", "legal_representative": enterprise.legal_representative.name,
                 "registered_capital": "100万元", "established": "2020-01-01", "address": "杭州",
                 "business_scope": "软件开发", "issue_date": "2026-12-01"},
    )
    assert license.holder_enterprise == enterprise
    assert license.valid_until is None  # 营业执照: 长期


# --- lifecycle -------------------------------------------------------------------------------------


@pytest.fixture
def residence(seal, people, department, types):
    holder = PersonFactory()
    return services.issue_license(
        issuer=issuer(people), license_type=types["居住证"], department=department, holder=holder,
        surface={"issue_date": "2026-12-01", "address": "杭州市上城区"},
    )


def test_suspend_restore_revoke_with_reasons(residence, people):
    me = issuer(people)
    services.change_status(issuer=me, license=residence, action="suspend", reason="涉嫌违法，暂扣")
    with pytest.raises(Conflict):
        services.change_status(issuer=me, license=residence, action="suspend", reason="again")
    services.change_status(issuer=me, license=residence, action="restore", reason="发还")
    with pytest.raises(ValidationFailed):
        services.change_status(issuer=me, license=residence, action="revoke", reason="")
    services.change_status(issuer=me, license=residence, action="revoke", reason="以欺骗手段取得")
    residence.refresh_from_db()
    assert (residence.status, residence.status_reason) == ("revoked", "以欺骗手段取得")
    assert list(residence.events.values_list("action", flat=True)) == ["issue", "suspend", "restore", "revoke"]
    with pytest.raises(Conflict):
        services.change_status(issuer=me, license=residence, action="restore", reason="x")
    # every change reached the holder's inbox
    assert Message.objects.filter(recipient_user=residence.holder_person.user).count() == 4


def test_another_department_cannot_change_the_licence(residence, people):
    with pytest.raises(PermissionDenied):
        services.change_status(issuer=issuer(people, "other_approver"), license=residence, action="revoke", reason="x")
    residence.refresh_from_db()
    assert residence.status == "valid"


def test_a_change_makes_version_two_and_supersedes_version_one(residence, people):
    fresh = services.new_version(issuer=issuer(people), license=residence, surface={"address": "杭州市滨江区"}, reason="住址变更")
    assert fresh.version == 2
    assert parse_identifier(fresh.identifier).version == 2
    assert fresh.identifier.split(".")[-3] == residence.identifier.split(".")[-3]  # same serial
    residence.refresh_from_db()
    assert residence.status == "superseded"
    assert fresh.supersedes == residence
    assert services.surface_of(fresh)["address"] == "杭州市滨江区"
    with pytest.raises(ValidationFailed):
        services.new_version(issuer=issuer(people), license=fresh, surface={"address": "杭州市滨江区"}, reason="无变化")
    with pytest.raises(Conflict):
        services.new_version(issuer=issuer(people), license=residence, surface={"address": "x"}, reason="旧版本")


def test_expiry_then_renewal(residence, people):
    import datetime as dt

    assert services.expire_licenses(today=residence.valid_until + dt.timedelta(days=1)) == 1
    residence.refresh_from_db()
    assert residence.status == "expired"
    renewed = services.new_version(issuer=issuer(people), license=residence, renew=True, reason="延续")
    assert renewed.status == "valid"
    assert renewed.valid_until > residence.valid_until


def test_the_commands_load_types_and_expire(residence):
    import datetime as dt
    import io

    import time_machine
    from django.core.management import call_command

    out = io.StringIO()
    call_command("license_types_load", stdout=out)
    assert "新增证照类型 0 个" in out.getvalue()
    with time_machine.travel(dt.datetime.combine(residence.valid_until, dt.time(12), tzinfo=dt.UTC) + dt.timedelta(days=2)):
        call_command("licenses_expire", stdout=out)
    assert "已将 1 份证照标记为已过期" in out.getvalue()


# --- who may look a holder up ----------------------------------------------------------------------


def test_a_holder_is_looked_up_only_for_a_department(people, department):
    # given a registered person and an enterprise: whether someone has an account is personal data
    person, enterprise = PersonFactory(), EnterpriseFactory()
    named = {"document_type": "resident_id", "document_number": person.document_number}
    # without a department (a caller that did not establish one) the look-ups refuse, before any read
    for call in (
        lambda: selectors.find_holder(department=None, **named),
        lambda: selectors.find_holders([("resident_id", person.document_number, "")], department=None),
    ):
        with pytest.raises(PermissionDenied) as info:
            call()
        assert (info.value.code, info.value.status) == ("LICENSE_HOLDER_LOOKUP_FORBIDDEN", 403)
    # and the department is not optional
    with pytest.raises(TypeError):
        selectors.find_holder(**named)  # type: ignore[call-arg]
    # with the department they find the holders
    assert selectors.find_holder(department=department, **named) == person
    assert selectors.find_holders(
        [("resident_id", person.document_number, ""), ("", "", enterprise.credit_code)], department=department
    ) == [person, enterprise]

