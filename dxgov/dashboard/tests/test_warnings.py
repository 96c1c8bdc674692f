"""Early-warning rules: indicators off track with the months left, tasks at risk, the list."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from dxgov.dashboard import warnings
from dxgov.dashboard.warnings import Track, judge

D = Decimal


def test_months_left_as_the_seeds_count_them() -> None:
    assert warnings.months_left(date(2022, 8, 8)) == 4
    assert warnings.months_left(date(2022, 12, 31)) == 0
    assert warnings.months_left(date(2022, 1, 1)) == 11


def test_year_share() -> None:
    assert warnings.year_share(date(2025, 12, 31)) == 1
    assert D("0.49") < warnings.year_share(date(2025, 6, 30)) < D("0.5")


def test_judge_against_the_straight_path() -> None:
    half = D("0.5")
    # From 20 to 80: by mid-year 50 is expected.
    assert judge(higher_is_better=True, target=D(80), current=D(50), share=half, start=D(20)) == (
        Track.ON_TRACK
    )
    assert judge(higher_is_better=True, target=D(80), current=D(30), share=half, start=D(20)) == (
        Track.OFF_TRACK
    )
    assert judge(higher_is_better=True, target=D(80), current=D(81), share=half, start=D(20)) == (
        Track.ACHIEVED
    )
    # Lower is better: from 30 days to 10 days.
    assert judge(higher_is_better=False, target=D(10), current=D(25), share=half, start=D(30)) == (
        Track.OFF_TRACK
    )
    assert judge(higher_is_better=False, target=D(10), current=D(19), share=half, start=D(30)) == (
        Track.ON_TRACK
    )


def test_judge_without_target_or_data() -> None:
    assert judge(higher_is_better=True, target=None, current=D(1), share=D(1)) == Track.NO_TARGET
    assert judge(higher_is_better=True, target=D(1), current=None, share=D(1)) == Track.NO_DATA


def test_a_milestone_overrides_the_path() -> None:
    # On the straight path 50 is fine at mid-year, but the quarter's milestone asks for 70.
    assert (
        judge(
            higher_is_better=True,
            target=D(80),
            current=D(50),
            share=D("0.5"),
            start=D(20),
            milestone=D(70),
        )
        == Track.OFF_TRACK
    )


def test_first_figure_of_the_year_is_on_its_own_path() -> None:
    assert (
        judge(
            higher_is_better=True,
            target=D(80),
            current=D(10),
            share=D("0.08"),
            start=D(10),
            start_share=D("0.08"),
        )
        == Track.ON_TRACK
    )


@given(
    st.decimals(min_value=0, max_value=1000, places=2),
    st.decimals(min_value=0, max_value=1000, places=2),
    st.decimals(min_value=0, max_value=1000, places=2),
    st.decimals(min_value=0, max_value=1, places=3),
)
def test_more_is_never_worse_when_higher_is_better(
    target: Decimal, start: Decimal, current: Decimal, share: Decimal
) -> None:
    rank = {Track.OFF_TRACK: 0, Track.ON_TRACK: 1, Track.ACHIEVED: 2}
    a = judge(higher_is_better=True, target=target, current=current, share=share, start=start)
    b = judge(higher_is_better=True, target=target, current=current + 1, share=share, start=start)
    assert rank[b] >= rank[a]


def _task(progress: int, assigned: date, deadline: date, status: str = "open") -> warnings.TaskFact:
    return warnings.TaskFact(
        1, "Nhiệm vụ", "UBND-T25", "UBND Phú Thọ", status, progress, assigned, deadline
    )


def test_tasks_at_risk_by_the_forecasting_rule() -> None:
    """The warning uses dxgov.forecasting's one rule: deadline near with little progress, or a
    month without a progress report; a task already past its deadline is not listed here."""
    today = date(2026, 6, 1)
    near = _task(70, date(2026, 5, 20), date(2026, 6, 5))  # 4 days left, 70% done
    fresh = warnings.TaskFact(
        2, "Đúng hạn", "UBND-T25", "UBND Phú Thọ", "open", 10, date(2026, 1, 1),
        date(2026, 12, 1), last_report_on=date(2026, 5, 25),
    )  # fmt: skip
    silent = warnings.TaskFact(
        3, "Im lặng", "UBND-T25", "UBND Phú Thọ", "open", 90, date(2026, 1, 1),
        date(2026, 12, 1), last_report_on=date(2026, 3, 1),
    )  # fmt: skip
    overdue = _task(0, date(2026, 1, 1), date(2026, 5, 1))
    done = _task(0, date(2026, 5, 20), date(2026, 6, 5), status="done_on_time")
    with translation.override("en"):
        found = warnings.collect([], [near, fresh, silent, overdue, done], [], today)
    assert found.tasks_at_risk == 2
    titles = [item.title for item in found.items]
    assert titles == ["Nhiệm vụ", "Im lặng"]  # the deadline-near one is the urgent one
    assert [item.severity for item in found.items] == [2, 1]
    assert "No progress report for 92 days." in found.items[1].detail
    assert "Deadline in 4 days with only 70% done." in found.items[0].detail


def test_the_forecast_judges_when_there_is_one() -> None:
    today = date(2026, 8, 8)
    base = dict(
        indicator_code="A", indicator_name="Chỉ tiêu A", agency_code="UBND-T25",
        agency_name="UBND Phú Thọ", higher_is_better=True, target=D(80), share=D("0.6"),
        start=D(10),
    )  # fmt: skip
    # By the straight path 20 of 80 is far behind, but the forecast says on track.
    behind = warnings.IndicatorFact(**base, current=D(20))  # type: ignore[arg-type]
    assert behind.track == Track.OFF_TRACK
    likely = warnings.ForecastFact("on_track", 0.8, "82%", 2026)
    assert warnings.IndicatorFact(**base, current=D(20), forecast=likely).track == Track.ON_TRACK  # type: ignore[arg-type]
    # By the straight path 60 is fine; the forecast says it will miss.
    unlikely = warnings.ForecastFact("off_track", 0.12, "64%", 2027)
    off = warnings.IndicatorFact(**base, current=D(60), forecast=unlikely)  # type: ignore[arg-type]
    assert off.track == Track.OFF_TRACK
    # Too little data: the straight path decides; a reached target is reached whatever.
    thin = warnings.ForecastFact("too_little_data", None, "—", 2026)
    assert warnings.IndicatorFact(**base, current=D(60), forecast=thin).track == Track.ON_TRACK  # type: ignore[arg-type]
    assert warnings.IndicatorFact(**base, current=D(85), forecast=unlikely).track == Track.ACHIEVED  # type: ignore[arg-type]
    with translation.override("en"):
        found = warnings.collect([off], [], [], today)
    assert found.indicators_off_track == 1
    item = found.items[0]
    # Months left to the target date (December 2027), not to this year's end.
    assert "forecast 64% (12% likely to be met); 16 months left" in item.detail
    assert item.severity == 1


def test_months_left_to_a_later_year() -> None:
    assert warnings.months_left(date(2026, 8, 8), 2027) == 16
    assert warnings.months_left(date(2026, 8, 8), 2025) == 0


def test_collect_orders_by_urgency_and_counts() -> None:
    today = date(2022, 8, 8)
    off = warnings.IndicatorFact(
        "A", "Chỉ tiêu A", "UBND-T25", "UBND Phú Thọ", True, D(80), D(20), D("0.6"), D(10)
    )
    ok = warnings.IndicatorFact(
        "B", "Chỉ tiêu B", "UBND-T25", "UBND Phú Thọ", True, D(80), D(60), D("0.6"), D(10)
    )
    no_target = warnings.IndicatorFact(
        "C", "Chỉ tiêu C", "UBND-T25", "UBND Phú Thọ", True, None, D(60), D("0.6")
    )
    late = warnings.LateReportFact(
        "BC", "Báo cáo tháng", "Tháng 7/2022", "UBND-T11", "UBND Điện Biên", date(2022, 8, 3), False
    )
    task = _task(10, date(2022, 1, 1), date(2022, 8, 12))
    with translation.override("en"):
        found = warnings.collect([off, ok, no_target], [task], [late], today)
    assert (found.indicators_total, found.indicators_off_track) == (2, 1)
    assert found.months_left == 4 and found.tasks_at_risk == 1 and found.reports_late == 1
    assert [i.kind for i in found.items] == [
        warnings.Kind.INDICATOR,
        warnings.Kind.REPORT,
        warnings.Kind.TASK,
    ]
    assert "1/2 chỉ tiêu chệch hướng" in found.sentence and "còn 4 tháng" in found.sentence


def test_a_source_silent_for_two_days_has_stopped() -> None:
    today = date(2026, 8, 10)

    def source(code: str, heard: date | None, registered: date = date(2026, 1, 1)) -> Any:
        return warnings.SourceFact(
            code, f"Một cửa {code}", "UBND-T25", "UBND Phú Thọ", registered, heard
        )

    quiet = source("A", date(2026, 8, 9))  # yesterday: fine
    stopped = source("B", date(2026, 8, 8))  # two days: stopped, watch
    long_gone = source("C", date(2026, 8, 1))  # nine days: act now
    never = source("D", None, registered=date(2026, 8, 9))  # registered yesterday: not yet
    never_old = source("E", None, registered=date(2026, 7, 1))
    with translation.override("en"):
        found = warnings.collect([], [], [], today, [quiet, stopped, long_gone, never, never_old])
        assert found.sources_stopped == 3
        by_code = {item.title.split(" · ")[0]: item for item in found.items}
        assert set(by_code) == {"B", "C", "E"}
        assert by_code["B"].severity == 1 and by_code["C"].severity == 2
        assert by_code["C"].detail == "No data for 9 days; last heard from on 01/08/2026"
        assert by_code["E"].detail == "No data since it was registered 40 days ago"
        assert all(item.kind == warnings.Kind.SOURCE for item in found.items)
