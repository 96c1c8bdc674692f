"""The like-for-like comparison rule (indicators/targets.py), with known answers for each basis
× periodicity, and the scope rule (which target applies to which agency)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dxgov.indicators import targets
from dxgov.indicators.targets import Basis, Scope, TargetScope, Track, Value

D = Decimal


def monthly(*values: int | str) -> list[Value]:
    return [Value(i + 1, D(v)) for i, v in enumerate(values)]


# --- the figure on each basis -----------------------------------------------------------------


def test_monthly_values_against_a_yearly_sum_target() -> None:
    # Eight months of 100 a month against 1,200 for the year: 800 to date, 800 expected
    # pro rata (8/12 of 1,200): on track — never one month's 100 against 1,200.
    found = targets.compare(basis=Basis.SUM, target=D(1200), values=monthly(*[100] * 8), periods=12)
    assert (found.actual, found.expected, found.elapsed, found.reported) == (D(800), D(800), 8, 8)
    assert found.track == Track.ON_TRACK
    # 60 a month: 480 against 800 expected, 320 short (> 5% of 1,200): off track.
    behind = targets.compare(basis=Basis.SUM, target=D(1200), values=monthly(*[60] * 8), periods=12)
    assert (behind.actual, behind.track) == (D(480), Track.OFF_TRACK)
    # 1,300 by August: the year's target is already reached.
    ahead = targets.compare(basis=Basis.SUM, target=D(1200), values=monthly(*[170] * 8), periods=12)
    assert ahead.track == Track.ACHIEVED and ahead.share_of_target == D(1360) / D(1200)


def test_a_quarterly_sum_and_a_milestone_on_the_way() -> None:
    # Quarterly flows, 400 for the year, half of it expected by the end of Q2 (milestone 250).
    values = [Value(1, D(90)), Value(2, D(110))]
    pro_rata = targets.compare(basis=Basis.SUM, target=D(400), values=values, periods=4)
    assert (pro_rata.actual, pro_rata.expected, pro_rata.track) == (D(200), D(200), Track.ON_TRACK)
    with_milestone = targets.compare(
        basis=Basis.SUM, target=D(400), values=values, periods=4, milestones={2: D(250)}
    )
    assert with_milestone.expected == 250 and with_milestone.track == Track.OFF_TRACK
    # Between milestones the trajectory is a straight line: Q1 of (0 → 250 by Q2) is 125.
    first = targets.compare(
        basis=Basis.SUM, target=D(400), values=values[:1], periods=4, milestones={2: D(250)}
    )
    assert first.expected == 125


def test_the_data_entry_form_judges_the_year_up_to_its_period() -> None:
    # The form for March: the year to March, whatever was reported later.
    values = monthly(100, 100, 100, 100, 100)
    march = targets.compare(basis=Basis.SUM, target=D(1200), values=values, periods=12, as_of=3)
    assert (march.actual, march.expected, march.elapsed) == (D(300), D(300), 3)


def test_a_cumulative_indicator_at_its_latest_value() -> None:
    # Accounts activated to date: from 1,000 at the end of last year towards 2,200; by June
    # (half way) 1,600 is expected; 1,650 is on track, and its figure is the latest value.
    before = monthly(*range(900, 1001, 10))[-3:]
    values = monthly(1100, 1200, 1300, 1400, 1500, 1650)
    found = targets.compare(
        basis=Basis.CUMULATIVE, target=D(2200), values=values, periods=12, before=before
    )
    assert (found.actual, found.start, found.expected) == (D(1650), D(1000), D(1600))
    assert found.track == Track.ON_TRACK
    lagging = targets.compare(
        basis=Basis.CUMULATIVE,
        target=D(2200),
        values=monthly(1010, 1020, 1030, 1040, 1050, 1060),
        periods=12,
        before=before,
    )
    assert lagging.track == Track.OFF_TRACK


def test_a_stock_at_the_end_of_the_year_quarterly() -> None:
    # Online services provided at the quarter's end, 982 wanted by 31/12; 700 at the end of last
    # year; Q3 at 910 (expected 700 + ¾ of 282 = 911.5): on track within the tolerance.
    found = targets.compare(
        basis=Basis.END_OF_PERIOD,
        target=D(982),
        values=[Value(1, D(760)), Value(2, D(830)), Value(3, D(910))],
        periods=4,
        before=[Value(4, D(700))],
    )
    assert (found.actual, found.expected) == (D(910), D("911.5"))
    assert found.track == Track.ON_TRACK


def test_a_ratio_is_the_sum_of_numerators_over_the_sum_of_denominators() -> None:
    # Two months: 90 of 100 (90%) and 10 of 100 000 (0.01%): the year to date is 100 of
    # 100 100 (≈ 0.1%), not the mean of the two percentages (45%).
    values = [
        Value(1, D(90), numerator=D(90), denominator=D(100)),
        Value(2, D("0.01"), numerator=D(10), denominator=D(100000)),
    ]
    found = targets.compare(
        basis=Basis.RATIO_OF_SUMS, target=D(95), values=values, periods=12, factor=100
    )
    assert found.actual == D(100) / D(100100) * 100
    assert found.track == Track.OFF_TRACK
    assert targets.figure(Basis.AVERAGE, values) == D("45.005")


def test_a_yearly_indicator_against_its_year() -> None:
    # One period a year: judged once its value is in (no trajectory inside the year).
    found = targets.compare(
        basis=Basis.END_OF_PERIOD,
        target=D("0.8"),
        values=[Value(1, D("0.75"))],
        periods=1,
        before=[Value(1, D("0.6"))],
    )
    assert (found.expected, found.elapsed, found.final) == (D("0.8"), 1, True)
    assert found.track == Track.OFF_TRACK
    assert targets.compare(
        basis=Basis.END_OF_PERIOD, target=D("0.8"), values=[], periods=1
    ).track == (Track.NO_DATA)


def test_a_ceiling_on_a_sum_is_not_met_before_the_year_ends() -> None:
    # Spending must stay under 1,200 for the year (lower is better): 500 by June is on its
    # path but not yet "achieved"; the full year at 1,100 is.
    half = targets.compare(
        basis=Basis.SUM, target=D(1200), values=monthly(*[80] * 6), periods=12,
        higher_is_better=False,
    )  # fmt: skip
    assert half.track == Track.ON_TRACK
    over = targets.compare(
        basis=Basis.SUM, target=D(1200), values=monthly(*[150] * 6), periods=12,
        higher_is_better=False,
    )  # fmt: skip
    assert over.track == Track.OFF_TRACK
    year = targets.compare(
        basis=Basis.SUM, target=D(1200), values=monthly(*[90] * 12), periods=12,
        higher_is_better=False,
    )  # fmt: skip
    assert year.track == Track.ACHIEVED


def test_running_figures_to_date() -> None:
    assert targets.to_date(Basis.SUM, monthly(1, 2, 3)) == [(1, D(1)), (2, D(3)), (3, D(6))]
    assert targets.to_date(Basis.CUMULATIVE, monthly(5, 7)) == [(1, D(5)), (2, D(7))]
    ratio = [Value(1, None, D(1), D(2)), Value(2, None, D(3), D(2))]
    assert targets.to_date(Basis.RATIO_OF_SUMS, ratio, 100) == [(1, D(50)), (2, D(100))]


def test_projection_parts() -> None:
    # A sum: what is in plus what comes.
    parts = targets.projection_parts(Basis.SUM, monthly(10, 20), ahead=10)
    assert parts == targets.Parts(D(30), D(1), D(1))
    # An average over the reported and the coming periods.
    assert targets.projection_parts(Basis.AVERAGE, monthly(10, 20), ahead=2) == targets.Parts(
        D(30), D(1), D(4)
    )
    # A ratio: the coming periods weigh as the typical denominator.
    ratio = [Value(1, None, D(45), D(50)), Value(2, None, D(40), D(50))]
    parts = targets.projection_parts(
        Basis.RATIO_OF_SUMS, ratio, ahead=2, factor=100, typical_denominator=D(50)
    )
    assert parts == targets.Parts(D(8500), D(50), D(200))
    assert targets.projection_parts(Basis.END_OF_PERIOD, monthly(1), ahead=3) is None


@pytest.mark.parametrize(
    ("value_type", "cumulative", "periodicity", "basis"),
    [
        ("count", False, "month", Basis.SUM),
        ("money", False, "month", Basis.SUM),
        ("count", False, "quarter", Basis.END_OF_PERIOD),
        ("count", True, "month", Basis.CUMULATIVE),
        ("ratio", False, "month", Basis.RATIO_OF_SUMS),
        ("ratio", False, "year", Basis.RATIO_OF_SUMS),
        ("boolean", False, "month", Basis.AVERAGE),
    ],
)
def test_suggested_basis(value_type: str, cumulative: bool, periodicity: str, basis: Basis) -> None:
    assert (
        targets.suggested_basis(
            value_type=value_type, cumulative=cumulative, periodicity=periodicity
        )
        == basis
    )


# --- scope --------------------------------------------------------------------------------------

PROVINCE = targets.AgencyFacts(agency_id=25, kind="people_committee", level="province")
WARD = targets.AgencyFacts(agency_id=2501, kind="people_committee", level="commune")
NATION = targets.AgencyFacts(agency_id=1, kind="government", is_root=True)


def test_a_provincial_target_does_not_apply_to_a_ward() -> None:
    provincial = TargetScope(Scope.EACH, agency_kind="people_committee", agency_level="province")
    assert targets.applies(provincial, PROVINCE)
    assert not targets.applies(provincial, WARD)
    assert not targets.applies(provincial, NATION)
    assert targets.choose([(provincial, "982.000")], WARD) is None
    every_committee = TargetScope(Scope.EACH, agency_kind="people_committee")
    assert targets.applies(every_committee, WARD)


def test_a_national_target_is_the_nations_only() -> None:
    national = TargetScope(Scope.NATIONAL)
    assert targets.applies(national, NATION)
    assert not targets.applies(national, PROVINCE) and not targets.applies(national, WARD)


def test_the_most_specific_target_applies() -> None:
    own = TargetScope(Scope.AGENCY, agency_id=25)
    level = TargetScope(Scope.EACH, agency_kind="people_committee", agency_level="province")
    kind = TargetScope(Scope.EACH, agency_kind="people_committee")
    candidates = [
        (kind, "kind"),
        (level, "level"),
        (own, "own"),
        (TargetScope(Scope.NATIONAL), "n"),
    ]
    assert targets.choose(candidates, PROVINCE) == "own"
    assert targets.choose(candidates[:2], PROVINCE) == "level"
    assert targets.choose(candidates, WARD) == "kind"
    assert targets.choose(candidates, NATION) == "n"


@given(
    st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=12),
    st.integers(min_value=1, max_value=10**7),
)
def test_more_reported_is_never_worse_for_a_sum(values: list[int], target: int) -> None:
    rank = {Track.OFF_TRACK: 0, Track.ON_TRACK: 1, Track.ACHIEVED: 2}
    base = targets.compare(basis=Basis.SUM, target=D(target), values=monthly(*values), periods=12)
    more = monthly(*values[:-1], values[-1] + 1)
    better = targets.compare(basis=Basis.SUM, target=D(target), values=more, periods=12)
    assert rank[better.track] >= rank[base.track]
