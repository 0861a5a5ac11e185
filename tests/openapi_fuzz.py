"""What the property-based API tests share (schemathesis over WSGI, against the committed OpenAPI
document): the checks every answer must pass, the fixture that keeps the test transaction's connection
across WSGI requests (``wsgi_keeps_the_test_connection``, in tests/conftest.py), and the headers and
cookies a browser sends.

    schema = api_schema("/api/v1/seals/")

    @schema.parametrize()
    def test_...(case, wsgi_keeps_the_test_connection):
        headers, cookies = browser(session_id)
        response = case.call(headers=headers, cookies=cookies)
        case.validate_response(response, checks=CHECKS, headers=headers)
"""

from __future__ import annotations

import copy
import functools
import json
from pathlib import Path
from typing import Any

import schemathesis
from django.conf import settings as django_settings
from django.core import signals
from django.db import close_old_connections
from django.middleware.csrf import _get_new_csrf_string

from zwfw.wsgi import application

# Never a 5xx, a status the operation documents, a body that matches the documented schema.
CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.response_schema_conformance,
]


# tests/test_openapi_document.py holds it equal to what /api/v1/openapi.json serves
COMMITTED_DOCUMENT = Path(__file__).resolve().parent.parent / "docs" / "openapi.json"


@functools.cache
def _document() -> dict[str, Any]:
    return json.loads(COMMITTED_DOCUMENT.read_text(encoding="utf-8"))


def api_schema(prefix: str) -> Any:
    """The operations of the committed OpenAPI document whose path starts with ``prefix``, called on the
    node's WSGI application. (Read from the file, once: generating the document from the code takes
    about a second, at collection, in every test process.)"""
    schema = schemathesis.openapi.from_dict(copy.deepcopy(_document()))
    schema.app = application
    schema.location = "/api/v1/openapi.json"
    return schema.include(path_regex=f"^{prefix}")


def _disconnect() -> None:
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)


def browser(session_id: str | None = None) -> tuple[dict[str, str], dict[str, str]]:
    """(headers, cookies) of a browser: the CSRF cookie and its matching header (the WSGI app enforces
    CSRF, the test client does not), and the session cookie when ``session_id`` is given.

    Signing someone in with Django's test client (``tests.identity.oidc_helpers.session_cookie``)
    connects ``close_old_connections`` again after its request; this disconnects it once more, or on
    PostgreSQL the next WSGI request would close the test transaction's connection."""
    _disconnect()
    csrf = _get_new_csrf_string()
    cookies = {django_settings.CSRF_COOKIE_NAME: csrf}
    if session_id is not None:
        cookies[django_settings.SESSION_COOKIE_NAME] = session_id
    return {"X-CSRFToken": csrf}, cookies
