"""Disbursement rates, the good / slow / unable classification, baselines' variance, the
weekly national table, the year-end forecast and the timeliness ranking (pure: no ORM).

Rates are stated against their denominator, always: the **total plan** (with the capital
localities add themselves) and the **plan assigned by the Prime Minister** (the reference's
§1.2). The national average is the nation's disbursed total over the nation's plan (not the
mean of the units' rates), and each unit is above or below it.

Classification (dispatch 169/CĐ-TTg asks that projects be classified good / slow / unable to
disburse so that capital can be moved from the slow ones): a project's cumulative disbursed
value is compared with what its schedule expects by the week's end (its own per-project
schedule, else the usual curve of `planyear` applied to its plan). From `good_from` of the
expected value it is good; below `unable_below` of it, or flagged stalled (dispatch
26/CĐ-TTg), unable; between, slow. Until the expected value reaches `grace_share` of the plan
nothing is judged behind (in the first weeks of January a project that has not started
disbursing is not yet slow). A project without a plan for the year is not classified.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from dxgov.forecasting import forecast as forecasting
from dxgov.investments.planyear import TARGET_RATE, interpolate, month_ends, usual_share

GOOD, SLOW, UNABLE, NONE = "good", "slow", "unable", "none"
CLASSES = (GOOD, SLOW, UNABLE, NONE)
# The usual curve must have reached this share for a unit's pace to be read (by mid-March):
# earlier, a week's figures are too small a part of the year to say where it is heading.
PACE_FROM_SHARE = 0.10


@dataclass(frozen=True)
class Thresholds:
    good_from: float = 0.9
    unable_below: float = 0.3
    grace_share: float = 0.05

    def problem(self) -> str | None:
        if not 0 < self.unable_below < self.good_from <= 2:
            return "unable_below < good_from"
        if not 0 <= self.grace_share < 1:
            return "grace_share"
        return None


def rate(disbursed: int, denominator: int) -> float | None:
    """Percent of the denominator; None when there is none (no plan: no rate)."""
    if denominator <= 0:
        return None
    return disbursed * 100.0 / denominator


def expected_by(
    plan_year: int, day: date, plan_total: int, schedule: Sequence[int] | None = None
) -> int:
    """What the project should have disbursed by `day`: its schedule's cumulative value (the
    13 month ends, straight between them), else the usual curve's share of its plan."""
    if schedule:
        points = list(zip(month_ends(plan_year), (float(v) for v in schedule), strict=False))
        return round(interpolate(points, day))
    return round(usual_share(plan_year, day) * plan_total)


def classify(
    *,
    disbursed: int,
    expected: int,
    plan_total: int,
    stalled: bool,
    thresholds: Thresholds,
) -> str:
    if plan_total <= 0:
        return NONE
    if stalled:
        return UNABLE
    if expected <= thresholds.grace_share * plan_total:
        return GOOD
    ratio = disbursed / expected
    if ratio >= thresholds.good_from:
        return GOOD
    if ratio < thresholds.unable_below:
        return UNABLE
    return SLOW


# --- baselines ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Variance:
    cost: int  # current total − original total (đồng)
    cost_percent: float | None
    schedule_days: int | None  # current end − original end (days; positive: later)

    @property
    def rebaselined(self) -> bool:
        return self.cost != 0 or bool(self.schedule_days)


def variance(
    original_total: int, current_total: int, original_end: date | None, current_end: date | None
) -> Variance:
    days = None
    if original_end is not None and current_end is not None:
        days = (current_end - original_end).days
    return Variance(
        cost=current_total - original_total,
        cost_percent=rate(current_total - original_total, original_total),
        schedule_days=days,
    )


# --- the weekly national table ----------------------------------------------------------------


@dataclass(frozen=True)
class UnitFigures:
    """A unit's (a ministry's or a province's) sums for one week."""

    code: str
    name: str
    kind: str  # "ministry" or "province"
    disbursed: int
    plan_total: int
    plan_assigned: int
    projects: int = 0
    good: int = 0
    slow: int = 0
    unable: int = 0


@dataclass(frozen=True)
class UnitLine:
    figures: UnitFigures
    rate_total: float | None
    rate_assigned: float | None
    above_average: bool | None  # against the national rate of the assigned plan


@dataclass(frozen=True)
class WeeklyTable:
    lines: list[UnitLine]
    national: UnitFigures
    average_total: float | None
    average_assigned: float | None

    @property
    def above(self) -> list[UnitLine]:
        return [line for line in self.lines if line.above_average]

    @property
    def below(self) -> list[UnitLine]:
        return [line for line in self.lines if line.above_average is False]


def weekly_table(units: Iterable[UnitFigures], national_name: str) -> WeeklyTable:
    """Every unit's rates against both denominators, the national sums and averages, each
    unit above or below the national rate of the assigned plan; ordered by that rate, highest
    first (units without a plan last, by name)."""
    figures = list(units)
    national = UnitFigures(
        code="",
        name=national_name,
        kind="nation",
        disbursed=sum(u.disbursed for u in figures),
        plan_total=sum(u.plan_total for u in figures),
        plan_assigned=sum(u.plan_assigned for u in figures),
        projects=sum(u.projects for u in figures),
        good=sum(u.good for u in figures),
        slow=sum(u.slow for u in figures),
        unable=sum(u.unable for u in figures),
    )
    average_total = rate(national.disbursed, national.plan_total)
    average_assigned = rate(national.disbursed, national.plan_assigned)
    lines = []
    for unit in figures:
        assigned = rate(unit.disbursed, unit.plan_assigned)
        above = None
        if assigned is not None and average_assigned is not None:
            above = assigned >= average_assigned
        lines.append(UnitLine(unit, rate(unit.disbursed, unit.plan_total), assigned, above))
    lines.sort(
        key=lambda line: (
            line.rate_assigned is None,
            -(line.rate_assigned or 0.0),
            line.figures.name,
        )
    )
    return WeeklyTable(lines, national, average_total, average_assigned)


# --- the year-end forecast --------------------------------------------------------------------


@dataclass(frozen=True)
class YearEnd:
    """Where a unit's rate of the assigned plan is heading by the window's end, and the chance
    of reaching the target (95 %)."""

    projected: float | None
    low: float | None
    high: float | None
    probability: float | None
    status: str
    method: str
    reason: str


def year_end(
    plan_year: int,
    weeks: Sequence[tuple[int, date, float]],
    *,
    last_week: int,
    target: float = TARGET_RATE,
) -> YearEnd:
    """Forecast of the rate at the window's end from a unit's weekly rates (week index, week
    end, rate of the assigned plan), by `forecasting.forecast` on the unit's pace.

    A cumulative disbursement follows the year's S-curve, which a straight trend would
    misread (every unit "off track" until the December surge). Each week's rate is read as
    the final rate it implies at the usual pace (`rate ÷ usual share by that day × usual
    final share`), and that series is what is projected to the last week: a unit keeping
    pace with the usual curve projects flat, one catching up projects upwards.
    """
    if weeks and weeks[-1][0] >= last_week:
        # The window has closed: the last rate is the year's.
        last = weeks[-1][2]
        met = last >= target
        return YearEnd(last, last, last, 1.0 if met else 0.0, "observed", "observed", "")
    final_share = usual_share(plan_year, date(plan_year + 1, 1, 31))
    points = []
    for index, day, value in weeks:
        share = usual_share(plan_year, day)
        if share >= PACE_FROM_SHARE and math.isfinite(value):
            points.append((index, value / share * final_share))
    result = forecasting.forecast(
        points, target_value=target, target_period=last_week, lower=0.0, period_months=1
    )
    return YearEnd(
        projected=result.projected,
        low=result.low,
        high=result.high,
        probability=result.probability,
        status=str(result.status),
        method=str(result.method),
        reason=result.reason,
    )


# --- timeliness ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Timeliness:
    code: str
    name: str
    entries: int
    late: int
    rank: int

    @property
    def on_time(self) -> int:
        return self.entries - self.late

    @property
    def on_time_rate(self) -> float | None:
        return rate(self.on_time, self.entries)


def rank_timeliness(counts: Mapping[str, tuple[str, int, int]]) -> list[Timeliness]:
    """Investors by share of entries made on time (highest first); ties share a rank and the
    next rank is skipped; investors with no entry last, unranked (rank 0)."""
    rows = [
        Timeliness(code, name, entries, late, 0) for code, (name, entries, late) in counts.items()
    ]
    rows.sort(key=lambda t: (t.entries == 0, -(t.on_time_rate or 0.0), t.late, t.name))
    ranked: list[Timeliness] = []
    previous: float | None = None
    rank = 0
    for position, row in enumerate(rows, start=1):
        if row.entries == 0:
            ranked.append(row)
            continue
        key = row.on_time_rate
        if key != previous:
            rank = position
            previous = key
        ranked.append(Timeliness(row.code, row.name, row.entries, row.late, rank))
    return ranked


# --- a project's weeks ------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanChange:
    decided_on: date
    source: int  # index in rules.SOURCES
    amount: int
    assigned: int


@dataclass(frozen=True)
class DatedFigure:
    as_of: date
    source: int  # index in rules.SOURCES
    actual: bool
    value: int


@dataclass(frozen=True)
class WeekFigures:
    """A project's figures at the end of one week (what a `ProjectWeek` row holds)."""

    week_end: date
    disbursed_by_source: tuple[int, ...]
    plan_by_source: tuple[int, ...]
    plan_assigned: int
    expected: int
    klass: str
    estimates: int  # bit i: source i's figure is an estimate
    updated: bool
    last_update: date | None = None  # the latest day a figure is dated, to the week's end

    @property
    def disbursed(self) -> int:
        return sum(self.disbursed_by_source)

    @property
    def plan_total(self) -> int:
        return sum(self.plan_by_source)


def project_weeks(
    plan_year: int,
    weeks: Sequence[date],
    *,
    previous_end: date,
    carried: Sequence[int],
    carried_estimates: int,
    figures_after: Iterable[DatedFigure],
    carried_last_update: date | None = None,
    plan_changes: Iterable[PlanChange],
    schedule: Sequence[int] | None,
    stalled_since: date | None,
    thresholds: Thresholds,
) -> list[WeekFigures]:
    """The project's figures at each of `weeks` (consecutive week ends after `previous_end`),
    from the cumulative values carried from `previous_end` and every figure dated after it
    (an actual replaces an estimate of the same day and source). A week ending on or after
    `stalled_since` is a stalled project's week."""
    values = list(carried)
    estimates = carried_estimates
    by_day: dict[date, dict[int, DatedFigure]] = {}
    for figure in figures_after:
        if figure.as_of <= previous_end:
            continue
        day = by_day.setdefault(figure.as_of, {})
        kept = day.get(figure.source)
        if kept is None or (figure.actual and not kept.actual):
            day[figure.source] = figure
    days = sorted(by_day)
    changes = sorted(plan_changes, key=lambda c: c.decided_on)
    rows = []
    position = 0
    start = previous_end
    for end in weeks:
        updated = False
        while position < len(days) and days[position] <= end:
            for source, figure in by_day[days[position]].items():
                values[source] = figure.value
                estimates = (
                    estimates & ~(1 << source) if figure.actual else estimates | (1 << source)
                )
            updated = updated or days[position] > start
            position += 1
        plan = [0] * len(values)
        assigned = 0
        for change in changes:
            if change.decided_on > end:
                break
            plan[change.source] += change.amount
            assigned += change.assigned
        plan_total = sum(plan)
        expected = expected_by(plan_year, end, plan_total, schedule)
        klass = classify(
            disbursed=sum(values),
            expected=expected,
            plan_total=plan_total,
            stalled=stalled_since is not None and end >= stalled_since,
            thresholds=thresholds,
        )
        rows.append(
            WeekFigures(
                end, tuple(values), tuple(plan), assigned, expected, klass, estimates, updated
            )
        )
        start = end
    return rows
