"""Signing in again on a signed-in browser: a new session key, the old session's record ended, no error."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.identity.factories import PASSWORD, PersonFactory
from zwfw.identity.models import AccountSession

pytestmark = pytest.mark.django_db


def test_signing_in_twice_as_the_same_person_rotates_the_session():
    person = PersonFactory()
    client = Client()
    form = {"action": "password", "identifier": person.mobile, "password": PASSWORD}
    assert client.post("/account/login/", form).status_code == 302
    first_key = client.session.session_key
    # when the same person signs in again in the same browser
    response = client.post("/account/login/", form)
    # then it succeeds with a fresh session key and the first session's record is closed
    assert response.status_code == 302
    assert client.session.session_key != first_key
    first, second = AccountSession.objects.order_by("id")
    assert (first.session_key, first.end_reason) == (first_key, "replaced")
    assert first.ended_at is not None
    assert (second.session_key, second.ended_at) == (client.session.session_key, None)
