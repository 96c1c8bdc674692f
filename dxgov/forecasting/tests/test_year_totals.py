"""Forecasts of a year's figure (a sum, an average, a ratio of sums) rather than its last
period: known answers on exact trends, the sum's spread, and the nightly recompute judging a
yearly sum target per province, not a ward against a province's target."""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal

import numpy as np
import pytest

from dxgov.accounts.models import User
from dxgov.demo.users import _first_commune
from dxgov.forecasting import forecast as fc
from dxgov.forecasting.actions import recompute_forecasts
from dxgov.forecasting.models import Forecast, ForecastStatus
from dxgov.indicators import actions as indicator_actions
from dxgov.indicators import targets
from dxgov.indicators.actions import IndicatorInput
from dxgov.indicators.models import TargetBasis, ValueType
from dxgov.orgunits.models import Agency
from dxgov.reporting.models import DataValue

BASE = 2024 * 12  # January 2024 as a running month index


def line(months: int, start: float = 100, step: float = 10) -> list[tuple[int, float]]:
    return [(BASE + m, start + step * m) for m in range(months)]


def year_total(
    points: list[tuple[int, float]], year: int, basis: str = "sum"
) -> fc.YearTotal | None:
    first, last = year * 12, year * 12 + 11
    values = [
        targets.Value(x - first + 1, Decimal(repr(y))) for x, y in points if first <= x <= last
    ]
    ahead = tuple(range(max(first, points[-1][0] + 1), last + 1))
    parts = targets.projection_parts(basis, values, ahead=len(ahead))
    assert parts is not None
    return fc.YearTotal(float(parts.offset), float(parts.weight), float(parts.divisor), ahead)


def test_a_yearly_sum_is_what_is_in_plus_the_projection() -> None:
    # 100 + 10·m from January 2024 to June 2025: 2025's January–June add up to 1,470 and the
    # line's July–December to 1,830, so the year is 3,300 — not December's 330.
    points = line(18)
    total = year_total(points, 2025)
    assert total is not None and len(total.ahead) == 6
    found = fc.forecast(
        points, target_value=3000, target_period=2025 * 12 + 11, total=total, lower=0
    )
    assert found.method == fc.Method.LINEAR
    assert found.projected == pytest.approx(3300)
    assert found.status == fc.Status.ON_TRACK and found.probability == 1.0
    missed = fc.forecast(
        points, target_value=3400, target_period=2025 * 12 + 11, total=total, lower=0
    )
    assert missed.status == fc.Status.OFF_TRACK and missed.probability == 0.0
    assert "6" in missed.reason  # the projected periods are said


def test_a_finished_year_is_judged_on_its_sum() -> None:
    points = line(24)
    total = year_total(points, 2025)
    assert total is not None and total.ahead == ()
    found = fc.forecast(points, target_value=3000, target_period=2025 * 12 + 11, total=total)
    assert found.method == fc.Method.OBSERVED and found.projected == pytest.approx(3300)
    assert found.status == fc.Status.ON_TRACK


def test_an_average_over_the_year() -> None:
    points = line(18)
    total = year_total(points, 2025, basis="average")
    found = fc.forecast(points, target_value=270, target_period=2025 * 12 + 11, total=total)
    assert found.projected == pytest.approx(3300 / 12)
    assert found.status == fc.Status.ON_TRACK


def test_a_ratio_of_sums_weighs_the_coming_months_by_the_usual_denominator() -> None:
    # Each month 50 ratings; 90% satisfied so far (Jan–Jun), the trend flat at 90%: the year
    # is 90%, and 95% is out of reach.
    points = [(BASE + 12 + m, 90.0) for m in range(6)]
    points = [(BASE + m, 90.0) for m in range(12)] + points
    values = [targets.Value(m + 1, Decimal(90), Decimal(45), Decimal(50)) for m in range(6)]
    ahead = tuple(range(2025 * 12 + 6, 2025 * 12 + 12))
    parts = targets.projection_parts(
        targets.Basis.RATIO_OF_SUMS,
        values,
        ahead=len(ahead),
        factor=100,
        typical_denominator=Decimal(50),
    )
    assert parts is not None
    total = fc.YearTotal(float(parts.offset), float(parts.weight), float(parts.divisor), ahead)
    found = fc.forecast(
        points, target_value=95, target_period=2025 * 12 + 11, total=total, lower=0, upper=100
    )
    assert found.projected == pytest.approx(90)
    assert found.status == fc.Status.OFF_TRACK


def test_the_sum_of_predictions_spreads_as_the_model_says() -> None:
    rng = np.random.default_rng(7)
    xs = np.arange(30, dtype=float)
    ys = 50 + 2 * xs + rng.normal(0, 3, size=30)
    model = fc._Line(xs, ys)
    one = model.predict_sum([31])
    assert one.mean == pytest.approx(model.predict(31).mean)
    assert one.sd == pytest.approx(model.predict(31).sd)
    # k independent new errors plus the line's own error summed: wider than one, narrower
    # than k times one.
    six = model.predict_sum(list(range(30, 36)))
    assert model.predict(33).sd * math.sqrt(6) < six.sd < 6 * model.predict(35).sd
    # The damped model: one step ahead is its own prediction; a sum's errors are correlated,
    # so its spread is at least that of independent errors.
    grid = 100 + np.cumsum(rng.normal(1, 2, size=36))
    path = fc._DampedPath(grid)
    damped = fc._Damped(path, 36, 35, 36)
    assert damped.predict_sum([36]).sd == pytest.approx(damped.predict(36).sd)
    assert damped.predict_sum([36]).mean == pytest.approx(damped.predict(36).mean)
    steps = list(range(36, 42))
    independent = math.sqrt(sum(damped.predict(x).sd ** 2 for x in steps))
    assert damped.predict_sum(steps).sd >= independent * 0.999
    assert damped.predict_sum(steps).mean == pytest.approx(
        sum(damped.predict(x).mean for x in steps)
    )


# --- the nightly recompute ------------------------------------------------------------------


@pytest.mark.django_db
def test_recompute_judges_the_year_per_province_and_skips_the_ward(coordinator: User) -> None:
    hcm = Agency.objects.get(code="UBND-T79")
    ward = Agency.objects.get(code=_first_commune("25"))
    online = indicator_actions.create_indicator(
        acting_user=coordinator,
        data=IndicatorInput(
            code="HS_TT",
            name="Số hồ sơ trực tuyến",
            value_type=ValueType.COUNT,
            owner=Agency.objects.get(code="VPCP"),
        ),
    )
    rows = []
    for m in range(23):  # January 2024 to November 2025
        start = date(2024 + m // 12, m % 12 + 1, 1)
        for agency, level in ((hcm, 380_000 + 1_000 * m), (ward, 451)):
            rows.append(
                DataValue(
                    indicator=online,
                    agency=agency,
                    period=start.strftime("%Y%m"),
                    period_start=start,
                    frequency="month",
                    value=Decimal(level),
                )
            )
    DataValue.objects.bulk_create(rows)
    indicator_actions.set_target(
        acting_user=coordinator,
        indicator=online,
        year=2025,
        value=Decimal(982_000),
        agency_kind="people_committee",
        agency_level="province",
        aggregation=TargetBasis.SUM,
    )
    recompute_forecasts(acting_user=None)
    forecast = Forecast.objects.get(indicator=online, agency=hcm)
    # Eleven months of about 392,000 and December's projection: about 4.7 million.
    assert forecast.projected == pytest.approx(sum(380_000 + 1_000 * m for m in range(12, 24)))
    assert forecast.status == ForecastStatus.ON_TRACK and forecast.probability == 1.0
    assert not Forecast.objects.filter(indicator=online, agency=ward).exists()
    provinces = Agency.objects.current().filter(kind="people_committee", orgunit__level="province")
    assert Forecast.objects.filter(indicator=online).count() == provinces.count()
