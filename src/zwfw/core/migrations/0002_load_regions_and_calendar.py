"""Load the shipped GB/T 2260 regions (data/regions.csv) and the official holiday schedules
(data/calendar.csv: 2025 and 2026 as the State Council published them, reference/calendar.md).

Later updates: `zwfw manage load_regions FILE` and `zwfw manage calendar_import FILE`.
"""

import datetime as dt
import uuid

from django.db import migrations

from zwfw.core.calendar import OFFICIAL_CALENDAR_CSV, parse_calendar_file, write_calendar
from zwfw.core.regions import DEFAULT_REGIONS_CSV, parse_regions_csv, write_regions

# Publication of each schedule; the days themselves are in data/calendar.csv.
PUBLISHED = {
    2025: (dt.date(2024, 11, 12), "国务院办公厅关于2025年部分节假日安排的通知"),
    2026: (dt.date(2025, 11, 4), "国务院办公厅关于2026年部分节假日安排的通知"),
}


def load_regions(apps, schema_editor):
    Region = apps.get_model("core", "Region")
    rows = parse_regions_csv(DEFAULT_REGIONS_CSV.read_text(encoding="utf-8"))
    write_regions(Region, rows)


def load_calendar(apps, schema_editor):
    rows = parse_calendar_file(OFFICIAL_CALENDAR_CSV.read_text(encoding="utf-8"), fmt="csv")
    write_calendar(
        rows,
        year_model=apps.get_model("core", "CalendarYear"),
        day_model=apps.get_model("core", "CalendarDay"),
        year_info=PUBLISHED,
    )
    apps.get_model("core", "CalendarState").objects.update_or_create(
        pk=1, defaults={"revision": uuid.uuid4().hex}
    )


def unload_calendar(apps, schema_editor):
    apps.get_model("core", "CalendarYear").objects.filter(year__in=list(PUBLISHED)).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [
        migrations.RunPython(load_regions, migrations.RunPython.noop),
        migrations.RunPython(load_calendar, unload_calendar),
    ]
