"""Reads of identity rows, always scoped by who asks: another person's rows are simply not found (404)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from zwfw.core.errors import NotFound
from zwfw.identity.models import AgentGrant, Enterprise, Guardianship, Person


def person_of(user: Any) -> Person | None:
    """The natural person behind a signed-in user (None for staff, anonymous or system users)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.person
    except Person.DoesNotExist:
        return None


def require_person(user: Any) -> Person:
    person = person_of(user)
    if person is None:
        raise NotFound("PERSON_NOT_FOUND", "当前账号不是自然人用户账号")
    return person


def _uuid(value: object) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        return None


def live_grant_filter(now: dt.datetime | None = None) -> Q:
    return Q(revoked_at__isnull=True, valid_until__gt=now or timezone.now())


def enterprises_represented_by(person: Person) -> QuerySet[Enterprise]:
    """法人 whose registered legal representative is ``person``."""
    return Enterprise.objects.filter(legal_representative=person).order_by("name", "id")


def enterprise_of_legal_rep(*, person: Person, enterprise_id: object) -> Enterprise:
    """An enterprise the person represents; any other (or an unknown id) is 404."""
    key = _uuid(enterprise_id)
    enterprise = None if key is None else enterprises_represented_by(person).filter(public_id=key).first()
    if enterprise is None:
        raise NotFound("ENTERPRISE_NOT_FOUND", "未找到该法人")
    return enterprise


def grants_of(*, person: Person, enterprise: Enterprise) -> QuerySet[AgentGrant]:
    """All grants (live, expired, revoked) of an enterprise, for its legal representative only."""
    if enterprise.legal_representative_id != person.pk:
        return AgentGrant.objects.none()
    return AgentGrant.objects.filter(enterprise=enterprise).select_related("agent", "enterprise")


def grant_of(*, person: Person, enterprise: Enterprise, grant_id: object) -> AgentGrant:
    key = _uuid(grant_id)
    grant = (
        None if key is None else grants_of(person=person, enterprise=enterprise).filter(public_id=key).first()
    )
    if grant is None:
        raise NotFound("GRANT_NOT_FOUND", "未找到该授权")
    return grant


def grants_to(person: Person, *, now: dt.datetime | None = None) -> QuerySet[AgentGrant]:
    """Live grants held by ``person`` as an agent (经办人)."""
    return (
        AgentGrant.objects.filter(live_grant_filter(now), agent=person)
        .select_related("enterprise")
        .order_by("enterprise__name", "-valid_until")
    )


def wards_of(person: Person) -> QuerySet[Person]:
    """Minors the person is the live guardian of."""
    ward_ids = Guardianship.objects.filter(guardian=person, ended_at__isnull=True).values("ward_id")
    return Person.objects.filter(pk__in=ward_ids).order_by("name", "id")
