"""Periods of Decision 766 scores (pure): months, quarters and years, and their evaluation moment.

A dossier counts in the month (Asia/Ho_Chi_Minh) in which it was received, and is evaluated
as of the end of that month (`month_as_of`): a dossier still open then ends then. Quarters and
years are sums of their months, so every figure is additive over periods and units.

A period is named by the platform's one period code (core.periods, as reports are: 202608,
2026Q3, 2026); the spelling scores once had (2026-08, 2026-Q3) is still read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from dxgov.core.calendar import TZ
from dxgov.core.periods import Frequency, period_code, split_code

KINDS = ("month", "quarter", "year")


class BadPeriod(ValueError):
    def __init__(self, text: str) -> None:
        super().__init__(
            f"{text!r} is not a period: write 202608 (month), 2026Q3 (quarter) or 2026 (year)."
        )


@dataclass(frozen=True, order=True)
class Period:
    kind: str  # month, quarter, year
    start: date  # first day

    @property
    def code(self) -> str:
        """The period code (core.periods): 202608, 2026Q3, 2026."""
        index = {"month": self.start.month, "quarter": (self.start.month - 1) // 3 + 1}
        return period_code(Frequency(self.kind), self.start.year, index.get(self.kind, 1))

    @property
    def months(self) -> list[date]:
        count = {"month": 1, "quarter": 3, "year": 12}[self.kind]
        return [add_months(self.start, step) for step in range(count)]

    @property
    def end(self) -> date:
        return month_end(self.months[-1])

    def previous(self) -> Period:
        step = {"month": 1, "quarter": 3, "year": 12}[self.kind]
        return Period(self.kind, add_months(self.start, -step))


def add_months(first: date, count: int) -> date:
    index = first.year * 12 + first.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def month_end(first: date) -> date:
    return add_months(first, 1) - timedelta(days=1)


def last_complete(kind: str, today: date) -> Period:
    """The latest period of this kind that has ended before `today` (the month, quarter or year
    before the running one): a running period's figures are partial."""
    return of(kind, today).previous()


def begins(period: Period) -> datetime:
    """The period's first moment, Vietnam time."""
    return datetime.combine(period.start, time(0), TZ)


def month_as_of(first: date) -> datetime:
    """The moment a month's dossiers are evaluated: its last microsecond, Vietnam time."""
    return datetime.combine(add_months(first, 1), time(0), TZ) - timedelta(microseconds=1)


def month_of(day: date) -> date:
    return date(day.year, day.month, 1)


def containing(month: date) -> list[Period]:
    """The month, quarter and year a month belongs to."""
    quarter = date(month.year, (month.month - 1) // 3 * 3 + 1, 1)
    return [
        Period("month", month),
        Period("quarter", quarter),
        Period("year", date(month.year, 1, 1)),
    ]


# The first month of each index, for the kinds of period a score has.
_FIRST_MONTH = {
    Frequency.MONTH: {m: m for m in range(1, 13)},
    Frequency.QUARTER: {q: 3 * q - 2 for q in range(1, 5)},
    Frequency.YEAR: {1: 1},
}


def parse(text: str) -> Period:
    """The period a code names (202608, 2026Q3, 2026; also 2026-08, 2026-Q3, lower case)."""
    parts = split_code(text, dashed=True)
    if parts is None:
        raise BadPeriod(text)
    frequency, year, index = parts
    month = _FIRST_MONTH.get(frequency, {}).get(index)
    if month is None or not 2000 <= year <= 2100:
        raise BadPeriod(text)
    return Period(frequency.value, date(year, month, 1))


def of(kind: str, start: date) -> Period:
    if kind not in KINDS:
        raise BadPeriod(kind)
    if kind == "month":
        return Period(kind, month_of(start))
    if kind == "quarter":
        return Period(kind, date(start.year, (start.month - 1) // 3 * 3 + 1, 1))
    return Period(kind, date(start.year, 1, 1))


def recent(kind: str, today: date, count: int) -> list[Period]:
    """The `count` periods of this kind up to the one containing `today`, oldest first."""
    current = of(kind, today)
    periods = [current]
    for _ in range(count - 1):
        periods.append(periods[-1].previous())
    return periods[::-1]
