"""Probe fixtures: reuse the case tests' fixtures."""

from tests.cases.conftest import (  # noqa: F401
    applicant,
    department,
    enterprise,
    item,
    other_department,
    staff,
    stranger,
)
from tests.cases.test_bundles import newborn  # noqa: F401
