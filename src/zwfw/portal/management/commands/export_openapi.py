"""Write the node's OpenAPI document (committed as docs/openapi.json and diffed by the test suite)."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand


def openapi_document() -> dict:
    from zwfw.api import api

    return api.get_openapi_schema(path_prefix="/api/v1")


def render(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


class Command(BaseCommand):
    help = "导出 OpenAPI 文档（默认写到标准输出）"

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="输出文件，如 docs/openapi.json")

    def handle(self, *args, path=None, **options):
        text = render(openapi_document())
        if path:
            Path(path).write_text(text, encoding="utf-8")
            self.stdout.write(f"已写入 {path}")
        else:
            self.stdout.write(text, ending="")
