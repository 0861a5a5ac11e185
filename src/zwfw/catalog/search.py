"""事项搜索: Chinese substring, pinyin and initials search over published implementation items.

Design
------
* ``SearchDoc`` holds one row per published item: its normalised name, aliases, pinyin, initials and
  department label plus the facets the filters use. ``SearchTerm`` is an inverted index of grams ->
  documents, one row per (gram, document) carrying the best field the gram reaches in that item (which
  *is* its match class for a query equal to the gram), the item's popularity and its facet bits
  (audience, 全程网办, 零跑动), indexed on (gram, field, -popularity, doc, facets): one gram's
  postings are stored in rank order and facet filters and counts never leave the index.
* Grams: CJK n-grams of 1-4 characters (name, aliases; 1-2 of the department label), pinyin
  *syllable* n-grams of 2-4 syllables ("she bao", far more selective than letter n-grams), initials
  n-grams of 2-4 letters ("sbk"), "^" + first initial for one-letter queries, "*" for every document
  and "#<topic>" per topic (listings without a query).
* So a query of up to 4 characters / syllables / initials is one posting list: a page is a few index
  steps, the count an index-only count. Space-separated words of that kind are one grouped index-only
  scan. Anything else (longer words, ambiguous pinyin) intersects posting lists in SQL, then the
  database verifies the real substring on the candidates and classifies the match in one CASE.
* Results (``CACHED_IDS`` ids per window and the count) are cached in Django's cache under a token
  that changes, in the same transaction, with every index change; every search reads the token (one
  row by primary key), so no worker serves results from before a publish or withdrawal it can see.

Ranking: exact name > name prefix > name contains > alias > pinyin > initials > other (department),
then popularity, then id. Pinyin matches are aligned on syllable starts ("baozhang" finds 保障, a
query starting in the middle of a syllable does not); a trailing incomplete syllable is allowed.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import time
import unicodedata
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Greatest, Least
from pypinyin import lazy_pinyin

from zwfw.catalog.models import (
    Audience,
    Department,
    ImplementationItem,
    ItemStatus,
    OnlineDepth,
    SearchDoc,
    SearchIndexState,
    SearchTerm,
    Topic,
)
from zwfw.catalog.selectors import MAX_PAGE_SIZE, SearchPage

__all__ = [
    "PublishedCounts",
    "SearchPage",
    "highlight",
    "pinyin_of",
    "published_counts",
    "rebuild_index",
    "reindex_item",
    "remove_item",
    "search",
]

# Match classes, best first. A posting's ``field`` is the best class its gram reaches in that item.
NAME_EXACT, NAME_PREFIX, NAME, ALIAS, PINYIN, INITIALS, OTHER = range(7)
NO_MATCH = 9

MAX_QUERY_CHARS = 64  # longer input is cut: nothing in the catalogue is searched by a paragraph
MAX_TOKENS = 4  # space-separated words, ANDed
MAX_N = 4  # longest gram (characters, syllables, initials): queries up to this length are one posting list
MAX_GRAMS = 3  # grams per longer word used to find candidates; the substring check does the rest
MAX_UNIT = 20  # longest ASCII run kept as one unit
MAX_GRAM = 40
CACHED_IDS = 200  # ids computed and cached per window: 10 pages of 20
CACHE_SECONDS = 600
STATE_PK = 1
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


# ---- text normalisation ---------------------------------------------------------------------------------


def _is_cjk(ch: str) -> bool:
    o = ord(ch)
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0x20000 <= o <= 0x3134F or 0xF900 <= o <= 0xFAFF


def _is_ascii_alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _clean(text: str) -> str:
    """NFKC, lower case, only CJK ideographs and ASCII letters/digits (punctuation and spaces dropped)."""
    text = unicodedata.normalize("NFKC", text).lower()
    return "".join(ch for ch in text if _is_ascii_alnum(ch) or _is_cjk(ch))


def _units(clean: str) -> list[str]:
    """Split a cleaned text into units: one CJK character, or one ASCII run (capped)."""
    units: list[str] = []
    run: list[str] = []
    for ch in clean:
        if _is_ascii_alnum(ch):
            run.append(ch)
            continue
        if run:
            units.append("".join(run)[:MAX_UNIT])
            run = []
        units.append(ch)
    if run:
        units.append("".join(run)[:MAX_UNIT])
    return units


def _no_pinyin(chunk: str) -> list[str]:
    return [""] * len(chunk)


def _syllables(units: Sequence[str]) -> list[str]:
    """One pinyin syllable per unit (ASCII runs stand for themselves; '' where a character has none).

    Runs of CJK characters are converted together so that pypinyin's phrase table picks the reading of
    a 多音字 from its context (银行 yinhang, 行长 hangzhang).
    """
    out: list[str] = []
    i = 0
    while i < len(units):
        if not _is_cjk(units[i][0]):
            out.append(units[i])
            i += 1
            continue
        j = i
        while j < len(units) and _is_cjk(units[j][0]):
            j += 1
        run = "".join(units[i:j])
        sylls = lazy_pinyin(run, errors=_no_pinyin)
        if len(sylls) != len(run):  # never seen; keep alignment whatever pypinyin does
            sylls = [(lazy_pinyin(ch, errors=_no_pinyin) or [""])[0] for ch in run]
        out.extend(s if s.isascii() and s.isalnum() else "" for s in (x.lower() for x in sylls))
        i = j
    return out


def _initials(units: Sequence[str], sylls: Sequence[str]) -> str:
    return "".join(s if not _is_cjk(u[0]) else s[:1] for u, s in zip(units, sylls, strict=True))


def pinyin_of(text: str) -> tuple[str, str]:
    """(全拼, 首字母) of a text, lower case, without spaces or punctuation: 社保卡 -> ("shebaoka", "sbk")."""
    units = _units(_clean(text or ""))
    sylls = _syllables(units)
    return "".join(sylls), _initials(units, sylls)


# ---- pinyin segmentation of queries ---------------------------------------------------------------------


# Toneless Mandarin syllables (v for ü) as pypinyin writes them, without interjections and one-off
# readings an IME never offers first (m, ng, hm, biang ...): "ms" is initials, not m + s.
_SYLLABLE_TEXT = """
    a ai an ang ao ba bai ban bang bao bei ben beng bi bian biao bie bin bing bo bong bu ca cai can cang cao
    ce cei cen ceng cha chai chan chang chao che chen cheng chi chong chou chu chua chuai chuan chuang chui
    chun chuo ci cong cou cu cuan cui cun cuo da dai dan dang dao de dei deng di dia dian diao die din ding
    diu dong dou du duan dui dun duo e ei en er fa fan fang fei fen feng fo fou fu ga gai gan gang gao ge
    gei gen geng gong gou gu gua guai guan guang gui gun guo ha hai han hang hao he hei hen heng hong hou hu
    hua huai huan huang hui hun huo ji jia jian jiang jiao jie jin jing jiong jiu ju juan jue jun ka kai kan
    kang kao ke kei ken keng kong kou ku kua kuai kuan kuang kui kun kuo la lai lan lang lao le lei len leng
    li lia lian liang liao lie lin ling liu lo long lou lu luan lun luo lv lve ma mai man mang mao me mei
    men meng mi mian miao mie min ming miu mo mou mu na nai nan nang nao ne nei nen neng ni nia nian niang
    niao nie nin ning niu nong nu nuan nun nuo nv nve o ou pa pai pan pang pao pei pen peng pi pian piao pie
    pin ping po pou pu qi qia qian qiang qiao qie qin qing qiong qiu qu quan que qun ran rang rao re ren
    reng ri rong rou ru rua ruan rui run ruo sa sai san sang sao se sen seng sha shai shan shang shao she
    shei shen sheng shi shou shu shua shuai shuan shuang shui shun shuo si song sou su suan sui sun suo ta
    tai tan tang tao te tei teng ti tian tiao tie ting tong tou tu tuan tui tun tuo wa wai wan wang wei wen
    weng wo wong wu xi xia xian xiang xiao xie xin xing xiong xiu xu xuan xue xun ya yan yang yao ye yi yin
    ying yong you yu yuan yue yun za zai zan zang zao ze zei zen zeng zha zhai zhan zhang zhao zhe zhei zhen
    zheng zhi zhong zhou zhu zhua zhuai zhuan zhuang zhui zhun zhuo zi zong zou zu zuan zui zun zuo
"""
SYLLABLES = frozenset(_SYLLABLE_TEXT.split())


@lru_cache(maxsize=1)
def _syllable_table() -> tuple[frozenset[str], frozenset[str]]:
    """The syllables and all their prefixes."""
    return SYLLABLES, frozenset(s[:k] for s in SYLLABLES for k in range(1, len(s) + 1))


def _segmentations(word: str, limit: int = 3) -> list[tuple[list[str], str]]:
    """Ways to read an ASCII word as pinyin: (complete syllables, trailing incomplete syllable or '').

    Only the readings with the fewest units are kept (an IME's reading: 'xian' is 先, not 西安).
    """
    syllables, prefixes = _syllable_table()
    if not word.isalpha() or len(word) > 60:
        return []
    found: list[tuple[list[str], str]] = []

    def walk(i: int, acc: list[str]) -> None:
        if len(found) >= 64:
            return
        if i == len(word):
            found.append((list(acc), ""))
            return
        for j in range(min(len(word), i + 6), i, -1):
            piece = word[i:j]
            if piece in syllables:
                acc.append(piece)
                walk(j, acc)
                acc.pop()
        rest = word[i:]
        if rest in prefixes and rest not in syllables:
            found.append((list(acc), rest))

    walk(0, [])
    if not found:
        return []
    best = min(len(s) + (1 if p else 0) for s, p in found)
    chosen = [(s, p) for s, p in found if len(s) + (1 if p else 0) == best]
    chosen.sort(key=lambda sp: (bool(sp[1]), sp[0]))
    return chosen[:limit]


# ---- query analysis -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Cond:
    """One posting-list condition: the document has one of these grams.

    (Explicit grams rather than a range of them: range scans follow the database collation, which on
    PostgreSQL need not be byte order.)
    """

    grams: tuple[str, ...]


@dataclass(frozen=True)
class _Alt:
    """One way a word can match: all conditions hold. ``exact``: the single gram proves the match."""

    conds: tuple[_Cond, ...]
    exact: bool = False


@dataclass(frozen=True)
class _Reading:
    """One way to read a word: the text the substring check looks for and the alternatives finding candidates."""

    text: str  # cleaned
    ascii: bool  # pinyin or initials: the check also looks in the pinyin and initials columns
    alts: tuple[_Alt, ...]


@dataclass(frozen=True)
class _Word:
    """A query word: one reading, or two for a word mixing CJK and ASCII (literal, and half-typed pinyin)."""

    readings: tuple[_Reading, ...]

    @property
    def alts(self) -> tuple[_Alt, ...]:
        return tuple(alt for reading in self.readings for alt in reading.alts)


def normalise_query(q: str) -> list[str]:
    """The words of a query: NFKC, lower case, at most MAX_QUERY_CHARS, punctuation removed, deduplicated."""
    q = unicodedata.normalize("NFKC", str(q or "")).lower()[: MAX_QUERY_CHARS * 2]
    words: list[str] = []
    for raw in q.split():
        word = "".join(ch for ch in raw if _is_ascii_alnum(ch) or _is_cjk(ch))
        if word and word not in words:
            words.append(word)
    out: list[str] = []
    budget = MAX_QUERY_CHARS
    for word in words[:MAX_TOKENS]:
        if budget <= 0:
            break
        out.append(word[:budget])
        budget -= len(word)
    return out


def _spread(grams: list[str], k: int = MAX_GRAMS) -> list[str]:
    """At most k grams spread over the word (first and last kept)."""
    grams = list(dict.fromkeys(grams))
    if len(grams) <= k:
        return grams
    step = (len(grams) - 1) / (k - 1)
    return list(dict.fromkeys(grams[round(i * step)] for i in range(k)))


def _long(units: Sequence[str], joiner: str = "") -> list[_Cond]:
    """Conditions for a word longer than MAX_N: a few of its MAX_N-grams (all must be there)."""
    grams = [joiner.join(units[i : i + MAX_N]) for i in range(len(units) - MAX_N + 1)]
    return [_Cond((g,)) for g in _spread(grams)]


def _analyse(word: str) -> _Word:
    has_cjk = any(_is_cjk(ch) for ch in word)
    if has_cjk and all(_is_cjk(ch) for ch in word):
        if len(word) <= MAX_N:
            return _Word((_Reading(word, False, (_Alt((_Cond((word,)),), exact=True),)),))
        return _Word((_Reading(word, False, (_Alt(tuple(_long(word))),)),))
    if not has_cjk:
        return _Word((_pinyin_reading(word),))
    # 第3代社保卡, 12345热线, ICP备案: literally; 社保ka (half typed in the IME): also as pinyin where it parses
    readings = [_literal_reading(word)]
    full = pinyin_of(word)[0]
    if full:
        pinyin = _pinyin_reading(full)
        if pinyin.alts:
            readings.append(pinyin)
    return _Word(tuple(readings))


def _literal_reading(word: str) -> _Reading:
    """A word mixing CJK and ASCII as typed: its CJK runs and its ASCII runs of 2+ characters must be there.

    CJK runs are name, alias and department grams; ASCII runs inside a name or alias are in its initials
    grams (an ASCII run stands for itself there). The substring check then proves the whole word.
    """
    grams: list[str] = []
    for cjk, chars in itertools.groupby(word, _is_cjk):
        run = "".join(chars)
        if not cjk:
            run = run[:MAX_UNIT]  # the index keeps no more of an ASCII run
            if len(run) < 2:  # one letter or digit alone is no gram
                continue
        if len(run) <= MAX_N:
            grams.append(run)
        else:
            grams.extend(c.grams[0] for c in _long(run))
    conds = tuple(_Cond((g,)) for g in _spread(grams))
    return _Reading(word, False, (_Alt(conds),))


def _pinyin_reading(word: str) -> _Reading:
    """An ASCII word as full pinyin (syllable grams) or initials."""
    alts: list[_Alt] = []
    segs = _segmentations(word)
    for sylls, partial in segs:
        if len(sylls) >= 2:
            if len(sylls) <= MAX_N:
                alts.append(_Alt((_Cond((" ".join(sylls),)),), exact=not partial))
            else:
                alts.append(_Alt(tuple(_long(sylls, " "))))
        elif len(sylls) == 1:
            # one syllable (+ a started one): every pair that begins with it
            syllables, _ = _syllable_table()
            nexts = sorted(x for x in syllables if x.startswith(partial))
            alts.append(_Alt((_Cond(tuple(f"{sylls[0]} {x}" for x in nexts)),)))
    full_pinyin = any(not p for _, p in segs)
    # i, u and v start no syllable, so a word with them is no string of initials
    if not (full_pinyin and len(word) >= 4) and not any(ch in "iuv" for ch in word):
        if len(word) == 1:
            alts.append(_Alt((_Cond(("^" + word,)),), exact=True))
        elif len(word) <= MAX_N:
            alts.append(_Alt((_Cond((word,)),), exact=True))
        else:
            alts.append(_Alt(tuple(_long(word))))
    return _Reading(word, True, tuple(alts))


# ---- indexing -------------------------------------------------------------------------------------------


AUDIENCE_BITS = {Audience.PERSON: 1, Audience.ENTERPRISE: 2, Audience.BOTH: 3}
FULLY_ONLINE_BIT, ZERO_VISIT_BIT = 4, 8


def _facets(audience: str, fully_online: bool, zero_visit: bool) -> int:
    """The facet bits a posting carries, so facet filters are answered inside the posting index."""
    bits = AUDIENCE_BITS.get(audience, 0)
    return bits | (FULLY_ONLINE_BIT if fully_online else 0) | (ZERO_VISIT_BIT if zero_visit else 0)


def _department_other(dept: Department | None) -> str:
    if dept is None:
        return ""
    return _clean(dept.short_name or dept.name)[:100]


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
    others = {d.pk: _department_other(d) for d in Department.objects.all()}
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
            cursor.execute(f"SELECT gram, COUNT(*) FROM {terms} WHERE gram IN ({marks}) GROUP BY gram", list(grams))
            by_topic = {grams[gram]: n for gram, n in cursor.fetchall()}
        cursor.execute(f"SELECT department_pk, COUNT(*) FROM {docs} GROUP BY department_pk")
        by_department = dict(cursor.fetchall())
    return PublishedCounts(by_topic=by_topic, by_department=by_department)


def _search_ids(*, q: str, filters: _Filters, start: int, limit: int) -> list[int]:
    words = normalise_query(q)
    if words:
        return _run([_analyse(w) for w in words], filters, start, start + limit)[0]
    return _popular(filters, start, start + limit)[0]


# ---- highlighting ---------------------------------------------------------------------------------------


def highlight(text: str, q: str) -> list[tuple[str, bool]]:
    """Split text into (segment, matched) pieces for marking what the query matched.

    Chinese words are found as substrings; pinyin and initials words are matched against the pinyin of
    the text and mapped back to the characters whose syllables they cover.
    """
    text = str(text or "")
    if not text:
        return []
    words = normalise_query(q)
    if not words:
        return [(text, False)]
    # cleaned characters with the index of the original character each came from
    chars: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        for c in unicodedata.normalize("NFKC", ch).lower():
            if _is_ascii_alnum(c) or _is_cjk(c):
                chars.append(c)
                origin.append(i)
    clean = "".join(chars)
    marked = [False] * len(text)

    def mark(lo: int, hi: int) -> None:  # cleaned positions [lo, hi)
        for k in range(lo, hi):
            marked[origin[k]] = True

    units = _units(clean)
    spans: list[tuple[int, int]] = []  # cleaned positions of each unit
    pos = 0
    for u in units:
        length = len(u) if not _is_cjk(u[0]) else 1
        # an ASCII run longer than MAX_UNIT was cut; keep positions right
        while pos + length < len(clean) and not _is_cjk(u[0]) and _is_ascii_alnum(clean[pos + length]):
            length += 1
        spans.append((pos, pos + length))
        pos += length
    sylls = _syllables(units) if any(_is_cjk(ch) for ch in clean) else list(units)
    for raw in words:
        found = False
        for m in re.finditer(re.escape(raw), clean):
            mark(m.start(), m.end())
            found = True
        mixed = any(_is_cjk(c) for c in raw) and not all(_is_cjk(c) for c in raw)
        word = pinyin_of(raw)[0] if mixed else raw  # 社保ka: half-typed pinyin
        if found or not word or not word.isascii():
            continue
        for per_unit in (
            sylls,
            [s if not _is_cjk(u[0]) else s[:1] for u, s in zip(units, sylls, strict=True)],
        ):
            joined, owner = "", []
            for index, s in enumerate(per_unit):
                joined += s
                owner.extend([index] * len(s))
            hits = list(re.finditer(re.escape(word), joined))
            for m in hits:
                for index in sorted(set(owner[m.start() : m.end()])):
                    mark(*spans[index])
            if hits:
                break
    segments: list[tuple[str, bool]] = []
    for ch, flag in zip(text, marked, strict=True):
        if segments and segments[-1][1] == flag:
            segments[-1] = (segments[-1][0] + ch, flag)
        else:
            segments.append((ch, flag))
    return segments
