"""Property-based check of the catalogue API against its own OpenAPI document (schemathesis over WSGI):
whatever a client sends, the answer is never a 5xx and always matches the documented schema."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings

from tests.catalog.factories import (
    DepartmentFactory,
    HandlingItemFactory,
    ImplementationItemFactory,
    MaterialFactory,
    TopicFactory,
)
from tests.openapi_fuzz import api_schema

schema = api_schema("/api/v1/catalog/")


@pytest.fixture
def seeded_catalog(db, wsgi_keeps_the_test_connection):
    """Given a small published catalogue: two departments, two topics, three items with materials."""
    topic = TopicFactory(code="birth", name="生育收养")
    TopicFactory(code="company", name="开办企业", enterprise=True)
    department = DepartmentFactory()
    DepartmentFactory()
    item = ImplementationItemFactory(department=department, fully_online=True)
    item.topics.add(topic)
    ImplementationItemFactory(department=department, charged=True)
    ImplementationItemFactory(draft=True)
    HandlingItemFactory(item=item)
    MaterialFactory(item=item, conditional=True)
    MaterialFactory(item=item, e_license=True)
    return item


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_catalog_api_never_fails_and_matches_its_schema(case, seeded_catalog):
    # When any generated request is sent, then the answer is not a 5xx and conforms to the document.
    case.call_and_validate()
