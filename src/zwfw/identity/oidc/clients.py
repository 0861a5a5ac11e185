"""OpenID Connect clients (relying parties and system clients): create, list, delete.

A client is django-oauth-toolkit's ``Application`` plus zwfw's ``ClientProfile`` (sector of the
pairwise ``sub``, system flag). Only two kinds exist (RFC 9700 §2.1.2, §2.4: no implicit, no
password grant): an authorization-code client (a relying party; public clients must use PKCE,
which every client must anyway) and a confidential client-credentials client (a system).
DOT hashes the secret when the row is saved, so ``create_client`` returns the plaintext once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.contrib.auth import get_user_model
from django.db import transaction
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import AbstractApplication, get_application_model
from oauth2_provider.settings import oauth2_settings

from zwfw.core import audit
from zwfw.core.errors import NotFound, ValidationFailed
from zwfw.core.lookups import lookup_key
from zwfw.identity.models import ClientProfile, SubjectType
from zwfw.identity.oidc.claims import default_sector
from zwfw.identity.staff import PLATFORM_ONLY_ROLES, roles_of, staff_of

ALLOWED_GRANT_TYPES = (
    AbstractApplication.GRANT_AUTHORIZATION_CODE,
    AbstractApplication.GRANT_CLIENT_CREDENTIALS,
)


class ClientError(ValidationFailed):
    """A client definition broke a rule."""


@dataclass(frozen=True)
class CreatedClient:
    application: Any
    client_secret: str | None  # plaintext, only for confidential clients, only now

    def as_dict(self) -> dict[str, Any]:
        return {**describe(self.application), "client_secret": self.client_secret}


def check_redirect_uri(uri: str, *, field: str = "redirect_uri") -> str:
    """Absolute, allowed scheme, no fragment (RFC 6749 §3.1.2); exact match is DOT's job later."""
    parts = urlsplit(uri)
    if parts.scheme not in oauth2_settings.ALLOWED_REDIRECT_URI_SCHEMES or not parts.hostname:
        raise ClientError(
            "INVALID_REDIRECT_URI",
            "回调地址必须是完整的网址（生产环境须为 https）",
            details=[{"field": field, "reason": uri}],
        )
    if parts.fragment:
        raise ClientError(
            "INVALID_REDIRECT_URI", "回调地址不能包含 # 片段", details=[{"field": field, "reason": uri}]
        )
    return uri


def check_grant_type(grant_type: str) -> None:
    if grant_type not in ALLOWED_GRANT_TYPES:
        raise ClientError(
            "GRANT_TYPE_NOT_ALLOWED",
            "只允许授权码模式或客户端凭证模式（不支持隐式模式和密码模式）",
            details=[{"field": "authorization_grant_type", "reason": grant_type}],
        )


def describe(application: Any) -> dict[str, Any]:
    profile = getattr(application, "zwfw_profile", None)
    return {
        "client_id": application.client_id,
        "name": application.name,
        "client_type": application.client_type,
        "grant_type": application.authorization_grant_type,
        "redirect_uris": application.redirect_uris.split(),
        "post_logout_redirect_uris": application.post_logout_redirect_uris.split(),
        "sector_identifier": profile.sector_identifier if profile else "",
        "subject_type": profile.subject_type if profile else SubjectType.PAIRWISE,
        "is_system": bool(profile and profile.is_system),
        "backchannel_logout_uri": profile.backchannel_logout_uri if profile else "",
        "acts_as": profile.acts_as.username if profile and profile.acts_as_id else "",
        "acts_for_department": profile.acts_for_department_id if profile else None,
    }


def create_client(
    *,
    name: str,
    redirect_uris: list[str],
    public: bool = False,
    sector: str = "",
    client_credentials: bool = False,
    post_logout_redirect_uris: list[str] | None = None,
    subject_type: str = SubjectType.PAIRWISE,
    backchannel_logout_uri: str = "",
    acts_as: str = "",
    actor: str = "system:cli",
) -> CreatedClient:
    """Register a client; the result carries the plaintext secret of a confidential client.

    ``acts_as``: for a system client (client credentials) of a department's system, the username of
    the staff account (a service account of that department) whose department and roles its calls
    have; see ``system_account``."""
    name = name.strip()
    if not name:
        raise ClientError("CLIENT_NAME_REQUIRED", "客户端名称不能为空")
    post_logout = [
        check_redirect_uri(u, field="post_logout_redirect_uri") for u in post_logout_redirect_uris or []
    ]
    uris = [check_redirect_uri(u) for u in redirect_uris]
    if backchannel_logout_uri:
        check_redirect_uri(backchannel_logout_uri, field="backchannel_logout_uri")
    if client_credentials:
        if public:
            raise ClientError("PUBLIC_SYSTEM_CLIENT", "客户端凭证模式只适用于机密客户端")
        grant_type = AbstractApplication.GRANT_CLIENT_CREDENTIALS
    else:
        grant_type = AbstractApplication.GRANT_AUTHORIZATION_CODE
        if not uris:
            raise ClientError("REDIRECT_URI_REQUIRED", "授权码模式的客户端至少需要一个回调地址")
    if subject_type not in SubjectType.values:
        raise ClientError("INVALID_SUBJECT_TYPE", "sub 类型只能是 pairwise 或 public")
    account = _staff_account(acts_as, client_credentials=client_credentials) if acts_as.strip() else None
    sector = sector.strip() or default_sector(uris) or name
    secret = None if public else generate_client_secret()
    Application = get_application_model()
    with transaction.atomic():
        application = Application(
            name=name,
            client_type=Application.CLIENT_PUBLIC if public else Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=grant_type,
            redirect_uris=" ".join(uris),
            post_logout_redirect_uris=" ".join(post_logout),
            algorithm=Application.RS256_ALGORITHM,
            skip_authorization=False,
        )
        if secret is not None:
            application.client_secret = secret  # hashed by ClientSecretField.pre_save
        else:
            application.client_secret = ""
        application.save()
        ClientProfile.objects.create(
            application=application,
            sector_identifier=sector[:200],
            subject_type=subject_type,
            is_system=client_credentials,
            backchannel_logout_uri=backchannel_logout_uri,
            acts_as=account,
            acts_for_department_id=account.staff.department_id if account is not None else None,
        )
        audit.record(
            actor=actor,
            action="identity.oidc_client_created",
            object_type="oidc_client",
            object_id=application.client_id,
            after=describe(application),
        )
    return CreatedClient(application=application, client_secret=secret)


def _staff_account(username: str, *, client_credentials: bool) -> Any:
    if not client_credentials:
        raise ClientError(
            "ACTS_AS_NEEDS_SYSTEM_CLIENT", "只有系统客户端（客户端凭证模式）可以代表工作人员账号",
            details={"field": "acts_as"},
        )
    key = lookup_key(username, max_length=150)  # a NUL names no account (PostgreSQL would refuse it)
    user = get_user_model().objects.filter(username=key).first() if key else None
    if user is None:
        shown = f"：{key}" if key.isprintable() else ""
        raise ClientError("ACTS_AS_NOT_FOUND", f"账号不存在{shown}", details={"field": "acts_as"})
    problem = service_account_problem(user)
    if problem:
        raise ClientError(problem[0], problem[1], details={"field": "acts_as"})
    return user


def service_account_problem(user: Any) -> tuple[str, str] | None:
    """Why ``user`` may not be the account a department's system acts as (code, message), or None.

    It must be an active member of staff of a department, holding no platform-wide role: a system
    acting for the platform could reach every department."""
    staff = staff_of(user)
    if staff is None or staff.department_id is None:
        return ("ACTS_AS_NOT_STAFF", "系统客户端只能代表在岗的部门工作人员账号（部门系统的服务账号）")
    if PLATFORM_ONLY_ROLES.intersection(roles_of(user)):
        return ("ACTS_AS_PLATFORM_ROLE", "系统客户端不能代表持有平台级角色（平台管理员、效能监督、三员）的账号")
    return None


def system_account(client_id: str) -> Any | None:
    """The staff account a system client's calls run as: its department and roles decide what the
    calls may do, as for a member of staff signed in. None (the call is refused) unless the client is a
    client-credentials client acting as an account that is still an active member of staff of the
    department it was registered with."""
    profile = (
        ClientProfile.objects.select_related("acts_as")
        .filter(
            application__client_id=client_id,
            application__authorization_grant_type=AbstractApplication.GRANT_CLIENT_CREDENTIALS,
            is_system=True,
            acts_as__isnull=False,
        )
        .first()
    )
    if profile is None:
        return None
    staff = staff_of(profile.acts_as)
    if staff is None or staff.department_id is None or staff.department_id != profile.acts_for_department_id:
        return None
    return profile.acts_as


def list_clients() -> list[dict[str, Any]]:
    Application = get_application_model()
    return [describe(a) for a in Application.objects.select_related("zwfw_profile__acts_as").order_by("id")]


def delete_client(*, client_id: str, actor: str = "system:cli") -> None:
    """Delete a client and, with it, every grant and token it holds."""
    Application = get_application_model()
    with transaction.atomic():
        application = Application.objects.filter(client_id=client_id).first()
        if application is None:
            raise NotFound("CLIENT_NOT_FOUND", "客户端不存在")
        before = describe(application)
        # Access tokens row by row, so their JWTs reach the revocation list (post_delete).
        from oauth2_provider.models import get_access_token_model

        for access in get_access_token_model().objects.filter(application=application):
            access.delete()
        application.delete()
        audit.record(
            actor=actor,
            action="identity.oidc_client_deleted",
            object_type="oidc_client",
            object_id=client_id,
            before=before,
        )
