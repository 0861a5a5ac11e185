"""The code flow in-process: tokens, claims, consent, acr/step-up, idcard, pairwise subs."""

from __future__ import annotations

import json

import pytest
from oauth2_provider.models import AccessToken, Grant

from tests.identity.factories import PersonFactory
from tests.identity.oidc_helpers import (
    authorize_url,
    consent_form_data,
    exchange,
    get_code,
    make_client,
    pkce,
    query_of,
    session_cookie,
    tokens_for,
)
from zwfw.identity.models import Consent, PairwiseSubject
from zwfw.identity.oidc.tokens import unverified_claims

pytestmark = pytest.mark.django_db


def test_code_flow_issues_jwt_access_token_with_pairwise_sub_and_acr():
    # given a person at level 3 signed in with a password, and a confidential client
    person = PersonFactory()
    created = make_client()
    # when the client runs the code flow with PKCE
    token = tokens_for(person.user, created, scope="openid profile phone")
    # then the access token is an RFC 9068 JWT for this node's API, with the pairwise sub
    claims = unverified_claims(token["access_token"])
    assert claims["iss"] == "http://testserver"
    assert claims["aud"] == ["http://testserver/api/"]
    assert claims["client_id"] == created.application.client_id
    assert claims["scope"] == "openid profile phone"
    assert claims["acr"] == "3"
    assert claims["amr"] == ["pwd"]
    assert claims["exp"] - claims["iat"] == 600
    row = PairwiseSubject.objects.get(user=person.user)
    assert claims["sub"] == row.subject != str(person.user.pk)
    id_claims = unverified_claims(token["id_token"])
    assert id_claims["sub"] == claims["sub"]
    assert id_claims["acr"] == "3"
    assert id_claims["name"] == person.name
    assert id_claims["phone_number"] == f"+86{person.mobile}"
    assert "id_number" not in id_claims


def test_refresh_keeps_acr_and_subject():
    person = PersonFactory()
    created = make_client()
    first = tokens_for(person.user, created, scope="openid profile", methods=["pwd", "sms"])
    from tests.identity.oidc_helpers import refresh

    response = refresh(first["refresh_token"], created)
    assert response.status_code == 200, response.content
    second = response.json()
    old, new = unverified_claims(first["access_token"]), unverified_claims(second["access_token"])
    assert new["sub"] == old["sub"]
    assert new["acr"] == old["acr"] == "3"
    assert new["auth_time"] == old["auth_time"]
    # OIDC Core §12.2: the refresh response carries no new ID token (the first one still says how)
    assert "id_token" not in second


def test_consent_is_asked_once_per_scope_and_again_for_a_new_scope():
    person = PersonFactory()
    created = make_client()
    browser, _ = session_cookie(person.user)
    _, challenge = pkce()
    client_id = created.application.client_id
    # first time: the consent screen
    response = browser.get(authorize_url(client_id, challenge, scope="openid profile"))
    assert response.status_code == 200
    assert "同意授权" in response.content.decode()
    response = browser.post(
        authorize_url(client_id, challenge, scope="openid profile"), consent_form_data(response)
    )
    assert response.status_code == 302
    consent = Consent.objects.get(user=person.user)
    assert consent.scopes == ["openid", "profile"]
    # same scopes again: straight back to the client
    response = browser.get(authorize_url(client_id, challenge, scope="openid profile"))
    assert response.status_code == 302
    assert "code" in query_of(response["Location"])
    # a new scope: asked again, and the new scope is marked
    response = browser.get(authorize_url(client_id, challenge, scope="openid profile phone"))
    assert response.status_code == 200
    assert 'data-scope="phone"' in response.content.decode()


def test_denied_consent_returns_access_denied_and_records_nothing():
    person = PersonFactory()
    created = make_client()
    browser, _ = session_cookie(person.user)
    _, challenge = pkce()
    url = authorize_url(created.application.client_id, challenge)
    response = browser.get(url)
    response = browser.post(url, consent_form_data(response, allow=False))
    assert response.status_code == 302
    assert query_of(response["Location"])["error"] == "access_denied"
    assert not Consent.objects.exists()
    assert not Grant.objects.exists()


def test_idcard_scope_needs_level_3():
    created = make_client()
    # a level-3 account gets the full number once it consents
    strong = PersonFactory(assurance_level=3)
    token = tokens_for(strong.user, created, scope="openid idcard")
    claims = unverified_claims(token["id_token"])
    assert claims["id_number"] == strong.document_number
    assert claims["id_document_type"] == "resident_id"
    # a level-2 account is not granted the scope at all
    weak = PersonFactory(assurance_level=2)
    token = tokens_for(weak.user, created, scope="openid idcard")
    assert token["scope"] == "openid"
    assert "id_number" not in unverified_claims(token["id_token"])


def test_acr_above_session_level_redirects_to_step_up():
    # a level-4 person signed in with one factor has a session at level 3
    person = PersonFactory(assurance_level=4)
    created = make_client()
    browser, _ = session_cookie(person.user, methods=["pwd"])
    _, challenge = pkce()
    url = authorize_url(created.application.client_id, challenge, acr_values="4")
    response = browser.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/account/step-up/?next=")
    assert "acr_values%3D4" in response["Location"]
    assert not Grant.objects.exists()


def test_acr_after_step_up_is_granted_and_falls_back(settings):
    import time

    import time_machine

    from zwfw.identity import sessions

    person = PersonFactory(assurance_level=4)
    created = make_client()
    browser, _ = session_cookie(person.user, methods=["pwd"])
    session = browser.session
    session[sessions.STEP_UP] = {"level": 4, "until": time.time() + 60, "methods": ["sms"]}
    session.save()
    verifier, challenge = pkce()
    code = get_code(browser, authorize_url(created.application.client_id, challenge, acr_values="4"))
    token = exchange(code, verifier, created).json()
    assert unverified_claims(token["id_token"])["acr"] == "4"
    # after the raised level expires, the same request steps up again
    with time_machine.travel(time.time() + 120):
        response = browser.get(authorize_url(created.application.client_id, challenge, acr_values="4"))
    assert response.status_code == 302
    assert response["Location"].startswith("/account/step-up/")


def test_acr_above_account_level_is_unmet_authentication_requirements():
    person = PersonFactory(assurance_level=3)
    created = make_client()
    browser, _ = session_cookie(person.user, methods=["pwd", "otp"])
    _, challenge = pkce()
    response = browser.get(authorize_url(created.application.client_id, challenge, acr_values="5"))
    assert response.status_code == 302
    query = query_of(response["Location"])
    assert response["Location"].startswith("https://rp.example/cb?")
    assert query["error"] == "unmet_authentication_requirements"
    assert not Grant.objects.exists()


def test_pairwise_sub_differs_between_sectors_and_matches_within_one():
    person = PersonFactory()
    a1 = make_client("甲一", redirect_uris=["https://a.example/cb"])
    a2 = make_client("甲二", redirect_uris=["https://a2.example/cb"], sector="a.example")
    b = make_client("乙", redirect_uris=["https://b.example/cb"])

    def sub_for(created):
        browser, _ = session_cookie(person.user)
        verifier, challenge = pkce()
        uri = created.application.redirect_uris.split()[0]
        code = get_code(browser, authorize_url(created.application.client_id, challenge, redirect_uri=uri))
        response = exchange(code, verifier, created, redirect_uri=uri)
        return unverified_claims(response.json()["id_token"])["sub"]

    assert sub_for(a1) == sub_for(a2)
    assert sub_for(a1) != sub_for(b)


def test_entity_scope_carries_the_enterprise_acted_for():
    from tests.identity.factories import EnterpriseFactory
    from zwfw.identity import sessions

    enterprise = EnterpriseFactory()
    representative = enterprise.legal_representative
    created = make_client()
    browser, _ = session_cookie(representative.user, methods=["pwd"])
    session = browser.session
    session[sessions.ACTING_FOR] = {
        "kind": "enterprise",
        "public_id": str(enterprise.public_id),
        "name": enterprise.name,
    }
    session.save()
    verifier, challenge = pkce()
    code = get_code(browser, authorize_url(created.application.client_id, challenge, scope="openid entity"))
    token = exchange(code, verifier, created).json()
    entity = unverified_claims(token["id_token"])["entity"]
    assert entity["credit_code"] == enterprise.credit_code
    assert entity["role"] == "legal_representative"
    assert entity["all_items"] is True
    # userinfo gives the same claims
    from django.test import Client

    info = Client().get("/oauth/userinfo/", HTTP_AUTHORIZATION=f"Bearer {token['access_token']}")
    assert info.status_code == 200, info.content
    assert json.loads(info.content)["entity"]["credit_code"] == enterprise.credit_code


def test_client_credentials_token_has_client_as_subject():
    from django.test import Client

    created = make_client("系统", redirect_uris=[], client_credentials=True)
    response = Client().post(
        "/oauth/token/",
        {
            "grant_type": "client_credentials",
            "client_id": created.application.client_id,
            "client_secret": created.client_secret,
        },
    )
    assert response.status_code == 200, response.content
    claims = unverified_claims(response.json()["access_token"])
    assert claims["sub"] == created.application.client_id
    assert "acr" not in claims
    assert AccessToken.objects.filter(user__isnull=True).count() == 1


def test_prompt_none_without_a_session_is_login_required():
    from django.test import Client

    created = make_client()
    _, challenge = pkce()
    response = Client().get(authorize_url(created.application.client_id, challenge, prompt="none"))
    assert response.status_code == 302
    assert query_of(response["Location"])["error"] == "login_required"


def test_prompt_none_without_consent_is_consent_required():
    person = PersonFactory()
    created = make_client()
    browser, _ = session_cookie(person.user)
    _, challenge = pkce()
    response = browser.get(authorize_url(created.application.client_id, challenge, prompt="none"))
    assert response.status_code == 302
    assert query_of(response["Location"])["error"] == "consent_required"
    assert not Consent.objects.exists()


def test_entity_scope_for_an_agent_lists_the_granted_items():
    import datetime as dt

    from django.utils import timezone

    from tests.identity.factories import EnterpriseFactory
    from zwfw.identity import sessions
    from zwfw.identity.models import AgentGrant

    enterprise = EnterpriseFactory()
    agent = PersonFactory()
    until = timezone.now() + dt.timedelta(days=30)
    AgentGrant.objects.create(
        enterprise=enterprise,
        agent=agent,
        item_codes=["11330100MB0000001"],
        valid_until=until,
        granted_by=enterprise.legal_representative,
    )
    created = make_client()
    browser, _ = session_cookie(agent.user)
    session = browser.session
    session[sessions.ACTING_FOR] = {"kind": "enterprise", "public_id": str(enterprise.public_id), "name": "x"}
    session.save()
    verifier, challenge = pkce()
    code = get_code(browser, authorize_url(created.application.client_id, challenge, scope="openid entity"))
    entity = unverified_claims(exchange(code, verifier, created).json()["id_token"])["entity"]
    assert entity["role"] == "agent"
    assert entity["all_items"] is False
    assert entity["item_codes"] == ["11330100MB0000001"]
    assert entity["valid_until"] == int(until.timestamp())


def test_public_client_uses_pkce_without_a_secret():
    person = PersonFactory()
    created = make_client("手机应用", public=True)
    assert created.client_secret is None
    token = tokens_for(person.user, created, scope="openid")
    assert unverified_claims(token["access_token"])["client_id"] == created.application.client_id


def test_a_consent_post_with_a_tampered_redirect_uri_never_redirects_there():
    person = PersonFactory()
    created = make_client()
    browser, _ = session_cookie(person.user)
    _, challenge = pkce()
    url = authorize_url(created.application.client_id, challenge)
    data = consent_form_data(browser.get(url))
    data["redirect_uri"] = "https://evil.example/cb"
    data["code_challenge_method"] = "plain"
    response = browser.post(url, data)
    assert response.status_code == 400
    assert not Consent.objects.exists()
    assert not Grant.objects.exists()


@pytest.mark.parametrize(
    "hint", ["garbage", "e30.e30.", "eyJhbGciOiJSUzI1NiJ9.bm90LWpzb24.c2ln", "a.b.c.d.e"]
)
def test_logout_with_a_malformed_id_token_hint_is_a_4xx(hint):
    from django.test import Client

    response = Client().get("/oauth/logout/", {"id_token_hint": hint})
    assert 400 <= response.status_code < 500


def test_garbage_to_the_endpoints_is_never_a_500():
    from django.test import Client

    person = PersonFactory()
    browser, _ = session_cookie(person.user)
    assert browser.get("/oauth/authorize/").status_code == 400
    assert browser.get("/oauth/authorize/?client_id=nope&response_type=code").status_code == 400
    assert Client().post("/oauth/token/", {"grant_type": "authorization_code", "code": "x"}).status_code in (
        400,
        401,
    )
    assert Client().get("/oauth/userinfo/", HTTP_AUTHORIZATION="Bearer x.y.z").status_code == 401
    assert Client().get("/api/v1/identity/token-info", HTTP_AUTHORIZATION="Bearer \u00e9").status_code == 401


def test_metadata_documents_state_only_the_allowed_grants():
    from django.test import Client

    for path in ("/.well-known/openid-configuration", "/.well-known/oauth-authorization-server"):
        data = Client().get(path).json()
        assert data["issuer"] == "http://testserver"
        assert data["code_challenge_methods_supported"] == ["S256"]
        assert set(data["grant_types_supported"]) == {
            "authorization_code",
            "refresh_token",
            "client_credentials",
        }
        assert "device_authorization_endpoint" not in data


@pytest.mark.parametrize("extra", [{"prompt": "login"}, {"max_age": "300"}])
def test_prompt_login_and_an_expired_max_age_make_the_person_sign_in_again(extra):
    import time

    from zwfw.identity import sessions
    from zwfw.identity.models import AccountSession

    person = PersonFactory()
    created = make_client()
    browser, _ = session_cookie(person.user)
    session = browser.session
    session[sessions.AUTH_TIME] = int(time.time()) - 1000
    session.save()
    _, challenge = pkce()
    response = browser.get(authorize_url(created.application.client_id, challenge, **extra))
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/?next=")
    assert "prompt" not in response["Location"]
    assert AccountSession.objects.get(user=person.user).end_reason == "reauthenticate"
    assert not Grant.objects.exists()


def test_a_fresh_sign_in_satisfies_max_age():
    person = PersonFactory()
    created = make_client()
    browser, _ = session_cookie(person.user)
    verifier, challenge = pkce()
    code = get_code(browser, authorize_url(created.application.client_id, challenge, max_age="300"))
    assert exchange(code, verifier, created).status_code == 200
