"""Periods of Decision 766 scores (pure): months, quarters and years, and their evaluation moment.

A dossier counts in the month (Asia/Ho_Chi_Minh) in which it was received, and is evaluated
as of the end of that month (`month_as_of`): a dossier still open then ends then. Quarters and
years are sums of their months, so every figure is additive over periods and units.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from dxgov.scoring.qd766 import TZ

KINDS = ("month", "quarter", "year")


class BadPeriod(ValueError):
    def __init__(self, text: str) -> None:
        super().__init__(
            f"{text!r} is not a period: write 2026-08 (month), 2026-Q3 (quarter) or 2026 (year)."
        )


@dataclass(frozen=True, order=True)
class Period:
    kind: str  # month, quarter, year
    start: date  # first day

    @property
    def label(self) -> str:
        if self.kind == "month":
            return f"{self.start:%Y-%m}"
        if self.kind == "quarter":
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return str(self.start.year)

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


_PATTERN = re.compile(r"^(\d{4})(?:-(?:(0[1-9]|1[0-2])|[Qq]([1-4])))?$")


def parse(text: str) -> Period:
    found = _PATTERN.match(text.strip())
    if not found:
        raise BadPeriod(text)
    year = int(found.group(1))
    if year < 2000 or year > 2100:
        raise BadPeriod(text)
    if found.group(2):
        return Period("month", date(year, int(found.group(2)), 1))
    if found.group(3):
        return Period("quarter", date(year, (int(found.group(3)) - 1) * 3 + 1, 1))
    return Period("year", date(year, 1, 1))


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
