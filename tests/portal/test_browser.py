"""The portal in a real headless Chromium: search, open a guide, 长辈版 by keyboard; desktop and phone widths."""

from __future__ import annotations

import pytest

from tests.portal.conftest import SBK_CODE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"desktop": (1280, 800), "375": (375, 812)}


def assert_no_horizontal_overflow(page, width: int) -> None:
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{page.url} is {scroll_width}px wide at a {width}px viewport"


@pytest.fixture
def new_page(browser):
    contexts = []

    def make(width: int, height: int):
        context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.mark.parametrize("label", list(VIEWPORTS))
def test_search_then_open_the_guide(live_server, catalogue, new_page, artifacts_dir, label):
    width, height = VIEWPORTS[label]
    page = new_page(width, height)
    # given the home page
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert_no_horizontal_overflow(page, width)
    page.screenshot(path=str(artifacts_dir / f"portal-home-{label}.png"), full_page=True)

    # when 社保 is typed in the search box and submitted
    page.get_by_label("搜索办事事项").fill("社保")
    page.get_by_label("搜索办事事项").press("Enter")
    page.wait_for_url("**/search/?q=*")
    # then the 社会保障卡 item is found, with the match marked
    result = page.locator(".item-list").get_by_role("link", name="社会保障卡申领")
    assert result.is_visible()
    assert page.locator("mark", has_text="社保").count() >= 1
    assert_no_horizontal_overflow(page, width)
    page.screenshot(path=str(artifacts_dir / f"portal-search-{label}.png"), full_page=True)

    # when the result is opened
    result.click()
    page.wait_for_url(f"**/items/{SBK_CODE}/")
    # then the guide shows its materials
    assert page.get_by_role("heading", level=1).inner_text() == "社会保障卡申领"
    materials = page.locator("#materials")
    for name in ("居民身份证", "户籍信息", "社会保障卡申领登记表", "监护人身份证明", "出生医学证明"):
        assert materials.get_by_role("heading", name=name).is_visible()
    assert materials.get_by_text("电子证照（免提交）").is_visible()
    assert materials.get_by_role("link", name="下载空白表格").is_visible()
    assert_no_horizontal_overflow(page, width)
    page.screenshot(path=str(artifacts_dir / f"portal-guide-{label}.png"), full_page=True)


def test_elder_mode_by_keyboard_persists(live_server, catalogue, new_page, artifacts_dir):
    page = new_page(375, 812)
    page.goto(f"{live_server.url}/items/{SBK_CODE}/")
    assert page.locator("html").get_attribute("class") in ("", None)
    base_size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")

    # the skip link comes first and is visible when focused
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert page.locator(".skip-link").is_visible()

    # when the 长辈版 button is reached with Tab and pressed with Enter
    for _ in range(10):
        if page.evaluate("document.activeElement.id") == "elder-toggle":
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "elder-toggle"
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    page.wait_for_function("document.documentElement.classList.contains('elder')")

    # then the same page is back in 长辈版, with larger text, and it stays so after a reload
    assert page.url.endswith(f"/items/{SBK_CODE}/")
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") > base_size
    page.reload()
    assert "elder" in (page.locator("html").get_attribute("class") or "")
    assert page.get_by_role("button", name="退出长辈版").is_visible()
    assert_no_horizontal_overflow(page, 375)
    page.screenshot(path=str(artifacts_dir / "portal-guide-elder-375.png"), full_page=True)

    # and it can be switched off by keyboard too
    page.get_by_role("button", name="退出长辈版").focus()
    page.keyboard.press("Space")
    page.wait_for_function("!document.documentElement.classList.contains('elder')")
    page.reload()
    assert "elder" not in (page.locator("html").get_attribute("class") or "")


def test_error_page_at_phone_width(live_server, new_page, artifacts_dir):
    page = new_page(375, 812)
    response = page.goto(f"{live_server.url}/items/NO-SUCH-ITEM/")
    assert response is not None
    assert response.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "页面不存在"
    assert_no_horizontal_overflow(page, 375)
    page.screenshot(path=str(artifacts_dir / "portal-404-375.png"), full_page=True)
