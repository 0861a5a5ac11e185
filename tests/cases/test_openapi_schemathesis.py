"""Property-based check of the 办件 API against its own OpenAPI document (schemathesis over WSGI):
whatever an anonymous visitor, a signed-in applicant or a member of staff sends to /api/v1/cases/,
the answer is never a 5xx, its status code is documented and its body matches the documented schema.

The generic run sends every operation's generated requests as its own audience would (the visitor for
the public ones, the applicant for theirs, a window clerk for the workbench's); random ids name nothing
and stop at the 404. The targeted runs put in a real id the caller may use (their case, draft, material
or document, a case in the staff member's queue and its step, the item, the 一件事), so that generated
bodies reach the code behind the look-up, and read the lists of each staff role with cases in them.
Callers outside an operation's audience (401, 403, 404) are tested operation by operation in test_api.py."""

from __future__ import annotations

import json
from functools import cached_property
from typing import NamedTuple

import pytest
from django.core.cache import cache
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from tests.cases.conftest import grant, member
from tests.cases.helpers import GOOD_FORM, accepted, png_bytes, submit, with_form
from tests.cases.test_api import APPLICANT, PUBLIC
from tests.cases.test_bundles import GOOD as BUNDLE_FORM
from tests.cases.test_bundles import files as bundle_files
from tests.cases.test_bundles import newborn  # noqa: F401  (fixture)
from tests.cases.test_results import department_seal  # noqa: F401  (fixture)
from tests.catalog.factories import MaterialFactory
from tests.identity.oidc_helpers import session_cookie
from tests.openapi_fuzz import CHECKS, api_schema, browser
from zwfw.cases import bundles, services
from zwfw.cases.models import ItemStep
from zwfw.identity.models import StaffRole

API = "/api/v1/cases"
schema = api_schema(f"{API}/")
# Small runs: the suite is long already. Every generic run also sends schemathesis's coverage cases
# (boundary values, missing and wrong-typed fields, each other method of the path).
FUZZ = settings(max_examples=10, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))


class World:
    """Given an item with a form, an optional photo and a review step before the decision, its
    department's staff and an applicant: the cases, drafts, materials, documents and steps each run
    names, each made when first named."""

    def __init__(self, request, applicant, staff):
        self.request, self.applicant, self.staff = request, applicant, staff
        # the fixtures' 12345 agent belongs to no department, so may not look an applicant up by document
        self.desk_hotline = member(staff["clerk"].department, StaffRole.HOTLINE_AGENT)

    @cached_property
    def item(self):
        # made only when named: the 一件事's first item would take the same code
        item = with_form(self.request.getfixturevalue("item"))
        ItemStep.objects.create(item=item, stage=1, kind="review", department=item.department, role=StaffRole.APPROVER)
        return item

    @cached_property
    def photo(self):
        return MaterialFactory(item=self.item, name="场所照片", conditional=True)

    def _draft_with_photo(self):
        draft = services.save_draft(actor=self.applicant.user, item=self.item, form_data=dict(GOOD_FORM))
        services.add_upload(actor=self.applicant.user, case=draft, content=png_bytes(), filename="photo.png",
                            material=self.photo)
        return draft

    def _accepted(self, key):
        return accepted(self.applicant, self.item, self.staff, key=key)

    @cached_property
    def draft(self):
        """The applicant's draft, with an uploaded photo."""
        return self._draft_with_photo()

    @cached_property
    def draft_material(self):
        return self.draft.materials.get().pk

    @cached_property
    def submitted(self):
        """A submitted case (with the photo) waiting in the window clerk's queue."""
        return submit(self.applicant, self.item, key="submitted", draft=self._draft_with_photo())

    @cached_property
    def submitted_material(self):
        return self.submitted.materials.get().pk

    @cached_property
    def accepted(self):
        """An accepted case (on 2026-02-13, overdue by now): its review step is the approver's, with an
        acceptance notice."""
        return self._accepted("accepted")

    @cached_property
    def accepted_step(self):
        return self.accepted.steps.get(status="active").pk

    @cached_property
    def accepted_document(self):
        return str(self.accepted.documents.get().public_id)

    def _reviewed(self, key):
        case = self._accepted(key)
        services.approve_step(actor=self.staff["approver"].user, step=case.steps.get(status="active"))
        return case

    @cached_property
    def reviewed(self):
        """An accepted case whose review step is approved: the decision is next."""
        return self._reviewed("reviewed")

    @cached_property
    def stopped(self):
        """An accepted case whose clock stopped for an expert review."""
        case = self._accepted("stopped")
        services.stop_clock(actor=self.staff["approver"].user, case=case, procedure="expert_review", reason="专家评审")
        return case

    @cached_property
    def decided(self):
        """An approved case waiting for 办结."""
        case = self._reviewed("decided")
        services.decide(actor=self.staff["approver"].user, case=case, approve=True)
        return case

    @cached_property
    def corrections(self):
        """A case the clerk asked to correct."""
        case = submit(self.applicant, self.item, key="corrections")
        services.request_corrections(actor=self.staff["clerk"].user, case=case,
                                     items=[{"material": "场所照片", "reason": "模糊"}])
        return case

    @cached_property
    def entry(self):
        """An application the window clerk entered for the applicant, waiting for their confirmation."""
        return services.enter_for_applicant(actor=self.staff["clerk"].user, applicant=self.applicant, item=self.item,
                                            form_data=dict(GOOD_FORM))

    @cached_property
    def enterprise(self):
        """An enterprise that authorised the applicant to apply for it (all items)."""
        enterprise = self.request.getfixturevalue("enterprise")
        grant(enterprise, self.applicant)
        return enterprise

    @cached_property
    def event(self):
        return self.request.getfixturevalue("newborn").code

    @cached_property
    def bundle(self):
        """The applicant's 新生儿出生一件事 application."""
        return bundles.submit_bundle(actor=self.applicant.user, event=self.request.getfixturevalue("newborn"),
                                     form_data=dict(BUNDLE_FORM), files=bundle_files(), idempotency_key="bundle")

    def value_of(self, name: str) -> object:
        """What a path parameter or body field is given: a public id, a primary key or a value."""
        values = {"applicant": lambda: self.applicant, "approver": lambda: self.staff["approver"],
                  "document_number": lambda: self.applicant.document_number,
                  "credit_code": lambda: self.enterprise.credit_code,
                  "good_bundle_form": lambda: json.dumps(BUNDLE_FORM),
                  "id_tail": lambda: self.applicant.document_number[-6:],
                  "submitted_number": lambda: self.submitted.number}
        value = values[name]() if name in values else getattr(self, name)
        return str(value.public_id) if hasattr(value, "public_id") else getattr(value, "pk", value)


@pytest.fixture
def world(request, applicant, staff, wsgi_keeps_the_test_connection):
    cache.clear()  # the progress query's limits count in the cache
    yield World(request, applicant, staff)
    cache.clear()


@pytest.fixture
def callers(world):
    """How each caller calls (headers, cookies): anonymous, and the applicant and staff of each role
    signed in with a session (browsers send the CSRF cookie and header, tests/openapi_fuzz.py)."""
    people = {"applicant": world.applicant, "desk_hotline": world.desk_hotline,
              **{role: world.staff[role] for role in ("clerk", "approver", "head", "hotline", "supervisor")}}
    found = {who: browser(session_cookie(person.user)[1]) for who, person in people.items()}
    return {"anonymous": browser(), **found}


def answer_as_documented(case, callers, *who: str):
    """When each caller sends the case, then the answer is not a 5xx, its status is documented for the
    operation and its body matches the documented schema (the last caller's answer is returned)."""
    for caller in who:
        headers, cookies = callers[caller]
        response = case.call(headers=headers, cookies=cookies)
        case.validate_response(response, checks=CHECKS, headers=headers)
    return response


def audience(operation) -> str:
    """Who the operation is for: the visitor, the applicant or (for the workbench) a window clerk."""
    key = (operation.method.lower(), operation.path.removeprefix(API))
    return "anonymous" if key in PUBLIC else "applicant" if key in APPLICANT else "clerk"


@schema.parametrize()
@FUZZ
def test_cases_api_never_fails_and_matches_its_schema(case, world, callers):
    # Given the applicant's submitted case waiting for the clerk and an accepted one (the lists show them),
    world.submitted, world.accepted  # noqa: B018
    # when the operation's audience sends any generated request, then the answer is documented and
    # matches the schema.
    answer_as_documented(case, callers, audience(case.operation))


class Target(NamedTuple):
    """An operation on what the caller may use. ``path_ids``, ``query`` and ``body`` name what goes in
    each path parameter, query parameter and body field (see ``World.value_of``; None leaves a body
    field out), ``fixed`` gives the value of a field whose random values would all stop at the same 400
    (a procedure, a delivery method), ``given`` what else must exist (cases in a list)."""

    method: str
    path: str
    callers: tuple[str, ...]
    path_ids: dict[str, str] = {}
    query: dict[str, str] = {}
    body: dict[str, str | None] = {}
    fixed: dict[str, object] = {}
    given: tuple[str, ...] = ()


TARGETS = [
    # the public
    Target("POST", "/progress", ("anonymous",), body={"number": "submitted_number", "id_tail": "id_tail"}),
    Target("GET", "/events", ("anonymous",), given=("event",)),
    Target("GET", "/events/{code}/form", ("anonymous",), {"code": "event"}),
    # the applicant
    Target("GET", "/items/{item_id}/form", ("applicant",), {"item_id": "item"}),
    Target("GET", "/items/{item_id}/form", ("applicant",), {"item_id": "item"}, query={"enterprise": "credit_code"}),
    Target("POST", "/drafts", ("applicant",), body={"item_id": "item"}),
    Target("POST", "/drafts", ("applicant",), body={"item_id": "item", "enterprise": "credit_code"}),
    Target("PUT", "/drafts/{public_id}", ("applicant",), {"public_id": "draft"}),
    Target("POST", "/submissions", ("applicant",), body={"item_id": "item", "draft": None}),
    Target("POST", "/submissions", ("applicant",), body={"item_id": "item", "draft": None,
                                                         "enterprise": "credit_code"}),
    Target("POST", "/submissions", ("applicant",), body={"draft": "draft"}),
    Target("GET", "/mine", ("applicant",), given=("submitted", "draft", "entry", "decided")),
    Target("GET", "/mine/{public_id}", ("applicant",), {"public_id": "decided"}),
    Target("GET", "/mine/{public_id}/status", ("applicant",), {"public_id": "submitted"}),
    Target("POST", "/mine/{public_id}/materials", ("applicant",), {"public_id": "draft"}),
    Target("DELETE", "/mine/{public_id}/materials/{material_id}", ("applicant",),
           {"public_id": "draft", "material_id": "draft_material"}),
    Target("GET", "/mine/{public_id}/materials/{material_id}/file", ("applicant",),
           {"public_id": "draft", "material_id": "draft_material"}),
    Target("GET", "/mine/{public_id}/documents/{document_id}", ("applicant",),
           {"public_id": "accepted", "document_id": "accepted_document"}),
    Target("POST", "/mine/{public_id}/correct", ("applicant",), {"public_id": "corrections"}),
    Target("POST", "/mine/{public_id}/withdraw", ("applicant",), {"public_id": "submitted"}),
    Target("POST", "/mine/{public_id}/confirm", ("applicant",), {"public_id": "entry"}),
    Target("POST", "/events/{code}/submissions", ("applicant",), {"code": "event"}),
    Target("POST", "/events/{code}/submissions", ("applicant",), {"code": "event"},
           body={"form_data": "good_bundle_form"}),
    Target("GET", "/bundles/{public_id}", ("applicant",), {"public_id": "bundle"}),
    # staff: the lists of each role, with cases in them
    Target("GET", "/queue", ("approver", "head", "hotline"), given=("submitted", "accepted", "stopped")),
    Target("GET", "/cases", ("head",), given=("submitted", "accepted", "stopped")),
    Target("GET", "/overdue", ("supervisor",), given=("accepted",)),
    # staff: a case in their queue, its materials, documents and steps
    Target("POST", "/cases/batch/accept", ("clerk",), body={"cases": "submitted"}),
    Target("GET", "/cases/{public_id}", ("approver",), {"public_id": "decided"}),
    Target("GET", "/cases/{public_id}/materials/{material_id}/file", ("clerk",),
           {"public_id": "submitted", "material_id": "submitted_material"}),
    Target("GET", "/cases/{public_id}/documents/{document_id}", ("clerk",),
           {"public_id": "accepted", "document_id": "accepted_document"}),
    Target("POST", "/cases/{public_id}/accept", ("clerk",), {"public_id": "submitted"}),
    Target("POST", "/cases/{public_id}/refuse", ("clerk",), {"public_id": "submitted"}),
    Target("POST", "/cases/{public_id}/corrections", ("clerk",), {"public_id": "submitted"}),
    Target("POST", "/cases/{public_id}/clock/stop", ("approver",), {"public_id": "accepted"},
           fixed={"procedure": "expert_review"}),
    Target("POST", "/cases/{public_id}/clock/resume", ("approver",), {"public_id": "stopped"}),
    Target("POST", "/cases/{public_id}/extend", ("head",), {"public_id": "accepted"}, fixed={"days": 3}),
    Target("POST", "/cases/{public_id}/decide", ("approver",), {"public_id": "reviewed"}),
    Target("POST", "/cases/{public_id}/complete", ("clerk",), {"public_id": "decided"},
           fixed={"delivery_method": "express"}),
    Target("POST", "/cases/{public_id}/comments", ("clerk",), {"public_id": "submitted"}),
    Target("POST", "/cases/{public_id}/reassign", ("head",), {"public_id": "accepted"},
           body={"step_id": "accepted_step", "to_staff": "approver"}),
    Target("POST", "/steps/{step_id}/approve", ("approver",), {"step_id": "accepted_step"}),
    Target("POST", "/steps/{step_id}/refuse", ("approver",), {"step_id": "accepted_step"}),
    Target("POST", "/entries", ("clerk",), body={"item_id": "item", "applicant": "applicant"},
           fixed={"channel": "window"}),
    Target("POST", "/entries", ("clerk",), body={"item_id": "item", "applicant": "applicant",
                                                 "enterprise": "credit_code"}, fixed={"channel": "window"}),
    Target("POST", "/entries", ("desk_hotline",), body={"item_id": "item", "applicant": None,
                                                        "document_number": "document_number"},
           fixed={"channel": "hotline"}),
]


def _name(target: Target) -> str:
    fields = {**target.query, **target.body, **target.fixed}
    given = ", ".join(f"{name}={'-' if what is None else what}" for name, what in fields.items())
    return f"{target.method} {target.path} by {'+'.join(target.callers)}" + (f" with {given}" if given else "")


@pytest.mark.parametrize("target", TARGETS, ids=_name)
def test_operations_on_what_the_caller_may_use_answer_as_documented(world, callers, target):
    # Given what the caller may use (a random id names nothing, so the run above stops at the 404),
    for name in target.given:
        getattr(world, name)
    path_ids = {name: world.value_of(what) for name, what in target.path_ids.items()}
    query = {name: world.value_of(what) for name, what in target.query.items()}
    body = {name: None if what is None else world.value_of(what) for name, what in target.body.items()}
    body.update(target.fixed)
    operation = schema[f"{API}{target.path}"][target.method]

    @given(case=st.one_of(*(operation.as_strategy(mode, path_parameters=path_ids, query=query or None)
                            for mode in GenerationMode)))
    @FUZZ
    def any_request_on_it(case):
        case.path_parameters = {**(case.path_parameters or {}), **path_ids}
        if query:
            case.query = {**(case.query or {}), **query}
        if isinstance(case.body, dict):  # a negative case's body may be no object at all
            for name, value in body.items():
                if value is None:
                    case.body.pop(name, None)
                else:  # batch acceptance takes a list of cases
                    case.body[name] = [value] if name == "cases" else value
        # when any generated request (valid or not) names it, then the answer is documented and matches.
        answer_as_documented(case, callers, *target.callers)

    any_request_on_it()


@pytest.mark.usefixtures("department_seal")
def test_a_sealed_notice_downloads_as_the_documented_pdf(world, callers):
    # Given the accepted case's acceptance notice, sealed with the department's seal (an unsealed one is
    # the 404 the runs above get),
    ids = {"public_id": world.value_of("accepted"), "document_id": world.value_of("accepted_document")}
    assert services.seal_pending_documents() == 1
    for path, who in (("/mine/{public_id}/documents/{document_id}", "applicant"),
                      ("/cases/{public_id}/documents/{document_id}", "clerk")):
        # when the applicant and the clerk download it, then each gets the documented PDF.
        case = schema[f"{API}{path}"]["GET"].Case(path_parameters=ids)
        response = answer_as_documented(case, callers, who)
        assert (response.status_code, response.headers["content-type"]) == (200, ["application/pdf"])
        assert response.content.startswith(b"%PDF-")
