"""Admin: regions and the calendar are editable, audit entries read-only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from zwfw.core import calendar
from zwfw.core.audit import record, verify_chain
from zwfw.core.models import AuditEntry, CalendarDay, CalendarYear

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(settings) -> Client:
    # the manifest storage of production needs collectstatic; pages here only need URLs
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    user = get_user_model().objects.create_superuser("ops", "ops@example.invalid", "a-long-password-1")
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("model", ["region", "calendaryear", "calendarday", "auditentry"])
def test_changelists_render(admin_client, model):
    record(actor="system", action="x", object_type="t", object_id="1")
    response = admin_client.get(f"/admin/core/{model}/")
    assert response.status_code == 200


def test_audit_entries_are_read_only_in_admin(admin_client):
    # given
    entry = record(actor="user:1", action="catalog.item.publish", object_type="catalog.item", object_id="42")
    before = list(AuditEntry.objects.values_list("seq", "action", "hash"))
    # then the detail page shows it but offers no save, add or delete
    page = admin_client.get(f"/admin/core/auditentry/{entry.pk}/change/")
    assert page.status_code == 200
    assert b"catalog.item.publish" in page.content
    assert b'name="_save"' not in page.content
    assert admin_client.get("/admin/core/auditentry/add/").status_code == 403
    assert admin_client.get(f"/admin/core/auditentry/{entry.pk}/delete/").status_code == 403
    posted = admin_client.post(f"/admin/core/auditentry/{entry.pk}/change/", {"action": "edited"})
    assert posted.status_code == 403
    assert list(AuditEntry.objects.values_list("seq", "action", "hash")) == before
    assert verify_chain().ok is True


def test_adding_a_holiday_in_admin_changes_working_days(admin_client):
    # given Monday 2026-03-02 is a working day
    assert calendar.is_working_day(dt.date(2026, 3, 2)) is True
    year = CalendarYear.objects.get(year=2026)
    # when an operator adds it as a day off
    response = admin_client.post(
        "/admin/core/calendarday/add/",
        {"calendar_year": year.pk, "date": "2026-03-02", "kind": "holiday", "name": "临时放假"},
    )
    # then
    assert response.status_code == 302
    assert calendar.is_working_day(dt.date(2026, 3, 2)) is False


def test_admin_refuses_an_adjusted_working_day_on_a_weekday(admin_client):
    year = CalendarYear.objects.get(year=2026)
    before = CalendarDay.objects.count()
    response = admin_client.post(
        "/admin/core/calendarday/add/",
        {"calendar_year": year.pk, "date": "2026-03-04", "kind": "workday", "name": "调休"},
    )
    assert response.status_code == 200
    assert "2026-03-04本就是工作日，不能登记为调休上班" in response.content.decode()
    assert CalendarDay.objects.count() == before
