"""签发 of one licence (``issue_license``): its checks, a replay of its idempotency key, the writes in
one transaction with the seal locked, and the file sweep queued after commit; the checked issuance
and its writes are shared with a batch."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from zwfw.catalog.models import Department
from zwfw.core import audit
from zwfw.core.audit import canonical_json, digest
from zwfw.core.errors import Conflict, ValidationFailed
from zwfw.core.lookups import PreparedInsert, PreparedRead
from zwfw.identity.models import Enterprise, Person
from zwfw.licenses.identifiers import make_identifier
from zwfw.licenses.models import HolderKind, License, LicenseEvent, LicenseStatus, LicenseType, TrustLevel
from zwfw.licenses.services.common import (
    Issuer,
    _authorise,
    _check_issuing_kind,
    _check_valid_from,
    _holder_facts,
    _idempotency_key,
    _issuing_seal,
    _next_serial,
    _notify,
    _valid_until,
    check_surface,
    holder_index,
    signed_payload,
    surface_of,
)
from zwfw.seals import signing


def issue_license(
    *,
    issuer: Issuer,
    license_type: LicenseType,
    department: Department,
    holder: Person | Enterprise,
    surface: dict[str, Any],
    valid_from: dt.date | None = None,
    idempotency_key: str = "",
    trust_level: str = TrustLevel.A,
) -> License:
    """签发 a licence (version 001). The same idempotency key from the same department returns the
    licence it made, or a conflict if the request differs."""
    key = _idempotency_key(idempotency_key)
    try:
        license = _issue(
            issuer=issuer, license_type=license_type, department=department, holder=holder, surface=surface,
            valid_from=valid_from, key=key, trust_level=trust_level,
        )
    except IntegrityError:
        return _issued_concurrently(
            department, key, license_type=license_type, holder=holder, surface=surface, valid_from=valid_from,
            trust_level=trust_level,
        )
    if not license.replayed:
        # robust: a licence whose sweep could not be queued gets its file at the first download
        transaction.on_commit(partial(queue_file_sweep, license.pk), robust=True)
    return license


# A web process queues at most one file sweep this often; the sweep takes every licence since.
FILE_SWEEP_GATE_SECONDS = 30


def queue_file_sweep(license_id: int) -> None:
    """The licence's file is made by the worker (tasks.render_license_files) while the seal signs.
    Issuance pays one cache check for it, not a queued row per licence (a second write transaction):
    the first licence of each FILE_SWEEP_GATE_SECONDS (per web process with the local-memory cache,
    per node with Redis) queues a sweep from its id, and a sweep that finds work looks again a minute
    later. A licence the sweeps miss (on PostgreSQL one with a lower id may commit after the sweep
    passed it) gets its file at the first download. Without ``settings.BASE_URL`` nothing is queued:
    the file's QR code needs the node's address, which the first download takes from its request."""
    from zwfw.licenses.tasks import render_license_files

    if settings.BASE_URL and cache.add("zwfw:licenses:file-sweep", license_id, timeout=FILE_SWEEP_GATE_SECONDS):
        render_license_files.enqueue(license_id)


# the empty key is excluded so that the partial unique index (non-empty keys) serves the look-up; the
# id first: most requests are not replays, and the whole row is only wanted for one
_ISSUED_WITH = PreparedRead(
    lambda issuer, key: License.objects.exclude(idempotency_key="").filter(issuer=issuer, idempotency_key=key)
    .order_by().values_list("id")[:1],
    keys=2,
)


def _issued_with(department: Department, key: str) -> License | None:
    found = _ISSUED_WITH.rows(department.pk, key)
    return License.objects.get(pk=found[0][0]) if found else None


def _replayed(
    existing: License, license_type: LicenseType, holder: Person | Enterprise, surface: dict[str, Any],
    valid_from: dt.date | None, trust_level: str,
) -> License:
    """The licence issued with the key, if the request is the same (a valid_from not given is the same
    as the one the first request got: its day)."""
    same = (
        existing.license_type_id == license_type.pk
        and existing.holder_index == holder_index(_holder_facts(holder)[1])
        and valid_from in (None, existing.valid_from)
        and trust_level == existing.trust_level
    )
    if not same or digest(check_surface(license_type, surface, holder)) != digest(surface_of(existing)):
        raise Conflict("IDEMPOTENCY_KEY_REUSED", "该幂等键已用于另一份证照签发请求")
    existing.license_type = license_type  # the same row (compared above): the answer shows it unread
    existing.replayed = True
    return existing


def _issued_concurrently(
    department: Department, key: str, *, license_type: LicenseType, holder: Person | Enterprise,
    surface: dict[str, Any], valid_from: dt.date | None, trust_level: str,
) -> License:
    """After the key's unique constraint refused an insert: a concurrent request with the same key
    committed first, and its licence answers this one as a replay (or IDEMPOTENCY_KEY_REUSED)."""
    if key:
        existing = _issued_with(department, key)
        if existing is not None:
            return _replayed(existing, license_type, holder, surface, valid_from, trust_level)
    raise Conflict("LICENSE_CONCURRENT_ISSUE", "证照正在被同时签发，请重试") from None


# every issuance writes a licence and its first event: compiled once per connection
_LICENSE = PreparedInsert(License)
_EVENT = PreparedInsert(LicenseEvent)


@dataclass(frozen=True)
class _Checked:
    """An issuance that passed its checks, with what its writes need."""

    license_type: LicenseType
    holder: Person | Enterprise
    surface: dict[str, str]  # as check_surface returned it: what is signed and stored
    valid_from: dt.date
    key: str
    trust_level: str
    now: dt.datetime
    asked_surface: dict[str, Any]  # as the request gave them: a replay compares the request
    asked_valid_from: dt.date | None


def _check_issue(
    *, license_type: LicenseType, department: Department, holder: Person | Enterprise, surface: dict[str, Any],
    valid_from: dt.date | None, key: str, trust_level: str,
) -> License | _Checked:
    """The checks of one issuance by an authorised issuer (``_authorise``), reads only: the licence
    the key issued before (a replay of the same request), or the request checked, ready to write."""
    if key:
        existing = _issued_with(department, key)
        if existing is not None:
            return _replayed(existing, license_type, holder, surface, valid_from, trust_level)
    if not license_type.is_active:
        raise Conflict("LICENSE_TYPE_INACTIVE", "该证照类型已停用")
    _check_issuing_kind(license_type, department)
    expected = HolderKind.PERSON if isinstance(holder, Person) else HolderKind.ENTERPRISE
    if license_type.holder_kind != expected:
        raise ValidationFailed(
            "LICENSE_HOLDER_KIND", f"“{license_type.name}”的持证主体应为{HolderKind(license_type.holder_kind).label}",
            details={"field": "holder"},
        )
    if trust_level not in TrustLevel.values:
        raise ValidationFailed("LICENSE_TRUST_LEVEL", "可信等级应为 A、B、C 或 D", details={"field": "trust_level"})
    checked = check_surface(license_type, surface, holder)
    now = timezone.now()
    asked_valid_from, valid_from = valid_from, valid_from or timezone.localdate(now)
    _check_valid_from(valid_from, timezone.localdate(now))
    return _Checked(
        license_type=license_type, holder=holder, surface=checked, valid_from=valid_from, key=key,
        trust_level=trust_level, now=now, asked_surface=surface, asked_valid_from=asked_valid_from,
    )


def _seal_actor(issuer: Issuer) -> signing.SigningActor:
    # The issuing authority is checked by _authorise; the department's seal signs on its behalf (the
    # use recorded under the issuer's label), whatever seal-use roles the issuing staff member holds.
    return signing.SigningActor(system=f"licenses:{issuer.label}")


def _new_license(*, department: Department, checked: _Checked, serial: str, seal: signing.LockedSeal) -> License:
    """The licence a checked issuance makes with ``serial``, not yet signed nor saved."""
    license_type, valid_from, holder = checked.license_type, checked.valid_from, checked.holder
    name, code = _holder_facts(holder)
    identifier = make_identifier(type_code=license_type.code, issuer_code=department.credit_code, serial=serial)
    return License(
        identifier=identifier.value,
        license_type=license_type,
        serial=serial,
        version=1,
        issuer=department,
        holder_person=holder if isinstance(holder, Person) else None,
        holder_enterprise=holder if isinstance(holder, Enterprise) else None,
        holder_name=name,
        holder_index=holder_index(code),
        surface=canonical_json(checked.surface),
        trust_level=checked.trust_level,
        issued_at=checked.now.replace(microsecond=0),
        valid_from=valid_from,
        valid_until=_valid_until(license_type, valid_from),
        seal_code=seal.seal.code,
        idempotency_key=checked.key,
    )


def _to_sign(license: License, checked: _Checked) -> signing.ToSign:
    """What the seal signs for the licence, and the 用章事由."""
    return signing.ToSign(data=signed_payload(license, checked.surface), purpose=f"签发电子证照 {license.identifier}")


def _issue_event(issuer: Issuer, license: License, checked: _Checked) -> LicenseEvent:
    return LicenseEvent(license=license, action="issue", status=LicenseStatus.VALID, actor=issuer.label, at=checked.now)


def _issue_audited(issuer: Issuer, license: License, checked: _Checked) -> audit.NewEntry:
    """The audit entry of the licence's issuance (saved: it names the licence's id)."""
    return audit.NewEntry(
        actor=issuer.label,
        action="licenses.issue",
        object_type="licenses.License",
        object_id=license.pk,
        after={"type": checked.license_type.code, "holder": license.holder_index, "surface": digest(checked.surface)},
        details={"identifier": license.identifier},
    )


def _issue_notice(department: Department, license: License, checked: _Checked) -> str:
    return f"{department.name}向您签发了{checked.license_type.name}（{license.identifier}），可在“我的证照”中查看。"


def _write_issue(*, issuer: Issuer, department: Department, checked: _Checked, seal: signing.LockedSeal) -> License:
    """The writes of one checked issuance, in the caller's transaction with the department's seal
    locked (``signing.lock_seal``): the serial, the identifier, the seal's signature (a recorded use),
    the licence, its event, the audit entry and the holder's inbox message."""
    serial = _next_serial(checked.license_type, department, checked.valid_from.year)
    license = _new_license(department=department, checked=checked, serial=serial, seal=seal)

    def write(signatures: list[signing.DataSignature]) -> list[list[audit.NewEntry]]:
        license.signature = signatures[0].signature
        _LICENSE.insert(license)
        _EVENT.insert(_issue_event(issuer, license, checked))
        return [[_issue_audited(issuer, license, checked)]]

    # the seal's use and the issuance audited together (one append), as a batch's items are
    seal.sign_many([_to_sign(license, checked)], fmt="jws", then=write)
    _notify(license, _issue_notice(department, license, checked))
    return license


def _issue(
    *, issuer: Issuer, license_type: LicenseType, department: Department, holder: Person | Enterprise,
    surface: dict[str, Any], valid_from: dt.date | None, key: str, trust_level: str,
) -> License:
    # Everything that only reads runs before the transaction: on SQLite a transaction holds the
    # database's one write lock from its first statement, so it should hold only the writes. A
    # concurrent request with the same key that commits first makes the insert fail, and
    # issue_license answers with that licence.
    _authorise(issuer, department)
    checked = _check_issue(
        license_type=license_type, department=department, holder=holder, surface=surface, valid_from=valid_from,
        key=key, trust_level=trust_level,
    )
    if isinstance(checked, License):
        return checked
    seal = _issuing_seal(department)
    with transaction.atomic():
        # the seal is locked (and checked usable) before the serial counter, by every issuance: a
        # batch locks it once, then the counters of its types
        locked = signing.lock_seal(actor=_seal_actor(issuer), seal=seal)
        return _write_issue(issuer=issuer, department=department, checked=checked, seal=locked)
