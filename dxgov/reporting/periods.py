"""Reporting periods of Decree 09/2019/NĐ-CP, their cut-off windows, working days and deadlines.

Pure: plain values in and out, no ORM (vietnam-rules §1, glossary "Indicators and reporting").

A period has a *calendar span* (``start``..``end``, the months it is named after) and a *data
cut-off window* (``cutoff_start``..``cutoff_end``, Art. 12): a month M covers the 15th of M-1 to
the 14th of M, so the window of January 2025 starts on 15 Dec 2024. The longer periods are unions
of consecutive month windows (``months()``), which is what cumulative values and aggregation across
frequencies rely on:

=================  ======  ==============================================
frequency          code    cut-off window
=================  ======  ==============================================
month M            202503  15th of M-1 → 14th of M
quarter            2025Q1  15th of the month before the quarter → 14th of its last month
first half         2025S1  15 Dec of the prior year → 14 Jun
second half        2025S2  15 Jun → 14 Dec
nine months        2025N9  15 Dec of the prior year → 14 Sep (provincial practice)
year               2025    15 Dec of the prior year → 14 Dec
=================  ======  ==============================================

Codes follow DHIS2's period identifiers where DHIS2 has one (``202503``, ``2025Q1``, ``2025S1``,
``2025``); the nine-month report has none, so it is ``2025N9``.

A deadline is a number of working days after the cut-off (Khánh Hòa: 2). Working days skip
Saturdays, Sundays and public holidays. ``vietnam_public_holidays`` gives the statutory days of the
Labour Code 2019 Art. 112 only: compensatory days off (nghỉ bù) when a holiday falls on a weekend,
and the swaps the Government announces each year, are NOT modelled here. Coordinators configure
those as extra holidays; callers pass the merged set.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from django.utils.translation import gettext as _

CUTOFF_DAY = 15
"""The window of month M starts on this day of month M-1 and ends the day before it in M."""

MIN_YEAR = 1000
MAX_YEAR = 9999


class Frequency(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    HALF_YEAR = "half_year"
    NINE_MONTHS = "nine_months"
    YEAR = "year"


class InvalidPeriod(ValueError):
    """A period code or value that does not name a reporting period; the message says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class HolidayYearNotCovered(ValueError):
    """The built-in holiday tables do not cover the year (lunar holidays are tabulated)."""

    def __init__(self, message: str, *, year: int) -> None:
        super().__init__(message)
        self.message = message
        self.year = year


# For each frequency: the largest index, and the (first, last) month of each index.
_MONTH_SPANS: dict[Frequency, dict[int, tuple[int, int]]] = {
    Frequency.MONTH: {m: (m, m) for m in range(1, 13)},
    Frequency.QUARTER: {q: (3 * q - 2, 3 * q) for q in range(1, 5)},
    Frequency.HALF_YEAR: {1: (1, 6), 2: (7, 12)},
    Frequency.NINE_MONTHS: {1: (1, 9)},
    Frequency.YEAR: {1: (1, 12)},
}

_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
_MONTH_NAMES_EN = [
    "",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


@dataclass(frozen=True, order=True)
class Period:
    """One reporting period: ``index`` is the month (1–12), quarter (1–4), half (1–2), or 1."""

    frequency: Frequency
    year: int
    index: int = 1

    def __post_init__(self) -> None:
        try:
            frequency = Frequency(self.frequency)
        except ValueError:
            raise InvalidPeriod(
                _("Unknown reporting frequency “%(frequency)s”.") % {"frequency": self.frequency}
            ) from None
        object.__setattr__(self, "frequency", frequency)
        if isinstance(self.year, bool) or not isinstance(self.year, int):
            raise InvalidPeriod(_("The year of a period must be a whole number."))
        if isinstance(self.index, bool) or not isinstance(self.index, int):
            raise InvalidPeriod(_("The index of a period must be a whole number."))
        if not MIN_YEAR <= self.year <= MAX_YEAR:
            raise InvalidPeriod(
                _("The year %(year)s is out of range: use a four-digit year.") % {"year": self.year}
            )
        spans = _MONTH_SPANS[frequency]
        if self.index not in spans:
            raise InvalidPeriod(
                _("A %(frequency)s period has an index from 1 to %(last)s, not %(index)s.")
                % {"frequency": frequency.value, "last": len(spans), "index": self.index}
            )

    # --- naming -------------------------------------------------------------------------

    @property
    def code(self) -> str:
        """The DHIS2-style identifier: 202503, 2025Q1, 2025S1, 2025S2, 2025N9, 2025."""
        if self.frequency == Frequency.MONTH:
            return f"{self.year:04d}{self.index:02d}"
        if self.frequency == Frequency.QUARTER:
            return f"{self.year:04d}Q{self.index}"
        if self.frequency == Frequency.HALF_YEAR:
            return f"{self.year:04d}S{self.index}"
        if self.frequency == Frequency.NINE_MONTHS:
            return f"{self.year:04d}N9"
        return f"{self.year:04d}"

    @property
    def label_vi(self) -> str:
        """The Vietnamese name used in report titles: "Tháng 3/2025", "Quý I/2025", …"""
        if self.frequency == Frequency.MONTH:
            return f"Tháng {self.index}/{self.year}"
        if self.frequency == Frequency.QUARTER:
            return f"Quý {_ROMAN[self.index]}/{self.year}"
        if self.frequency == Frequency.HALF_YEAR:
            half = "đầu" if self.index == 1 else "cuối"
            return f"6 tháng {half} năm {self.year}"
        if self.frequency == Frequency.NINE_MONTHS:
            return f"9 tháng năm {self.year}"
        return f"Năm {self.year}"

    @property
    def label_en(self) -> str:
        """The English name: "March 2025", "Q1 2025", "First half of 2025", …"""
        if self.frequency == Frequency.MONTH:
            return f"{_MONTH_NAMES_EN[self.index]} {self.year}"
        if self.frequency == Frequency.QUARTER:
            return f"Q{self.index} {self.year}"
        if self.frequency == Frequency.HALF_YEAR:
            half = "First" if self.index == 1 else "Second"
            return f"{half} half of {self.year}"
        if self.frequency == Frequency.NINE_MONTHS:
            return f"Nine months of {self.year}"
        return f"Year {self.year}"

    def __str__(self) -> str:
        return self.code

    # --- spans --------------------------------------------------------------------------

    @property
    def _month_span(self) -> tuple[int, int]:
        return _MONTH_SPANS[self.frequency][self.index]

    @property
    def start(self) -> date:
        """First day of the calendar span (1 Jan for Q1, 1 Jul for S2, …)."""
        return date(self.year, self._month_span[0], 1)

    @property
    def end(self) -> date:
        """Last day of the calendar span."""
        last_month = self._month_span[1]
        return date(self.year, last_month, calendar.monthrange(self.year, last_month)[1])

    @property
    def cutoff_start(self) -> date:
        """First day of the data window (Art. 12): the 15th of the month before the first month."""
        first_month = self._month_span[0]
        if first_month == 1:
            return date(self.year - 1, 12, CUTOFF_DAY)
        return date(self.year, first_month - 1, CUTOFF_DAY)

    @property
    def cutoff_end(self) -> date:
        """Last day of the data window (Art. 12): the 14th of the last month."""
        return date(self.year, self._month_span[1], CUTOFF_DAY - 1)

    def contains(self, day: date) -> bool:
        """Whether ``day`` lies in this period's cut-off window."""
        return self.cutoff_start <= day <= self.cutoff_end

    def months(self) -> list[Period]:
        """The month periods whose cut-off windows together make up this one, in order."""
        first, last = self._month_span
        return [Period(Frequency.MONTH, self.year, m) for m in range(first, last + 1)]

    # --- stepping -----------------------------------------------------------------------

    def next(self) -> Period:
        """The following period of the same frequency (nine-month and year periods step a year)."""
        if self.index < len(_MONTH_SPANS[self.frequency]):
            return Period(self.frequency, self.year, self.index + 1)
        return Period(self.frequency, self.year + 1, 1)

    def previous(self) -> Period:
        """The preceding period of the same frequency."""
        if self.index > 1:
            return Period(self.frequency, self.year, self.index - 1)
        return Period(self.frequency, self.year - 1, len(_MONTH_SPANS[self.frequency]))


_CODE_PATTERNS: list[tuple[re.Pattern[str], Frequency]] = [
    (re.compile(r"(\d{4})(\d{2})", re.ASCII), Frequency.MONTH),
    (re.compile(r"(\d{4})Q(\d)", re.ASCII), Frequency.QUARTER),
    (re.compile(r"(\d{4})S(\d)", re.ASCII), Frequency.HALF_YEAR),
    (re.compile(r"(\d{4})N(9)", re.ASCII), Frequency.NINE_MONTHS),
    (re.compile(r"(\d{4})()", re.ASCII), Frequency.YEAR),
]


def parse_period(code: str) -> Period:
    """The period named by a code (``202503``, ``2025Q1``, ``2025S2``, ``2025N9``, ``2025``).

    Surrounding spaces and lower-case letters are accepted; ``Period.code`` gives the canonical
    form back. Raises ``InvalidPeriod`` with a message saying what a valid code looks like.
    """
    text = code.strip().upper() if isinstance(code, str) else ""
    for pattern, frequency in _CODE_PATTERNS:
        match = pattern.fullmatch(text)
        if match is None:
            continue
        year = int(match.group(1))
        index = 1 if frequency in (Frequency.NINE_MONTHS, Frequency.YEAR) else int(match.group(2))
        return Period(frequency, year, index)
    raise InvalidPeriod(
        _(
            "“%(code)s” is not a reporting period. Use 202503 for a month, 2025Q1 for a quarter, "
            "2025S1 or 2025S2 for a half-year, 2025N9 for nine months or 2025 for a year."
        )
        % {"code": code}
    )


def _month_containing(day: date) -> Period:
    if day.day >= CUTOFF_DAY:
        if day.month == 12:
            return Period(Frequency.MONTH, day.year + 1, 1)
        return Period(Frequency.MONTH, day.year, day.month + 1)
    return Period(Frequency.MONTH, day.year, day.month)


def _period_of_month(frequency: Frequency, month: Period) -> Period | None:
    for index, (first, last) in _MONTH_SPANS[Frequency(frequency)].items():
        if first <= month.index <= last:
            return Period(frequency, month.year, index)
    return None


def period_containing(frequency: Frequency, day: date) -> Period:
    """The period of ``frequency`` whose cut-off window contains ``day``.

    15 Dec 2024 belongs to January 2025, Q1 2025 and year 2025. Days from 15 Sep to 14 Dec fall in
    no nine-month window: ``InvalidPeriod`` is raised for them.
    """
    found = _period_of_month(frequency, _month_containing(day))
    if found is None:
        raise InvalidPeriod(
            _("%(day)s is outside every nine-month window (15 Dec to 14 Sep).")
            % {"day": day.isoformat()}
        )
    return found


def periods_between(frequency: Frequency, first_day: date, last_day: date) -> list[Period]:
    """Every period of ``frequency`` whose cut-off window overlaps ``first_day``..``last_day``.

    In order, without repeats; empty when ``last_day`` is before ``first_day``.
    """
    if last_day < first_day:
        return []
    month = _month_containing(first_day)
    last_month = _month_containing(last_day)
    found: list[Period] = []
    while month <= last_month:
        period = _period_of_month(frequency, month)
        if period is not None and (not found or found[-1] != period):
            found.append(period)
        month = month.next()
    return found


# --- working days and holidays ------------------------------------------------------------


def is_working_day(day: date, holidays: Collection[date] = ()) -> bool:
    """Monday to Friday and not in ``holidays``."""
    return day.weekday() < 5 and day not in holidays


def add_working_days(day: date, n: int, holidays: Collection[date] = ()) -> date:
    """The ``n``-th working day after ``day`` (``day`` itself is never counted for n ≥ 1).

    ``n = 0`` means ``day`` itself when it is a working day, else the next working day: a deadline
    "0 working days after" a Sunday cut-off is the Monday. Negative ``n`` is refused.
    """
    if n < 0:
        raise ValueError(_("The number of working days cannot be negative."))
    current = day
    if n == 0:
        while not is_working_day(current, holidays):
            current += timedelta(days=1)
        return current
    remaining = n
    while remaining:
        current += timedelta(days=1)
        if is_working_day(current, holidays):
            remaining -= 1
    return current


def due_date(
    period: Period, working_days_after_cutoff: int, holidays: Collection[date] = ()
) -> date:
    """The submission deadline: ``working_days_after_cutoff`` working days after ``cutoff_end``."""
    return add_working_days(period.cutoff_end, working_days_after_cutoff, holidays)


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
