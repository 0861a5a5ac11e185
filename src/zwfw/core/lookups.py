"""Values a user sends that are looked up in the database (an identifier, a code in a URL), and the
statements a hot path compiles once: a read by one key, an insert of one row (or of several)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Field, Model, QuerySet
from django.db.models.constants import OnConflict
from django.db.models.sql import InsertQuery

M = TypeVar("M", bound=Model)


def lookup_key(value: object, *, max_length: int) -> str:
    """``value`` stripped and cut to ``max_length``, or ``""`` (which names nothing) when it cannot
    name a row: not text, or holding a NUL, which PostgreSQL text columns refuse with an error (a 500)
    instead of simply not matching."""
    if not isinstance(value, str) or "\x00" in value:
        return ""
    return value.strip()[:max_length]


_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1


class PreparedRead:
    """A read by a key (or a few, or none) that a hot path runs on every request, compiled to SQL
    once per connection.

    Compiling a queryset costs more than running it on an indexed column (measured on the 亮证 scan:
    ~40% of the request). ``build`` makes the queryset from placeholders where the keys go (``keys``
    of them, default one) and must give a ``values_list`` query that uses each key once;
    ``rows(*keys)`` runs the same SQL with the real keys and applies the same converters Django
    would (dates on SQLite, JSON, encrypted fields), so the rows are exactly what iterating the
    queryset would give.
    """

    # numbers no real key is, within every integer column's range (PostgreSQL's integer is 32-bit,
    # and Django compiles a filter past a column's range to no query at all)
    SAMPLE = 2_013_265_921

    def __init__(self, build: Callable[..., QuerySet], *, key_field: Field | None = None, keys: int = 1) -> None:
        """``key_field``: the model field a single key is compared with, when the database stores it
        in another form than a string (a UUID: hex text on SQLite, uuid on PostgreSQL); the key is
        then prepared by that field, exactly as a filter on it would be. Other keys are strings or
        integers, passed to the database as they are."""
        if key_field is not None and keys != 1:
            raise ValueError("a key field is for a read by one key")
        self._build = build
        self._key_field = key_field
        self._keys = keys
        # per connection object (one per thread and alias): a compiler belongs to its connection
        self._compiled: dict[int, tuple[Any, Any, str, list, list[tuple[int | None, Any]]]] = {}

    def _compile(self, alias: str) -> tuple[Any, str, list, list[tuple[int | None, Any]]]:
        connection = connections[alias]
        cached = self._compiled.get(id(connection))
        if cached is not None and cached[0] is connection:
            return cached[1], cached[2], cached[3], cached[4]
        # a text column takes the sample numbers as their digits
        samples: list[Any] = [self._SAMPLE_UUID] if self._key_field else [self.SAMPLE + n for n in range(self._keys)]
        compiler = self._build(*samples).query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        prepared = [str(self._prepared(sample, connection)) for sample in samples]
        # the statement's parameters: each key where the queryset put it, the constants as compiled
        order: list[tuple[int | None, Any]] = [
            (prepared.index(str(param)), None) if str(param) in prepared else (None, param) for param in params
        ]
        if sorted(n for n, _ in order if n is not None) != list(range(len(samples))):
            raise ValueError(f"a prepared read uses each of its {self._keys} key(s) once")
        converters = compiler.get_converters([column[0] for column in compiler.select])
        self._compiled[id(connection)] = (connection, compiler, sql, converters, order)
        return compiler, sql, converters, order

    _SAMPLE_UUID = uuid.UUID("0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f1")

    def _prepared(self, key: Any, connection: Any) -> Any:
        if self._key_field is None:
            return key
        return self._key_field.get_db_prep_value(key, connection, prepared=False)

    def rows(self, *keys: Any, using: str = DEFAULT_DB_ALIAS) -> list[tuple]:
        """The rows the queryset with these keys gives. An integer key no 64-bit column can hold (an id
        a client sent) names no row, as the ORM's filter finds none, instead of the driver's overflow."""
        if len(keys) != self._keys:
            raise TypeError(f"this read takes {self._keys} key(s), not {len(keys)}")
        if any(isinstance(key, int) and not _INT64_MIN <= key <= _INT64_MAX for key in keys):
            return []
        compiler, sql, converters, order = self._compile(using)
        with connections[using].cursor() as cursor:
            cursor.execute(sql, [constant if n is None else self._prepared(keys[n], connections[using])
                                 for n, constant in order])
            rows = cursor.fetchall()
        if converters:
            return [tuple(row) for row in compiler.apply_converters(rows, converters)]
        return [tuple(row) for row in rows]


class PreparedInsert:
    """One row into a model's table, the INSERT compiled once per connection, for a hot path that
    writes the same kind of row on every request (``Model.save`` compiles its INSERT each time, which
    costs more than running it).

    Each value is prepared by Django's own insert compiler, field by field (defaults, ``auto_now_add``,
    encrypted fields), so the row is the one ``objects.create`` would write, or with
    ``ignore_conflicts`` the one ``bulk_create([obj], ignore_conflicts=True)`` would. No signals are
    sent (the project has no receivers on the models it is used for). Runs in the caller's
    transaction, or as a statement of its own in autocommit.
    """

    def __init__(self, model: type[Model], *, ignore_conflicts: bool = False) -> None:
        meta = model._meta
        self._model = model
        self._fields = [f for f in meta.local_concrete_fields if f is not meta.auto_field and not f.generated]
        self._ignore = ignore_conflicts
        self._compiled: dict[int, tuple[Any, Any, str]] = {}

    def _params(self, compiler: Any, obj: Model) -> list[Any]:
        return [compiler.prepare_value(field, compiler.pre_save_val(field, obj)) for field in self._fields]

    def _compile(self, alias: str, obj: Model) -> tuple[Any, str]:
        connection = connections[alias]
        cached = self._compiled.get(id(connection))
        if cached is not None and cached[0] is connection:
            return cached[1], cached[2]
        if not connection.features.can_return_columns_from_insert:
            raise RuntimeError("a prepared insert needs INSERT … RETURNING (SQLite >= 3.35, PostgreSQL)")
        query = InsertQuery(self._model, on_conflict=OnConflict.IGNORE if self._ignore else None)
        query.insert_values(self._fields, [obj])
        compiler = query.get_compiler(using=alias)
        compiler.returning_fields = [self._model._meta.pk]
        statements = compiler.as_sql()
        if len(statements) != 1:
            raise ValueError("a prepared insert writes exactly one row")
        sql, params = statements[0]
        # every column a plain placeholder, in field order: the values of each insert fill them alike
        custom = [f.name for f in self._fields if hasattr(f, "get_placeholder")]
        if custom or len(params) != len(self._fields):
            raise ValueError(f"{self._model.__name__}: a column is not a plain placeholder {custom}")
        self._compiled[id(connection)] = (connection, compiler, sql)
        return compiler, sql

    def insert(self, obj: Model, *, using: str = DEFAULT_DB_ALIAS) -> bool:
        """Write ``obj`` (unsaved, no primary key); its ``pk`` is set. False, and nothing written,
        when ``ignore_conflicts`` and a unique constraint already holds such a row."""
        if obj.pk is not None:
            raise ValueError("a prepared insert writes a new row: the object has a primary key")
        compiler, sql = self._compile(using, obj)
        params = self._params(compiler, obj)
        with connections[using].cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        if row is None:  # the conflict was ignored
            return False
        obj.pk = row[0]
        obj._state.adding = False
        obj._state.db = using
        return True

    def insert_many(self, objs: Sequence[Model], *, using: str = DEFAULT_DB_ALIAS) -> None:
        """Write ``objs`` (unsaved) with one ``INSERT … VALUES (…), (…) RETURNING id``, in order, each
        one's ``pk`` set: each row exactly the one ``insert`` (or ``bulk_create``) would write, its
        values prepared alike, but one statement for all of them (a batch's rows). ``bulk_create``
        would split the statement at 999 parameters on SQLite, far below the limit of the SQLite
        the node runs on (32766 by default since 3.32), and compile each value's SQL again."""
        if not objs:
            return
        if self._ignore:
            raise ValueError("insert_many does not ignore conflicts")
        if any(obj.pk is not None for obj in objs):
            raise ValueError("a prepared insert writes new rows: an object has a primary key")
        connection = connections[using]
        if not connection.features.can_return_rows_from_bulk_insert:
            raise RuntimeError("insert_many needs a multi-row INSERT … RETURNING (SQLite >= 3.35, PostgreSQL)")
        for obj in objs:  # as bulk_create: a related object saved after it was assigned gives its id
            obj._prepare_related_fields_for_save(operation_name="insert_many")  # type: ignore[attr-defined]
        if len(objs) == 1:  # one row: the statement compiled once per connection
            self.insert(objs[0], using=using)
            return
        compiler, _ = self._compile(using, objs[0])
        meta, qn = self._model._meta, connection.ops.quote_name
        returning, returning_params = connection.ops.return_insert_columns([meta.pk])
        columns = ", ".join(qn(field.column) for field in self._fields)
        placeholders = f"({', '.join(['%s'] * len(self._fields))})"  # every column a plain one (_compile)
        sql = f"INSERT INTO {qn(meta.db_table)} ({columns}) VALUES {', '.join([placeholders] * len(objs))} {returning}"
        params = [value for obj in objs for value in self._params(compiler, obj)]
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, *returning_params])
            rows = cursor.fetchall()
        if len(rows) != len(objs):
            raise RuntimeError(f"{self._model.__name__}: {len(objs)} rows written, {len(rows)} ids returned")
        # The ids by value, not by the order RETURNING lists them (neither SQLite nor PostgreSQL promises
        # that order): one INSERT … VALUES takes its rows' ids from the table's sequence in the order of
        # its VALUES, so the n-th smallest id is the n-th object's.
        for obj, pk in zip(objs, sorted(row[0] for row in rows), strict=True):
            obj.pk = pk
            obj._state.adding = False
            obj._state.db = using



class PreparedInstance(Generic[M]):
    """A model instance read by one key through a ``PreparedRead``, with the related rows joined to it
    built and cached on it, so that reaching them costs no further query: what
    ``select_related(...).only(...).filter(...).first()`` gives, compiled once per connection.

    ``of(key)`` is the queryset of ``model`` filtered to the key (at most one row; it may lock it,
    ``select_for_update``). ``fields`` are the attnames to read, all of them by default, less those in
    ``defer``; the others are deferred, and loaded on access as the ORM would. ``related`` lists each
    relation to follow, by its path as ``select_related`` names it (``"staff"``, then
    ``"staff__department"``: a path after the one it extends), with the related model's attnames to
    read (None: all), its primary key among them. A foreign key or a reverse one-to-one may be
    followed. A related row that is not there is cached as None: a reverse one-to-one then raises
    ``DoesNotExist`` and a nullable foreign key gives None, as the ORM would.
    """

    def __init__(
        self,
        model: type[M],
        of: Callable[[Any], QuerySet[M]],
        *,
        fields: Sequence[str] | None = None,
        defer: Sequence[str] = (),
        related: Sequence[tuple[str, Sequence[str] | None]] = (),
        key_field: Field | None = None,
    ) -> None:
        self._model = model
        # Model.from_db takes them in the model's order
        deferred = self._in_model_order(model, defer)
        self._fields = tuple(name for name in self._in_model_order(model, fields) if name not in deferred)
        self._related: list[tuple[str, str, Any, tuple[str, ...]]] = []  # path, parent path, relation, names
        models: dict[str, type[Model]] = {"": model}
        for path, names in related:
            parent, _, name = path.rpartition("__")
            if parent not in models:
                raise ValueError(f"{path}: list {parent} before it")
            relation: Any = models[parent]._meta.get_field(name)
            if not (relation.many_to_one or relation.one_to_one):
                raise ValueError(f"{path}: only a foreign key or a one-to-one is followed")
            target: type[Model] = relation.related_model
            models[path] = target
            if names is not None and target._meta.pk.attname not in names:
                raise ValueError(f"{path}: the related columns include its primary key")
            self._related.append((path, parent, relation, self._in_model_order(target, names)))
        columns = [*self._fields, *(f"{path}__{c}" for path, _, _, names in self._related for c in names)]
        self._read = PreparedRead(lambda key: of(key).order_by().values_list(*columns), key_field=key_field)

    @staticmethod
    def _in_model_order(model: type[Model], names: Sequence[str] | None) -> tuple[str, ...]:
        attnames = [field.attname for field in model._meta.concrete_fields]
        if names is None:
            return tuple(attnames)
        unknown = set(names) - set(attnames)
        if unknown:
            raise ValueError(f"{model.__name__} has no column {sorted(unknown)}")
        return tuple(name for name in attnames if name in names)

    def get(self, key: Any, *, using: str = DEFAULT_DB_ALIAS) -> M | None:
        rows = self._read.rows(key, using=using)
        if not rows:
            return None
        if len(rows) > 1:
            raise RuntimeError(f"{self._model.__name__}: a prepared instance read found more than one row")
        row, start = rows[0], len(self._fields)
        instance = self._model.from_db(using, self._fields, row[:start])
        built: dict[str, Model | None] = {"": instance}
        for path, parent, relation, names in self._related:
            values, start = row[start : start + len(names)], start + len(names)
            model = relation.related_model
            pk = values[names.index(model._meta.pk.attname)]
            related = built[path] = None if pk is None else model.from_db(using, names, values)
            owner = built[parent]
            if owner is None:
                continue
            relation.set_cached_value(owner, related)
            if related is not None and not relation.concrete:  # a reverse one-to-one: its forward side too
                relation.field.set_cached_value(related, owner)
        return instance
