"""Review: the audit log of a sign-in through the hub names the session by its public id, never its key.

The key is the session cookie's value: written to the audit log (readable by the audit administrator and
kept for years), it let whoever reads the log take over the citizen's live session.
"""

from __future__ import annotations

import pytest
from django.test import Client

from tests.identity.test_hub import _sign_in_through, fake_hub  # noqa: F401  (fixture)
from zwfw.core.models import AuditEntry
from zwfw.identity.models import AccountSession

pytestmark = pytest.mark.django_db


def _entries_text() -> str:
    return "\n".join(f"{e.object_id} {e.details}" for e in AuditEntry.objects.all())


def test_the_hub_sign_in_audit_does_not_hold_the_live_session_key(client, fake_hub):  # noqa: F811
    # when a person signs in through the hub
    _sign_in_through(client, fake_hub)
    key = client.session.session_key
    assert key
    # then the audit entry names the session by its public id, and the key appears nowhere in the log
    entry = AuditEntry.objects.get(action="identity.hub_sign_in")
    assert entry.object_id == str(AccountSession.objects.get(session_key=key).public_id)
    assert key not in _entries_text()


def test_the_backchannel_logout_audit_names_the_session_by_its_public_id(client, fake_hub):  # noqa: F811
    _sign_in_through(client, fake_hub)
    row = AccountSession.objects.get(session_key=client.session.session_key)
    response = Client().post("/account/hub/backchannel-logout/", {"logout_token": fake_hub.logout_token()})
    assert response.status_code == 200
    entry = AuditEntry.objects.filter(action="identity.sign_out").get()
    assert entry.object_id == str(row.public_id)
    assert row.session_key not in _entries_text()
