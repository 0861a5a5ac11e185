"""The SQLite backend's write queue: a transaction holds the lock file from BEGIN to COMMIT/ROLLBACK."""

from __future__ import annotations

import fcntl
import os
import threading
import time

import pytest
from django.db import OperationalError
from django.db.utils import ConnectionHandler

from zwfw.core.sqlite import base as queued

pytestmark = pytest.mark.skipif("DATABASE_URL" in os.environ, reason="the queue is SQLite's")


@pytest.fixture
def node_file(tmp_path, django_db_blocker):
    """Two connections (as two workers would have) on one SQLite file, with a table to write."""
    settings = {"ENGINE": "zwfw.core.sqlite", "NAME": str(tmp_path / "node.sqlite3"),
                "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=10000;",
                            "transaction_mode": "IMMEDIATE"}}
    with django_db_blocker.unblock():
        complete = ConnectionHandler().configure_settings({"default": settings})["default"]
        a, b = queued.DatabaseWrapper(dict(complete), "a"), queued.DatabaseWrapper(dict(complete), "b")
        b.inc_thread_sharing()  # the second writer runs in a thread of the test
        with a.cursor() as cursor:
            cursor.execute("CREATE TABLE t (n INTEGER)")
        yield a, b, tmp_path / "node.sqlite3.writelock"
        a.close()
        b.close()
        b.dec_thread_sharing()


def lock_is_free(path) -> bool:
    fd = os.open(path, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)
    return True


def eventually_free(path, seconds: float = 2.0) -> bool:
    """The lock is free, or comes free within ``seconds`` (a waiter given up lets it go when it gets it)."""
    deadline = time.monotonic() + seconds
    while not lock_is_free(path):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.005)
    return True


def write(connection, n: int, *, fail: bool = False) -> None:
    connection.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
    try:
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO t VALUES (%s)", [n])
        if fail:
            raise RuntimeError("the change failed")
        connection.commit()
    except RuntimeError:
        connection.rollback()
    finally:
        connection.set_autocommit(True)


def test_a_transaction_holds_the_lock_until_commit_or_rollback(node_file):
    a, _, lock = node_file
    a.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
    assert not lock_is_free(lock)
    a.commit()
    a.set_autocommit(True)
    assert lock_is_free(lock)
    write(a, 1, fail=True)
    assert lock_is_free(lock)  # given up on rollback too
    with a.cursor() as cursor:
        assert cursor.execute("SELECT count(*) FROM t").fetchone()[0] == 0


def test_a_second_writer_waits_for_the_first_and_then_writes(node_file):
    a, b, _ = node_file
    a.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
    with a.cursor() as cursor:
        cursor.execute("INSERT INTO t VALUES (1)")
    done = []

    def second():
        write(b, 2)
        done.append(time.monotonic())

    thread = threading.Thread(target=second)
    thread.start()
    time.sleep(0.2)
    assert done == []  # still queued behind the open transaction
    released = time.monotonic()
    a.commit()
    a.set_autocommit(True)
    thread.join(5)
    assert done
    # it went on after the commit (how much sooner than SQLite's own busy wait is a benchmark
    # figure, not something a test on a shared machine can time)
    assert done[0] >= released
    with a.cursor() as cursor:
        assert [r[0] for r in cursor.execute("SELECT n FROM t ORDER BY rowid")] == [1, 2]


def _begin(connection) -> None:
    connection.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)


def _update_in_autocommit(connection) -> None:
    with connection.cursor() as cursor:
        cursor.execute("UPDATE t SET n = 3")


@pytest.mark.parametrize("second_writes", [_begin, _update_in_autocommit], ids=["transaction", "autocommit-statement"])
def test_a_writer_that_waits_too_long_gets_database_is_locked_and_holds_nothing(node_file, monkeypatch, second_writes):
    a, b, lock = node_file
    monkeypatch.setattr(queued, "WRITE_WAIT_SECONDS", 0.2)
    a.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
    failed = []

    def second():
        try:
            second_writes(b)
        except OperationalError as exc:
            failed.append(str(exc))

    thread = threading.Thread(target=second)
    thread.start()
    thread.join(5)
    assert failed == ["database is locked"]
    a.rollback()
    a.set_autocommit(True)
    assert eventually_free(lock)


def test_a_waiter_given_up_lets_the_lock_go_and_never_releases_a_later_transaction_s(node_file, monkeypatch):
    a, b, lock = node_file
    monkeypatch.setattr(queued, "WRITE_WAIT_SECONDS", 0.2)
    a.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
    with pytest.raises(OperationalError, match="database is locked"):
        b.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
    a.rollback()
    a.set_autocommit(True)
    # b's given-up waiter gets the lock once a lets it go, and lets it go at once
    assert eventually_free(lock)
    # b queues again on a descriptor of its own: its next transaction holds the lock until it ends
    b.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
    time.sleep(0.05)
    assert not lock_is_free(lock)
    b.rollback()
    b.set_autocommit(True)
    assert lock_is_free(lock)

def test_a_write_in_autocommit_queues_behind_a_transaction_and_holds_the_lock_only_for_itself(node_file):
    # a one-row write outside a transaction (a scan's 用证记录) is a transaction of its own: it waits in
    # the queue, not in SQLite's busy handler, and gives the lock up at once
    a, b, lock = node_file
    queued_by = []
    for name, connection in (("a", a), ("b", b)):
        take = connection._take_write_lock
        connection._take_write_lock = lambda name=name, take=take: (queued_by.append(name), take())[1]
    a.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
    with a.cursor() as cursor:
        cursor.execute("INSERT INTO t VALUES (1)")
    done = []

    def second():
        with b.cursor() as cursor:
            cursor.execute("INSERT INTO t VALUES (%s)", [2])
        done.append(time.monotonic())

    thread = threading.Thread(target=second)
    thread.start()
    time.sleep(0.2)
    assert done == []  # queued behind the open transaction
    released = time.monotonic()
    a.commit()
    a.set_autocommit(True)
    thread.join(5)
    assert done
    assert done[0] >= released
    assert lock_is_free(lock)
    with a.cursor() as cursor:
        assert [r[0] for r in cursor.execute("SELECT n FROM t ORDER BY rowid")] == [1, 2]
        cursor.execute("SELECT count(*) FROM t")  # a read takes no lock
    assert lock_is_free(lock)
    assert queued_by == ["a", "b"]  # a's transaction, then b's write in autocommit
