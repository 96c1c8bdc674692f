"""An indicator's values added up over agencies, period by period (pure, over aggregate.py).

Each stored value becomes an aggregate.Contribution and the contributions of a period are
summed: a ratio from its summed numerators and denominators (never an average of the
agencies' percentages), counts and money as their sum, a yes/no indicator as the number of
agencies that answered yes.

Which rows are added up is the caller's choice (api.get_series): `as_was` takes the values of
the agency's own subtree (the 63 provinces before 1 July 2025, the 34 after); `as_is` also takes
those of the legacy provinces whose successor (Agency.successor) is in the subtree, and passes
them through aggregate.regroup first, so a series of today's Phú Thọ runs on before the merger
with the figures of the three provinces that formed it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from dxgov.reporting import aggregate

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


def contribution(row: Row, value_type: str) -> aggregate.Contribution | None:
    """What one stored value adds (None: nothing usable stored)."""
    if value_type == "ratio":
        if row.numerator is None or row.denominator is None:
            return None
        return aggregate.ratio_contribution(row.numerator, row.denominator)
    if row.value is None:
        return None
    if value_type == "boolean":
        return aggregate.boolean_contribution(bool(row.value))
    return aggregate.count_contribution(row.value)


def points(
    rows: Iterable[Row],
    periods: Iterable[str],
    *,
    value_type: str,
    factor: int = 1,
    successor_of: Mapping[str, str] | None = None,
) -> list[Point]:
    """One point per period (in the order given): the total of that period's rows.

    `successor_of` (as-is): legacy agencies whose values move to their successor; every other
    agency maps to itself.
    """
    by_period: dict[str, dict[str, aggregate.Contribution]] = defaultdict(dict)
    for row in rows:
        item = contribution(row, value_type)
        if item is not None:
            agencies = by_period[row.period]
            agencies[row.agency] = agencies.get(row.agency, aggregate.ZERO) + item
    result = []
    for period in periods:
        by_agency = by_period.get(period, {})
        if successor_of is not None:
            mapping = {agency: successor_of.get(agency, agency) for agency in by_agency}
            by_agency = aggregate.regroup(by_agency, mapping)
        summed = aggregate.total(by_agency.values())
        if summed.reporting == 0:
            result.append(Point(period, None, None, None, 0))
        elif value_type == "ratio":
            rate = aggregate.ratio(summed, factor)
            result.append(
                Point(
                    period,
                    rate.quantize(SIX_PLACES, ROUND_HALF_UP) if rate is not None else None,
                    summed.numerator,
                    summed.denominator,
                    summed.reporting,
                )
            )
        else:
            result.append(Point(period, summed.numerator, None, None, summed.reporting))
    return result
