"""Series with known answers through the pure forecasting module."""

from __future__ import annotations

import math
import warnings
from datetime import date

import numpy as np
import pytest
from django.utils import translation

from dxgov.forecasting import forecast as fc
from dxgov.forecasting.forecast import Direction, Method, Status, forecast


def line(n: int, start: float = 10.0, slope: float = 2.0) -> list[tuple[int, float]]:
    return [(i, start + slope * i) for i in range(n)]


def test_exact_line_projects_exactly_with_a_tight_interval() -> None:
    result = forecast(line(12), target_value=40, target_period=20)
    assert result.method == Method.LINEAR
    assert result.projected == pytest.approx(50.0)
    assert result.low == pytest.approx(50.0) and result.high == pytest.approx(50.0)
    assert result.probability == 1.0 and result.status == Status.ON_TRACK
    assert result.mape == pytest.approx(0.0, abs=1e-9)
    assert (result.points, result.horizon) == (12, 9)


def test_exact_line_short_of_its_target_is_off_track() -> None:
    result = forecast(line(12), target_value=50.5, target_period=20)
    assert result.probability == 0.0 and result.status == Status.OFF_TRACK


def test_gaps_do_not_bend_a_line() -> None:
    points = [p for p in line(24) if p[0] not in {3, 4, 11, 17}]
    result = forecast(points, target_value=0, target_period=30)
    assert result.projected == pytest.approx(70.0)
    assert result.points == 20


def test_dates_become_periods() -> None:
    points = [(date(2025, month, 1), 100.0 + 5 * month) for month in range(1, 11)]
    result = forecast(points, target_value=160, target_period=date(2025, 12, 31))
    assert result.projected == pytest.approx(160.0)
    assert result.horizon == 2
    assert result.probability == 1.0  # exactly on the target meets it
    quarterly = [(date(2024 + q // 4, q % 4 * 3 + 1, 1), 10.0 * q) for q in range(8)]
    result = forecast(quarterly, target_value=0, target_period=date(2026, 12, 1), period_months=3)
    assert (result.horizon, result.projected) == (4, pytest.approx(110.0))


def test_noisy_line_interval_holds_the_truth_and_the_target_odds_are_sensible() -> None:
    rng = np.random.default_rng(5)
    values = 50 + 1.5 * np.arange(36) + rng.normal(0, 2, 36)
    truth = 50 + 1.5 * 47
    result = forecast(list(enumerate(values)), target_value=truth, target_period=47)
    assert result.low is not None and result.high is not None
    assert result.low < truth < result.high
    assert result.projected == pytest.approx(truth, abs=3)
    assert result.high - result.low < 12  # 80% of roughly ±1.3 × 2.3
    assert result.probability is not None and 0.2 < result.probability < 0.8
    assert result.mape is not None and 0 < result.mape < 10


def test_flat_series_is_even_odds_at_its_mean() -> None:
    rng = np.random.default_rng(9)
    values = 20 + rng.normal(0, 1, 24)
    result = forecast(list(enumerate(values)), target_value=float(values.mean()), target_period=29)
    assert result.projected == pytest.approx(20, abs=1.5)
    assert result.probability is not None and 0.3 < result.probability < 0.7
    assert result.status == Status.AT_RISK


def test_seasonal_wiggle_widens_the_interval() -> None:
    rng = np.random.default_rng(3)
    t = np.arange(36)
    plain = 100 + t + rng.normal(0, 1, 36)
    seasonal = plain + 8 * np.sin(2 * np.pi * t / 12)
    a = forecast(list(enumerate(plain)), target_value=140, target_period=47)
    b = forecast(list(enumerate(seasonal)), target_value=140, target_period=47)
    assert a.low is not None and a.high is not None and b.low is not None and b.high is not None
    assert b.high - b.low > 2 * (a.high - a.low)
    assert b.low < 147 < b.high  # the trend's value at the target lies inside
    assert b.mape is not None and b.mape > (a.mape or 0)


def test_saturating_series_prefers_the_damped_trend() -> None:
    rng = np.random.default_rng(1)
    t = np.arange(36)
    values = 100 - 60 * 0.85**t + rng.normal(0, 0.5, 36)
    result = forecast(list(enumerate(values)), target_value=99, target_period=47)
    assert result.method == Method.DAMPED_HOLT
    assert result.projected == pytest.approx(100, abs=2)
    straight = forecast(list(enumerate(values[:12])), target_value=99, target_period=47)
    assert straight.projected is not None and straight.projected > 110  # a line overshoots


def test_lower_is_better_mirrors_higher() -> None:
    rng = np.random.default_rng(2)
    values = 80 - 0.8 * np.arange(24) + rng.normal(0, 1.5, 24)
    points = list(enumerate(values))
    higher = forecast(points, target_value=60, target_period=30, direction=Direction.HIGHER)
    lower = forecast(points, target_value=60, target_period=30, direction="lower")
    assert higher.probability is not None and lower.probability is not None
    assert higher.probability + lower.probability == pytest.approx(1.0)
    assert lower.probability > 0.5 and lower.status != Status.OFF_TRACK


def test_percentages_stay_within_0_and_100() -> None:
    points = [(i, 80.0 + 2 * i) for i in range(10)]  # reaches 98 and keeps climbing
    result = forecast(points, target_value=100, target_period=20, lower=0, upper=100)
    assert result.projected == 100.0 and result.high == 100.0
    assert result.probability == 1.0
    beyond = forecast(points, target_value=101, target_period=20, lower=0, upper=100)
    assert beyond.probability == 0.0 and beyond.status == Status.OFF_TRACK
    falling = [(i, 20.0 - 3 * i) for i in range(6)]
    low = forecast(falling, target_value=5, target_period=12, direction="lower", lower=0, upper=100)
    assert low.projected == 0.0 and low.low == 0.0 and low.probability == 1.0


def test_cumulative_series_never_projects_below_its_last_value() -> None:
    rng = np.random.default_rng(4)
    values = np.maximum.accumulate(1000 + rng.normal(0, 30, 12))  # flat, noisy, never down
    result = forecast(list(enumerate(values)), target_value=0, target_period=20, cumulative=True)
    assert result.low is not None and result.low >= values[-1]
    already = forecast(
        list(enumerate(values)), target_value=float(values[-1]), target_period=20, cumulative=True
    )
    assert already.probability == 1.0  # reached and can only stay


def test_too_short_without_national_says_how_much_more_is_needed() -> None:
    with translation.override("en"):
        result = forecast(line(3), target_value=40, target_period=12)
    assert result.status == Status.TOO_LITTLE_DATA and result.method == Method.NONE
    assert result.projected is None and result.probability is None and result.mape is None
    assert result.reason == "At least 3 more periods of data are needed."
    with translation.override("en"):
        one = forecast(line(5), target_value=40, target_period=12)
        none = forecast([], target_value=40, target_period=12)
    assert one.reason == "At least 1 more period of data is needed."
    assert none.points == 0 and none.horizon is None


def test_short_series_follows_the_national_pattern() -> None:
    national = [(i, 1000 * 1.02**i) for i in range(24)]  # +2% a period, nationally
    agency = [(21, 50.0), (22, 51.0), (23, 52.0)]
    with translation.override("en"):
        result = forecast(agency, target_value=55, target_period=29, national=national)
    assert result.method == Method.NATIONAL
    # The national line through an exponential is close to its last points: ~+2% a period.
    assert result.projected == pytest.approx(52.0 * 1.02**6, rel=0.02)
    assert result.mape is None and result.status != Status.TOO_LITTLE_DATA
    assert "national trend" in result.reason
    assert result.low is not None and result.high is not None and result.low < result.high


def test_no_national_pattern_from_a_zero_level() -> None:
    national = [(i, 0.0) for i in range(12)]
    result = forecast([(11, 3.0)], target_value=5, target_period=15, national=national)
    assert result.status == Status.TOO_LITTLE_DATA


def test_target_period_already_reported_is_judged_on_the_value() -> None:
    result = forecast(line(12), target_value=25, target_period=7)
    assert result.method == Method.OBSERVED
    assert result.projected == 24.0 and result.probability == 0.0 and result.horizon == 4 - 8


def test_target_too_far_ahead_is_refused() -> None:
    result = forecast(line(12), target_value=25, target_period=11 + fc.MAX_HORIZON + 1)
    assert result.status == Status.TOO_LITTLE_DATA


def test_guarded_mape_survives_zero_actuals() -> None:
    values = [0.0] * 8 + [1.0, 2.0, 0.0, 3.0, 4.0, 0.0]
    result = forecast(list(enumerate(values)), target_value=5, target_period=20)
    assert result.mape is not None and math.isfinite(result.mape)
    zeros = forecast([(i, 0.0) for i in range(10)], target_value=1, target_period=12)
    assert zeros.mape == 0.0 and zeros.projected == 0.0 and zeros.probability == 0.0


def test_mape_floor() -> None:
    assert fc._mape([1.0, 1.0], [0.0, 10.0], floor=1.0) == pytest.approx(55.0)
    assert fc._mape([], [], floor=1.0) is None
    assert fc._mape([1.0], [0.0], floor=0.0) is None
    assert fc._mape([0.0], [0.0], floor=0.0) == 0.0


def test_non_finite_values_are_ignored_and_bad_bounds_refused() -> None:
    points = [*line(8), (8, float("nan")), (9, float("inf"))]
    assert forecast(points, target_value=0, target_period=10).points == 8
    with pytest.raises(ValueError):
        forecast(line(8), target_value=0, target_period=10, lower=5, upper=1)


def test_status_thresholds() -> None:
    assert fc.status_for(0.7) == Status.ON_TRACK
    assert fc.status_for(0.6999) == Status.AT_RISK
    assert fc.status_for(0.3) == Status.AT_RISK
    assert fc.status_for(0.2999) == Status.OFF_TRACK


def test_damped_smoothing_matches_statsmodels_for_the_same_parameters() -> None:
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    rng = np.random.default_rng(8)
    values = 100 - 60 * 0.9 ** np.arange(30) + rng.normal(0, 1, 30)
    path = fc._DampedPath(values)
    model = fc._Damped(path, 30, 29, 30)
    head = fc._Line(np.arange(6, dtype=float), values[:6])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fitted = ExponentialSmoothing(
            values,
            trend="add",
            damped_trend=True,
            initialization_method="known",
            initial_level=head.intercept - head.slope,
            initial_trend=head.slope,
        ).fit(
            smoothing_level=model.alpha,
            smoothing_trend=model.beta / model.alpha,
            damping_trend=model.phi,
            optimized=False,
        )
    expected = fitted.forecast(12)
    ours = [model.predict(29 + h).mean for h in range(1, 13)]
    assert ours == pytest.approx(list(expected), rel=1e-9)
    # and the one-step errors give the same sum of squares as statsmodels' SSE
    assert float(path.sses[-1][int(np.argmin(path.sses[-1]))]) == pytest.approx(
        float(fitted.sse), rel=1e-9
    )
