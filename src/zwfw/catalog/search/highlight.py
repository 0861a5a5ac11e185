"""Highlighting: which characters of a text a query matched."""

from __future__ import annotations

import re
import unicodedata

from zwfw.catalog.search.query import normalise_query
from zwfw.catalog.search.text import _is_ascii_alnum, _is_cjk, _syllables, _units, pinyin_of

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
