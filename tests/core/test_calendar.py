"""The official working calendar: 2025 and 2026 as published, 调休 weekends, unloaded years, edits, import."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command

from zwfw.core import calendar
from zwfw.core.calendar import (
    CalendarFileInvalid,
    CalendarNotLoaded,
    WorkingCalendar,
    add_working_days,
    build_calendar,
    is_working_day,
    working_days_between,
)
from zwfw.core.errors import DomainError
from zwfw.core.models import CalendarDay, CalendarYear

D = dt.date


def snapshot() -> tuple[list[tuple], list[tuple]]:
    years = list(CalendarYear.objects.order_by("year").values_list("year", "document", "published_on"))
    days = list(CalendarDay.objects.order_by("date").values_list("date", "kind", "name"))
    return years, days


# ---- the pure calendar --------------------------------------------------------------------------


def test_pure_calendar_needs_no_database():
    # given a made-up year with one holiday on a Monday and one working Sunday
    cal = build_calendar(
        [2030], [(D(2030, 1, 7), "holiday", "测试节"), (D(2030, 1, 13), "workday", "测试节")]
    )
    # then
    assert cal.is_working_day(D(2030, 1, 7)) is False
    assert cal.is_working_day(D(2030, 1, 13)) is True
    assert cal.add_working_days(D(2030, 1, 4), 1) == D(2030, 1, 8)
    assert cal.working_days_between(D(2030, 1, 6), D(2030, 1, 13)) == 5
    with pytest.raises(CalendarNotLoaded):
        cal.is_working_day(D(2031, 1, 2))


def test_add_working_days_rejects_negative_n():
    with pytest.raises(ValueError, match="n must be >= 0"):
        WorkingCalendar(years=frozenset({2026})).add_working_days(D(2026, 3, 2), -1)


# ---- the loaded 2025 and 2026 schedules ---------------------------------------------------------

needs_db = pytest.mark.django_db


def span(first: str, last: str) -> list[dt.date]:
    start, end = D.fromisoformat(first), D.fromisoformat(last)
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


# reference/calendar.md, transcribed independently of data/calendar.csv
PUBLISHED_DAYS_OFF = {
    2025: span("2025-01-01", "2025-01-01") + span("2025-01-28", "2025-02-04") + span("2025-04-04", "2025-04-06")
    + span("2025-05-01", "2025-05-05") + span("2025-05-31", "2025-06-02") + span("2025-10-01", "2025-10-08"),
    2026: span("2026-01-01", "2026-01-03") + span("2026-02-15", "2026-02-23") + span("2026-04-04", "2026-04-06")
    + span("2026-05-01", "2026-05-05") + span("2026-06-19", "2026-06-21") + span("2026-09-25", "2026-09-27")
    + span("2026-10-01", "2026-10-07"),
}  # fmt: skip
PUBLISHED_WORKDAYS = {
    2025: [D(2025, 1, 26), D(2025, 2, 8), D(2025, 4, 27), D(2025, 9, 28), D(2025, 10, 11)],
    2026: [D(2026, 1, 4), D(2026, 2, 14), D(2026, 2, 28), D(2026, 5, 9), D(2026, 9, 20), D(2026, 10, 10)],
}


@needs_db
def test_migration_loads_2025_and_2026_exactly_as_published():
    years, days = snapshot()
    assert years == [
        (2025, "国务院办公厅关于2025年部分节假日安排的通知", D(2024, 11, 12)),
        (2026, "国务院办公厅关于2026年部分节假日安排的通知", D(2025, 11, 4)),
    ]
    for year in (2025, 2026):
        assert [d for d, kind, _ in days if kind == "holiday" and d.year == year] == PUBLISHED_DAYS_OFF[year]
        assert [d for d, kind, _ in days if kind == "workday" and d.year == year] == PUBLISHED_WORKDAYS[year]
    assert len(days) == 28 + 5 + 33 + 6
    assert CalendarDay.objects.get(date=D(2026, 2, 17)).name == "春节"
    assert CalendarDay.objects.get(date=D(2025, 10, 8)).name == "国庆节、中秋节"


@needs_db
def test_reimporting_the_official_file_changes_nothing_and_restores_a_flushed_database():
    # given
    before = snapshot()
    # when
    call_command("calendar_import", str(calendar.OFFICIAL_CALENDAR_CSV), stdout=io.StringIO())
    # then
    assert snapshot() == before
    # and after the tables are emptied (as a transactional test's flush does) it restores the days
    CalendarYear.objects.all().delete()
    call_command("calendar_import", str(calendar.OFFICIAL_CALENDAR_CSV), stdout=io.StringIO())
    assert snapshot()[1] == before[1]
    assert add_working_days(D(2026, 2, 13), 5) == D(2026, 2, 27)


@needs_db
def test_spring_festival_2026_adjusted_saturday_before_it_is_the_next_working_day():
    # given Friday 2026-02-13, the day before the working Saturday 02-14 and the 02-15..02-23 holiday
    # then
    assert add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 14)
    assert add_working_days(D(2026, 2, 13), 2) == D(2026, 2, 24)
    # 02-14, 02-24, 02-25, 02-26, 02-27
    assert add_working_days(D(2026, 2, 13), 5) == D(2026, 2, 27)
    # then the working Saturday 02-28, then Monday 03-02
    assert add_working_days(D(2026, 2, 13), 6) == D(2026, 2, 28)
    assert add_working_days(D(2026, 2, 13), 7) == D(2026, 3, 2)


@needs_db
def test_spring_festival_2026_days():
    assert is_working_day(D(2026, 2, 14)) is True  # Saturday, 调休上班
    assert [is_working_day(D(2026, 2, d)) for d in range(15, 24)] == [False] * 9
    assert is_working_day(D(2026, 2, 24)) is True
    assert is_working_day(D(2026, 2, 28)) is True  # Saturday, 调休上班
    assert is_working_day(D(2026, 3, 1)) is False  # ordinary Sunday
    assert working_days_between(D(2026, 2, 13), D(2026, 2, 28)) == 6
    assert working_days_between(D(2026, 2, 14), D(2026, 2, 23)) == 0


@needs_db
def test_national_day_2026():
    # 09-30 Wednesday works, 10-01..10-07 off, 10-08 Thursday works, 10-10 Saturday works
    assert is_working_day(D(2026, 9, 30)) is True
    assert add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 8)
    assert add_working_days(D(2026, 9, 30), 2) == D(2026, 10, 9)
    assert add_working_days(D(2026, 9, 30), 3) == D(2026, 10, 10)
    assert add_working_days(D(2026, 9, 30), 4) == D(2026, 10, 12)
    assert working_days_between(D(2026, 9, 30), D(2026, 10, 11)) == 3


@needs_db
def test_2025_year_boundary_into_2026():
    # 2025-12-31 Wednesday; 2026-01-01..01-03 off; 2026-01-04 Sunday works; 01-05 Monday
    assert add_working_days(D(2025, 12, 31), 1) == D(2026, 1, 4)
    assert add_working_days(D(2025, 12, 31), 2) == D(2026, 1, 5)
    assert working_days_between(D(2025, 12, 30), D(2026, 1, 4)) == 2
    assert is_working_day(D(2026, 1, 3)) is False  # Saturday inside the holiday


@needs_db
def test_2025_spring_festival_and_national_day():
    assert is_working_day(D(2025, 1, 26)) is True  # Sunday worked
    assert add_working_days(D(2025, 1, 27), 1) == D(2025, 2, 5)
    assert add_working_days(D(2025, 9, 30), 1) == D(2025, 10, 9)
    assert add_working_days(D(2025, 9, 30), 3) == D(2025, 10, 11)  # Saturday worked


@needs_db
def test_add_working_days_zero_returns_the_start_day_even_on_a_holiday():
    assert add_working_days(D(2026, 2, 17), 0) == D(2026, 2, 17)


@needs_db
def test_working_days_between_is_zero_when_b_is_not_after_a():
    assert working_days_between(D(2026, 3, 2), D(2026, 3, 2)) == 0
    assert working_days_between(D(2026, 3, 9), D(2026, 3, 2)) == 0
    assert working_days_between(D(2026, 3, 2), D(2026, 3, 9)) == 5


@needs_db
def test_a_year_that_is_not_loaded_raises_instead_of_guessing():
    before = snapshot()
    with pytest.raises(CalendarNotLoaded) as info:
        is_working_day(D(2027, 1, 4))
    assert isinstance(info.value, DomainError)
    assert info.value.code == "CALENDAR_NOT_LOADED"
    assert info.value.message == "2027年的法定节假日安排尚未导入，无法计算工作日"
    assert info.value.details == {"year": 2027}
    # a deadline running past the last loaded year
    with pytest.raises(CalendarNotLoaded, match="2027年"):
        add_working_days(D(2026, 12, 30), 3)
    with pytest.raises(CalendarNotLoaded, match="2027年"):
        working_days_between(D(2026, 12, 1), D(2027, 1, 10))
    with pytest.raises(CalendarNotLoaded, match="2024年"):
        working_days_between(D(2024, 12, 1), D(2025, 1, 10))
    # from the last day of an unloaded year, only the following (loaded) days are asked about
    assert working_days_between(D(2024, 12, 31), D(2025, 1, 2)) == 1
    assert snapshot() == before


@needs_db
def test_editing_a_day_changes_the_results_at_once():
    # given the cached calendar says 2026-03-02 (Monday) is a working day
    assert is_working_day(D(2026, 3, 2)) is True
    # when an operator adds a holiday in the admin (model save)
    day = CalendarDay.objects.create(
        calendar_year=CalendarYear.objects.get(year=2026), date=D(2026, 3, 2), kind="holiday", name="临时放假"
    )
    # then
    assert is_working_day(D(2026, 3, 2)) is False
    assert add_working_days(D(2026, 2, 27), 1) == D(2026, 2, 28)
    assert add_working_days(D(2026, 2, 28), 1) == D(2026, 3, 3)
    # when it is changed through a bulk update, then deleted
    CalendarDay.objects.filter(pk=day.pk).update(kind="workday")
    assert is_working_day(D(2026, 3, 2)) is True
    CalendarDay.objects.filter(pk=day.pk).update(kind="holiday")
    assert is_working_day(D(2026, 3, 2)) is False
    day.delete()
    assert is_working_day(D(2026, 3, 2)) is True


@needs_db
def test_deleting_a_year_makes_it_unloaded():
    assert is_working_day(D(2025, 6, 3)) is True
    CalendarYear.objects.get(year=2025).delete()
    assert CalendarDay.objects.filter(date__year=2025).count() == 0
    with pytest.raises(CalendarNotLoaded, match="2025年"):
        is_working_day(D(2025, 6, 3))


@needs_db
def test_the_cache_is_reused_while_nothing_changes(django_assert_num_queries):
    calendar.clear_cache()
    is_working_day(D(2026, 3, 2))
    # one query checks the revision; the calendar itself is not read again
    with django_assert_num_queries(1):
        assert add_working_days(D(2026, 2, 13), 5) == D(2026, 2, 27)


@needs_db
def test_admin_validation_refuses_a_workday_on_a_weekday_and_a_day_outside_its_year():
    from django.core.exceptions import ValidationError

    year = CalendarYear.objects.get(year=2026)
    with pytest.raises(ValidationError) as info:
        CalendarDay(calendar_year=year, date=D(2026, 3, 4), kind="workday", name="x").full_clean()
    assert info.value.message_dict == {"kind": ["2026-03-04本就是工作日，不能登记为调休上班"]}
    with pytest.raises(ValidationError) as info:
        CalendarDay(calendar_year=year, date=D(2027, 1, 2), kind="holiday", name="x").full_clean()
    assert info.value.message_dict == {"date": ["日期2027-01-02不属于2026年"]}


# ---- import (zwfw manage calendar_import FILE) --------------------------------------------------

CSV_2027 = """year,date,kind,name
2027,2027-01-01,holiday,元旦
2027,2027-02-06,holiday,春节
2027,2027-02-07,holiday,春节
2027,2027-02-08,holiday,春节
2027,2027-01-31,workday,春节
"""


@needs_db
def test_calendar_import_csv_loads_a_new_year(tmp_path):
    # given a fictional 2027 schedule (test data, not the published one)
    path = tmp_path / "2027.csv"
    path.write_text(CSV_2027, encoding="utf-8")
    out = io.StringIO()
    # when
    call_command(
        "calendar_import", str(path), "--document", "测试通知", "--published-on", "2026-11-20", stdout=out
    )
    # then
    assert out.getvalue() == "2027年节假日安排已导入，共 5 天\n"
    year = CalendarYear.objects.get(year=2027)
    assert (year.document, year.published_on) == ("测试通知", D(2026, 11, 20))
    assert add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)
    assert is_working_day(D(2027, 1, 31)) is True
    assert is_working_day(D(2027, 2, 8)) is False


@needs_db
def test_calendar_import_json_replaces_the_days_of_that_year(tmp_path):
    # given 2026 is loaded; the import carries only one day for 2026
    path = tmp_path / "2026.json"
    path.write_text(json.dumps([{"year": 2026, "date": "2026-02-17", "kind": "holiday", "name": "春节"}]))
    # when
    call_command("calendar_import", str(path), stdout=io.StringIO())
    # then the other 2026 days are gone and 2025 is untouched
    assert list(CalendarDay.objects.filter(date__year=2026).values_list("date", flat=True)) == [
        D(2026, 2, 17)
    ]
    assert CalendarDay.objects.filter(date__year=2025).count() == 33
    assert is_working_day(D(2026, 2, 16)) is True


@needs_db
def test_calendar_import_validates_the_whole_file_before_writing(tmp_path):
    # given a file whose first rows are fine and whose later rows are not
    path = tmp_path / "bad.csv"
    path.write_text(
        CSV_2027
        + "2027,2027-02-30,holiday,春节\n"
        + "2027,2027-03-03,workday,春节\n"
        + "2027,2028-01-01,holiday,元旦\n"
        + "2027,2027-01-01,rest,元旦\n"
        + "27,2027-05-01,holiday,\n",
        encoding="utf-8",
    )
    before = snapshot()
    stderr = io.StringIO()
    # when
    with pytest.raises(CommandError) as info:
        call_command("calendar_import", str(path), stderr=stderr, stdout=io.StringIO())
    # then
    assert str(info.value) == "日历文件有 7 处错误，未导入；第6条：日期'2027-02-30'不是有效的 YYYY-MM-DD 日期"
    assert stderr.getvalue().splitlines() == [
        "第6条：日期'2027-02-30'不是有效的 YYYY-MM-DD 日期",
        "第7条：2027-03-03本就是工作日，不能登记为调休上班",
        "第8条：日期2028-01-01不属于2027年",
        "第9条：类型'rest'应为 holiday（放假）或 workday（调休上班）",
        "第9条：日期2027-01-01与第1条重复",
        "第10条：年度'27'应为4位数字",
        "第10条：节日名称不能为空",
    ]
    assert snapshot() == before
    with pytest.raises(CalendarNotLoaded):
        is_working_day(D(2027, 1, 4))


@needs_db
def test_calendar_import_rejects_malformed_json_and_empty_files(tmp_path):
    before = snapshot()
    bad_json = tmp_path / "bad.json"
    bad_json.write_text("{not json")
    with pytest.raises(CommandError, match="JSON格式错误"):
        call_command("calendar_import", str(bad_json), stderr=io.StringIO())
    empty = tmp_path / "empty.csv"
    empty.write_text("year,date,kind,name\n")
    with pytest.raises(CommandError, match="文件中没有任何日期"):
        call_command("calendar_import", str(empty), stderr=io.StringIO())
    with pytest.raises(CommandError, match="无法读取文件"):
        call_command("calendar_import", str(tmp_path / "missing.csv"))
    assert snapshot() == before


def test_parse_calendar_file_accepts_an_object_with_days():
    rows = calendar.parse_calendar_file(
        json.dumps({"days": [{"year": "2027", "date": "2027-01-01", "kind": "holiday", "name": "元旦"}]}),
        fmt="json",
    )
    assert rows == [calendar.CalendarRow(2027, D(2027, 1, 1), "holiday", "元旦")]
    with pytest.raises(CalendarFileInvalid):
        calendar.parse_calendar_file("[1, 2]", fmt="json")


# ---- datetime input and the type of n -----------------------------------------------------------

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
naive = dt.datetime.fromisoformat  # a datetime without tzinfo
PURE_2026 = build_calendar(
    [2026],
    [(D(2026, 2, d), "holiday", "春节") for d in range(15, 24)]
    + [(D(2026, 2, 14), "workday", "春节"), (D(2026, 2, 28), "workday", "春节")],
)


@needs_db
@pytest.mark.parametrize("api", ["pure", "db"])
def test_aware_datetimes_count_by_their_shanghai_date_and_results_are_dates(api):
    # given the 2026 Spring Festival (15-23 Feb off, Saturdays 14 and 28 Feb worked)
    cal = PURE_2026 if api == "pure" else calendar
    # when / then: a Shanghai-time datetime is judged by its date
    assert cal.is_working_day(dt.datetime(2026, 2, 16, 9, tzinfo=SHANGHAI)) is False
    # 2026-02-13T16:30Z is already Saturday 14 Feb (a working day) in Shanghai
    assert cal.is_working_day(dt.datetime(2026, 2, 13, 16, 30, tzinfo=dt.UTC)) is True
    nxt = cal.add_working_days(dt.datetime(2026, 2, 13, 23, 0, tzinfo=SHANGHAI), 1)
    assert nxt == D(2026, 2, 14)
    assert type(nxt) is dt.date
    same = cal.add_working_days(dt.datetime(2026, 2, 13, 16, 30, tzinfo=dt.UTC), 0)
    assert same == D(2026, 2, 14)
    assert type(same) is dt.date
    assert (
        cal.working_days_between(
            dt.datetime(2026, 2, 13, 9, tzinfo=SHANGHAI), dt.datetime(2026, 2, 28, 9, tzinfo=SHANGHAI)
        )
        == 6
    )


@needs_db
@pytest.mark.parametrize("api", ["pure", "db"])
@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.is_working_day(naive("2026-02-16T09:00")),
        lambda c: c.add_working_days(naive("2026-02-13T23:00"), 1),
        lambda c: c.working_days_between(naive("2026-02-13T09:00"), D(2026, 2, 28)),
        lambda c: c.working_days_between(D(2026, 2, 13), naive("2026-02-28T09:00")),
        lambda c: c.is_working_day("2026-02-16"),
    ],
    ids=["is_working_day", "add_working_days", "between-a", "between-b", "string"],
)
def test_naive_datetimes_and_non_dates_are_refused(api, call):
    # given either calendar
    cal = PURE_2026 if api == "pure" else calendar
    # when / then
    with pytest.raises(TypeError, match=r"naive datetime refused|expected a date"):
        call(cal)


@needs_db
@pytest.mark.parametrize("api", ["pure", "db"])
@pytest.mark.parametrize("n", [1.5, 1.0, True, False, "1", None])
def test_add_working_days_refuses_an_n_that_is_not_an_int(api, n):
    # given either calendar
    cal = PURE_2026 if api == "pure" else calendar
    # when / then
    with pytest.raises(TypeError, match="n must be an int"):
        cal.add_working_days(D(2026, 3, 2), n)
