"""Template helpers of the portal: search-match highlighting, Chinese labels of guide values, and a
`translate` tag that looks each fixed text up once per language."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable

from django import template
from django.template.base import Node, Parser, Token
from django.template.context import Context
from django.templatetags.i18n import TranslateNode, do_translate
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from zwfw.catalog.models import DeliveryMethod, HandlingVariant, LegalBasisKind

register = template.Library()

CHANNELS = {
    "web": gettext_lazy("网上办理（政务服务网）"),
    "app": gettext_lazy("移动端办理（政务服务App / 小程序）"),
    "window": gettext_lazy("窗口办理"),
    "terminal": gettext_lazy("自助终端办理"),
    "mail": gettext_lazy("邮寄办理"),
    "phone": gettext_lazy("电话办理"),
}


class TranslateOnceNode(Node):
    """{% translate "constant text" %} (with or without `as var`) whose translation is looked up once per
    language and process: Django's tag looks it up on every render, and a guide page has ~100 of them."""

    child_nodelists = ()

    def __init__(self, node: TranslateNode) -> None:
        self.node = node
        self.asvar = node.asvar
        self.translations: dict[tuple[str | None, bool], str] = {}

    def render(self, context: Context) -> str:
        # Asking for the active language costs as much as a dict of translations saves, so it is asked
        # once per template render (an {% include %} renders anew; see translate_once for {% language %}).
        language = context.render_context.get(TranslateOnceNode)
        if language is None:
            language = context.render_context[TranslateOnceNode] = get_language()
        key = (language, context.autoescape)
        value = self.translations.get(key)
        if value is None:
            with context.push():
                rendered = self.node.render(context)
                value = context[self.asvar] if self.asvar else rendered
            self.translations[key] = value
        if self.asvar:
            context[self.asvar] = value
            return ""
        return value


@register.tag("translate")
def translate_once(parser: Parser, token: Token) -> Node:
    """Django's {% translate %}, same syntax and output (and found by makemessages as before); loaded after
    i18n (`{% load i18n portal %}`), it replaces that tag in the template. Constant texts are translated
    once per language; anything else (variables, filters, context, noop) is left to Django's tag, and so
    is any translate inside a {% language %} block, which switches the language in mid-render. (A parent
    template wrapping a {% block %} in {% language %} should not be extended by a template loading this.)"""
    node = do_translate(parser, token)
    expression = node.filter_expression
    constant = (
        not node.noop
        and node.message_context is None
        and not expression.filters
        and getattr(expression.var, "literal", None) is not None
        and expression.var.lookups is None
        and all(command != "language" for command, _ in parser.command_stack)
    )
    return TranslateOnceNode(node) if constant else node


def _catalog_highlighter() -> Callable[[str, str], list[tuple[str, bool]]] | None:
    """The catalogue's own highlighter (it knows about pinyin and segmentation) when it exists."""
    try:
        module = importlib.import_module("zwfw.catalog.search")
    except ImportError:
        return None
    return getattr(module, "highlight", None)


def split_matches(text: str, q: str) -> list[tuple[str, bool]]:
    """Exact, case-insensitive substring matches of the query or any of its words."""
    terms = {t.lower() for t in [q.strip(), *q.split()] if t}
    if not text or not terms:
        return [(text, False)] if text else []
    lowered = text.lower()
    marks = [False] * len(text)
    for term in terms:
        start = lowered.find(term)
        while start != -1:
            for i in range(start, start + len(term)):
                marks[i] = True
            start = lowered.find(term, start + len(term))
    parts: list[tuple[str, bool]] = []
    for ch, marked in zip(text, marks, strict=True):
        if parts and parts[-1][1] == marked:
            parts[-1] = (parts[-1][0] + ch, marked)
        else:
            parts.append((ch, marked))
    return parts


@register.filter
def highlight(text: object, q: str | None) -> SafeString:
    """Escape ``text`` and wrap the parts matching ``q`` in <mark>."""
    text = "" if text is None else str(text)
    if not q:
        return escape(text)
    helper = _catalog_highlighter()
    parts: Iterable[tuple[str, bool]]
    try:
        parts = helper(text, q) if helper else split_matches(text, q)
    except Exception:  # a highlighter bug must not break a results page
        parts = split_matches(text, q)
    return mark_safe(
        "".join(f"<mark>{escape(part)}</mark>" if hit else str(escape(part)) for part, hit in parts)
    )


def _label(choices: type, value: object) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


@register.filter
def delivery_label(value: object) -> str:
    return _label(DeliveryMethod, value)


@register.filter
def variant_label(value: object) -> str:
    return _label(HandlingVariant, value)


@register.filter
def basis_kind_label(value: object) -> str:
    return _label(LegalBasisKind, value)


@register.filter
def channel_label(value: object) -> str:
    """A channel is a code ("web") or an object {"kind"/"name": ..., "description"/"url": ...}."""
    if isinstance(value, dict):
        name = value.get("name") or value.get("kind") or ""
        name = str(CHANNELS.get(name, name))
        extra = value.get("description") or value.get("url") or ""
        return f"{name}：{extra}" if extra else name
    return str(CHANNELS.get(str(value), value))


@register.filter
def handling_names(codes: list[str] | None, handling_items: Iterable) -> str:
    """适用业务办理项: an empty list means every handling item."""
    if not codes:
        return _("全部业务办理项")
    names = {h.code: h.name for h in handling_items}
    return "、".join(names.get(code, code) for code in codes)


@register.filter
def file_name(field: object) -> str:
    name = str(getattr(field, "name", "") or "")
    return name.rsplit("/", 1)[-1]


@register.filter
def page_window(result: object, radius: int = 2) -> list[int | None]:
    """Page numbers around the current one, with the first and last; None marks a gap."""
    page, pages = int(getattr(result, "page", 1)), int(getattr(result, "pages", 1))
    shown = sorted({1, pages, *range(max(1, page - radius), min(pages, page + radius) + 1)})
    window: list[int | None] = []
    for n in shown:
        if window and n - (window[-1] or 0) > 1:
            window.append(None)
        window.append(n)
    return window


@register.filter
def list_start(result: object) -> int:
    return (int(getattr(result, "page", 1)) - 1) * int(getattr(result, "page_size", 10)) + 1


@register.filter
def is_web_address(value: object) -> bool:
    """An online 办理地点 gives a web address instead of a street address."""
    return str(value or "").startswith(("https://", "http://"))
