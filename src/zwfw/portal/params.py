"""Parsing of portal query parameters: anything invalid is ignored, never an error page or a 500."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.http import QueryDict

from zwfw.catalog.models import TopicAudience

MAX_QUERY_LENGTH = 100
MAX_PAGE = 500
PAGE_SIZE = 10
CREDIT_CODE = re.compile(r"^[0-9A-Z]{18}$")
_TOPIC_CODE = re.compile(r"^[-a-zA-Z0-9_]{1,40}$")
_TRUE = {"1", "on", "true", "yes"}


@dataclass(frozen=True)
class SearchParams:
    q: str = ""
    audience: str | None = None
    topic: str | None = None
    department: str | None = None
    fully_online: bool | None = None
    zero_visit: bool | None = None
    page: int = 1
    ignored: list[str] = field(default_factory=list)

    @property
    def has_filters(self) -> bool:
        return bool(self.audience or self.topic or self.department or self.fully_online or self.zero_visit)

    def selector_kwargs(self) -> dict:
        return {
            "q": self.q,
            "audience": self.audience,
            "topic": self.topic,
            "department": self.department,
            "fully_online": self.fully_online,
            "zero_visit": self.zero_visit,
            "page": self.page,
            "page_size": PAGE_SIZE,
        }


def clean_text(raw: str | None) -> str:
    """A search text: control characters removed, whitespace collapsed, length bounded."""
    if not raw:
        return ""
    text = "".join(ch if ch.isprintable() else " " for ch in raw)
    return " ".join(text.split())[:MAX_QUERY_LENGTH]


def parse_page(raw: str | None) -> int:
    try:
        page = int(raw or "1")
    except ValueError:
        return 1
    return page if 1 <= page <= MAX_PAGE else 1


def parse_audience(raw: str | None) -> str | None:
    return raw if raw in TopicAudience.values else None


def parse_search(query: QueryDict) -> SearchParams:
    ignored = []
    audience = parse_audience(query.get("audience"))
    if query.get("audience") and audience is None:
        ignored.append("audience")
    topic = query.get("topic") or None
    if topic is not None and not _TOPIC_CODE.match(topic):
        topic, ignored = None, [*ignored, "topic"]
    department = (query.get("department") or "").upper() or None
    if department is not None and not CREDIT_CODE.match(department):
        department, ignored = None, [*ignored, "department"]
    return SearchParams(
        q=clean_text(query.get("q")),
        audience=audience,
        topic=topic,
        department=department,
        # An unticked box means "no filter", not "exclude".
        fully_online=True if (query.get("fully_online") or "").lower() in _TRUE else None,
        zero_visit=True if (query.get("zero_visit") or "").lower() in _TRUE else None,
        page=parse_page(query.get("page")),
        ignored=ignored,
    )
