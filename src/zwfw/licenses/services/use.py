"""用证授权 and 用证记录: the holder's grants to a department, a department fetching a licence under
one (recorded), and the status of a licence as of today."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from zwfw.catalog.models import Department
from zwfw.core import audit
from zwfw.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from zwfw.core.lookups import lookup_key
from zwfw.identity.models import Person
from zwfw.identity.staff import staff_of
from zwfw.licenses.models import License, LicenseStatus, LicenseUse, UseGrant
from zwfw.licenses.selectors import live_use_grant
from zwfw.licenses.services.common import _short_text, surface_of

MAX_GRANT_DAYS = 365


@transaction.atomic
def authorise_use(
    *, person: Person, license: License, department: Department, purpose: str, valid_until: dt.datetime
) -> UseGrant:
    """The holder (or whoever may see the licence in the wallet: check with ``selectors.license_of``
    first) lets ``department`` fetch ``license`` for ``purpose`` until ``valid_until``; audited."""
    purpose = _short_text(purpose, field="purpose", code="LICENSE_PURPOSE_REQUIRED", what="用途")
    now = timezone.now()
    if timezone.is_naive(valid_until) or not now < valid_until <= now + dt.timedelta(days=MAX_GRANT_DAYS):
        raise ValidationFailed(
            "LICENSE_GRANT_UNTIL_INVALID", f"授权截止时间应晚于现在，且不超过{MAX_GRANT_DAYS}天", details={"field": "valid_until"}
        )
    if current_status_of(license) != LicenseStatus.VALID:
        raise Conflict("LICENSE_NOT_VALID", "只有有效的证照可以授权使用")
    grant = UseGrant.objects.create(
        license=license, department=department, purpose=purpose, valid_until=valid_until, granted_by=person
    )
    audit.record(
        actor=f"user:{person.user_id}", action="licenses.use_grant", object_type="licenses.UseGrant",
        object_id=str(grant.public_id), after={"department": department.credit_code, "purpose": purpose, "until": valid_until},
        details={"identifier": license.identifier},
    )
    return grant


@transaction.atomic
def revoke_use_grant(*, person: Person, grant: UseGrant) -> UseGrant:
    grant = UseGrant.objects.select_for_update().get(pk=grant.pk)
    if grant.revoked_at is None:
        grant.revoked_at = timezone.now()
        grant.save(update_fields=["revoked_at"])
        audit.record(
            actor=f"user:{person.user_id}", action="licenses.use_grant.revoke", object_type="licenses.UseGrant",
            object_id=str(grant.public_id),
        )
    return grant


def current_status_of(license: License) -> str:
    return effective_status(license.status, license.valid_until)


def effective_status(status: str, valid_until: dt.date | None) -> str:
    """The status as of today: a valid licence past its validity that the daily expiry job has not
    marked yet is expired already."""
    if status == LicenseStatus.VALID and valid_until is not None and valid_until < timezone.localdate():
        return LicenseStatus.EXPIRED
    return status


@dataclass(frozen=True)
class FetchedLicense:
    license: License
    surface: dict[str, str]
    status: str


@transaction.atomic
def fetch_for_use(*, actor: Any, identifier: str, purpose: str) -> FetchedLicense:
    """A department's staff fetch a licence the holder authorised their department to use; recorded.

    Without a live grant the answer is the same 404 as for a licence that does not exist.
    """
    staff = staff_of(actor)
    if staff is None or staff.department_id is None:
        raise PermissionDenied("LICENSE_USE_STAFF_ONLY", "只有部门工作人员可以调取证照")
    purpose = _short_text(purpose, field="purpose", code="LICENSE_PURPOSE_REQUIRED", what="用途")
    license = License.objects.select_related("license_type", "issuer").filter(identifier=lookup_key(identifier, max_length=120)).first()
    now = timezone.now()
    grant = live_use_grant(license=license, department_id=staff.department_id, now=now) if license else None
    if license is None or grant is None:
        raise NotFound("LICENSE_NOT_FOUND", "证照不存在，或持证人未授权本部门使用")
    LicenseUse.objects.create(
        license=license, grant=grant, department_id=staff.department_id, used_by=f"staff:{staff.public_id}",
        purpose=purpose, channel="api", used_at=now,
    )
    audit.record(
        actor=f"staff:{staff.public_id}", action="licenses.use", object_type="licenses.License", object_id=license.pk,
        details={"identifier": license.identifier, "purpose": purpose, "grant": str(grant.public_id)},
    )
    return FetchedLicense(license=license, surface=surface_of(license), status=current_status_of(license))
