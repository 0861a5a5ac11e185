"""批量签发: POST /api/v1/licenses/issue/batch issues up to 100 licences in one request, each exactly
as POST /issue would (identifier, seal signature and its 用章记录, event, audit, inbox message), each
item answered on its own (created, replayed or its error), the whole request refused only for who
calls it and for its shape."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests.identity.factories import EnterpriseFactory, PersonFactory
from tests.licenses.test_api import BAD_ISSUES, assert_error, call
from tests.licenses.wallet_helpers import licence_state, license_type, signed_in
from tests.seals.conftest import member
from zwfw.catalog.models import Department
from zwfw.core import audit
from zwfw.core.errors import Conflict
from zwfw.core.models import AuditEntry
from zwfw.identity.models import StaffMember, StaffRole
from zwfw.licenses import services
from zwfw.licenses.identifiers import parse_identifier
from zwfw.licenses.models import License, LicenseEvent, LicenseType, SerialCounter
from zwfw.licenses.services import batch as batch_issuance
from zwfw.licenses.services import issuance
from zwfw.notifications.models import Message
from zwfw.seals import services as seal_services
from zwfw.seals import signing, verification
from zwfw.seals.models import Seal, SealUsage

pytestmark = pytest.mark.django_db
BATCH = "/issue/batch"
SWEEP_GATE = "zwfw:licenses:file-sweep"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()  # the file-sweep gate and rate-limit counters of the previous test
    yield
    cache.clear()


def residence(holder, key: str, **extra) -> dict:
    """An item (the body of POST /issue): a 居住证 for ``holder`` under ``key``."""
    return {
        "type_code": license_type("居住证").code, "holder_document_type": "resident_id",
        "holder_document_number": holder.document_number,
        "surface": {"issue_date": "2026-12-01", "address": "杭州市上城区"}, "idempotency_key": key,
    } | extra


def business_licence(enterprise, key: str) -> dict:
    return {
        "type_code": license_type("营业执照").code, "holder_credit_code": enterprise.credit_code,
        "surface": {"kind": "有限责任公司", "legal_representative": enterprise.legal_representative.name,
                    "registered_capital": "100万元", "established": "2020-01-01", "address": "杭州市滨江区",
                    "business_scope": "软件开发", "issue_date": "2026-12-01"},
        "idempotency_key": key,
    }


def everything() -> dict:
    """Every row a batch could write: licences and their events, seal uses, audit, messages, serials."""
    return licence_state() | {
        "seal_uses": SealUsage.objects.count(),
        "audit": AuditEntry.objects.count(),
        "messages": Message.objects.count(),
        "counters": list(SerialCounter.objects.order_by("id").values_list("id", "last")),
        "jobs": DBTaskResult.objects.count(),
    }


def approver_client(people) -> Client:
    return signed_in(people["approver"].user)


def batch(client: Client, items: list[dict]):
    return call(client, "post", BATCH, {"items": items})


def counts(body: dict) -> tuple[int, int, int]:
    return body["created"], body["replayed"], body["failed"]


LOOKUP_FAILED = "licenses.holder_lookup_failed"


def lookups_failed(after: int = 0) -> list[tuple]:
    """(actor, object type, object id, result, details) of the failed holder look-ups audited after the
    first ``after`` audit entries, in the chain's order."""
    return [
        (entry.actor, entry.object_type, entry.object_id, entry.result, entry.details)
        for entry in AuditEntry.objects.order_by("seq")[after:]
        if entry.action == LOOKUP_FAILED
    ]


def lookup_failed(people, department, **named) -> tuple:
    """The audit of a look-up by the approver of ``department`` that found no holder named so (masked)."""
    return (f"staff:{people['approver'].public_id}", "identity.Enterprise" if "credit_code" in named else "identity.Person",
            "-", "failure", {"department": department.credit_code, **named})


# --- issuing ---------------------------------------------------------------------------------------


def test_a_batch_issues_each_licence_as_single_issuance_does(
    seal, people, department, settings, django_capture_on_commit_callbacks
):
    # given three registered people and an enterprise, and a node that makes licence files
    settings.BASE_URL = "https://zwfw.zj.example.gov.cn"
    persons = [PersonFactory() for _ in range(3)]
    enterprise = EnterpriseFactory()
    items = [residence(person, f"b-{n}") for n, person in enumerate(persons)]
    items.insert(2, business_licence(enterprise, "b-ent"))
    audit_before = AuditEntry.objects.count()
    # when the approver issues them in one batch
    with django_capture_on_commit_callbacks(execute=True):
        response = batch(approver_client(people), items)
    # then each item is created, in order, and counted
    assert response.status_code == 200, response.content
    body = response.json()
    assert counts(body) == (4, 0, 0)
    assert [(result["index"], result["status"], result["error"]) for result in body["results"]] == [
        (n, "created", None) for n in range(4)
    ]
    licences = [License.objects.get(identifier=result["license"]["identifier"]) for result in body["results"]]
    holders = [*persons[:2], enterprise, persons[2]]
    keys = ["b-0", "b-1", "b-ent", "b-2"]
    usages = list(SealUsage.objects.order_by("id"))
    assert len(usages) == 4
    for licence, holder, key, item, usage in zip(licences, holders, keys, items, usages, strict=True):
        # a valid identifier of the type, the department and a serial of the year, version 001
        parsed = parse_identifier(licence.identifier)
        assert (parsed.type_code, parsed.issuer_code, parsed.version) == (item["type_code"], department.credit_code, 1)
        assert licence.serial.startswith(str(licence.valid_from.year))
        assert (licence.holder_person or licence.holder_enterprise) == holder
        assert licence.idempotency_key == key
        # signed with the department's seal, the use recorded (用章记录)
        surface = services.surface_of(licence)
        report = verification.verify_data(fmt="jws", signature=licence.signature,
                                          data=services.signed_payload(licence, surface))
        assert (report.valid, report.seal_code) == (True, seal.code)
        assert (usage.seal_id, usage.purpose) == (seal.pk, f"签发电子证照 {licence.identifier}")
        # its event, the audit of the issue and of the seal use, the holder's inbox message
        assert list(LicenseEvent.objects.filter(license=licence).values_list("action", "status")) == [("issue", "valid")]
        issued = AuditEntry.objects.get(action="licenses.issue", object_id=str(licence.pk))
        assert issued.details == {"identifier": licence.identifier}
        assert AuditEntry.objects.filter(action="seals.use.jws", details__usage=usage.pk).count() == 1
        user = holder.user if holder in persons else enterprise.legal_representative.user
        message = Message.objects.get(recipient_user=user, channel="inbox")
        assert licence.identifier in message.body
    # the four seal uses are one batch of the department's seal
    assert len({usage.batch for usage in usages}) == 1
    assert usages[0].batch is not None
    assert AuditEntry.objects.count() == audit_before + 8
    # the answer is the licence as POST /issue shows it (the holder's name masked)
    assert body["results"][0]["license"]["holder_name"] != persons[0].name
    assert body["results"][0]["license"]["status_label"] == "有效"
    # one file sweep queued after the commit, from the first licence (it takes every licence since)
    job = DBTaskResult.objects.get()
    assert job.task_path == "zwfw.licenses.tasks.render_license_files"
    assert job.args_kwargs == {"args": [min(licence.pk for licence in licences)], "kwargs": {}}


def test_a_mixed_batch_answers_each_failed_item_with_the_error_of_single_issuance(seal, people, department):
    # given four items: an unknown type, an unregistered holder, an invalid surface, a valid one
    client = approver_client(people)
    valid = PersonFactory()
    items = [
        residence(PersonFactory(), "m-0", type_code="NOPE"),
        residence(PersonFactory(), "m-1", holder_document_number="330106199001010000"),
        residence(PersonFactory(), "m-2", surface={"issue_date": "tomorrow"}),
        residence(valid, "m-3"),
    ]
    before = everything()
    # when they are sent as one batch
    response = batch(client, items)
    # then three errors, each what POST /issue answers for that item, and one licence
    assert response.status_code == 200, response.content
    body = response.json()
    assert counts(body) == (1, 0, 3)
    assert [result["status"] for result in body["results"]] == ["error", "error", "error", "created"]
    assert [result["error"]["code"] for result in body["results"][:3]] == [
        "LICENSE_TYPE_NOT_FOUND", "LICENSE_HOLDER_NOT_FOUND", "LICENSE_FIELD_INVALID",
    ]
    assert all(result["license"] is None for result in body["results"][:3])
    after_batch = everything()
    singles = [call(client, "post", "/issue", item) for item in items[:3]]
    assert [result["error"] for result in body["results"][:3]] == [assert_error(single, (400, 404)) for single in singles]
    # (the single requests were refused too, the look-up of the unregistered holder audited again)
    assert everything() == after_batch | {"audit": after_batch["audit"] + 1}
    # nothing was written for the failed items: one licence, one event, one seal use, one message; the
    # audit has the licence's seal use and issue, and the failed look-up of the unregistered holder
    created = License.objects.get(identifier=body["results"][3]["license"]["identifier"])
    assert created.holder_person == valid
    assert after_batch["licenses"] == [
        *before["licenses"], (created.pk, "valid", "", 1, created.surface)
    ]
    assert (after_batch["events"], after_batch["seal_uses"], after_batch["messages"], after_batch["audit"]) == (
        before["events"] + 1, before["seal_uses"] + 1, before["messages"] + 1, before["audit"] + 3,
    )
    # (the batch's and the single request's, alike)
    assert lookups_failed(before["audit"]) == [
        lookup_failed(people, department, document_type="resident_id", document_number="330***********0000")
    ] * 2
    assert not License.objects.filter(idempotency_key__in=["m-0", "m-1", "m-2"]).exists()


# what POST /issue refuses item by item (its schema's 422s refuse a whole batch, below), and holders
# found or not by credit code, of the wrong kind, named with a NUL
ITEM_REFUSALS = [change for change, status, _ in BAD_ISSUES if status != 422] + [
    {"holder_credit_code": "ENTERPRISE"},
    {"holder_credit_code": "9133\u0000"},
    {"holder_document_type": "passport", "holder_document_number": "E12345678"},
    {"holder_document_number": "  "},
]


def test_every_refusal_of_a_single_request_is_that_items_error_in_a_batch(seal, people, department):
    # given one item for each way a single request is refused, the holders looked up together
    client, enterprise = approver_client(people), EnterpriseFactory()
    items = [
        residence(PersonFactory(), f"e-{n}") | {
            key: enterprise.credit_code if value == "ENTERPRISE" else value for key, value in change.items()
        }
        for n, change in enumerate(ITEM_REFUSALS)
    ]
    valid = [residence(PersonFactory(), "e-ok-1"), business_licence(enterprise, "e-ok-2")]
    before = everything()
    body = batch(client, [valid[0], *items, valid[1]]).json()
    # then each is answered with the error POST /issue gives it, and the two valid ones are issued
    assert counts(body) == (2, 0, len(items))
    assert [result["status"] for result in body["results"]] == ["created", *["error"] * len(items), "created"]
    after = everything()
    singles = [assert_error(call(client, "post", "/issue", item), (400, 404, 409)) for item in items]
    assert [result["error"] for result in body["results"][1:-1]] == singles
    assert "LICENSE_HOLDER_KIND" in [single["code"] for single in singles]
    assert len(after["licenses"]) == len(before["licenses"]) + 2
    # only the look-ups that found no one are audited, by the batch as by the single requests
    unregistered = [index for index, single in enumerate(singles) if single["code"] == "LICENSE_HOLDER_NOT_FOUND"]
    assert len(unregistered) == 3  # a resident ID number, a credit code and a passport number
    assert after["audit"] == before["audit"] + 4 + 3
    assert everything() == after | {"audit": after["audit"] + 3}
    assert lookups_failed(before["audit"])[:3] == lookups_failed(after["audit"])


def test_the_failed_holder_look_ups_of_a_batch_are_audited_together_with_masked_numbers(
    seal, people, department, monkeypatch
):
    # given a batch naming two people who have no account and, between them, one who has
    client, known = approver_client(people), PersonFactory()
    items = [
        residence(PersonFactory(), "l-0", holder_document_number="330106199001010000"),
        residence(known, "l-1"),
        residence(PersonFactory(), "l-2", holder_document_number=" 11010519491231002x "),
    ]
    appended: list[list[str]] = []
    record_many = audit.record_many
    monkeypatch.setattr(
        audit, "record_many", lambda entries: appended.append([entry.action for entry in entries]) or record_many(entries)
    )
    before = everything()
    # when the approver sends it
    body = batch(client, items).json()
    # then the two are answered as POST /issue answers them, and the known holder's licence is issued
    assert [(result["status"], result["error"] and result["error"]["code"]) for result in body["results"]] == [
        ("error", "LICENSE_HOLDER_NOT_FOUND"), ("created", None), ("error", "LICENSE_HOLDER_NOT_FOUND"),
    ]
    assert License.objects.get(idempotency_key="l-1").holder_person == known
    # and each failed look-up is audited (who, for which department, the number masked), both in one
    # append before the batch's writes, which add the licence's seal use and issue
    assert lookups_failed(before["audit"]) == [
        lookup_failed(people, department, document_type="resident_id", document_number="330***********0000"),
        lookup_failed(people, department, document_type="resident_id", document_number="110***********002X"),
    ]
    assert appended == [[LOOKUP_FAILED, LOOKUP_FAILED], ["seals.use.jws", "licenses.issue"]]
    assert everything()["audit"] == before["audit"] + 2 + 2
    assert audit.verify_chain().ok is True


def test_an_item_whose_key_was_issued_by_single_issuance_is_answered_with_that_licence(seal, people, department):
    # given a licence issued through POST /issue under a key
    client, holder = approver_client(people), PersonFactory()
    first = call(client, "post", "/issue", residence(holder, "r-1"))
    assert first.status_code == 201, first.content
    before = everything()
    # when a batch carries the same request under the same key, and a new one
    response = batch(client, [residence(holder, "r-1"), residence(PersonFactory(), "r-2")])
    # then the first is that licence, replayed (as /issue answers 200), the second new
    body = response.json()
    assert counts(body) == (1, 1, 0)
    assert [result["status"] for result in body["results"]] == ["replayed", "created"]
    assert body["results"][0]["license"] == first.json()
    assert License.objects.filter(holder_person=holder).count() == 1
    assert everything()["seal_uses"] == before["seal_uses"] + 1


def test_an_item_reusing_a_key_for_other_content_fails_alone(seal, people, department):
    client, holder = approver_client(people), PersonFactory()
    assert call(client, "post", "/issue", residence(holder, "u-1")).status_code == 201
    changed = residence(holder, "u-1", surface={"issue_date": "2026-12-02"})
    refused = assert_error(call(client, "post", "/issue", changed), 409, "IDEMPOTENCY_KEY_REUSED")
    before = everything()
    # when a batch reuses the key with other content beside a new item
    response = batch(client, [changed, residence(PersonFactory(), "u-2")])
    # then that item fails as /issue does, and the other is issued
    body = response.json()
    assert counts(body) == (1, 0, 1)
    assert (body["results"][0]["status"], body["results"][0]["error"]) == ("error", refused)
    assert body["results"][1]["status"] == "created"
    assert len(everything()["licenses"]) == len(before["licenses"]) + 1


def test_sending_the_same_batch_twice_creates_nothing_the_second_time(seal, people, department):
    client = approver_client(people)
    items = [residence(PersonFactory(), f"t-{n}") for n in range(3)]
    first = batch(client, items).json()
    assert counts(first) == (3, 0, 0)
    before = everything()
    # when the department's system sends the same batch again (its answer was lost)
    again = batch(client, items)
    # then every item is replayed with the same licence, and nothing is written
    assert again.status_code == 200
    body = again.json()
    assert counts(body) == (0, 3, 0)
    assert [result["status"] for result in body["results"]] == ["replayed"] * 3
    assert [result["license"] for result in body["results"]] == [result["license"] for result in first["results"]]
    assert everything() == before


# --- whole-batch refusals ----------------------------------------------------------------------------


def test_two_items_with_one_key_refuse_the_whole_batch(seal, people, department):
    items = [residence(PersonFactory(), key) for key in ("d-1", "d-2", "d-1", "d-3", " d-2 ")]
    before = everything()
    refused = assert_error(batch(approver_client(people), items), 400, "LICENSE_BATCH_DUPLICATE_KEYS")
    # the keys are compared as issuance stores them (trimmed)
    assert refused["details"] == {
        "field": "items",
        "duplicates": [{"idempotency_key": "d-1", "indexes": [0, 2]}, {"idempotency_key": "d-2", "indexes": [1, 4]}],
    }
    assert "0、2" in refused["message"]
    assert everything() == before


@pytest.mark.parametrize(
    ("make_body", "field"),
    [
        (lambda holders: {"items": []}, "items"),
        (lambda holders: {"items": [residence(holders[n % 3], f"x-{n}") for n in range(101)]}, "items"),
        (lambda holders: {}, "items"),
        (lambda holders: {"items": {"type_code": "x"}}, "items"),
        (lambda holders: {"items": [residence(holders[0], "ok"), {k: v for k, v in residence(holders[1], "k").items()
                                                                 if k != "idempotency_key"}]},
         "items.1.idempotency_key"),
        (lambda holders: {"items": [residence(holders[0], "ok"), residence(holders[1], "k", surface="text")]},
         "items.1.surface"),
        (lambda holders: {"items": [residence(holders[0], "ok"), residence(holders[1], "k" * 81)]},
         "items.1.idempotency_key"),
        (lambda holders: {"items": [residence(holders[0], "ok"), residence(holders[1], "k", valid_from="2026-13-01")]},
         "items.1.valid_from"),
    ],
    ids=["no-item", "101-items", "no-items-field", "items-not-a-list", "key-missing", "surface-not-object",
         "key-too-long", "bad-date"],
)
def test_a_malformed_batch_is_refused_whole_and_changes_nothing(seal, people, department, make_body, field):
    holders = [PersonFactory() for _ in range(3)]
    before = everything()
    refused = assert_error(call(approver_client(people), "post", BATCH, make_body(holders)), 422, "INVALID_REQUEST")
    assert field in [detail["field"] for detail in refused["details"]]
    assert everything() == before


def test_a_body_that_is_not_json_is_refused(seal, people, department):
    before = everything()
    assert_error(call(approver_client(people), "post", BATCH, b"\xff\xfe"), 400)
    assert everything() == before


def test_an_anonymous_caller_gets_401_and_nothing_changes(seal, people, department):
    before = everything()
    assert_error(batch(Client(), [residence(PersonFactory(), "a-1")]), 401, "UNAUTHENTICATED")
    assert everything() == before


@pytest.mark.parametrize("who", ["citizen", "clerk", "platform", "other_clerk"])
def test_only_issuing_staff_may_send_a_batch(seal, people, department, other_department, who):
    # a citizen, a window clerk, a platform administrator (no department of their own) and a window
    # clerk of another department get what POST /issue answers them: 403
    users = {
        "citizen": PersonFactory().user,
        "other_clerk": member(StaffRole.WINDOW_CLERK, department=other_department).user,
    }
    client = signed_in(users[who] if who in users else people[who].user)
    item = residence(PersonFactory(), "f-1")
    before = everything()
    refused = assert_error(batch(client, [item]), 403, "LICENSE_ISSUER_FORBIDDEN")
    assert refused == assert_error(call(client, "post", "/issue", item), 403)
    assert everything() == before


def test_staff_of_another_department_issue_only_for_their_own(seal, people, department, other_department):
    # the approver of another department, which has no seal: their batch is for their own department,
    # and each item gets what POST /issue answers them (409: no seal); nothing is issued for anyone
    client = signed_in(people["other_approver"].user)
    items = [residence(PersonFactory(), "o-1"), residence(PersonFactory(), "o-2")]
    before = everything()
    body = batch(client, items).json()
    single = assert_error(call(client, "post", "/issue", items[0]), 409, "LICENSE_NO_SEAL")
    assert counts(body) == (0, 0, 2)
    assert [result["error"] for result in body["results"]] == [single, single]
    assert everything() == before


# --- the seal and the shared reads, once per batch ---------------------------------------------------


def test_with_the_seal_suspended_replays_still_answer_and_new_items_fail_as_alone(seal, people, department):
    client = approver_client(people)
    holder = PersonFactory()
    first = batch(client, [residence(holder, "s-1")]).json()["results"][0]["license"]
    seal_services.set_seal_status(actor=people["dept_admin"].user, seal=seal, status="suspended", reason="印章遗失")
    item = residence(PersonFactory(), "s-2")
    before = everything()
    body = batch(client, [residence(holder, "s-1"), item]).json()
    assert counts(body) == (0, 1, 1)
    assert body["results"][0]["license"] == first
    assert body["results"][1]["error"] == assert_error(call(client, "post", "/issue", item), 409, "LICENSE_NO_SEAL")
    assert everything() == before


def test_a_seal_whose_validity_ends_while_a_batch_signs_signs_every_item_at_the_batchs_one_moment(
    seal, people, department, monkeypatch
):
    # given a seal valid for one more minute, and a clock that passes its end while the batch signs:
    # after the first signature any further reading of the clock is past the seal's validity
    holders = [PersonFactory() for _ in range(3)]
    start = timezone.now()
    Seal.objects.filter(pk=seal.pk).update(valid_to=start + dt.timedelta(minutes=1))
    sign = signing.jws_sign
    signed = []

    with time_machine.travel(start, tick=False) as clock:

        def slow_signing(**kwargs):
            signed.append(kwargs["signed_at"])
            clock.move_to(start + dt.timedelta(minutes=2))
            return sign(**kwargs)

        monkeypatch.setattr(signing, "jws_sign", slow_signing)
        # when the approver issues three licences in one batch
        outcomes = services.issue_licenses(
            issuer=services.Issuer(user=people["approver"].user), department=department,
            requests=[services.IssueRequest(**residence(holder, f"e-{n}")) for n, holder in enumerate(holders)],
        )
    # then the batch is decided at one moment, inside the seal's validity: every item is issued (not
    # the first alone, and not none of them), each signed at that moment and recorded so
    assert [(outcome.status, outcome.error) for outcome in outcomes] == [("created", None)] * 3
    assert signed == [start] * 3
    usages = list(SealUsage.objects.order_by("id"))
    assert [usage.signed_at for usage in usages] == [start] * 3
    assert len({usage.batch for usage in usages}) == 1


def test_a_batch_after_the_seals_validity_answers_every_new_item_as_single_issuance_and_writes_nothing(
    seal, people, department
):
    # given a seal whose validity ended a second ago (still active: the issuing seal's look-up finds it)
    client = approver_client(people)
    holder = PersonFactory()
    first = batch(client, [residence(holder, "p-0")]).json()["results"][0]["license"]
    Seal.objects.filter(pk=seal.pk).update(valid_to=timezone.now() - dt.timedelta(seconds=1))
    items = [residence(PersonFactory(), f"p-{n}") for n in (1, 2, 3)]
    before = everything()
    # when a batch carries an earlier item again and three new ones
    body = batch(client, [residence(holder, "p-0"), *items]).json()
    # then the earlier one is still its replay, and each new one gets the error a single issuance gets
    single = assert_error(call(client, "post", "/issue", items[0]), 409, "SEAL_EXPIRED")
    assert counts(body) == (0, 1, 3)
    assert body["results"][0]["license"] == first
    assert [result["error"] for result in body["results"][1:]] == [single] * 3
    assert everything() == before


def _tables(queries: list[dict]) -> dict[str, int]:
    """How many statements read each of the tables a batch reads once (staff, roles, department, seal, type)."""
    tables = {
        "seal": Seal._meta.db_table, "type": LicenseType._meta.db_table, "staff": StaffMember._meta.db_table,
        "department": Department._meta.db_table,
    }
    return {name: sum(1 for query in queries if f'FROM "{table}"' in query["sql"]) for name, table in tables.items()}


def test_the_seal_is_locked_once_and_shared_reads_are_made_once_per_batch(seal, people, department, monkeypatch):
    locks = []
    lock_seal = signing.lock_seal
    monkeypatch.setattr(signing, "lock_seal", lambda **kwargs: locks.append(kwargs) or lock_seal(**kwargs))
    enterprise = EnterpriseFactory()

    def send(items: list[dict]) -> dict[str, int]:
        client = approver_client(people)
        with CaptureQueriesContext(connection) as captured:
            response = batch(client, items)
        assert response.status_code == 200
        assert response.json()["failed"] == 0, response.content
        return _tables(captured.captured_queries)

    # one item of each of two types, then twelve items of the same two types
    small = send([residence(PersonFactory(), "q-1"), business_licence(enterprise, "q-2")])
    large = send([residence(PersonFactory(), f"q-1{n}") for n in range(11)] + [business_licence(EnterpriseFactory(), "q-3")])
    assert small == large
    assert small["type"] == 2  # one read per distinct type
    assert small["seal"] == 2  # the department's issuing seal, then its lock
    assert len(locks) == 2  # one lock per batch


def test_an_item_whose_key_a_concurrent_request_committed_first_is_answered_as_its_replay(
    seal, people, department, monkeypatch
):
    # given a key issued by a concurrent request after this batch's checks looked for it (the checks
    # run before the transaction): the look-up finds nothing the first time, the insert then fails
    client, holder = approver_client(people), PersonFactory()
    concurrent = call(client, "post", "/issue", residence(holder, "c-1")).json()
    looked_up = issuance._issued_with
    seen: list[str] = []

    def not_yet(department, key):
        if key == "c-1" and key not in seen:
            seen.append(key)
            return None
        return looked_up(department, key)

    monkeypatch.setattr(issuance, "_issued_with", not_yet)
    before = everything()
    # when the batch carries the same request and two new ones around it
    items = [residence(PersonFactory(), "c-0"), residence(holder, "c-1"), residence(PersonFactory(), "c-2")]
    body = batch(client, items).json()
    # then the batch's re-read in its transaction finds the key: that item writes nothing (no serial,
    # signature, event, audit or message) and answers as the replay of the concurrent licence; the
    # others are issued, with the next serials
    assert seen == ["c-1"]  # the checks missed the key
    assert [result["status"] for result in body["results"]] == ["created", "replayed", "created"]
    assert body["results"][1]["license"] == concurrent
    after = everything()
    assert after["seal_uses"] == before["seal_uses"] + 2
    assert after["messages"] == before["messages"] + 2
    assert after["events"] == before["events"] + 2
    assert after["audit"] == before["audit"] + 4
    serials = sorted(int(serial[4:]) for serial in License.objects.values_list("serial", flat=True))
    assert serials == [1, 2, 3]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor == "sqlite" and connection.settings_dict.get("TEST", {}).get("NAME") in (None, "", ":memory:"),
    reason="threads cannot share the in-memory SQLite test database (runs on PostgreSQL)",
)
def test_concurrent_batches_sharing_keys_issue_each_key_once(seal, people, department):
    # given 4 workers sending at the same moment batches with the same 5 requests (same keys, same
    # content) and 5 of their own, beside single issuances of 2 types (on PostgreSQL: real concurrency)
    ensured = license_type("居住证")
    shared = [services.IssueRequest(**residence(PersonFactory(), f"shared-{n}")) for n in range(5)]
    own = [[services.IssueRequest(**residence(PersonFactory(), f"own-{w}-{n}")) for n in range(5)] for w in range(4)]
    answers: list[list[services.IssueOutcome]] = []
    errors: list[BaseException] = []
    start = threading.Barrier(5)
    issuer = services.Issuer(user=people["approver"].user)

    def worker(n: int) -> None:
        try:
            start.wait()
            answers.append(services.issue_licenses(issuer=issuer, department=department, requests=shared + own[n]))
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    def single() -> None:
        try:
            start.wait()
            for n in range(3):
                services.issue_license(
                    issuer=issuer, license_type=ensured, department=department, holder=PersonFactory(),
                    surface={"issue_date": "2026-12-01"}, idempotency_key=f"single-{n}",
                )
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)] + [threading.Thread(target=single)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then no batch failed or had a failed item; each shared key is one licence, created by one batch
    # and replayed to the three others with the same identifier
    assert errors == []
    assert all(outcome.status != "error" for answer in answers for outcome in answer)
    for n in range(5):
        statuses = sorted(answer[n].status for answer in answers)
        assert statuses == ["created", "replayed", "replayed", "replayed"]
        assert len({answer[n].license.identifier for answer in answers}) == 1
    assert License.objects.count() == 5 + 20 + 3
    assert SealUsage.objects.count() == 28
    serials = sorted(int(serial[4:]) for serial in License.objects.values_list("serial", flat=True))
    assert serials == list(range(1, 29))


# --- serials ---------------------------------------------------------------------------------------


def test_serials_stay_unique_and_consecutive_across_a_batch_and_a_single_issuance(seal, people, department):
    client = approver_client(people)
    body = batch(client, [residence(PersonFactory(), f"n-{n}") for n in range(5)]).json()
    single = call(client, "post", "/issue", residence(PersonFactory(), "n-single"))
    assert single.status_code == 201
    identifiers = [result["license"]["identifier"] for result in body["results"]] + [single.json()["identifier"]]
    serials = [License.objects.get(identifier=identifier).serial for identifier in identifiers]
    year = serials[0][:4]
    assert serials == [f"{year}{n:07d}" for n in range(1, 7)]
    assert SerialCounter.objects.get(issuer=department).last == 6


def test_a_batch_of_two_types_takes_consecutive_serials_per_type_in_item_order_and_a_single_issuance_goes_on(
    seal, people, department
):
    # given a batch alternating two types
    client = approver_client(people)
    items = [
        residence(PersonFactory(), "r-0"), business_licence(EnterpriseFactory(), "b-0"), residence(PersonFactory(), "r-1"),
        business_licence(EnterpriseFactory(), "b-1"), residence(PersonFactory(), "r-2"),
    ]
    audit_before = AuditEntry.objects.count()
    # when it is issued, then a single licence of the first type
    body = batch(client, items).json()
    single = call(client, "post", "/issue", residence(PersonFactory(), "r-single"))
    # then each type's serials run on from 1 in the order of its items, and the single one takes the next
    assert counts(body) == (5, 0, 0)
    assert single.status_code == 201
    licences = [License.objects.get(identifier=result["license"]["identifier"]) for result in body["results"]]
    year = licences[0].serial[:4]
    assert [licence.serial for licence in licences] == [f"{year}{n:07d}" for n in (1, 1, 2, 2, 3)]
    assert License.objects.get(identifier=single.json()["identifier"]).serial == f"{year}0000004"
    assert sorted(SerialCounter.objects.values_list("last", flat=True)) == [2, 4]
    # and the licences, their seal uses and events are written in item order, the audit chain holding
    # each licence's seal use then its issue, as one by one
    assert [licence.pk for licence in licences] == sorted(licence.pk for licence in licences)
    usages = list(SealUsage.objects.order_by("id"))[:5]
    assert [usage.purpose for usage in usages] == [f"签发电子证照 {licence.identifier}" for licence in licences]
    chain = list(AuditEntry.objects.order_by("seq")[audit_before:audit_before + 10])
    assert [(entry.action, entry.object_id if entry.action == "licenses.issue" else entry.details["usage"])
            for entry in chain] == [
        pair for usage, licence in zip(usages, licences, strict=True)
        for pair in (("seals.use.jws", usage.pk), ("licenses.issue", str(licence.pk)))
    ]
    assert audit.verify_chain().ok is True


def test_an_exhausted_year_inside_a_batch_fails_only_the_items_past_the_last_serial(seal, people, department):
    # given a type whose year has one serial left
    client = approver_client(people)
    first = call(client, "post", "/issue", residence(PersonFactory(), "x-first")).json()
    counter = SerialCounter.objects.get()
    counter.last = 9_999_998
    counter.save()
    before = everything()
    # when a batch asks for three of it and one of another type
    items = [residence(PersonFactory(), "x-0"), residence(PersonFactory(), "x-1"),
             business_licence(EnterpriseFactory(), "x-b"), residence(PersonFactory(), "x-2")]
    body = batch(client, items).json()
    # then the first takes the last serial, the other type is issued, the two past the end fail as a
    # single issuance does, and nothing is written for them
    assert [result["status"] for result in body["results"]] == ["created", "error", "created", "error"]
    year = License.objects.get(identifier=first["identifier"]).serial[:4]
    assert License.objects.get(idempotency_key="x-0").serial == f"{year}9999999"
    single = assert_error(call(client, "post", "/issue", residence(PersonFactory(), "x-single")), 409,
                          "LICENSE_SERIAL_EXHAUSTED")
    assert body["results"][1]["error"] == body["results"][3]["error"] == single
    after = everything()
    assert len(after["licenses"]) == len(before["licenses"]) + 2
    assert (after["seal_uses"], after["audit"], after["messages"], after["events"]) == (
        before["seal_uses"] + 2, before["audit"] + 4, before["messages"] + 2, before["events"] + 2
    )
    assert SerialCounter.objects.get(pk=counter.pk).last == 9_999_999
    assert not License.objects.filter(idempotency_key__in=["x-1", "x-2"]).exists()


def _not_found_at_first(monkeypatch, *keys: str) -> set[str]:
    """The checks (before the transaction) do not find ``keys``: a concurrent request commits them just after.
    Returns the keys the checks have missed so far."""
    looked_up = issuance._issued_with
    seen: set[str] = set()

    def not_yet(department, key):
        if key in keys and key not in seen:
            seen.add(key)
            return None
        return looked_up(department, key)

    monkeypatch.setattr(issuance, "_issued_with", not_yet)
    return seen


def test_a_key_committed_after_the_checks_for_another_request_is_found_by_the_re_read_and_fails_alone(
    seal, people, department, monkeypatch
):
    # given a key a concurrent request used for another holder, committed after this batch's checks
    client = approver_client(people)
    call(client, "post", "/issue", residence(PersonFactory(), "k-1"))
    missed = _not_found_at_first(monkeypatch, "k-1")
    locks = []
    lock_seal = signing.lock_seal
    monkeypatch.setattr(signing, "lock_seal", lambda **kwargs: locks.append(kwargs) or lock_seal(**kwargs))
    before = everything()
    # when the batch carries that key for someone else between two new items
    body = batch(client, [residence(PersonFactory(), "k-0"), residence(PersonFactory(), "k-1"),
                          residence(PersonFactory(), "k-2")]).json()
    # then the re-read in the transaction answers it as single issuance would, written once (no retry)
    assert missed == {"k-1"}  # the checks missed the key
    assert [result["status"] for result in body["results"]] == ["created", "error", "created"]
    assert body["results"][1]["error"]["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert len(locks) == 1
    after = everything()
    assert (after["seal_uses"], after["audit"]) == (before["seal_uses"] + 2, before["audit"] + 4)
    serials = sorted(int(serial[4:]) for serial in License.objects.values_list("serial", flat=True))
    assert serials == [1, 2, 3]


def test_a_key_inserted_after_the_re_read_undoes_the_writes_and_the_batch_is_written_again(
    seal, people, department, monkeypatch
):
    # given a key committed by a concurrent request that neither the checks nor the first re-read see
    # (on PostgreSQL it can be inserted between the re-read and the batch's insert)
    client, holder = approver_client(people), PersonFactory()
    concurrent = call(client, "post", "/issue", residence(holder, "w-1")).json()
    _not_found_at_first(monkeypatch, "w-1")
    replays = batch_issuance._replays
    calls: list[int] = []

    def first_misses(*args):
        calls.append(1)
        return {} if len(calls) == 1 else replays(*args)

    monkeypatch.setattr(batch_issuance, "_replays", first_misses)
    before = everything()
    # when
    body = batch(client, [residence(PersonFactory(), "w-0"), residence(holder, "w-1")]).json()
    # then the key's unique constraint refused the first write, all of it was undone, and the second
    # attempt answered the key as the concurrent licence's replay
    assert len(calls) == 2
    assert [result["status"] for result in body["results"]] == ["created", "replayed"]
    assert body["results"][1]["license"] == concurrent
    after = everything()
    assert (after["seal_uses"], after["audit"], after["messages"], after["events"]) == (
        before["seal_uses"] + 1, before["audit"] + 2, before["messages"] + 1, before["events"] + 1
    )
    assert sorted(int(serial[4:]) for serial in License.objects.values_list("serial", flat=True)) == [1, 2]


def test_a_batch_refused_by_keys_on_every_attempt_answers_its_new_items_as_a_concurrent_issue(
    seal, people, department, monkeypatch
):
    # given a key that no re-read finds but the insert always runs into
    client, holder = approver_client(people), PersonFactory()
    call(client, "post", "/issue", residence(holder, "z-1"))
    _not_found_at_first(monkeypatch, "z-1")
    monkeypatch.setattr(batch_issuance, "_replays", lambda *args: {})
    before = everything()
    # when
    body = batch(client, [residence(PersonFactory(), "z-0"), residence(holder, "z-1")]).json()
    # then after the last attempt each item is answered as single issuance answers a concurrent
    # issuance it cannot resolve, and nothing is written
    assert [(result["status"], result["error"]["code"]) for result in body["results"]] == [
        ("error", "LICENSE_CONCURRENT_ISSUE"), ("error", "LICENSE_CONCURRENT_ISSUE")
    ]
    assert everything() == before


def test_the_failed_holder_look_ups_are_kept_when_the_batch_s_writes_are_undone(
    seal, people, department, monkeypatch
):
    # given a batch with an unregistered holder beside two items whose writes are undone on every
    # attempt (a key no re-read finds but the insert runs into, as above)
    client, holder = approver_client(people), PersonFactory()
    call(client, "post", "/issue", residence(holder, "g-1"))
    _not_found_at_first(monkeypatch, "g-1")
    monkeypatch.setattr(batch_issuance, "_replays", lambda *args: {})
    before = everything()
    # when
    body = batch(client, [
        residence(PersonFactory(), "g-0", holder_credit_code="91330000000000000X"), residence(holder, "g-1"),
        residence(PersonFactory(), "g-2"),
    ]).json()
    # then the batch's writes are undone, but the failed look-up stays audited, once
    assert [(result["status"], result["error"]["code"]) for result in body["results"]] == [
        ("error", "LICENSE_HOLDER_NOT_FOUND"), ("error", "LICENSE_CONCURRENT_ISSUE"), ("error", "LICENSE_CONCURRENT_ISSUE"),
    ]
    assert lookups_failed(before["audit"]) == [lookup_failed(people, department, credit_code="913***********000X")]
    assert everything() == before | {"audit": before["audit"] + 1}
    assert audit.verify_chain().ok is True


def test_items_a_concurrent_request_issued_stay_its_replays_when_the_batch_cannot_sign(
    seal, people, department, monkeypatch
):
    # given a key a concurrent request issued with the same request after this batch's checks
    client, holder = approver_client(people), PersonFactory()
    concurrent = call(client, "post", "/issue", residence(holder, "v-1")).json()
    missed = _not_found_at_first(monkeypatch, "v-1")

    # and a seal that stops signing inside the batch's transaction (its validity ends meanwhile)
    def cannot_sign(*args, **kwargs):
        raise Conflict("SEAL_EXPIRED", "电子印章已过有效期，不能用章")

    monkeypatch.setattr(batch_issuance, "_write_new", cannot_sign)
    before = everything()
    # when the batch carries that key beside a new item
    body = batch(client, [residence(PersonFactory(), "v-0"), residence(holder, "v-1")]).json()
    # then the new item fails with the seal's error, the concurrent one is still answered as its replay
    assert missed == {"v-1"}  # the checks missed the key
    assert [result["status"] for result in body["results"]] == ["error", "replayed"]
    assert body["results"][0]["error"]["code"] == "SEAL_EXPIRED"
    assert body["results"][1]["license"]["identifier"] == concurrent["identifier"]
    assert everything() == before
