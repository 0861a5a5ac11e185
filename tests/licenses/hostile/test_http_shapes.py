"""Transport-level garbage on the licence API: always the project's JSON error with a Chinese message."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.licenses.hostile.helpers import API, assert_clean_4xx, has_chinese

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("path", "ctype", "body"), [
    ("/verify", "text/plain", b'{"identifier": "x", "holder_code": "y"}'),
    ("/verify", "application/json; charset=latin-1", '{"identifier": "\u00e9", "holder_code": "y"}'.encode("latin-1")),
    ("/verify", "application/json", b"\xef\xbb\xbf{\"identifier\": \"x\", \"holder_code\": \"y\"}"),
    ("/verify", "application/json", b'{"identifier": "x", "holder_code": "y", "identifier": 5}'),
    ("/verify", "application/json", b'{"identifier": "x", "holder_code": NaN}'),
    ("/verify", "application/json", b"{" + b'"a":1,' * 200000 + b'"identifier":"x","holder_code":"y"}'),
    ("/verify", "application/json", b" " * (11 * 1024 * 1024)),
    ("/verify/pdf", "multipart/form-data; boundary=XYZ", b"--XYZ\r\ngarbage"),
    ("/verify/pdf", "multipart/form-data", b"--XYZ\r\ngarbage"),
    ("/verify/pdf", "application/json", b'{"file": "JVBERi0="}'),
    ("/verify/pdf", "application/pdf", b"%PDF-1.7\n%%EOF"),
    ("/verify/token", "application/x-www-form-urlencoded", b"token=abc"),
])
def test_garbage_bodies(world, path, ctype, body):
    response = Client().generic("POST", f"{API}{path}", data=body, content_type=ctype)
    assert_clean_4xx(response)


def test_validation_details_are_chinese_too(world):
    response = Client().post(f"{API}/verify", data={"identifier": "x" * 121, "holder_code": "1"},
                             content_type="application/json")
    body = assert_clean_4xx(response)
    reasons = [item["reason"] for item in body["details"]]
    assert all(has_chinese(reason) for reason in reasons), reasons
