"""The node as an operator runs it: settings from the environment, the zwfw command, granian."""

from __future__ import annotations

import base64
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import httpx
import pytest

BIN = Path(sys.executable).parent


def _env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ZWFW_", "DJANGO_"))}
    env.update(
        ZWFW_DATA_DIR=str(tmp_path / "data"),
        ZWFW_FIELD_KEY=base64.b64encode(b"f" * 32).decode(),
        ZWFW_SEAL_KEK=base64.b64encode(b"k" * 32).decode(),
    )
    if "DATABASE_URL" in os.environ:
        env["DATABASE_URL"] = os.environ["DATABASE_URL"]
    env.update(overrides)
    return env


@pytest.fixture
def node_database_url():
    """A database of the node's own when the suite runs on PostgreSQL.

    The server tests migrate the node they start; two of them migrating the one database DATABASE_URL
    names, in two xdist workers at once, collide in PostgreSQL's catalogue. On SQLite the node's
    database is a file in its own data directory already.
    """
    url = os.environ.get("DATABASE_URL")
    if not url:
        yield None
        return
    import uuid

    import psycopg

    name = f"zwfw_node_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _load_settings(env: dict[str, str]) -> subprocess.CompletedProcess:
    code = "import zwfw.settings as s; print(s.DEBUG, s.ALLOWED_HOSTS, s.SESSION_COOKIE_SECURE, s.NODE_ROLE)"
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)


def test_the_wsgi_application_freezes_what_start_up_made(tmp_path):
    # a full garbage collection in a worker then walks only what requests made, not the whole Django
    # start-up (the pauses that lengthened the scan page's p99)
    code = "import gc, zwfw.wsgi; print(gc.get_freeze_count() > 10_000, callable(zwfw.wsgi.application))"
    result = subprocess.run(
        [sys.executable, "-c", code], env=_env(tmp_path, ZWFW_SECRET_KEY="k" * 40), capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True"]


def test_secret_key_is_required_outside_demo_mode(tmp_path):
    # given a production environment without ZWFW_SECRET_KEY
    result = _load_settings(_env(tmp_path))
    # then the node refuses to start and says why
    assert result.returncode != 0
    assert "ZWFW_SECRET_KEY is required" in result.stderr
    assert not (tmp_path / "data" / "secret_key").exists()


def test_demo_mode_generates_a_private_secret_key_once(tmp_path):
    env = _env(tmp_path, ZWFW_DEMO="1")
    assert _load_settings(env).returncode == 0
    key_file = tmp_path / "data" / "secret_key"
    first = key_file.read_text()
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert _load_settings(env).returncode == 0
    assert key_file.read_text() == first


def test_production_defaults_are_safe(tmp_path):
    result = _load_settings(_env(tmp_path, ZWFW_SECRET_KEY="k" * 40))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "['127.0.0.1',", "'localhost',", "'[::1]']", "True", "regional"]


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("ZWFW_NODE_ROLE", "province", "ZWFW_NODE_ROLE must be one of"),
        ("ZWFW_NODE_CODE", "33", "ZWFW_NODE_CODE must be"),
        ("ZWFW_DEBUG", "maybe", "ZWFW_DEBUG must be true or false"),
        ("ZWFW_SECRET_KEY", "short", "at least 32 characters"),
        ("ZWFW_HUB_URL", "http://hub.example.gov.cn", "must be an https:// URL"),
    ],
)
def test_bad_settings_are_refused_with_a_clear_message(tmp_path, variable, value, message):
    env = _env(tmp_path, ZWFW_SECRET_KEY="k" * 40)
    env[variable] = value
    result = _load_settings(env)
    assert result.returncode != 0
    assert message in result.stderr


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> tuple[int, bytes, dict]:
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.status, resp.read(), resp.headers
    except urllib.error.HTTPError as err:
        return err.code, err.read(), err.headers


@pytest.mark.server
def test_zwfw_serve_runs_granian_with_static_files(tmp_path, node_database_url):
    # given a migrated node in production mode
    env = _env(tmp_path, ZWFW_SECRET_KEY="s" * 40, ZWFW_WEB_WORKERS="2", ZWFW_ACCESS_LOG="/dev/null")
    if node_database_url:
        env["DATABASE_URL"] = node_database_url
    subprocess.run([str(BIN / "zwfw"), "manage", "migrate", "--verbosity", "0"], env=env, check=True)
    port = _free_port()
    server = subprocess.Popen(
        [str(BIN / "zwfw"), "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                status, body, _ = _get(f"{base}/api/v1/openapi.json")
                break
            except OSError:
                assert server.poll() is None, server.stdout.read().decode()
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.3)
        # then the API, a page and a hashed static file are served by granian itself
        assert status == 200
        assert b'"openapi"' in body
        status, body, _ = _get(f"{base}/")
        assert status == 200
        assert "zh-Hans" in body.decode()
        status, body, headers = _get(f"{base}/no-such-page/")
        assert status == 404
        assert "页面" in body.decode()
        assert "granian" in headers.get("Server", "")
        status, _, headers = _get(f"{base}/static/admin/css/base.css")
        assert status == 200
        assert "max-age" in headers.get("Cache-Control", "")
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.django_db
def test_api_docs_load_nothing_from_another_host(client):
    # ARCHITECTURE.md: no page loads anything from another host
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    import re

    references = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert references, html
    assert [ref for ref in references if "//" in ref] == []


@pytest.mark.server
def test_zwfw_demo_migrates_seeds_and_serves_with_the_demo_logins_printed(tmp_path, node_database_url):
    # given an empty data directory (what `make demo` starts from)
    env = _env(tmp_path, ZWFW_ACCESS_LOG="/dev/null")
    if node_database_url:
        env["DATABASE_URL"] = node_database_url
    port = _free_port()
    demo = subprocess.Popen(
        [str(BIN / "zwfw"), "demo", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        lines: list[str] = []
        deadline = time.monotonic() + 240
        while not any("Ctrl+C" in line for line in lines):
            line = demo.stdout.readline()
            assert line or demo.poll() is None, "".join(lines)
            lines.append(line)
            assert time.monotonic() < deadline, "".join(lines)
        banner = "".join(lines)
        # then the URLs and the demo logins are printed ...
        assert f"http://127.0.0.1:{port}/" in banner
        assert "admin" in banner
        assert "Zwfw-Demo-2026" in banner
        # ... and the seeded node answers: a guide found through search
        deadline = time.monotonic() + 60
        while True:
            try:
                status, body, _ = _get(f"http://127.0.0.1:{port}/api/v1/catalog/items?q=shebao")
                break
            except OSError:
                assert time.monotonic() < deadline
                time.sleep(0.3)
        assert status == 200
        assert b"\\u793e\\u4f1a\\u4fdd\\u969c\\u5361" in body or "社会保障卡".encode() in body
        # ... and a demo citizen listed in the banner signs in with the printed password
        assert "13900000001" in banner
        assert "Zwfw-Staff-2026" in banner
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as browser:
            browser.get("/account/login/")
            signed_in = browser.post(
                "/account/login/",
                data={
                    "csrfmiddlewaretoken": browser.cookies["csrftoken"],
                    "action": "password",
                    "identifier": "13900000001",
                    "password": "Zwfw-Demo-2026",
                },
            )
            assert signed_in.status_code == 302
            assert "sessionid" in browser.cookies
    finally:
        demo.terminate()
        demo.wait(timeout=60)
    assert demo.returncode is not None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("get", "/api/v1/nonexistent", 404, "NOT_FOUND"),
        ("get", "/api/v2/catalog/items", 404, "NOT_FOUND"),
        ("post", "/api/v1/catalog/items", 405, "METHOD_NOT_ALLOWED"),
        ("delete", "/api/v1/catalog/topics", 405, "METHOD_NOT_ALLOWED"),
    ],
)
def test_every_api_error_has_the_json_error_shape(client, method, path, status, code):
    # README: every API error is a 4xx {"code", "message", "details"} — also outside the routers' handlers
    response = getattr(client, method)(path)
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == code
    assert body["details"] == {"path": path, "method": method.upper()}
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["message"])
    if status == 405:
        assert "GET" in response["Allow"]


@pytest.mark.django_db
def test_portal_404_stays_an_html_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_the_api_routes_grouped_by_module_resolve_as_the_flat_list_did():
    import re

    from django.urls import resolve

    from zwfw.api import api

    patterns, _, namespace = api.urls
    first: dict[str, str] = {}  # a path with several methods has a name per method; the first resolves
    for pattern in patterns:
        first.setdefault(re.sub(r"<[^>]+>", "x", str(pattern.pattern)), pattern.name)
    for route, name in first.items():
        match = resolve(f"/api/v1/{route}")
        assert (match.url_name, match.namespace) == (name, namespace), route


@pytest.mark.skipif("DATABASE_URL" in os.environ, reason="the PRAGMAs are SQLite's")
def test_a_sqlite_node_connects_with_wal_and_a_page_cache_for_a_large_book(tmp_path):
    # given a node on its own SQLite file
    code = (
        "import django; django.setup(); from django.db import connections; connection = connections['default']; "
        "c = connection.cursor(); "
        "print(*[c.execute(f'PRAGMA {p}').fetchone()[0] for p in "
        "('journal_mode', 'synchronous', 'busy_timeout', 'cache_size', 'mmap_size')], "
        "type(connection).__module__)"
    )
    env = _env(tmp_path, ZWFW_SECRET_KEY="k" * 40, DJANGO_SETTINGS_MODULE="zwfw.settings")
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    # then every connection has WAL, NORMAL sync, a 10 s busy wait, a 64 MiB cache and 256 MiB mapped,
    # through the backend that queues writers on a lock file
    assert result.stdout.split() == ["wal", "1", "10000", "-65536", "268435456", "zwfw.core.sqlite.base"]
