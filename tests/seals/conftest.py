"""Fixtures of the seal tests: the node's PKI, a department with its staff, a made seal."""

from __future__ import annotations

import datetime as dt
import functools

import pytest
from django.test import Client
from django.utils import timezone

from tests.catalog.factories import DepartmentFactory
from tests.identity.factories import StaffFactory
from zwfw.identity.models import StaffRole
from zwfw.seals import pki, services, verification
from zwfw.seals.documents import render_notice_pdf


@pytest.fixture(autouse=True)
def _fresh_trust_anchors():
    """Each test database has its own PKI: forget the anchors the previous test's verifier held."""
    verification.reset_caches()
    yield
    verification.reset_caches()


def member(*roles, **kwargs):
    staff = StaffFactory(**kwargs)
    for role in roles:
        staff.role_grants.create(role=role)
    return staff


@pytest.fixture
def node_pki(db):
    return pki.pki_init()


@pytest.fixture
def department(db):
    return DepartmentFactory(name="杭州市市场监督管理局", region_code="330100")


@pytest.fixture
def other_department(db):
    return DepartmentFactory(name="杭州市民政局", region_code="330100")


@pytest.fixture
def people(db, department, other_department):
    """Staff: two platform admins (requests need a second one to review), a department admin and an
    approver of ``department``, and an approver of ``other_department``."""
    return {
        "platform": member(StaffRole.PLATFORM_ADMIN, department=None, region_code="330000"),
        "platform2": member(StaffRole.PLATFORM_ADMIN, department=None, region_code="330000"),
        "dept_admin": member(StaffRole.DEPARTMENT_ADMIN, department=department),
        "approver": member(StaffRole.APPROVER, department=department),
        "clerk": member(StaffRole.WINDOW_CLERK, department=department),
        "other_approver": member(StaffRole.APPROVER, department=other_department),
        "other_admin": member(StaffRole.DEPARTMENT_ADMIN, department=other_department),
    }


def make_seal(people, department, *, kind="special", owner_name=None, purpose="行政审批专用章", years=3):
    request = services.request_seal(
        actor=people["dept_admin"].user if department == people["dept_admin"].department else people["platform"].user,
        department=department,
        kind=kind,
        owner_name=owner_name or department.name,
        purpose=purpose if kind == "special" else "",
        valid_to=timezone.now() + dt.timedelta(days=365 * years),
        reason="开展网上审批",
    )
    services.review_request(actor=people["platform2"].user, request=request, approve=True, comment="同意")
    return services.make_seal(actor=people["platform"].user, request=request)


@pytest.fixture
def seal(node_pki, people, department):
    made = make_seal(people, department)
    services.set_use_roles(actor=people["dept_admin"].user, seal=made, roles=["approver"])
    return made


@pytest.fixture
def other_seal(node_pki, people, other_department):
    made = make_seal(people, other_department)
    services.set_use_roles(actor=people["other_admin"].user, seal=made, roles=["approver"])
    return made


@pytest.fixture
def world(seal, other_seal, people, department, other_department):
    """``seal`` (department, approvers may use it), ``other_seal`` (other department), a pending
    request and an approved one of ``department`` (both filed by its department admin)."""
    pending = services.request_seal(
        actor=people["dept_admin"].user, department=department, kind="official", owner_name=department.name,
        valid_to=timezone.now() + dt.timedelta(days=365), reason="新设综合窗口",
    )
    approved = services.request_seal(
        actor=people["dept_admin"].user, department=department, kind="special", owner_name=department.name,
        purpose="合同专用章", valid_to=timezone.now() + dt.timedelta(days=365), reason="签订合同",
    )
    services.review_request(actor=people["platform2"].user, request=approved, approve=True, comment="同意")
    return {
        "seal": seal,
        "other_seal": other_seal,
        "pending": pending,
        "approved": approved,
        "people": people,
        "department": department,
        "other_department": other_department,
    }


def signed_in(staff) -> Client:
    client = Client()
    client.force_login(staff.user)
    return client


@functools.cache
def sample_pdf(title: str = "准予行政许可决定书") -> bytes:
    """A small A4 notice with Chinese text (embedded CJK font), as a department's system would make it.
    Made once per title and process: embedding the CJK font takes about a second, the bytes never change."""
    return render_notice_pdf(
        title=title,
        paragraphs=["经审查，你单位提交的申请材料齐全、符合法定形式，根据《中华人民共和国行政许可法》第三十八条，决定准予行政许可。"],
        issuer="杭州市市场监督管理局",
        issued_on=dt.date(2026, 12, 1),
    )
