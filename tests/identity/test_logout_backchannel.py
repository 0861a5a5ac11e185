"""Signing out on the node's own page also tells the relying parties (Back-Channel Logout 1.0)."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.identity.factories import PASSWORD, PersonFactory

pytestmark = pytest.mark.django_db


def test_portal_sign_out_notifies_the_relying_parties(monkeypatch):
    calls = []
    monkeypatch.setattr(
        "zwfw.identity.oidc.backchannel.notify_logout", lambda **kwargs: calls.append(kwargs) or 0
    )
    person = PersonFactory()
    client = Client()
    client.post("/account/login/", {"action": "password", "identifier": person.mobile, "password": PASSWORD})
    # when the person signs out on the node's own page
    response = client.post("/account/logout/")
    # then the session is gone and the relying parties are notified for this person
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert [(c["user"].pk, c["issuer"]) for c in calls] == [(person.user.pk, "http://testserver")]


def test_signing_out_when_not_signed_in_notifies_nobody(monkeypatch):
    calls = []
    monkeypatch.setattr("zwfw.identity.oidc.backchannel.notify_logout", lambda **kwargs: calls.append(kwargs))
    assert Client().post("/account/logout/").status_code == 302
    assert calls == []
