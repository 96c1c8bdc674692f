"""An indicator's series for an agency's subtree, read from the database (see series.py).

Shared by the API (`GET /api/v1/series`) and the indicator page. Only values of approved or
accepted reports, or values not tied to a report (imported, computed), count. `as_is` adds
the values of the provinces merged on 1 July 2025 onto their successor; `as_was` keeps them
on the 63 former provinces.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Q

from dxgov.indicators.models import Indicator
from dxgov.orgunits.models import Agency
from dxgov.reporting import periods, series
from dxgov.reporting.models import FINAL_STATUSES, DataValue

VIEWS = ("as_is", "as_was")


def series_for(
    indicator: Indicator,
    agency: Agency,
    wanted: Sequence[periods.Period],
    *,
    view: str = "as_is",
) -> list[series.Point]:
    """One point per wanted period (all of one frequency), summed over the agency's subtree."""
    if not wanted:
        return []
    first, last = wanted[0], wanted[-1]
    under = Q(agency__path__startswith=agency.path)
    if view == "as_is":
        under |= Q(agency__successor__path__startswith=agency.path)
    values = (
        DataValue.objects.filter(
            under,
            indicator=indicator,
            frequency=first.frequency.value,
            period_start__gte=first.start,
            period_start__lte=last.start,
            category="",
        )
        .filter(Q(report__isnull=True) | Q(report__status__in=FINAL_STATUSES))
        .values_list(
            "agency__code",
            "period",
            "value",
            "numerator",
            "denominator",
            "agency__successor__code",
        )
    )
    rows, successor_of = [], {}
    for code, period, value, numerator, denominator, successor in values:
        rows.append(series.Row(code, period, value, numerator, denominator))
        if successor:
            successor_of[code] = successor
    return series.points(
        rows,
        [p.code for p in wanted],
        value_type=indicator.value_type,
        factor=indicator.factor,
        successor_of=successor_of if view == "as_is" else None,
    )
