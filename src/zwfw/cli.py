"""The `zwfw` command: demo, serve, worker, seed and manage.

zwfw demo [--host H] [--port P]   migrate, seed, start a worker and serve the demo node
zwfw serve [--host H] [--port P] [--workers N]   production server (granian + whitenoise)
zwfw worker                       background jobs (django-tasks, database backend)
zwfw seed                         load the demo data (idempotent)
zwfw manage <command> ...         any Django management command
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Sequence


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zwfw.settings")
    import django

    django.setup()


def _manage(argv: Sequence[str]) -> None:
    _setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["zwfw manage", *argv])


def _default_workers() -> int:
    env = os.environ.get("ZWFW_WEB_WORKERS")
    if env:
        return max(1, int(env))
    # Page and API work is CPU-bound Python: one process per core measured best (bench/run.py).
    return os.cpu_count() or 1


def _access_log_options() -> list[str]:
    """ZWFW_ACCESS_LOG: "-" (standard output, the default), "off" (or "/dev/null", ""), or a file path."""
    target = os.environ.get("ZWFW_ACCESS_LOG", "-").strip()
    if target in ("", "off", os.devnull):
        return ["--no-access-log"]
    if target == "-":
        return ["--access-log"]
    # Granian logs through the logging module: a dictConfig that sends its access logger to the file.
    config = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "generic": {"()": "logging.Formatter", "fmt": "[%(levelname)s] %(message)s"},
            "access": {"()": "logging.Formatter", "fmt": "%(message)s"},
        },
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": "generic", "stream": "ext://sys.stdout"},
            "access": {"class": "logging.FileHandler", "filename": target, "formatter": "access"},
        },
        # the whole "loggers" section replaces granian's: its own logger keeps its console handler
        "loggers": {
            "_granian": {"handlers": ["console"], "level": "INFO", "propagate": False},
            "granian.access": {"handlers": ["access"], "level": "INFO", "propagate": False},
        },
    }
    with tempfile.NamedTemporaryFile("w", prefix="zwfw-access-log-", suffix=".json", delete=False) as file:
        json.dump(config, file)
    return ["--access-log", "--log-config", file.name]


def _server_argv(host: str, port: int, workers: int) -> list[str]:
    """Granian (HTTP parsed in Rust, keep-alive connections) serving the WSGI application.

    One process per core, each running one request at a time (ZWFW_WEB_THREADS): page and API work is
    CPU-bound Python, so more threads only contend for the GIL (bench/run.py measured it). Granian keeps
    client connections open between requests and queues them in Rust while the worker is busy."""
    return [
        sys.executable,
        "-m",
        "granian",
        "--interface",
        "wsgi",
        "--host",
        host,
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--blocking-threads",
        os.environ.get("ZWFW_WEB_THREADS", "1"),
        "--respawn-failed-workers",
        "--workers-kill-timeout",
        "20",
        *_access_log_options(),
        "zwfw.wsgi:application",
    ]


def cmd_serve(args: argparse.Namespace) -> int:
    """Production server: static files collected, then granian (never Django's runserver)."""
    _manage(["collectstatic", "--noinput", "--verbosity", "0"])
    argv = _server_argv(args.host, args.port, args.workers or _default_workers())
    os.execv(argv[0], argv)
    return 0  # pragma: no cover - execv does not return


def cmd_worker(args: argparse.Namespace) -> int:
    _setup_django()
    from zwfw.notifications.services import queue_sweep_of_waiting_notices

    queue_sweep_of_waiting_notices()  # notices whose sweep was never queued leave now
    _manage(["db_worker", "--queue-name", "*", "--interval", str(args.interval), "--no-reload"])
    return 0


def cmd_seed(args: argparse.Namespace) -> int:
    _setup_django()
    from zwfw.demo.seed import seed_demo

    seed_demo(stdout=sys.stdout)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """Everything a first look needs, with one command."""
    os.environ["ZWFW_DEMO"] = "1"
    os.environ.setdefault("ZWFW_SECURE_COOKIES", "false")
    hosts = os.environ.get("ZWFW_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
    if args.host not in ("127.0.0.1", "localhost", "0.0.0.0", "::") and args.host not in hosts:
        os.environ["ZWFW_ALLOWED_HOSTS"] = f"{hosts},{args.host}"
    _setup_django()
    from django.core.management import call_command

    from zwfw.demo.accounts import ensure_demo_accounts
    from zwfw.demo.cases import seed_cases_demo
    from zwfw.demo.identity import seed_identity_demo
    from zwfw.demo.licenses import seed_licenses_demo
    from zwfw.demo.life_events import seed_life_events_demo
    from zwfw.demo.seals import seed_seals_demo
    from zwfw.demo.seed import seed_demo

    print("正在迁移数据库 ...", flush=True)
    call_command("migrate", interactive=False, verbosity=0)
    print("正在导入演示数据 ...", flush=True)
    seed_demo(stdout=sys.stdout)
    accounts = [
        {"role": a["role"], "login": a["username"], "password": a["password"], "mobile": a["mobile"]}
        for a in ensure_demo_accounts()
    ] + seed_identity_demo()
    print("正在制作演示电子印章 ...", flush=True)
    seed_seals_demo()
    print("正在签发演示电子证照 ...", flush=True)
    seed_licenses_demo()
    print("正在生成演示办件和一件事 ...", flush=True)
    seed_cases_demo()
    seed_life_events_demo()
    call_command("collectstatic", interactive=False, verbosity=0)

    worker = subprocess.Popen([sys.executable, "-m", "zwfw.cli", "worker"], env=os.environ.copy())
    server = subprocess.Popen(_server_argv(args.host, args.port, args.workers), env=os.environ.copy())
    shown_host = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host
    base = f"http://{shown_host}:{args.port}"
    _print_banner(base, accounts)

    def stop(signum: int, frame: object) -> None:
        for proc in (server, worker):
            if proc.poll() is None:
                proc.terminate()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        code = server.wait()
    finally:
        stop(0, None)
        worker.wait(timeout=20)
    return code


def _print_banner(base: str, accounts: list[dict]) -> None:
    lines = [
        "",
        "zwfw 演示节点已启动 / demo node is up",
        f"  门户 portal          {base}/",
        f"  搜索示例 search       {base}/search/?q=社保",
        f"  接口文档 API docs     {base}/api/v1/docs",
        f"  OpenAPI              {base}/api/v1/openapi.json",
        f"  运营管理 admin        {base}/admin/",
        "",
        f"  演示短信 demo SMS     {base}/demo/messages/   (验证码在这里查看 / one-time codes show here)",
        f"  签章文件 signed PDF   {base}/seals/documents/   (示例决定书，加盖电子印章 / a sealed sample notice)",
        f"  签章验证 verify       {base}/seals/verify/   (上传PDF核验签章 / upload a PDF to check its seal)",
        f"  亮证 show a licence   以 13900000001 登录 → {base}/licenses/wallet/ → 选一张证照“亮证”，",
        "                       在另一个浏览器（或手机）打开二维码中的链接，即可看到核验结果",
        "                       (sign in as 13900000001, open the wallet, press 亮证 on a licence,",
        "                        and open the QR code's link in another browser or on a phone)",
        f"  办件 cases            {base}/cases/mine/ (市民 my cases), {base}/cases/workbench/ (工作人员 workbench),",
        f"                       {base}/cases/events/ (一件事一次办), {base}/cases/progress/ (进度查询 progress query)",
        "",
        "演示账号 demo accounts (工作人员登录需短信验证码 / staff need the SMS code as second factor):",
    ]
    for account in accounts:
        mobile = f"  手机 {account['mobile']}" if account.get("mobile") else ""
        lines.append(f"  {account['role']:<22} {account['login']:<16} 密码 {account['password']}{mobile}")
    lines += ["", "按 Ctrl+C 停止 / press Ctrl+C to stop", ""]
    print("\n".join(lines), flush=True)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="zwfw", description="zwfw 政务服务平台节点")
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="迁移、导入演示数据、启动后台任务并在本机提供服务")
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=int, default=8000)
    demo.add_argument("--workers", type=int, default=2)
    demo.set_defaults(func=cmd_demo)

    serve = sub.add_parser("serve", help="生产服务器（granian，多进程，whitenoise 静态文件）")
    serve.add_argument("--host", default=os.environ.get("ZWFW_HOST", "127.0.0.1"))
    serve.add_argument("--port", type=int, default=int(os.environ.get("ZWFW_PORT", "8000")))
    serve.add_argument("--workers", type=int, default=0, help="默认 ZWFW_WEB_WORKERS 或 CPU 核数")
    serve.set_defaults(func=cmd_serve)

    worker = sub.add_parser("worker", help="后台任务进程")
    worker.add_argument("--interval", type=float, default=1.0)
    worker.set_defaults(func=cmd_worker)

    seed = sub.add_parser("seed", help="导入演示数据（可重复执行，不产生重复）")
    seed.set_defaults(func=cmd_seed)

    manage = sub.add_parser("manage", help="Django 管理命令，如 zwfw manage migrate", add_help=False)
    manage.add_argument("args", nargs=argparse.REMAINDER)
    manage.set_defaults(func=None)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "manage":
        _manage(argv[1:])
        return 0
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
