"""Licence tests reuse the seal fixtures: a PKI, a department with staff and an active seal."""

import pytest

from tests.seals.conftest import (  # noqa: F401  (fixtures)
    _fresh_trust_anchors,
    department,
    node_pki,
    other_department,
    other_seal,
    people,
    seal,
)
from zwfw.licenses import catalogue

REAL_LICENSE_TYPES = catalogue.LICENSE_TYPES
# the kinds of the ``department`` (杭州市市场监督管理局) and ``other_department`` (杭州市民政局) fixtures
TEST_ISSUER_KINDS = ["市场监督管理部门", "民政部门"]


@pytest.fixture(autouse=True)
def _test_departments_issue_every_type(monkeypatch):
    """In the licence tests' world the two departments issue every common type, so that each test need
    not make a department of each kind: the types these tests load (``ensure_license_types``) name
    their kinds among their issuers. ``real_catalogue`` undoes this for the tests of which kinds of
    department issue a type."""
    widened = [row | {"issuers": [*row["issuers"], *TEST_ISSUER_KINDS]} for row in REAL_LICENSE_TYPES]
    monkeypatch.setattr(catalogue, "LICENSE_TYPES", widened)


@pytest.fixture
def real_catalogue(monkeypatch):
    """The catalogue's own issuing department kinds (request it before any type is loaded)."""
    monkeypatch.setattr(catalogue, "LICENSE_TYPES", REAL_LICENSE_TYPES)
