"""An agency's year to date against the targets that apply to it, for the data-entry form, the
report page and the indicator page.

The comparison is the one rule of dxgov.indicators.targets (like with like: the year's sum so
far against a yearly sum, a cumulative indicator's latest value, Σ numerators ÷ Σ denominators
for a ratio); this module only reads the figures it needs. A target for other agencies (a
provincial target, seen from a ward) is not the agency's and is not shown.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Q

from dxgov.indicators import targets
from dxgov.indicators.models import Indicator, Target
from dxgov.orgunits.models import Agency
from dxgov.reporting import periods, series
from dxgov.reporting.models import FINAL_STATUSES, DataValue


@dataclass(frozen=True)
class Progress:
    """One indicator's target for the agency and the year to date judged against it."""

    target: Target
    comparison: targets.Comparison

    @property
    def basis_label(self) -> str:
        return targets.basis_label(self.comparison.basis)

    @property
    def track_label(self) -> str:
        return targets.track_label(self.comparison.track)

    @property
    def track_css(self) -> str:
        return targets.TRACK_CSS[self.comparison.track]


def _values(
    indicators: list[Indicator], agency: Agency, year: int, *, final_only: bool
) -> dict[tuple[int, int], list[targets.Value]]:
    """(indicator id, year) → the agency's own values of that year and the one before."""
    rows = DataValue.objects.filter(
        agency=agency,
        indicator__in=indicators,
        category="",
        period_start__gte=date(year - 1, 1, 1),
        period_start__lte=date(year, 12, 31),
    )
    if final_only:
        rows = rows.filter(Q(report__isnull=True) | Q(report__status__in=FINAL_STATUSES))
    periodicity = {i.pk: i.periodicity for i in indicators}
    found: dict[tuple[int, int], list[targets.Value]] = defaultdict(list)
    for indicator_id, code, frequency, value, numerator, denominator in rows.values_list(
        "indicator_id", "period", "frequency", "value", "numerator", "denominator"
    ):
        if frequency != periodicity[indicator_id]:
            continue
        period = periods.parse_period(code)
        found[(indicator_id, period.year)].append(
            targets.Value(period.index, value, numerator, denominator)
        )
    return found


def progress_for(
    indicators: Iterable[Indicator],
    agency: Agency,
    year: int,
    *,
    as_of: periods.Period | None = None,
    final_only: bool = False,
) -> dict[str, Progress]:
    """indicator code → the agency's target of the year and its year judged against it (up to
    ``as_of``, the form's period, when given). Indicators with no target for the agency are
    left out. The agency's own figures count (saved ones; only approved ones with
    ``final_only``), not its subtree's."""
    indicators = list(indicators)
    chosen = (
        Target.objects.filter(indicator__in=indicators, year=year)
        .prefetch_related("milestones")
        .applying_to(agency)
    )
    if not chosen:
        return {}
    values = _values([i for i in indicators if i.pk in chosen], agency, year, final_only=final_only)
    result = {}
    for indicator in indicators:
        target = chosen.get(indicator.pk)
        if target is None:
            continue
        index = None
        if as_of is not None and as_of.frequency.value == indicator.periodicity:
            index = as_of.index
        comparison = targets.compare(
            basis=target.rule_basis,
            target=target.value,
            values=values.get((indicator.pk, year), []),
            before=values.get((indicator.pk, year - 1), []),
            periods=targets.periods_per_year(indicator.periodicity),
            higher_is_better=indicator.direction == "higher",
            milestones={m.quarter: m.value for m in target.milestones.all()},
            factor=indicator.factor,
            as_of=index,
        )
        result[indicator.code] = Progress(target, comparison)
    return result


def progress_of_series(
    indicator: Indicator, agency: Agency, year: int, points: Iterable[series.Point]
) -> Progress | None:
    """The agency's target of the year judged on a series already read (the indicator page's
    sums over the agency's subtree), or None when no target applies to the agency."""
    target = (
        Target.objects.filter(indicator=indicator, year=year)
        .prefetch_related("milestones")
        .applying_to(agency)
        .get(indicator.pk)
    )
    if target is None:
        return None
    by_year: dict[int, list[targets.Value]] = defaultdict(list)
    for point in points:
        period = periods.parse_period(point.period)
        if period.frequency.value == indicator.periodicity:
            by_year[period.year].append(
                targets.Value(period.index, point.value, point.numerator, point.denominator)
            )
    comparison = targets.compare(
        basis=target.rule_basis,
        target=target.value,
        values=by_year.get(year, []),
        before=by_year.get(year - 1, []),
        periods=targets.periods_per_year(indicator.periodicity),
        higher_is_better=indicator.direction == "higher",
        milestones={m.quarter: m.value for m in target.milestones.all()},
        factor=indicator.factor,
    )
    return Progress(target, comparison)


__all__ = ["Progress", "progress_for", "progress_of_series"]
