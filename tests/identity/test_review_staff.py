"""Review: a staff member's region lies within their department's region.

Before, only the province was compared: a department administrator of a city department could create
a window clerk (or approver) scoped to the whole province, beyond their own department's reach.
"""

from __future__ import annotations

import pytest

from tests.catalog.factories import DepartmentFactory
from tests.identity.factories import StaffFactory
from zwfw.core.errors import ValidationFailed
from zwfw.identity import staff as svc
from zwfw.identity.models import StaffMember, StaffRole

pytestmark = pytest.mark.django_db


def _create(actor, department, region):
    return svc.create_staff(
        actor=actor,
        username=f"clerk-{region}",
        name="新同事",
        password="correct horse battery staple",
        department=department,
        region_code=region,
        roles=[StaffRole.WINDOW_CLERK],
    )


@pytest.mark.parametrize("region", ["330000", "330200", "330206"])
def test_a_department_admin_cannot_scope_a_clerk_beyond_the_departments_region(region):
    # given the administrator of a city department
    dept = DepartmentFactory(region_code="330100")
    admin = StaffFactory(department=dept, region_code="330100")
    admin.role_grants.create(role=StaffRole.DEPARTMENT_ADMIN)
    before = StaffMember.objects.count()
    # when they create a clerk scoped to the province, or to another city or its county
    with pytest.raises(ValidationFailed) as refused:
        _create(admin.user, dept, region)
    # then it is refused and nobody is created
    assert refused.value.code == "REGION_MISMATCH"
    assert StaffMember.objects.count() == before


@pytest.mark.parametrize(
    ("dept_region", "region"), [("330100", "330100"), ("330100", "330106"), ("330000", "330200")]
)
def test_a_region_within_the_departments_is_accepted(dept_region, region):
    dept = DepartmentFactory(region_code=dept_region)
    admin = StaffFactory(department=dept, region_code=dept_region)
    admin.role_grants.create(role=StaffRole.DEPARTMENT_ADMIN)
    clerk = _create(admin.user, dept, region)
    assert svc.staff_scope(clerk.user).region_code == region
