from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.test import Client

API = "/api/v1/cases"


def signed_in(who) -> Client:
    client = Client()
    client.force_login(getattr(who, "user", who))
    return client


def call(client: Client, method: str, path: str, body: object = None, raw: str | None = None, **extra):
    if method == "get":
        return client.get(f"{API}{path}", body or {}, **extra)
    if method == "delete":
        return client.delete(f"{API}{path}", **extra)
    data = raw if raw is not None else json.dumps(body if body is not None else {})
    return getattr(client, method)(f"{API}{path}", data=data, content_type="application/json", **extra)


def chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def assert_error(response, status: int | tuple, code: str | None = None) -> dict:
    statuses = status if isinstance(status, tuple) else (status,)
    assert response.status_code in statuses, (response.status_code, response.content[:500])
    body = response.json()
    assert set(body) == {"code", "message", "details"}, body
    assert chinese(body["message"]), body
    if code:
        assert body["code"] == code, body
    return body


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()
