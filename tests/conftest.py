"""Fixtures shared by the whole suite: API client, browser, artifacts."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import Client

ARTIFACTS = Path(os.environ.get("ZWFW_TEST_ARTIFACTS", Path(__file__).resolve().parent.parent / "test-artifacts"))

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
