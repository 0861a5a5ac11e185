"""Property-based check of the licence API against its own OpenAPI document (schemathesis over WSGI):
whatever an anonymous visitor, a signed-in holder, the issuing department's staff or a department the
holder authorised sends to /api/v1/licenses/, the answer is never a 5xx, its status code is documented
and its body matches the documented schema.

The generic run sends every operation's generated requests as an anonymous visitor and as its own
audience would (test_api.py's tables: a citizen for the wallet, an issuing approver for the staff's
operations); random identifiers name no licence and stop at the 404. The targeted runs put in what
the caller may use (Alice's degree in her wallet, its current version for its issuer, her grant, a type
the issuer issues and a registered holder), so that generated bodies reach the code behind the
look-ups, and hand the 亮证码 and the licence file the holder gets to an anonymous verifier. Who may call
which operation (401, 403, 404) is tested operation by operation in test_api.py."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from tests.identity.factories import PersonFactory
from tests.licenses.test_api import HOLDER, PUBLIC, STAFF, _fresh_keys_and_limits, world  # noqa: F401  (fixtures)
from tests.licenses.wallet_helpers import license_type, signed_in
from tests.openapi_fuzz import CHECKS, api_schema, browser
from zwfw.licenses.models import License

API = "/api/v1/licenses"
schema = api_schema(f"{API}/")
# Small runs: the suite is long already. The generic run also sends schemathesis's coverage cases
# (boundary values, missing and wrong-typed fields, each other method of the path), most of its requests.
FUZZ = settings(max_examples=10, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
GENERIC = settings(FUZZ, max_examples=5)


def _session(client) -> str:
    return client.cookies[django_settings.SESSION_COOKIE_NAME].value


@pytest.fixture
def any_callers(people, wsgi_keeps_the_test_connection):
    """Given a signed-in citizen and an approver of an issuing department: how they and an anonymous
    visitor call (headers, cookies; browsers send the CSRF cookie and header, tests/openapi_fuzz.py)."""
    citizen, issuer = signed_in(PersonFactory().user), signed_in(people["approver"].user)
    return {"anonymous": browser(), "citizen": browser(_session(citizen)), "issuer": browser(_session(issuer))}


@pytest.fixture
def callers(world, people, wsgi_keeps_the_test_connection):  # noqa: F811
    """Given the API tests' world (Alice holds a degree with a live use grant to other_department, Bob a
    residence permit, both issued by department): how an anonymous visitor, Alice's browser, an approver
    of the issuing department and an approver of the department Alice authorised call."""
    issuer, user_department = signed_in(people["approver"].user), signed_in(people["other_approver"].user)
    return {
        "anonymous": browser(), "citizen": browser(_session(world["alice_client"])),
        "issuer": browser(_session(issuer)), "user_department": browser(_session(user_department)),
    }


def answer_as_documented(case, callers, who: str):
    """When the caller sends the case, then the answer is not a 5xx, its status is documented for the
    operation and its body matches the documented schema."""
    headers, cookies = callers[who]
    response = case.call(headers=headers, cookies=cookies)
    case.validate_response(response, checks=CHECKS, headers=headers)
    return response


# (method, path) -> who the operation is for (test_api.py's tables)
AUDIENCE = dict.fromkeys(PUBLIC, "anonymous") | dict.fromkeys(HOLDER, "citizen") | dict.fromkeys(STAFF, "issuer")


@schema.parametrize()
@GENERIC
def test_licence_api_never_fails_and_matches_its_schema(case, any_callers):
    # When any generated request is sent by an anonymous visitor and by the operation's audience (each
    # example below the public checks' limits), then every answer is documented and matches the schema.
    cache.clear()
    audience = AUDIENCE[(case.operation.method.lower(), case.operation.path.removeprefix(API))]
    for who in dict.fromkeys(("anonymous", audience)):
        answer_as_documented(case, any_callers, who)


ACTIONS = ("suspend", "restore", "cancel", "revoke")


def _naming_real_things(body, known: dict, surface_keys: list[str]):
    """The generated body with the names it holds replaced by ``known`` ones, a status change's action
    one of the four, an issuance naming its holder and its surface's values put under the type's own
    field keys over a complete surface (random names are only ever a 404, random keys
    LICENSE_FIELD_UNKNOWN, a missing field LICENSE_FIELD_REQUIRED)."""
    if isinstance(body, list):
        return [_naming_real_things(item, known, surface_keys) for item in body]
    if not isinstance(body, dict):
        return body
    named = {key: known.get(key, _naming_real_things(value, known, surface_keys)) for key, value in body.items()}
    if "type_code" in body:
        named["holder_document_number"] = known["holder_document_number"]
    if "type_code" in body or isinstance(body.get("surface"), dict):
        generated = body["surface"] if isinstance(body.get("surface"), dict) else {}
        named["surface"] = known["surface"] | dict(zip(surface_keys, generated.values(), strict=False))
    if isinstance(body.get("action"), str) and body["action"] not in ACTIONS:
        named["action"] = ACTIONS[len(body["action"]) % len(ACTIONS)]
    return named


def _a_verifier_checks_what_the_holder_got(path: str, response, callers) -> None:
    """The 亮证码 or licence file the holder got is checked by an anonymous verifier: real ones reach the
    checks behind the signature, which generated ones never pass."""
    if response.status_code != 200 or not path.endswith(("/token", "/file")):
        return
    if path.endswith("/token"):
        check = schema[f"{API}/verify/token"]["POST"].Case(
            body={"token": response.json()["token"]}, media_type="application/json"
        )
    else:
        check = schema[f"{API}/verify/pdf"]["POST"].Case(body={"file": response.content}, media_type="multipart/form-data")
    assert answer_as_documented(check, callers, "anonymous").status_code == 200


@pytest.mark.parametrize(
    ("path", "method", "who"),
    [
        ("/wallet", "GET", "citizen"),
        ("/wallet/{identifier}", "GET", "citizen"),
        ("/wallet/{identifier}/file", "GET", "citizen"),
        ("/wallet/{identifier}/credential", "GET", "citizen"),
        ("/wallet/{identifier}/token", "GET", "citizen"),
        ("/wallet/{identifier}/grants", "GET", "citizen"),
        ("/wallet/{identifier}/grants", "POST", "citizen"),
        ("/wallet/{identifier}/grants/{grant_id}", "DELETE", "citizen"),
        ("/wallet/{identifier}/uses", "GET", "citizen"),
        ("/issued", "GET", "issuer"),
        ("/{identifier}/status", "POST", "issuer"),
        ("/{identifier}/versions", "POST", "issuer"),
        ("/issue", "POST", "issuer"),
        ("/issue/batch", "POST", "issuer"),
        ("/fetch", "POST", "user_department"),
        ("/verify", "POST", "anonymous"),
    ],
)
def test_operations_on_what_the_caller_may_use_answer_as_documented(
    world, other_department, callers, path, method, who  # noqa: F811
):
    # Given Alice's degree (its current version: a change supersedes it), her grant to other_department,
    # a type the issuer issues and a registered holder (random names never name them, so the generic
    # run stops at 404), and a caller who may use them.
    degree, residence = world["degree"], license_type("居住证")
    versions = License.objects.filter(license_type=degree.license_type, issuer=degree.issuer, serial=degree.serial)
    issuing = path.startswith("/issue")
    known = {
        "grant_id": str(world["grant"].public_id),
        "holder_code": world["alice"].document_number,
        "department_code": other_department.credit_code,
        "valid_until": (timezone.now() + dt.timedelta(days=30)).isoformat(),
        "type_code": residence.code,
        "holder_document_type": "resident_id",
        "holder_document_number": world["alice"].document_number,
        "holder_credit_code": "",
        # what a residence permit needs besides the generated fields; a change starts from the old surface
        "surface": {"issue_date": "2026-12-01", "address": "杭州市上城区"} if issuing else {},
    }
    surface_keys = [field["key"] for field in (residence if issuing else degree.license_type).fields]
    operation = schema[f"{API}{path}"][method]

    @given(case=st.one_of([operation.as_strategy(generation_mode=mode) for mode in GenerationMode]))
    @FUZZ
    def any_request_on_it(case):
        cache.clear()
        known["identifier"] = versions.order_by("-version").first().identifier
        for name in set(case.path_parameters or {}) & set(known):
            case.path_parameters[name] = known[name]
        case.body = _naming_real_things(case.body, known, surface_keys)
        # When any generated request names them, then the answer is documented and matches the schema,
        # and so is a verifier's check of the 亮证码 or file it gave.
        response = answer_as_documented(case, callers, who)
        _a_verifier_checks_what_the_holder_got(path, response, callers)

    any_request_on_it()
