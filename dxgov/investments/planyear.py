"""Plan years, their weeks and the rule of 7 working days (pure: no ORM).

A plan year's capital is disbursed from 1 January until 31 January of the following year
(Decree 40/2020; the reference's §1.2): every figure is keyed by (plan year, as-of date),
never by calendar year alone. Dispatch 169/CĐ-TTg (2025) asks for disbursement every Friday,
so a plan year is cut into weeks ending on Fridays; the last week ends with the window, on
31 January, whatever day that is.

Circular 13/2016/TT-BKHĐT: every change (a decision, a capital plan, an accepted or disbursed
value) is recorded within 7 working days of the event, counted in the shared working-day
calendar (`core.calendar`).

The usual curve is the shape of a year's disbursement as the Ministry of Finance's monthly
reports show it: slow until mid-year, then faster, with a December surge and the January
tail. Its points are illustrative (rounded from the published national figures of recent
years), used only where a project has no schedule of its own and to read a unit's pace.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from functools import lru_cache

from dxgov.core.calendar import WorkingCalendar

FRIDAY = 4
ENTRY_WORKING_DAYS = 7
# The share of the Prime Minister's target: at least 95 % of the assigned plan disbursed.
TARGET_RATE = 95.0

# Cumulative share of the year's plan disbursed by the end of each month, January of the plan
# year to January of the next (13 points), nationally, in a usual year.
USUAL_CURVE: tuple[float, ...] = (
    0.02,
    0.05,
    0.10,
    0.15,
    0.21,
    0.28,
    0.34,
    0.41,
    0.50,
    0.58,
    0.67,
    0.85,
    0.95,
)


def window(plan_year: int) -> tuple[date, date]:
    """First and last day on which the plan year's capital may be disbursed."""
    return date(plan_year, 1, 1), date(plan_year + 1, 1, 31)


def in_window(plan_year: int, day: date) -> bool:
    start, end = window(plan_year)
    return start <= day <= end


def week_end(day: date, plan_year: int) -> date:
    """The end of the reporting week holding `day`: the Friday on or after it, or the
    window's last day when that Friday falls beyond it."""
    friday = day + timedelta(days=(FRIDAY - day.weekday()) % 7)
    return min(friday, window(plan_year)[1])


@lru_cache(maxsize=64)
def week_ends(plan_year: int) -> tuple[date, ...]:
    """Every week's end in the plan year's window, in order (about 57)."""
    start, end = window(plan_year)
    ends = []
    day = week_end(start, plan_year)
    while day < end:
        ends.append(day)
        day += timedelta(days=7)
    ends.append(end)
    return tuple(ends)


@lru_cache(maxsize=64)
def _previous_weeks(plan_year: int) -> dict[date, date]:
    ends = week_ends(plan_year)
    before = window(plan_year)[0] - timedelta(days=1)
    return dict(zip(ends, (before, *ends[:-1]), strict=True))


def previous_week_end(plan_year: int, week: date) -> date:
    """The end of the week before `week` (the day before the window for the first week)."""
    return _previous_weeks(plan_year)[week]


def week_number(day: date, plan_year: int) -> int:
    """1 for the window's first week, and so on (a day outside the window is refused)."""
    if not in_window(plan_year, day):
        raise ValueError(f"{day} is outside plan year {plan_year}")
    first = week_end(window(plan_year)[0], plan_year)
    return (week_end(day, plan_year) - first).days // 7 + 1


def current_plan_year(today: date) -> int:
    """In January the previous plan year is still being disbursed; it is the one reported
    until the window closes. From February, this year's."""
    return today.year - 1 if today.month == 1 else today.year


@lru_cache(maxsize=64)
def month_ends(plan_year: int) -> tuple[date, ...]:
    """The 13 month ends of the window (the schedule's and the usual curve's points)."""
    ends = []
    for offset in range(13):
        year, month = plan_year + (offset // 12), offset % 12 + 1
        following = date(year + (month // 12), month % 12 + 1, 1)
        ends.append(following - timedelta(days=1))
    return tuple(ends)


def interpolate(points: Sequence[tuple[date, float]], day: date) -> float:
    """A cumulative curve's value on `day`, straight between its points (0 before the first
    month's start, the last value after the last point)."""
    if not points:
        return 0.0
    previous_day, previous = points[0][0].replace(day=1) - timedelta(days=1), 0.0
    for point_day, value in points:
        if day <= point_day:
            span = (point_day - previous_day).days
            done = (day - previous_day).days
            if span <= 0 or done <= 0:
                return previous if done <= 0 else value
            return previous + (value - previous) * done / span
        previous_day, previous = point_day, value
    return previous


@lru_cache(maxsize=4096)
def usual_share(plan_year: int, day: date) -> float:
    """The usual cumulative share of the plan disbursed by `day` (0 to 0.95)."""
    return interpolate(list(zip(month_ends(plan_year), USUAL_CURVE, strict=True)), day)


def entry_deadline(event: date, calendar: WorkingCalendar) -> date:
    """The last day an event may be recorded on time: the 7th working day after it."""
    return calendar.working_day_after(event, ENTRY_WORKING_DAYS)


def is_late(event: date, entered: date, calendar: WorkingCalendar) -> bool:
    return entered > entry_deadline(event, calendar)
