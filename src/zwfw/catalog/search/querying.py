"""Querying: candidates from the posting index, the substring check, ranking, filters, paging and the cache."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Greatest, Least

from zwfw.catalog.models import (
    Audience,
    Department,
    ImplementationItem,
    ItemStatus,
    SearchDoc,
    SearchTerm,
    Topic,
)
from zwfw.catalog.search.indexing import (
    ALIAS,
    ALL_GRAM,
    AUDIENCE_BITS,
    FULLY_ONLINE_BIT,
    INITIALS,
    NAME,
    NAME_EXACT,
    NAME_PREFIX,
    NO_MATCH,
    OTHER,
    PINYIN,
    ZERO_VISIT_BIT,
    _token,
    _topic_gram,
)
from zwfw.catalog.search.query import _Alt, _analyse, _Cond, _Reading, _Word, normalise_query
from zwfw.catalog.selectors import MAX_PAGE_SIZE, SearchPage

CACHED_IDS = 200  # ids computed and cached per window: 10 pages of 20
CACHE_SECONDS = 600
# What lists of results show (portal cards, API ItemSummary); other fields load on access.
LIST_FIELDS = [
    "code",
    "version",
    "status",
    "name",
    "kind",
    "audience",
    "aliases",
    "summary",
    "department",
    "region_code",
    "online_depth",
    "visits_required",
    "legal_limit_days",
    "promised_limit_days",
    "is_free",
    "popularity",
    "published_at",
    "cross_region_scope",
    "handling_type",
    "exercise_level",
    "base_item_id",
]


# ---- querying -------------------------------------------------------------------------------------------


def _postings(cond: _Cond) -> QuerySet[SearchTerm]:
    if len(cond.grams) == 1:
        return SearchTerm.objects.filter(gram=cond.grams[0])
    return SearchTerm.objects.filter(gram__in=cond.grams)


def _alt_candidates(alt: _Alt) -> QuerySet[Any]:
    """Ids of the documents that have every gram of the alternative."""
    if len(alt.conds) == 1:
        return _postings(alt.conds[0]).values("doc_id")
    grams = [c.grams[0] for c in alt.conds if len(c.grams) == 1]
    ranges = [c for c in alt.conds if len(c.grams) > 1]
    qs = (
        SearchTerm.objects.filter(gram__in=grams)
        .values("doc_id")
        .annotate(hits=Count("id"))
        .filter(hits=len(grams))
        .values("doc_id")
    )
    for cond in ranges:
        qs = qs.filter(doc_id__in=_postings(cond).values("doc_id"))
    return qs


def _classify(word: _Word) -> Case | Least:
    """The match class of a word in a document: the best over its readings."""
    classes = [_classify_reading(r) for r in word.readings]
    return classes[0] if len(classes) == 1 else Least(*classes)


def _classify_reading(word: _Reading) -> Case:
    t = word.text
    whens = [
        When(name=t, then=Value(NAME_EXACT)),
        When(name__startswith=t, then=Value(NAME_PREFIX)),
        When(name__contains=t, then=Value(NAME)),
        When(aliases__contains=t, then=Value(ALIAS)),
    ]
    if word.ascii:
        whens += [
            When(pinyin__contains=t, then=Value(PINYIN)),
            When(initials__contains=t, then=Value(INITIALS)),
        ]
    whens.append(When(other__contains=t, then=Value(OTHER)))
    return Case(*whens, default=Value(NO_MATCH), output_field=IntegerField())


@dataclass(frozen=True)
class _Filters:
    audience: str | None
    topic: str | None
    department: str | None
    region: str | None
    fully_online: bool | None
    zero_visit: bool | None

    def q(self) -> Q | None:
        """The filters as a Q on SearchDoc; None if nothing can match."""
        cond = Q()
        if self.audience:
            cond &= Q(audience__in=[self.audience, Audience.BOTH])
        if self.fully_online is not None:
            cond &= Q(fully_online=self.fully_online)
        if self.zero_visit is not None:
            cond &= Q(zero_visit=self.zero_visit)
        if self.topic:
            through = ImplementationItem.topics.through
            cond &= Q(
                item_id__in=through.objects.filter(topic__code=self.topic).values("implementationitem_id")
            )
        if self.department:
            dept = Department.objects.filter(credit_code=self.department).values_list("pk", flat=True).first()
            if dept is None:
                return None
            cond &= Q(department_pk=dept)
        if self.region:
            cond &= Q(region_code=self.region)
        return cond

    def allowed_facets(self) -> list[int] | None:
        """The facet bit patterns the audience and flag filters accept; None if they accept all."""
        allowed = [f for f in range(16) if self._facets_match(f)]
        return allowed if len(allowed) < 16 else None

    def _facets_match(self, facets: int) -> bool:
        # like audience__in=[audience, "both"]: an unknown audience still matches the items for both
        if self.audience and facets & 3 not in (
            AUDIENCE_BITS.get(self.audience, -1),
            AUDIENCE_BITS[Audience.BOTH],
        ):
            return False
        if self.fully_online is not None and bool(facets & FULLY_ONLINE_BIT) != self.fully_online:
            return False
        return self.zero_visit is None or bool(facets & ZERO_VISIT_BIT) == self.zero_visit


def _run(words: list[_Word], filters: _Filters, start: int, stop: int) -> tuple[list[int], int]:
    """Ids ranked [start:stop] and the total count, straight from the database."""
    if any(not w.alts for w in words):
        return [], 0
    if all(len(w.alts) == 1 and w.alts[0].exact for w in words):
        grams = list(dict.fromkeys(w.alts[0].conds[0].grams[0] for w in words))
        return _ranked_postings(grams, filters, start, stop)
    cond = filters.q()
    if cond is None:
        return [], 0
    docs = SearchDoc.objects.filter(cond)
    for word in words:
        candidates = Q()
        for alt in word.alts:
            candidates |= Q(item_id__in=_alt_candidates(alt))
        docs = docs.filter(candidates)
    classes = [_classify(w) for w in words]
    rank = classes[0] if len(classes) == 1 else Greatest(*classes)
    docs = docs.annotate(rank=rank).filter(rank__lt=NO_MATCH)
    # one pass: every verified candidate with its rank, sorted here (a second COUNT pass would redo it all)
    rows = list(docs.values_list("rank", "popularity", "item_id"))
    rows.sort(key=lambda r: (r[0], -r[1], r[2]))
    return [r[2] for r in rows[start:stop]], len(rows)


def _posting_filter_sql(filters: _Filters) -> tuple[str, list[Any]] | None:
    """SQL conditions on the postings for the filters (facet bits in the index, the rest as id subqueries).

    None if nothing can match (unknown department or topic).
    """
    where: list[str] = []
    params: list[Any] = []
    facets = filters.allowed_facets()
    if facets is not None:
        where.append(f"facets IN ({', '.join(str(int(f)) for f in facets)})")
    docs = connection.ops.quote_name(SearchDoc._meta.db_table)
    if filters.topic:
        topic_pk = Topic.objects.filter(code=filters.topic).values_list("pk", flat=True).first()
        if topic_pk is None:
            return None
        terms = connection.ops.quote_name(SearchTerm._meta.db_table)
        where.append(f"doc_id IN (SELECT doc_id FROM {terms} WHERE gram = %s)")
        params.append(_topic_gram(topic_pk))
    if filters.department:
        dept = Department.objects.filter(credit_code=filters.department).values_list("pk", flat=True).first()
        if dept is None:
            return None
        where.append(f"doc_id IN (SELECT item_id FROM {docs} WHERE department_pk = %s)")
        params.append(dept)
    if filters.region:
        where.append(f"doc_id IN (SELECT item_id FROM {docs} WHERE region_code = %s)")
        params.append(filters.region)
    return "".join(f" AND {w}" for w in where), params


def _ranked_postings(grams: Sequence[str], filters: _Filters, start: int, stop: int) -> tuple[list[int], int]:
    """Words that are each one gram, in plain SQL on the posting index alone.

    One gram: its postings are already in rank order (field, popularity) in the index, so a page costs
    a few index steps and the count is an index-only count. Several grams (space-separated words): the
    documents having all of them, ranked by their worst field, from one grouped index-only scan.
    """
    table = connection.ops.quote_name(SearchTerm._meta.db_table)
    filtered = _posting_filter_sql(filters)
    if filtered is None:
        return [], 0
    extra, extra_params = filtered
    with connection.cursor() as cursor:
        if len(grams) == 1:
            where, params = f"gram = %s{extra}", [grams[0], *extra_params]
            cursor.execute(
                f"SELECT doc_id FROM {table} WHERE {where} "
                "ORDER BY field, popularity DESC, doc_id LIMIT %s OFFSET %s",
                [*params, stop - start, start],
            )
            ids = [row[0] for row in cursor.fetchall()]
            if len(ids) < stop - start and (ids or start == 0):
                return ids, start + len(ids)
            cursor.execute(f"SELECT COUNT(*) FROM {table} WHERE {where}", params)
            return ids, cursor.fetchone()[0]
        marks = ", ".join(["%s"] * len(grams))
        cursor.execute(
            f"SELECT doc_id, MAX(field), MAX(popularity) FROM {table} WHERE gram IN ({marks}){extra} "
            "GROUP BY doc_id HAVING COUNT(*) = %s",
            [*grams, *extra_params, len(grams)],
        )
        rows = cursor.fetchall()
    rows.sort(key=lambda r: (r[1], -r[2], r[0]))
    return [r[0] for r in rows[start:stop]], len(rows)


def _popular(filters: _Filters, start: int, stop: int) -> tuple[list[int], int]:
    """No query: by popularity, from the posting index (all items, or a topic's) or a document index."""
    if filters.topic:
        topic_pk = Topic.objects.filter(code=filters.topic).values_list("pk", flat=True).first()
        if topic_pk is None:
            return [], 0
        return _ranked_postings([_topic_gram(topic_pk)], replace(filters, topic=None), start, stop)
    if not (filters.department or filters.region):
        return _ranked_postings([ALL_GRAM], filters, start, stop)
    cond = filters.q()
    if cond is None:
        return [], 0
    docs = SearchDoc.objects.filter(cond)
    ids = list(docs.order_by("-popularity", "item_id").values_list("item_id", flat=True)[start:stop])
    count = start + len(ids) if len(ids) < stop - start and (ids or start == 0) else docs.count()
    return ids, count


def _cache_key(token: str, words: list[str], filters: _Filters, window: object) -> str:
    raw = repr((words, filters, window)).encode()
    return f"zwfw:search:{token}:{hashlib.sha1(raw, usedforsecurity=False).hexdigest()}"


def search(
    *,
    q: str = "",
    audience: str | None = None,
    topic: str | None = None,
    department: str | None = None,
    region: str | None = None,
    fully_online: bool | None = None,
    zero_visit: bool | None = None,
    page: int = 1,
    page_size: int = 20,
) -> SearchPage:
    """事项搜索 over published items: ranked, filtered, paged, with the total count.

    An empty query lists items by popularity. Any input is accepted; what cannot match returns an
    empty page.
    """
    page = max(1, min(int(page), 100_000))
    page_size = min(max(1, int(page_size)), MAX_PAGE_SIZE)
    filters = _Filters(
        audience=str(audience)[:16] if audience else None,
        topic=str(topic)[:40] if topic else None,
        department=str(department)[:18] if department else None,
        region=str(region)[:6] if region else None,
        fully_online=fully_online,
        zero_visit=zero_visit,
    )
    words = normalise_query(q)
    if str(q or "").strip() and not words:
        return SearchPage(items=[], count=0, page=page, page_size=page_size)
    start = (page - 1) * page_size
    token = _token()
    # The page itself (published rows never change; popularity shown may lag by CACHE_SECONDS) ...
    page_key = _cache_key(token, words, filters, ("page", page, page_size))
    cached_page = cache.get(page_key)
    if cached_page is not None:
        items, count = cached_page
        return SearchPage(items=items, count=count, page=page, page_size=page_size)
    # ... and the ranked ids by windows of CACHED_IDS, so the next pages cost one read too.
    window, offset = divmod(start, CACHED_IDS)
    key = _cache_key(token, words, filters, window)
    hit = cache.get(key)
    if hit is None:
        lo, hi = window * CACHED_IDS, (window + 1) * CACHED_IDS
        hit = _run([_analyse(w) for w in words], filters, lo, hi) if words else _popular(filters, lo, hi)
        cache.set(key, hit, CACHE_SECONDS)
    ids, count = hit
    page_ids = ids[offset : offset + page_size]
    if offset + page_size > len(ids) and len(ids) == CACHED_IDS:  # a page across two windows
        page_ids = page_ids + _search_ids(
            q=q, filters=filters, start=(window + 1) * CACHED_IDS, limit=offset + page_size - len(ids)
        )
    rows = ImplementationItem.objects.select_related("department").only(*LIST_FIELDS).order_by()
    by_id = rows.in_bulk(page_ids)
    items = [by_id[i] for i in page_ids if i in by_id and by_id[i].status == ItemStatus.PUBLISHED]
    cache.set(page_key, (items, count), CACHE_SECONDS)
    return SearchPage(items=items, count=count, page=page, page_size=page_size)


@dataclass(frozen=True)
class PublishedCounts:
    """已发布事项数 per topic pk and per department pk, as the index shows them."""

    by_topic: dict[int, int]
    by_department: dict[int, int]


def published_counts() -> PublishedCounts:
    """The published items per topic and per department: one cache read, recounted after each index change.

    Cached under the index token like search results, so a count is never older than what search shows;
    a miss is two index-only scans (the topics' "#" postings, the documents' department index).
    """
    token = _token()
    key = f"zwfw:search:{token}:counts"
    counts = cache.get(key) if token != "none" else None  # "none": never indexed, nothing to key on
    if counts is None:
        counts = _count_published()
        if token != "none":
            cache.set(key, counts, CACHE_SECONDS)
    return counts


def _count_published() -> PublishedCounts:
    terms = connection.ops.quote_name(SearchTerm._meta.db_table)
    docs = connection.ops.quote_name(SearchDoc._meta.db_table)
    grams = {_topic_gram(pk): pk for pk in Topic.objects.values_list("pk", flat=True)}
    by_topic: dict[int, int] = {}
    with connection.cursor() as cursor:
        if grams:
            # explicit grams, not a range: range scans follow the collation (see _Cond)
            marks = ", ".join(["%s"] * len(grams))
            cursor.execute(
                f"SELECT gram, COUNT(*) FROM {terms} WHERE gram IN ({marks}) GROUP BY gram", list(grams)
            )
            by_topic = {grams[gram]: n for gram, n in cursor.fetchall()}
        cursor.execute(f"SELECT department_pk, COUNT(*) FROM {docs} GROUP BY department_pk")
        by_department = dict(cursor.fetchall())
    return PublishedCounts(by_topic=by_topic, by_department=by_department)


def _search_ids(*, q: str, filters: _Filters, start: int, limit: int) -> list[int]:
    words = normalise_query(q)
    if words:
        return _run([_analyse(w) for w in words], filters, start, start + limit)[0]
    return _popular(filters, start, start + limit)[0]
