"""工作日历: working days on the official calendar (全国年节及纪念日放假办法, revised 2024).

A working day is Monday–Friday unless it is a listed day off, or a listed adjusted working day
(调休上班, usually a weekend day). The State Council publishes each year's schedule (usually in
November); a year is computable only once it is loaded (``CalendarYear``). Asking about a date in
a year that is not loaded raises ``CalendarNotLoaded`` — a deadline is never guessed.

``WorkingCalendar`` is pure (build it from data, e.g. in tests); the module-level functions use the
calendar in the database, cached per process and reloaded whenever ``CalendarState.revision``
changes (every save, delete and import changes it).

Inputs: days are ``datetime.date``. An aware ``datetime`` is first converted to its calendar date in
Asia/Shanghai (times are stored in UTC, deadlines count Shanghai working days: 2026-02-13T16:30Z is
2026-02-14); a naive ``datetime`` is ambiguous and refused with ``TypeError``, as is anything that
is not a date. ``n`` must be an ``int`` (not a bool or float), else ``TypeError``. Results are
always plain ``date`` objects.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.dispatch import Signal

from zwfw.core.errors import DomainError, ValidationFailed

# The State Council schedules as published (reference/calendar.md), loaded by migration 0002; also a
# sample of the import format. Append next year's schedule here and run `zwfw manage calendar_import`.
OFFICIAL_CALENDAR_CSV = Path(__file__).resolve().parent / "data" / "calendar.csv"

HOLIDAY = "holiday"
WORKDAY = "workday"
KINDS = (HOLIDAY, WORKDAY)
LOCAL_TZ = ZoneInfo("Asia/Shanghai")


def as_local_date(value: dt.date) -> dt.date:
    """The Asia/Shanghai calendar date of ``value``: a date as is, an aware datetime converted.

    Raises ``TypeError`` for a naive datetime (its time zone is unknown) and for a non-date."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise TypeError(
                "naive datetime refused: give a date, or an aware datetime (converted to Asia/Shanghai)"
            )
        return value.astimezone(LOCAL_TZ).date()
    if isinstance(value, dt.date):
        return dt.date(value.year, value.month, value.day)
    raise TypeError(f"expected a date, got {type(value).__name__}")


def _require_count(n: object) -> int:
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"n must be an int, got {type(n).__name__}")
    return n


class CalendarNotLoaded(DomainError):
    """The holiday schedule of a year is not loaded, so working days cannot be computed."""

    status = 409

    def __init__(self, year: int) -> None:
        super().__init__(
            "CALENDAR_NOT_LOADED",
            f"{year}年的法定节假日安排尚未导入，无法计算工作日",
            details={"year": year},
        )
        self.year = year


class CalendarFileInvalid(ValidationFailed):
    """An import file broke a rule; details = [{"row", "reason"}]. Nothing was written."""

    def __init__(self, problems: list[dict[str, Any]]) -> None:
        first = problems[0]
        super().__init__(
            "INVALID_CALENDAR_FILE",
            f"日历文件有 {len(problems)} 处错误，未导入；第{first['row']}条：{first['reason']}",
            details=problems,
        )


@dataclass(frozen=True)
class WorkingCalendar:
    """The loaded years and their listed days. Pure: no database access."""

    years: frozenset[int]
    holidays: Mapping[dt.date, str] = field(default_factory=dict)
    workdays: Mapping[dt.date, str] = field(default_factory=dict)

    def _require(self, day: dt.date) -> None:
        if day.year not in self.years:
            raise CalendarNotLoaded(day.year)

    def is_working_day(self, day: dt.date) -> bool:
        return self._is_working_day(as_local_date(day))

    def _is_working_day(self, day: dt.date) -> bool:
        self._require(day)
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The n-th working day after ``start`` (``start`` itself not counted); n = 0 returns ``start``."""
        n = _require_count(n)
        if n < 0:
            raise ValueError("n must be >= 0")
        day = as_local_date(start)
        remaining = n
        while remaining:
            day += dt.timedelta(days=1)
            if self._is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, a: dt.date, b: dt.date) -> int:
        """Number of working days x with a < x <= b; 0 when b <= a."""
        a, b = as_local_date(a), as_local_date(b)
        if b <= a:
            return 0
        first = a + dt.timedelta(days=1)
        for year in range(first.year, b.year + 1):  # fail before walking a long range
            if year not in self.years:
                raise CalendarNotLoaded(year)
        count = 0
        day = first
        while day <= b:
            if self._is_working_day(day):
                count += 1
            day += dt.timedelta(days=1)
        return count


def build_calendar(years: Iterable[int], days: Iterable[tuple[dt.date, str, str]]) -> WorkingCalendar:
    """Build a calendar from loaded years and (date, kind, name) rows."""
    holidays: dict[dt.date, str] = {}
    workdays: dict[dt.date, str] = {}
    for day, kind, name in days:
        (holidays if kind == HOLIDAY else workdays)[day] = name
    return WorkingCalendar(years=frozenset(years), holidays=holidays, workdays=workdays)


# ---------------------------------------------------------------------------------------------
# Database-backed calendar with a per-process cache
# ---------------------------------------------------------------------------------------------

_cache_lock = threading.Lock()
_cache: tuple[str, WorkingCalendar] | None = None


def current_calendar() -> WorkingCalendar:
    """The calendar in the database; one small query per call checks the cached copy is current."""
    global _cache
    from zwfw.core.models import CalendarDay, CalendarState, CalendarYear

    revision = CalendarState.objects.filter(pk=1).values_list("revision", flat=True).first()
    cached = _cache
    if revision is not None and cached is not None and cached[0] == revision:
        return cached[1]
    calendar = build_calendar(
        CalendarYear.objects.values_list("year", flat=True),
        CalendarDay.objects.values_list("date", "kind", "name"),
    )
    if revision is not None:  # without a state row there is nothing to key the cache on
        with _cache_lock:
            _cache = (revision, calendar)
    return calendar


def clear_cache() -> None:
    global _cache
    with _cache_lock:
        _cache = None


def is_working_day(day: dt.date) -> bool:
    return current_calendar().is_working_day(day)


def add_working_days(start: dt.date, n: int) -> dt.date:
    """The n-th working day after ``start`` (``start`` not counted); n = 0 returns ``start``."""
    return current_calendar().add_working_days(start, n)


def working_days_between(a: dt.date, b: dt.date) -> int:
    """Number of working days x with a < x <= b; 0 when b <= a."""
    return current_calendar().working_days_between(a, b)


# ---------------------------------------------------------------------------------------------
# Import (zwfw manage calendar_import FILE)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarRow:
    year: int
    date: dt.date
    kind: str
    name: str


def parse_calendar_file(text: str, *, fmt: str) -> list[CalendarRow]:
    """Parse and validate a whole import file (CSV with header year,date,kind,name or a JSON list
    of such objects). Raises CalendarFileInvalid listing every problem."""
    raw_rows: list[Mapping[str, Any]]
    if fmt == "json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CalendarFileInvalid([{"row": 0, "reason": f"JSON格式错误：{exc.msg}"}]) from None
        if isinstance(data, dict):
            data = data.get("days")
        if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
            raise CalendarFileInvalid([{"row": 0, "reason": "JSON应为对象列表（year, date, kind, name）"}])
        raw_rows = data
    elif fmt == "csv":
        reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
        if reader.fieldnames is None or not {"year", "date", "kind", "name"} <= {
            f.strip() for f in reader.fieldnames
        }:
            raise CalendarFileInvalid([{"row": 0, "reason": "表头应为 year,date,kind,name"}])
        raw_rows = [{k.strip(): v for k, v in r.items() if k is not None} for r in reader]
    else:
        raise ValueError("fmt must be csv or json")

    rows: list[CalendarRow] = []
    problems: list[dict[str, Any]] = []
    seen: dict[dt.date, int] = {}
    for number, raw in enumerate(raw_rows, start=1):
        reasons: list[str] = []
        year_raw = str(raw.get("year", "")).strip()
        date_raw = str(raw.get("date", "")).strip()
        kind = str(raw.get("kind", "")).strip()
        name = str(raw.get("name", "")).strip()
        year = int(year_raw) if year_raw.isdigit() and len(year_raw) == 4 else None
        if year is None:
            reasons.append(f"年度{year_raw!r}应为4位数字")
        try:
            day = dt.date.fromisoformat(date_raw)
        except ValueError:
            day = None
            reasons.append(f"日期{date_raw!r}不是有效的 YYYY-MM-DD 日期")
        if kind not in KINDS:
            reasons.append(f"类型{kind!r}应为 holiday（放假）或 workday（调休上班）")
        if not name:
            reasons.append("节日名称不能为空")
        if day is not None and year is not None and day.year != year:
            reasons.append(f"日期{day.isoformat()}不属于{year}年")
        if day is not None and kind == WORKDAY and day.weekday() < 5:
            reasons.append(f"{day.isoformat()}本就是工作日，不能登记为调休上班")
        if day is not None:
            if day in seen:
                reasons.append(f"日期{day.isoformat()}与第{seen[day]}条重复")
            seen.setdefault(day, number)
        if reasons:
            problems.extend({"row": number, "reason": r} for r in reasons)
        elif year is not None and day is not None:
            rows.append(CalendarRow(year, day, kind, name))
    if not raw_rows:
        problems.append({"row": 0, "reason": "文件中没有任何日期"})
    if problems:
        raise CalendarFileInvalid(problems)
    return rows


def write_calendar(
    rows: list[CalendarRow],
    *,
    year_model: Any,
    day_model: Any,
    year_info: Mapping[int, tuple[dt.date | None, str]] | None = None,
) -> dict[int, int]:
    """Replace the days of every year present in ``rows``; ``year_info`` gives {year: (published_on,
    document)}. Models are passed so the data migration can use its historical ones. Returns {year: days}."""
    by_year: dict[int, list[CalendarRow]] = {}
    for row in rows:
        by_year.setdefault(row.year, []).append(row)
    for year, year_rows in sorted(by_year.items()):
        calendar_year, _ = year_model.objects.get_or_create(year=year)
        published_on, document = (year_info or {}).get(year, (None, ""))
        if document:
            calendar_year.document = document
        if published_on:
            calendar_year.published_on = published_on
        calendar_year.save()
        day_model.objects.filter(calendar_year=calendar_year).delete()
        day_model.objects.bulk_create(
            day_model(calendar_year=calendar_year, date=r.date, kind=r.kind, name=r.name) for r in year_rows
        )
    return {year: len(year_rows) for year, year_rows in sorted(by_year.items())}


# Sent inside the transaction of every ``import_calendar``, after the days are written, with
# ``years`` (a frozenset): a module above core, which core may not import, brings what it derived
# from the calendar up to date in the same transaction (the cases module its due dates not known
# before; connected in ``CasesConfig.ready``). A receiver that raises undoes the import.
calendar_imported = Signal()


def import_calendar(
    rows: list[CalendarRow], *, document: str = "", published_on: dt.date | None = None
) -> dict[int, int]:
    """Replace the schedule of every year present in ``rows`` and send ``calendar_imported``, in one
    transaction. Returns {year: days}."""
    from django.db import transaction

    from zwfw.core.models import CalendarDay, CalendarState, CalendarYear

    years = {row.year for row in rows}
    with transaction.atomic():
        counts = write_calendar(
            rows,
            year_model=CalendarYear,
            day_model=CalendarDay,
            year_info={year: (published_on, document) for year in years},
        )
        CalendarState.bump()
        calendar_imported.send(sender=CalendarYear, years=frozenset(years))
    return counts
