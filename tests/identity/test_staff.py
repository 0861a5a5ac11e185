"""Staff: created by platform or department admins, 三员分立, roles, deactivation, scope helpers."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from tests.catalog.factories import DepartmentFactory
from tests.identity.factories import PersonFactory, StaffFactory
from zwfw.core.errors import Conflict, PermissionDenied, ValidationFailed
from zwfw.core.models import AuditEntry
from zwfw.identity import staff as svc
from zwfw.identity.models import StaffMember, StaffRole

pytestmark = pytest.mark.django_db

STRONG = "correct horse battery staple"


def member(*roles, **kwargs):
    s = StaffFactory(**kwargs)
    for role in roles:
        s.role_grants.create(role=role)
    return s


def create(actor, department, roles, username="clerk1", region="330100"):
    return svc.create_staff(
        actor=actor,
        username=username,
        name="新同事",
        password=STRONG,
        department=department,
        region_code=region,
        roles=roles,
        mobile="13711112222",
    )


def test_platform_admin_creates_staff_with_roles_audited():
    admin = member(StaffRole.PLATFORM_ADMIN)
    dept = DepartmentFactory(region_code="330100")
    s = create(admin.user, dept, [StaffRole.WINDOW_CLERK, StaffRole.APPROVER])
    assert s.user.is_staff
    assert s.user.check_password(STRONG)
    assert svc.roles_of(s.user) == {StaffRole.WINDOW_CLERK, StaffRole.APPROVER}
    assert svc.has_role(s.user, StaffRole.WINDOW_CLERK)
    assert not svc.has_role(s.user, StaffRole.PLATFORM_ADMIN)
    entry = AuditEntry.objects.get(action="identity.create_staff")
    assert entry.actor == f"user:{admin.user.pk}"


def test_superuser_counts_as_platform_admin():
    root = get_user_model().objects.create_superuser("root", password=STRONG)
    assert create(root, DepartmentFactory(region_code="330100"), [StaffRole.SYSTEM_ADMIN]).pk


@pytest.mark.parametrize(
    "roles",
    [
        [StaffRole.SYSTEM_ADMIN, StaffRole.SECURITY_ADMIN],
        [StaffRole.SECURITY_ADMIN, StaffRole.AUDIT_ADMIN],
        [StaffRole.SYSTEM_ADMIN, StaffRole.AUDIT_ADMIN, StaffRole.APPROVER],
    ],
)
def test_three_separate_admins_are_never_one_person(roles):
    admin = member(StaffRole.PLATFORM_ADMIN)
    users_before = get_user_model().objects.count()
    with pytest.raises(ValidationFailed) as exc:
        create(admin.user, DepartmentFactory(region_code="330100"), roles)
    assert exc.value.code == "SEPARATION_OF_DUTIES"
    assert get_user_model().objects.count() == users_before


def test_set_roles_keeps_separation_of_duties():
    admin = member(StaffRole.PLATFORM_ADMIN)
    s = member(StaffRole.SYSTEM_ADMIN)
    with pytest.raises(ValidationFailed):
        svc.set_roles(actor=admin.user, staff=s, roles=[StaffRole.SYSTEM_ADMIN, StaffRole.AUDIT_ADMIN])
    assert svc.roles_of(s.user) == {StaffRole.SYSTEM_ADMIN}
    svc.set_roles(actor=admin.user, staff=s, roles=[StaffRole.AUDIT_ADMIN])
    assert svc.roles_of(s.user) == {StaffRole.AUDIT_ADMIN}
    assert AuditEntry.objects.get(action="identity.set_staff_roles").details == {
        "before": ["system_admin"],
        "after": ["audit_admin"],
    }


def test_department_admin_manages_only_own_department_and_no_platform_roles():
    dept = DepartmentFactory(region_code="330100")
    dadmin = member(StaffRole.DEPARTMENT_ADMIN, department=dept)
    assert create(dadmin.user, dept, [StaffRole.WINDOW_CLERK]).department == dept
    with pytest.raises(PermissionDenied):
        create(dadmin.user, DepartmentFactory(region_code="330100"), [StaffRole.WINDOW_CLERK], username="x2")
    with pytest.raises(PermissionDenied):
        create(dadmin.user, dept, [StaffRole.PLATFORM_ADMIN], username="x3")
    with pytest.raises(PermissionDenied):
        create(dadmin.user, dept, [StaffRole.AUDIT_ADMIN], username="x4")
    assert StaffMember.objects.count() == 2


@pytest.mark.parametrize("who", ["citizen", "clerk", "anonymous"])
def test_others_cannot_create_staff(who):
    from django.contrib.auth.models import AnonymousUser

    actor = {
        "citizen": lambda: PersonFactory().user,
        "clerk": lambda: member(StaffRole.WINDOW_CLERK).user,
        "anonymous": AnonymousUser,
    }[who]()
    before = StaffMember.objects.count()
    with pytest.raises(PermissionDenied):
        create(actor, DepartmentFactory(region_code="330100"), [StaffRole.WINDOW_CLERK])
    assert StaffMember.objects.count() == before


def test_input_errors():
    admin = member(StaffRole.PLATFORM_ADMIN)
    dept = DepartmentFactory(region_code="330100")
    with pytest.raises(ValidationFailed, match="不存在的角色"):
        create(admin.user, dept, ["wizard"])
    with pytest.raises(ValidationFailed):
        create(admin.user, dept, [])
    with pytest.raises(ValidationFailed):
        create(
            admin.user, dept, [StaffRole.APPROVER], region="440100"
        )  # another province than the department
    with pytest.raises(ValidationFailed):
        svc.create_staff(
            actor=admin.user,
            username="weak",
            name="甲",
            password="password",
            department=dept,
            region_code="330100",
            roles=[StaffRole.APPROVER],
        )
    create(admin.user, dept, [StaffRole.APPROVER], username="taken")
    with pytest.raises(Conflict):
        create(admin.user, dept, [StaffRole.APPROVER], username="taken")


def test_deactivate_stops_the_roles_and_the_login():
    admin = member(StaffRole.PLATFORM_ADMIN)
    s = member(StaffRole.WINDOW_CLERK)
    svc.deactivate_staff(actor=admin.user, staff=s)
    s.refresh_from_db()
    s.user.refresh_from_db()
    assert not s.is_active
    assert not s.user.is_active
    assert not svc.has_role(s.user, StaffRole.WINDOW_CLERK)
    with pytest.raises(Conflict):
        svc.deactivate_staff(actor=admin.user, staff=s)
    with pytest.raises(PermissionDenied):
        svc.deactivate_staff(actor=admin.user, staff=admin)


def test_scope_by_department_and_region():
    dept, other = DepartmentFactory(region_code="330100"), DepartmentFactory(region_code="330100")
    clerk = member(StaffRole.WINDOW_CLERK, department=dept, region_code="330100")
    assert svc.in_scope(clerk.user, role=StaffRole.WINDOW_CLERK, department_id=dept.pk, region_code="330106")
    assert not svc.in_scope(clerk.user, role=StaffRole.WINDOW_CLERK, department_id=other.pk)
    assert not svc.in_scope(clerk.user, role=StaffRole.WINDOW_CLERK, region_code="330200")
    assert not svc.in_scope(clerk.user, role=StaffRole.APPROVER, department_id=dept.pk)
    province = member(StaffRole.SUPERVISOR, region_code="330000")
    assert svc.staff_scope(province.user).covers_region("330482")
    assert not svc.staff_scope(province.user).covers_region("310000")
    assert svc.in_scope(
        member(StaffRole.PLATFORM_ADMIN, StaffRole.APPROVER).user,
        role=StaffRole.APPROVER,
        region_code="110000",
    )
    assert svc.staff_scope(PersonFactory().user) is None


def test_staff_by_public_id_is_scoped():
    dept = DepartmentFactory(region_code="330100")
    dadmin = member(StaffRole.DEPARTMENT_ADMIN, department=dept)
    mine, theirs = member(StaffRole.APPROVER, department=dept), member(StaffRole.APPROVER)
    assert svc.staff_by_public_id(actor=dadmin.user, public_id=str(mine.public_id)) == mine
    from zwfw.core.errors import NotFound

    with pytest.raises(NotFound):
        svc.staff_by_public_id(actor=dadmin.user, public_id=str(theirs.public_id))
    with pytest.raises(NotFound):
        svc.staff_by_public_id(actor=mine.user, public_id=str(mine.public_id))
