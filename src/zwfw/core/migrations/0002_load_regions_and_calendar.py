"""Load the shipped GB/T 2260 regions (data/regions.csv) and the 2025 and 2026 holiday schedules.

The schedules are written out here, not read from a file, so this migration always loads exactly
what the State Council published (reference/calendar.md). Later years: `zwfw manage calendar_import`.
"""

import datetime as dt
import uuid

from django.db import migrations

from zwfw.core.regions import DEFAULT_REGIONS_CSV, parse_regions_csv, write_regions


def _span(first, last, name):
    day, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    while day <= end:
        yield day, "holiday", name
        day += dt.timedelta(days=1)


def _schedule_2025():
    # 国务院办公厅关于2025年部分节假日安排的通知 (published 2024-11-12)
    yield from _span("2025-01-01", "2025-01-01", "元旦")
    yield from _span("2025-01-28", "2025-02-04", "春节")
    yield from _span("2025-04-04", "2025-04-06", "清明节")
    yield from _span("2025-05-01", "2025-05-05", "劳动节")
    yield from _span("2025-05-31", "2025-06-02", "端午节")
    yield from _span("2025-10-01", "2025-10-08", "国庆节、中秋节")
    for day, name in (
        ("2025-01-26", "春节"),
        ("2025-02-08", "春节"),
        ("2025-04-27", "劳动节"),
        ("2025-09-28", "国庆节、中秋节"),
        ("2025-10-11", "国庆节、中秋节"),
    ):
        yield dt.date.fromisoformat(day), "workday", name


def _schedule_2026():
    # 国务院办公厅关于2026年部分节假日安排的通知 (published 2025-11-04)
    yield from _span("2026-01-01", "2026-01-03", "元旦")
    yield from _span("2026-02-15", "2026-02-23", "春节")
    yield from _span("2026-04-04", "2026-04-06", "清明节")
    yield from _span("2026-05-01", "2026-05-05", "劳动节")
    yield from _span("2026-06-19", "2026-06-21", "端午节")
    yield from _span("2026-09-25", "2026-09-27", "中秋节")
    yield from _span("2026-10-01", "2026-10-07", "国庆节")
    for day, name in (
        ("2026-01-04", "元旦"),
        ("2026-02-14", "春节"),
        ("2026-02-28", "春节"),
        ("2026-05-09", "劳动节"),
        ("2026-09-20", "中秋节"),
        ("2026-10-10", "国庆节"),
    ):
        yield dt.date.fromisoformat(day), "workday", name


SCHEDULES = (
    (2025, dt.date(2024, 11, 12), "国务院办公厅关于2025年部分节假日安排的通知", _schedule_2025),
    (2026, dt.date(2025, 11, 4), "国务院办公厅关于2026年部分节假日安排的通知", _schedule_2026),
)


def load_regions(apps, schema_editor):
    Region = apps.get_model("core", "Region")
    rows = parse_regions_csv(DEFAULT_REGIONS_CSV.read_text(encoding="utf-8"))
    write_regions(Region, rows)


def load_calendar(apps, schema_editor):
    CalendarYear = apps.get_model("core", "CalendarYear")
    CalendarDay = apps.get_model("core", "CalendarDay")
    CalendarState = apps.get_model("core", "CalendarState")
    for year, published_on, document, schedule in SCHEDULES:
        calendar_year, _ = CalendarYear.objects.update_or_create(
            year=year, defaults={"published_on": published_on, "document": document}
        )
        CalendarDay.objects.filter(calendar_year=calendar_year).delete()
        CalendarDay.objects.bulk_create(
            CalendarDay(calendar_year=calendar_year, date=day, kind=kind, name=name)
            for day, kind, name in schedule()
        )
    CalendarState.objects.update_or_create(pk=1, defaults={"revision": uuid.uuid4().hex})


def unload_calendar(apps, schema_editor):
    CalendarYear = apps.get_model("core", "CalendarYear")
    CalendarYear.objects.filter(year__in=[year for year, *_ in SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [
        migrations.RunPython(load_regions, migrations.RunPython.noop),
        migrations.RunPython(load_calendar, unload_calendar),
    ]
