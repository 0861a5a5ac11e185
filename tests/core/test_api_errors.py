"""The API's own errors (zwfw.core.api.install_error_handlers) in the project's shape and in Chinese."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.identity.factories import PersonFactory
from zwfw.cases.models import Case

pytestmark = pytest.mark.django_db


def test_a_signed_in_call_without_the_csrf_token_is_csrf_failed_in_chinese_and_changes_nothing():
    # Given a citizen signed in with a browser session that enforces CSRF as a real browser meets it
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(PersonFactory().user)
    # When a page of another site makes the browser post to a session-authenticated operation
    response = browser.post("/api/v1/cases/drafts", {"item_id": 1, "form_data": {}}, content_type="application/json")
    # Then it is refused in the project's error shape, in Chinese, and nothing is written
    assert response.status_code == 403
    assert response.json() == {"code": "CSRF_FAILED", "message": "页面已过期，请刷新后重试", "details": None}
    assert not Case.objects.exists()
