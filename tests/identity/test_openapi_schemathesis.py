"""Property-based check of the identity API against its own OpenAPI document (schemathesis over WSGI):
whatever an anonymous visitor, a signed-in citizen or a bearer-token app sends to /api/v1/identity/,
the answer is never a 5xx, its status code is documented and its body matches the documented schema."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from tests.identity.factories import EnterpriseFactory, PersonFactory
from tests.identity.oidc_helpers import make_client, session_cookie, tokens_for
from tests.openapi_fuzz import CHECKS, api_schema, browser
from zwfw.identity.models import Enterprise

schema = api_schema("/api/v1/identity/")


@pytest.fixture
def callers(db, wsgi_keeps_the_test_connection):
    """Given a citizen who represents an enterprise, signed in with a session and an app holding their
    token: how an anonymous visitor, the signed-in browser and the app call (base URL, headers, cookies).
    Browsers send the CSRF cookie and header (tests/openapi_fuzz.py). The token was issued to
    http://testserver (the test client's code flow), the issuer its verification expects, so the app
    calls that host."""
    person = PersonFactory(name="张某某")
    EnterpriseFactory(legal_representative=person, name="张的公司")
    _, session_id = session_cookie(person.user)
    token = tokens_for(person.user, make_client(), scope="openid profile")["access_token"]
    return {
        "anonymous": (None, *browser()),
        "citizen": (None, *browser(session_id)),
        "bearer": ("http://testserver", {"Authorization": f"Bearer {token}"}, None),
        "mobile": person.mobile,
    }


@schema.parametrize()
@settings(max_examples=30, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_identity_api_never_fails_and_matches_its_schema(case, callers):
    # When any generated request is sent by each caller, then the answer is not a 5xx, its status is
    # documented for the operation and its body matches the documented schema.
    for who in ("anonymous", "citizen", "bearer"):
        base_url, headers, cookies = callers[who]
        response = case.call(base_url=base_url, headers=headers, cookies=cookies)
        case.validate_response(response, checks=CHECKS, headers=headers)


@pytest.mark.parametrize(
    ("path", "caller", "mobile", "answers"),
    [
        # A number that had too many codes gets none, with the same answer as any other (no enumeration).
        ("/api/v1/identity/login/code", "anonymous", None, {200}),
        ("/api/v1/identity/register/code", "anonymous", "13912345678", {200, 429}),
        ("/api/v1/identity/me/mobile/code", "citizen", "13912345679", {200, 429}),
    ],
)
def test_sms_code_operations_answer_as_documented_until_rate_limited(callers, path, caller, mobile, answers):
    # Given a valid mobile (random input never is one, so the fuzzing above never reaches the SMS limits).
    base_url, headers, cookies = callers[caller]
    body = {"mobile": mobile or callers["mobile"]}
    statuses = set()
    # When the same number asks for a code again and again,
    for _ in range(6):
        case = schema[path]["POST"].Case(body=body, media_type="application/json")
        response = case.call(base_url=base_url, headers=headers, cookies=cookies)
        # then every answer (sent or throttled) is documented and matches the schema,
        case.validate_response(response, checks=CHECKS, headers=headers)
        statuses.add(response.status_code)
    # and the throttled ones are a documented 429, never a 5xx.
    assert statuses == answers


@pytest.mark.parametrize(
    ("path", "method"),
    [
        ("/api/v1/identity/enterprises/{enterprise_id}/grants", "GET"),
        ("/api/v1/identity/enterprises/{enterprise_id}/grants", "POST"),
        ("/api/v1/identity/enterprises/{enterprise_id}/grants/{grant_id}", "DELETE"),
        ("/api/v1/identity/act-as", "POST"),
    ],
)
def test_operations_on_the_citizens_own_enterprise_answer_as_documented(callers, path, method):
    # Given the enterprise the citizen represents (a random id never names it, so fuzzing above stops at 404).
    enterprise_id = str(Enterprise.objects.get().public_id)

    @given(case=schema[path][method].as_strategy())
    @settings(max_examples=30, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
    def any_request_on_it(case):
        if case.path_parameters and "enterprise_id" in case.path_parameters:
            case.path_parameters["enterprise_id"] = enterprise_id
        if isinstance(case.body, dict) and "id" in case.body:
            case.body["id"] = enterprise_id
        # When any generated request names it, then the answer is documented and matches the schema.
        for who in ("citizen", "bearer"):
            base_url, headers, cookies = callers[who]
            response = case.call(base_url=base_url, headers=headers, cookies=cookies)
            case.validate_response(response, checks=CHECKS, headers=headers)

    any_request_on_it()
