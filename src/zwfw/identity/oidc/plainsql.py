"""Whole rows of a few joined models by one plain SELECT, decoded exactly as the ORM decodes them.

For the per-request look-ups of the token endpoint and the bearer API (a refresh token with its
user and access token; a subject with its user and person): the ORM rebuilds and compiles such a
``select_related`` query on every call, which cost more than the rest of an API read. Here the
statement, the column list and the ORM's own converters (dates on SQLite, encrypted fields, JSON)
are built once per process and database; rows become model instances through ``Model.from_db``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.db import connections
from django.db.models import Model
from django.db.models.sql import Query


@dataclass(frozen=True)
class Select:
    """A prepared ``SELECT <all columns of each alias> <tail>``."""

    using: str
    sql: str
    compiler: Any
    converters: dict
    parts: tuple[tuple[type[Model], list[str], int], ...]  # model, attnames, index of its pk

    def first(self, params: Sequence[Any]) -> list[Any] | None:
        """The first row as one instance per alias (None for an outer-joined alias with no row)."""
        with connections[self.using].cursor() as cursor:
            cursor.execute(self.sql, list(params))
            rows = cursor.fetchmany(1)
        if not rows:
            return None
        row = next(self.compiler.apply_converters(rows, self.converters))
        instances: list[Any] = []
        start = 0
        for model, names, pk_index in self.parts:
            values = row[start : start + len(names)]
            start += len(names)
            instances.append(
                model.from_db(self.using, names, values) if values[pk_index] is not None else None
            )
        return instances


def prepare(
    using: str, aliases: Sequence[tuple[str, type[Model]]], tail: Callable[[Callable[[str], str]], str]
) -> Select:
    """``aliases``: (SQL alias, model) in column order; ``tail(quote_name)``: FROM ... WHERE ... with %s."""
    return _prepare(using, tuple(aliases), tail)


@lru_cache(maxsize=32)
def _prepare(using: str, aliases: tuple[tuple[str, type[Model]], ...], tail: Callable) -> Select:
    connection = connections[using]
    qn = connection.ops.quote_name
    columns, fields, parts = [], [], []
    for alias, model in aliases:
        concrete = list(model._meta.concrete_fields)
        columns += [f"{alias}.{qn(f.column)}" for f in concrete]
        fields += concrete
        parts.append((model, [f.attname for f in concrete], concrete.index(model._meta.pk)))
    compiler = connection.ops.compiler("SQLCompiler")(Query(aliases[0][1]), connection, using)
    converters = compiler.get_converters([f.get_col(f.model._meta.db_table) for f in fields])
    return Select(
        using=using,
        sql=f"SELECT {', '.join(columns)} {tail(qn)}",
        compiler=compiler,
        converters=converters,
        parts=tuple(parts),
    )
