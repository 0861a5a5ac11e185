"""Review: an SMS code proves the phone is at hand only if the code is readable nowhere else.

The portal's inbox (消息中心) shows an account's copies of its messages. A code copied there could be
read by whoever holds a password-only session, who would then pass the "second factor" of step-up
(and raise the session to a level 4 account's level) or prove a new mobile they do not hold.
"""

from __future__ import annotations

import re
import time

import pytest

from tests.identity.factories import PASSWORD, PersonFactory
from zwfw.identity import sessions
from zwfw.identity.models import AssuranceLevel, Person
from zwfw.notifications.selectors import inbox_of, messages_to

pytestmark = pytest.mark.django_db

CODE = re.compile(r"验证码为(\d{6})")


def _level(client, user) -> int:
    session = client.session
    return sessions.level_of(user, session[sessions.AMR], session.get(sessions.STEP_UP), time.time())


def test_a_step_up_code_is_not_readable_in_the_inbox_of_a_password_only_session(client):
    # given a level-4 person signed in with a password only (session capped at level 3)
    person = PersonFactory(assurance_level=AssuranceLevel.REAL_PERSON)
    client.post("/account/login/", {"action": "password", "identifier": person.mobile, "password": PASSWORD})
    assert _level(client, person.user) == 3
    # when the session asks for a step-up SMS code
    client.post("/account/step-up/", {"action": "sms_send"})
    # then the code went to the phone (the SMS is recorded) ...
    assert CODE.search(messages_to(channel="sms", address=person.mobile)[0].body)
    # ... but the account's inbox does not show it, so the session cannot step itself up
    page = client.get("/inbox/").content.decode()
    assert not CODE.search(page)
    assert not inbox_of(person.user).exists()
    assert _level(client, person.user) == 3


def test_a_new_mobile_code_is_not_readable_in_the_inbox(client):
    # given a signed-in person
    person = PersonFactory()
    client.force_login(person.user)
    # when they ask for a code to a number they do not hold
    response = client.post(
        "/api/v1/identity/me/mobile/code", {"mobile": "13900012345"}, content_type="application/json"
    )
    assert response.status_code == 200
    # then the code is not in their inbox, and the number cannot be set without it
    assert not CODE.search(client.get("/inbox/").content.decode())
    response = client.patch(
        "/api/v1/identity/me", {"mobile": "13900012345", "code": "000000"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert Person.objects.get(pk=person.pk).mobile == person.mobile
