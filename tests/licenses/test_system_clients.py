"""Department systems call the department operations of the licence API with an OAuth 2.0
client-credentials token (RFC 6749 §4.4) of a system client that acts as a staff service account of the
department: ``zwfw manage oidc_client create --client-credentials --acts-as USERNAME``.

The token comes from the node's real token endpoint and is checked as every access token is (signature,
expiry, issuer, audience, revocation); the calls run as the service account, so its department and roles
decide what they may do, exactly as for the member of staff signed in to the workbench.
"""

from __future__ import annotations

import base64
import datetime as dt
import json

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from tests.identity.factories import PersonFactory
from tests.identity.oidc_helpers import make_client
from tests.licenses.wallet_helpers import issue_degree, license_type
from tests.seals.conftest import member
from zwfw.core.models import AuditEntry
from zwfw.identity.models import ClientProfile, StaffRole
from zwfw.identity.oidc import clients
from zwfw.licenses.models import License, LicenseStatus, LicenseUse
from zwfw.licenses.services import authorise_use

pytestmark = pytest.mark.django_db

API = "/api/v1/licenses"


def token_for(created: clients.CreatedClient) -> str:
    """What a department system does: client credentials at the token endpoint, HTTP Basic (RFC 6749 §2.3.1)."""
    basic = base64.b64encode(f"{created.application.client_id}:{created.client_secret}".encode()).decode()
    response = Client().post(
        "/oauth/token/", {"grant_type": "client_credentials"}, HTTP_AUTHORIZATION=f"Basic {basic}"
    )
    assert response.status_code == 200, response.content
    return response.json()["access_token"]


def post(token: str, path: str, body: dict) -> object:
    # a plain HTTP client of another system: no cookie, no CSRF token
    return Client(enforce_csrf_checks=True).post(
        f"{API}{path}", data=json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )


def issue_body(holder, key: str = "sys-1", **extra) -> dict:
    return {
        "type_code": license_type("居住证").code, "holder_document_type": "resident_id",
        "holder_document_number": holder.document_number,
        "surface": {"issue_date": "2026-12-01", "address": "杭州市上城区"}, "idempotency_key": key,
    } | extra


@pytest.fixture
def service_account(seal, people, department):
    """The department's system account: an approver of the department, signing in nowhere."""
    return member(StaffRole.APPROVER, department=department, name="市场监管业务系统").user


@pytest.fixture
def system(service_account):
    return make_client("市场监管审批系统", redirect_uris=[], client_credentials=True, acts_as=service_account.username)


def test_a_department_system_issues_with_its_token_and_a_replay_returns_the_same_licence(system, service_account, department):
    holder = PersonFactory(name="王芳")
    token = token_for(system)
    # When the department's system issues a licence with its own token and an idempotency key
    first = post(token, "/issue", issue_body(holder))
    # Then it is issued by the department, as its service account, without any browser session
    assert first.status_code == 201, first.content
    license = License.objects.get(identifier=first.json()["identifier"])
    assert (license.holder_person, license.issuer) == (holder, department)
    assert AuditEntry.objects.filter(
        action="licenses.issue", object_id=str(license.pk), actor=f"staff:{service_account.staff.public_id}"
    ).exists()
    # and a replay (a retry after a lost answer) returns the same licence, no second one
    replay = post(token, "/issue", issue_body(holder))
    assert (replay.status_code, replay.json()["identifier"]) == (200, license.identifier)
    assert License.objects.filter(holder_person=holder).count() == 1


def test_a_department_system_fetches_a_licence_the_holder_authorised_and_the_use_is_recorded(
    people, department, other_department, seal
):
    alice = PersonFactory(name="张晓明")
    degree = issue_degree(people, department, alice)
    authorise_use(person=alice, license=degree, department=other_department, purpose="办理人才落户",
                  valid_until=timezone.now() + dt.timedelta(days=7))
    account = member(StaffRole.APPROVER, department=other_department).user
    system = make_client("人社业务系统", redirect_uris=[], client_credentials=True, acts_as=account.username)
    response = post(token_for(system), "/fetch", {"identifier": degree.identifier, "purpose": "办理人才落户"})
    assert response.status_code == 200, response.content
    assert response.json()["identifier"] == degree.identifier
    assert LicenseUse.objects.filter(license=degree, department=other_department).count() == 1


def test_the_account_decides_what_the_system_may_do(people, department, seal):
    # a system acting as a window clerk (who may not issue) is refused as the clerk would be
    clerk = member(StaffRole.WINDOW_CLERK, department=department).user
    system = make_client("窗口系统", redirect_uris=[], client_credentials=True, acts_as=clerk.username)
    response = post(token_for(system), "/issue", issue_body(PersonFactory()))
    assert (response.status_code, response.json()["code"]) == (403, "LICENSE_ISSUER_FORBIDDEN")
    assert not License.objects.exists()


@pytest.mark.parametrize(
    "case",
    ["no account", "account left", "account moved", "grant type changed", "client deleted", "malformed", "garbage"],
)
def test_a_token_that_acts_as_no_active_staff_account_gets_401_and_changes_nothing(
    case, system, service_account, other_department
):
    holder = PersonFactory()
    if case == "no account":
        token = token_for(make_client("未绑定账号的系统", redirect_uris=[], client_credentials=True))
    elif case == "account left":
        token = token_for(system)
        service_account.staff.is_active = False
        service_account.staff.save()
    elif case == "account moved":
        # the service account is moved to another department: its old system must not follow it there
        token = token_for(system)
        service_account.staff.department = other_department
        service_account.staff.save()
    elif case == "grant type changed":
        token = token_for(system)
        system.application.authorization_grant_type = "authorization-code"
        system.application.save()
    elif case == "client deleted":
        token = token_for(system)
        clients.delete_client(client_id=system.application.client_id)
    elif case == "malformed":
        token = "x.y.z"
    else:
        token = "not-a-token"
    response = post(token, "/issue", issue_body(holder))
    assert response.status_code == 401, response.content
    assert set(response.json()) == {"code", "message", "details"}
    assert not License.objects.exists()


def test_a_system_token_does_not_open_the_holders_wallet(system):
    response = Client().get(f"{API}/wallet", HTTP_AUTHORIZATION=f"Bearer {token_for(system)}")
    assert response.status_code == 401


def test_a_system_whose_http_client_keeps_an_anonymous_session_cookie_still_gets_in(system):
    # Given a system's HTTP client that once fetched a page and kept the anonymous visitor's session cookie
    client = Client(enforce_csrf_checks=True)
    session = client.session
    session["visited"] = True
    session.save()
    client.cookies["sessionid"] = session.session_key
    # When it calls with its token and that cookie, without any CSRF token
    response = client.get(f"{API}/issued", HTTP_AUTHORIZATION=f"Bearer {token_for(system)}")
    post_response = client.post(
        f"{API}/issue", data=json.dumps(issue_body(PersonFactory(), key="sys-cookie")),
        content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token_for(system)}",
    )
    # Then the token lets it in: the cookie signs nobody in, so there is nothing to protect from CSRF
    assert response.status_code == 200, response.content
    assert post_response.status_code == 201, post_response.content


def test_a_browser_session_still_needs_the_csrf_token(people, seal):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(people["approver"].user)
    response = browser.post(f"{API}/issue", data=json.dumps(issue_body(PersonFactory())), content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (403, "CSRF_FAILED")
    assert not License.objects.exists()


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"client_credentials": False, "redirect_uris": ["https://app.example.cn/cb"]}, "ACTS_AS_NEEDS_SYSTEM_CLIENT"),
        ({"client_credentials": True, "redirect_uris": [], "acts_as": "nobody"}, "ACTS_AS_NOT_FOUND"),
        # a NUL names no account (on PostgreSQL the look-up itself was a DataError)
        ({"client_credentials": True, "redirect_uris": [], "acts_as": "svc\x00"}, "ACTS_AS_NOT_FOUND"),
        ({"client_credentials": True, "redirect_uris": [], "acts_as": "citizen"}, "ACTS_AS_NOT_STAFF"),
        # a platform account belongs to no department
        ({"client_credentials": True, "redirect_uris": [], "acts_as": "platform admin"}, "ACTS_AS_NOT_STAFF"),
        ({"client_credentials": True, "redirect_uris": [], "acts_as": "supervisor"}, "ACTS_AS_PLATFORM_ROLE"),
    ],
)
def test_a_system_client_acts_only_as_an_active_staff_account_of_a_department(kwargs, code, service_account, department):
    accounts = {
        "citizen": PersonFactory().user,
        "platform admin": member(StaffRole.PLATFORM_ADMIN, department=None, region_code="330000").user,
        "supervisor": member(StaffRole.APPROVER, StaffRole.SUPERVISOR, department=department).user,
    }
    arguments = {"acts_as": service_account.username, **kwargs}
    if arguments["acts_as"] in accounts:
        arguments["acts_as"] = accounts[arguments["acts_as"]].username
    with pytest.raises(clients.ClientError) as refused:
        clients.create_client(name="部门系统", **arguments)
    assert refused.value.code == code
    assert not ClientProfile.objects.exists()


def test_the_command_registers_a_department_system(service_account, capsys):
    call_command(
        "oidc_client", "create", "--name", "不动产登记系统", "--client-credentials", "--acts-as", service_account.username
    )
    created = json.loads(capsys.readouterr().out)
    assert created["acts_as"] == service_account.username
    assert created["acts_for_department"] == service_account.staff.department_id
    assert created["is_system"] is True
    assert created["client_secret"]
    with pytest.raises(CommandError, match="ACTS_AS_NOT_FOUND"):
        call_command("oidc_client", "create", "--name", "x", "--client-credentials", "--acts-as", "nobody")


def test_a_system_revokes_a_licence_of_its_department_and_the_change_is_audited_as_its_account(system, service_account):
    token = token_for(system)
    identifier = post(token, "/issue", issue_body(PersonFactory(), key="sys-2")).json()["identifier"]
    response = post(token, f"/{identifier}/status", {"action": "revoke", "reason": "以欺骗手段取得"})
    assert response.status_code == 200, response.content
    license = License.objects.get(identifier=identifier)
    assert license.status == LicenseStatus.REVOKED
    assert AuditEntry.objects.filter(
        action="licenses.revoke", object_id=str(license.pk), actor=f"staff:{service_account.staff.public_id}"
    ).exists()


@pytest.mark.parametrize(
    ("is_system", "who", "error"),
    [
        (True, "service", None),
        (False, "service", "只有系统客户端"),
        (True, "citizen", "在岗的部门工作人员账号"),
    ],
)
def test_the_admin_sets_the_account_of_a_system_client_only_to_an_active_staff_account(is_system, who, error, service_account):
    from zwfw.identity.oidc.admin import ClientProfileForm

    account = service_account if who == "service" else PersonFactory().user
    form = ClientProfileForm(
        data={"sector_identifier": "bdc", "subject_type": "pairwise", "is_system": is_system, "acts_as": account.pk}
    )
    if error is None:
        assert form.is_valid(), form.errors
        profile = form.save(commit=False)
        assert profile.acts_for_department_id == service_account.staff.department_id
    else:
        assert not form.is_valid()
        assert error in str(form.errors["acts_as"])


def _admin_post(browser: Client, created: clients.CreatedClient, *, name: str, acts_as, backchannel: str = "") -> object:
    """The client's change form in Django admin, as a platform admin submits it."""
    application, profile = created.application, created.application.zwfw_profile
    application.refresh_from_db()  # the stored (hashed) secret: what the form shows and sends back
    return browser.post(f"/admin/oauth2_provider/application/{application.pk}/change/", {
        "name": name, "client_id": application.client_id, "client_secret": application.client_secret,
        "client_type": application.client_type, "authorization_grant_type": application.authorization_grant_type,
        "redirect_uris": "", "post_logout_redirect_uris": "", "allowed_origins": "", "algorithm": "RS256",
        "user": "",
        "zwfw_profile-TOTAL_FORMS": "1", "zwfw_profile-INITIAL_FORMS": "1",
        "zwfw_profile-MIN_NUM_FORMS": "0", "zwfw_profile-MAX_NUM_FORMS": "1",
        "zwfw_profile-0-id": str(profile.pk), "zwfw_profile-0-application": str(application.pk),
        "zwfw_profile-0-sector_identifier": profile.sector_identifier, "zwfw_profile-0-subject_type": "pairwise",
        "zwfw_profile-0-is_system": "on", "zwfw_profile-0-acts_as": str(acts_as.pk) if acts_as else "",
        "zwfw_profile-0-backchannel_logout_uri": backchannel,
    })


@pytest.fixture
def platform_admin_browser() -> Client:
    admin_user = member(StaffRole.PLATFORM_ADMIN, department=None, region_code="330000").user
    admin_user.is_superuser = True
    admin_user.save()
    browser = Client()
    browser.force_login(admin_user)
    return browser


def test_changing_whom_a_client_acts_as_in_the_admin_is_audited(service_account, department, platform_admin_browser):
    # Given a system client acting as nobody yet
    created = make_client("档案系统", redirect_uris=[], client_credentials=True)
    # When a platform admin sets the account it acts as
    response = _admin_post(platform_admin_browser, created, name="档案系统", acts_as=service_account)
    # Then it is saved with the account's department, and the change is in the audit chain
    assert response.status_code == 302, response.content.decode()[:3000]
    profile = created.application.zwfw_profile
    profile.refresh_from_db()
    assert (profile.acts_as, profile.acts_for_department_id) == (service_account, department.pk)
    entry = AuditEntry.objects.get(action="identity.oidc_client_acts_as", object_id=created.application.client_id)
    assert entry.actor == f"user:{platform_admin_browser.session['_auth_user_id']}"


def test_editing_a_client_in_the_admin_does_not_follow_a_moved_account(
    system, service_account, department, other_department, platform_admin_browser
):
    # Given the system's account moved to another department (the client stopped)
    service_account.staff.department = other_department
    service_account.staff.save()
    # When an admin edits the client and its settings, leaving the account as it is
    response = _admin_post(
        platform_admin_browser, system, name="市场监管审批系统（新）", acts_as=service_account,
        backchannel="https://sp.example.cn/backchannel",
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    # Then the client still acts only for the department it was registered with, and stays stopped
    profile = system.application.zwfw_profile
    profile.refresh_from_db()
    assert profile.backchannel_logout_uri == "https://sp.example.cn/backchannel"  # the edit was saved
    assert profile.acts_for_department_id == department.pk
    response = post(token_for(system), "/issue", issue_body(PersonFactory()))
    assert response.status_code == 401
    assert not AuditEntry.objects.filter(action="identity.oidc_client_acts_as").exists()
