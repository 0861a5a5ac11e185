"""NIST SP 800-63B §5.2.2: at most 100 consecutive failed attempts on one account.

After 100 counted failures since the last successful sign-in, password and TOTP are refused (the
generic locked message) until an SMS-code sign-in succeeds (citizens) or a platform or security
administrator unlocks the account (``authn.unlock_account``, audited).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.utils import timezone

from tests.identity.factories import PASSWORD, PersonFactory, StaffFactory
from zwfw.core.audit import AuditEntry
from zwfw.core.errors import PermissionDenied
from zwfw.identity import authn, throttle
from zwfw.identity.models import LoginAttempt, StaffRole
from zwfw.notifications.selectors import messages_to

pytestmark = pytest.mark.django_db


def _failures(n: int, *, user=None, index="idx", days_ago: int = 2) -> None:
    """``n`` wrong passwords long enough ago that the 15-minute lock is over."""
    with time_machine.travel(timezone.now() - dt.timedelta(days=days_ago), tick=False):
        LoginAttempt.objects.bulk_create(
            LoginAttempt(
                identifier_index=index,
                user=user,
                source_ip="198.51.100.7",
                method="pwd",
                succeeded=False,
                reason=throttle.BAD_PASSWORD,
            )
            for _ in range(n)
        )


def _last_code(mobile: str) -> str:
    return re.search(r"(\d{6})", messages_to(channel="sms", address=mobile)[0].body).group(1)


def _staff(*roles):
    member = StaffFactory()
    for role in roles:
        member.role_grants.create(role=role)
    return member


def test_ninety_nine_failures_still_let_the_right_password_in():
    # given a person with 99 failures since their last sign-in (none in the last 15 minutes)
    person = PersonFactory()
    _failures(99, user=person.user)
    # when the right password is given
    outcome = authn.password_sign_in(identifier=person.mobile, password=PASSWORD)
    # then the sign-in succeeds and starts the count again
    assert outcome.user == person.user
    assert throttle.consecutive_failures(user=person.user, identifier_index="") == 0


def test_the_hundredth_failure_refuses_password_and_is_audited_once():
    # given a person with 99 failures since their last sign-in
    person = PersonFactory()
    _failures(99, user=person.user)
    # when a 100th wrong password is given, then the right one
    with pytest.raises(authn.InvalidCredentials):
        authn.password_sign_in(identifier=person.mobile, password="not the password", source_ip="203.0.113.5")
    with pytest.raises(authn.SignInLocked) as exc:
        authn.password_sign_in(identifier=person.mobile, password=PASSWORD, source_ip="203.0.113.5")
    # then the right password is refused with the generic locked message, recorded and audited
    assert exc.value.message == "账号或密码错误次数过多，请稍后再试"
    last = LoginAttempt.objects.order_by("-id").first()
    assert (last.user, last.succeeded, last.reason) == (person.user, False, throttle.LOCKED_UNTIL_PROVEN)
    locks = AuditEntry.objects.filter(action=authn.ACCOUNT_LOCK)
    assert [(e.object_id, e.details["consecutive_failures"]) for e in locks] == [
        (f"user:{person.user.pk}", 100)
    ]
    # and the refusal itself is not counted (no second lock audit, still 100 failures)
    assert throttle.consecutive_failures(user=person.user, identifier_index="") == 100


def test_an_unknown_identifier_is_refused_alike_after_a_hundred_failures():
    # given 100 old failures for a number nobody registered
    index = authn.identifier_index("13912345678")
    _failures(100, index=index)
    # when a password is tried for it
    # then the answer is the locked one a real account gets
    with pytest.raises(authn.SignInLocked):
        authn.password_sign_in(identifier="13912345678", password=PASSWORD)


def test_a_citizen_ends_the_lock_with_an_sms_code_sign_in():
    # given a person locked after 100 failures
    person = PersonFactory()
    _failures(100, user=person.user)
    with pytest.raises(authn.SignInLocked):
        authn.password_sign_in(identifier=person.mobile, password=PASSWORD)
    # when they sign in with a code sent to their own mobile
    authn.request_login_code(mobile=person.mobile)
    outcome = authn.code_sign_in(mobile=person.mobile, code=_last_code(person.mobile))
    # then that sign-in succeeds and the password works again
    assert outcome.methods == ["sms"]
    assert authn.password_sign_in(identifier=person.mobile, password=PASSWORD).user == person.user


def test_staff_totp_and_password_stay_refused_until_a_security_admin_unlocks():
    # given a staff member locked after 100 failures, a window clerk and a security administrator
    staff = _staff(StaffRole.APPROVER)
    _failures(100, user=staff.user)
    clerk = _staff(StaffRole.WINDOW_CLERK)
    admin = _staff(StaffRole.SECURITY_ADMIN)
    with pytest.raises(authn.SignInLocked):
        authn.password_sign_in(identifier=staff.user.username, password=PASSWORD)
    with pytest.raises(authn.SignInLocked):  # a TOTP code (second factor or step-up) is refused too
        authn.refuse_if_throttled(
            user=staff.user, index=f"user:{staff.user.pk}", method="otp", source_ip=None
        )
    attempts, audits = LoginAttempt.objects.count(), AuditEntry.objects.count()
    # when the clerk tries to unlock, and the staff member tries to unlock themself
    with pytest.raises(PermissionDenied) as denied:
        authn.unlock_account(actor=clerk.user, user=staff.user)
    assert denied.value.code == "NOT_SECURITY_ADMIN"
    # then nothing changed
    assert (LoginAttempt.objects.count(), AuditEntry.objects.count()) == (attempts, audits)
    # when the security administrator unlocks
    authn.unlock_account(actor=admin.user, user=staff.user, source_ip="10.0.0.9")
    # then it is audited and the password leads to the second factor again
    entry = AuditEntry.objects.get(action=authn.ACCOUNT_UNLOCK)
    assert (entry.actor, entry.object_id, entry.details) == (
        f"user:{admin.user.pk}",
        f"user:{staff.user.pk}",
        {"consecutive_failures": 100},
    )
    outcome = authn.password_sign_in(identifier=staff.user.username, password=PASSWORD)
    assert outcome.needs_second_factor


def test_an_administrator_cannot_unlock_their_own_account():
    # given a locked platform administrator
    admin = _staff(StaffRole.PLATFORM_ADMIN)
    _failures(100, user=admin.user)
    # when they unlock themself
    with pytest.raises(PermissionDenied) as denied:
        authn.unlock_account(actor=admin.user, user=admin.user)
    # then it is refused and nothing is recorded
    assert denied.value.code == "CANNOT_UNLOCK_SELF"
    assert not LoginAttempt.objects.filter(method="unlock").exists()
    assert not AuditEntry.objects.filter(action=authn.ACCOUNT_UNLOCK).exists()


def test_the_checks_before_a_password_cost_three_queries_whatever_the_history(django_assert_num_queries):
    # given a person with a long history of failures and successes
    person = PersonFactory()
    _failures(150, user=person.user, days_ago=3)
    with time_machine.travel(timezone.now() - dt.timedelta(days=2), tick=False):
        LoginAttempt.objects.create(
            identifier_index="i", user=person.user, method="pwd", succeeded=True, reason="", source_ip=None
        )
    _failures(40, user=person.user, days_ago=1)
    # when the throttle is checked before a password (address block, last success, failures since)
    # then it costs the three indexed queries it cost before the 100-failure rule
    with django_assert_num_queries(3):
        authn.refuse_if_throttled(
            user=person.user, index=f"user:{person.user.pk}", method="pwd", source_ip="203.0.113.5"
        )
    assert throttle.consecutive_failures(user=person.user, identifier_index="") == 40
