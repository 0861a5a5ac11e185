"""事项搜索: Chinese substring, pinyin, initials, aliases, ranking, filters, paging and index upkeep."""

from __future__ import annotations

import io
import itertools
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zwfw.catalog import search as search_module
from zwfw.catalog.models import (
    BaseItem,
    Department,
    ImplementationItem,
    ItemStatus,
    SearchDoc,
    SearchTerm,
    Topic,
)
from zwfw.catalog.search import highlight, pinyin_of, rebuild_index, reindex_item, remove_item, search
from zwfw.catalog.selectors import search_items

pytestmark = pytest.mark.django_db

_serial = itertools.count(1)


def make_department(credit_code: str = "11330000002482000A", short_name: str = "省人社厅") -> Department:
    return Department.objects.create(
        credit_code=credit_code,
        name=f"浙江省{short_name}",
        short_name=short_name,
        region_code="330000",
        level="provincial",
    )


@pytest.fixture
def dept() -> Department:
    return make_department()


@pytest.fixture
def base() -> BaseItem:
    return BaseItem.objects.create(
        code="000000000000",
        name="基本事项",
        kind="public_service",
        exercise_level="provincial",
        legal_limit_days=20,
    )


def make_item(
    dept: Department, base: BaseItem, name: str, *, index: bool = True, **fields: Any
) -> ImplementationItem:
    values: dict[str, Any] = {
        "code": dept.credit_code + f"{next(_serial):013d}",
        "version": 1,
        "status": ItemStatus.PUBLISHED,
        "base_item": base,
        "department": dept,
        "region_code": "330100",
        "name": name,
        "kind": "public_service",
        "exercise_level": "provincial",
        "audience": "person",
        "conditions": "无",
        "legal_limit_days": 20,
        "promised_limit_days": 5,
        "handling_type": "promised",
        "online_depth": 3,
        "consult_phone": "12345",
        "complaint_phone": "12345",
        "result_type": "other",
        "popularity": 0,
    }
    values.update(fields)
    item = ImplementationItem.objects.create(**values)
    if index:
        reindex_item(item)
    return item


def names(page: Any) -> list[str]:
    return [item.name for item in page.items]


# ---- pinyin ---------------------------------------------------------------------------------------------


def test_pinyin_of_gives_full_pinyin_and_initials() -> None:
    assert pinyin_of("社保卡") == ("shebaoka", "sbk")
    assert pinyin_of("住房公积金") == ("zhufanggongjijin", "zfgjj")
    assert pinyin_of("银行（ICP）") == ("yinhangicp", "yhicp")
    assert pinyin_of("") == ("", "")


def test_reindex_fills_the_item_pinyin_fields(dept: Department, base: BaseItem) -> None:
    item = make_item(dept, base, "社会保障卡申领")
    item.refresh_from_db()
    assert (item.pinyin_full, item.pinyin_initials) == ("shehuibaozhangkashenling", "shbzksl")


# ---- matching -------------------------------------------------------------------------------------------


def test_chinese_substring(dept: Department, base: BaseItem) -> None:
    make_item(dept, base, "居民身份证换领")
    make_item(dept, base, "住房公积金提取")
    assert names(search(q="身份证")) == ["居民身份证换领"]
    assert names(search(q="公积")) == ["住房公积金提取"]
    assert names(search(q="积")) == ["住房公积金提取"]
    assert names(search(q="房公积金提")) == ["住房公积金提取"]


def test_full_pinyin_and_initials(dept: Department, base: BaseItem) -> None:
    make_item(dept, base, "社保卡挂失")
    make_item(dept, base, "社会保障卡申领")
    make_item(dept, base, "住房公积金提取")
    assert names(search(q="shebao")) == ["社保卡挂失"]
    assert names(search(q="sbk")) == ["社保卡挂失"]
    assert names(search(q="shehuibaozhang")) == ["社会保障卡申领"]
    assert names(search(q="gjj")) == ["住房公积金提取"]
    assert names(search(q="gongjijin")) == ["住房公积金提取"]
    assert names(search(q="ShеBao".replace("е", "e"))) == ["社保卡挂失"]  # case does not matter
    assert names(search(q="shebaok")) == ["社保卡挂失"]  # last syllable still being typed
    assert names(search(q="gongji")) == ["住房公积金提取"]


def test_alias_is_found_and_by_its_pinyin(dept: Department, base: BaseItem) -> None:
    make_item(dept, base, "社会保障卡申领", aliases=["社保卡"])
    assert names(search(q="社保卡")) == ["社会保障卡申领"]
    assert names(search(q="shebaoka")) == ["社会保障卡申领"]
    assert names(search(q="sbk")) == ["社会保障卡申领"]


def test_department_short_name_matches_as_other(dept: Department, base: BaseItem) -> None:
    make_item(dept, base, "失业保险金申领")
    assert names(search(q="人社")) == ["失业保险金申领"]


def test_a_place_word_matches_the_departments_full_name_and_region(base: BaseItem) -> None:
    # given 社保 items of a Hangzhou department whose short name lacks the city, and of a Ningbo one
    from zwfw.core.models import Region

    Region.objects.update_or_create(code="330200", defaults={"name": "宁波市", "level": "prefecture"})
    hangzhou = Department.objects.create(
        credit_code="11330100002482000B",
        name="杭州市人力资源和社会保障局",
        short_name="市人社局",
        region_code="330100",
        level="municipal",
    )
    ningbo = Department.objects.create(
        credit_code="11330200002482000C",
        name="人力资源和社会保障局",
        short_name="人社局",
        region_code="330200",
        level="municipal",
    )
    make_item(hangzhou, base, "社会保障卡申领", aliases=["社保卡"])
    make_item(ningbo, base, "社会保障卡补领", aliases=["社保卡补办"])
    # when a citizen adds the place to the query, then only that place's items remain
    assert names(search(q="社保 杭州")) == ["社会保障卡申领"]
    assert names(search(q="宁波 社保卡")) == ["社会保障卡补领"]
    assert search(q="社保 温州").count == 0
    # and the place alone ranks below name matches but finds the department's items
    assert names(search(q="杭州")) == ["社会保障卡申领"]


def test_space_separated_words_must_all_match(dept: Department, base: BaseItem) -> None:
    make_item(dept, base, "居民身份证换领")
    make_item(dept, base, "居民身份证补领")
    make_item(dept, base, "机动车驾驶证补领")
    assert names(search(q="身份证 补领")) == ["居民身份证补领"]
    assert names(search(q="补领  身份证")) == ["居民身份证补领"]
    assert names(search(q="sfz bl")) == ["居民身份证补领"]


def test_mixed_chinese_and_pinyin_is_read_as_pinyin(dept: Department, base: BaseItem) -> None:
    make_item(dept, base, "社保卡挂失")
    assert names(search(q="社保ka")) == ["社保卡挂失"]
    assert search(q="社保kа").count in (0, 1)  # a Cyrillic а is dropped, never an error


@pytest.mark.parametrize(
    ("name", "queries"),
    [
        ("居民身份证申领0", ["居民身份证申领0", "申领0", "身份证申领0"]),
        ("第3代社保卡申领", ["第3代社保卡申领", "第3代", "3代社保卡", "第3代社保", "代社保卡申领"]),
        ("2025年度企业年报公示", ["2025年度企业年报公示", "2025年度", "25年度企业年报"]),
        ("12345热线投诉受理", ["12345热线投诉受理", "12345热线", "345热线投诉"]),
        ("A2驾驶证申领", ["A2驾驶证申领", "a2驾驶证", "Ａ２驾驶证"]),
        ("ICP备案", ["ICP备案", "icp备案", "CP备"]),
        ("5G基站建设审批", ["5G基站建设审批", "5g基站", "G基站建设"]),
    ],
)
def test_mixed_chinese_with_digits_or_latin_matches_literally(
    dept: Department, base: BaseItem, name: str, queries: list[str]
) -> None:
    # given the item and an unrelated one sharing its Chinese words
    make_item(dept, base, name)
    make_item(dept, base, "居民身份证换领社保卡2024年度热线驾驶证备案基站建设")
    for q in queries:
        # when searching for the whole name, a part or a mixed part
        page = search(q=q)
        # then only the item with that literal text is found
        assert (q, names(page), page.count) == (q, [name], 1)


def test_mixed_word_ranks_the_exact_name_first(dept: Department, base: BaseItem) -> None:
    # given names that contain the query, one that is it
    make_item(dept, base, "第3代社保卡申领补办", popularity=9)
    make_item(dept, base, "第3代社保卡", popularity=1)
    make_item(dept, base, "新版第3代社保卡", popularity=5)
    # when / then: exact name > prefix > contains
    assert names(search(q="第3代社保卡")) == ["第3代社保卡", "第3代社保卡申领补办", "新版第3代社保卡"]


def test_mixed_word_with_other_digits_finds_nothing(dept: Department, base: BaseItem) -> None:
    # given
    make_item(dept, base, "居民身份证申领0")
    make_item(dept, base, "第3代社保卡申领")
    # when / then: the digits must be there as typed
    assert search(q="申领1").count == 0
    assert search(q="第4代社保卡").count == 0
    assert search(q="0申领").count == 0


def test_mixed_word_is_still_read_as_half_typed_pinyin(dept: Department, base: BaseItem) -> None:
    # given
    make_item(dept, base, "社保卡挂失")
    make_item(dept, base, "住房公积金提取")
    # when / then: the literal reading finds nothing, the pinyin reading does
    assert names(search(q="社保kagua")) == ["社保卡挂失"]
    assert names(search(q="公积jin")) == ["住房公积金提取"]
    assert names(search(q="住房gongji")) == ["住房公积金提取"]


def test_mixed_words_combine_with_filters_and_other_words(dept: Department, base: BaseItem) -> None:
    # given
    make_item(dept, base, "第3代社保卡申领", audience="person")
    make_item(dept, base, "第3代社保卡补办", audience="enterprise")
    # when / then
    assert names(search(q="第3代 申领")) == ["第3代社保卡申领"]
    assert names(search(q="3代社保卡 bb")) == ["第3代社保卡补办"]
    assert names(search(q="第3代社保卡", audience="enterprise")) == ["第3代社保卡补办"]


# ---- ranking --------------------------------------------------------------------------------------------


def test_ranking_order(dept: Department, base: BaseItem) -> None:
    other_dept = make_department("11330000002482111B", short_name="社保中心")
    make_item(other_dept, base, "就业登记", popularity=9000)  # other: department 社保中心
    make_item(dept, base, "医疗费用报销", aliases=["医保社保报销"], popularity=800)  # alias
    make_item(dept, base, "办理社保关系转移", popularity=50)  # name contains
    make_item(dept, base, "社保卡挂失", popularity=10)  # name prefix
    make_item(dept, base, "社保", popularity=1)  # exact name
    make_item(dept, base, "社保卡补领", popularity=20)  # name prefix, more popular
    assert names(search(q="社保")) == [
        "社保",
        "社保卡补领",
        "社保卡挂失",
        "办理社保关系转移",
        "医疗费用报销",
        "就业登记",
    ]


def test_ranking_order_for_multi_gram_query(dept: Department, base: BaseItem) -> None:
    make_item(dept, base, "住房公积金", popularity=1)
    make_item(dept, base, "住房公积金提取", popularity=5)
    make_item(dept, base, "办理住房公积金贷款", popularity=100)
    make_item(dept, base, "贷款", aliases=["住房公积金贷款"], popularity=1000)
    assert names(search(q="住房公积金")) == ["住房公积金", "住房公积金提取", "办理住房公积金贷款", "贷款"]


def test_pinyin_ranks_above_initials(dept: Department, base: BaseItem) -> None:
    make_item(dept, base, "西安交通", popularity=1)  # pinyin xian...
    make_item(dept, base, "先行先试", popularity=2)  # pinyin xian...
    make_item(dept, base, "许可事项安全审查", popularity=9)  # initials x..., no "xian" pinyin
    result = names(search(q="xian"))
    assert result[0] == "先行先试"
    assert "西安交通" not in result  # an IME reads xian as one syllable; 西安 is xi'an


def test_popularity_breaks_ties(dept: Department, base: BaseItem) -> None:
    make_item(dept, base, "婚姻登记（结婚）", popularity=5)
    make_item(dept, base, "不动产登记", popularity=50)
    make_item(dept, base, "生育登记", popularity=500)
    assert names(search(q="登记")) == ["生育登记", "不动产登记", "婚姻登记（结婚）"]


def test_empty_query_lists_popular_first(dept: Department, base: BaseItem) -> None:
    make_item(dept, base, "甲", popularity=1)
    make_item(dept, base, "乙", popularity=3)
    make_item(dept, base, "丙", popularity=2)
    page = search(q="")
    assert names(page) == ["乙", "丙", "甲"]
    assert page.count == 3
    assert names(search(q="   ")) == ["乙", "丙", "甲"]


# ---- filters --------------------------------------------------------------------------------------------


def test_audience_filter_includes_both(dept: Department, base: BaseItem) -> None:
    make_item(dept, base, "登记甲", audience="person", popularity=3)
    make_item(dept, base, "登记乙", audience="enterprise", popularity=2)
    make_item(dept, base, "登记丙", audience="both", popularity=1)
    assert names(search(q="登记", audience="person")) == ["登记甲", "登记丙"]
    assert names(search(q="登记", audience="enterprise")) == ["登记乙", "登记丙"]
    assert names(search(audience="enterprise")) == ["登记乙", "登记丙"]
    assert names(search(q="dengji", audience="enterprise")) == ["登记乙", "登记丙"]


def test_topic_filter(dept: Department, base: BaseItem) -> None:
    topic = Topic.objects.create(code="birth", name="生育收养", audience="person")
    Topic.objects.create(code="other", name="其他", audience="person")
    tagged = make_item(dept, base, "生育登记", index=False)
    tagged.topics.add(topic)
    reindex_item(tagged)
    make_item(dept, base, "婚姻登记")
    assert names(search(q="登记", topic="birth")) == ["生育登记"]
    assert names(search(topic="birth")) == ["生育登记"]
    assert search(q="登记", topic="other").count == 0
    assert search(q="登记", topic="nope").count == 0


def test_department_filter(dept: Department, base: BaseItem) -> None:
    other = make_department("11330000002482111B", short_name="省公安厅")
    make_item(dept, base, "社保登记")
    make_item(other, base, "户口登记")
    assert names(search(q="登记", department=other.credit_code)) == ["户口登记"]
    assert names(search(q="dj", department=dept.credit_code)) == ["社保登记"]
    assert search(q="登记", department="91330000MA0000000X").count == 0


def test_region_filter(dept: Department, base: BaseItem) -> None:
    make_item(dept, base, "杭州登记", region_code="330100")
    make_item(dept, base, "宁波登记", region_code="330200")
    assert names(search(q="登记", region="330200")) == ["宁波登记"]
    assert names(search(region="330100")) == ["杭州登记"]


def test_fully_online_and_zero_visit_filters(dept: Department, base: BaseItem) -> None:
    make_item(dept, base, "登记网办", online_depth=4, visits_required=1, popularity=3)
    make_item(dept, base, "登记零跑", online_depth=3, visits_required=0, popularity=2)
    make_item(dept, base, "登记两者", online_depth=4, visits_required=0, popularity=1)
    assert names(search(q="登记", fully_online=True)) == ["登记网办", "登记两者"]
    assert names(search(q="登记", fully_online=False)) == ["登记零跑"]
    assert names(search(q="登记", zero_visit=True)) == ["登记零跑", "登记两者"]
    assert names(search(q="登记", fully_online=True, zero_visit=True)) == ["登记两者"]
    assert names(search(q="登记甲乙", zero_visit=True)) == []


@pytest.mark.parametrize(
    "q",
    ["公积金", "住房公积金提取", "公积金 提取", "gjj", "gongjijin", "zhufanggongjijintiqu", "zfgjjtq", ""],
)
def test_filters_combine_with_every_query_shape(dept: Department, base: BaseItem, q: str) -> None:
    housing = Topic.objects.create(code="housing", name="住房保障", audience="person")
    fund = make_department("11330000002482111B", short_name="公积金中心")
    mine = make_item(
        dept,
        base,
        "住房公积金提取（个人）",
        index=False,
        region_code="330100",
        audience="person",
        online_depth=4,
        visits_required=0,
        popularity=5,
    )
    mine.topics.add(housing)
    reindex_item(mine)
    make_item(fund, base, "住房公积金提取（单位）", region_code="330200", audience="enterprise", popularity=9)
    assert search(q=q).count == 2
    assert names(search(q=q, region="330100")) == ["住房公积金提取（个人）"]
    assert names(search(q=q, department=fund.credit_code)) == ["住房公积金提取（单位）"]
    assert names(search(q=q, topic="housing")) == ["住房公积金提取（个人）"]
    assert names(search(q=q, audience="person", fully_online=True, zero_visit=True)) == [
        "住房公积金提取（个人）"
    ]
    assert names(search(q=q, audience="enterprise", region="330200")) == ["住房公积金提取（单位）"]
    assert search(q=q, region="330100", department=fund.credit_code).count == 0
    assert search(q=q, topic="housing", audience="enterprise").count == 0


# ---- paging ---------------------------------------------------------------------------------------------


def test_paging_and_count(dept: Department, base: BaseItem) -> None:
    for n in range(25):
        make_item(dept, base, f"不动产登记{n:02d}", popularity=n)
    first = search(q="不动产登记", page=1, page_size=10)
    third = search(q="不动产登记", page=3, page_size=10)
    beyond = search(q="不动产登记", page=9, page_size=10)
    assert (first.count, third.count, beyond.count) == (25, 25, 25)
    assert names(first) == [f"不动产登记{n:02d}" for n in range(24, 14, -1)]
    assert names(third) == [f"不动产登记{n:02d}" for n in range(4, -1, -1)]
    assert beyond.items == []
    assert first.pages == 3
    assert search(q="不动产", page_size=1000).page_size == 100  # MAX_PAGE_SIZE
    assert search(q="不动产", page=0, page_size=0).page_size == 1


def test_pages_across_a_cached_window(
    dept: Department, base: BaseItem, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search_module.querying, "CACHED_IDS", 4)
    for n in range(10):
        make_item(dept, base, f"营业执照变更{n}", popularity=n)
    page = search(q="营业执照", page=2, page_size=3)
    assert names(page) == ["营业执照变更6", "营业执照变更5", "营业执照变更4"]
    assert page.count == 10
    assert names(search(q="营业执照", page=4, page_size=3)) == ["营业执照变更0"]


def test_no_match_is_an_empty_page(dept: Department, base: BaseItem) -> None:
    make_item(dept, base, "婚姻登记")
    page = search(q="量子计算许可")
    assert (page.items, page.count, page.pages) == ([], 0, 1)
    assert search(q="zzzzzz").count == 0


@pytest.mark.parametrize(
    "q",
    [
        "登" * 10_000,
        "shebao" * 2000,
        "!!!，。、？",
        "%",
        "_",
        "'; DROP TABLE catalog_searchterm; --",
        "%_'\"\\",
        "社\x00保",
        "\x00",
        "😀🎉",
        "社保😀",
        "ｓｈｅｂａｏ",
        "a b c d e f g h i j",
        "\u200b\u3000\t\n",
        "ê",
        "𠀀𠀁",
    ],
)
def test_weird_input_never_errors(dept: Department, base: BaseItem, q: str) -> None:
    make_item(dept, base, "社保卡挂失")
    make_item(dept, base, "100%_登记")
    page = search(q=q)
    assert page.count >= 0
    assert len(page.items) <= page.count


def test_metacharacters_are_literal(dept: Department, base: BaseItem) -> None:
    make_item(dept, base, "社保卡挂失")
    assert search(q="%").count == 0
    assert search(q="社%失").count == 0  # not a LIKE wildcard: punctuation is dropped, 社失 is no substring
    assert search(q="社_失").count == 0
    assert names(search(q="社%")) == ["社保卡挂失"]
    assert names(search(q="社\x00保")) == ["社保卡挂失"]  # NUL dropped like punctuation
    assert names(search(q="ｓｈｅｂａｏ")) == ["社保卡挂失"]  # full-width letters (NFKC)


def test_selector_delegates_to_search(dept: Department, base: BaseItem) -> None:
    make_item(dept, base, "社保卡挂失")
    page = search_items(q="sbk", page=1, page_size=20)
    assert names(page) == ["社保卡挂失"]


# ---- index upkeep ---------------------------------------------------------------------------------------


def test_drafts_and_unindexed_items_are_not_found(dept: Department, base: BaseItem) -> None:
    make_item(dept, base, "社保卡挂失", status=ItemStatus.DRAFT)
    assert search(q="社保").count == 0
    assert not SearchDoc.objects.exists()


def test_withdraw_removes_and_republish_restores(dept: Department, base: BaseItem) -> None:
    item = make_item(dept, base, "社保卡挂失")
    assert search(q="社保").count == 1  # now cached
    item.status = ItemStatus.WITHDRAWN
    item.save()
    remove_item(item)
    assert search(q="社保").count == 0  # the cache entry of before is not served
    assert not SearchTerm.objects.filter(doc_id=item.pk).exists()
    item.status = ItemStatus.PUBLISHED
    item.save()
    reindex_item(item)
    assert names(search(q="社保")) == ["社保卡挂失"]


def test_new_version_supersedes_old_in_the_index(dept: Department, base: BaseItem) -> None:
    old = make_item(dept, base, "社保卡挂失")
    assert names(search(q="挂失")) == ["社保卡挂失"]
    old.status = ItemStatus.SUPERSEDED
    old.save()
    # the new version is indexed; the old one's removal is not even reported
    make_item(dept, base, "社保卡临时挂失", code=old.code, version=2)
    assert names(search(q="挂失")) == ["社保卡临时挂失"]
    assert names(search(q="shebaoka")) == ["社保卡临时挂失"]
    assert SearchDoc.objects.count() == 1


def test_reindex_of_an_unpublished_item_removes_it(dept: Department, base: BaseItem) -> None:
    item = make_item(dept, base, "婚姻登记")
    item.status = ItemStatus.WITHDRAWN
    reindex_item(item)
    assert search(q="婚姻").count == 0


def test_rebuild_index_covers_published_items_only(dept: Department, base: BaseItem) -> None:
    make_item(dept, base, "社保卡挂失", index=False)
    make_item(dept, base, "生育登记", index=False, aliases=["准生证"])
    make_item(dept, base, "婚姻登记", index=False, status=ItemStatus.WITHDRAWN)
    assert search(q="登记").count == 0
    assert rebuild_index(batch=1) == 2
    assert names(search(q="登记")) == ["生育登记"]
    assert names(search(q="zsz")) == ["生育登记"]
    assert names(search(q="sbk")) == ["社保卡挂失"]
    terms = SearchTerm.objects.count()
    rebuild_index(offline=True)
    assert SearchTerm.objects.count() == terms
    assert names(search(q="sbk")) == ["社保卡挂失"]
    assert ImplementationItem.objects.get(name="生育登记").pinyin_initials == "sydj"


def test_catalog_reindex_command(dept: Department, base: BaseItem) -> None:
    make_item(dept, base, "生育登记", index=False)
    out = io.StringIO()
    call_command("catalog_reindex", stdout=out)
    assert "已索引 1 个事项" in out.getvalue()
    assert names(search(q="syd")) == ["生育登记"]


def test_cached_search_costs_few_queries(dept: Department, base: BaseItem) -> None:
    make_item(dept, base, "社保卡挂失")
    search(q="社保")
    with CaptureQueriesContext(connection) as queries:
        search(q="社保")
    assert len(queries) == 1  # the index token; the page comes from the cache
    with CaptureQueriesContext(connection) as queries:
        search(q="社保", page_size=5)
    assert len(queries) == 2  # another page size: the ranked ids are cached, the rows are read


def test_publish_revise_and_withdraw_through_the_services_keep_the_index() -> None:
    services = pytest.importorskip("zwfw.catalog.services")
    factories = pytest.importorskip("tests.catalog.factories")
    department = factories.DepartmentFactory()
    base = factories.BaseItemFactory()
    record = factories.item_record(department, base, name="社会保障卡申领", aliases=["社保卡"])
    services.create_item_draft(actor="test", data=record)
    assert search(q="sbk").count == 0  # drafts are not searchable
    services.publish(actor="test", code=record["code"])
    assert names(search(q="sbk")) == ["社会保障卡申领"]
    services.start_revision(actor="test", code=record["code"])
    services.update_draft(actor="test", code=record["code"], changes={"name": "社会保障卡补领"})
    services.publish(actor="test", code=record["code"])
    assert names(search(q="社会保障卡")) == ["社会保障卡补领"]  # the superseded version is gone
    assert [i.version for i in search(q="sbk").items] == [2]
    services.withdraw(actor="test", code=record["code"])
    assert search(q="sbk").count == 0
    assert search(q="社会保障卡").count == 0


# ---- topic and department counts -------------------------------------------------------------------------


def _counts() -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    from zwfw.catalog.selectors import list_departments, list_topics

    topics = [(t.code, t.item_count) for t in list_topics()]
    departments = [(d.credit_code, d.item_count) for d in list_departments()]
    return topics, departments


def test_topic_and_department_counts_follow_publish_revise_and_withdraw() -> None:
    from tests.catalog.factories import BaseItemFactory, DepartmentFactory, TopicFactory, item_record
    from zwfw.catalog import services

    # given two departments, two topics, a draft and a published item
    hrss = DepartmentFactory(sort_order=1)
    police = DepartmentFactory(sort_order=2)
    base = BaseItemFactory()
    TopicFactory(code="birth", sort_order=1)
    TopicFactory(code="work", sort_order=2)
    first = item_record(hrss, base, n=1, name="社会保障卡申领", topics=["birth", "work"])
    second = item_record(police, base, n=2, name="居民身份证申领", topics=["birth"])
    for record in (first, second):
        services.create_item_draft(actor="test", data=record)
    services.publish(actor="test", code=first["code"])
    assert _counts() == (  # the draft is not counted; now cached
        [("birth", 1), ("work", 1)],
        [(hrss.credit_code, 1), (police.credit_code, 0)],
    )
    # when the second is published, then counted
    services.publish(actor="test", code=second["code"])
    assert _counts() == ([("birth", 2), ("work", 1)], [(hrss.credit_code, 1), (police.credit_code, 1)])
    # when the first is revised, then its new version replaces the old one, not adds to it
    services.start_revision(actor="test", code=first["code"])
    services.update_draft(actor="test", code=first["code"], changes={"name": "社会保障卡补领"})
    assert _counts() == ([("birth", 2), ("work", 1)], [(hrss.credit_code, 1), (police.credit_code, 1)])
    services.publish(actor="test", code=first["code"])
    assert _counts() == ([("birth", 2), ("work", 1)], [(hrss.credit_code, 1), (police.credit_code, 1)])
    # when it is withdrawn, then it is no longer counted
    services.withdraw(actor="test", code=first["code"])
    assert _counts() == ([("birth", 1), ("work", 0)], [(hrss.credit_code, 0), (police.credit_code, 1)])


def test_counts_equal_a_count_of_published_items_after_a_rebuild(dept: Department, base: BaseItem) -> None:
    from zwfw.catalog.selectors import list_departments, list_topics

    # given published, withdrawn and draft items in topics, indexed by a rebuild
    topic = Topic.objects.create(code="t1", name="主题", audience="person")
    other = make_department("11330000002482171X", "省公安厅")
    for n, (status, department) in enumerate(
        [
            ("published", dept),
            ("published", dept),
            ("withdrawn", dept),
            ("draft", other),
            ("published", other),
        ]
    ):
        make_item(department, base, f"事项{n}", index=False, status=status).topics.add(topic)
    rebuild_index()
    # when / then: the same counts as counting the published rows
    assert [(t.code, t.item_count) for t in list_topics(audience="person")] == [("t1", 3)]
    assert [(d.pk, d.item_count) for d in list_departments()] == [(dept.pk, 2), (other.pk, 1)]
    assert [(t.code, t.item_count) for t in list_topics(audience="enterprise")] == []


def test_cached_counts_cost_two_small_queries(dept: Department, base: BaseItem) -> None:
    from zwfw.catalog.selectors import list_topics

    # given an item and counts already read once
    make_item(dept, base, "婚姻登记")
    list_topics()
    # when read again, then: the token and the topics, no count over the items
    with CaptureQueriesContext(connection) as queries:
        list_topics()
    assert len(queries) == 2
    assert not any("COUNT" in q["sql"].upper() for q in queries.captured_queries)


# ---- highlighting ---------------------------------------------------------------------------------------


def test_highlight_chinese_substring() -> None:
    assert highlight("居民身份证换领", "身份证") == [("居民", False), ("身份证", True), ("换领", False)]


def test_highlight_pinyin_and_initials() -> None:
    assert highlight("社保卡挂失", "shebao") == [("社保", True), ("卡挂失", False)]
    assert highlight("住房公积金提取", "gjj") == [("住房", False), ("公积金", True), ("提取", False)]
    assert highlight("（新）社保卡", "sbk") == [("（新）", False), ("社保卡", True)]


def test_highlight_mixed_word_literally_else_as_pinyin() -> None:
    assert highlight("第3代社保卡申领", "3代社保") == [("第", False), ("3代社保", True), ("卡申领", False)]
    assert highlight("ICP备案", "icp备") == [("ICP备", True), ("案", False)]
    assert highlight("社保卡挂失", "社保ka") == [("社保卡", True), ("挂失", False)]


def test_highlight_without_match_or_query() -> None:
    assert highlight("婚姻登记", "") == [("婚姻登记", False)]
    assert highlight("婚姻登记", "xyz") == [("婚姻登记", False)]
    assert highlight("", "社保") == []
    assert highlight("社保 社保", "社保 xyz") == [("社保", True), (" ", False), ("社保", True)]
