"""Hostile-input tests: the licence fixtures (tests/licenses/conftest.py) and a small world (two holders,
a degree with a use grant, a 居住证)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone

from tests.identity.factories import PersonFactory
from tests.licenses.wallet_helpers import issue_degree, issue_residence, signed_in
from zwfw.licenses import services, showing


@pytest.fixture(autouse=True)
def _fresh_keys_and_limits():
    showing.reset_caches()
    cache.clear()
    yield
    showing.reset_caches()
    cache.clear()


@pytest.fixture
def world(seal, people, department, other_department):
    alice = PersonFactory(name="张晓明")
    bob = PersonFactory(name="李建华")
    degree = issue_degree(people, department, alice)
    residence = issue_residence(people, department, bob)
    grant = services.authorise_use(
        person=alice, license=degree, department=other_department, purpose="办理人才落户",
        valid_until=timezone.now() + dt.timedelta(days=7),
    )
    return {
        "alice": alice, "bob": bob, "degree": degree, "residence": residence, "grant": grant,
        "alice_client": signed_in(alice.user), "bob_client": signed_in(bob.user),
    }
