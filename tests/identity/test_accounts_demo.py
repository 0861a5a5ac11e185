"""The demo identity seed: registries with valid numbers, citizens, an enterprise with an agent, a ward,
staff of every role; idempotent."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from tests.catalog.factories import DepartmentFactory
from zwfw.core.codes import is_valid_credit_code
from zwfw.demo import identity as demo
from zwfw.identity import agents
from zwfw.identity.documents import validate_document
from zwfw.identity.indexes import mobile_index
from zwfw.identity.models import (
    AgentGrant,
    EnterpriseRecord,
    Guardianship,
    Person,
    PopulationRecord,
    StaffMember,
    StaffRole,
)
from zwfw.identity.staff import roles_of

pytestmark = pytest.mark.django_db


def test_demo_registry_rows_are_valid():
    assert len(demo.POPULATION) >= 20
    for row in demo.POPULATION:
        validate_document(row["document_type"], row["document_number"])
    assert sum(1 for row in demo.POPULATION if row["guardian_document_number"]) >= 2
    assert all(is_valid_credit_code(e["credit_code"]) for e in demo.ENTERPRISES)


def test_seed_identity_demo_is_complete_and_idempotent(settings):
    # fourteen accounts: a fast hasher keeps this test quick (Argon2id is covered by the authn tests)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    for code, region in (
        ("11330100K33010040X", "330100"),
        ("11330100K33010067M", "330100"),
        ("11330000K330010219", "330000"),
    ):
        DepartmentFactory(credit_code=code, region_code=region)
    logins = demo.seed_identity_demo()
    counts = (
        Person.objects.count(),
        StaffMember.objects.count(),
        AgentGrant.objects.count(),
        Guardianship.objects.count(),
    )
    assert PopulationRecord.objects.count() == len(demo.POPULATION)
    assert EnterpriseRecord.objects.count() == len(demo.ENTERPRISES)
    # every role has a staff member, bound to a department
    staff_roles = set()
    for staff in StaffMember.objects.all():
        assert staff.department is not None
        staff_roles |= roles_of(staff.user)
    assert staff_roles == set(StaffRole.values)
    # the printed logins work
    user_model = get_user_model()
    for login in logins:
        if login["login"].isdigit():
            person = Person.objects.get(mobile_index=mobile_index(login["login"]))
            assert person.user.check_password(login["password"])
        else:
            assert user_model.objects.get(username=login["login"]).check_password(login["password"])
    levels = sorted(Person.objects.filter(user__isnull=False).values_list("assurance_level", flat=True))
    assert 4 in levels
    assert 3 in levels
    agent = Person.objects.get(name="赵敏")
    assert [p.kind for p in agents.principals_of(agent)] == ["self", "enterprise"]
    guardian = Person.objects.get(name="张晓明")
    assert [p.kind for p in agents.principals_of(guardian)] == ["self", "ward"]
    # a second run changes nothing
    assert demo.seed_identity_demo() == logins
    assert counts == (
        Person.objects.count(),
        StaffMember.objects.count(),
        AgentGrant.objects.count(),
        Guardianship.objects.count(),
    )
