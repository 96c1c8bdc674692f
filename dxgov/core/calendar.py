"""Working days in Viet Nam: the one calendar every deadline is counted in.

Pure (no ORM). Reporting deadlines (Decree 09/2019: N working days after the cut-off) and
Decision 766's (a dossier's processing time in working days, petitions handled within 15
working days, procedures announced and posted within N working days) are all counted here.

A `WorkingCalendar` holds the days off (the statutory public holidays of the years concerned
and the days off coordinators configure: compensatory days, nghỉ bù, and the Government's
yearly swaps) and the make-up working days (làm bù: a weekend day declared a working day). A
working day is Monday to Friday and not a day off, or a make-up working day.
`dxgov.core.holidays.calendar_for(years)` builds the calendar from the statutory table and the
configured `Holiday` rows; `vietnam_public_holidays(year)` gives the statutory days alone
(Labour Code 2019 Art. 112).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
"""Deadlines are counted in days of Viet Nam's calendar."""

_MEMO_LIMIT = 65_536


@dataclass(frozen=True)
class WorkingCalendar:
    """Monday to Friday, minus the days off in `holidays`, plus the make-up working days."""

    holidays: frozenset[date] = frozenset()
    make_up_days: frozenset[date] = frozenset()
    # The n-th working day after a day, by (day, n): every dossier received on one day with one
    # processing time has the same deadline day, and ingestion asks for it per record.
    _after: dict[tuple[date, int], date] = field(
        default_factory=dict, init=False, compare=False, hash=False, repr=False
    )

    def is_working_day(self, day: date) -> bool:
        if day in self.make_up_days:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def working_day_after(self, day: date, n: int) -> date:
        """The `n`-th working day after `day` (`day` itself is never counted; n = 0: `day`)."""
        key = (day, n)
        found = self._after.get(key)
        if found is None:
            found = day
            remaining = n
            while remaining > 0:
                found += timedelta(days=1)
                if self.is_working_day(found):
                    remaining -= 1
            if len(self._after) >= _MEMO_LIMIT:
                self._after.clear()
            self._after[key] = found
        return found

    def working_day_before(self, day: date, n: int) -> date:
        """The `n`-th working day before `day` (n = 0: `day`)."""
        remaining = n
        while remaining > 0:
            day -= timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def add_working_days(self, day: date, n: int) -> date:
        """A deadline `n` working days after `day`, which always falls on a working day.

        n ≥ 1: the `n`-th working day after `day`; n = 0: `day` itself when it is a working
        day, else the next working day (a deadline "0 working days after" a Sunday cut-off is
        the Monday). Negative `n` is refused.
        """
        if n < 0:
            raise ValueError(_("The number of working days cannot be negative."))
        if n == 0:
            while not self.is_working_day(day):
                day += timedelta(days=1)
            return day
        return self.working_day_after(day, n)

    def add_working_days_at(self, moment: datetime, n: int) -> datetime:
        """`moment` plus `n` working days, at the same local time of day (Viet Nam).

        Each step moves to the next working day, so Friday 10:00 + 1 = Monday 10:00 and
        Saturday 10:00 + 1 = Monday 10:00; n = 0 is `moment` itself.
        """
        local = moment.astimezone(TZ)
        return datetime.combine(self.working_day_after(local.date(), n), local.timetz())


def calendar_of(
    days_off: Iterable[date] = (), make_up_days: Iterable[date] = ()
) -> WorkingCalendar:
    """A calendar from any iterables of days (a set, a dict of holidays, a list)."""
    return WorkingCalendar(frozenset(days_off), frozenset(make_up_days))


def statutory_calendar(years: Iterable[int]) -> WorkingCalendar:
    """The statutory public holidays of those years alone (no configured day), for pure callers
    without the database; years outside the built-in tables have none."""
    days: set[date] = set()
    for year in years:
        days |= statutory_days(year)
    return WorkingCalendar(frozenset(days))


def years_around(days: Iterable[date]) -> set[int]:
    """The years a calendar for deadlines starting on `days` covers: each day's year and the
    next (a deadline runs at most a few weeks into the next year, but for rare processing times
    of over a year, which beyond it skip weekends only)."""
    years = {day.year for day in days}
    return years | {year + 1 for year in years}


@lru_cache(maxsize=256)
def statutory_days(year: int) -> frozenset[date]:
    """The dates of `vietnam_public_holidays(year)`; empty outside the built-in tables."""
    if year not in TET or year not in HUNG_KINGS:
        return frozenset()
    return frozenset(vietnam_public_holidays(year))


class HolidayYearNotCovered(ValueError):
    """The built-in holiday tables do not cover the year (lunar holidays are tabulated)."""

    def __init__(self, message: str, *, year: int) -> None:
        super().__init__(message)
        self.message = message
        self.year = year


# Solar dates of the 1st day of the 1st lunar month (Tết Nguyên đán) and of the 10th day of the
# 3rd lunar month (Giỗ Tổ Hùng Vương) in Viet Nam (UTC+7). Computed with Hồ Ngọc Đức's
# published Vietnamese lunar calendar algorithm (https://www.informatik.uni-leipzig.de/~duc/amlich/,
# "calrules") and checked against the dates announced for 2015–2026 (e.g. Tết 2024-02-10,
# 2025-01-29, 2026-02-17; Hùng Kings 2023-04-29, 2025-04-07, 2026-04-26). Note 2030: Viet Nam's
# Tết is 2 Feb, a day before China's, because the new moon falls before midnight at UTC+7.
TET: dict[int, date] = {
    2015: date(2015, 2, 19),
    2016: date(2016, 2, 8),
    2017: date(2017, 1, 28),
    2018: date(2018, 2, 16),
    2019: date(2019, 2, 5),
    2020: date(2020, 1, 25),
    2021: date(2021, 2, 12),
    2022: date(2022, 2, 1),
    2023: date(2023, 1, 22),
    2024: date(2024, 2, 10),
    2025: date(2025, 1, 29),
    2026: date(2026, 2, 17),
    2027: date(2027, 2, 6),
    2028: date(2028, 1, 26),
    2029: date(2029, 2, 13),
    2030: date(2030, 2, 2),
    2031: date(2031, 1, 23),
    2032: date(2032, 2, 11),
    2033: date(2033, 1, 31),
    2034: date(2034, 2, 19),
    2035: date(2035, 2, 8),
    2036: date(2036, 1, 28),
    2037: date(2037, 2, 15),
    2038: date(2038, 2, 4),
    2039: date(2039, 1, 24),
    2040: date(2040, 2, 12),
}

HUNG_KINGS: dict[int, date] = {
    2015: date(2015, 4, 28),
    2016: date(2016, 4, 16),
    2017: date(2017, 4, 6),
    2018: date(2018, 4, 25),
    2019: date(2019, 4, 14),
    2020: date(2020, 4, 2),
    2021: date(2021, 4, 21),
    2022: date(2022, 4, 10),
    2023: date(2023, 4, 29),
    2024: date(2024, 4, 18),
    2025: date(2025, 4, 7),
    2026: date(2026, 4, 26),
    2027: date(2027, 4, 16),
    2028: date(2028, 4, 4),
    2029: date(2029, 4, 23),
    2030: date(2030, 4, 12),
    2031: date(2031, 4, 1),
    2032: date(2032, 4, 19),
    2033: date(2033, 4, 9),
    2034: date(2034, 4, 28),
    2035: date(2035, 4, 17),
    2036: date(2036, 4, 6),
    2037: date(2037, 4, 24),
    2038: date(2038, 4, 13),
    2039: date(2039, 4, 3),
    2040: date(2040, 4, 20),
}

# National Day is 2 Sep plus one adjacent day (before or after) that the Prime Minister picks each
# year (Labour Code 2019 Art. 112(1)(đ), from 2021). Without an announcement we take 1 Sep, the day
# before; the years below are the announced exceptions that we could confirm (2024: the public
# sector was off Sat 31 Aug to Tue 3 Sep, the adjacent day being 3 Sep).
LABOUR_CODE_2019_FROM = 2021
"""The Labour Code 2019 applies from 1 Jan 2021; before, National Day was 2 Sep alone."""

NATIONAL_DAY_ADJACENT: dict[int, date] = {
    2024: date(2024, 9, 3),
}


def vietnam_public_holidays(year: int) -> dict[date, str]:
    """The statutory public holidays of ``year`` (Labour Code 2019 Art. 112), date → name.

    New Year's Day; Tết (the last day of the lunar year and the 1st–4th days of the new one, 5
    days); the Hùng Kings' commemoration (10th day of the 3rd lunar month); 30 April; 1 May;
    National Day (2 Sep, and from 2021 an adjacent day, see ``NATIONAL_DAY_ADJACENT``; the Labour
    Code 2012 in force until 2020 gave 2 Sep alone, with the same 5 days of Tết). Compensatory days
    off (nghỉ bù) and announced swaps are not included: configure them as extra holidays.
    Raises ``HolidayYearNotCovered`` outside the lunar tables (2015–2040).
    """
    if year not in TET or year not in HUNG_KINGS:
        raise HolidayYearNotCovered(
            _(
                "Public holidays are only built in for %(first)s–%(last)s; "
                "configure the holidays of %(year)s by hand."
            )
            % {"first": min(TET), "last": max(TET), "year": year},
            year=year,
        )
    tet = TET[year]
    days: dict[date, str] = {
        date(year, 1, 1): _("New Year's Day"),
        tet - timedelta(days=1): _("Lunar New Year's Eve"),
    }
    for offset in range(4):
        days[tet + timedelta(days=offset)] = _("Lunar New Year (day %(day)s)") % {"day": offset + 1}
    days[HUNG_KINGS[year]] = _("Hùng Kings' Commemoration Day")
    days[date(year, 4, 30)] = _("Reunification Day")
    days[date(year, 5, 1)] = _("International Labour Day")
    days[date(year, 9, 2)] = _("National Day")
    if year >= LABOUR_CODE_2019_FROM:
        adjacent = NATIONAL_DAY_ADJACENT.get(year, date(year, 9, 1))
        days[adjacent] = _("National Day holiday")
    return dict(sorted(days.items()))
