"""The working-day calendar of some years, from the statutory table and the configured days
(`Holiday` rows): what every deadline, reporting's and Decision 766's, is counted in."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from dxgov.core.calendar import WorkingCalendar, statutory_days
from dxgov.core.models import Holiday

# Equal calendars are handed out as one object, so that its memo of working days (see
# `WorkingCalendar.working_day_after`) serves batch after batch.
_SEEN: dict[WorkingCalendar, WorkingCalendar] = {}


def calendar_for(years: Iterable[int]) -> WorkingCalendar:
    """Statutory holidays of those years plus the configured days off; the configured working
    days (làm bù, or a statutory holiday cancelled) are working days. One query."""
    wanted = sorted(set(years))
    days_off: set[date] = set()
    for year in wanted:
        # Outside the built-in tables, only the configured days count.
        days_off |= statutory_days(year)
    make_up: set[date] = set()
    for day, working in Holiday.objects.filter(day__year__in=wanted).values_list("day", "working"):
        if working:
            days_off.discard(day)
            make_up.add(day)
        else:
            days_off.add(day)
    calendar = WorkingCalendar(frozenset(days_off), frozenset(make_up))
    if len(_SEEN) > 64:
        _SEEN.clear()
    return _SEEN.setdefault(calendar, calendar)
