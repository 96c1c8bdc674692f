"""GET /api/v1/forecasts: the forecasts the command centre shows, scoped like the rest of the
API (an agency outside the caller's scope is a 404; the nation's are everyone's)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from dxgov.accounts.models import User
from dxgov.forecasting.actions import recompute_forecasts
from dxgov.indicators import actions as indicator_actions
from dxgov.indicators.actions import IndicatorInput
from dxgov.indicators.models import TargetBasis, ValueType
from dxgov.orgunits.models import Agency
from dxgov.reporting.models import DataValue
from dxgov.testing.clients import client_for

pytestmark = pytest.mark.django_db

URL = "/api/v1/forecasts"


@pytest.fixture
def forecasts(coordinator: User) -> None:
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
    for code, base in (("UBND-T79", 380_000), ("UBND-T25", 40_000), ("CP", 3_000_000)):
        agency = Agency.objects.get(code=code)
        for m in range(23):
            start = date(2024 + m // 12, m % 12 + 1, 1)
            rows.append(
                DataValue(
                    indicator=online,
                    agency=agency,
                    period=start.strftime("%Y%m"),
                    period_start=start,
                    frequency="month",
                    value=Decimal(base + 100 * m),
                )
            )
    DataValue.objects.bulk_create(rows)
    each: list[tuple[str, str, int]] = [
        ("people_committee", "province", 982_000),
        ("", "", 40_000_000),
    ]
    for kind, level, value in each:
        indicator_actions.set_target(
            acting_user=coordinator,
            indicator=online,
            year=2025,
            value=Decimal(value),
            agency_kind=kind,
            agency_level=level,
            aggregation=TargetBasis.SUM,
            basis="QĐ 1565/QĐ-TTg",
        )
    recompute_forecasts(acting_user=None)


def _get(user: User, **query: Any) -> Any:
    return client_for(user).get(URL, query)


def test_a_forecast_carries_its_figures_and_its_target(forecasts: None, coordinator: User) -> None:
    response = _get(coordinator, agency="UBND-T79")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["indicator"] == "HS_TT" and item["agency"]["code"] == "UBND-T79"
    assert item["period"] == "2025" and item["period_label"] == "Năm 2025"
    target = item["target"]
    assert target["basis"] == "sum" and target["scope"] == "each"
    assert (target["agency_kind"], target["agency_level"]) == ("people_committee", "province")
    assert Decimal(target["value"]) == 982_000 and target["document"] == "QĐ 1565/QĐ-TTg"
    # Eleven months reported, December projected: the year's sum, far above the target.
    assert item["value"] == pytest.approx(sum(380_000 + 100 * m for m in range(12, 24)))
    assert item["interval"]["level"] == 0.8
    assert item["interval"]["low"] <= item["value"] <= item["interval"]["high"]
    assert item["status"] == "on_track" and item["status_label"] == "Đúng hướng"
    assert item["probability"] == 1.0 and item["method"] == "linear"
    assert item["backtest_error"] is not None and item["points"] == 23 and item["horizon"] == 1


def test_scope(forecasts: None, phutho_viewer: User, coordinator: User) -> None:
    every = _get(coordinator).json()
    provinces = Agency.objects.current().filter(kind="people_committee", orgunit__level="province")
    assert every["count"] == provinces.count() + 1  # each province, and the nation
    seen = {item["agency"]["code"] for item in _get(phutho_viewer).json()["items"]}
    assert seen == {"UBND-T25", "CP"}  # its own province, and the national figure
    assert _get(phutho_viewer, agency="UBND-T79").status_code == 404
    assert _get(phutho_viewer, agency="ZZ-KHONG-CO").status_code == 404
    national = _get(phutho_viewer, agency="CP").json()
    assert [item["target"]["scope"] for item in national["items"]] == ["national"]


def test_filters(forecasts: None, coordinator: User) -> None:
    assert _get(coordinator, indicator="KHONG_CO").json()["count"] == 0
    assert _get(coordinator, year=2026).json()["count"] == 0
    found = _get(coordinator, status="too_little_data").json()
    assert found["count"] > 0 and {i["status"] for i in found["items"]} == {"too_little_data"}
    assert all(i["value"] is None for i in found["items"])
    assert _get(coordinator, status="bad").status_code == 422
    page = _get(coordinator, page_size=2, page=2).json()
    assert len(page["items"]) == 2 and page["page"] == 2


def test_anonymous_is_refused(forecasts: None, client: Any) -> None:
    assert client.get(URL).status_code == 401
