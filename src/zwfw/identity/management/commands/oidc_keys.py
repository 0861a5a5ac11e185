"""zwfw manage oidc_keys rotate|prune|list — signing keys of the OpenID Connect provider."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from zwfw.identity import keys


class Command(BaseCommand):
    help = (
        "管理身份认证服务的签名密钥：rotate 生成新密钥（各进程重启后启用），"
        "prune 删除所签令牌均已过期的旧密钥，list 列出密钥及其状态"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["rotate", "prune", "list"])

    def handle(self, *args: Any, **options: Any) -> None:
        keys_dir = settings.OIDC_KEYS_DIR
        retire = settings.OIDC_KEY_RETIRE_AFTER_SECONDS
        action = options["action"]
        if action == "rotate":
            path = keys.rotate_signing_key(keys_dir)
            self.stdout.write(
                json.dumps({"created": path.name, "note": "重启各工作进程后由新密钥签名"}, ensure_ascii=False)
            )
        elif action == "prune":
            removed = keys.prune_signing_keys(keys_dir, retire_after_seconds=retire)
            self.stdout.write(json.dumps({"removed": [p.name for p in removed]}))
        else:
            self.stdout.write(
                json.dumps(
                    keys.describe_signing_keys(keys_dir, retire_after_seconds=retire),
                    ensure_ascii=False,
                    indent=2,
                )
            )
