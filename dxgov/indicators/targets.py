"""Targets compared like with like: the one rule (pure: plain values in and out, no ORM).

A target is set for a year (its period) and states two things besides its value:

- its **basis**: how the year's figure is made from the indicator's values, so that the figure
  compared with the target is of the same kind as the target:

  * ``sum``: the sum of the period values over the year (dossiers received in 2026: twelve
    monthly counts added up, never one month against the year's total);
  * ``end_of_period``: the value at the end of the year (online services provided on 31/12);
  * ``average``: the mean of the period values (a yes/no indicator's share of "yes");
  * ``cumulative``: a cumulative indicator's latest value (accounts activated to date);
  * ``ratio_of_sums``: Σ numerators ÷ Σ denominators over the year (× the indicator's factor),
    never an average of the periods' percentages.

- its **scope**: which agencies it is judged for: one agency (``agency``); each agency of a kind,
  optionally of one administrative level (``each``: every provincial People's Committee, each
  on its own figure); or the nation's figure only (``national``). A target that does not apply
  to an agency is not shown for it: a provincial target is not a ward's.

``compare`` gives, for one agency's values of the target's year, the figure to compare (the
year to date on the basis), the value the trajectory expects by then (through the quarterly
milestones; pro rata for a sum, the straight path from last year's figure for the others, when
no milestone is set) and the verdict (``judge``). The forecasts (dxgov.forecasting), the early
warnings and charts (dxgov.dashboard), the indicator page and the data-entry form
(dxgov.reporting) all go through this module.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from itertools import pairwise
from typing import TypeVar

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class Basis(StrEnum):
    # The same codes as indicators.models.TargetBasis.
    SUM = "sum"
    END_OF_PERIOD = "end_of_period"
    AVERAGE = "average"
    CUMULATIVE = "cumulative"
    RATIO_OF_SUMS = "ratio_of_sums"


class Scope(StrEnum):
    # The same codes as indicators.models.TargetScope.
    AGENCY = "agency"
    EACH = "each"
    NATIONAL = "national"


class Track(StrEnum):
    ON_TRACK = "on_track"
    OFF_TRACK = "off_track"
    ACHIEVED = "achieved"
    NO_DATA = "no_data"
    NO_TARGET = "no_target"


# Behind the trajectory by more than this share of the distance from the start to the target
# is off track: small enough to flag a real lag, large enough that a month's noise does not.
TOLERANCE = Decimal("0.05")

# Periods of an indicator's periodicity in a year (a nine-month figure is one, at its end).
PERIODS_PER_YEAR = {"month": 12, "quarter": 4, "half_year": 2, "nine_months": 1, "year": 1}

# Bases that add the year's periods up (and so need the periods still to come to be projected).
SUMMED = frozenset({Basis.SUM, Basis.AVERAGE, Basis.RATIO_OF_SUMS})


def periods_per_year(periodicity: str) -> int:
    return PERIODS_PER_YEAR.get(periodicity, 1)


def suggested_basis(*, value_type: str, cumulative: bool, periodicity: str) -> Basis:
    """The basis an indicator's yearly target naturally has (the migration gave it to the
    targets that existed before targets stated one; the target form proposes it).

    A cumulative indicator: its latest value. A ratio: Σ numerators ÷ Σ denominators. A yes/no
    indicator: its share of "yes" over the year. A monthly count or amount of money is a flow
    (dossiers received in the month, money spent in it): the year's sum. Counts reported less
    often are, in the catalogue, stocks at the period's end (services provided, procedure
    groups online): the value at the year's end. A target on a quarterly flow states "sum".
    """
    if cumulative:
        return Basis.CUMULATIVE
    if value_type == "ratio":
        return Basis.RATIO_OF_SUMS
    if value_type == "boolean":
        return Basis.AVERAGE
    if periodicity == "month":
        return Basis.SUM
    return Basis.END_OF_PERIOD


def unstated_basis(*, cumulative: bool) -> Basis:
    """What a target set without a basis compares: the value at the end of the period (the
    latest value to date for a cumulative indicator), as targets did before they stated one."""
    return Basis.CUMULATIVE if cumulative else Basis.END_OF_PERIOD


def basis_label(basis: Basis | str) -> str:
    return {
        Basis.SUM: _("sum over the year"),
        Basis.END_OF_PERIOD: _("value at the end of the year"),
        Basis.AVERAGE: _("average over the year"),
        Basis.CUMULATIVE: _("cumulative to date"),
        Basis.RATIO_OF_SUMS: _("Σ numerators ÷ Σ denominators over the year"),
    }[Basis(basis)]


def track_label(track: Track | str) -> str:
    return {
        Track.ON_TRACK: _("On track"),
        Track.ACHIEVED: _("Target reached"),
        Track.OFF_TRACK: _("Off track"),
        Track.NO_DATA: _("No data yet"),
        Track.NO_TARGET: _("No target"),
    }[Track(track)]


# The status classes of the platform's stylesheet, by verdict.
TRACK_CSS = {
    Track.ON_TRACK: "ok",
    Track.ACHIEVED: "ok",
    Track.OFF_TRACK: "danger",
    Track.NO_DATA: "muted",
    Track.NO_TARGET: "muted",
}


def to_date_label(basis: Basis | str) -> str:
    """What the figure to date is, on the basis: "sum since the start of the year", …"""
    return {
        Basis.SUM: _("sum since the start of the year"),
        Basis.END_OF_PERIOD: _("latest value"),
        Basis.AVERAGE: _("average since the start of the year"),
        Basis.CUMULATIVE: _("cumulative to date"),
        Basis.RATIO_OF_SUMS: _("Σ numerators ÷ Σ denominators since the start of the year"),
    }[Basis(basis)]


# --- scope ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetScope:
    """Whom a target is for: see the module's docstring."""

    scope: Scope
    agency_id: int | None = None
    agency_kind: str = ""
    agency_level: str = ""  # orgunits.Level; empty: every level


@dataclass(frozen=True)
class AgencyFacts:
    """What scope needs to know of an agency: its id, kind, the level of its unit, and
    whether it is the tree's root (the nation's figure)."""

    agency_id: int
    kind: str
    level: str = ""
    is_root: bool = False


def applies(scope: TargetScope, agency: AgencyFacts) -> bool:
    if scope.scope == Scope.AGENCY:
        return scope.agency_id == agency.agency_id
    if scope.scope == Scope.EACH:
        return scope.agency_kind == agency.kind and (
            not scope.agency_level or scope.agency_level == agency.level
        )
    return agency.is_root


def specificity(scope: TargetScope) -> int:
    """Lower is more specific: an agency's own target beats its kind-and-level's, which beats
    its kind's (a national target applies to the nation only, so never competes)."""
    if scope.scope == Scope.AGENCY:
        return 0
    if scope.scope == Scope.EACH:
        return 1 if scope.agency_level else 2
    return 3


T = TypeVar("T")


def choose(candidates: Iterable[tuple[TargetScope, T]], agency: AgencyFacts) -> T | None:
    """The most specific of the candidates (scope, target) that applies to the agency."""
    best: tuple[int, T] | None = None
    for scope, target in candidates:
        if applies(scope, agency) and (best is None or specificity(scope) < best[0]):
            best = (specificity(scope), target)
    return None if best is None else best[1]


# --- the year's figure ------------------------------------------------------------------------


@dataclass(frozen=True)
class Value:
    """One period's figure: its place in the year (1 = the year's first period) and its
    value; for a ratio also its numerator and denominator (summed over agencies)."""

    index: int
    value: Decimal | None
    numerator: Decimal | None = None
    denominator: Decimal | None = None


def _usable(values: Iterable[Value], basis: Basis) -> list[Value]:
    if basis == Basis.RATIO_OF_SUMS:
        found = [v for v in values if v.numerator is not None and v.denominator is not None]
    else:
        found = [v for v in values if v.value is not None]
    return sorted(found, key=lambda v: v.index)


def figure(
    basis: Basis | str, values: Iterable[Value], factor: Decimal | int = 1
) -> Decimal | None:
    """The figure of these values on the basis (None when there is none)."""
    basis = Basis(basis)
    found = _usable(values, basis)
    if not found:
        return None
    if basis == Basis.SUM:
        return sum((v.value for v in found if v.value is not None), Decimal(0))
    if basis == Basis.AVERAGE:
        return sum((v.value for v in found if v.value is not None), Decimal(0)) / len(found)
    if basis == Basis.RATIO_OF_SUMS:
        numerator = sum((v.numerator for v in found if v.numerator is not None), Decimal(0))
        denominator = sum((v.denominator for v in found if v.denominator is not None), Decimal(0))
        if denominator == 0:
            return None
        return numerator / denominator * Decimal(factor)
    return found[-1].value  # end of period, cumulative: the latest value


def to_date(
    basis: Basis | str, values: Iterable[Value], factor: Decimal | int = 1
) -> list[tuple[int, Decimal]]:
    """The figure to date after each period that has one: (index, figure)."""
    basis = Basis(basis)
    found = _usable(values, basis)
    result = []
    for position, value in enumerate(found):
        current = figure(basis, found[: position + 1], factor)
        if current is not None:
            result.append((value.index, current))
    return result


@dataclass(frozen=True)
class Parts:
    """The year's figure as a linear function of the values still to come:
    (offset + weight × Σ of the coming periods' values) ÷ divisor."""

    offset: Decimal
    weight: Decimal
    divisor: Decimal


def projection_parts(
    basis: Basis | str,
    values: Iterable[Value],
    *,
    ahead: int,
    factor: Decimal | int = 1,
    typical_denominator: Decimal | None = None,
) -> Parts | None:
    """How the year's figure adds the ``ahead`` periods still to come to those reported.

    None for the bases judged on one period's value (end of period, cumulative). For a ratio,
    the coming periods are weighted by ``typical_denominator`` (the agency's recent mean
    denominator): the year's ratio is Σ numerators ÷ Σ denominators, so a month with more
    dossiers weighs more. None when that leaves nothing to divide by.
    """
    basis = Basis(basis)
    found = _usable(values, basis)
    if basis == Basis.SUM:
        return Parts(
            sum((v.value for v in found if v.value is not None), Decimal(0)), Decimal(1), Decimal(1)
        )
    if basis == Basis.AVERAGE:
        count = len(found) + ahead
        if count == 0:
            return None
        total = sum((v.value for v in found if v.value is not None), Decimal(0))
        return Parts(total, Decimal(1), Decimal(count))
    if basis == Basis.RATIO_OF_SUMS:
        numerator = sum((v.numerator for v in found if v.numerator is not None), Decimal(0))
        denominator = sum((v.denominator for v in found if v.denominator is not None), Decimal(0))
        weight = typical_denominator if typical_denominator and typical_denominator > 0 else None
        if weight is None:
            return (
                Parts(numerator * Decimal(factor), Decimal(0), denominator) if denominator else None
            )
        divisor = denominator + ahead * weight
        return Parts(numerator * Decimal(factor), weight, divisor) if divisor else None
    return None


# --- the trajectory and the verdict -----------------------------------------------------------


def expected_value(
    *, start: Decimal, target: Decimal, start_share: Decimal, share: Decimal
) -> Decimal:
    """The value on the straight path from (start_share, start) to (1, target) at `share`."""
    if start_share >= 1:
        return target
    progress = (share - start_share) / (1 - start_share)
    progress = min(Decimal(1), max(Decimal(0), progress))
    return start + (target - start) * progress


def along(points: Sequence[tuple[Decimal, Decimal]], share: Decimal) -> Decimal:
    """The value at `share` on the broken line through `points` (share, value), in order; flat
    before the first point and after the last."""
    if share <= points[0][0]:
        return points[0][1]
    for (left_share, left), (right_share, right) in pairwise(points):
        if share <= right_share:
            return expected_value(
                start=left,
                target=right,
                start_share=Decimal(0),
                share=(share - left_share) / (right_share - left_share),
            )
    return points[-1][1]


def judge(
    *,
    higher_is_better: bool,
    target: Decimal | None,
    current: Decimal | None,
    share: Decimal,
    start: Decimal | None = None,
    start_share: Decimal = Decimal(0),
    milestone: Decimal | None = None,
    expected: Decimal | None = None,
    reached_counts: bool = True,
) -> Track:
    """On track, off track, achieved, or why it cannot be judged (no target, no data).

    Off track when behind the expected value (`expected`; else the milestone; else the straight
    path from `start` to the target at `share` of the year) by more than TOLERANCE of the
    distance from the start to the target. Reaching the target is "achieved" unless
    `reached_counts` is False (a sum that must stay under a ceiling is not met before the
    year is over).
    """
    if target is None:
        return Track.NO_TARGET
    if current is None:
        return Track.NO_DATA
    sign = Decimal(1) if higher_is_better else Decimal(-1)
    begin = current if start is None else start
    if sign * (current - target) >= 0 and reached_counts:
        return Track.ACHIEVED
    if expected is None:
        expected = (
            milestone
            if milestone is not None
            else expected_value(start=begin, target=target, start_share=start_share, share=share)
        )
    distance = abs(target - begin) or abs(target) or Decimal(1)
    shortfall = sign * (expected - current)
    return Track.OFF_TRACK if shortfall > TOLERANCE * distance else Track.ON_TRACK


@dataclass(frozen=True)
class Comparison:
    """One agency's figure to date against the target of the year, like with like."""

    basis: Basis
    target: Decimal | None
    actual: Decimal | None  # the figure to date on the basis
    expected: Decimal | None  # where the trajectory expects it by now
    start: Decimal | None  # the trajectory's starting value (0 for a sum)
    periods: int  # periods in the year
    elapsed: int  # periods of the year up to the one judged
    reported: int  # of which with a figure
    track: Track

    @property
    def share_of_target(self) -> Decimal | None:
        if self.actual is None or not self.target:
            return None
        return self.actual / self.target

    @property
    def final(self) -> bool:
        return self.elapsed >= self.periods

    def span_text(self) -> str:
        """ "8 of 12 periods reported" — what the figure to date covers."""
        return ngettext(
            "%(reported)d of %(periods)d period reported",
            "%(reported)d of %(periods)d periods reported",
            self.periods,
        ) % {"reported": self.reported, "periods": self.periods}


def compare(
    *,
    basis: Basis | str,
    target: Decimal | None,
    values: Iterable[Value],
    periods: int,
    higher_is_better: bool = True,
    milestones: Mapping[int, Decimal] | None = None,
    before: Iterable[Value] = (),
    factor: Decimal | int = 1,
    as_of: int | None = None,
) -> Comparison:
    """Judge one agency's values of the target's year (``values``, indices 1..``periods``)
    against the target on its basis.

    ``as_of`` (an index) judges the year up to that period (the data-entry form's period);
    by default up to the latest period with a figure. ``before``: the previous year's values,
    whose figure on the same basis starts the trajectory of a level (not of a sum, which
    starts from nothing). ``milestones``: quarter → value expected by the quarter's end (for a
    sum: the amount expected by then).
    """
    basis = Basis(basis)
    found = [v for v in _usable(values, basis) if as_of is None or v.index <= as_of]
    actual = figure(basis, found, factor)
    elapsed = as_of if as_of is not None else (found[-1].index if found else 0)
    elapsed = max(0, min(elapsed, periods))
    share = Decimal(elapsed) / Decimal(periods) if periods else Decimal(1)
    start: Decimal | None
    start_share = Decimal(0)
    if basis == Basis.SUM:
        start = Decimal(0)
    else:
        start = figure(basis, before, factor)
        if start is None and found:
            first = found[0]
            start = figure(basis, [first], factor)
            start_share = Decimal(first.index) / Decimal(periods) if periods else Decimal(0)
    expected: Decimal | None = None
    if target is not None and start is not None and found:
        points = [(start_share, start)]
        for quarter, value in sorted((milestones or {}).items()):
            at = Decimal(quarter) / Decimal(4)
            if start_share < at < 1:
                points.append((at, value))
        points.append((Decimal(1), target))
        expected = along(points, share)
    reached_counts = not (basis == Basis.SUM and not higher_is_better) or elapsed >= periods
    track = judge(
        higher_is_better=higher_is_better,
        target=target,
        current=actual,
        share=share,
        start=start,
        start_share=start_share,
        expected=expected,
        reached_counts=reached_counts,
    )
    return Comparison(
        basis=basis,
        target=target,
        actual=actual,
        expected=expected,
        start=start,
        periods=periods,
        elapsed=elapsed,
        reported=len(found),
        track=track,
    )


__all__ = [
    "PERIODS_PER_YEAR",
    "SUMMED",
    "TOLERANCE",
    "TRACK_CSS",
    "AgencyFacts",
    "Basis",
    "Comparison",
    "Parts",
    "Scope",
    "TargetScope",
    "Track",
    "Value",
    "along",
    "applies",
    "basis_label",
    "choose",
    "compare",
    "expected_value",
    "figure",
    "judge",
    "periods_per_year",
    "projection_parts",
    "specificity",
    "suggested_basis",
    "to_date",
    "to_date_label",
    "track_label",
    "unstated_basis",
]
