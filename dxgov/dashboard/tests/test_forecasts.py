"""Forecasts in the command centre: the band and path on an indicator's page (and in its
export), the odds next to each key indicator, warnings judged by the forecast."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from dxgov.accounts.models import User
from dxgov.dashboard import blocks
from dxgov.dashboard import cache as dashboard_cache
from dxgov.dashboard.tests.world import DashWorld
from dxgov.forecasting.actions import recompute_forecasts
from dxgov.forecasting.models import Forecast
from dxgov.orgunits.models import Agency
from dxgov.reporting import periods
from dxgov.reporting.models import DataValue
from dxgov.testing.clients import client_for

pytestmark = pytest.mark.django_db


def text(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined]


def _history(world: DashWorld) -> None:
    """A year of Điện Biên's rate before the world's reports (imported figures, no report), so
    its series and the nation's carry a trend; then the nightly recompute."""
    dienbien = Agency.objects.get(code="UBND-T11")
    first = periods.parse_period(world.period).previous().previous().previous()
    rows = []
    month = first
    for step in range(12):
        month = month.previous()
        rows.append(
            DataValue(
                indicator=world.rate,
                agency=dienbien,
                period=month.code,
                period_start=month.start,
                frequency="month",
                numerator=Decimal(11 - step * Decimal("0.5")),
                denominator=Decimal(100),
            )
        )
    DataValue.objects.bulk_create(rows)
    recompute_forecasts(acting_user=None)


@pytest.fixture
def forecasted(world: DashWorld) -> DashWorld:
    _history(world)
    return world


def _vi(forecast: Forecast) -> str:
    with translation.override("vi"):
        return blocks.forecast_text(forecast)


def test_indicator_page_shows_the_band_and_the_path(
    forecasted: DashWorld, dienbien_leader: User
) -> None:
    world = forecasted
    forecast = Forecast.objects.get(indicator=world.rate, agency__code="UBND-T11")
    assert forecast.status == "off_track" and forecast.projected is not None
    assert forecast.low is not None and forecast.high is not None
    client = client_for(dienbien_leader)
    body = text(client.get(f"/dashboard/agency/UBND-T11/indicator/{world.rate.pk}/"))
    year = timezone.localdate().year
    assert f"Tháng 12/{year}" in body  # the target date on the axis and in the table
    assert _vi(forecast) in body
    # The chart carries the forecast and both bounds, and the path to the target.
    assert body.count("&quot;connectNulls&quot;: true") == 4
    export = client.get(f"/dashboard/agency/UBND-T11/indicator/{world.rate.pk}/export.csv")
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    last = rows[-1]
    assert last[0].endswith(f"12/{year}") and float(last[1]) == pytest.approx(forecast.projected)
    assert any(row[1] == "80.0" or row[1] == "80" for row in rows)  # the target row


def test_overview_shows_odds_and_too_little_data(forecasted: DashWorld, coordinator: User) -> None:
    world = forecasted
    national = Forecast.objects.get(indicator=world.rate, agency__code="CP")
    assert national.probability is not None
    body = text(client_for(coordinator).get("/dashboard/"))
    assert _vi(national) in body
    counted = Forecast.objects.get(indicator=world.count, agency__code="CP")
    assert counted.status == "too_little_data"
    assert "Chưa đủ số liệu" in body


def test_warning_follows_the_forecast(forecasted: DashWorld, dienbien_leader: User) -> None:
    world = forecasted
    client = client_for(dienbien_leader)
    body = text(client.get("/dashboard/agency/UBND-T11/?block=warnings"))
    forecast = Forecast.objects.get(indicator=world.rate, agency__code="UBND-T11")
    assert world.rate.name in body
    assert f"({round(forecast.probability * 100)}% " in body  # type: ignore[operator]
    # With the forecast turned round (on track), the indicator leaves the warnings although the
    # straight-path rule would still flag it.
    Forecast.objects.filter(pk=forecast.pk).update(status="on_track", probability=0.9)
    # Written behind the actions' back (a recompute would announce itself in the change feed):
    # the cached block cannot know, so drop it.
    dashboard_cache.clear()
    body = text(client.get("/dashboard/agency/UBND-T11/?block=warnings"))
    assert world.rate.name not in body


def test_without_forecasts_the_pages_still_render(world: DashWorld, coordinator: User) -> None:
    assert not Forecast.objects.exists()
    body = text(client_for(coordinator).get(f"/dashboard/agency/CP/indicator/{world.rate.pk}/"))
    assert "connectNulls" in body  # the path to the target, no forecast band
    assert body.count("&quot;connectNulls&quot;: true") == 1
