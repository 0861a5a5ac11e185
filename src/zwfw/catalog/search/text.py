"""Text normalisation, pinyin and pinyin segmentation: what indexing and query analysis share."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from functools import lru_cache

from pypinyin import lazy_pinyin

MAX_N = 4  # longest gram (characters, syllables, initials): queries up to this length are one posting list
MAX_UNIT = 20  # longest ASCII run kept as one unit


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
        sylls = lazy_pinyin(run, errors=_no_pinyin)  # type: ignore[arg-type]  # pypinyin accepts a list
        if len(sylls) != len(run):  # never seen; keep alignment whatever pypinyin does
            sylls = [(lazy_pinyin(ch, errors=_no_pinyin) or [""])[0] for ch in run]  # type: ignore[arg-type]
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
