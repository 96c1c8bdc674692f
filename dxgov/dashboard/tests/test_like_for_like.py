"""Issue 16 §1, the case that raised the wrong alarm: Hồ Chí Minh City's online dossiers, a
yearly target of 982.000 per province ("tổng 12 tháng, mỗi tỉnh"), twelve months adding up to
about 4.6 million, the latest month 421.350. Compared like with like (the year's sum so far
against the yearly sum) the city is on track, not "0% likely, off track"; and a ward of the
city is not measured against the province's target anywhere.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from dxgov.accounts.models import User
from dxgov.dashboard import blocks, sources, warnings
from dxgov.demo.indicators import load_indicator_demo
from dxgov.demo.users import _first_commune
from dxgov.forecasting.actions import recompute_forecasts
from dxgov.forecasting.models import Forecast, ForecastStatus
from dxgov.indicators.models import Indicator, Target, TargetBasis, TargetScope
from dxgov.orgunits.models import Agency
from dxgov.reporting import actions as reporting_actions
from dxgov.reporting.models import DataValue
from dxgov.testing.clients import client_for

pytestmark = pytest.mark.django_db

YEAR = 2026
LATEST = 421_350
# Twenty-three months to November 2026, rising to 421.350: 2026's eleven months add up to
# 4.37 million, the last twelve to 4.73 million.
MONTHS = [date(2025 + m // 12, m % 12 + 1, 1) for m in range(23)]
LEVELS = [LATEST - 2_800 * (22 - m) for m in range(23)]
WARD_LEVEL = 451


def _values(indicator: Indicator, agency: Agency, levels: list[int]) -> list[DataValue]:
    return [
        DataValue(
            indicator=indicator,
            agency=agency,
            period=start.strftime("%Y%m"),
            period_start=start,
            frequency="month",
            value=Decimal(level),
        )
        for start, level in zip(MONTHS, levels, strict=True)
    ]


@pytest.fixture
def hcm_case(db: object) -> Indicator:
    load_indicator_demo()
    indicator = Indicator.objects.get(code="DVC_HS_TRUCTUYEN")
    hcm = Agency.objects.get(code="UBND-T79")
    ward = Agency.objects.get(code=_first_commune("79"))
    DataValue.objects.bulk_create(
        _values(indicator, hcm, LEVELS) + _values(indicator, ward, [WARD_LEVEL] * 23)
    )
    return indicator


def test_the_demo_target_states_its_basis_and_scope(hcm_case: Indicator) -> None:
    target = Target.objects.get(indicator=hcm_case, year=YEAR)
    assert target.aggregation == TargetBasis.SUM
    assert (target.scope, target.agency_kind, target.agency_level) == (
        TargetScope.EACH,
        "people_committee",
        "province",
    )
    assert "tổng 12 tháng, mỗi tỉnh" in target.basis


def test_hcm_is_on_track(hcm_case: Indicator) -> None:
    hcm = Agency.objects.get(code="UBND-T79")
    ytd = sum(LEVELS[12:])
    # Before any forecast: the year so far already passes the year's target.
    figure = sources.figure(hcm_case, hcm, YEAR)
    comparison = figure.comparison
    assert figure.latest is not None and figure.latest.value == LATEST
    assert comparison.actual == ytd and comparison.target == 982_000
    assert comparison.track == warnings.Track.ACHIEVED

    recompute_forecasts(acting_user=None)
    forecast = Forecast.objects.get(indicator=hcm_case, agency=hcm, target__year=YEAR)
    # The year's sum: eleven months reported and December projected — never a month's value.
    assert forecast.projected == pytest.approx(ytd + LATEST + 2_800, rel=0.01)
    assert forecast.status == ForecastStatus.ON_TRACK and forecast.probability == 1.0
    with translation.override("vi"):
        assert str(ForecastStatus(forecast.status).label) == "Đúng hướng"
        fact = sources.figure(hcm_case, hcm, YEAR).fact("")
        assert fact.track in (warnings.Track.ON_TRACK, warnings.Track.ACHIEVED)
        found = warnings.collect([fact], [], [], date(YEAR, 12, 7))
        assert found.indicators_off_track == 0 and found.items == []
        assert "đạt" in blocks.forecast_text(forecast)
        # What the figure is, said with it: the year's sum so far, and what it covers.
        assert "cộng dồn từ đầu năm, 11/12 kỳ" in figure.actual_text()
        assert "mục tiêu năm 2026: tổng cả năm" in figure.target_text()


def test_a_ward_has_no_provincial_target(hcm_case: Indicator, admin_user: User) -> None:
    ward = Agency.objects.get(code=_first_commune("79"))
    figure = sources.figure(hcm_case, ward, YEAR)
    assert figure.target is None and figure.target_row is None
    assert figure.comparison.track == warnings.Track.NO_TARGET
    recompute_forecasts(acting_user=None)
    assert not Forecast.objects.filter(indicator=hcm_case, agency=ward).exists()
    # Its indicator page on the dashboard and its data-entry form show no 982.000.
    client = client_for(admin_user)
    page = client.get(f"/dashboard/agency/{ward.code}/indicator/{hcm_case.pk}/")
    assert page.status_code == 200
    assert not re.search(r"982[.,\s]?000", _visible(page.content.decode()))


def _visible(html: str) -> str:
    """The page's text without its tags and scripts (numbers as a reader sees them)."""
    html = re.sub(r"<script.*?</script>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def _digits(text: str) -> str:
    """Thousands separators removed (1.234.567 or 1,234,567 → 1234567)."""
    return re.sub(r"(?<=\d)[.,\u00a0\u202f ](?=\d{3}\b)", "", text)


def test_the_forms_compare_the_year_to_date(hcm_case: Indicator, coordinator: User) -> None:
    hcm = Agency.objects.get(code="UBND-T79")
    ward = Agency.objects.get(code=_first_commune("79"))
    definition = reporting_actions.save_definition(
        acting_user=coordinator,
        code="DVC-THANG",
        name="Báo cáo hồ sơ trực tuyến hằng tháng",
        frequency="month",
        receiving_agency=Agency.objects.get(code="VPCP"),
        reporting_agencies=[hcm, ward],
        indicators=[hcm_case],
    )
    officer = User.objects.get(username="hcm.canbo")
    body = client_for(officer).get(f"/reports/definitions/{definition.pk}/form/{hcm.code}/202611/")
    assert body.status_code == 200
    text = _digits(_visible(body.content.decode()))
    ytd = sum(LEVELS[12:])
    assert "982000" in text and str(ytd) in text  # the year to November against the year
    assert "Từ đầu năm" in text and "tổng cả năm" in text
    assert "Đã đạt mục tiêu" in text
    ward_officer = User.objects.get(username="hcm.xa.canbo")
    ward_form = client_for(ward_officer).get(
        f"/reports/definitions/{definition.pk}/form/{ward.code}/202611/"
    )
    assert ward_form.status_code == 200
    assert "982000" not in _digits(_visible(ward_form.content.decode()))
    # The indicator page: the city's year to date, the ward with no target of its own.
    page = client_for(coordinator).get(f"/indicators/{hcm_case.pk}/?agency={hcm.code}")
    text = _digits(_visible(page.content.decode()))
    assert "Tiến độ so với mục tiêu năm" in text
    ward_page = client_for(coordinator).get(f"/indicators/{hcm_case.pk}/?agency={ward.code}")
    assert "Tiến độ so với mục tiêu năm" not in ward_page.content.decode()
