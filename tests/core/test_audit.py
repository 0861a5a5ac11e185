"""The append-only, hash-chained audit log: appends, digests, guards, tamper detection, the command."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import threading
from decimal import Decimal

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from zwfw.core import audit
from zwfw.core.audit import GENESIS_HASH, AuditLogImmutable, VerifyResult, digest, record, verify_chain
from zwfw.core.models import AuditEntry

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 11, 27, 8, 0, tzinfo=dt.UTC)
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the append-only trigger exists on PostgreSQL only"
)


def snapshot() -> list[tuple]:
    return list(
        AuditEntry.objects.order_by("seq").values_list("seq", "action", "object_id", "hash", "prev_hash")
    )


def append(n: int) -> list[AuditEntry]:
    return [
        record(
            actor=f"user:{i}",
            action="catalog.item.publish",
            object_type="catalog.item",
            object_id=f"item-{i}",
        )
        for i in range(1, n + 1)
    ]


def tamper(sql: str, params: list | None = None) -> None:
    """Run raw SQL on the audit table, bypassing the model guard (and on PostgreSQL the trigger)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditentry DISABLE TRIGGER core_auditentry_append_only")
        cursor.execute(sql, params or [])
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditentry ENABLE TRIGGER core_auditentry_append_only")


# ---- digests ------------------------------------------------------------------------------------


def test_digest_is_sha256_of_canonical_json_independent_of_key_order():
    assert digest({"b": 1, "a": "浙江"}) == hashlib.sha256('{"a":"浙江","b":1}'.encode()).hexdigest()
    assert digest({"a": "浙江", "b": 1}) == digest({"b": 1, "a": "浙江"})
    assert digest({"a": [1, 2]}) != digest({"a": [2, 1]})


def test_digest_serialises_dates_decimals_and_aware_datetimes():
    shanghai = dt.timezone(dt.timedelta(hours=8))
    value = {
        "d": dt.date(2026, 2, 14),
        "m": Decimal("12.50"),
        "t": dt.datetime(2026, 1, 1, 8, tzinfo=shanghai),
    }
    expected = '{"d":"2026-02-14","m":"12.50","t":"2026-01-01T00:00:00.000000+00:00"}'
    assert audit.canonical_json(value) == expected
    with pytest.raises(TypeError, match="naive"):
        digest({"t": dt.datetime(2026, 1, 1)})  # noqa: DTZ001 - the point of the test


# ---- record -------------------------------------------------------------------------------------


@time_machine.travel(T0, tick=False)
def test_record_appends_a_chained_entry_with_digests():
    # given an empty log
    # when
    first = record(
        actor="user:12",
        acting_for="person:7",
        action="catalog.item.publish",
        object_type="catalog.item",
        object_id=42,
        before={"status": "draft"},
        after={"status": "published"},
        source_ip="192.0.2.10",
        details={"version": 2},
    )
    second = record(
        actor="system", action="catalog.item.withdraw", object_type="catalog.item", object_id="42"
    )
    # then
    stored = AuditEntry.objects.get(seq=1)
    assert (stored.seq, stored.occurred_at, stored.actor, stored.acting_for) == (1, T0, "user:12", "person:7")
    assert (stored.object_type, stored.object_id, stored.result) == ("catalog.item", "42", "success")
    assert stored.before_digest == digest({"status": "draft"})
    assert stored.after_digest == digest({"status": "published"})
    assert (stored.source_ip, stored.details) == ("192.0.2.10", {"version": 2})
    assert stored.prev_hash == GENESIS_HASH
    assert stored.hash == first.hash == audit._stored_hash(stored)
    assert (second.seq, second.prev_hash, second.before_digest, second.after_digest) == (
        2,
        first.hash,
        "",
        "",
    )
    assert verify_chain() == VerifyResult(ok=True, checked=2)


def test_record_joins_the_callers_transaction_and_rolls_back_with_it():
    # given
    append(1)

    class Boom(Exception):
        pass

    @transaction.atomic
    def failing_operation() -> None:
        record(actor="system", action="x.fail", object_type="t", object_id="1")
        raise Boom

    # when the caller's transaction fails after recording
    with pytest.raises(Boom):
        failing_operation()
    # then the entry is gone with it and the chain continues from seq 1
    assert [e.seq for e in AuditEntry.objects.all()] == [1]
    assert record(actor="system", action="x.ok", object_type="t", object_id="1").seq == 2
    assert verify_chain().ok is True


def test_record_normalises_ipv6_addresses():
    entry = record(actor="system", action="x", object_type="t", object_id="1", source_ip="2001:DB8:0:0::1")
    mapped = record(actor="system", action="x", object_type="t", object_id="1", source_ip="::ffff:192.0.2.1")
    assert AuditEntry.objects.get(pk=entry.pk).source_ip == "2001:db8::1"
    assert AuditEntry.objects.get(pk=mapped.pk).source_ip == "192.0.2.1"
    assert verify_chain().ok is True


def test_record_stores_details_exactly_as_hashed():
    # dates and decimals become the strings that were hashed
    details = {"due": dt.date(2026, 2, 27), "fee": Decimal("10.00"), "z": [True, None]}
    entry = record(actor="system", action="x", object_type="t", object_id="1", details=details)
    stored = AuditEntry.objects.get(pk=entry.pk).details
    assert stored == {"due": "2026-02-27", "fee": "10.00", "z": [True, None]}
    assert verify_chain().ok is True


@pytest.mark.parametrize(
    ("kwargs", "code", "message"),
    [
        ({"actor": ""}, "INVALID_AUDIT_ENTRY", "审计记录必须有操作者、操作、对象类型和对象标识"),
        ({"result": "maybe"}, "INVALID_AUDIT_ENTRY", "审计结果'maybe'应为 success、failure 或 denied"),
        ({"source_ip": "not-an-ip"}, "INVALID_SOURCE_IP", "来源IP 'not-an-ip' 不是有效的IP地址"),
        ({"details": {"blob": "x" * 9000}}, "INVALID_AUDIT_ENTRY", "审计详情不得超过8192字节"),
        (
            {"details": {"amount": [1, 2.5]}},
            "INVALID_AUDIT_ENTRY",
            "审计详情不能包含浮点数，请使用整数或字符串",
        ),
        ({"details": {"reason": "a\x00b"}}, "INVALID_AUDIT_ENTRY", "审计详情不能包含空字符"),
        ({"details": {1: "a"}}, "INVALID_AUDIT_ENTRY", "审计详情的键必须是字符串"),
        (
            {"object_id": "x" * 65},
            "INVALID_AUDIT_ENTRY",
            "审计字段 object_id 不能超过64个字符，也不能包含空字符",
        ),
    ],
)
def test_record_refuses_bad_input_and_writes_nothing(kwargs, code, message):
    append(1)
    before = snapshot()
    args = {"actor": "system", "action": "x", "object_type": "t", "object_id": "1", **kwargs}
    with pytest.raises(audit.ValidationFailed) as info:
        record(**args)
    assert (info.value.code, info.value.message) == (code, message)
    assert snapshot() == before


# ---- several entries at once (record_many) -------------------------------------------------------


def entry_args(i: int) -> dict:
    """The arguments of an entry with every field filled (dates and decimals in its details)."""
    return {
        "actor": f"user:{i}", "acting_for": f"person:{i}", "action": "licenses.issue", "object_type": "licenses.License",
        "object_id": i, "before": {"status": "draft", "n": i}, "after": {"status": "valid", "due": dt.date(2026, 12, i)},
        "source_ip": "2001:DB8::1", "details": {"identifier": f"L-{i}", "fee": Decimal("1.50"), "when": T0},
    }


def stored_row(entry: AuditEntry) -> tuple:
    """An entry as read back, but for its id, its time and the hashes that chain it."""
    stored = AuditEntry.objects.get(pk=entry.pk)
    return (
        stored.seq, stored.actor, stored.acting_for, stored.action, stored.object_type, stored.object_id,
        stored.before_digest, stored.after_digest, stored.source_ip, stored.result, stored.details,
    )


@time_machine.travel(T0, tick=False)
def test_entries_appended_together_are_stored_chained_and_verified_as_entries_recorded_one_by_one():
    # given one entry already in the log
    append(1)
    # when three entries are appended together
    together = audit.record_many([audit.NewEntry(**entry_args(i)) for i in range(2, 5)])
    # then they follow it in order, each linked to the one before and hashed over what is stored
    assert [entry.seq for entry in together] == [2, 3, 4]
    chain = list(AuditEntry.objects.order_by("seq"))
    assert [entry.prev_hash for entry in chain[1:]] == [entry.hash for entry in chain[:-1]]
    assert [entry.hash for entry in chain[1:]] == [entry.hash for entry in together]
    assert all(audit._stored_hash(entry) == entry.hash for entry in chain)
    assert all(entry.occurred_at == T0 for entry in chain)
    assert verify_chain() == VerifyResult(ok=True, checked=4)
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert out.getvalue() == "审计链完整，共校验 4 条\n"
    # and each is stored exactly as record() stores the same entry
    one_by_one = [record(**entry_args(i)) for i in range(2, 5)]
    assert [stored_row(entry)[1:] for entry in together] == [stored_row(entry)[1:] for entry in one_by_one]
    assert verify_chain() == VerifyResult(ok=True, checked=7)


def test_entries_appended_together_interleave_with_entries_recorded_one_by_one():
    # when single entries and groups alternate, one group of one
    record(actor="system", action="a.first", object_type="t", object_id="1")
    audit.record_many([audit.NewEntry(actor="system", action=f"b.{n}", object_type="t", object_id=n) for n in (1, 2)])
    record(actor="system", action="c.single", object_type="t", object_id="1")
    audit.record_many([audit.NewEntry(actor="system", action="d.alone", object_type="t", object_id="1")])
    audit.record_many([])
    record(actor="system", action="e.last", object_type="t", object_id="1")
    # then one linear chain in the order of the calls
    assert [(seq, action) for seq, action, *_ in snapshot()] == [
        (1, "a.first"), (2, "b.1"), (3, "b.2"), (4, "c.single"), (5, "d.alone"), (6, "e.last")
    ]
    assert verify_chain() == VerifyResult(ok=True, checked=6)


def test_entries_appended_together_join_the_callers_transaction_and_roll_back_with_it():
    append(1)

    class Boom(Exception):
        pass

    @transaction.atomic
    def failing_operation() -> None:
        audit.record_many([audit.NewEntry(actor="system", action="x.fail", object_type="t", object_id=n) for n in (1, 2)])
        raise Boom

    with pytest.raises(Boom):
        failing_operation()
    assert [e.seq for e in AuditEntry.objects.all()] == [1]
    assert audit.record_many([audit.NewEntry(actor="system", action="x.ok", object_type="t", object_id="1")])[0].seq == 2
    assert verify_chain().ok is True


def test_a_refused_entry_among_several_appends_none_of_them():
    append(1)
    before = snapshot()
    entries = [
        audit.NewEntry(actor="system", action="x", object_type="t", object_id="1"),
        audit.NewEntry(actor="system", action="x", object_type="t", object_id="2", details={"amount": 2.5}),
    ]
    with pytest.raises(audit.ValidationFailed) as info:
        audit.record_many(entries)
    assert (info.value.code, info.value.message) == ("INVALID_AUDIT_ENTRY", "审计详情不能包含浮点数，请使用整数或字符串")
    assert snapshot() == before


# ---- guards -------------------------------------------------------------------------------------


def test_model_guard_refuses_changes_deletes_and_direct_inserts():
    # given
    append(2)
    before = snapshot()
    entry = AuditEntry.objects.get(seq=1)
    # then
    entry.action = "edited"
    with pytest.raises(AuditLogImmutable) as info:
        entry.save()
    assert (info.value.code, info.value.message, info.value.status) == (
        "AUDIT_LOG_IMMUTABLE",
        "审计记录只能追加，不能修改或删除",
        409,
    )
    with pytest.raises(AuditLogImmutable):
        entry.delete()
    with pytest.raises(AuditLogImmutable):
        AuditEntry.objects.filter(seq=1).update(action="edited")
    with pytest.raises(AuditLogImmutable):
        AuditEntry.objects.all().delete()
    with pytest.raises(AuditLogImmutable, match=r"record\(\)"):
        AuditEntry.objects.create(
            seq=3, occurred_at=T0, actor="x", action="x", object_type="t", object_id="1", result="success",
            prev_hash=GENESIS_HASH, hash=GENESIS_HASH,
        )  # fmt: skip
    with pytest.raises(AuditLogImmutable):
        AuditEntry.objects.bulk_create([AuditEntry(seq=3)])
    assert snapshot() == before
    assert verify_chain().ok is True


@postgresql_only
def test_postgresql_trigger_refuses_raw_updates_and_deletes():
    # given
    append(2)
    before = snapshot()
    # then
    with connection.cursor() as cursor:
        with pytest.raises(DatabaseError, match="append-only: UPDATE refused"), transaction.atomic():
            cursor.execute("UPDATE core_auditentry SET action = 'edited' WHERE seq = 1")
        with pytest.raises(DatabaseError, match="append-only: DELETE refused"), transaction.atomic():
            cursor.execute("DELETE FROM core_auditentry WHERE seq = 2")
    assert snapshot() == before
    assert verify_chain().ok is True


# ---- tamper detection ---------------------------------------------------------------------------


def test_verify_detects_an_edited_row():
    # given
    append(4)
    # when someone edits entry 3 behind the model's back
    tamper("UPDATE core_auditentry SET actor = %s WHERE seq = 3", ["user:999"])
    # then
    assert verify_chain() == VerifyResult(
        ok=False, checked=2, first_broken_seq=3, reason="记录内容与哈希不符（记录被修改）", kind="hash"
    )


def test_verify_detects_an_edited_details_field():
    append(2)
    tamper("UPDATE core_auditentry SET details = %s WHERE seq = 2", ['{"version": 3}'])
    result = verify_chain()
    assert (result.ok, result.first_broken_seq, result.kind) == (False, 2, "hash")


def test_verify_detects_a_deleted_row():
    # given
    append(4)
    # when entry 2 is deleted
    tamper("DELETE FROM core_auditentry WHERE seq = 2")
    # then
    assert verify_chain() == VerifyResult(
        ok=False, checked=1, first_broken_seq=3, reason="序号不连续，缺少第2条记录（记录被删除）", kind="gap"
    )


def test_verify_detects_deleted_first_rows():
    append(4)
    tamper("DELETE FROM core_auditentry WHERE seq IN (1, 2)")
    assert verify_chain() == VerifyResult(
        ok=False,
        checked=0,
        first_broken_seq=3,
        reason="序号不连续，缺少第1至2条记录（记录被删除）",
        kind="gap",
    )


def test_verify_detects_a_deleted_row_whose_successors_were_renumbered():
    append(4)
    tamper("DELETE FROM core_auditentry WHERE seq = 2")
    tamper("UPDATE core_auditentry SET seq = 2 WHERE seq = 3")
    tamper("UPDATE core_auditentry SET seq = 3 WHERE seq = 4")
    result = verify_chain()
    assert (result.ok, result.first_broken_seq, result.kind) == (False, 2, "link")


def test_verify_detects_a_reordered_pair():
    # given
    append(4)
    # when entries 2 and 3 swap places
    tamper("UPDATE core_auditentry SET seq = -1 WHERE seq = 2")
    tamper("UPDATE core_auditentry SET seq = 2 WHERE seq = 3")
    tamper("UPDATE core_auditentry SET seq = 3 WHERE seq = -1")
    # then
    assert verify_chain() == VerifyResult(
        ok=False,
        checked=1,
        first_broken_seq=2,
        reason="前序哈希与上一条记录不符（记录顺序被调整或被替换）",
        kind="link",
    )


sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="a timestamptz column cannot hold an unreadable time on PostgreSQL"
)
# Valid JSON each database stores as is, but Python cannot read or hash: SQLite keeps 1e400, which
# Python reads as inf (refused by the canonical JSON); PostgreSQL's jsonb would rewrite that as a
# 401-digit integer, but keeps nesting deeper than Python's json module can decode.
CORRUPT_DETAILS = (
    '{"a": 1e400}' if connection.vendor == "sqlite" else '{"a": ' + "[" * 5000 + "]" * 5000 + "}"
)


@sqlite_only
@pytest.mark.parametrize("stored", ["garbage", "2026-13-45 08:00:00", ""])
def test_verify_reports_a_row_whose_time_cannot_be_read_as_the_first_broken_link(stored):
    # given a chain read in small chunks, with entry 4 of 6 given a time that is not a valid datetime
    append(6)
    tamper("UPDATE core_auditentry SET occurred_at = %s WHERE seq = 4", [stored])
    # when
    result = verify_chain(chunk_size=2)
    # then it is a broken link at 4, not an exception
    assert (result.ok, result.checked, result.first_broken_seq, result.kind) == (False, 3, 4, "unreadable")
    assert result.reason.startswith("记录无法读取或无法计算哈希（记录被破坏；")


def test_verify_reports_a_row_whose_details_cannot_be_read_or_hashed_as_the_first_broken_link():
    # given entry 2 of 3 whose details are valid JSON that Python cannot read back or hash
    append(3)
    tamper("UPDATE core_auditentry SET details = %s WHERE seq = 2", [CORRUPT_DETAILS])
    # when
    result = verify_chain()
    # then
    assert (result.ok, result.checked, result.first_broken_seq, result.kind) == (False, 1, 2, "unreadable")
    assert result.reason.startswith("记录无法读取或无法计算哈希（记录被破坏；")


@sqlite_only
def test_verify_reports_a_gap_before_the_unreadable_row_after_it():
    # given entry 2 deleted and entry 3 unreadable: the gap comes first
    append(4)
    tamper("DELETE FROM core_auditentry WHERE seq = 2")
    tamper("UPDATE core_auditentry SET occurred_at = 'garbage' WHERE seq = 3")
    # then
    assert (verify_chain().first_broken_seq, verify_chain().kind) == (3, "gap")


# ---- the command --------------------------------------------------------------------------------


def test_verify_audit_command_reports_an_intact_chain():
    append(3)
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert out.getvalue() == "审计链完整，共校验 3 条\n"


def test_verify_audit_command_on_an_empty_log():
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert out.getvalue() == "审计链完整，共校验 0 条\n"


def test_verify_audit_command_names_the_first_broken_link_and_exits_non_zero():
    # given
    append(3)
    tamper("UPDATE core_auditentry SET object_id = 'forged' WHERE seq = 2")
    # when
    with pytest.raises(CommandError) as info:
        call_command("verify_audit", stdout=io.StringIO())
    # then
    assert info.value.returncode == 1
    assert str(info.value) == "审计链在第 2 条断开：记录内容与哈希不符（记录被修改）（此前 1 条完整）"


# ---- concurrency --------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor == "sqlite" and connection.settings_dict.get("TEST", {}).get("NAME") in (None, "", ":memory:"),
    reason="threads cannot share the in-memory SQLite test database (set ZWFW_TEST_SQLITE_NAME to run this)",
)
def test_concurrent_appends_keep_one_linear_chain():
    # given 4 workers appending 5 entries each, each in its own transaction
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            for i in range(5):
                with transaction.atomic():
                    record(actor=f"user:{n}", action="x.concurrent", object_type="t", object_id=f"{n}-{i}")
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then
    assert errors == []
    assert list(AuditEntry.objects.values_list("seq", flat=True)) == list(range(1, 21))
    assert verify_chain() == VerifyResult(ok=True, checked=20)


@sqlite_only
def test_verify_audit_command_reports_an_unreadable_row_and_exits_non_zero_without_a_traceback():
    # given entry 3 of 4 with a corrupted time
    append(4)
    tamper("UPDATE core_auditentry SET occurred_at = 'garbage' WHERE seq = 3")
    # when
    with pytest.raises(CommandError) as info:
        call_command("verify_audit", stdout=io.StringIO())
    # then
    assert info.value.returncode == 1
    assert str(info.value).startswith("审计链在第 3 条断开：记录无法读取或无法计算哈希（记录被破坏；")
    assert str(info.value).endswith("（此前 2 条完整）")
