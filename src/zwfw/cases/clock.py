"""办理时限: the working-day clock of a case, computed from its ledger.

The ledger (``ClockEntry`` rows) holds every change: ``start`` at acceptance, ``stop`` and
``resume`` around special procedures and correction waits, ``extend`` for an approved extension.
Everything here is pure: it takes the entries, ``today`` and a ``WorkingCalendar``.

Rules (《行政许可法》, reference/rules.md):
- 第42条: the limit runs in working days from acceptance; an extension of up to 10 working days
  may be approved once (the applicant is told why);
- 第45条: time for hearings, testing, inspection, appraisal and expert review is not counted;
  correction waits after acceptance are not counted either;
- 第82条: periods are working days, statutory holidays excluded (the official calendar).

Counting: the acceptance day itself is not counted (``add_working_days(accepted_on, n)`` is the
n-th working day after it). A stop on day S resumed on day R removes the working days x with
S < x <= R (``working_days_between(S, R)``): the stop day was already being worked, counting
starts again the day after the resume. The due date is therefore
``add_working_days(accepted_on, limit + extension + stopped working days)``; while the clock is
stopped there is no due date (it is not known when it will resume).

Colours: ``red`` when the due date has passed (or more working days were used than the limit),
``yellow`` once two thirds of the limit (extension included) are used, else ``green``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from zwfw.core.calendar import CalendarNotLoaded, WorkingCalendar

MAX_EXTENSION_DAYS = 10  # 《行政许可法》第42条: 延长十日
ACCEPTANCE_PERIOD_DAYS = 5  # 《行政许可法》第32条: 五日内一次告知, 逾期不告知的自收到材料之日起即为受理

Kind = Literal["start", "stop", "resume", "extend"]
Colour = Literal["green", "yellow", "red"]


@dataclass(frozen=True)
class LedgerEntry:
    kind: Kind
    on: dt.date
    days: int = 0  # extension days (``extend``)


@dataclass(frozen=True)
class ClockState:
    accepted_on: dt.date
    limit_days: int
    extension_days: int
    stopped_days: int  # working days not counted so far (closed stops and an open one up to today)
    used_days: int  # working days counted from acceptance to today
    running: bool
    stopped_since: dt.date | None
    due_on: dt.date | None  # None while stopped, or while not known (below)
    colour: Colour
    # the due date falls in a year whose holiday calendar is not imported: flagged, never guessed
    due_not_known: bool = False

    @property
    def total_limit(self) -> int:
        return self.limit_days + self.extension_days

    @property
    def remaining_days(self) -> int:
        return self.total_limit - self.used_days

    @property
    def overdue(self) -> bool:
        return self.colour == "red"


class LedgerInvalid(ValueError):
    """The entries break the ledger's own rules (a programming error: services keep it valid)."""


def _intervals(entries: list[LedgerEntry], today: dt.date) -> tuple[list[tuple[dt.date, dt.date]], dt.date | None]:
    """The stop intervals (S, R], an open one ending today; and the date of an open stop."""
    intervals: list[tuple[dt.date, dt.date]] = []
    open_since: dt.date | None = None
    for entry in entries:
        if entry.kind == "stop":
            if open_since is not None:
                raise LedgerInvalid("stop while stopped")
            open_since = entry.on
        elif entry.kind == "resume":
            if open_since is None:
                raise LedgerInvalid("resume while running")
            intervals.append((open_since, entry.on))
            open_since = None
    if open_since is not None:
        intervals.append((open_since, max(open_since, today)))
    return intervals, open_since


def compute(
    entries: Iterable[LedgerEntry], *, limit_days: int, today: dt.date, calendar: WorkingCalendar
) -> ClockState:
    """The clock for ``limit_days`` (legal or promised) as of ``today``."""
    ordered = list(entries)
    if not ordered or ordered[0].kind != "start" or any(e.kind == "start" for e in ordered[1:]):
        raise LedgerInvalid("a ledger begins with exactly one start")
    accepted_on = ordered[0].on
    extension = sum(e.days for e in ordered if e.kind == "extend")
    intervals, open_since = _intervals(ordered[1:], today)
    stopped = sum(calendar.working_days_between(s, r) for s, r in intervals)
    # Working days counted up to today: those after acceptance, minus those inside stops (up to today).
    stopped_to_today = sum(calendar.working_days_between(s, min(r, today)) for s, r in intervals if s < today)
    used = max(0, calendar.working_days_between(accepted_on, today) - stopped_to_today)
    total = limit_days + extension
    due, due_not_known = None, False
    if open_since is None:
        try:
            due = calendar.add_working_days(accepted_on, total + stopped)
        except CalendarNotLoaded:
            due_not_known = True
    colour: Colour
    if used > total or (due is not None and today > due):
        colour = "red"
    elif total > 0 and used * 3 >= total * 2:
        colour = "yellow"
    else:
        colour = "green"
    return ClockState(
        accepted_on=accepted_on,
        limit_days=limit_days,
        extension_days=extension,
        stopped_days=stopped,
        used_days=used,
        running=open_since is None,
        stopped_since=open_since,
        due_on=due,
        colour=colour,
        due_not_known=due_not_known,
    )


def acceptance_deadline(received_on: dt.date, *, calendar: WorkingCalendar) -> dt.date:
    """The last day a notice (accept, refuse, corrections) may be given: 5 working days after receipt."""
    return calendar.add_working_days(received_on, ACCEPTANCE_PERIOD_DAYS)


def is_deemed_accepted(received_on: dt.date, *, today: dt.date, calendar: WorkingCalendar) -> bool:
    """《行政许可法》第32条: no notice by the end of the 5th working day → accepted on receipt."""
    return today > acceptance_deadline(received_on, calendar=calendar)
