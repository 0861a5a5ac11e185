"""Reads of 统一电子证照, scoped by who asks.

A person sees their own licences, a minor ward's as guardian, and an enterprise's as its legal
representative or as an agent whose grant covers all items (a grant for listed items does not
name licences, so it shows none); staff see the licences their department issued.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from zwfw.core.errors import NotFound
from zwfw.core.lookups import lookup_key
from zwfw.identity.agents import Principal, principals_of
from zwfw.identity.models import AgentGrant, Enterprise, Person
from zwfw.identity.selectors import live_grant_filter
from zwfw.identity.staff import staff_of
from zwfw.licenses.models import License, LicenseUse, UseGrant

_BASE = ("license_type", "issuer")


def licenses_of(*, person: Person, principal: Principal) -> QuerySet[License]:
    """我的证照 of whom ``person`` acts for (the current, not superseded, versions first)."""
    licenses = License.objects.select_related(*_BASE).order_by("license_type__name", "-version")
    if principal.kind == "self":
        return licenses.filter(holder_person=person)
    allowed = {(p.kind, p.public_id) for p in principals_of(person)}
    if (principal.kind, principal.public_id) not in allowed:
        return licenses.none()
    if principal.kind == "ward":
        return licenses.filter(holder_person__public_id=principal.public_id)
    enterprise = Enterprise.objects.filter(public_id=principal.public_id).first()
    if enterprise is None:
        return licenses.none()
    if enterprise.legal_representative_id == person.pk or AgentGrant.objects.filter(
        live_grant_filter(), enterprise=enterprise, agent=person, all_items=True
    ).exists():
        return licenses.filter(holder_enterprise=enterprise)
    return licenses.none()


def license_of(*, person: Person, principal: Principal, identifier: str) -> License:
    found = licenses_of(person=person, principal=principal).filter(identifier=lookup_key(identifier, max_length=120)).first()
    if found is None:
        raise NotFound("LICENSE_NOT_FOUND", "证照不存在")
    return found


def licenses_issued_by(actor: Any) -> QuerySet[License]:
    staff = staff_of(actor)
    if staff is None or staff.department_id is None:
        return License.objects.none()
    return License.objects.select_related(*_BASE).filter(issuer_id=staff.department_id)


def uses_of(license: License) -> QuerySet[LicenseUse]:
    """用证记录 of a licence the caller may see (``license_of`` first)."""
    return LicenseUse.objects.filter(license=license).select_related("department").order_by("-used_at", "-id")


def grants_of(license: License) -> QuerySet[UseGrant]:
    return UseGrant.objects.filter(license=license).select_related("department")


def live_use_grant(*, license: License, department_id: int, now) -> UseGrant | None:
    """The holder's live grant to the department, if it is still active (a department deactivated
    since fetches nothing: the same as no grant)."""
    return (
        UseGrant.objects.filter(
            license=license, department_id=department_id, department__is_active=True, revoked_at__isnull=True
        )
        .filter(Q(valid_until__gt=now))
        .order_by("-valid_until")
        .first()
    )
