"""recompute_forecasts against the database: which values count, roll-ups, one audit event."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command

from dxgov.accounts.models import User
from dxgov.audit.models import AuditEvent, EventType
from dxgov.forecasting.actions import recompute_forecasts
from dxgov.forecasting.models import Forecast, ForecastMethod, ForecastStatus
from dxgov.indicators import actions as indicator_actions
from dxgov.indicators.actions import IndicatorInput
from dxgov.indicators.models import Indicator, ValueType
from dxgov.orgunits.models import Agency
from dxgov.reporting.models import DataValue, Report, ReportDefinition, ReportStatus

pytestmark = pytest.mark.django_db


def months(count: int) -> list[date]:
    return [date(2024 + m // 12, m % 12 + 1, 1) for m in range(count)]


def indicator(user: User, code: str, value_type: str, **extra: object) -> Indicator:
    return indicator_actions.create_indicator(
        acting_user=user,
        data=IndicatorInput(
            code=code,
            name=f"Chỉ tiêu {code}",
            value_type=value_type,
            owner=Agency.objects.get(code="BKHCN"),
            **extra,  # type: ignore[arg-type]
        ),
    )


def value(ind: Indicator, agency: Agency, start: date, **fields: object) -> DataValue:
    # Seeding data values directly: the reporting actions need a whole report workflow.
    return DataValue(
        indicator=ind,
        agency=agency,
        period=start.strftime("%Y%m"),
        period_start=start,
        frequency="month",
        **fields,  # type: ignore[arg-type]
    )


@pytest.fixture
def setup(coordinator: User) -> dict[str, object]:
    phutho = Agency.objects.get(code="UBND-T25")
    dienbien = Agency.objects.get(code="UBND-T11")
    department = Agency.objects.filter(parent=dienbien).order_by("code")[0]
    online = indicator(coordinator, "ONLINE", ValueType.COUNT)
    share = indicator(coordinator, "SHARE", ValueType.RATIO, factor=100, decimals=2)
    rows = []
    for m, start in enumerate(months(24)):
        rows.append(value(online, phutho, start, value=Decimal(100 + 10 * m)))
        # Điện Biên reports nothing itself: its department's figures roll up.
        rows.append(value(online, department, start, value=Decimal(50 + m)))
        rows.append(
            value(share, phutho, start, numerator=Decimal(40 + m), denominator=Decimal(100))
        )
    DataValue.objects.bulk_create(rows)
    for ind, target in [(online, Decimal(400)), (share, Decimal(90))]:
        indicator_actions.set_target(
            acting_user=coordinator, indicator=ind, year=2025, value=target, agency=phutho
        )
    indicator_actions.set_target(
        acting_user=coordinator, indicator=online, year=2025, value=Decimal(60), agency=dienbien
    )
    indicator_actions.set_target(
        acting_user=coordinator, indicator=online, year=2025, value=Decimal(50000)
    )  # national
    indicator_actions.set_target(
        acting_user=coordinator,
        indicator=online,
        year=2025,
        value=Decimal(1),
        agency_kind="ministry",
    )
    return {"phutho": phutho, "dienbien": dienbien, "online": online, "share": share}


def test_recompute_writes_one_forecast_per_target_and_agency(
    setup: dict[str, object], coordinator: User
) -> None:
    phutho, dienbien = setup["phutho"], setup["dienbien"]
    summary = recompute_forecasts(acting_user=coordinator)
    ministries = Agency.objects.current().filter(kind="ministry").count()
    roots = Agency.objects.current().filter(parent__isnull=True).count()
    assert summary.series == Forecast.objects.count() == 3 + roots + ministries

    own = Forecast.objects.get(indicator=setup["online"], agency=phutho)
    # 100 + 10·m, m = 0..23 (Jan 2024–Dec 2025): the target period is December 2025, reported.
    assert own.method == ForecastMethod.OBSERVED and own.projected == pytest.approx(330)
    assert own.status == ForecastStatus.OFF_TRACK  # 330 < 400

    rolled = Forecast.objects.get(indicator=setup["online"], agency=dienbien)
    assert rolled.points == 24 and rolled.projected == pytest.approx(73)  # its department's
    assert rolled.status == ForecastStatus.ON_TRACK

    ratio = Forecast.objects.get(indicator=setup["share"], agency=phutho)
    assert ratio.projected == pytest.approx(63.0)  # 40 + 23 over 100, as a percentage

    ministry = Forecast.objects.filter(indicator=setup["online"], agency__kind="ministry")
    assert {f.status for f in ministry} == {ForecastStatus.TOO_LITTLE_DATA}
    assert all(f.reason and f.projected is None and f.probability is None for f in ministry)

    national = Forecast.objects.get(indicator=setup["online"], agency__parent__isnull=True)
    assert national.projected == pytest.approx(330 + 73)  # the whole tree

    event = AuditEvent.objects.filter(event_type=EventType.FORECASTS_RECOMPUTED).get()
    assert event.actor_id == coordinator.pk
    assert event.data["series"] == summary.series
    assert event.data["by_status"]["too_little_data"] == ministries
    assert sum(event.data["by_status"].values()) == summary.series


def test_forecast_ahead_of_the_data(setup: dict[str, object], coordinator: User) -> None:
    indicator_actions.set_target(
        acting_user=coordinator,
        indicator=setup["online"],  # type: ignore[arg-type]
        year=2026,
        value=Decimal(440),
        agency=setup["phutho"],  # type: ignore[arg-type]
    )
    recompute_forecasts(acting_user=None)
    ahead = Forecast.objects.get(target__year=2026, agency=setup["phutho"])
    assert ahead.method == ForecastMethod.LINEAR and ahead.horizon == 12
    assert ahead.projected == pytest.approx(450)
    assert ahead.status == ForecastStatus.ON_TRACK and ahead.probability == 1.0


def test_only_final_reports_count_and_a_rerun_replaces(
    setup: dict[str, object], coordinator: User
) -> None:
    phutho = setup["phutho"]
    assert isinstance(phutho, Agency)
    definition = ReportDefinition.objects.create(
        code="BC-TEST", name="Thử", frequency="month", receiving_agency=phutho
    )
    draft = Report.objects.create(
        definition=definition, agency=phutho, period="202512", due_date=date(2026, 1, 10)
    )
    DataValue.objects.filter(
        indicator=setup["online"], agency=phutho, period_start=date(2025, 12, 1)
    ).update(report=draft, value=Decimal(999))
    recompute_forecasts(acting_user=None)
    # The December value is in a draft report: not counted, so December is projected.
    own = Forecast.objects.get(indicator=setup["online"], agency=phutho)
    assert own.points == 23 and own.method != ForecastMethod.OBSERVED
    assert own.projected == pytest.approx(330, abs=1)

    Report.objects.filter(pk=draft.pk).update(status=ReportStatus.APPROVED)
    first_ids = set(Forecast.objects.values_list("pk", flat=True))
    recompute_forecasts(acting_user=None)
    own = Forecast.objects.get(indicator=setup["online"], agency=phutho)
    assert own.projected == pytest.approx(999) and own.status == ForecastStatus.ON_TRACK
    assert Forecast.objects.count() == len(first_ids)
    assert not first_ids & set(Forecast.objects.values_list("pk", flat=True))
    assert AuditEvent.objects.filter(event_type=EventType.FORECASTS_RECOMPUTED).count() == 2


def test_command(setup: dict[str, object]) -> None:
    out = io.StringIO()
    call_command("forecasts", "recompute", stdout=out)
    assert "forecast(s)" in out.getvalue() and "on_track" in out.getvalue()
    assert Forecast.objects.exists()


def test_task(setup: dict[str, object]) -> None:
    from dxgov.forecasting.jobs import recompute_forecasts_task

    result = recompute_forecasts_task.call()
    assert result["series"] == Forecast.objects.count() > 0
