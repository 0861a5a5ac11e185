"""Index upkeep: the documents and grams of an item, reindex_item / remove_item / rebuild_index, the token."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.db import connection, transaction

from zwfw.catalog.models import (
    Audience,
    Department,
    ImplementationItem,
    ItemStatus,
    OnlineDepth,
    SearchDoc,
    SearchIndexState,
    SearchTerm,
)
from zwfw.catalog.search.text import MAX_N, _clean, _initials, _is_cjk, _syllables, _units

# Match classes, best first. A posting's ``field`` is the best class its gram reaches in that item.
NAME_EXACT, NAME_PREFIX, NAME, ALIAS, PINYIN, INITIALS, OTHER = range(7)
NO_MATCH = 9
MAX_GRAM = 40
STATE_PK = 1


# ---- indexing -------------------------------------------------------------------------------------------


AUDIENCE_BITS: dict[str, int] = {Audience.PERSON: 1, Audience.ENTERPRISE: 2, Audience.BOTH: 3}
FULLY_ONLINE_BIT, ZERO_VISIT_BIT = 4, 8


def _facets(audience: str, fully_online: bool, zero_visit: bool) -> int:
    """The facet bits a posting carries, so facet filters are answered inside the posting index."""
    bits = AUDIENCE_BITS.get(audience, 0)
    return bits | (FULLY_ONLINE_BIT if fully_online else 0) | (ZERO_VISIT_BIT if zero_visit else 0)


def _region_names(codes: Iterable[str] | None = None) -> dict[str, str]:
    """GB/T 2260 names of region codes, from the operator-maintained table (historical codes included)."""
    from zwfw.core.models import Region

    rows = Region.objects.all() if codes is None else Region.objects.filter(code__in=list(codes))
    return dict(rows.values_list("code", "name"))


def _department_other(dept: Department | None, region_names: dict[str, str] | None = None) -> str:
    """What besides the item's own texts a word may match: the department's short and full names and the
    name of its region (so 社保 杭州 finds the Hangzhou items). One line each: no gram spans two of them."""
    if dept is None:
        return ""
    if region_names is None:
        region_names = _region_names([dept.region_code])
    parts: list[str] = []
    for text in (dept.short_name, dept.name, region_names.get(dept.region_code, "")):
        cleaned = _clean(text or "")[:100]
        if cleaned and not any(cleaned in part for part in parts):
            parts.append(cleaned)
    return "\n".join(parts)


def _add(grams: dict[str, int], gram: str, field: int) -> None:
    if len(gram) <= MAX_GRAM and field < grams.get(gram, NO_MATCH):
        grams[gram] = field


def _runs(seq: Sequence[str], keep: Any) -> Iterator[Sequence[str]]:
    """Maximal runs of consecutive elements for which keep(element) holds."""
    run: list[str] = []
    for x in seq:
        if keep(x):
            run.append(x)
        elif run:
            yield run
            run = []
    if run:
        yield run


def _index_text(grams: dict[str, int], clean: str, kind: int, name: str = "") -> tuple[str, str]:
    """Add the grams of one cleaned text (name, an alias or the department label); return its pinyin."""
    text_grams, full, initials = _text_grams(clean, kind, name)
    for gram, field in text_grams:
        _add(grams, gram, field)
    return full, initials


@lru_cache(maxsize=20_000)
def _text_grams(clean: str, kind: int, name: str) -> tuple[tuple[tuple[str, int], ...], str, str]:
    """The (gram, field) pairs of one text. Cached: aliases, department labels and names repeat a lot."""
    out: list[tuple[str, int]] = []
    units = _units(clean)
    if kind == OTHER:  # the department label: its words, no pinyin
        for run in _runs(units, lambda u: _is_cjk(u[0])):
            out.extend(("".join(run[i : i + n]), OTHER) for n in (1, 2) for i in range(len(run) - n + 1))
        return tuple(out), "", ""
    sylls = _syllables(units)
    for run in _runs(units, lambda u: _is_cjk(u[0])):
        for n in range(1, MAX_N + 1):
            for i in range(len(run) - n + 1):
                gram = "".join(run[i : i + n])
                field = kind
                if kind == NAME:
                    field = NAME_EXACT if gram == name else NAME_PREFIX if name.startswith(gram) else NAME
                out.append((gram, field))
    for run in _runs(sylls, bool):
        out.extend(
            (" ".join(run[i : i + n]), PINYIN) for n in range(2, MAX_N + 1) for i in range(len(run) - n + 1)
        )
    initials = _initials(units, sylls)
    out.extend(
        (initials[i : i + n], INITIALS) for n in range(2, MAX_N + 1) for i in range(len(initials) - n + 1)
    )
    if initials:
        out.append(("^" + initials[0], INITIALS))
    return tuple(out), "".join(sylls), initials


@dataclass
class _Document:
    doc: dict[str, Any]
    grams: dict[str, int]
    facets: int
    pinyin_full: str
    pinyin_initials: str


ALL_GRAM = "*"  # every document: the empty query lists by popularity straight from the index


def _topic_gram(topic_pk: int) -> str:
    """Documents of one topic (queries never produce '*' or '#', so these grams cannot be searched for)."""
    return f"#{topic_pk}"


def _document(item: Any, other: str, topic_pks: Iterable[int] = ()) -> _Document:
    """The search document and grams of an item (a model instance or a row with the same attributes)."""
    grams: dict[str, int] = {ALL_GRAM: OTHER}
    for topic_pk in topic_pks:
        grams[_topic_gram(topic_pk)] = OTHER
    name = _clean(item.name)[:200]
    aliases = []
    for alias in item.aliases if isinstance(item.aliases, list) else []:
        a = _clean(str(alias))[:100]
        if a and a not in aliases and a != name:
            aliases.append(a)
    aliases = aliases[:20]
    pinyins, initials = [], []
    for text, kind in [(name, NAME), *((a, ALIAS) for a in aliases)]:
        if not text:
            continue
        p, i = _index_text(grams, text, kind, name)
        pinyins.append(p)
        initials.append(i)
    if other:
        _index_text(grams, other, OTHER)
    doc = {
        "item_id": item.pk,
        "name": name,
        "aliases": "\n".join(aliases),
        "pinyin": " ".join(pinyins),
        "initials": " ".join(initials),
        "other": other,
        "audience": item.audience,
        "region_code": item.region_code,
        "department_pk": item.department_id,
        "fully_online": item.online_depth == OnlineDepth.FULLY_ONLINE,
        "zero_visit": item.visits_required == 0,
        "popularity": item.popularity or 0,
    }
    facets = _facets(doc["audience"], doc["fully_online"], doc["zero_visit"])
    return _Document(doc, grams, facets, pinyins[0] if pinyins else "", initials[0] if initials else "")


def _bump() -> None:
    """A new token: cached results of every worker are out of date from the commit on."""
    token = uuid.uuid4().hex
    if not SearchIndexState.objects.filter(pk=STATE_PK).update(token=token):
        SearchIndexState.objects.update_or_create(pk=STATE_PK, defaults={"token": token})


def _token() -> str:
    table = connection.ops.quote_name(SearchIndexState._meta.db_table)
    with connection.cursor() as cursor:  # on every search: plain SQL, no ORM compilation
        cursor.execute(f"SELECT token FROM {table} WHERE id = %s", [STATE_PK])
        row = cursor.fetchone()
    return row[0] if row else "none"


def _delete_docs(item_ids: Iterable[int]) -> None:
    ids = list(item_ids)
    if ids:
        SearchTerm.objects.filter(doc_id__in=ids).delete()
        SearchDoc.objects.filter(item_id__in=ids)._raw_delete(SearchDoc.objects.db)


def _write(documents: Sequence[_Document]) -> None:
    SearchDoc.objects.bulk_create([SearchDoc(**d.doc) for d in documents], batch_size=500)
    rows = [
        (gram, d.doc["item_id"], field, d.doc["popularity"], d.facets)
        for d in documents
        for gram, field in d.grams.items()
    ]
    _insert_terms(rows)


def _insert_terms(rows: list[tuple[str, int, int, int, int]]) -> None:
    if not rows:
        return
    table = connection.ops.quote_name(SearchTerm._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # psycopg 3: COPY is an order of magnitude faster than INSERTs
            with raw.copy(f"COPY {table} (gram, doc_id, field, popularity, facets) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(
                f"INSERT INTO {table} (gram, doc_id, field, popularity, facets) VALUES (%s, %s, %s, %s, %s)",
                rows,
            )


def _update_item_pinyin(rows: list[tuple[str, str, int]]) -> None:
    if not rows:
        return
    table = connection.ops.quote_name(ImplementationItem._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET pinyin_full = %s, pinyin_initials = %s WHERE id = %s", rows)


def reindex_item(item: ImplementationItem) -> None:
    """Bring the index in line with one item version: indexed if published, removed otherwise.

    Other versions of the same code are dropped from the index too, so a superseded version can never
    be found even if its removal was not reported.
    """
    with transaction.atomic():
        others = ImplementationItem.objects.filter(code=item.code).values_list("pk", flat=True)
        _delete_docs({item.pk, *others})
        if item.status == ItemStatus.PUBLISHED:
            dept = Department.objects.filter(pk=item.department_id).first()
            topic_pks = ImplementationItem.topics.through.objects.filter(
                implementationitem_id=item.pk
            ).values_list("topic_id", flat=True)
            document = _document(item, _department_other(dept), topic_pks)
            _write([document])
            full, initials = document.pinyin_full[:1000], document.pinyin_initials[:300]
            if (item.pinyin_full, item.pinyin_initials) != (full, initials):
                ImplementationItem.objects.filter(pk=item.pk).update(
                    pinyin_full=full, pinyin_initials=initials
                )
                item.pinyin_full, item.pinyin_initials = full, initials
        _bump()


def remove_item(item: ImplementationItem) -> None:
    """Take one item version out of the index (withdrawn, superseded or deleted)."""
    with transaction.atomic():
        _delete_docs([item.pk])
        _bump()


@dataclass
class _Row:
    """The columns of an item the index needs (rebuild reads these instead of whole model instances)."""

    pk: int
    name: str
    aliases: Any
    audience: str
    region_code: str
    department_id: int
    online_depth: int
    visits_required: int
    popularity: int
    pinyin_full: str
    pinyin_initials: str


_ROW_FIELDS = [
    "pk",
    "name",
    "aliases",
    "audience",
    "region_code",
    "department_id",
    "online_depth",
    "visits_required",
    "popularity",
    "pinyin_full",
    "pinyin_initials",
]


def _published_rows(batch: int) -> Iterator[list[_Row]]:
    last = 0
    published = ImplementationItem.objects.filter(status=ItemStatus.PUBLISHED)
    while True:
        rows = [
            _Row(*r) for r in published.filter(pk__gt=last).order_by("pk").values_list(*_ROW_FIELDS)[:batch]
        ]
        if not rows:
            return
        yield rows
        last = rows[-1].pk


def _topics_of(item_pks: list[int]) -> dict[int, list[int]]:
    through = ImplementationItem.topics.through
    topics: dict[int, list[int]] = {}
    rows = through.objects.filter(implementationitem_id__in=item_pks).values_list(
        "implementationitem_id", "topic_id"
    )
    for item_pk, topic_pk in rows:
        topics.setdefault(item_pk, []).append(topic_pk)
    return topics


def rebuild_index(*, batch: int = 5000, out: Any = None, offline: bool = False) -> int:
    """Rebuild the whole index from the published items in one transaction; returns how many were indexed.

    Readers keep the old index until the commit. On SQLite the posting index is dropped while the rows
    are loaded and built once at the end (much faster than millions of random B-tree inserts): WAL
    readers go on reading the old snapshot meanwhile. On PostgreSQL that would lock searches out until
    the commit, so the index is kept and filled as rows come (about 2.5x slower) unless ``offline``.
    """
    lookup = next(i for i in SearchTerm._meta.indexes if i.name == "catalog_sterm_ranked")
    editor = connection.schema_editor(collect_sql=True)  # only to render the index DDL, never entered
    editor.deferred_sql = []
    drop_lookup = str(lookup.remove_sql(SearchTerm, editor))
    create_lookup = str(lookup.create_sql(SearchTerm, editor))
    regions = _region_names()
    others = {d.pk: _department_other(d, regions) for d in Department.objects.all()}
    done = 0
    sqlite = connection.vendor == "sqlite"
    drop = sqlite or offline
    started = time.monotonic()

    def say(message: str) -> None:
        if out is not None:
            out.write(f"  {message} ({time.monotonic() - started:.1f} s)\n")
            out.flush()

    with transaction.atomic(), connection.cursor() as cursor:
        if sqlite:
            # a bigger page cache for this connection while it loads and sorts millions of rows
            cursor.execute("PRAGMA cache_size = -262144")
        if drop:
            cursor.execute(drop_lookup)
        SearchTerm.objects.all()._raw_delete(SearchTerm.objects.db)
        SearchDoc.objects.all()._raw_delete(SearchDoc.objects.db)
        say("old index removed")
        for rows in _published_rows(batch):
            topics = _topics_of([r.pk for r in rows])
            documents = [_document(r, others.get(r.department_id, ""), topics.get(r.pk, ())) for r in rows]
            _write(documents)
            _update_item_pinyin(
                [
                    (d.pinyin_full[:1000], d.pinyin_initials[:300], r.pk)
                    for r, d in zip(rows, documents, strict=True)
                    if (r.pinyin_full, r.pinyin_initials) != (d.pinyin_full[:1000], d.pinyin_initials[:300])
                ]
            )
            done += len(rows)
            say(f"{done:,} items indexed")
        if drop:
            if not sqlite:  # PostgreSQL: deferred foreign-key checks must run before CREATE INDEX
                connection.check_constraints()
            cursor.execute(create_lookup)
            say("posting index built")
        _bump()
    with connection.cursor() as cursor:
        if sqlite:
            cursor.execute("PRAGMA cache_size = -2000")  # SQLite's default again
        else:
            # VACUUM sets the visibility map: without it PostgreSQL's index-only scans (the counts) still
            # visit every heap page. It cannot run inside a transaction; then autovacuum does it later.
            tables = f"{SearchTerm._meta.db_table}, {SearchDoc._meta.db_table}"
            cursor.execute(f"ANALYZE {tables}" if connection.in_atomic_block else f"VACUUM ANALYZE {tables}")
    say("committed")
    return done
