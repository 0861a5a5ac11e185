"""The error page every module's views answer with (zwfw.core.pages)."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from zwfw.core.errors import Conflict, NotFound, PermissionDenied
from zwfw.core.pages import error_page, status_page

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("error", "heading"),
    [
        (NotFound("CASE_NOT_FOUND", "未找到该办件"), "页面不存在"),
        (PermissionDenied("CASE_FORBIDDEN", "无权查看该办件"), "无权访问"),
        (Conflict("CASE_STATE", "办件当前状态不能执行此操作"), "请求有误"),
    ],
)
def test_a_domain_error_shows_its_status_and_its_chinese_message_on_the_portal_page(error, heading):
    # Given a page request that a rule refused
    request = RequestFactory().get("/cases/mine/")
    # When the view answers with the error page
    response = error_page(request, error)
    # Then the status is the error's, the page is the portal's for it, and the message is shown
    assert response.status_code == error.status
    text = response.content.decode()
    assert heading in text
    assert error.message in text


def test_a_status_without_a_message_shows_the_page_alone():
    response = status_page(RequestFactory().get("/x/"), 404)
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()
