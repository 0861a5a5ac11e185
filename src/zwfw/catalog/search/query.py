"""Query analysis: the words of a query, their readings and the posting-list conditions that find candidates."""

from __future__ import annotations

import itertools
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from zwfw.catalog.search.text import (
    MAX_N,
    MAX_UNIT,
    _is_ascii_alnum,
    _is_cjk,
    _segmentations,
    _syllable_table,
    pinyin_of,
)

MAX_QUERY_CHARS = 64  # longer input is cut: nothing in the catalogue is searched by a paragraph
MAX_TOKENS = 4  # space-separated words, ANDed
MAX_GRAMS = 3  # grams per longer word used to find candidates; the substring check does the rest


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
