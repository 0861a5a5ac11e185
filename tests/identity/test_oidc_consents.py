"""Consents: listed and revocable by their owner only (pages and API); clients by command and admin."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from oauth2_provider.models import AccessToken, Application, RefreshToken

from tests.identity.factories import PersonFactory
from tests.identity.oidc_helpers import make_client, tokens_for
from zwfw.core.models import AuditEntry
from zwfw.identity.models import ClientProfile, Consent

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_citizens():
    alice, bob = PersonFactory(), PersonFactory()
    created = make_client("办事应用")
    alice_token = tokens_for(alice.user, created, scope="openid profile")
    tokens_for(bob.user, created, scope="openid phone")
    return alice, bob, created, alice_token


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_consents_api_lists_only_ones_own(two_citizens):
    alice, _bob, created, _ = two_citizens
    body = signed_in(alice.user).get("/api/v1/identity/consents").json()
    assert len(body) == 1
    assert body[0]["client_id"] == created.application.client_id
    assert body[0]["scopes"] == ["openid", "profile"]
    assert body[0]["scope_descriptions"][1] == "姓名和认证等级"
    assert str(Consent.objects.get(user=alice.user).public_id) == body[0]["id"]


def test_consents_api_needs_a_signed_in_caller(two_citizens):
    assert Client().get("/api/v1/identity/consents").status_code == 401


def test_one_citizen_cannot_revoke_anothers_consent(two_citizens):
    alice, bob, _, _ = two_citizens
    bobs = Consent.objects.get(user=bob.user)
    audits = AuditEntry.objects.count()
    response = signed_in(alice.user).delete(f"/api/v1/identity/consents/{bobs.public_id}")
    assert response.status_code == 404
    assert response.json()["code"] == "CONSENT_NOT_FOUND"
    bobs.refresh_from_db()
    assert bobs.revoked_at is None
    assert AccessToken.objects.filter(user=bob.user).count() == 1
    assert AuditEntry.objects.count() == audits
    # nor through the page
    response = signed_in(alice.user).post(f"/account/consents/{bobs.public_id}/revoke/")
    assert response.status_code == 404
    bobs.refresh_from_db()
    assert bobs.revoked_at is None


def test_a_malformed_consent_id_is_404(two_citizens):
    alice, _, _, _ = two_citizens
    assert signed_in(alice.user).delete("/api/v1/identity/consents/not-a-uuid").status_code == 404


def test_revoking_a_consent_revokes_the_clients_tokens_and_is_audited(two_citizens):
    alice, bob, _created, _ = two_citizens
    consent = Consent.objects.get(user=alice.user)
    response = signed_in(alice.user).delete(f"/api/v1/identity/consents/{consent.public_id}")
    assert response.status_code == 204
    consent.refresh_from_db()
    assert consent.revoked_at is not None
    assert not AccessToken.objects.filter(user=alice.user).exists()
    assert not RefreshToken.objects.filter(user=alice.user, revoked__isnull=True).exists()
    # bob's are untouched
    assert AccessToken.objects.filter(user=bob.user).count() == 1
    assert AuditEntry.objects.filter(
        action="identity.consent_revoked", object_id=str(consent.public_id)
    ).exists()
    # the next authorization asks again
    assert signed_in(alice.user).get("/api/v1/identity/consents").json() == []


def test_consents_page_lists_and_revokes(two_citizens):
    alice, _, _created, _ = two_citizens
    page = signed_in(alice.user)
    response = page.get("/account/consents/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "办事应用" in html
    assert "姓名和认证等级" in html
    consent = Consent.objects.get(user=alice.user)
    response = page.post(f"/account/consents/{consent.public_id}/revoke/")
    assert response.status_code == 302
    assert response["Location"] == "/account/consents/"
    consent.refresh_from_db()
    assert consent.revoked_at is not None


def test_oidc_client_command_create_list_delete():
    out = io.StringIO()
    call_command(
        "oidc_client",
        "create",
        "--name",
        "市民网站",
        "--redirect-uri",
        "https://rp.example/cb",
        "--redirect-uri",
        "https://rp.example/cb2",
        "--sector",
        "rp.example",
        "--post-logout-redirect-uri",
        "https://rp.example/bye",
        stdout=out,
    )
    printed = json.loads(out.getvalue())
    app = Application.objects.get(client_id=printed["client_id"])
    assert printed["client_secret"]
    assert app.client_secret != printed["client_secret"]
    assert app.algorithm == "RS256"
    assert app.authorization_grant_type == "authorization-code"
    assert printed["redirect_uris"] == ["https://rp.example/cb", "https://rp.example/cb2"]
    assert ClientProfile.objects.get(application=app).sector_identifier == "rp.example"

    public = io.StringIO()
    call_command(
        "oidc_client",
        "create",
        "--name",
        "App",
        "--redirect-uri",
        "https://app.example/cb",
        "--public",
        stdout=public,
    )
    assert json.loads(public.getvalue())["client_secret"] is None

    listed = io.StringIO()
    call_command("oidc_client", "list", stdout=listed)
    assert [c["name"] for c in json.loads(listed.getvalue())] == ["市民网站", "App"]

    call_command("oidc_client", "delete", printed["client_id"], stdout=io.StringIO())
    assert not Application.objects.filter(client_id=printed["client_id"]).exists()


@pytest.mark.parametrize(
    "args",
    [
        ["--name", "x"],  # no redirect URI for a code client
        ["--name", "x", "--redirect-uri", "rp.example/cb"],  # not absolute
        ["--name", "x", "--redirect-uri", "https://rp.example/cb#frag"],
        ["--name", "x", "--public", "--client-credentials"],
    ],
)
def test_oidc_client_command_refuses_bad_clients(args):
    with pytest.raises(CommandError):
        call_command("oidc_client", "create", *args, stdout=io.StringIO())
    assert not Application.objects.exists()


def test_admin_refuses_implicit_and_password_clients():
    from zwfw.identity.oidc.admin import ClientForm

    for grant in ("implicit", "password"):
        form = ClientForm(
            data={
                "name": "x",
                "client_id": f"id-{grant}",
                "client_secret": "s",
                "client_type": "confidential",
                "authorization_grant_type": grant,
                "redirect_uris": "https://rp.example/cb",
                "post_logout_redirect_uris": "",
                "allowed_origins": "",
                "algorithm": "RS256",
            }
        )
        assert not form.is_valid()
        assert "authorization_grant_type" in form.errors


def test_admin_shows_clients_with_their_profile():
    from django.contrib.auth import get_user_model

    admin_user = get_user_model().objects.create_superuser("root", password="x" * 12)
    created = make_client("管理后台可见")
    client = Client()
    client.force_login(admin_user)
    response = client.get("/admin/oauth2_provider/application/")
    assert response.status_code == 200
    assert "管理后台可见" in response.content.decode()
    response = client.get(f"/admin/oauth2_provider/application/{created.application.pk}/change/")
    assert response.status_code == 200
    assert "扇区标识" in response.content.decode()
