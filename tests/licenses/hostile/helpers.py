from __future__ import annotations

import json

from django.test import Client

API = "/api/v1/licenses"


def call(client: Client, method: str, path: str, body: object = None, **extra):
    if method == "get":
        return client.get(f"{API}{path}", body or {}, **extra)
    data = body if isinstance(body, str | bytes) else json.dumps(body if body is not None else {})
    return getattr(client, method)(f"{API}{path}", data=data, content_type="application/json", **extra)


def has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def assert_clean_4xx(response, statuses=None) -> dict:
    """A 4xx with the project's error body and a Chinese message."""
    assert 400 <= response.status_code < 500, (response.status_code, response.content[:500])
    if statuses is not None:
        assert response.status_code in statuses, (response.status_code, response.content[:500])
    body = response.json()
    assert set(body) == {"code", "message", "details"}, body
    assert has_chinese(body["message"]), body
    return body


def issue_body(holder, **extra) -> dict:
    """The JSON of POST /issue: a 居住证 for ``holder``, ``extra`` replacing or adding fields."""
    from tests.licenses.wallet_helpers import license_type

    return {
        "type_code": license_type("居住证").code, "holder_document_type": "resident_id",
        "holder_document_number": holder.document_number,
        "surface": {"issue_date": "2026-12-01", "address": "杭州市上城区"},
        "idempotency_key": "hostile-1",
    } | extra
