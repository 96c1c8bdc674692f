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

A deadline is a number of working days after the cut-off (Khánh Hòa: 2), counted in the one
working-day calendar (``dxgov.core.calendar``: Saturdays, Sundays and public holidays off, make-up
working days on). Its ``vietnam_public_holidays`` gives the statutory days of
the Labour Code 2019 Art. 112 only; compensatory days off (nghỉ bù) and the swaps the Government
announces each year are configured by coordinators (``dxgov.core.holidays.calendar_for`` merges
them); callers pass the calendar, or a plain set of days off.
"""

from __future__ import annotations

import calendar
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from dxgov.core import formats
from dxgov.core.calendar import WorkingCalendar, calendar_of
from dxgov.core.periods import Frequency as Frequency
from dxgov.core.periods import period_code, split_code

CUTOFF_DAY = 15
"""The window of month M starts on this day of month M-1 and ends the day before it in M."""

MIN_YEAR = 1000
MAX_YEAR = 9999


class InvalidPeriod(ValueError):
    """A period code or value that does not name a reporting period; the message says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# For each frequency: the largest index, and the (first, last) month of each index.
_MONTH_SPANS: dict[Frequency, dict[int, tuple[int, int]]] = {
    Frequency.MONTH: {m: (m, m) for m in range(1, 13)},
    Frequency.QUARTER: {q: (3 * q - 2, 3 * q) for q in range(1, 5)},
    Frequency.HALF_YEAR: {1: (1, 6), 2: (7, 12)},
    Frequency.NINE_MONTHS: {1: (1, 9)},
    Frequency.YEAR: {1: (1, 12)},
}


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
        """The DHIS2-style identifier (core.periods): 202503, 2025Q1, 2025S1, 2025N9, 2025."""
        return period_code(self.frequency, self.year, self.index)

    @property
    def label_vi(self) -> str:
        """The Vietnamese name used in report titles: "Tháng 3/2025", "Quý I/2025", …"""
        return formats.period_name(self.frequency, self.year, self.index, lang="vi")

    @property
    def label_en(self) -> str:
        """The English name: "March 2025", "Q1 2025", "First half of 2025", …"""
        return formats.period_name(self.frequency, self.year, self.index, lang="en")

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


def parse_period(code: str) -> Period:
    """The period named by a code (``202503``, ``2025Q1``, ``2025S2``, ``2025N9``, ``2025``).

    Surrounding spaces and lower-case letters are accepted; ``Period.code`` gives the canonical
    form back. Raises ``InvalidPeriod`` with a message saying what a valid code looks like.
    """
    parts = split_code(code)
    if parts is not None:
        return Period(*parts)
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
# The calendar is core's (`dxgov.core.calendar`), shared with Decision 766; these are its thin
# call sites for reporting, which pass either a `WorkingCalendar` or a plain set of days off.

Holidays = WorkingCalendar | Collection[date]


def _calendar(holidays: Holidays) -> WorkingCalendar:
    return holidays if isinstance(holidays, WorkingCalendar) else calendar_of(holidays)


def is_working_day(day: date, holidays: Holidays = ()) -> bool:
    """A working day of the calendar (Monday to Friday and not in ``holidays``)."""
    return _calendar(holidays).is_working_day(day)


def add_working_days(day: date, n: int, holidays: Holidays = ()) -> date:
    """The ``n``-th working day after ``day``; n = 0: ``day`` or the next working day
    (``WorkingCalendar.add_working_days``)."""
    return _calendar(holidays).add_working_days(day, n)


def due_date(period: Period, working_days_after_cutoff: int, holidays: Holidays = ()) -> date:
    """The submission deadline: ``working_days_after_cutoff`` working days after ``cutoff_end``."""
    return add_working_days(period.cutoff_end, working_days_after_cutoff, holidays)
