"""Property-based check of the 统一电子印章 API against its own OpenAPI document (schemathesis over WSGI):
whatever a visitor or a staff member (platform admin, department admin, approver) sends to
/api/v1/seals/, the answer is never a 5xx, its status code is documented and its body matches the
documented schema.

Random codes and ids name nothing, so the operations on a seal or a request are run again with the
department's real seal code and request ids (and a real format or PDF where that is the first thing
checked), to reach the code behind the 404. Each test walks its operations under one ``world``
(making its two seals is most of a test's setup) rather than one test per operation."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, note, settings

from tests.identity.oidc_helpers import session_cookie
from tests.openapi_fuzz import CHECKS, api_schema, browser
from tests.seals.conftest import sample_pdf

schema = api_schema("/api/v1/seals/")
# The staff the seals API knows: the platform admin reviews and makes seals (and sees every
# department's), the department admin requests seals and sets their status and who may use them, the
# approver signs with the seal (the role it permits).
STAFF = ("platform", "dept_admin", "approver")
EVERYONE = ("anonymous", *STAFF)


@pytest.fixture
def callers(world, wsgi_keeps_the_test_connection):
    """Given the seal world (a seal of the department the approver may use, another department's seal,
    a pending and an approved request): how a visitor and each staff member call (headers, cookies).
    Browsers send the CSRF cookie and header (tests/openapi_fuzz.py)."""
    found = {"anonymous": browser()}
    for who in STAFF:
        _, session_id = session_cookie(world["people"][who].user)
        found[who] = browser(session_id)
    return found


def run(operation: Any, examples: int, on_each: Callable[[Any], None]) -> None:
    @given(case=operation.as_strategy())
    @settings(max_examples=examples, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
    def any_request(case):
        note(f"{operation.method.upper()} {operation.path}")
        on_each(case)

    any_request()


def send(case: Any, callers: dict, who_calls: tuple[str, ...]) -> None:
    for who in who_calls:
        headers, cookies = callers[who]
        response = case.call(headers=headers, cookies=cookies)
        case.validate_response(response, checks=CHECKS, headers=headers)


def test_seals_api_never_fails_and_matches_its_schema(callers):
    # When any generated request to any seals operation is sent by a visitor and by each staff member,
    # then the answer is not a 5xx, its status is documented for the operation and its body matches
    # the documented schema.
    for result in schema.get_all_operations():
        run(result.ok(), 12, lambda case: send(case, callers, EVERYONE))


def one_of(*values: str) -> Callable[[dict, Any], str]:
    """A field whose values are few (not an enum in the document): the generated value picks one."""
    return lambda w, generated: values[len(str(generated)) % len(values)]


def as_base64(w: dict, generated: Any) -> str:
    """Data fields: the generated text's bytes, in base64 (random text is seldom base64)."""
    return base64.b64encode(str(generated).encode("utf-8", "surrogatepass")).decode("ascii")


SEAL = {"code": lambda w: w["seal"].code}
# In this order: what reads the seal and signs with it before what may take the approvers' role away
# (roles) or stop the seal (status).
TARGETS = [
    # (path, method, who calls, examples, real path parameters, real body fields)
    ("/api/v1/seals/public/{code}", "GET", EVERYONE, 5, SEAL, {}),
    ("/api/v1/seals/{code}", "GET", STAFF, 5, SEAL, {}),
    ("/api/v1/seals/{code}/usages", "GET", STAFF, 8, SEAL, {}),
    ("/api/v1/seals/verify/data", "POST", ("anonymous",), 12, {},
     {"format": one_of("jws", "ses"), "data_base64": as_base64}),
    # Signing is real cryptography (a PDF signature takes a few hundred ms): few examples.
    ("/api/v1/seals/{code}/sign", "POST", STAFF, 10, SEAL,
     {"format": one_of("jws", "ses"), "data_base64": as_base64}),
    ("/api/v1/seals/{code}/sign-pdf", "POST", STAFF, 4, SEAL, {"file": lambda w, generated: w["pdf"]}),
    ("/api/v1/seals/{code}/roles", "PUT", STAFF, 8, SEAL, {}),
    ("/api/v1/seals/{code}/status", "POST", STAFF, 8, SEAL,
     {"status": one_of("suspended", "active", "cancelled")}),
    ("/api/v1/seals/requests", "POST", STAFF, 8, {},
     {"department_code": lambda w, generated: w["department"].credit_code,
      "kind": one_of("official", "special", "legal_rep", "personal")}),
    ("/api/v1/seals/requests/{request_id}/review", "POST", STAFF, 8,
     {"request_id": lambda w: str(w["pending"].public_id)}, {}),
    ("/api/v1/seals/requests/{request_id}/make", "POST", STAFF, 3,
     {"request_id": lambda w: str(w["approved"].public_id)}, {}),
]


def test_operations_on_the_departments_own_seal_and_requests_answer_as_documented(world, callers):
    # Given the department's seal, its pending and approved request, the department and a real PDF
    # (random input never names or is one, so the fuzzing above stops at a 404 or the first check).
    w = {**world, "pdf": sample_pdf()}
    for path, method, who_calls, examples, path_parameters, body_fields in TARGETS:

        def on_it(case, path_parameters=path_parameters, body_fields=body_fields, who_calls=who_calls):
            for name, value in path_parameters.items():
                case.path_parameters[name] = value(w)
            if isinstance(case.body, dict):
                for name, value in body_fields.items():
                    if name in case.body:  # a field the case leaves out stays out
                        case.body[name] = value(w, case.body[name])
            # When any generated request names them, then the answer is documented and matches the schema.
            send(case, callers, who_calls)

        run(schema[path][method], examples, on_it)
