"""Values a user sends that are looked up in the database (an identifier, a code in a URL)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet


def lookup_key(value: object, *, max_length: int) -> str:
    """``value`` stripped and cut to ``max_length``, or ``""`` (which names nothing) when it cannot
    name a row: not text, or holding a NUL, which PostgreSQL text columns refuse with an error (a 500)
    instead of simply not matching."""
    if not isinstance(value, str) or "\x00" in value:
        return ""
    return value.strip()[:max_length]


class PreparedRead:
    """A read by one key that a hot path runs on every request, compiled to SQL once per connection.

    Compiling a queryset costs more than running it on an indexed column (measured on the 亮证 scan:
    ~40% of the request). ``queryset`` is built with the placeholder ``SAMPLE`` where the key goes
    and must be a ``values_list`` query; ``rows(key)`` runs the same SQL with the real key and
    applies the same converters Django would (dates on SQLite, JSON, encrypted fields), so the rows
    are exactly what iterating the queryset would give.
    """

    SAMPLE = "\x1fzwfw-prepared-key\x1f"

    def __init__(self, build: Callable[[str], QuerySet]) -> None:
        self._build = build
        # per connection object (one per thread and alias): a compiler belongs to its connection
        self._compiled: dict[int, tuple[Any, Any, str, list]] = {}

    def _compile(self, alias: str) -> tuple[Any, str, list]:
        connection = connections[alias]
        cached = self._compiled.get(id(connection))
        if cached is not None and cached[0] is connection:
            return cached[1], cached[2], cached[3]
        compiler = self._build(self.SAMPLE).query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        if list(params) != [self.SAMPLE]:
            raise ValueError("a prepared read takes exactly one parameter, the key")
        converters = compiler.get_converters([column[0] for column in compiler.select])
        self._compiled[id(connection)] = (connection, compiler, sql, converters)
        return compiler, sql, converters

    def rows(self, key: str, *, using: str = DEFAULT_DB_ALIAS) -> list[tuple]:
        compiler, sql, converters = self._compile(using)
        with connections[using].cursor() as cursor:
            cursor.execute(sql, [key])
            rows = cursor.fetchall()
        if converters:
            return [tuple(row) for row in compiler.apply_converters(rows, converters)]
        return [tuple(row) for row in rows]
