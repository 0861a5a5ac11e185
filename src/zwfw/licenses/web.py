"""What the licence pages (views.py) and the JSON API (api.py) share: read-only look-ups, the public
check by identifier and holder code, 亮证 codes with their QR image, and per-address rate limits.

Nothing here writes a licence row: every change goes through ``services``.
"""

from __future__ import annotations

import datetime as dt
import hmac
import os
import uuid
from dataclasses import dataclass
from typing import Any

import segno
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from zwfw.catalog.models import Department
from zwfw.core.errors import DomainError, NotFound, PermissionDenied
from zwfw.core.lookups import lookup_key
from zwfw.identity.agents import current_principal
from zwfw.identity.models import Person
from zwfw.identity.selectors import require_person
from zwfw.identity.sessions import Principal, client_ip
from zwfw.identity.staff import has_role, staff_of
from zwfw.licenses import selectors, services, showing
from zwfw.licenses.models import HolderKind, License, LicenseStatus, LicenseType, UseGrant

# What a verifier reads, in large type (the issue's words: 有效 / 已吊销 / 暂扣 / 注销 / 已过期 / 已变更).
STATUS_WORDS = {
    LicenseStatus.VALID: "有效",
    LicenseStatus.REVOKED: "已吊销",
    LicenseStatus.SUSPENDED: "暂扣",
    LicenseStatus.CANCELLED: "注销",
    LicenseStatus.EXPIRED: "已过期",
    LicenseStatus.SUPERSEDED: "已变更",
}
ACTION_WORDS = {
    "issue": "签发", "suspend": "暂扣", "restore": "发还", "cancel": "注销", "revoke": "吊销",
    "change": "变更", "renew": "延续", "expire": "有效期届满",
}
CHANNEL_WORDS = {"api": "部门授权调取", "show": "亮证核验"}


def _per_minute(variable: str, default: int) -> int:
    """A rate limit from the environment, read once at import (``default`` when unset); at least 1."""
    raw = os.environ.get(variable, "").strip()
    if not raw:
        return default
    value = int(raw) if raw.isdigit() else 0
    if value < 1:
        raise ImproperlyConfigured(f"{variable} must be a whole number of requests per minute, at least 1")
    return value


# Requests per source address per minute. Anonymous checks by identifier and holder code can be used
# to test guessed ID numbers against a known identifier, so they are held tighter than token checks.
PUBLIC_CHECKS_PER_MINUTE = 60
# 亮证码 checks (page and API). A verifier's scanners behind one gateway address may need more;
# the load test (bench/run.py) raises it for its single loopback client.
TOKEN_CHECKS_PER_MINUTE = _per_minute("ZWFW_LICENSE_TOKEN_CHECKS_PER_MINUTE", 300)
TOKENS_MADE_PER_MINUTE = 300

# Fields of a person's licence shown only when the holder ticks them (shared personal data).
_PERSONAL_KEYS = frozenset({"holder_id", "sex", "birth_date", "address"})


# --- rate limits -----------------------------------------------------------------------------------


class RateLimited(DomainError):
    status = 429


def throttle(request: HttpRequest, *, scope: str, per_minute: int) -> None:
    """A fixed one-minute window per source address in the shared cache (Redis in production)."""
    window = int(timezone.now().timestamp() // 60)
    key = f"zwfw:licenses:rate:{scope}:{client_ip(request) or 'unknown'}:{window}"
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=120)
        count = 1
    if count > per_minute:
        raise RateLimited(
            "RATE_LIMITED", f"请求过于频繁：每个来源地址每分钟最多{per_minute}次，请稍后再试",
            details={"per_minute": per_minute},
        )


# --- the wallet ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WalletOwner:
    person: Person
    principal: Principal


def wallet_owner(request: HttpRequest) -> WalletOwner:
    """The signed-in person and whom they act for now (themself, an enterprise, a ward)."""
    return WalletOwner(person=require_person(request.user), principal=current_principal(request))


def wallet(owner: WalletOwner) -> QuerySet[License]:
    return selectors.licenses_of(person=owner.person, principal=owner.principal)


def wallet_license(owner: WalletOwner, identifier: str) -> License:
    return selectors.license_of(person=owner.person, principal=owner.principal, identifier=identifier)


def surface_rows(license: License) -> list[tuple[str, str]]:
    """The holder's own view of the surface: every field in the type's order, unmasked."""
    surface = services.surface_of(license)
    return [(field["label"], surface[field["key"]]) for field in license.license_type.fields if field["key"] in surface]


def grant_of(license: License, grant_id: object) -> UseGrant:
    try:
        key: uuid.UUID | None = uuid.UUID(str(grant_id))
    except ValueError:
        key = None
    grant = selectors.grants_of(license).filter(public_id=key).first() if key else None
    if grant is None:
        raise NotFound("LICENSE_GRANT_NOT_FOUND", "未找到该用证授权")
    return grant


def grant_state(grant: UseGrant, now: dt.datetime | None = None) -> str:
    if grant.revoked_at is not None:
        return "已撤销"
    return "有效" if grant.valid_until > (now or timezone.now()) else "已过期"


def active_departments() -> QuerySet[Department]:
    return Department.objects.filter(is_active=True).order_by("sort_order", "name", "id")


def active_department(credit_code: str) -> Department:
    department = active_departments().filter(credit_code=lookup_key(credit_code, max_length=18).upper()).first()
    if department is None:
        raise NotFound("DEPARTMENT_NOT_FOUND", "用证部门不存在或已停用", details={"field": "department_code"})
    return department


# --- 亮证 ------------------------------------------------------------------------------------------


def showable_fields(license: License) -> list[dict[str, Any]]:
    """Disclosable fields this licence actually carries (an optional field left empty is not offered)."""
    surface = services.surface_of(license)
    return [field for field in showing.disclosable_fields(license) if field["key"] in surface]


def default_fields(license: License) -> list[str]:
    """Ticked at first: the name and the type's own facts; never an ID number, nor a person's sex,
    birth date or address, which the holder ticks only when the verifier needs them."""
    person = license.license_type.holder_kind == HolderKind.PERSON
    return [
        field["key"]
        for field in showable_fields(license)
        if field.get("type") != "id_number" and not (person and field["key"] in _PERSONAL_KEYS)
    ]


@dataclass(frozen=True)
class ShowCode:
    token: str
    url: str
    qr_svg: str
    expires_at: dt.datetime
    fields: list[str]

    @property
    def expires_in(self) -> int:
        return max(0, int((self.expires_at - timezone.now()).total_seconds()))


def show_code(request: HttpRequest, license: License, fields: list[str] | None) -> ShowCode:
    """A fresh 亮证 token for ``fields`` (the defaults when none are chosen), its absolute verification
    URL on this node and that URL as an inline SVG QR code (error correction M)."""
    chosen = list(fields) if fields else default_fields(license)
    token = showing.make_token(license=license, fields=chosen)
    claims = showing.read_token(token)
    url = request.build_absolute_uri(reverse("licenses:verify_token", args=[token]))
    svg = segno.make(url, error="m").svg_inline(
        scale=4, omitsize=True, light="#fff", svgclass="license-qr", title="亮证码：请验证方扫描"
    )
    return ShowCode(token=token, url=url, qr_svg=svg, expires_at=claims.expires_at, fields=list(claims.fields))


def read_shown(token: str) -> showing.ShownLicense:
    """What a verifier sees for a scanned token, the fields in the type's order (as on the paper
    licence); ``showing.TokenRefused`` says why not."""
    return showing.show(showing.read_token(token))


# --- anonymous check by identifier and holder code -------------------------------------------------


@dataclass(frozen=True)
class PublicCheck:
    """Validity only: what anyone holding the identifier and the holder's code may learn."""

    identifier: str
    status: str
    status_label: str
    type_name: str
    issuer: str


def check_by_holder_code(*, identifier: str, holder_code: str) -> PublicCheck:
    """The same 404 for an unknown identifier and a wrong code: the check reveals nothing else."""
    identifier = lookup_key(identifier, max_length=120)
    code = str(holder_code or "").strip()[:40]
    expected = services.holder_index(code) if code else ""
    license = (
        License.objects.select_related("license_type", "issuer").filter(identifier=identifier).first()
        if identifier and code
        else None
    )
    if license is None or not hmac.compare_digest(license.holder_index, expected):
        raise NotFound("LICENSE_NOT_MATCHED", "未找到与该证照标识和持证者证件号码相符的证照")
    status = services.current_status_of(license)
    return PublicCheck(
        identifier=license.identifier,
        status=status,
        status_label=STATUS_WORDS[LicenseStatus(status)],
        type_name=license.license_type.name,
        issuer=license.issuer.name,
    )


@dataclass(frozen=True)
class PdfCheck:
    """An uploaded licence file: its seal signature and, when it is a file this node issued, the
    licence's current validity (nothing of the surface)."""

    signature_valid: bool
    message: str
    license: PublicCheck | None


def check_by_pdf(pdf: bytes) -> PdfCheck:
    from zwfw.licenses import rendering
    from zwfw.seals import verification

    report = verification.verify_pdf(pdf)
    license = rendering.license_for_pdf(pdf) if report.valid else None
    if license is None:
        message = report.message if not report.valid else "签章有效，但该文件不是本节点签发的电子证照文件"
        return PdfCheck(signature_valid=report.valid, message=message, license=None)
    status = services.current_status_of(license)
    return PdfCheck(
        signature_valid=True,
        message=report.message,
        license=PublicCheck(
            identifier=license.identifier,
            status=status,
            status_label=STATUS_WORDS[LicenseStatus(status)],
            type_name=license.license_type.name,
            issuer=license.issuer.name,
        ),
    )


# --- issuing (staff) -------------------------------------------------------------------------------


def issuing_department(user: Any) -> Department:
    """The department whose licences this staff member may issue (checked again by the services)."""
    staff = staff_of(user)
    if staff is None or staff.department_id is None or not any(has_role(user, role) for role in services.ISSUING_ROLES):
        raise PermissionDenied("LICENSE_ISSUER_FORBIDDEN", "只有颁发部门的审批人员或部门管理员可以签发证照")
    department: Department = staff.department  # type: ignore[assignment]  # department_id is set
    return department


def issuable_types() -> QuerySet[LicenseType]:
    return LicenseType.objects.filter(is_active=True).order_by("name", "code")


def types_issued_by(department: Department) -> list[LicenseType]:
    """The active types of a kind ``department`` issues (the workbench offers only these)."""
    return [item for item in issuable_types() if services.may_issue(license_type=item, department=department)]


def issued_license(user: Any, identifier: str) -> License:
    """A licence the staff member's department issued; any other is the same 404 as none."""
    found = selectors.licenses_issued_by(user).filter(identifier=lookup_key(identifier, max_length=120)).first()
    if found is None:
        raise NotFound("LICENSE_NOT_FOUND", "证照不存在")
    return found
