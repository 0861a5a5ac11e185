"""Portal pages with Django's test client: given a seeded catalogue, when a page is requested, then ..."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from tests.portal.conftest import (
    COMPANY_CODE,
    DRAFT_CODE,
    DRAFT_FORM_PATH,
    FORM_PATH,
    HRSS,
    ORPHAN_PATH,
    SAMPLE_PATH,
    SBK_CODE,
    make_item,
)
from zwfw.catalog.guides import snapshot_of_row
from zwfw.catalog.models import GuideSnapshot, ImplementationItem
from zwfw.portal.context_processors import ELDER_COOKIE

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    return response.content.decode()


def visible_text(response) -> str:
    """The page text without tags, with whitespace collapsed (for phrase assertions)."""
    body = re.sub(r"<[^>]+>", " ", text_of(response))
    return " ".join(body.split())


def assert_page_skeleton(html: str) -> None:
    assert '<html lang="zh-Hans"' in html
    assert 'class="skip-link" href="#main"' in html
    for landmark in ("<header", "<nav", '<main id="main"', "<footer"):
        assert landmark in html
    assert "http://" not in html.replace("http://testserver", "")
    assert "https://" not in html


# ---- home, topics, departments -------------------------------------------------------------


def test_home_shows_search_popular_topics_and_departments(client: Client, catalogue):
    response = client.get("/")
    html = text_of(response)
    assert response.status_code == 200
    assert_page_skeleton(html)
    assert 'role="search"' in html
    assert '<label for="home-q"' in html
    assert "热门服务" in html
    assert "主题服务" in html
    assert "部门服务" in html
    # popular: ordered by popularity
    assert html.index("社会保障卡申领") < html.index("居民身份证申领") < html.index("企业设立登记")
    # 个人 topics by default, 法人 tab on request
    assert "社会保障" in html
    assert "开办企业" not in html
    enterprise = text_of(client.get("/?tab=enterprise"))
    assert "开办企业" in enterprise
    assert "浙江省人力资源和社会保障厅" in html
    assert reverse("portal:department", args=[HRSS]) in html


def test_topic_pages_list_their_items(client: Client, catalogue):
    listing = client.get(reverse("portal:topics"))
    assert listing.status_code == 200
    assert "个人主题" in text_of(listing)
    assert "法人主题" in text_of(listing)
    response = client.get(reverse("portal:topic", args=["social-security"]))
    html = text_of(response)
    assert response.status_code == 200
    assert "社会保障卡申领" in html
    assert "灵活就业人员参保登记" in html
    assert "企业设立登记" not in html
    empty = client.get(reverse("portal:topic", args=["birth"]))
    assert empty.status_code == 200
    assert "该主题下暂无可办理的事项" in text_of(empty)


def test_department_pages_list_their_items(client: Client, catalogue):
    listing = client.get(reverse("portal:departments"))
    assert listing.status_code == 200
    assert "浙江省市场监督管理局" in text_of(listing)
    response = client.get(reverse("portal:department", args=[HRSS]))
    html = text_of(response)
    assert response.status_code == 200
    assert "社会保障卡申领" in html
    assert "灵活就业人员参保登记" in html
    assert "居民身份证申领" not in html
    assert "0571-12333" in html
    assert "杭州市西湖区省府路8号" in html
    assert "社保草稿事项" not in html


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/items/UNKNOWN0000000000000000000000000/", "未找到该事项"),
        (f"/items/{DRAFT_CODE}/", "未找到该事项"),
        ("/items/" + "A" * 200 + "/", "未找到该事项"),
        ("/topics/no-such-topic/", "未找到主题"),
        ("/departments/000000000000000000/", "未找到部门"),
        ("/departments/<script>/", "未找到"),
        ("/departments/%00/", "未找到"),
        ("/items/%00/", "未找到该事项"),
        ("/items/%E7%A4%BE/", "未找到该事项"),
        ("/no/such/page/", "页面不存在"),
    ],
)
def test_unknown_things_get_the_chinese_404_page(client: Client, catalogue, url, message):
    response = client.get(url)
    assert response.status_code == 404
    html = text_of(response)
    assert_page_skeleton(html)
    assert message in html
    assert "返回首页" in html
    assert "<script>" not in html


# ---- search --------------------------------------------------------------------------------


def test_search_finds_by_alias_and_highlights(client: Client, catalogue):
    response = client.get(reverse("portal:search"), {"q": "社保"})
    html = text_of(response)
    assert response.status_code == 200
    assert_page_skeleton(html)
    assert "社会保障卡申领" in html
    assert "<mark>社保</mark>卡" in html  # the alias 社保卡, matched part marked
    assert "居民身份证申领" not in html
    assert re.search(r"找到 \d+ 个与“社保”相关的事项", visible_text(response))
    # the best match comes first
    results = html.split('class="item-list"', 1)[1]
    assert results.index("社会保障卡申领") < results.index("</li>")


def test_search_by_name_marks_the_matching_part(client: Client, catalogue):
    html = text_of(client.get(reverse("portal:search"), {"q": "身份证"}))
    assert "居民<mark>身份证</mark>申领" in html


def test_search_escapes_the_query(client: Client, catalogue):
    response = client.get(reverse("portal:search"), {"q": '<img src=x onerror="alert(1)">'})
    html = text_of(response)
    assert response.status_code == 200
    assert "<img src=x" not in html
    assert "&lt;img src=x" in html


@pytest.mark.parametrize(
    ("params", "present", "absent"),
    [
        ({"audience": "enterprise"}, ["企业设立登记"], ["社会保障卡申领", "居民身份证申领"]),
        ({"audience": "person"}, ["社会保障卡申领", "居民身份证申领"], ["企业设立登记"]),
        ({"topic": "social-security"}, ["社会保障卡申领", "灵活就业人员参保登记"], ["居民身份证申领"]),
        ({"department": HRSS}, ["社会保障卡申领", "灵活就业人员参保登记"], ["企业设立登记"]),
        (
            {"fully_online": "1"},
            ["社会保障卡申领", "企业设立登记"],
            ["居民身份证申领", "灵活就业人员参保登记"],
        ),
        ({"zero_visit": "1", "audience": "person"}, ["社会保障卡申领"], ["企业设立登记", "居民身份证申领"]),
    ],
)
def test_search_filters(client: Client, catalogue, params, present, absent):
    response = client.get(reverse("portal:search"), params)
    results = text_of(response).split('id="results-title"', 1)[1]
    assert response.status_code == 200
    for name in present:
        assert name in results
    for name in absent:
        assert name not in results


def test_search_filter_form_keeps_the_choices(client: Client, catalogue):
    html = text_of(
        client.get(reverse("portal:search"), {"q": "社保", "topic": "social-security", "fully_online": "1"})
    )
    assert '<option value="social-security" selected>' in html
    assert 'name="fully_online" value="1" checked' in html
    assert '<label for="f-topic"' in html
    assert '<label for="f-department"' in html


def test_search_empty_state_is_helpful(client: Client, catalogue):
    response = client.get(reverse("portal:search"), {"q": "不存在的事项名称", "zero_visit": "1"})
    text = visible_text(response)
    assert response.status_code == 200
    assert "没有找到与“不存在的事项名称”相关的事项" in text
    assert "清除筛选条件后重新搜索" in text
    assert "12345" in text
    assert "大家都在办" in text
    assert "社会保障卡申领" in text


def test_search_paginates(client: Client, catalogue):
    for n in range(15):
        make_item(
            code=f"{HRSS}09{n:011d}", name=f"测试分页事项{n:02d}", department=catalogue.hrss,
            base=catalogue.bases["flex"], popularity=100 - n,
        )  # fmt: skip
    first = client.get(reverse("portal:search"), {"q": "测试分页"})
    second = client.get(reverse("portal:search"), {"q": "测试分页", "page": "2"})
    assert "测试分页 事项00" in visible_text(first)
    assert "事项10" not in visible_text(first)
    assert "测试分页 事项10" in visible_text(second)
    assert "事项00" not in visible_text(second)
    assert 'aria-label="分页"' in text_of(first)
    assert "?q=%E6%B5%8B%E8%AF%95%E5%88%86%E9%A1%B5&amp;page=2" in text_of(first)
    beyond = client.get(reverse("portal:search"), {"q": "测试分页", "page": "9"})
    assert beyond.status_code == 200
    assert "这一页没有内容了" in text_of(beyond)
    assert "第 2 页，共 2 页" in visible_text(second)


@pytest.mark.parametrize(
    "params",
    [
        {"page": "abc"},
        {"page": "-1"},
        {"page": "99999999999999999999999"},
        {"page_size": "100000"},
        {"audience": "alien"},
        {"topic": "../../etc"},
        {"department": "'; drop table x;--"},
        {"fully_online": "maybe", "zero_visit": "2"},
        {"q": "社" * 5000},
        {"q": "\x00\x01社保"},
        {"q": "%"},
        {"q": "_"},
    ],
)
def test_bad_query_params_never_fail(client: Client, catalogue, params):
    response = client.get(reverse("portal:search"), params)
    assert response.status_code == 200
    for url in ("/", "/topics/social-security/", f"/departments/{HRSS}/"):
        assert client.get(url, params).status_code == 200


def test_search_with_repeated_and_odd_params(client: Client, catalogue):
    response = client.get("/search/?q=社保&q=身份证&page=1&page=x&audience=&topic=")
    assert response.status_code == 200


# ---- guide ---------------------------------------------------------------------------------


def test_guide_shows_every_element(client: Client, catalogue, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        response = client.get(reverse("portal:guide", args=[SBK_CODE]))
    assert response.status_code == 200
    html = text_of(response)
    text = visible_text(response)
    assert_page_skeleton(html)
    expected = [
        # name, codes, kind, implementing body, level
        "社会保障卡申领", SBK_CODE, "000109001000", "公共服务", "浙江省人力资源和社会保障厅", "省级",
        # 业务办理项
        "首次申领", f"{SBK_CODE}01", "补领", f"{SBK_CODE}02", "补证",
        # legal bases
        "法律", "中华人民共和国社会保险法 第五十八条", "部门规章", "社会保障卡管理办法",
        # conditions
        "已在本省参加社会保险的人员", "未成年人由监护人代为申请",
        # materials with counts, requirement, condition and every source
        "居民身份证", "电子证照（免提交）", "11100000000013338W011",
        "户籍信息", "数据共享（免提交）", "公安人口基础信息库",
        "社会保障卡申领登记表", "申请人自备", "纸质原件 1 份，复印件 0 份，接受电子材料", "用黑色签字笔填写",
        "监护人身份证明", "情形必要 申请人为未成年人时提供", "纸质原件 1 份，复印件 1 份，不接受电子材料",
        "出生医学证明", "部门核发：卫生健康部门", "新生儿首次申领时提供",
        "下载空白表格", "下载示例样表",
        # process
        "在线申请", "审核制卡", "领取启用",
        # time limits
        "法定办结时限 20 个工作日（不含制卡运输时间）", "承诺办结时限 5 个工作日（即申即审）",
        # fees, visits, online depth, channels, places, scope
        "不收费", "到办事现场次数 0 次（零跑动）", "四级：全程网办",
        "网上办理（政务服务网）", "移动端办理", "窗口办理",
        "杭州市民之家社保服务窗口", "杭州市江干区解放东路18号", "周一至周五 9:00-17:00", "跨省通办",
        # phones
        "咨询电话 0571-12333", "投诉电话 0571-12345",
        # result and delivery
        "中华人民共和国社会保障卡", "证照", "窗口领取、快递送达、电子送达",
        # topics
        "社会保障",
    ]  # fmt: skip
    missing = [phrase for phrase in expected if phrase not in text]
    assert missing == []
    # the conditional material applies to 补领 only; others apply to all
    assert "全部业务办理项" in text
    assert reverse("portal:file", args=[FORM_PATH]) in html
    assert reverse("portal:file", args=[SAMPLE_PATH]) in html


def test_guide_shows_fees_and_their_basis(client: Client, catalogue):
    text = visible_text(client.get(reverse("portal:guide", args=[catalogue.id_card.code])))
    assert "居民身份证工本费" in text
    assert "20元/证" in text
    assert "发改价格〔2003〕2322号" in text
    assert "到办事现场次数 1 次" in text
    assert "三级：网上受理" in text
    assert "全国通办" in text


def test_guide_is_cached_per_version(client: Client, catalogue, django_assert_max_num_queries):
    url = reverse("portal:guide", args=[SBK_CODE])
    client.get(url)
    with django_assert_max_num_queries(1):
        again = client.get(url)
    assert "社会保障卡申领" in text_of(again)
    # a new published version replaces the cached body
    ImplementationItem.objects.filter(pk=catalogue.sbk.pk).update(status="superseded")
    make_item(
        code=SBK_CODE, name="社会保障卡申领（新版）", department=catalogue.hrss, base=catalogue.bases["sbk"], version=2,
        legal_limit_days=20,
    )  # fmt: skip
    assert "社会保障卡申领（新版）" in text_of(client.get(url))


def test_guide_from_the_read_model_is_the_guide_from_the_rows(
    client: Client, catalogue, django_assert_max_num_queries
):
    """Given guides rendered from their rows (these versions were written without `publish`, so without a
    snapshot), when each version gets the snapshot `publish` writes, then every page is the same."""
    items = [catalogue.sbk, catalogue.id_card, catalogue.company, catalogue.flex]
    urls = [reverse("portal:guide", args=[item.code]) for item in items]
    from_rows = [text_of(client.get(url)) for url in urls]
    GuideSnapshot.objects.bulk_create(GuideSnapshot(item=item, data=snapshot_of_row(item)) for item in items)
    cache.clear()
    client.get(urls[0])  # loads the topic list
    with django_assert_max_num_queries(1):
        again = text_of(client.get(urls[1]))
    assert [again, *(text_of(client.get(url)) for url in urls[2:])] == from_rows[1:]
    assert text_of(client.get(urls[0])) == from_rows[0]


def test_enterprise_guide(client: Client, catalogue):
    response = client.get(reverse("portal:guide", args=[COMPANY_CODE]))
    text = visible_text(response)
    assert response.status_code == 200
    assert "行政许可" in text
    assert "分级管理" not in text
    assert "服务对象 法人" in text
    assert "营业执照" in text
    assert "电子送达、快递送达" in text


# ---- downloads -----------------------------------------------------------------------------


def test_download_serves_a_published_materials_form(client: Client, catalogue):
    response = client.get(reverse("portal:file", args=[FORM_PATH]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"PK\x03\x04 blank form"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''" in disposition
    assert "%E7%A4%BE%E4%BC%9A%E4%BF%9D%E9%9A%9C%E5%8D%A1" in disposition  # 社会保障卡…
    assert disposition.endswith(".xlsx")
    sample = client.get(reverse("portal:file", args=[SAMPLE_PATH]))
    assert sample.status_code == 200
    assert "%E7%A4%BA%E4%BE%8B%E6%A0%B7%E8%A1%A8" in sample["Content-Disposition"]  # 示例样表


@pytest.mark.parametrize(
    "path",
    [
        ORPHAN_PATH,  # exists in storage, referenced by nothing
        DRAFT_FORM_PATH,  # referenced by a draft only
        "catalog/forms/../forms/sbk-application.xlsx",
        "../secret_key",
        "catalog/forms/%2e%2e/%2e%2e/secret_key",
        "/etc/passwd",
        "catalog/forms/missing.xlsx",
    ],
)
def test_download_refuses_files_not_referenced_by_a_published_material(client: Client, catalogue, path):
    response = client.get("/files/" + path)
    assert response.status_code == 404
    assert "文件" in text_of(response) or "页面不存在" in text_of(response)


def test_download_of_a_withdrawn_items_form_is_refused(client: Client, catalogue):
    ImplementationItem.objects.filter(pk=catalogue.sbk.pk).update(status="withdrawn")
    assert client.get(reverse("portal:file", args=[FORM_PATH])).status_code == 404


# ---- 长辈版 -------------------------------------------------------------------------------


def test_elder_mode_toggle_sets_cookie_and_redirects_back(client: Client, catalogue):
    guide_url = reverse("portal:guide", args=[SBK_CODE])
    assert '<html lang="zh-Hans" class="">' in text_of(client.get(guide_url))
    response = client.get(reverse("portal:elder_mode"), {"on": "1", "next": guide_url})
    assert response.status_code == 302
    assert response["Location"] == guide_url
    cookie = response.cookies[ELDER_COOKIE]
    assert cookie.value == "1"
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"]
    page = text_of(client.get(guide_url))
    assert '<html lang="zh-Hans" class="elder">' in page
    assert "退出长辈版" in page
    off = client.get(reverse("portal:elder_mode"), {"on": "0", "next": "/"})
    assert off["Location"] == "/"
    assert off.cookies[ELDER_COOKIE].value == ""
    assert '<html lang="zh-Hans" class="">' in text_of(client.get("/"))


def test_elder_mode_toggle_works_by_post_and_without_on(client: Client, catalogue):
    response = client.post(reverse("portal:elder_mode"), {"next": "/search/?q=%E7%A4%BE%E4%BF%9D"})
    assert response.status_code == 302
    assert response["Location"] == "/search/?q=%E7%A4%BE%E4%BF%9D"
    assert response.cookies[ELDER_COOKIE].value == "1"
    toggled_back = client.get(reverse("portal:elder_mode"))
    assert toggled_back.cookies[ELDER_COOKIE].value == ""


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)", "http:///evil"],
)
def test_elder_mode_refuses_foreign_next(client: Client, target):
    response = client.get(reverse("portal:elder_mode"), {"on": "1", "next": target})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_pages_vary_on_cookie(client: Client, catalogue):
    assert "Cookie" in client.get("/")["Vary"]
    assert "Cookie" in client.get(reverse("portal:guide", args=[SBK_CODE]))["Vary"]


# ---- error pages --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("view", "status", "title"),
    [
        ("bad_request", 400, "请求有误"),
        ("permission_denied", 403, "无权访问"),
        ("server_error", 500, "系统繁忙"),
    ],
)
def test_error_pages_are_chinese(rf, view, status, title):
    from zwfw.portal import views

    request = rf.get("/")
    response = (
        getattr(views, view)(request) if view == "server_error" else getattr(views, view)(request, None)
    )
    assert response.status_code == status
    html = text_of(response)
    assert '<html lang="zh-Hans"' in html
    assert title in html


def test_disallowed_host_gets_the_400_page(client: Client):
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "请求有误" in text_of(response)


def test_static_assets_are_local(client: Client, catalogue):
    html = text_of(client.get("/"))
    assert "/static/portal/portal.css" in html
    assert "/static/portal/emblem.svg" in html
    assert not re.search(r"""(src|href)=["'](https?:)?//""", html)


def test_download_file_name_is_sanitised(client: Client, catalogue):
    catalogue.sbk.materials.filter(blank_form=FORM_PATH).update(name='Form "A"\r\nX-Injected: 1/../b')
    response = client.get(reverse("portal:file", args=[FORM_PATH]))
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert "\r" not in disposition
    assert "\n" not in disposition
    assert "/" not in disposition.split("filename", 1)[1].replace("utf-8''", "")


def test_search_says_when_a_filter_was_ignored(client: Client, catalogue):
    response = client.get(reverse("portal:search"), {"audience": "alien", "q": "社保"})
    assert response.status_code == 200
    assert "部分筛选条件无效，已忽略" in text_of(response)
    assert "社会保障卡申领" in text_of(response)


def test_online_place_shows_its_web_address(client: Client, catalogue):
    ImplementationItem.objects.filter(pk=catalogue.company.pk).update(
        places=[{"name": "浙江政务服务网", "address": "https://www.zjzwfw.gov.cn/", "hours": "全天24小时"}]
    )
    text = visible_text(client.get(reverse("portal:guide", args=[COMPANY_CODE])))
    assert "网址： https://www.zjzwfw.gov.cn/" in text
    assert "全天24小时" in text


@pytest.mark.parametrize(
    "url",
    ["/", "/search/?q=社保", "/search/?q=无此事项", "/topics/", "/topics/social-security/", "/departments/",
     f"/departments/{HRSS}/", f"/items/{SBK_CODE}/", "/no-such-page/"],
)  # fmt: skip
def test_every_page_has_one_h1_and_labelled_controls(client: Client, catalogue, url):
    html = text_of(client.get(url))
    assert html.count("<h1") == 1
    labelled = set(re.findall(r'<label for="([^"]+)"', html))
    controls = re.findall(r"<(?:input|select|textarea)\b[^>]*>", html)
    for control in controls:
        if 'type="hidden"' in control:
            continue
        control_id = re.search(r'id="([^"]+)"', control)
        # a control is labelled by <label for=id> or by the <label> that wraps it (radio and checkbox)
        assert control_id is not None or re.search(r'type="(radio|checkbox)"', control), control
        if control_id is not None:
            assert control_id.group(1) in labelled, control
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), "duplicate ids"


def test_head_requests_are_answered(client: Client, catalogue):
    assert client.head("/").status_code == 200
    assert client.head(reverse("portal:guide", args=[SBK_CODE])).status_code == 200
    assert client.post("/").status_code == 405


@pytest.mark.parametrize("url", ["/", "/search/", "/search/?q=社保", "/topics/", "/departments/"])
def test_pages_render_with_an_empty_catalogue(client: Client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert_page_skeleton(text_of(response))


def test_immediate_item_and_paperless_material(client: Client, catalogue):
    ImplementationItem.objects.filter(pk=catalogue.flex.pk).update(
        promised_limit_days=0, handling_type="immediate"
    )
    text = visible_text(client.get(reverse("portal:guide", args=[catalogue.flex.code])))
    assert "即办（当场办结）" in text
    assert "承诺办结时限 0 个工作日（即办）" in text
    assert "即办件" in text
    sbk = visible_text(client.get(reverse("portal:guide", args=[SBK_CODE])))
    assert "无需纸质材料，接受电子材料" in sbk  # 居民身份证 comes from its e-licence


def test_a_guide_links_to_the_online_application_where_the_item_takes_one(client, catalogue):
    item = ImplementationItem.objects.get(code=SBK_CODE, status="published")
    html = text_of(client.get(reverse("portal:guide", args=[SBK_CODE])))
    if item.online_depth >= 2:
        assert f'href="{reverse("cases:apply", args=[item.pk])}"' in html
    ImplementationItem.objects.filter(pk=item.pk).update(online_depth=1)
    cache.clear()
    assert 'id="guide-apply"' not in text_of(client.get(reverse("portal:guide", args=[SBK_CODE])))
    ImplementationItem.objects.filter(pk=item.pk).update(online_depth=4)
    cache.clear()
    GuideSnapshot.objects.filter(item_id=item.pk).delete()
    assert f'href="{reverse("cases:apply", args=[item.pk])}"' in text_of(client.get(reverse("portal:guide", args=[SBK_CODE])))
