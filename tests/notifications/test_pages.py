"""The portal's message centre and the demo-only SMS page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.identity.factories import UserFactory
from zwfw.notifications.models import Message
from zwfw.notifications.services import send_message

pytestmark = pytest.mark.django_db


def test_the_inbox_needs_a_sign_in(client):
    response = client.get(reverse("portal:inbox"))
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")


def test_the_inbox_lists_own_messages_and_marks_them_read(client):
    alice, bob = UserFactory(), UserFactory()
    send_message(channel="inbox", purpose="notice", body="您的办件已受理", to_user=alice)
    send_message(channel="inbox", purpose="notice", body="别人的消息", to_user=bob)
    client.force_login(alice)
    page = client.get(reverse("portal:inbox")).content.decode()
    assert "您的办件已受理" in page
    assert "别人的消息" not in page
    assert "未读" in page
    response = client.post(reverse("portal:inbox"))
    assert response.status_code == 302
    assert Message.objects.get(recipient_user=alice).read_at is not None
    assert Message.objects.get(recipient_user=bob).read_at is None


def test_an_empty_inbox_says_so(client):
    client.force_login(UserFactory())
    assert "暂无消息" in client.get(reverse("portal:inbox")).content.decode()


def test_demo_sms_page_shows_codes_only_in_demo(client, settings):
    send_message(channel="sms", purpose="register_code", body="注册验证码 112233", to_address="13912345678")
    page = client.get(reverse("portal:demo_messages"), {"to": "13912345678"}).content.decode()
    assert "注册验证码 112233" in page
    assert "手机号码应为11位" in client.get(reverse("portal:demo_messages"), {"to": "abc"}).content.decode()
    settings.DEMO = False
    assert client.get(reverse("portal:demo_messages"), {"to": "13912345678"}).status_code == 404


def test_demo_sms_page_tells_a_notice_not_yet_sent_from_one_sent(client):
    from tests.notifications.helpers import run_queued_jobs
    from zwfw.notifications.services import queue_message

    queue_message(channel="sms", purpose="case", body="【政务服务】已受理", to_address="13912345678")
    page = client.get(reverse("portal:demo_messages"), {"to": "13912345678"}).content.decode()
    assert "已受理" in page
    assert "（待发送）" in page
    run_queued_jobs()
    page = client.get(reverse("portal:demo_messages"), {"to": "13912345678"}).content.decode()
    assert "已受理" in page
    assert "（待发送）" not in page
