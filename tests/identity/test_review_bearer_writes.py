"""Review: an access token given to a relying party reads; it does not change the account.

Any client of the provider (a department's system the citizen signed in to with scope ``openid``)
receives an access token whose audience is this node's API. Before, that token was accepted by every
personal endpoint, writes included: the client could grant an agent authority over the citizen's
enterprise, change the e-mail, remove passkeys, end the citizen's sessions, or act for an enterprise.
Changing the account now takes the citizen's own browser session (with its CSRF token).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from tests.identity.factories import EnterpriseFactory, PersonFactory
from tests.identity.oidc_helpers import make_client, tokens_for
from zwfw.identity.models import AccountSession, AgentGrant, Consent, Passkey, Person

pytestmark = pytest.mark.django_db

API = "/api/v1/identity"


@pytest.fixture
def relying_party_token():
    """A citizen (legal representative of an enterprise) signed in to some client with ``openid``."""
    person = PersonFactory(email="me@example.cn")
    enterprise = EnterpriseFactory(legal_representative=person)
    token = tokens_for(person.user, make_client(), scope="openid")["access_token"]
    return person, enterprise, {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_a_relying_partys_token_cannot_grant_an_agent_for_the_citizens_enterprise(relying_party_token):
    _person, enterprise, bearer = relying_party_token
    accomplice = PersonFactory()
    response = Client().post(
        f"{API}/enterprises/{enterprise.public_id}/grants",
        {
            "agent_name": accomplice.name,
            "agent_document_type": accomplice.document_type,
            "agent_document_number": accomplice.document_number,
            "all_items": True,
            "item_codes": [],
            "valid_until": str(timezone.localdate() + dt.timedelta(days=30)),
        },
        content_type="application/json",
        **bearer,
    )
    assert response.status_code == 401
    assert not AgentGrant.objects.exists()


def test_a_relying_partys_token_cannot_change_or_remove_anything(relying_party_token):
    person, enterprise, bearer = relying_party_token
    passkey = Passkey.objects.create(
        user=person.user, name="手机", credential_id="Y3JlZA", public_key=b"\x01"
    )
    session = AccountSession.objects.create(
        user=person.user, session_key="k" * 32, methods=["pwd"], last_seen_at=timezone.now()
    )
    client = Client()
    answers = [
        client.patch(f"{API}/me", {"email": "rp@example.cn"}, content_type="application/json", **bearer),
        client.post(
            f"{API}/me/mobile/code", {"mobile": "13900066666"}, content_type="application/json", **bearer
        ),
        client.delete(f"{API}/passkeys/{passkey.public_id}", **bearer),
        client.delete(f"{API}/sessions/{session.public_id}", **bearer),
        client.post(
            f"{API}/enterprises",
            {"credit_code": enterprise.credit_code},
            content_type="application/json",
            **bearer,
        ),
        client.post(
            f"{API}/act-as",
            {"kind": "enterprise", "id": str(enterprise.public_id)},
            content_type="application/json",
            **bearer,
        ),
    ]
    assert [r.status_code for r in answers] == [401] * len(answers)
    assert Person.objects.get(pk=person.pk).email == "me@example.cn"
    assert Passkey.objects.filter(pk=passkey.pk).exists()
    assert AccountSession.objects.get(pk=session.pk).ended_at is None


def test_an_openid_only_token_reads_no_personal_data_but_its_own_description(relying_party_token):
    # an app the person allowed only ``openid`` learns who signed in, not the profile or grants
    _person, _enterprise, bearer = relying_party_token
    assert Client().get(f"{API}/me", **bearer).status_code == 401
    assert Client().get(f"{API}/principals", **bearer).status_code == 401
    assert Client().get(f"{API}/token-info", **bearer).status_code == 200


def test_a_profile_token_reads(relying_party_token):
    person, _enterprise, _bearer = relying_party_token
    token = tokens_for(person.user, make_client(name="资料应用"), scope="openid profile")["access_token"]
    assert Client().get(f"{API}/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200


def test_a_relying_partys_token_cannot_revoke_the_citizens_consent_to_another_client(relying_party_token):
    # given the citizen also consented to another client
    person, _enterprise, bearer = relying_party_token
    tokens_for(person.user, make_client(name="另一个应用"), scope="openid profile")
    others = Consent.objects.filter(user=person.user).order_by("-id").first()
    # when the first client's token asks to revoke that consent
    response = Client().delete(f"{API}/consents/{others.public_id}", **bearer)
    # then it is refused, and the consent stays
    assert response.status_code == 401
    assert Consent.objects.filter(pk=others.pk).exists()
