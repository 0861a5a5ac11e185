"""审计日志: an append-only, hash-chained record of every state change (ARCHITECTURE.md §4).

Each entry stores ``prev_hash`` (the previous entry's ``hash``; 64 zeros for the first) and
``hash`` = SHA-256 over the canonical JSON of all its fields plus ``prev_hash``. Editing a row
breaks its hash, deleting one leaves a gap in ``seq``, reordering breaks the ``prev_hash`` links;
``verify_chain()`` (and ``zwfw manage verify_audit``) finds the first broken link; a row that
cannot even be read or hashed (a corrupted column) is such a link too, never a crash.

Appends are serialised so the chain stays linear: on PostgreSQL with a transaction-scoped
advisory lock, on SQLite by the IMMEDIATE transaction mode set in settings (one writer at a time).
Rows are guarded by the model (save of an existing row, delete, bulk update/delete all raise) and,
on PostgreSQL, by a trigger that rejects UPDATE and DELETE (migration 0003).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from zwfw.core.errors import Conflict, ValidationFailed
from zwfw.core.lookups import PreparedInsert, PreparedRead
from zwfw.core.models import AuditEntry, AuditResult

GENESIS_HASH = "0" * 64
# Arbitrary constant key of the PostgreSQL advisory lock that serialises appends ("zwfwaudt").
_ADVISORY_LOCK_KEY = 0x7A77_6677_6175_6474 & 0x7FFF_FFFF_FFFF_FFFF
MAX_DETAILS_BYTES = 8192


class AuditLogImmutable(Conflict):
    """Someone tried to change or remove an audit entry."""

    def __init__(self, message: str = "审计记录只能追加，不能修改或删除") -> None:
        super().__init__("AUDIT_LOG_IMMUTABLE", message)


# ---------------------------------------------------------------------------------------------
# Canonical JSON and digests
# ---------------------------------------------------------------------------------------------


def _json_default(obj: Any) -> Any:
    if isinstance(obj, dt.datetime):
        if obj.tzinfo is None:
            raise TypeError("naive datetimes cannot be digested; use aware datetimes")
        return obj.astimezone(dt.UTC).isoformat(timespec="microseconds")
    if isinstance(obj, dt.date):
        return obj.isoformat()
    if isinstance(obj, Decimal | uuid.UUID):
        return str(obj)
    if isinstance(obj, set | frozenset):
        return sorted(obj, key=lambda v: canonical_json(v))
    if isinstance(obj, tuple):
        return list(obj)
    raise TypeError(f"{type(obj).__name__} is not serialisable for the audit log")


def canonical_json(obj: Any) -> str:
    """Sorted keys, no insignificant whitespace, UTF-8 characters kept; NaN/Infinity refused."""
    return json.dumps(
        obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False, default=_json_default
    )


def digest(obj: Any) -> str:
    """SHA-256 hex of the canonical JSON of ``obj`` (for before/after states)."""
    return hashlib.sha256(canonical_json(obj).encode("utf-8")).hexdigest()


def _normalise_ip(value: str | None) -> str | None:
    if value is None or value == "":
        return None
    try:
        ip = ipaddress.ip_address(value.strip())
    except ValueError:
        raise ValidationFailed("INVALID_SOURCE_IP", f"来源IP {value!r} 不是有效的IP地址") from None
    # An IPv4-mapped IPv6 address is stored as plain IPv4: its text form differs between Python versions.
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ip)


def _unstorable(value: Any) -> str:
    """Why a JSON value would not come back from every database exactly as hashed ("" if it would)."""
    if isinstance(value, float):
        return "审计详情不能包含浮点数，请使用整数或字符串"
    if isinstance(value, str) and "\x00" in value:
        return "审计详情不能包含空字符"
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            return "审计详情的键必须是字符串"
        return next((r for k, v in value.items() for r in (_unstorable(k), _unstorable(v)) if r), "")
    if isinstance(value, list):
        return next((r for r in map(_unstorable, value) if r), "")
    return ""


def entry_hash(
    *,
    seq: int,
    occurred_at: dt.datetime,
    actor: str,
    acting_for: str,
    action: str,
    object_type: str,
    object_id: str,
    before_digest: str,
    after_digest: str,
    source_ip: str | None,
    result: str,
    details: Any,
    prev_hash: str,
) -> str:
    """SHA-256 over the canonical serialisation of an entry's fields and the previous hash."""
    payload = {
        "seq": seq,
        "occurred_at": occurred_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor": actor,
        "acting_for": acting_for,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "before_digest": before_digest,
        "after_digest": after_digest,
        "source_ip": source_ip,
        "result": result,
        "details": details,
        "prev_hash": prev_hash,
    }
    return hashlib.sha256(canonical_json(payload).encode("utf-8")).hexdigest()


def _stored_hash(entry: AuditEntry) -> str:
    return entry_hash(
        seq=entry.seq,
        occurred_at=entry.occurred_at,
        actor=entry.actor,
        acting_for=entry.acting_for,
        action=entry.action,
        object_type=entry.object_type,
        object_id=entry.object_id,
        before_digest=entry.before_digest,
        after_digest=entry.after_digest,
        source_ip=_normalise_ip(entry.source_ip),
        result=entry.result,
        details=entry.details,
        prev_hash=entry.prev_hash,
    )


# ---------------------------------------------------------------------------------------------
# Append
# ---------------------------------------------------------------------------------------------


# Every change of state appends an entry: the two statements compiled once per connection.
_LAST = PreparedRead(lambda: AuditEntry.objects.order_by("-seq").values_list("seq", "hash")[:1], keys=0)
_APPEND = PreparedInsert(AuditEntry)


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK_KEY])
    # SQLite: the transaction was opened with BEGIN IMMEDIATE (settings), so this connection already
    # holds the database write lock and no other writer can append until it commits.


@dataclass(frozen=True)
class NewEntry:
    """An entry to append (``record_many``): the arguments of ``record``."""

    actor: str
    action: str
    object_type: str
    object_id: str | int
    before: Any = None
    after: Any = None
    acting_for: str = ""
    source_ip: str | None = None
    result: str = AuditResult.SUCCESS
    details: Mapping[str, Any] | None = None


def _unchained(new: NewEntry) -> AuditEntry:
    """The entry checked and prepared, all but its place in the chain (seq, time, prev_hash, hash)."""
    actor, action, object_type, object_id = new.actor, new.action, new.object_type, new.object_id
    acting_for, result, details = new.acting_for, new.result, new.details
    if not actor or not action or not object_type or object_id in (None, ""):
        raise ValidationFailed("INVALID_AUDIT_ENTRY", "审计记录必须有操作者、操作、对象类型和对象标识")
    object_id = str(object_id)
    for name, value in (
        ("actor", actor),
        ("acting_for", acting_for),
        ("action", action),
        ("object_type", object_type),
        ("object_id", object_id),
    ):
        limit = AuditEntry._meta.get_field(name).max_length  # type: ignore[union-attr]  # CharFields
        assert limit is not None
        if len(value) > limit or "\x00" in value:
            raise ValidationFailed(
                "INVALID_AUDIT_ENTRY", f"审计字段 {name} 不能超过{limit}个字符，也不能包含空字符"
            )
    if result not in AuditResult.values:
        raise ValidationFailed("INVALID_AUDIT_ENTRY", f"审计结果{result!r}应为 success、failure 或 denied")
    # Floats do not survive every database's JSON type byte for byte (PostgreSQL jsonb rewrites 1e+20),
    # and jsonb cannot hold NUL; either would make a genuine entry fail verification later.
    problem = _unstorable(dict(details or {}))
    if problem:
        raise ValidationFailed("INVALID_AUDIT_ENTRY", problem)
    # Store exactly what is hashed: details go through canonical JSON and back (dates become strings).
    details_json = canonical_json(dict(details or {}))
    if len(details_json.encode("utf-8")) > MAX_DETAILS_BYTES:
        raise ValidationFailed("INVALID_AUDIT_ENTRY", f"审计详情不得超过{MAX_DETAILS_BYTES}字节")
    return AuditEntry(
        actor=actor,
        acting_for=acting_for,
        action=action,
        object_type=object_type,
        object_id=object_id,
        before_digest="" if new.before is None else digest(new.before),
        after_digest="" if new.after is None else digest(new.after),
        source_ip=_normalise_ip(new.source_ip),
        result=result,
        details=json.loads(details_json),
    )


def _chain(entry: AuditEntry, seq: int, prev_hash: str) -> AuditEntry:
    entry.seq = seq
    entry.occurred_at = timezone.now().astimezone(dt.UTC)
    entry.prev_hash = prev_hash
    entry.hash = _stored_hash(entry)
    return entry


def record(
    *,
    actor: str,
    action: str,
    object_type: str,
    object_id: str | int,
    before: Any = None,
    after: Any = None,
    acting_for: str = "",
    source_ip: str | None = None,
    result: str = AuditResult.SUCCESS,
    details: Mapping[str, Any] | None = None,
) -> AuditEntry:
    """Append one audit entry, in the caller's transaction (it joins it, or opens its own).

    ``before``/``after`` are the object's states; only their digests are stored.
    """
    return append(
        NewEntry(
            actor=actor, action=action, object_type=object_type, object_id=object_id, before=before, after=after,
            acting_for=acting_for, source_ip=source_ip, result=result, details=details,
        )
    )


def append(new: NewEntry) -> AuditEntry:
    """``record`` with its arguments in a ``NewEntry``."""
    return record_many([new])[0]


def record_many(entries: Sequence[NewEntry]) -> list[AuditEntry]:
    """Append ``entries`` in their order, in the caller's transaction (it joins it, or opens its own):
    each is checked, chained and hashed exactly as ``record`` would append it, one after the other, but
    the chain's last entry is read once and all of them are written with one INSERT (a batch's
    entries, e.g. 批量签发). Nothing is appended if any entry is refused."""
    prepared = [_unchained(new) for new in entries]  # every entry checked before any is chained
    if not prepared:
        return []
    # No savepoint inside the caller's transaction: nothing below is meant to fail and be carried on from,
    # and on the busiest paths (every state change) the two extra statements were a tenth of the work.
    with transaction.atomic(savepoint=False):
        _lock_chain()
        last = _LAST.rows()
        seq, prev_hash = (0, GENESIS_HASH) if not last else last[0]
        for entry in prepared:
            seq += 1
            prev_hash = _chain(entry, seq, prev_hash).hash
        # not save() nor bulk_create(): the model and its manager refuse them (AuditLogImmutable)
        _APPEND.insert_many(prepared)
        return prepared


# ---------------------------------------------------------------------------------------------
# Verify
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    first_broken_seq: int | None = None
    reason: str = ""
    # "", "gap" (deleted row), "link" (reordered / replaced), "hash" (edited row),
    # "unreadable" (a stored value cannot be read back or hashed: the row was corrupted)
    kind: str = ""


def _unreadable(seq: int, checked: int, exc: BaseException) -> VerifyResult:
    problem = f"{type(exc).__name__}: {exc}"
    if len(problem) > 200:
        problem = problem[:200] + "…"
    return VerifyResult(
        ok=False,
        checked=checked,
        first_broken_seq=seq,
        reason=f"记录无法读取或无法计算哈希（记录被破坏；{problem}）",
        kind="unreadable",
    )


def _seq_after(seq: int | None, fallback: int) -> int:
    """The seq of the first row after ``seq`` (None: the first row), read alone: a row whose other
    columns are unreadable still has one. ``fallback`` if even that cannot be read."""
    try:
        rows = AuditEntry.objects.order_by("seq")
        if seq is not None:
            rows = rows.filter(seq__gt=seq)
        following = rows.values_list("seq", flat=True).first()
    except Exception:
        return fallback
    return following if isinstance(following, int) else fallback


def verify_chain(*, chunk_size: int = 2000) -> VerifyResult:
    """Walk the chain in ``seq`` order and report the first broken link."""
    checked = 0
    expected_seq = 1
    prev_hash = GENESIS_HASH
    last_seq: int | None = None
    while True:
        rows = AuditEntry.objects.order_by("seq")
        if last_seq is not None:
            rows = rows.filter(seq__gt=last_seq)
        entries = rows.iterator(chunk_size=chunk_size)
        while True:
            try:
                entry = next(entries)
            except StopIteration:
                return VerifyResult(ok=True, checked=checked)
            except Exception as exc:  # a column value the database driver or a field cannot convert
                if chunk_size > 1:
                    break  # some row of this chunk is unreadable: read on one row at a time to find it
                return _unreadable(_seq_after(last_seq, expected_seq), checked, exc)
            try:
                broken = _check_entry(entry, expected_seq, prev_hash, checked)
            except Exception as exc:  # e.g. occurred_at read back as None, a value JSON cannot encode
                seq = entry.seq if isinstance(entry.seq, int) else expected_seq
                return _unreadable(seq, checked, exc)
            if broken is not None:
                return broken
            checked += 1
            expected_seq += 1
            prev_hash = entry.hash
            last_seq = entry.seq
        chunk_size = 1


def _check_entry(entry: AuditEntry, expected_seq: int, prev_hash: str, checked: int) -> VerifyResult | None:
    """The broken link at ``entry``, or None when it follows its predecessor correctly."""
    if entry.seq != expected_seq:
        # seq is unique and read in order, so a mismatch is always a gap.
        missing = (
            f"第{expected_seq}条" if entry.seq == expected_seq + 1 else f"第{expected_seq}至{entry.seq - 1}条"
        )
        return VerifyResult(
            ok=False,
            checked=checked,
            first_broken_seq=entry.seq,
            reason=f"序号不连续，缺少{missing}记录（记录被删除）",
            kind="gap",
        )
    if entry.prev_hash != prev_hash:
        return VerifyResult(
            ok=False,
            checked=checked,
            first_broken_seq=entry.seq,
            reason="前序哈希与上一条记录不符（记录顺序被调整或被替换）",
            kind="link",
        )
    if _stored_hash(entry) != entry.hash:
        return VerifyResult(
            ok=False,
            checked=checked,
            first_broken_seq=entry.seq,
            reason="记录内容与哈希不符（记录被修改）",
            kind="hash",
        )
    return None
