"""Rates against both denominators, the good / slow / unable classification, the weekly table,
the year-end forecast, variance and the timeliness ranking (figures.py, pure)."""

from __future__ import annotations

from datetime import date

import pytest

from dxgov.investments import figures, planyear
from dxgov.investments.figures import (
    GOOD,
    NONE,
    SLOW,
    UNABLE,
    DatedFigure,
    PlanChange,
    Thresholds,
    UnitFigures,
)

LIMITS = Thresholds(good_from=0.9, unable_below=0.3, grace_share=0.05)


@pytest.mark.parametrize(
    ("disbursed", "expected", "stalled", "klass"),
    [
        (95, 100, False, GOOD),
        (90, 100, False, GOOD),
        (89, 100, False, SLOW),
        (30, 100, False, SLOW),
        (29, 100, False, UNABLE),
        (100, 100, True, UNABLE),
        (0, 40, False, GOOD),  # within the grace share of the plan (5 % of 1000)
    ],
)
def test_classification(disbursed: int, expected: int, stalled: bool, klass: str) -> None:
    assert (
        figures.classify(
            disbursed=disbursed,
            expected=expected,
            plan_total=1000,
            stalled=stalled,
            thresholds=LIMITS,
        )
        == klass
    )


def test_no_plan_is_not_classified() -> None:
    assert (
        figures.classify(disbursed=0, expected=0, plan_total=0, stalled=True, thresholds=LIMITS)
        == NONE
    )


def test_thresholds_are_configurable() -> None:
    strict = Thresholds(good_from=1.0, unable_below=0.5, grace_share=0.0)
    assert (
        figures.classify(
            disbursed=95, expected=100, plan_total=1000, stalled=False, thresholds=strict
        )
        == SLOW
    )
    assert (
        figures.classify(
            disbursed=45, expected=100, plan_total=1000, stalled=False, thresholds=strict
        )
        == UNABLE
    )
    assert Thresholds(0.5, 0.6).problem() is not None


def test_both_denominators_and_the_national_average() -> None:
    table = figures.weekly_table(
        [
            UnitFigures("BCA", "Bộ Công an", "ministry", 60, plan_total=100, plan_assigned=80),
            UnitFigures("UBND-T25", "Phú Thọ", "province", 30, plan_total=100, plan_assigned=50),
            UnitFigures("UBND-T11", "Điện Biên", "province", 10, plan_total=50, plan_assigned=50),
            UnitFigures("BYT", "Bộ Y tế", "ministry", 0, plan_total=0, plan_assigned=0),
        ],
        "Cả nước",
    )
    assert table.national.disbursed == 100
    assert table.average_total == pytest.approx(40.0)  # 100 / 250
    assert table.average_assigned == pytest.approx(100 * 100 / 180)
    by_code = {line.figures.code: line for line in table.lines}
    assert by_code["BCA"].rate_total == pytest.approx(60.0)
    assert by_code["BCA"].rate_assigned == pytest.approx(75.0)
    assert by_code["UBND-T25"].rate_assigned == pytest.approx(60.0)
    assert by_code["BCA"].above_average and by_code["UBND-T25"].above_average
    assert by_code["UBND-T11"].above_average is False
    assert by_code["BYT"].rate_assigned is None and by_code["BYT"].above_average is None
    assert [line.figures.code for line in table.lines] == ["BCA", "UBND-T25", "UBND-T11", "BYT"]
    assert [line.figures.code for line in table.below] == ["UBND-T11"]


def test_a_unit_beyond_its_assigned_plan_is_above_100_percent() -> None:
    # A province that added its own capital can disburse more than the Prime Minister assigned.
    table = figures.weekly_table(
        [UnitFigures("X", "X", "province", 120, plan_total=150, plan_assigned=100)], "Cả nước"
    )
    assert table.lines[0].rate_assigned == pytest.approx(120.0)
    assert table.lines[0].rate_total == pytest.approx(80.0)


def test_variance_against_the_original_baseline() -> None:
    found = figures.variance(1000, 1250, date(2026, 6, 30), date(2026, 12, 31))
    assert found.cost == 250 and found.cost_percent == pytest.approx(25.0)
    assert found.schedule_days == 184 and found.rebaselined
    assert not figures.variance(1000, 1000, date(2026, 6, 30), date(2026, 6, 30)).rebaselined


def _pace(plan_year: int, factor: float) -> list[tuple[int, date, float]]:
    """Weekly rates following the usual curve times `factor` (up to mid-October)."""
    weeks = []
    for index, day in enumerate(planyear.week_ends(plan_year), start=1):
        if day > date(plan_year, 10, 17):
            break
        weeks.append((index, day, 100 * factor * planyear.usual_share(plan_year, day)))
    return weeks


def test_the_year_end_forecast_reads_the_pace_not_a_straight_line() -> None:
    last = len(planyear.week_ends(2025))
    on_pace = figures.year_end(2025, _pace(2025, 1.02), last_week=last)
    assert on_pace.projected == pytest.approx(96.9, abs=1.0)
    assert on_pace.probability is not None and on_pace.probability > 0.5
    behind = figures.year_end(2025, _pace(2025, 0.6), last_week=last)
    assert behind.projected is not None and behind.projected < 70
    assert behind.probability is not None and behind.probability < 0.1


def test_too_early_in_the_year_there_is_no_forecast() -> None:
    early = [w for w in _pace(2025, 1.0) if w[1] < date(2025, 3, 20)]
    result = figures.year_end(2025, early, last_week=57)
    assert result.status == "too_little_data" and result.probability is None


def test_a_closed_window_is_judged_on_its_last_rate() -> None:
    weeks = [(57, date(2026, 1, 31), 96.0)]
    assert figures.year_end(2025, weeks, last_week=57).probability == 1.0


def test_a_projects_weeks_carry_figures_and_replace_estimates() -> None:
    weeks = planyear.week_ends(2025)[:4]  # 3, 10, 17, 24 January
    rows = figures.project_weeks(
        2025,
        weeks,
        previous_end=date(2024, 12, 31),
        carried=[0, 0, 0, 0],
        carried_estimates=0,
        figures_after=[
            DatedFigure(date(2025, 1, 8), 0, False, 100),
            DatedFigure(date(2025, 1, 8), 0, True, 80),
            DatedFigure(date(2025, 1, 22), 2, False, 50),
        ],
        plan_changes=[
            PlanChange(date(2024, 12, 20), 0, 1000, 800),
            PlanChange(date(2025, 1, 15), 2, 500, 0),
        ],
        schedule=None,
        stalled_since=None,
        thresholds=LIMITS,
    )
    assert [r.disbursed for r in rows] == [0, 80, 80, 130]
    assert [r.plan_total for r in rows] == [1000, 1000, 1500, 1500]
    assert [r.plan_assigned for r in rows] == [800, 800, 800, 800]
    assert [r.updated for r in rows] == [False, True, False, True]
    assert rows[1].estimates == 0 and rows[3].estimates == 0b100


def test_the_schedule_sets_what_is_expected() -> None:
    schedule = [100 * (i + 1) for i in range(13)]
    assert figures.expected_by(2025, date(2025, 1, 31), 1300, schedule) == 100
    assert figures.expected_by(2025, date(2025, 12, 31), 1300, schedule) == 1200
    assert figures.expected_by(2025, date(2025, 12, 31), 1000, None) == 850


def test_timeliness_ranking_shares_ranks() -> None:
    ranked = figures.rank_timeliness(
        {"A": ("A", 10, 0), "B": ("B", 5, 0), "C": ("C", 10, 5), "D": ("D", 0, 0)}
    )
    assert [(t.code, t.rank) for t in ranked] == [("A", 1), ("B", 1), ("C", 3), ("D", 0)]
    assert ranked[2].on_time_rate == pytest.approx(50.0)
