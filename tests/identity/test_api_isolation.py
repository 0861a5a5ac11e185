"""Every identity API operation, one citizen against another: nothing of A's is read or changed by B.

The table below must name every operation of /api/v1/identity/ in the OpenAPI document, so a new
endpoint cannot be added without saying how it keeps people apart (issue 3, acceptance).
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from tests.identity.factories import PASSWORD, PersonFactory
from tests.identity.oidc_helpers import make_client, tokens_for
from zwfw.identity.agents import grant_agent
from zwfw.identity.models import AccountSession, AgentGrant, Consent, DocumentType, Passkey, Person
from zwfw.portal.management.commands.export_openapi import openapi_document

pytestmark = pytest.mark.django_db
API = "/api/v1/identity"

# Operations that take no one's object and act only for the caller or a visitor.
SELF_OR_VISITOR = {
    ("post", "/register/code"),
    ("post", "/register"),
    ("post", "/login/code"),
    ("post", "/passkeys/authentication/options"),
    ("post", "/passkeys/authentication"),
    ("post", "/passkeys/registration/options"),
    ("post", "/passkeys/registration"),
    ("post", "/passkeys/step-up"),
    ("get", "/token-info"),
    ("post", "/me/mobile/code"),
}
# Reads of "mine": B's answer must not contain A's data.
OWN_READS = {
    ("get", "/me"),
    ("get", "/me/levels"),
    ("get", "/principals"),
    ("get", "/sessions"),
    ("get", "/passkeys"),
    ("get", "/consents"),
    ("get", "/enterprises"),
}
# Operations on an object named in the path or body: B aims at A's object.
ON_OBJECTS = {
    ("delete", "/consents/{consent_id}"),
    ("get", "/enterprises/{enterprise_id}/grants"),
    ("post", "/enterprises/{enterprise_id}/grants"),
    ("delete", "/enterprises/{enterprise_id}/grants/{grant_id}"),
    ("delete", "/passkeys/{passkey_id}"),
    ("delete", "/sessions/{session_id}"),
    ("post", "/act-as"),
    ("patch", "/me"),
    ("post", "/enterprises"),
}


@pytest.fixture
def world():
    """A: legal representative of an enterprise with a grant, a session, a passkey and a consent. B: another citizen."""
    a = PersonFactory(name="甲某某")
    agent = PersonFactory(name="丙某某")
    b = PersonFactory(name="乙某某")
    from tests.identity.factories import EnterpriseFactory

    enterprise = EnterpriseFactory(legal_representative=a, name="甲的公司")
    grant = grant_agent(
        actor=a,
        enterprise=enterprise,
        agent_document_type=DocumentType.RESIDENT_ID,
        agent_document_number=agent.document_number,
        agent_name=agent.name,
        all_items=True,
        valid_until=timezone.localdate() + dt.timedelta(days=30),
    )
    a_browser = Client()
    assert (
        a_browser.post(
            "/account/login/", {"action": "password", "identifier": a.mobile, "password": PASSWORD}
        ).status_code
        == 302
    )
    a_session = AccountSession.objects.get(user=a.user, ended_at__isnull=True)
    passkey = Passkey.objects.create(user=a.user, name="甲的手机", credential_id="cred-a", public_key=b"k")
    tokens_for(a.user, make_client(), scope="openid profile")
    b_browser = Client()
    assert (
        b_browser.post(
            "/account/login/", {"action": "password", "identifier": b.mobile, "password": PASSWORD}
        ).status_code
        == 302
    )
    return {
        "a": a,
        "b": b,
        "enterprise": enterprise,
        "grant": grant,
        "session": a_session,
        "passkey": passkey,
        "consent": Consent.objects.get(user=a.user),
        "b_browser": b_browser,
    }


def _state(w) -> dict:
    a = Person.objects.get(pk=w["a"].pk)
    return {
        "a_profile": (a.name, a.email, a.mobile, a.assurance_level),
        "grants": list(AgentGrant.objects.order_by("id").values_list("id", "revoked_at")),
        "session": AccountSession.objects.get(pk=w["session"].pk).ended_at,
        "passkeys": list(Passkey.objects.filter(user=w["a"].user).values_list("id", flat=True)),
        "consent": Consent.objects.get(pk=w["consent"].pk).revoked_at,
    }


def test_the_table_names_every_identity_operation():
    documented = {
        (method, path.removeprefix("/api/v1/identity"))
        for path, operations in openapi_document()["paths"].items()
        if path.startswith("/api/v1/identity/")
        for method in operations
    }
    assert documented == SELF_OR_VISITOR | OWN_READS | ON_OBJECTS


@pytest.mark.parametrize(("method", "path"), sorted(OWN_READS))
def test_own_reads_never_show_anothers_data(world, method, path):
    response = world["b_browser"].get(f"{API}{path}")
    assert response.status_code == 200
    body = response.content.decode()
    for secret in (
        "甲某某",
        "甲的公司",
        "甲的手机",
        str(world["a"].public_id),
        str(world["enterprise"].public_id),
        str(world["session"].public_id),
        str(world["passkey"].public_id),
        str(world["consent"].public_id),
        world["a"].mobile,
    ):
        assert secret not in body, f"{path} shows A's {secret}"


@pytest.mark.parametrize(("method", "path"), sorted(ON_OBJECTS))
def test_operations_on_anothers_objects_are_refused_and_change_nothing(world, method, path):
    ids = {
        "consent_id": world["consent"].public_id,
        "enterprise_id": world["enterprise"].public_id,
        "grant_id": world["grant"].public_id,
        "passkey_id": world["passkey"].public_id,
        "session_id": world["session"].public_id,
    }
    url = API + path.format(**ids)
    bodies = {
        ("post", "/enterprises/{enterprise_id}/grants"): {
            "agent_name": world["b"].name,
            "agent_document_type": "resident_id",
            "agent_document_number": world["b"].document_number,
            "all_items": True,
            "valid_until": (timezone.localdate() + dt.timedelta(days=10)).isoformat(),
        },
        ("post", "/act-as"): {"kind": "enterprise", "id": str(world["enterprise"].public_id)},
        ("patch", "/me"): {"email": "b@example.cn"},
        ("post", "/enterprises"): {
            "credit_code": world["enterprise"].credit_code,
            "name": world["enterprise"].name,
            "legal_representative_document_number": world["a"].document_number,
        },
    }
    before = _state(world)
    client = world["b_browser"]
    if method == "get":
        response = client.get(url)
    else:
        response = getattr(client, method)(
            url, data=json.dumps(bodies.get((method, path), {})), content_type="application/json"
        )
    if (method, path) == ("patch", "/me"):
        # B changes only B: A's profile is untouched
        assert response.status_code == 200
    else:
        assert response.status_code in (400, 403, 404, 409), response.content
    assert _state(world) == before
    if (method, path) == ("post", "/act-as"):
        assert client.session.get("zwfw.acting_for") in (None, {})


@pytest.mark.parametrize(("method", "path"), sorted(OWN_READS))
def test_own_reads_by_bearer_token_never_show_anothers_data(world, method, path):
    token = tokens_for(world["b"].user, make_client(name="乙的应用"), scope="openid profile")["access_token"]
    response = Client().get(f"{API}{path}", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    body = response.content.decode()
    for secret in (
        "甲某某",
        "甲的公司",
        "甲的手机",
        str(world["a"].public_id),
        str(world["session"].public_id),
    ):
        assert secret not in body
