"""Run a command against a throwaway PostgreSQL cluster.

    python scripts/pgtmp.py -- pytest ...

Creates a cluster under a temporary directory, starts it on a free loopback port, runs the command
with DATABASE_URL pointing at it, then stops the server and removes the directory, whatever the
command's outcome. PostgreSQL refuses to run as root, so as root the server runs as the `postgres`
user (created by Debian's postgresql package).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time


def find_bindir() -> str:
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]), reverse=True
    )
    if candidates:
        return os.path.dirname(candidates[0])
    initdb = shutil.which("initdb")
    if initdb:
        return os.path.dirname(initdb)
    sys.exit("PostgreSQL server binaries not found (install Debian's postgresql package)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main(argv: list[str]) -> int:
    if "--" in argv:
        argv = argv[argv.index("--") + 1 :]
    if not argv:
        sys.exit("usage: pgtmp.py -- COMMAND ...")
    bindir = find_bindir()
    root = tempfile.mkdtemp(prefix="zwfw-pg-")
    datadir = os.path.join(root, "data")
    port = free_port()
    prefix: list[str] = []
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        os.chown(root, user.pw_uid, user.pw_gid)
        prefix = ["runuser", "-u", "postgres", "--"]
    log = os.path.join(root, "server.log")
    try:
        subprocess.run(
            [*prefix, f"{bindir}/initdb", "-D", datadir, "-A", "trust", "-U", "postgres", "-E", "UTF8",
             "--locale=C.UTF-8", "--no-sync"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        opts = f"-p {port} -h 127.0.0.1 -k {root} -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        subprocess.run(
            [*prefix, f"{bindir}/pg_ctl", "-D", datadir, "-o", opts, "-l", log, "-w", "start"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while subprocess.run([f"{bindir}/pg_isready", "-h", "127.0.0.1", "-p", str(port)],
                             stdout=subprocess.DEVNULL).returncode != 0:
            if time.monotonic() > deadline:
                sys.exit("PostgreSQL did not start; see " + log)
            time.sleep(0.2)
        env = dict(os.environ, DATABASE_URL=f"postgres://postgres@127.0.0.1:{port}/postgres")
        print(f"PostgreSQL {os.path.basename(os.path.dirname(bindir))} on 127.0.0.1:{port}", flush=True)
        return subprocess.run(argv, env=env).returncode
    finally:
        subprocess.run([*prefix, f"{bindir}/pg_ctl", "-D", datadir, "-m", "fast", "-w", "stop"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
