"""Hostile-input tests: the licence fixtures (tests/licenses/conftest.py) and the world of the API tests
(two holders, a degree with a use grant, a 居住证), fresh display keys and rate limits for each test."""

from tests.licenses.test_api import _fresh_keys_and_limits, world  # noqa: F401  (fixtures)
