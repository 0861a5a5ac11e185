"""Portal pages (门户): thin views that parse the query, call catalogue selectors and render."""

from __future__ import annotations

import logging
import posixpath
import re

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe
from django.views.decorators.vary import vary_on_cookie

from zwfw.catalog.guides import published_guide
from zwfw.catalog.models import TopicAudience
from zwfw.catalog.selectors import (
    department_by_credit_code,
    list_departments,
    list_topics,
    popular_items,
    published_material_file,
    search_items,
    topic_by_code,
)
from zwfw.core.errors import DomainError
from zwfw.core.pages import error_page, status_page
from zwfw.notifications.selectors import inbox_of, messages_to
from zwfw.notifications.services import describe_recipient, mark_all_read, normalise_mobile
from zwfw.portal.context_processors import ELDER_COOKIE, is_elder_mode
from zwfw.portal.params import CREDIT_CODE, PAGE_SIZE, parse_audience, parse_page, parse_search

logger = logging.getLogger(__name__)

GUIDE_CACHE_SECONDS = 6 * 3600
LIST_CACHE_SECONDS = 60
ELDER_COOKIE_MAX_AGE = 365 * 24 * 3600
_ITEM_CODE = re.compile(r"^[0-9A-Za-z]{1,40}$")


def _topics(audience: str | None = None) -> list:
    """Topics with their item counts; counting over every item is too slow to do on each request."""
    return cache.get_or_set(
        f"portal:topics:{audience or 'all'}", lambda: list_topics(audience=audience), LIST_CACHE_SECONDS
    )


def _departments() -> list:
    return cache.get_or_set("portal:departments", list_departments, LIST_CACHE_SECONDS)


@require_safe
@vary_on_cookie
def home(request: HttpRequest) -> HttpResponse:
    tab = parse_audience(request.GET.get("tab")) or TopicAudience.PERSON
    return render(
        request,
        "portal/home.html",
        {
            "tab": tab,
            "audiences": TopicAudience.choices,
            "popular": popular_items(limit=8),
            "topics": _topics(tab),
            "departments": _departments(),
        },
    )


@require_safe
@vary_on_cookie
def search(request: HttpRequest) -> HttpResponse:
    params = parse_search(request.GET)
    try:
        result = search_items(**params.selector_kwargs())
    except DomainError as exc:
        return error_page(request, exc)
    return render(
        request,
        "portal/search.html",
        {
            "params": params,
            "result": result,
            "audiences": TopicAudience.choices,
            "topics": _topics(),
            "departments": _departments(),
            "popular": [] if result.count else popular_items(limit=6),
        },
    )


@require_safe
@vary_on_cookie
def topic_list(request: HttpRequest) -> HttpResponse:
    topics = _topics()
    groups = [(label, [t for t in topics if t.audience == value]) for value, label in TopicAudience.choices]
    return render(request, "portal/topics.html", {"groups": groups})


@require_safe
@vary_on_cookie
def topic_detail(request: HttpRequest, code: str) -> HttpResponse:
    try:
        topic = topic_by_code(code)
        result = search_items(topic=topic.code, page=parse_page(request.GET.get("page")), page_size=PAGE_SIZE)
    except DomainError as exc:
        return error_page(request, exc)
    return render(request, "portal/topic.html", {"topic": topic, "result": result})


@require_safe
@vary_on_cookie
def department_list(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/departments.html", {"departments": _departments()})


@require_safe
@vary_on_cookie
def department_detail(request: HttpRequest, credit_code: str) -> HttpResponse:
    if not CREDIT_CODE.match(credit_code):
        return status_page(request, 404, _("未找到该部门。"))
    try:
        department = department_by_credit_code(credit_code)
        result = search_items(
            department=department.credit_code, page=parse_page(request.GET.get("page")), page_size=PAGE_SIZE
        )
    except DomainError as exc:
        return error_page(request, exc)
    return render(request, "portal/department.html", {"department": department, "result": result})


def _online_depth(content: dict) -> int:
    try:
        return int(content.get("online_depth") or 0)
    except (TypeError, ValueError):
        return 0


@require_safe
@vary_on_cookie
def guide(request: HttpRequest, code: str) -> HttpResponse:
    """办事指南, the hottest page. A published version never changes, so its page is rendered once per
    version, language and 长辈版 flag and then served from the cache; one indexed query finds the version
    and, for rendering, its guide snapshot (zwfw.catalog.guides)."""
    not_found = _("未找到该事项，可能编码有误或事项已停用。")
    if not _ITEM_CODE.match(code):  # also keeps NUL bytes and the like away from the database
        return status_page(request, 404, not_found)
    try:
        found = published_guide(code)
    except DomainError:
        return status_page(request, 404, not_found)
    elder = is_elder_mode(request)
    # LocaleMiddleware may pick another of LANGUAGES per request, so the language is part of the key too.
    version = f"{found.item_pk}:{found.version}:{found.updated_at.timestamp()}"
    key = f"portal:guide:{code}:{version}:{get_language()}:{int(elder)}"
    html = cache.get(key)
    if html is None:
        # Nothing per visitor goes into this page: the 长辈版 flag is in the key, `next` is the bare path.
        content = found.content()
        # 在线申请 where the item takes applications on line (网上办理深度 二级 and above)
        apply_url = reverse("cases:apply", args=[found.item_pk]) if _online_depth(content) >= 2 else ""
        context = {"guide": content, "next_url": request.path, "apply_url": apply_url}
        html = render_to_string("portal/guide.html", context, request)
        cache.set(key, html, GUIDE_CACHE_SECONDS)
    return HttpResponse(html)


@require_safe
def download(request: HttpRequest, path: str) -> HttpResponse:
    """空白表格 / 示例样表: only files that a published material refers to, never anything else."""
    if "\x00" in path or path != posixpath.normpath(path) or path.startswith(("/", "..")):
        return status_page(request, 404, _("文件不存在。"))
    found = published_material_file(path)
    if found is None:
        return status_page(request, 404, _("文件不存在或已停止提供。"))
    material, kind = found
    try:
        handle = default_storage.open(path, "rb")
    except (FileNotFoundError, SuspiciousFileOperation):
        logger.warning("material file missing from storage: %s", path)
        return status_page(request, 404, _("文件暂不可下载，请联系咨询电话。"))
    suffix = posixpath.splitext(path)[1].lower()
    label = _("空白表格") if kind == "blank_form" else _("示例样表")
    return FileResponse(
        handle, as_attachment=True, filename=f"{_safe_name(material.name)}（{label}）{suffix}"
    )


def _safe_name(name: str) -> str:
    """A material name usable as a download file name: no control characters, quotes or separators."""
    cleaned = "".join(" " if (not ch.isprintable() or ch in '/\\"') else ch for ch in name)
    return " ".join(cleaned.split())[:80] or "file"


@require_http_methods(["GET", "POST"])
def elder_mode(request: HttpRequest) -> HttpResponse:
    """Switch 长辈版 on or off with a cookie, then go back; works without JavaScript."""
    data = request.POST if request.method == "POST" else request.GET
    wanted = data.get("on")
    enable = wanted == "1" if wanted in ("0", "1") else not is_elder_mode(request)
    target = data.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("portal:home")
    response = HttpResponseRedirect(target)
    if enable:
        response.set_cookie(
            ELDER_COOKIE,
            "1",
            max_age=ELDER_COOKIE_MAX_AGE,
            samesite="Lax",
            httponly=True,
            secure=request.is_secure(),
        )
    else:
        response.delete_cookie(ELDER_COOKIE, samesite="Lax")
    return response


INBOX_PAGE_SIZE = 20


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """消息中心: the signed-in account's messages (in-site, and copies of SMS and e-mail)."""
    if request.method == "POST":
        mark_all_read(user=request.user)
        return HttpResponseRedirect(reverse("portal:inbox"))
    page = Paginator(inbox_of(request.user), INBOX_PAGE_SIZE).get_page(parse_page(request.GET.get("page")))
    rows = [(message, describe_recipient(message)) for message in page.object_list]
    return render(request, "portal/inbox.html", {"page": page, "rows": rows})


@require_safe
def demo_messages(request: HttpRequest) -> HttpResponse:
    """演示短信: in demo mode only, the messages the recording sender "sent" to a mobile number.

    A real node sends SMS through a gateway; the demo has no phones, so this page stands in for one.
    """
    if not settings.DEMO:
        return status_page(request, 404)
    raw = (request.GET.get("to") or "").strip()
    found, error = [], ""
    if raw:
        try:
            found = messages_to(channel="sms", address=normalise_mobile(raw), limit=10)
        except DomainError as exc:
            error = exc.message
    return render(request, "portal/demo_messages.html", {"to": raw[:20], "found": found, "error": error})


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return status_page(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    try:
        return render(request, "portal/500.html", status=500)
    except Exception:  # the error page itself must never fail
        logger.exception("rendering the 500 page failed")
        return HttpResponse(FALLBACK_500, status=500, content_type="text/html; charset=utf-8")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return status_page(request, 403)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return status_page(request, 400)


FALLBACK_500 = (
    '<!doctype html><html lang="zh-Hans"><head><meta charset="utf-8"><title>系统繁忙</title></head>'
    "<body><main><h1>系统繁忙，请稍后再试</h1><p>如需帮助，请拨打 12345 政务服务便民热线。</p>"
    '<p><a href="/">返回首页</a></p></main></body></html>'
)
