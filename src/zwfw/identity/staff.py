"""工作人员: accounts bound to a department and a region, with roles; scope helpers for other modules.

Who may manage staff: a platform administrator (any department, any role) or a department
administrator (only staff of their own department, and none of the platform-wide roles).
三员分立 (GB/T 22239-2019 等级保护 8.1.4.2 安全管理员/系统管理员/审计管理员 roles separated): one person
never holds more than one of the system, security and audit administrator roles.
Staff always sign in with a second factor (enforced at sign-in, ``zwfw.identity.authn``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from zwfw.catalog.models import Department
from zwfw.core import audit
from zwfw.core.codes import validate_region_code
from zwfw.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from zwfw.core.lookups import PreparedRead
from zwfw.identity.accounts import check_password
from zwfw.identity.indexes import mobile_index
from zwfw.identity.models import StaffMember, StaffRole, StaffRoleGrant
from zwfw.notifications.services import normalise_mobile

SEPARATED_ADMIN_ROLES = frozenset({StaffRole.SYSTEM_ADMIN, StaffRole.SECURITY_ADMIN, StaffRole.AUDIT_ADMIN})
# Roles only a platform administrator hands out: they reach beyond one department.
PLATFORM_ONLY_ROLES = frozenset({StaffRole.PLATFORM_ADMIN, StaffRole.SUPERVISOR} | SEPARATED_ADMIN_ROLES)


@dataclass(frozen=True)
class StaffScope:
    """Where a staff member's roles apply: their department and their region (GB/T 2260)."""

    department_id: int | None
    region_code: str
    roles: frozenset[str]

    def covers_region(self, region_code: str) -> bool:
        """A province code (NN0000) covers its cities and counties, a city (NNNN00) its counties."""
        own = self.region_code
        if own.endswith("0000"):
            return region_code[:2] == own[:2]
        if own.endswith("00"):
            return region_code[:4] == own[:4]
        return region_code == own


def staff_of(user: Any) -> StaffMember | None:
    """The active staff member behind a user (None otherwise)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    try:
        staff = user.staff
    except StaffMember.DoesNotExist:
        return None
    return staff if staff.is_active else None


# every staff request asks for the roles: the statement compiled once per connection
_ROLES = PreparedRead(lambda staff: StaffRoleGrant.objects.filter(staff=staff).order_by().values_list("role"))


def roles_of(user: Any) -> frozenset[str]:
    """The roles of the user's staff member, read once per loaded staff row (a request loads the
    user, and so the staff row, afresh; the services granting or revoking a role drop the copy)."""
    staff = staff_of(user)
    if staff is None:
        return frozenset()
    roles = staff.__dict__.get("_roles")
    if roles is None:
        roles = staff.__dict__["_roles"] = frozenset(role for (role,) in _ROLES.rows(staff.pk))
    return roles


def forget_roles(staff: StaffMember) -> None:
    """Drop the roles ``roles_of`` keeps on a loaded staff row (after a grant or revocation)."""
    staff.__dict__.pop("_roles", None)


def has_role(user: Any, role: str) -> bool:
    """Does an active staff member hold ``role``?"""
    return role in roles_of(user)


def staff_scope(user: Any) -> StaffScope | None:
    staff = staff_of(user)
    if staff is None:
        return None
    return StaffScope(department_id=staff.department_id, region_code=staff.region_code, roles=roles_of(user))


def in_scope(
    user: Any, *, role: str, department_id: int | None = None, region_code: str | None = None
) -> bool:
    """Does ``user`` hold ``role`` for this department and region? Platform admins hold every scope."""
    scope = staff_scope(user)
    if scope is None or role not in scope.roles:
        return False
    if StaffRole.PLATFORM_ADMIN in scope.roles:
        return True
    if department_id is not None and scope.department_id != department_id:
        return False
    return not (region_code is not None and not scope.covers_region(region_code))


def is_platform_admin(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False) and user.is_active) or has_role(
        user, StaffRole.PLATFORM_ADMIN
    )


def _check_roles(roles: Iterable[str]) -> list[str]:
    chosen = sorted(set(roles))
    unknown = [r for r in chosen if r not in StaffRole.values]
    if unknown:
        raise ValidationFailed("INVALID_ROLE", f"不存在的角色：{unknown[0][:40]}", details={"field": "roles"})
    if not chosen:
        raise ValidationFailed("ROLES_REQUIRED", "请至少选择一个角色", details={"field": "roles"})
    if len(SEPARATED_ADMIN_ROLES.intersection(chosen)) > 1:
        raise ValidationFailed(
            "SEPARATION_OF_DUTIES",
            "系统管理员、安全管理员和安全审计员须由不同人员担任（三员分立）",
            details={"field": "roles"},
        )
    return chosen


def _authorise(actor: Any, department: Department | None, roles: list[str]) -> None:
    if is_platform_admin(actor):
        return
    actor_staff = staff_of(actor)
    if (
        actor_staff is None
        or not has_role(actor, StaffRole.DEPARTMENT_ADMIN)
        or department is None
        or actor_staff.department_id != department.pk
    ):
        raise PermissionDenied("STAFF_ADMIN_REQUIRED", "只有平台管理员或本部门管理员可以管理工作人员")
    if PLATFORM_ONLY_ROLES.intersection(roles):
        raise PermissionDenied("ROLE_NOT_GRANTABLE", "部门管理员不能授予平台级角色")


def create_staff(
    *,
    actor: Any,
    username: str,
    name: str,
    password: str,
    department: Department | None,
    region_code: str,
    roles: Iterable[str],
    mobile: str = "",
    source_ip: str | None = None,
) -> StaffMember:
    """Create a staff account bound to ``department`` and ``region_code`` with ``roles``."""
    chosen = _check_roles(roles)
    _authorise(actor, department, chosen)
    username = (username or "").strip()
    if not username or len(username) > 150:
        raise ValidationFailed(
            "INVALID_USERNAME", "请填写登录名（不超过150个字符）", details={"field": "username"}
        )
    name = " ".join((name or "").split())
    if not name:
        raise ValidationFailed("INVALID_NAME", "请填写姓名", details={"field": "name"})
    validate_region_code(region_code)
    # The staff member's region lies within the department's (a county department's staff are scoped
    # to that county): a wider one would reach further than the department, e.g. a city department's
    # clerk scoped to the whole province by a department administrator.
    if department is not None and not StaffScope(None, department.region_code, frozenset()).covers_region(
        region_code
    ):
        raise ValidationFailed(
            "REGION_MISMATCH", "所属区划与部门所在区划不一致", details={"field": "region_code"}
        )
    mobile = normalise_mobile(mobile) if mobile else ""
    user_model = get_user_model()
    if user_model.objects.filter(username=username).exists():
        raise Conflict("USERNAME_TAKEN", "该登录名已被使用", details={"field": "username"})
    check_password(password, user_model(username=username))
    try:
        with transaction.atomic():
            user = user_model(username=username, is_staff=True)
            user.set_password(password)
            user.save()
            staff = StaffMember.objects.create(
                user=user,
                name=name,
                department=department,
                region_code=region_code,
                mobile=mobile,
                mobile_index=mobile_index(mobile) if mobile else "",
            )
            StaffRoleGrant.objects.bulk_create([StaffRoleGrant(staff=staff, role=r) for r in chosen])
            audit.record(
                actor=f"user:{actor.pk}",
                action="identity.create_staff",
                object_type="staff",
                object_id=str(staff.public_id),
                source_ip=source_ip,
                details={
                    "roles": chosen,
                    "department": department.pk if department else None,
                    "region": region_code,
                },
            )
    except IntegrityError:
        raise Conflict("USERNAME_TAKEN", "该登录名已被使用", details={"field": "username"}) from None
    return staff


def set_roles(
    *, actor: Any, staff: StaffMember, roles: Iterable[str], source_ip: str | None = None
) -> StaffMember:
    """Replace a staff member's roles (the same rules as at creation; one cannot change one's own)."""
    chosen = _check_roles(roles)
    with transaction.atomic():
        # of=self: the department is nullable, and PostgreSQL refuses FOR UPDATE on an outer join's nullable side.
        locked = (
            StaffMember.objects.select_for_update(of=("self",)).select_related("department").get(pk=staff.pk)
        )
        before = sorted(locked.role_grants.values_list("role", flat=True))
        _authorise(actor, locked.department, sorted(set(chosen) | set(before)))
        if locked.user_id == actor.pk:
            raise PermissionDenied("OWN_ROLES", "不能修改自己的角色")
        locked.role_grants.exclude(role__in=chosen).delete()
        StaffRoleGrant.objects.bulk_create(
            [StaffRoleGrant(staff=locked, role=r) for r in chosen if r not in before]
        )
        audit.record(
            actor=f"user:{actor.pk}",
            action="identity.set_staff_roles",
            object_type="staff",
            object_id=str(locked.public_id),
            before={"roles": before},
            after={"roles": chosen},
            source_ip=source_ip,
            details={"before": before, "after": chosen},
        )
    forget_roles(staff)
    return locked


def deactivate_staff(*, actor: Any, staff: StaffMember, source_ip: str | None = None) -> StaffMember:
    """离岗: the account stops signing in at once (its user is deactivated too)."""
    with transaction.atomic():
        locked = (
            StaffMember.objects.select_for_update(of=("self",))  # (see set_roles)
            .select_related("department", "user")
            .get(pk=staff.pk)
        )
        roles = sorted(locked.role_grants.values_list("role", flat=True))
        _authorise(actor, locked.department, roles)
        if locked.user_id == actor.pk:
            raise PermissionDenied("OWN_ACCOUNT", "不能停用自己的账号")
        if not locked.is_active:
            raise Conflict("STAFF_INACTIVE", "该工作人员已停用")
        locked.is_active = False
        locked.save(update_fields=["is_active"])
        locked.user.is_active = False
        locked.user.save(update_fields=["is_active"])
        audit.record(
            actor=f"user:{actor.pk}",
            action="identity.deactivate_staff",
            object_type="staff",
            object_id=str(locked.public_id),
            source_ip=source_ip,
        )
    return locked


def staff_by_public_id(*, actor: Any, public_id: str) -> StaffMember:
    """A staff member the actor administers (platform admin: all; department admin: own department)."""
    import uuid

    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        raise NotFound("STAFF_NOT_FOUND", "未找到该工作人员") from None
    qs = StaffMember.objects.select_related("department", "user")
    if not is_platform_admin(actor):
        scope = staff_scope(actor)
        if scope is None or StaffRole.DEPARTMENT_ADMIN not in scope.roles:
            raise NotFound("STAFF_NOT_FOUND", "未找到该工作人员")
        if scope.department_id is None:
            raise NotFound("STAFF_NOT_FOUND", "未找到该工作人员")
        qs = qs.filter(department_id=scope.department_id)
    staff = qs.filter(public_id=key).first()
    if staff is None:
        raise NotFound("STAFF_NOT_FOUND", "未找到该工作人员")
    return staff
