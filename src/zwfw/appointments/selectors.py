"""Reads of halls."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from zwfw.appointments.models import Hall
from zwfw.catalog.models import Department
from zwfw.identity.staff import staff_of


def hall_departments_of(user: Any) -> QuerySet[Department]:
    """The departments whose items the user's comprehensive-window posts let them accept."""
    staff = staff_of(user)
    if staff is None:
        return Department.objects.none()
    return Department.objects.filter(halls__clerks__staff=staff).distinct()


def halls_of(user: Any) -> QuerySet[Hall]:
    staff = staff_of(user)
    if staff is None:
        return Hall.objects.none()
    return Hall.objects.filter(clerks__staff=staff)
