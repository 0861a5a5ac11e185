"""批量签发 (``issue_licenses``): up to MAX_BATCH licences, each checked as a single request, then
written together in one transaction (serial ranges, one INSERT per kind of row)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.db import IntegrityError, transaction

from zwfw.catalog.models import Department
from zwfw.core import audit
from zwfw.core.errors import Conflict, DomainError, ValidationFailed
from zwfw.identity.models import DocumentType, Enterprise, Person
from zwfw.licenses.models import License, LicenseType, TrustLevel
from zwfw.licenses.selectors import find_holders, license_type_by_code
from zwfw.licenses.services.common import (
    Issuer,
    _authorise,
    _holder_account,
    _idempotency_key,
    _issuing_seal,
    _serials,
    _serials_exhausted,
)
from zwfw.licenses.services.holders import HOLDER_NOT_FOUND, _lookup_failed
from zwfw.licenses.services.issuance import (
    _EVENT,
    _LICENSE,
    _check_issue,
    _Checked,
    _issue_audited,
    _issue_event,
    _issue_notice,
    _new_license,
    _replayed,
    _seal_actor,
    _to_sign,
    queue_file_sweep,
)
from zwfw.notifications.services import send_inbox_messages
from zwfw.seals import signing

MAX_BATCH = 100  # licences in one batch
CREATED, REPLAYED, FAILED = "created", "replayed", "error"


@dataclass(frozen=True)
class IssueRequest:
    """One licence of a batch, named as in a single request (POST /issue): the type by its code, the
    holder by document or by credit code."""

    type_code: str
    idempotency_key: str
    holder_document_type: str = DocumentType.RESIDENT_ID
    holder_document_number: str = ""
    holder_credit_code: str = ""
    surface: dict[str, Any] = dataclasses.field(default_factory=dict)
    valid_from: dt.date | None = None
    trust_level: str = TrustLevel.A


@dataclass(frozen=True)
class IssueOutcome:
    """What became of the item ``index`` of a batch: ``created``; ``replayed``, with the licence its
    key issued before; or ``error``, with the error single issuance raises, nothing written for it."""

    index: int
    status: str
    license: License | None = None
    error: DomainError | None = None


def issue_licenses(*, issuer: Issuer, department: Department, requests: Sequence[IssueRequest]) -> list[IssueOutcome]:
    """批量签发: 1 to MAX_BATCH licences, each checked and issued exactly as a single request (POST
    /issue: its type and holder looked up, then ``issue_license``), each answered on its own, in order.
    The whole batch is refused, nothing written, only when the issuer may not issue, for its size,
    and for an idempotency key given to two items.

    The reads run before the transaction: the issuer's authority and the department's seal once, each
    distinct type once, the holders in one look-up, each item's key and surface. The items answered
    LICENSE_HOLDER_NOT_FOUND are audited as ``look_up_holder`` audits one, together (one
    ``audit.record_many``) and before the batch's transaction, so that these entries stay whatever
    becomes of its writes. Then one transaction (on SQLite one write lock, one commit for the batch)
    locks the seal once and writes the items together (``_write_batch``), signed at one moment: an
    item whose key a concurrent request committed first is answered as that request's licence (as
    ``issue_license`` does)."""
    _authorise(issuer, department)
    _check_batch(requests)
    outcomes: dict[int, IssueOutcome] = {}
    pending: list[tuple[int, IssueRequest, _Checked]] = []
    types: dict[str, LicenseType | DomainError] = {}
    named = [
        (request.holder_document_type, request.holder_document_number, request.holder_credit_code) for request in requests
    ]
    holders = find_holders(named, department=department)
    for index, (request, holder) in enumerate(zip(requests, holders, strict=True)):
        try:
            checked = _check_item(request, holder, department, types)
        except DomainError as error:
            outcomes[index] = IssueOutcome(index=index, status=FAILED, error=error)
            continue
        if isinstance(checked, License):
            outcomes[index] = IssueOutcome(index=index, status=REPLAYED, license=checked)
        else:
            pending.append((index, request, checked))
    # the items whose answer says nobody has an account under the number (as the single request's
    # would: an item refused for its type first looks no one up)
    failed_lookups = [
        _lookup_failed(issuer, department, named[index], outcome.error)
        for index, outcome in sorted(outcomes.items())
        if outcome.error is not None and outcome.error.code == HOLDER_NOT_FOUND
    ]
    if failed_lookups:
        audit.record_many(failed_lookups)
    written = _write_batch(issuer, department, [checked for _, _, checked in pending])
    for (index, _, _), result in zip(pending, written, strict=True):
        if isinstance(result, DomainError):
            outcomes[index] = IssueOutcome(index=index, status=FAILED, error=result)
        else:
            outcomes[index] = IssueOutcome(index=index, status=REPLAYED if result.replayed else CREATED, license=result)
    return [outcomes[index] for index in range(len(requests))]


def _check_batch(requests: Sequence[IssueRequest]) -> None:
    if not 1 <= len(requests) <= MAX_BATCH:
        raise ValidationFailed("LICENSE_BATCH_SIZE", f"每批签发1到{MAX_BATCH}份证照", details={"field": "items"})
    # one key names one licence: two items under one key would be one request answered twice, or a
    # request conflicting with itself
    indexes: dict[str, list[int]] = {}
    for index, request in enumerate(requests):
        key = request.idempotency_key.strip() if isinstance(request.idempotency_key, str) else ""
        if key:
            indexes.setdefault(key, []).append(index)
    repeated = {key: found for key, found in indexes.items() if len(found) > 1}
    if repeated:
        named = "；".join("、".join(str(index) for index in found) for found in repeated.values())
        raise ValidationFailed(
            "LICENSE_BATCH_DUPLICATE_KEYS",
            f"同一批次中各项的幂等键不能相同：第 {named} 项（序号从0起）的幂等键重复，整批未签发",
            details={
                "field": "items",
                "duplicates": [{"idempotency_key": key, "indexes": found} for key, found in repeated.items()],
            },
        )


def _check_item(
    request: IssueRequest, holder: Person | Enterprise | DomainError, department: Department,
    types: dict[str, LicenseType | DomainError],
) -> License | _Checked:
    """An item's checks in the order of a single request: its type (read once per batch), its holder
    (all of the batch's in one look-up: ``find_holders``), its key, then those of ``issue_license``."""
    license_type = types.get(request.type_code)
    if license_type is None:
        try:
            license_type = license_type_by_code(request.type_code)
        except DomainError as error:
            license_type = error
        types[request.type_code] = license_type
    if isinstance(license_type, DomainError):
        raise license_type
    if isinstance(holder, DomainError):
        raise holder
    return _check_issue(
        license_type=license_type, department=department, holder=holder, surface=request.surface,
        valid_from=request.valid_from, key=_idempotency_key(request.idempotency_key), trust_level=request.trust_level,
    )


# A batch whose insert a concurrent request's key refused (PostgreSQL) is written again this often in
# all, its re-read then answering that key as a replay.
BATCH_WRITE_ATTEMPTS = 3


def _write_batch(issuer: Issuer, department: Department, items: list[_Checked]) -> list[License | DomainError]:
    """The writes of a batch's checked items, in one transaction: each one's licence (created, or the
    replay of the licence a concurrent request committed with its key first), or its error."""
    if not items:
        return []
    try:
        seal = _issuing_seal(department)  # a read: before the transaction, as for a single issuance
    except DomainError as error:
        return [error] * len(items)
    replays: dict[int, License | DomainError] = {}
    for _ in range(BATCH_WRITE_ATTEMPTS):
        try:
            with transaction.atomic():
                locked = signing.lock_seal(actor=_seal_actor(issuer), seal=seal, batch=len(items) > 1)
                replays = _replays(department, items)
                answers = replays | _write_new(issuer, department, items, locked, replays)
        except IntegrityError:
            # a key inserted by a concurrent transaction after the re-read (PostgreSQL; on SQLite the
            # transaction's write lock keeps every other writer out): all undone, written again
            continue
        except DomainError as error:  # the seal can no longer sign (checked under its lock): nothing written,
            # and the items a concurrent request issued meanwhile are still answered as its replays
            return [replays.get(index, error) for index in range(len(items))]
        return [answers[index] for index in range(len(items))]
    # the replays the last re-read found stand (they only read); nothing else was written
    concurrent = Conflict("LICENSE_CONCURRENT_ISSUE", "证照正在被同时签发，请重试")
    return [replays.get(index, concurrent) for index in range(len(items))]


def _replays(department: Department, items: list[_Checked]) -> dict[int, License | DomainError]:
    """The items whose key the department has issued since their checks (a concurrent request), read
    again in the transaction (on SQLite no other writer can insert one from here on), each answered as
    that licence's replay or IDEMPOTENCY_KEY_REUSED, as ``issue_license`` answers it."""
    keys = [checked.key for checked in items if checked.key]
    if not keys:
        return {}
    issued = {
        license.idempotency_key: license
        for license in License.objects.filter(issuer=department, idempotency_key__in=keys).exclude(idempotency_key="")
    }
    found: dict[int, License | DomainError] = {}
    for index, checked in enumerate(items):
        existing = issued.get(checked.key) if checked.key else None
        if existing is not None:
            try:
                found[index] = _replayed(
                    existing, checked.license_type, checked.holder, checked.asked_surface, checked.asked_valid_from,
                    checked.trust_level,
                )
            except DomainError as error:
                found[index] = error
    return found


def _write_new(
    issuer: Issuer, department: Department, items: list[_Checked], locked: signing.LockedSeal,
    replays: dict[int, License | DomainError],
) -> dict[int, License | DomainError]:
    """The licences of the items that are not ``replays``, in ``_write_batch``'s transaction with the
    seal locked: a range of serials per type and year, each licence signed on its own, then their
    用章记录, licences, events, audit entries and inbox messages written with one INSERT each
    (``PreparedInsert.insert_many``, ``audit.record_many``, ``send_inbox_messages``). Each item's licence, or its error."""
    answers: dict[int, License | DomainError] = {}
    ranges: dict[tuple[int, int], list[int]] = {}
    for index, checked in enumerate(items):
        if index not in replays:
            ranges.setdefault((checked.license_type.pk, checked.valid_from.year), []).append(index)
    serials: dict[int, str] = {}
    for (_, year), indexes in ranges.items():  # the counters locked in the order the items name them
        license_type = items[indexes[0]].license_type
        taken = _serials(license_type, department, year, len(indexes))
        serials.update(zip(indexes, taken, strict=False))
        for index in indexes[len(taken):]:  # past the year's last serial: these items alone fail
            answers[index] = _serials_exhausted(license_type)
    new = [
        (index, items[index], _new_license(department=department, checked=items[index], serial=serials[index], seal=locked))
        for index in sorted(serials)
    ]
    if not new:
        return answers

    def write(signatures: list[signing.DataSignature]) -> list[list[audit.NewEntry]]:
        for (_, _, license), signature in zip(new, signatures, strict=True):
            license.signature = signature.signature
        _LICENSE.insert_many([license for _, _, license in new])
        _EVENT.insert_many([_issue_event(issuer, license, checked) for _, checked, license in new])
        return [[_issue_audited(issuer, license, checked)] for _, checked, license in new]

    locked.sign_many([_to_sign(license, checked) for _, checked, license in new], fmt="jws", then=write)
    notices = [
        (account, _issue_notice(department, license, checked))
        for _, checked, license in new
        if (account := _holder_account(license)) is not None
    ]
    if notices:
        send_inbox_messages(purpose="license", subject="电子证照", messages=notices)
    for index, _, license in new:
        answers[index] = license
    # one sweep from the first licence makes the files of all of them (queue_file_sweep)
    transaction.on_commit(partial(queue_file_sweep, min(license.pk for _, _, license in new)), robust=True)
    return answers
