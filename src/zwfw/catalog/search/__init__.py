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

Modules
-------
``text`` normalisation, pinyin and pinyin segmentation; ``query`` query analysis (words, readings,
posting-list conditions); ``indexing`` documents, grams, ``reindex_item`` / ``remove_item`` /
``rebuild_index`` and the token; ``querying`` ``search``, ranking, filters, the cache and the published
counts per topic and department; ``highlight`` marking what a query matched.
"""

from __future__ import annotations

from zwfw.catalog.search.highlight import highlight
from zwfw.catalog.search.indexing import rebuild_index, reindex_item, remove_item
from zwfw.catalog.search.query import normalise_query
from zwfw.catalog.search.querying import PublishedCounts, published_counts, search
from zwfw.catalog.search.text import pinyin_of
from zwfw.catalog.selectors import SearchPage

__all__ = [
    "PublishedCounts",
    "SearchPage",
    "highlight",
    "normalise_query",
    "pinyin_of",
    "published_counts",
    "rebuild_index",
    "reindex_item",
    "remove_item",
    "search",
]
