"""The working-day clock, checked by hand against reference/calendar.md (2026: days off 02-15..02-23,
adjusted working Saturdays 02-14 and 02-28)."""

from __future__ import annotations

import datetime as dt

import pytest

from zwfw.cases import clock
from zwfw.cases.clock import LedgerEntry
from zwfw.core.calendar import current_calendar

D = dt.date.fromisoformat
START = LedgerEntry(kind="start", on=D("2026-02-13"))


@pytest.fixture
def cal(db):
    return current_calendar()


def test_five_working_days_from_2026_02_13_end_on_02_27(cal):
    # 02-14 (Sat, 调休上班) = 1; 02-15..02-23 春节 off; 02-24 = 2, 02-25 = 3, 02-26 = 4, 02-27 = 5.
    state = clock.compute([START], limit_days=5, today=D("2026-02-13"), calendar=cal)
    assert state.due_on == D("2026-02-27")
    assert state.used_days == 0
    assert state.colour == "green"
    # the sixth working day is the adjusted working Saturday 02-28
    assert clock.compute([START], limit_days=6, today=D("2026-02-13"), calendar=cal).due_on == D("2026-02-28")


@pytest.mark.parametrize(
    ("today", "used", "colour"),
    [
        ("2026-02-20", 1, "green"),  # holiday: only 02-14 counted
        ("2026-02-25", 3, "green"),  # 3 of 5 < 2/3
        ("2026-02-26", 4, "yellow"),  # 4 * 3 >= 5 * 2
        ("2026-02-27", 5, "yellow"),  # the due day itself is not overdue
        ("2026-02-28", 6, "red"),
        ("2026-03-01", 6, "red"),  # Sunday after the due date
    ],
)
def test_colours(cal, today, used, colour):
    state = clock.compute([START], limit_days=5, today=D(today), calendar=cal)
    assert (state.used_days, state.colour) == (used, colour)


def test_stop_and_resume_move_the_due_date_by_the_stopped_working_days(cal):
    stop = LedgerEntry(kind="stop", on=D("2026-02-24"))
    stopped = clock.compute([START, stop], limit_days=5, today=D("2026-02-26"), calendar=cal)
    assert stopped.running is False
    assert stopped.due_on is None
    assert stopped.stopped_since == D("2026-02-24")
    assert stopped.used_days == 2  # 02-14 and 02-24; 02-25 and 02-26 are not counted
    resumed = clock.compute(
        [START, stop, LedgerEntry(kind="resume", on=D("2026-02-26"))], limit_days=5, today=D("2026-02-26"), calendar=cal
    )
    # 02-25 and 02-26 stopped: 5 + 2 working days after 02-13 → 02-14, 24, 25, 26, 27, 28 (Sat), 03-02.
    assert resumed.stopped_days == 2
    assert resumed.due_on == D("2026-03-02")
    assert resumed.used_days == 2


def test_extension_adds_working_days(cal):
    entries = [START, LedgerEntry(kind="extend", on=D("2026-02-24"), days=3)]
    state = clock.compute(entries, limit_days=5, today=D("2026-02-24"), calendar=cal)
    assert state.extension_days == 3
    assert state.due_on == D("2026-03-03")  # 5th 02-27, 6th 02-28 (Sat), 7th 03-02, 8th 03-03
    assert state.total_limit == 8


def test_ledger_must_be_well_formed(cal):
    with pytest.raises(clock.LedgerInvalid):
        clock.compute([], limit_days=5, today=D("2026-02-13"), calendar=cal)
    with pytest.raises(clock.LedgerInvalid):
        clock.compute([START, LedgerEntry(kind="resume", on=D("2026-02-24"))], limit_days=5,
                      today=D("2026-02-24"), calendar=cal)


def test_deemed_acceptance_after_five_working_days(cal):
    received = D("2026-02-13")
    assert clock.acceptance_deadline(received, calendar=cal) == D("2026-02-27")
    assert not clock.is_deemed_accepted(received, today=D("2026-02-27"), calendar=cal)
    assert clock.is_deemed_accepted(received, today=D("2026-02-28"), calendar=cal)


def test_a_due_date_in_a_year_not_imported_is_flagged_not_known_and_the_rest_of_the_clock_still_counts(cal):
    # accepted 2026-12-04 with 20 working days: the end falls in 2027, whose calendar is not loaded
    start = LedgerEntry(kind="start", on=D("2026-12-04"))
    extend = LedgerEntry(kind="extend", on=D("2026-12-10"), days=3)
    state = clock.compute([start, extend], limit_days=20, today=D("2026-12-11"), calendar=cal)
    assert state.due_on is None
    assert state.due_not_known
    assert state.running
    assert state.extension_days == 3
    assert state.used_days == 5
    assert state.colour == "green"
    known = clock.compute([START], limit_days=5, today=D("2026-02-13"), calendar=cal)
    assert not known.due_not_known
