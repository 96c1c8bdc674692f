"""An indicator's values added up over agencies, period by period (pure).

A ratio is added up by its parts: the numerators are summed, the denominators are summed, and
the value is the one quotient (× factor), never an average of the agencies' percentages. Counts
and money are summed; a yes/no indicator counts the agencies that answered yes.

Which rows are added up is the caller's choice (api.series): across the merger of 1 July 2025,
`as_was` takes the values of the agency's own subtree (the 63 provinces before, the 34 after);
`as_is` adds the values of the legacy provinces whose successor (Agency.successor) is in the
subtree, so a series of today's Phú Thọ runs on before the merger with the figures of the three
provinces that formed it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

SIX_PLACES = Decimal("0.000001")


@dataclass(frozen=True)
class Row:
    """One stored value: which agency and period, its value or numerator and denominator."""

    agency: str
    period: str
    value: Decimal | None
    numerator: Decimal | None = None
    denominator: Decimal | None = None


@dataclass(frozen=True)
class Point:
    period: str
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    reporting: int


def rollup(
    rows: Iterable[Row], periods: Iterable[str], *, ratio: bool, factor: int = 1
) -> list[Point]:
    """One point per period (in the order given): the sum over the rows of that period."""
    by_period: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        by_period[row.period].append(row)
    points = []
    for period in periods:
        items = by_period.get(period, [])
        if ratio:
            parts = [r for r in items if r.numerator is not None and r.denominator is not None]
            if not parts:
                points.append(Point(period, None, None, None, 0))
                continue
            numerator = sum((r.numerator for r in parts if r.numerator is not None), Decimal(0))
            denominator = sum(
                (r.denominator for r in parts if r.denominator is not None), Decimal(0)
            )
            value = (
                (numerator / denominator * factor).quantize(SIX_PLACES, ROUND_HALF_UP)
                if denominator
                else None
            )
            points.append(Point(period, value, numerator, denominator, len(parts)))
        else:
            values = [r.value for r in items if r.value is not None]
            total = sum(values, Decimal(0)) if values else None
            points.append(Point(period, total, None, None, len(values)))
    return points
