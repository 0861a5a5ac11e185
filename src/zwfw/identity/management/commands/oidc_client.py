"""zwfw manage oidc_client create|list|delete — OpenID Connect clients of this node's provider."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zwfw.core.errors import DomainError
from zwfw.identity.oidc import clients


class Command(BaseCommand):
    help = "管理本节点身份认证服务的接入应用（OpenID Connect 客户端）：create 创建、list 列出、delete 删除"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser(
            "create", help="创建客户端，以 JSON 输出 client_id（机密客户端另有 client_secret，仅显示一次）"
        )
        create.add_argument("--name", required=True, help="应用名称")
        create.add_argument(
            "--redirect-uri", action="append", default=[], dest="redirect_uris", help="回调地址，可重复"
        )
        create.add_argument(
            "--public", action="store_true", help="公开客户端（无密钥，如手机应用、单页应用）"
        )
        create.add_argument(
            "--sector", default="", help="扇区标识：同一扇区的客户端得到相同的 sub，默认取回调地址的主机名"
        )
        create.add_argument("--client-credentials", action="store_true", help="系统客户端：仅客户端凭证模式")
        create.add_argument(
            "--acts-as",
            default="",
            metavar="USERNAME",
            help="系统客户端代表的工作人员账号（部门系统的服务账号）：调用业务接口时使用其部门和角色",
        )
        create.add_argument(
            "--post-logout-redirect-uri",
            action="append",
            default=[],
            dest="post_logout_redirect_uris",
            help="退出登录后的回调地址，可重复",
        )
        create.add_argument(
            "--public-subject", action="store_true", help="使用统一 sub（public）而非按扇区区分"
        )
        create.add_argument(
            "--backchannel-logout-uri", default="", help="后端登出地址（OpenID Connect Back-Channel Logout）"
        )
        sub.add_parser("list", help="以 JSON 列出全部客户端（不含密钥）")
        delete = sub.add_parser("delete", help="删除客户端及其全部令牌")
        delete.add_argument("client_id")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "create":
                created = clients.create_client(
                    name=options["name"],
                    redirect_uris=options["redirect_uris"],
                    public=options["public"],
                    sector=options["sector"],
                    client_credentials=options["client_credentials"],
                    post_logout_redirect_uris=options["post_logout_redirect_uris"],
                    subject_type="public" if options["public_subject"] else "pairwise",
                    backchannel_logout_uri=options["backchannel_logout_uri"],
                    acts_as=options["acts_as"],
                )
                self.stdout.write(json.dumps(created.as_dict(), ensure_ascii=False, indent=2))
            elif options["action"] == "list":
                self.stdout.write(json.dumps(clients.list_clients(), ensure_ascii=False, indent=2))
            else:
                clients.delete_client(client_id=options["client_id"])
                self.stdout.write(json.dumps({"deleted": options["client_id"]}))
        except DomainError as exc:
            raise CommandError(
                f"{exc.message}（{exc.code}）{'：' + json.dumps(exc.details, ensure_ascii=False) if exc.details else ''}"
            ) from exc
