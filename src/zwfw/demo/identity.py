"""Demo identity data: fictional population and enterprise registries, demo citizens, an enterprise
with an agent, a guardian with a ward, and staff of every role.

Every person, number and enterprise here is invented; ID numbers and credit codes carry valid check
characters (GB 11643, GB 32100) so they pass the same validation as real ones. ``seed_identity_demo``
is idempotent: a second run creates nothing and returns the same logins.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from zwfw.catalog.models import Department
from zwfw.core.codes import credit_code_check_char, org_code_check_char, resident_id_check_char
from zwfw.identity.accounts import new_username
from zwfw.identity.agents import grant_agent, link_ward
from zwfw.identity.indexes import document_index, mobile_index
from zwfw.identity.models import (
    AgentGrant,
    AssuranceEvent,
    AssuranceLevel,
    AssuranceMethod,
    DocumentType,
    Enterprise,
    EnterpriseKind,
    Guardianship,
    Person,
    StaffMember,
    StaffRole,
)
from zwfw.identity.registries import load_enterprise_records, load_population_records
from zwfw.identity.staff import create_staff

DEMO_PASSWORD = "Zwfw-Demo-2026"
STAFF_PASSWORD = "Zwfw-Staff-2026"


def demo_resident_id(region: str, born: dt.date, sequence: int) -> str:
    """A valid GB 11643 number: region, birth date, 3-digit sequence (odd: male), check character."""
    first17 = f"{region}{born:%Y%m%d}{sequence:03d}"
    return first17 + resident_id_check_char(first17)


def demo_credit_code(region: str, n: int, *, prefix: str = "91") -> str:
    """A valid GB 32100 code: ``91`` (市场监管/企业) + region + a GB 11714 organisation code."""
    org8 = f"MA{n:06d}"
    first17 = f"{prefix}{region}{org8}{org_code_check_char(org8)}"
    return first17 + credit_code_check_char(first17)


def _person(
    name: str, region: str, born: tuple[int, int, int], seq: int, valid_until: str = "", guardian: str = ""
):
    return {
        "name": name,
        "document_type": DocumentType.RESIDENT_ID,
        "document_number": demo_resident_id(region, dt.date(*born), seq),
        "valid_until": valid_until,
        "guardian_document_number": guardian,
    }


# 人口库 (fictional). valid_until empty = 长期 (issued to people over 46, 居民身份证法 第5条).
_ADULTS = [
    _person("张晓明", "330106", (1988, 3, 12), 11, "2034-05-20"),
    _person("李华", "330102", (1992, 7, 1), 22, "2031-09-01"),
    _person("王建国", "330105", (1970, 10, 8), 33, ""),
    _person("赵敏", "330108", (1995, 12, 24), 44, "2033-01-15"),
    _person("陈静", "330104", (1985, 5, 5), 62, "2030-06-30"),
    _person("刘洋", "330110", (1990, 2, 28), 71, "2035-03-03"),
    _person("孙丽", "330106", (1978, 8, 18), 82, ""),
    _person("周杰", "330103", (1999, 11, 11), 91, "2029-11-11"),
    _person("吴芳", "330109", (1982, 4, 9), 102, "2032-04-09"),
    _person("郑强", "330102", (1965, 1, 30), 111, ""),
    _person("冯雪", "330105", (2001, 6, 6), 122, "2031-06-06"),
    _person("何涛", "330106", (1993, 9, 9), 131, "2033-09-09"),
    _person("许婷", "330108", (1987, 12, 1), 142, "2027-12-01"),
    _person("马超", "330110", (1975, 3, 3), 151, ""),
    _person("朱琳", "330104", (1996, 10, 10), 162, "2036-10-10"),
    _person("胡斌", "330103", (1980, 7, 7), 171, "2030-07-07"),
    _person("郭颖", "330109", (1991, 1, 1), 182, "2031-01-01"),
    _person("林峰", "330102", (1968, 2, 2), 191, ""),
    _person("欧阳娜娜", "330105", (1997, 5, 20), 202, "2037-05-20"),
    _person("黄磊", "330106", (1983, 8, 8), 211, "2028-08-08"),
]
_ZHANG = _ADULTS[0]["document_number"]
_CHEN = _ADULTS[4]["document_number"]
_MINORS = [
    _person("张小雨", "330106", (2016, 4, 1), 12, "2031-04-01", guardian=_ZHANG),
    _person("张小川", "330106", (2019, 9, 15), 21, "2029-09-15", guardian=_ZHANG),
    _person("陈可可", "330104", (2012, 2, 14), 32, "2027-02-14", guardian=_CHEN),
    _person("陈乐乐", "330104", (2010, 10, 1), 41, "2030-10-01", guardian=_CHEN),
]
POPULATION = _ADULTS + _MINORS

_WANG = _ADULTS[2]
ENTERPRISES = [
    {
        "credit_code": demo_credit_code("330106", 1),
        "name": "杭州示例科技有限公司",
        "kind": EnterpriseKind.ENTERPRISE,
        "legal_rep_name": _WANG["name"],
        "legal_rep_document_number": _WANG["document_number"],
        "established_on": "2015-06-01",
    },
    {
        "credit_code": demo_credit_code("330102", 2),
        "name": "杭州湖滨餐饮管理有限公司",
        "kind": EnterpriseKind.ENTERPRISE,
        "legal_rep_name": _ADULTS[6]["name"],
        "legal_rep_document_number": _ADULTS[6]["document_number"],
        "established_on": "2018-03-15",
    },
    {
        "credit_code": demo_credit_code("330105", 3, prefix="92"),
        "name": "杭州市拱墅区陈记小吃店",
        "kind": EnterpriseKind.INDIVIDUAL_BUSINESS,
        "legal_rep_name": _ADULTS[4]["name"],
        "legal_rep_document_number": _CHEN,
        "established_on": "2020-08-08",
    },
    {
        "credit_code": demo_credit_code("330108", 4),
        "name": "浙江滨江智造股份有限公司",
        "kind": EnterpriseKind.ENTERPRISE,
        "legal_rep_name": _ADULTS[9]["name"],
        "legal_rep_document_number": _ADULTS[9]["document_number"],
        "established_on": "2009-11-20",
    },
]

# Demo people with accounts: (population row, mobile, level).
CITIZENS = [
    (_ADULTS[0], "13900000001", AssuranceLevel.REGISTRY_MATCHED, "市民（三级，监护人）"),
    (_ADULTS[1], "13900000002", AssuranceLevel.REAL_PERSON, "市民（四级）"),
    (_WANG, "13900000003", AssuranceLevel.REGISTRY_MATCHED, "法定代表人"),
    (_ADULTS[3], "13900000004", AssuranceLevel.REGISTRY_MATCHED, "经办人"),
]

# Staff: one per role; department by credit code of the demo catalogue (zwfw.demo.catalog_data).
STAFF = [
    ("window", "窗口受理员", StaffRole.WINDOW_CLERK, "11330100K33010040X", "330100", "13700000001"),
    ("approver", "审批员", StaffRole.APPROVER, "11330100K33010040X", "330100", "13700000002"),
    ("deptadmin", "部门管理员", StaffRole.DEPARTMENT_ADMIN, "11330100K33010040X", "330100", "13700000003"),
    ("hotline", "话务员", StaffRole.HOTLINE_AGENT, "11330100K33010067M", "330100", "13700000004"),
    ("supervisor", "效能监督员", StaffRole.SUPERVISOR, "11330000K330010219", "330000", "13700000005"),
    ("platform", "平台管理员", StaffRole.PLATFORM_ADMIN, "11330000K330010219", "330000", "13700000006"),
    ("sysadmin", "系统管理员", StaffRole.SYSTEM_ADMIN, "11330000K330010219", "330000", "13700000007"),
    ("secadmin", "安全管理员", StaffRole.SECURITY_ADMIN, "11330000K330010219", "330000", "13700000008"),
    ("auditadmin", "安全审计员", StaffRole.AUDIT_ADMIN, "11330000K330010219", "330000", "13700000009"),
]


def seed_registries() -> dict[str, dict[str, int]]:
    return {
        "population": load_population_records(POPULATION),
        "enterprise": load_enterprise_records(ENTERPRISES),
    }


def _ensure_person(row: dict[str, Any], mobile: str, level: int) -> Person:
    index = document_index(row["document_type"], row["document_number"])
    person = Person.objects.filter(document_index=index).first()
    if person is not None:
        return person
    user = get_user_model()(username=new_username())
    user.set_password(DEMO_PASSWORD)
    user.save()
    born = dt.date(
        int(row["document_number"][6:10]),
        int(row["document_number"][10:12]),
        int(row["document_number"][12:14]),
    )
    person = Person.objects.create(
        user=user,
        document_type=row["document_type"],
        document_number=row["document_number"],
        document_index=index,
        name=row["name"],
        birth_date=born,
        mobile=mobile,
        mobile_index=mobile_index(mobile),
        assurance_level=level,
    )
    AssuranceEvent.objects.create(person=person, level=2, method=AssuranceMethod.FORMAT, note="演示数据")
    AssuranceEvent.objects.create(
        person=person, level=3, method=AssuranceMethod.REGISTRY, note="演示数据：人口库比对"
    )
    if level >= AssuranceLevel.REAL_PERSON:
        AssuranceEvent.objects.create(
            person=person, level=4, method=AssuranceMethod.WINDOW_IN_PERSON, note="演示数据：窗口现场核验"
        )
    return person


def _bootstrap_platform_admin(department: Department | None) -> StaffMember:
    """The first platform administrator is created directly (nobody exists yet to create them)."""
    staff = StaffMember.objects.filter(user__username="platform").first()
    if staff is not None:
        return staff
    user = get_user_model()(username="platform", is_staff=True)
    user.set_password(STAFF_PASSWORD)
    user.save()
    staff = StaffMember.objects.create(
        user=user,
        name="平台管理员",
        department=department,
        region_code="330000",
        mobile="13700000006",
        mobile_index=mobile_index("13700000006"),
    )
    staff.role_grants.create(role=StaffRole.PLATFORM_ADMIN)
    return staff


@transaction.atomic
def seed_identity_demo() -> list[dict[str, str]]:
    """Registries, citizens, an enterprise with an agent, a ward, staff of every role; returns logins."""
    seed_registries()
    logins: list[dict[str, str]] = []
    people = {}
    for row, mobile, level, role in CITIZENS:
        people[row["name"]] = _ensure_person(row, mobile, level)
        logins.append({"role": role, "login": mobile, "password": DEMO_PASSWORD, "name": row["name"]})

    wang, zhao, zhang = people["王建国"], people["赵敏"], people["张晓明"]
    company = ENTERPRISES[0]
    enterprise = Enterprise.objects.filter(credit_code=company["credit_code"]).first()
    if enterprise is None:
        enterprise = Enterprise.objects.create(
            credit_code=company["credit_code"],
            name=company["name"],
            kind=company["kind"],
            legal_representative=wang,
        )
    if not AgentGrant.objects.filter(
        enterprise=enterprise, agent=zhao, revoked_at__isnull=True, valid_until__gt=timezone.now()
    ).exists():
        grant_agent(
            actor=wang,
            enterprise=enterprise,
            agent_document_type=DocumentType.RESIDENT_ID,
            agent_document_number=zhao.document_number,
            agent_name=zhao.name,
            all_items=True,
            valid_until=timezone.localdate() + dt.timedelta(days=365),
        )
    ward = _MINORS[0]
    if not Guardianship.objects.filter(
        guardian=zhang,
        ward__document_index=document_index(DocumentType.RESIDENT_ID, ward["document_number"]),
        ended_at__isnull=True,
    ).exists():
        link_ward(
            guardian=zhang,
            ward_document_type=DocumentType.RESIDENT_ID,
            ward_document_number=ward["document_number"],
            ward_name=ward["name"],
        )

    departments = {d.credit_code: d for d in Department.objects.filter(credit_code__in={s[3] for s in STAFF})}
    admin = _bootstrap_platform_admin(departments.get("11330000K330010219"))
    for username, name, role, dept_code, region, mobile in STAFF:
        if not StaffMember.objects.filter(user__username=username).exists():
            create_staff(
                actor=admin.user,
                username=username,
                name=name,
                password=STAFF_PASSWORD,
                department=departments.get(dept_code),
                region_code=region,
                roles=[role],
                mobile=mobile,
            )
        logins.append(
            {
                "role": f"工作人员：{role.label}",
                "login": username,
                "password": STAFF_PASSWORD,
                "name": name,
                "mobile": mobile,
            }
        )
    return logins
