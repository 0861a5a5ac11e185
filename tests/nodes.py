"""Real node processes for federation tests: one ``zwfw serve`` (granian) per node on loopback.

Each node gets its own data directory (secret and field keys, OIDC signing keys, static files) and its
own SQLite database, the node settings of ARCHITECTURE.md §2 (``ZWFW_NODE_ROLE``, ``ZWFW_NODE_CODE``,
``ZWFW_HUB_URL``) and ``ZWFW_BASE_URL`` (its issuer). Demo mode: plain-http loopback redirect URIs are
allowed and cookies are not marked Secure, as in ``zwfw demo``.

    hub = Node("national", "100000", tmp_path / "hub", host="127.0.0.1")
    hub.migrate()
    hub.start()
    hub.manage("oidc_client", "create", ...)   # any management command, in the node's environment
    hub.stop()

Nodes that should not share cookies in one HTTP client get different host names (``127.0.0.1`` and
``localhost``): cookie jars keep cookies per host name, not per port.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

BIN = Path(sys.executable).parent
START_TIMEOUT_SECONDS = 60


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class NodeError(RuntimeError):
    pass


class Node:
    """One node: its environment, its management commands, its server process."""

    def __init__(
        self,
        role: str,
        code: str,
        data_dir: Path,
        *,
        host: str = "127.0.0.1",
        port: int | None = None,
        env: dict[str, str] | None = None,
    ) -> None:
        self.role = role
        self.code = code
        self.host = host
        self.port = port or free_port()
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.log_path = self.data_dir / "server.log"
        self.process: subprocess.Popen | None = None
        self.extra_env = dict(env or {})

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def environment(self, **more: str) -> dict[str, str]:
        # Nothing of the test process's own node settings leaks in (its data dir, database, demo keys).
        env = {k: v for k, v in os.environ.items() if not k.startswith(("ZWFW_", "DJANGO_", "DATABASE_URL"))}
        env.update(
            ZWFW_DEMO="1",
            ZWFW_SECURE_COOKIES="false",
            ZWFW_DATA_DIR=str(self.data_dir),
            ZWFW_NODE_ROLE=self.role,
            ZWFW_NODE_CODE=self.code,
            ZWFW_BASE_URL=self.url,
            ZWFW_WEB_WORKERS="1",
            ZWFW_ACCESS_LOG="-",
            ZWFW_LOG_LEVEL="WARNING",
            DATABASE_URL=f"sqlite:///{self.data_dir / 'zwfw.sqlite3'}",
        )
        env.update(self.extra_env)
        env.update(more)
        return env

    # -- management commands -------------------------------------------------------------------
    def manage_process(self, *args: str) -> subprocess.Popen:
        return subprocess.Popen(
            [str(BIN / "zwfw"), "manage", *args],
            env=self.environment(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def manage(self, *args: str, timeout: float = 120) -> str:
        """Run ``zwfw manage <args>`` for this node; its standard output, or NodeError with stderr."""
        proc = self.manage_process(*args)
        out, err = proc.communicate(timeout=timeout)
        if proc.returncode != 0:
            raise NodeError(f"zwfw manage {' '.join(args)} failed on {self.url}:\n{err or out}")
        return out

    def shell_process(self, code: str) -> subprocess.Popen:
        """``zwfw manage shell -c`` started, not awaited (run several at once; ``communicate()``)."""
        return self.manage_process("shell", "--no-imports", "-c", code)

    def shell(self, code: str, timeout: float = 120) -> str:
        """Python in the node's Django environment (``zwfw manage shell -c``)."""
        return self.manage("shell", "--no-imports", "-c", code, timeout=timeout)

    def migrate(self) -> None:
        self.manage("migrate", "--verbosity", "0")

    # -- the server ----------------------------------------------------------------------------
    def start(self, **env: str) -> Node:
        """Start ``zwfw serve`` and wait until it answers; extra settings through ``env``."""
        self.launch(**env)
        self.wait_ready()
        return self

    def launch(self, **env: str) -> Node:
        """Start ``zwfw serve`` without waiting (start several, then ``wait_ready`` each)."""
        if self.process is not None:
            raise NodeError("node already started")
        self.extra_env.update(env)
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [str(BIN / "zwfw"), "serve", "--host", "127.0.0.1", "--port", str(self.port)],
            env=self.environment(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        return self

    def wait_ready(self, timeout: float = START_TIMEOUT_SECONDS) -> None:
        deadline = time.monotonic() + timeout
        while True:
            assert self.process is not None
            if self.process.poll() is not None:
                raise NodeError(f"node {self.url} exited with {self.process.returncode}:\n{self.log()}")
            try:
                with urllib.request.urlopen(f"{self.url}/static/portal/portal.css", timeout=5) as resp:
                    if resp.status == 200:
                        return
            except urllib.error.HTTPError as exc:
                if exc.code < 500:
                    return
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise NodeError(f"node {self.url} did not answer within {timeout:.0f} s:\n{self.log()}")
            time.sleep(0.2)

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-6000:]
        except OSError:
            return ""

    def stop(self) -> None:
        """Stop the server (granian's graceful TERM, then KILL if it lingers)."""
        self._terminate()
        self._reap()

    def _terminate(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()

    def _reap(self) -> None:
        proc, self.process = self.process, None
        if proc is None:
            return
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)

    def __enter__(self) -> Node:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def migrate_all(*nodes: Node) -> None:
    """Migrate the first node's database, then give each other node a copy of it.

    Migrations do not depend on a node's settings (role, code, keys live in the data directory, not
    in the schema), so a copy of a freshly migrated database is what ``zwfw manage migrate`` would
    have made, in half the time on a busy machine. Copied with SQLite's online backup API.
    """
    first, *others = nodes
    first.migrate()
    source = sqlite3.connect(first.data_dir / "zwfw.sqlite3")
    try:
        for node in others:
            target = sqlite3.connect(node.data_dir / "zwfw.sqlite3")
            try:
                source.backup(target)
            finally:
                target.close()
    finally:
        source.close()


def stop_all(*nodes: Node) -> None:
    """Stop several nodes at once (each shuts down gracefully in parallel)."""
    for node in nodes:
        node._terminate()
    for node in nodes:
        node._reap()
