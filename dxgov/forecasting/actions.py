"""Recomputing every forecast: the one writer of dxgov.forecasting.models.Forecast.

For every target (draft or approved) of an active indicator and every agency it applies to
(by the target's scope, indicators/targets.py: its own agency; every current agency of its
kind — of its level when it names one —, unless the agency has a more specific target; or, for
a national target, each root of the agency tree), the agency's series is read from the data
values and handed to the pure module forecast.py. A target on a sum, an average or a ratio of
sums is judged on its year's figure: what is reported of the year plus the projection of its
coming periods (targets.projection_parts, forecast.YearTotal). All rows are replaced in one
transaction with one audit event that counts the results by status.

Which values count: the indicator's own frequency, no disaggregation (category ""), and either
not tied to a report or tied to an approved or accepted one. An agency's figure for a period
is its own value when it reported one, otherwise the sum over its subtree (numerators and
denominators summed, a ratio computed once from the totals: reporting/aggregate.py). The
national series (for short series' fallback) is the roots' figures.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation

from dxgov.audit.models import EventType
from dxgov.audit.record import record
from dxgov.forecasting import forecast as fc
from dxgov.forecasting import signals
from dxgov.forecasting.models import Forecast
from dxgov.indicators import targets as target_rules
from dxgov.indicators.models import Indicator, Target, ValueType
from dxgov.orgunits.models import Agency
from dxgov.reporting import aggregate
from dxgov.reporting.models import FINAL_STATUSES, DataValue

MONTHS_PER_PERIOD = {"month": 1, "quarter": 3, "half_year": 6, "year": 12}


@dataclass
class RecomputeSummary:
    series: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


@dataclass(frozen=True)
class _Tree:
    parent_of: dict[int, int | None]
    roots: list[int]
    by_kind: dict[str, list[int]]
    facts: dict[int, target_rules.AgencyFacts]


def _tree() -> _Tree:
    parent_of: dict[int, int | None] = {}
    by_kind: dict[str, list[int]] = defaultdict(list)
    kinds: dict[int, tuple[str, str]] = {}
    rows = Agency.objects.current().values_list("pk", "parent_id", "kind", "orgunit__level")
    for pk, parent, kind, level in rows:
        parent_of[pk] = parent
        by_kind[kind].append(pk)
        kinds[pk] = (kind, level or "")
    roots = [pk for pk, parent in parent_of.items() if parent is None or parent not in parent_of]
    facts = {
        pk: target_rules.AgencyFacts(pk, kind, level, is_root=pk in roots)
        for pk, (kind, level) in kinds.items()
    }
    return _Tree(parent_of, sorted(roots), dict(by_kind), facts)


@dataclass(frozen=True)
class _Point:
    period: int  # forecast.period_index
    figure: float
    part: aggregate.Contribution  # what the figure is made of (a ratio's two sums)


def _contribution(indicator: Indicator, row: tuple[Any, ...]) -> aggregate.Contribution | None:
    value, numerator, denominator = row
    if indicator.value_type == ValueType.RATIO:
        if numerator is None or denominator is None:
            return None
        return aggregate.ratio_contribution(numerator, denominator)
    if value is None:
        return None
    if indicator.value_type == ValueType.BOOLEAN:
        return aggregate.boolean_contribution(value != 0)
    return aggregate.count_contribution(value)


def _figure(indicator: Indicator, total: aggregate.Contribution) -> float | None:
    if indicator.value_type == ValueType.RATIO:
        value = aggregate.ratio(total, indicator.factor)
    elif indicator.value_type == ValueType.BOOLEAN:
        value = aggregate.ratio(total, 100)
    else:
        value = total.numerator
    return None if value is None else float(value)


def _series(indicator: Indicator, agencies: set[int], tree: _Tree) -> dict[int, list[_Point]]:
    """Each wanted agency's points, in period order."""
    months = MONTHS_PER_PERIOD[indicator.periodicity]
    own: dict[int, dict[int, aggregate.Contribution]] = defaultdict(dict)  # period → agency
    rows = (
        DataValue.objects.filter(
            indicator=indicator, frequency=indicator.periodicity, category="", agency__valid_to=None
        )
        .filter(Q(report__isnull=True) | Q(report__status__in=FINAL_STATUSES))
        .values_list("agency_id", "period_start", "value", "numerator", "denominator")
    )
    for agency_id, start, *parts in rows.iterator(chunk_size=5000):
        contribution = _contribution(indicator, tuple(parts))
        if contribution is not None:
            own[fc.period_index(start, months)][agency_id] = contribution
    result: dict[int, list[_Point]] = defaultdict(list)
    for period in sorted(own):
        values = own[period]
        # Only the reporting agencies and their ancestors take part in the roll-up (keyed by
        # the agencies' ids as text, as aggregate.rollup names units).
        parent_of: dict[str, str | None] = {}
        for agency_id in values:
            current: int | None = agency_id
            while current is not None and str(current) not in parent_of:
                parent = tree.parent_of.get(current)
                parent_of[str(current)] = None if parent is None else str(parent)
                current = parent
        totals = aggregate.rollup(parent_of, {str(k): v for k, v in values.items()})
        for agency_id in agencies:
            contribution = values.get(agency_id) or totals.get(str(agency_id))
            if contribution is None or contribution.reporting == 0:
                continue
            figure = _figure(indicator, contribution)
            if figure is not None:
                result[agency_id].append(_Point(period, figure, contribution))
    return result


def _bounds(indicator: Indicator) -> tuple[float | None, float | None]:
    lower = None if indicator.min_value is None else float(indicator.min_value)
    upper = None if indicator.max_value is None else float(indicator.max_value)
    if indicator.is_percent or indicator.value_type == ValueType.BOOLEAN:
        lower = 0.0 if lower is None else max(lower, 0.0)
        upper = 100.0 if upper is None else min(upper, 100.0)
    elif indicator.value_type in (ValueType.COUNT, ValueType.RATIO):
        lower = 0.0 if lower is None else max(lower, 0.0)
    return lower, upper


def _applies_to(target: Target, tree: _Tree, year_targets: list[Target]) -> list[int]:
    """The agencies a target is judged for: those it applies to by its scope, less those a
    more specific target of the same indicator and year applies to."""
    candidates = [(t.rule_scope, t.pk) for t in year_targets]
    if target.agency_id is not None:
        wanted = [target.agency_id] if target.agency_id in tree.parent_of else []
    elif target.agency_kind:
        wanted = tree.by_kind.get(target.agency_kind, [])
    else:
        wanted = list(tree.roots)
    return [pk for pk in wanted if target_rules.choose(candidates, tree.facts[pk]) == target.pk]


# Recent periods whose mean denominator weighs a ratio's coming periods.
TYPICAL_PERIODS = 12


def _year_total(target: Target, points: list[_Point], months: int) -> fc.YearTotal | None:
    """The target's year as a function of its coming periods (None: judged on one period)."""
    basis = target.rule_basis
    if basis not in target_rules.SUMMED:
        return None
    indicator = target.indicator
    first = fc.period_index(date(target.year, 1, 1), months)
    last = fc.period_index(date(target.year, 12, 1), months)
    latest = points[-1].period if points else first - 1
    ahead = tuple(range(max(first, latest + 1), last + 1))
    values = [
        target_rules.Value(
            p.period - first + 1, Decimal(repr(p.figure)), p.part.numerator, p.part.denominator
        )
        for p in points
        if first <= p.period <= last
    ]
    recent = [p.part.denominator for p in points[-TYPICAL_PERIODS:]]
    typical = sum(recent, Decimal(0)) / len(recent) if recent else None
    parts = target_rules.projection_parts(
        basis, values, ahead=len(ahead), factor=indicator.factor, typical_denominator=typical
    )
    if parts is None or parts.divisor == 0:
        return None
    return fc.YearTotal(float(parts.offset), float(parts.weight), float(parts.divisor), ahead)


def _compute(targets: Iterable[Target], now: Any) -> list[Forecast]:
    tree = _tree()
    targets = list(targets)
    by_indicator: dict[int, list[Target]] = defaultdict(list)
    for target in targets:
        by_indicator[target.indicator_id].append(target)
    rows: list[Forecast] = []
    for indicator_targets in by_indicator.values():
        indicator = indicator_targets[0].indicator
        months = MONTHS_PER_PERIOD.get(indicator.periodicity)
        if months is None:  # nine-month figures are cumulative over part of a year: no series
            continue
        wanted = {
            t.pk: _applies_to(t, tree, [o for o in indicator_targets if o.year == t.year])
            for t in indicator_targets
        }
        agencies = {pk for pks in wanted.values() for pk in pks} | set(tree.roots)
        series = _series(indicator, agencies, tree)
        national = [(p.period, p.figure) for root in tree.roots for p in series.get(root, [])]
        lower, upper = _bounds(indicator)
        for target in indicator_targets:
            target_period = fc.period_index(date(target.year, 12, 1), months)
            for agency_id in wanted[target.pk]:
                points = series.get(agency_id, [])
                result = fc.forecast(
                    [(p.period, p.figure) for p in points],
                    target_value=float(target.value),
                    target_period=target_period,
                    direction=indicator.direction,
                    lower=lower,
                    upper=upper,
                    cumulative=indicator.cumulative,
                    national=None if agency_id in tree.roots else national,
                    period_months=months,
                    total=_year_total(target, points, months),
                )
                rows.append(
                    Forecast(
                        indicator_id=indicator.pk,
                        agency_id=agency_id,
                        target_id=target.pk,
                        computed_at=now,
                        method=result.method.value,
                        status=result.status.value,
                        projected=result.projected,
                        low=result.low,
                        high=result.high,
                        probability=result.probability,
                        mape=result.mape,
                        points=result.points,
                        horizon=result.horizon,
                        reason=result.reason,
                    )
                )
    return rows


@transaction.atomic
def recompute_forecasts(*, acting_user: Any = None) -> RecomputeSummary:
    """Replace every forecast; one audit event counts the results by status."""
    started = time.perf_counter()
    now = timezone.now()
    targets = Target.objects.filter(indicator__active=True).select_related("indicator")
    with translation.override(settings.LANGUAGE_CODE):  # the stored reasons: Vietnamese
        rows = _compute(targets, now)
    Forecast.objects.all().delete()
    Forecast.objects.bulk_create(rows, batch_size=2000)
    counts = Counter(row.status for row in rows)
    summary = RecomputeSummary(
        series=len(rows),
        by_status={status: counts.get(status, 0) for status in fc.Status},
        seconds=round(time.perf_counter() - started, 3),
    )
    record(
        event_type=EventType.FORECASTS_RECOMPUTED,
        acting_user=acting_user,
        target_type="forecasting.forecast",
        data={"series": summary.series, "by_status": summary.by_status},
    )
    signals.forecasts_recomputed(None)  # open dashboards redraw their bands on commit
    return summary


__all__ = ["RecomputeSummary", "recompute_forecasts"]
