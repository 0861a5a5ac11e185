"""The operators' way to reach authn.unlock_account: zwfw manage identity_unlock."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.identity.factories import PersonFactory, StaffFactory
from zwfw.core.models import AuditEntry
from zwfw.identity.models import LoginAttempt, StaffRole

pytestmark = pytest.mark.django_db


def _admin(role=StaffRole.SECURITY_ADMIN):
    staff = StaffFactory()
    staff.role_grants.create(role=role)
    return staff


def test_a_security_admin_unlocks_a_staff_account_by_username():
    admin, clerk = _admin(), StaffFactory()
    out = StringIO()
    call_command("identity_unlock", clerk.user.username, "--by", admin.user.username, stdout=out)
    assert "已解除" in out.getvalue()
    assert LoginAttempt.objects.filter(user=clerk.user, method="unlock", succeeded=True).count() == 1
    assert (
        AuditEntry.objects.filter(action="identity.account_unlock", actor=f"user:{admin.user.pk}").count()
        == 1
    )


def test_a_citizen_is_found_by_mobile():
    admin, person = _admin(StaffRole.PLATFORM_ADMIN), PersonFactory()
    call_command("identity_unlock", person.mobile, "--by", admin.user.username, stdout=StringIO())
    assert LoginAttempt.objects.filter(user=person.user, method="unlock").exists()


@pytest.mark.parametrize(
    ("account", "by", "message"),
    [("nobody", "admin", "管理员账号"), ("13900000000", None, "未找到该账号"), ("12", None, "未找到该账号")],
)
def test_unknown_accounts_and_admins_are_refused_and_change_nothing(account, by, message):
    admin = _admin()
    with pytest.raises(CommandError, match=message):
        call_command("identity_unlock", account, "--by", by or admin.user.username, stdout=StringIO())
    assert not LoginAttempt.objects.filter(method="unlock").exists()


def test_someone_without_the_role_cannot_unlock():
    clerk, other = StaffFactory(), StaffFactory()
    with pytest.raises(CommandError, match="只有平台管理员或安全管理员"):
        call_command("identity_unlock", other.user.username, "--by", clerk.user.username, stdout=StringIO())
    assert not LoginAttempt.objects.filter(method="unlock").exists()
