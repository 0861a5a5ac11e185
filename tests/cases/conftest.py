"""Fixtures of the case tests: an item of a department, its staff, applicants and an enterprise."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.catalog.factories import DepartmentFactory, ImplementationItemFactory
from tests.identity.factories import EnterpriseFactory, PersonFactory, StaffFactory
from zwfw.cases.models import Case, CaseEvent, CaseStep, ClockEntry, CorrectionNotice, Decision
from zwfw.core.models import AuditEntry
from zwfw.identity.models import AgentGrant, StaffRole

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def at(day: str, hour: int = 10) -> dt.datetime:
    """An aware datetime on a Shanghai calendar day."""
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=SHANGHAI)


def member(department, *roles, region_code="330100"):
    staff = StaffFactory(department=department, region_code=region_code)
    for role in roles:
        staff.role_grants.create(role=role)
    return staff


@pytest.fixture
def department(db):
    return DepartmentFactory(name="杭州市市场监督管理局", region_code="330100")


@pytest.fixture
def other_department(db):
    return DepartmentFactory(name="杭州市民政局", region_code="330100")


@pytest.fixture
def item(department):
    return ImplementationItemFactory(
        department=department, region_code="330100", legal_limit_days=20, promised_limit_days=5,
        handling_type="promised", code=f"{department.credit_code}0000000000001",
    )


@pytest.fixture
def staff(department, other_department):
    return {
        "clerk": member(department, StaffRole.WINDOW_CLERK),
        "approver": member(department, StaffRole.APPROVER),
        "head": member(department, StaffRole.DEPARTMENT_ADMIN),
        "other_clerk": member(other_department, StaffRole.WINDOW_CLERK),
        "other_approver": member(other_department, StaffRole.APPROVER),
        "other_head": member(other_department, StaffRole.DEPARTMENT_ADMIN),
        "supervisor": member(None, StaffRole.SUPERVISOR, region_code="330000"),
        "hotline": member(None, StaffRole.HOTLINE_AGENT),
    }


@pytest.fixture
def applicant(db):
    return PersonFactory(name="张三")


@pytest.fixture
def stranger(db):
    return PersonFactory(name="李四")


@pytest.fixture
def enterprise(db):
    return EnterpriseFactory(name="杭州示例科技有限公司")


def grant(enterprise, agent, *, all_items=True, item_codes=(), days=30):
    return AgentGrant.objects.create(
        enterprise=enterprise, agent=agent, all_items=all_items, item_codes=list(item_codes),
        valid_until=timezone.now() + dt.timedelta(days=days), granted_by=enterprise.legal_representative,
    )


def snapshot() -> dict[str, object]:
    """Everything a failed call must leave unchanged."""
    return {
        "cases": sorted(Case.objects.values_list("pk", "status", "number", "form_data", "updated_at")),
        "steps": sorted(CaseStep.objects.values_list("pk", "status", "opinion")),
        "clock": ClockEntry.objects.count(),
        "notices": CorrectionNotice.objects.count(),
        "decisions": Decision.objects.count(),
        "events": CaseEvent.objects.count(),
        "audit": AuditEntry.objects.count(),
    }
