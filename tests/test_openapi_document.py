"""The committed OpenAPI document (docs/openapi.json) is the API's contract: it must match the code."""

import json
from pathlib import Path

from zwfw.portal.management.commands.export_openapi import openapi_document, render

COMMITTED = Path(__file__).resolve().parent.parent / "docs" / "openapi.json"


def test_committed_openapi_document_matches_the_code():
    assert COMMITTED.exists(), "docs/openapi.json is missing: run `make openapi` and commit it"
    assert COMMITTED.read_text(encoding="utf-8") == render(openapi_document()), (
        "The API changed but docs/openapi.json did not: run `make openapi`, review the diff and commit it"
    )


def test_every_operation_is_described_in_chinese():
    document = openapi_document()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            text = operation.get("summary", "") + operation.get("description", "")
            assert any("\u4e00" <= ch <= "\u9fff" for ch in text), (
                f"{method.upper()} {path} has no Chinese summary"
            )
            assert any(str(code).startswith("4") for code in operation["responses"]), (
                f"{method.upper()} {path}"
            )
    assert json.loads(render(document)) == json.loads(json.dumps(document))


def test_every_documented_path_is_served_at_that_path():
    # a router mounted with an empty prefix once documented /api/v1identity/... while serving /api/v1/identity/...
    import re

    from django.urls import Resolver404, resolve

    for path in openapi_document()["paths"]:
        concrete = re.sub(r"\{[^}]+\}", "00000000-0000-0000-0000-000000000000", path)
        try:
            resolve(concrete)
        except Resolver404:
            raise AssertionError(f"{path} is documented but no URL serves it") from None
