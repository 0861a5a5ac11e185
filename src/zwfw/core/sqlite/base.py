"""SQLite with its writers queued: every transaction takes an exclusive ``flock`` on
``<database>.writelock`` before ``BEGIN IMMEDIATE`` and gives it up at COMMIT or ROLLBACK.

SQLite has one write lock for the whole database, and a connection that finds it taken sleeps in
its busy handler in steps of 1, 2, 5, 10, 15, 20, 25, 50 and 100 ms before it looks again, so
under two or more busy writers much of the time goes in sleeping past the moment the lock came
free. On the lock file a waiter wakes when the holder lets go (a blocking ``flock``). Measured on the licence issuance
bench (2 workers, 2 CPUs): 82 new licences/s (p99 289 ms) with SQLite's own waiting, 109/s (p99
178 ms) queued here.

A statement that writes (INSERT, UPDATE, DELETE, REPLACE) in autocommit is a transaction of its own:
it queues on the same lock for the statement's time, so that a one-row write (a scan's 用证记录, a
session's last-seen time) does not wait in SQLite's busy handler either.

The wait is bounded like SQLite's busy timeout: after ``WRITE_WAIT_SECONDS`` the transaction (or
statement) is not started and ``OperationalError("database is locked")`` is raised. An in-memory
database (the test suite's) needs no queue: only one process can open it.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
from collections.abc import Iterator

from django.db import OperationalError
from django.db.backends.sqlite3 import base

_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")

WRITE_WAIT_SECONDS = 10.0  # as the node's PRAGMA busy_timeout (zwfw.settings)


class _Waiter:
    """A blocking ``flock`` in a thread of its own, given up by its caller after a timeout.

    A blocked ``flock`` wakes the moment the holder lets go. Waking every 0.1–1 ms to try again
    costs CPU: with two busy web workers, about 1.5–2 ms a case submission (measured in process,
    two submitters on this node's two cores: 9–9.6 ms a submission each against 6.6–7.9 ms blocking).
    ``flock`` has no timeout of its own, and a signal cannot interrupt it in a worker thread, hence
    the thread. If the lock comes after the caller gave up, the thread lets it go at once and closes
    the descriptor, which the caller no longer uses."""

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._taken = threading.Event()
        self._mutex = threading.Lock()
        self._abandoned = False
        threading.Thread(target=self._block, name="sqlite-write-lock", daemon=True).start()

    def _block(self) -> None:
        fcntl.flock(self._fd, fcntl.LOCK_EX)
        with self._mutex:
            if not self._abandoned:
                self._taken.set()
                return
        fcntl.flock(self._fd, fcntl.LOCK_UN)
        os.close(self._fd)

    def wait(self, timeout: float) -> bool:
        """Whether the lock was taken within ``timeout`` seconds."""
        if self._taken.wait(timeout):
            return True
        with self._mutex:
            self._abandoned = not self._taken.is_set()
            return not self._abandoned


class DatabaseWrapper(base.DatabaseWrapper):
    _lock_fd: int | None = None
    _lock_pid: int | None = None
    _write_locked = False

    def _lock_file(self) -> int | None:
        if self.is_in_memory_db():
            return None
        # opened per process: a descriptor inherited across fork() would share one lock between parent and child
        if self._lock_fd is None or self._lock_pid != os.getpid():
            self._lock_fd = os.open(f"{self.settings_dict['NAME']}.writelock", os.O_CREAT | os.O_RDWR, 0o600)
            self._lock_pid = os.getpid()
        return self._lock_fd

    def _take_write_lock(self) -> None:
        fd = self._lock_file()
        if fd is None:
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not _Waiter(fd).wait(WRITE_WAIT_SECONDS):
                self._lock_fd = None  # the waiter keeps the descriptor it blocks on, and closes it
                raise OperationalError("database is locked") from None
        self._write_locked = True

    def _release_write_lock(self) -> None:
        if self._write_locked:
            self._write_locked = False
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)

    def _start_transaction_under_autocommit(self) -> None:
        self._take_write_lock()
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._release_write_lock()
            raise

    def _commit(self) -> None:
        try:
            super()._commit()
        finally:
            self._release_write_lock()

    def _rollback(self) -> None:
        try:
            super()._rollback()
        finally:
            self._release_write_lock()

    def create_cursor(self, name=None):  # type: ignore[no-untyped-def]
        cursor = self.connection.cursor(factory=QueuedCursorWrapper)
        cursor.database = self
        return cursor

    def _queues(self, query: str) -> bool:
        """Whether the statement must queue: it writes, in autocommit, outside a queued transaction."""
        return (
            not self._write_locked
            and not self.in_atomic_block
            and self.autocommit
            and query.lstrip()[:7].upper().startswith(_WRITES)
        )

    def _close(self) -> None:
        try:
            super()._close()
        finally:
            self._release_write_lock()


class QueuedCursorWrapper(base.SQLiteCursorWrapper):
    """Django's cursor, with a statement that writes in autocommit queued as a transaction is."""

    database: DatabaseWrapper

    def execute(self, query, params=None):  # type: ignore[no-untyped-def]
        with self._queued(query):
            return super().execute(query, params)

    def executemany(self, query, param_list):  # type: ignore[no-untyped-def]
        with self._queued(query):
            return super().executemany(query, param_list)

    @contextlib.contextmanager
    def _queued(self, query: str) -> Iterator[None]:
        """The write lock held around a statement that writes in autocommit (``_queues``)."""
        if not self.database._queues(query):
            yield
            return
        self.database._take_write_lock()
        try:
            yield
        finally:
            self.database._release_write_lock()
