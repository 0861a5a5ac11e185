"""Fixtures shared by the whole suite: API client, browser, artifacts."""

from __future__ import annotations

import functools
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import Client

ARTIFACTS = Path(
    os.environ.get("ZWFW_TEST_ARTIFACTS", Path(__file__).resolve().parent.parent / "test-artifacts")
)

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    for candidate in (os.environ.get("ZWFW_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@pytest.fixture
def api_client() -> Client:
    return Client()


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    """Screenshots and other files kept from a test run (test-artifacts/ by default)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """A real headless Chromium (Debian's /usr/bin/chromium) driven by Playwright."""
    path = chromium_path()
    if path is None:
        if os.environ.get("ZWFW_REQUIRE_BROWSER") == "1":
            pytest.fail("Chromium 未安装：make test 会用 apt-get 安装 chromium")
        pytest.skip("chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


_DB_FIXTURES = {
    "db",
    "transactional_db",
    "live_server",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
}


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Reference data that migrations load (official calendar, regions) is there for every database test.

    A transactional test (live_server, threads) ends by flushing every table, data migrations'
    rows included; the next test that needs them gets them back here.
    """
    if not (_DB_FIXTURES & set(request.fixturenames) or request.node.get_closest_marker("django_db")):
        return
    request.getfixturevalue("transactional_db" if _needs_transaction(request) else "db")
    from zwfw.core import calendar, regions
    from zwfw.core.models import CalendarYear, Region

    if not CalendarYear.objects.exists():
        calendar.import_calendar(
            calendar.parse_calendar_file(
                calendar.OFFICIAL_CALENDAR_CSV.read_text(encoding="utf-8"), fmt="csv"
            )
        )
    if not Region.objects.exists():
        regions.load_regions(regions.DEFAULT_REGIONS_CSV.read_text(encoding="utf-8"))


def _needs_transaction(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])):
        return True
    return bool({"transactional_db", "live_server"} & set(request.fixturenames))


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    """Pages render without a collectstatic run; tests/test_project.py covers the hashed storage of `zwfw serve`."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _identity_process_caches():
    """Per-process caches of immutable identity rows (sectors, pairwise subjects) start empty in each test:
    a rolled-back test database hands out the same ids again."""
    yield
    import sys

    claims = sys.modules.get("zwfw.identity.oidc.claims")
    if claims is not None:
        claims._recorded.clear()
        claims._sectors.clear()


@pytest.fixture(scope="session", autouse=True)
def _seal_faces_drawn_once() -> Iterator[None]:
    """A seal face (its frozen ``SealImageSpec``) draws to the same PNG and SVG every time, and the suite
    makes the same few faces hundreds of times (each test's department seal): each test process draws
    each face once, with the real drawing functions, and hands the same bytes out again. Errors are not
    kept (each call that fails fails again); tests/seals/test_images.py checks the drawings themselves."""
    from zwfw.seals import images

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(images, "render_png", functools.lru_cache(maxsize=256)(images.render_png))
        patch.setattr(images, "render_svg", functools.lru_cache(maxsize=256)(images.render_svg))
        yield


@pytest.fixture
def wsgi_keeps_the_test_connection() -> Iterator[None]:
    """Requests go straight to the WSGI app (the property-based API tests, tests/openapi_fuzz.py), so do
    what Django's test client does: keep the connection (and its test transaction) open across requests
    instead of closing it at request end."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)
