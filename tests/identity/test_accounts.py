"""Registration (three checks, 国办函〔2016〕108号), enterprises, levels, in-person checks, own profile."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.utils import timezone

from tests.identity.account_helpers import register, registry_person, sms_code
from tests.identity.factories import (
    PASSWORD,
    EnterpriseRecordFactory,
    PersonFactory,
    StaffFactory,
    resident_id,
)
from zwfw.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from zwfw.core.models import AuditEntry
from zwfw.identity import accounts, otp, throttle
from zwfw.identity.indexes import document_index
from zwfw.identity.models import (
    AssuranceEvent,
    AssuranceMethod,
    DocumentType,
    Enterprise,
    Person,
    StaffRole,
)
from zwfw.notifications.errors import Throttled
from zwfw.notifications.models import Message

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def years_ago(n: int) -> dt.date:
    today = timezone.localdate()
    return today.replace(year=today.year - n, day=min(today.day, 28))


def counts() -> tuple[int, int, int]:
    return get_user_model().objects.count(), Person.objects.count(), AssuranceEvent.objects.count()


# ---------------------------------------------------------------------------------------------
# register_person
# ---------------------------------------------------------------------------------------------


def test_registration_checks_three_items_and_gives_level_3():
    # given a person in the population registry
    record = registry_person(1, name="王小明")
    # when they register with name, number, expiry date and the SMS code
    person = register(record, "13800000001", email="Wang@Example.com")
    # then an account at level 3 exists, with how the level was reached
    assert person.assurance_level == 3
    assert person.name == "王小明"
    assert person.mobile == "13800000001"
    assert person.email == "wang@example.com"
    assert person.birth_date == record.birth_date
    assert person.user.username.startswith("p")
    assert len(person.user.username) == 33
    assert person.user.check_password(PASSWORD)
    assert [(e.level, e.method) for e in accounts.level_history(person=person)] == [
        (3, AssuranceMethod.REGISTRY),
        (2, AssuranceMethod.FORMAT),
    ]
    entry = AuditEntry.objects.get(action="identity.register_person", result="success")
    assert entry.actor == f"user:{person.user.pk}"
    assert entry.object_id == str(person.public_id)


def test_long_term_document_registers_with_no_expiry():
    record = registry_person(2, document_valid_until=None)
    assert register(record, "13800000002", document_valid_until=None).assurance_level == 3


@pytest.mark.parametrize(
    "override",
    [
        {"name": "别人"},  # name differs from the registry
        {"document_valid_until": dt.date(2035, 12, 31)},  # expiry differs
        {"document_valid_until": None},  # claims 长期, registry has a date
        {"document_number": resident_id(400)},  # not in the registry (valid format)
    ],
)
def test_registry_mismatch_is_one_generic_error_and_creates_nothing(override):
    record = registry_person(3)
    before = counts()
    with pytest.raises(ValidationFailed) as exc:
        register(record, "13800000003", **override)
    assert exc.value.code == "IDENTITY_NOT_VERIFIED"
    assert exc.value.message == "身份信息核验未通过，请核对姓名、证件号码和证件有效期"
    assert counts() == before
    assert AuditEntry.objects.filter(action="identity.register_person", result="failure").count() == 1


def test_registry_mismatch_leaves_the_sms_code_usable():
    record = registry_person(4)
    accounts.send_register_code(mobile="13800000004")
    code = sms_code("13800000004")
    common = dict(
        document_type=record.document_type,
        document_number=record.document_number,
        document_valid_until=record.document_valid_until,
        mobile="13800000004",
        code=code,
        password=PASSWORD,
        accepted_terms=True,
    )
    with pytest.raises(ValidationFailed):
        accounts.register_person(name="别人", **common)
    assert accounts.register_person(name=record.name, **common).assurance_level == 3


def test_expired_document_is_refused():
    record = registry_person(5, document_valid_until=dt.date(2020, 1, 1))
    with pytest.raises(ValidationFailed) as exc:
        register(record, "13800000005")
    assert exc.value.code == "IDENTITY_NOT_VERIFIED"
    assert Person.objects.count() == 0


def test_cancelled_registry_record_is_refused():
    record = registry_person(6, status="cancelled")
    with pytest.raises(ValidationFailed):
        register(record, "13800000006")
    assert Person.objects.count() == 0


def test_wrong_sms_code_creates_nothing():
    record = registry_person(7)
    accounts.send_register_code(mobile="13800000007")
    right = sms_code("13800000007")
    wrong = "000000" if right != "000000" else "111111"
    before = counts()
    with pytest.raises(ValidationFailed) as exc:
        register(record, "13800000007", code=wrong)
    assert exc.value.code == "SMS_CODE_INVALID"
    assert counts() == before


def test_code_for_another_mobile_does_not_work():
    record = registry_person(8)
    accounts.send_register_code(mobile="13800000018")
    with pytest.raises(ValidationFailed) as exc:
        accounts.register_person(
            name=record.name,
            document_type=record.document_type,
            document_number=record.document_number,
            document_valid_until=record.document_valid_until,
            mobile="13800000008",
            code=sms_code("13800000018"),
            password=PASSWORD,
            accepted_terms=True,
        )
    assert exc.value.code == "SMS_CODE_INVALID"
    assert Person.objects.count() == 0


@pytest.mark.parametrize(
    ("override", "code"),
    [
        ({"accepted_terms": False}, "TERMS_NOT_ACCEPTED"),
        ({"password": "short"}, "INVALID_PASSWORD"),
        ({"password": "password123"}, "INVALID_PASSWORD"),  # on the common-password list
        ({"password": "x" * 129}, "INVALID_PASSWORD"),
        ({"document_number": "123"}, "INVALID_RESIDENT_ID"),
        ({"name": "  "}, "INVALID_NAME"),
        ({"email": "not-an-email"}, "INVALID_EMAIL"),
    ],
)
def test_bad_input_is_refused_with_a_clear_code(override, code):
    record = registry_person(9)
    before = counts()
    with pytest.raises(ValidationFailed) as exc:
        register(record, "13800000009", **override)
    assert exc.value.code == code
    assert counts() == before


def test_bad_mobile_is_refused():
    record = registry_person(19)
    with pytest.raises(ValidationFailed) as exc:
        register(record, "12345", code="123456")
    assert exc.value.code == "INVALID_MOBILE"
    assert Person.objects.count() == 0


def test_no_composition_rules_and_64_characters_allowed():
    # NIST SP 800-63B: a long passphrase of lowercase words is fine
    record = registry_person(10)
    assert register(record, "13800000010", password="a" * 8 + " quiet river " + "b" * 43).pk


def test_duplicate_document_is_a_conflict():
    record = registry_person(11)
    register(record, "13800000011")
    before = counts()
    with pytest.raises(Conflict) as exc:
        register(record, "13800000111")
    assert exc.value.code == "PERSON_EXISTS"
    assert counts() == before


def test_duplicate_mobile_is_a_conflict():
    register(registry_person(12), "13800000012")
    other = registry_person(13)
    with (
        time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=2)),
        pytest.raises(Conflict) as exc,
    ):
        register(other, "13800000012")
    assert exc.value.code == "MOBILE_TAKEN"
    assert Person.objects.count() == 1


def test_child_under_14_cannot_register():
    born = years_ago(10)
    record = registry_person(14, born=born)
    with pytest.raises(ValidationFailed) as exc:
        register(record, "13800000014")
    assert exc.value.code == "UNDER_AGE"
    assert Person.objects.count() == 0


def test_register_code_is_rate_limited_per_mobile_and_per_address():
    accounts.send_register_code(mobile="13800000015", source_ip="10.0.0.1")
    with pytest.raises(Throttled):
        accounts.send_register_code(mobile="13800000015", source_ip="10.0.0.1")
    cache.clear()
    # given an address that already asked for the hour's allowance (to as many numbers)
    for n in range(throttle.CODE_REQUESTS_PER_ADDRESS):
        accounts.send_register_code(mobile=f"139000001{n:02d}", source_ip="10.0.0.2")
    sent = Message.objects.count()
    # when it asks for one more, then nothing is sent
    with pytest.raises(Throttled):
        accounts.send_register_code(mobile="13800000016", source_ip="10.0.0.2")
    assert Message.objects.count() == sent
    # and another address is not affected
    accounts.send_register_code(mobile="13800000017", source_ip="10.0.0.3")


# ---------------------------------------------------------------------------------------------
# In-person check (level 4)
# ---------------------------------------------------------------------------------------------


def clerk(role=StaffRole.WINDOW_CLERK):
    staff = StaffFactory()
    staff.role_grants.create(role=role)
    return staff.user


def test_window_clerk_records_level_4_audited():
    person = PersonFactory()
    user = clerk()
    found = accounts.find_person_for_check(
        clerk=user, document_type=person.document_type, document_number=person.document_number
    )
    assert found == person
    accounts.record_in_person_check(clerk=user, person_public_id=str(person.public_id), note="核对身份证原件")
    person.refresh_from_db()
    assert person.assurance_level == 4
    event = accounts.level_history(person=person)[0]
    assert (event.level, event.method, event.recorded_by) == (4, AssuranceMethod.WINDOW_IN_PERSON, user)
    entry = AuditEntry.objects.get(action="identity.in_person_check")
    assert entry.actor == f"user:{user.pk}"
    assert entry.details == {"from_level": 3, "to_level": 4}


@pytest.mark.parametrize("role", [StaffRole.APPROVER, StaffRole.PLATFORM_ADMIN])
def test_only_window_clerks_record_in_person_checks(role):
    person = PersonFactory()
    with pytest.raises(PermissionDenied):
        accounts.record_in_person_check(clerk=clerk(role), person_public_id=str(person.public_id))
    person.refresh_from_db()
    assert person.assurance_level == 3
    assert not AuditEntry.objects.filter(action="identity.in_person_check").exists()


def _nothing_recorded(person):
    person.refresh_from_db()
    assert person.assurance_level == 3
    assert not person.assurance_events.filter(level=4).exists()
    assert not AuditEntry.objects.filter(action="identity.in_person_check").exists()


def test_a_clerk_cannot_raise_their_own_account_by_their_staff_mobile():
    # given a window clerk, and a citizen account registered with the clerk's staff mobile
    user = clerk()
    own = PersonFactory(mobile=user.staff.mobile)
    # when the clerk records an in-person check for it
    with pytest.raises(PermissionDenied) as exc:
        accounts.record_in_person_check(clerk=user, person_public_id=str(own.public_id))
    # then it is refused with a clear message, and nothing changed
    assert exc.value.code == "SELF_CHECK_FORBIDDEN"
    assert "本人" in exc.value.message
    _nothing_recorded(own)


def test_a_clerk_cannot_raise_the_person_of_their_own_user():
    # given a window clerk whose user is also a person's user (and another staff mobile)
    user = clerk()
    own = PersonFactory(user=user)
    # when the clerk records an in-person check for that person
    with pytest.raises(PermissionDenied) as exc:
        accounts.record_in_person_check(clerk=user, person_public_id=str(own.public_id))
    # then it is refused, and nothing changed
    assert exc.value.code == "SELF_CHECK_FORBIDDEN"
    _nothing_recorded(own)


def test_citizen_and_inactive_clerk_cannot_record():
    person, other = PersonFactory(), PersonFactory()
    with pytest.raises(PermissionDenied):
        accounts.record_in_person_check(clerk=other.user, person_public_id=str(person.public_id))
    user = clerk()
    user.staff.is_active = False
    user.staff.save()
    with pytest.raises(PermissionDenied):
        accounts.record_in_person_check(clerk=user, person_public_id=str(person.public_id))
    person.refresh_from_db()
    assert person.assurance_level == 3


def test_in_person_check_twice_is_a_conflict_and_unknown_person_404():
    person = PersonFactory(assurance_level=4)
    user = clerk()
    with pytest.raises(Conflict):
        accounts.record_in_person_check(clerk=user, person_public_id=str(person.public_id))
    with pytest.raises(NotFound):
        accounts.record_in_person_check(clerk=user, person_public_id="not-a-uuid")
    with pytest.raises(NotFound):
        accounts.find_person_for_check(
            clerk=user, document_type="resident_id", document_number=resident_id(444)
        )


# ---------------------------------------------------------------------------------------------
# Own profile
# ---------------------------------------------------------------------------------------------


def test_change_email_and_mobile_with_code():
    person = PersonFactory()
    accounts.send_mobile_change_code(person=person, mobile="13600000001")
    updated = accounts.update_profile(
        person=person, email="new@example.com", mobile="13600000001", code=sms_code("13600000001")
    )
    assert (updated.email, updated.mobile) == ("new@example.com", "13600000001")
    assert AuditEntry.objects.get(action="identity.update_profile").details == {"fields": ["email", "mobile"]}


def test_mobile_change_needs_the_right_code_and_a_free_number():
    person, other = PersonFactory(), PersonFactory()
    accounts.send_mobile_change_code(person=person, mobile="13600000002")
    with pytest.raises(ValidationFailed):
        accounts.update_profile(person=person, mobile="13600000002", code="")
    with pytest.raises(Conflict):
        accounts.send_mobile_change_code(person=person, mobile=other.mobile)
    with pytest.raises(Conflict):
        accounts.update_profile(person=person, mobile=other.mobile, code="123456")
    person.refresh_from_db()
    assert person.mobile != "13600000002"
    assert not AuditEntry.objects.filter(action="identity.update_profile").exists()


def test_register_code_purpose_is_not_accepted_for_mobile_change():
    person = PersonFactory()
    otp.issue_code(purpose="register", mobile="13600000003")
    with pytest.raises(ValidationFailed):
        accounts.update_profile(person=person, mobile="13600000003", code=sms_code("13600000003"))


# ---------------------------------------------------------------------------------------------
# register_enterprise
# ---------------------------------------------------------------------------------------------


def enterprise_record_for(person, **kwargs):
    return EnterpriseRecordFactory(
        legal_representative_name=person.name,
        legal_representative_index=document_index(person.document_type, person.document_number),
        **kwargs,
    )


def test_legal_representative_registers_the_enterprise():
    person = PersonFactory()
    record = enterprise_record_for(person, name="示例有限公司")
    enterprise = accounts.register_enterprise(person=person, credit_code=record.credit_code.lower())
    assert (enterprise.name, enterprise.credit_code, enterprise.legal_representative) == (
        "示例有限公司",
        record.credit_code,
        person,
    )
    assert AuditEntry.objects.get(action="identity.register_enterprise", result="success").actor == (
        f"user:{person.user.pk}"
    )


def test_someone_else_cannot_register_the_enterprise():
    rep, other = PersonFactory(), PersonFactory()
    record = enterprise_record_for(rep)
    with pytest.raises(ValidationFailed) as exc:
        accounts.register_enterprise(person=other, credit_code=record.credit_code)
    assert exc.value.code == "ENTERPRISE_NOT_VERIFIED"
    assert not Enterprise.objects.exists()


def test_enterprise_registration_needs_level_3_a_valid_code_and_once_only():
    low = PersonFactory(assurance_level=2)
    with pytest.raises(PermissionDenied):
        accounts.register_enterprise(person=low, credit_code=enterprise_record_for(low).credit_code)
    with pytest.raises(ValidationFailed) as exc:
        accounts.register_enterprise(person=PersonFactory(), credit_code="91330000XXXXXXXXXX")
    assert exc.value.code == "INVALID_CREDIT_CODE"
    rep = PersonFactory()
    record = enterprise_record_for(rep)
    accounts.register_enterprise(person=rep, credit_code=record.credit_code)
    with pytest.raises(Conflict):
        accounts.register_enterprise(person=rep, credit_code=record.credit_code)
    assert Enterprise.objects.count() == 1


def test_cancelled_enterprise_cannot_register():
    rep = PersonFactory()
    record = enterprise_record_for(rep, status="cancelled")
    with pytest.raises(ValidationFailed):
        accounts.register_enterprise(person=rep, credit_code=record.credit_code)
    assert not Enterprise.objects.exists()


def test_ward_without_login_can_later_open_an_account():
    from zwfw.identity import agents

    born = years_ago(15)
    guardian = PersonFactory()
    child = registry_person(20, born=born, guardian_index=guardian.document_index)
    link = agents.link_ward(
        guardian=guardian,
        ward_document_type=DocumentType.RESIDENT_ID,
        ward_document_number=child.document_number,
        ward_name=child.name,
    )
    assert link.ward.user is None
    person = register(child, "13800000020")
    assert person.pk == link.ward.pk
    assert person.user is not None
