"""Reads of halls."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from zwfw.appointments.models import Hall
from zwfw.catalog.models import Department
from zwfw.core.lookups import PreparedRead
from zwfw.identity.staff import staff_of


def hall_departments_of(user: Any) -> QuerySet[Department]:
    """The departments whose items the user's comprehensive-window posts let them accept."""
    staff = staff_of(user)
    if staff is None:
        return Department.objects.none()
    return Department.objects.filter(halls__clerks__staff=staff).distinct()


# a window clerk's every work-queue page asks for these: the statement compiled once per connection
_HALL_DEPARTMENT_IDS = PreparedRead(
    lambda staff: Department.objects.filter(halls__clerks__staff=staff).order_by().values_list("pk").distinct()
)


def hall_department_ids_of(user: Any) -> list[int]:
    """The keys of ``hall_departments_of(user)``, smallest first."""
    staff = staff_of(user)
    if staff is None:
        return []
    return sorted(pk for (pk,) in _HALL_DEPARTMENT_IDS.rows(staff.pk))


def halls_of(user: Any) -> QuerySet[Hall]:
    staff = staff_of(user)
    if staff is None:
        return Hall.objects.none()
    return Hall.objects.filter(clerks__staff=staff)
