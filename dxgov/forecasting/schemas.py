"""The shapes of the forecasts API: <Noun>Out, <Noun>Filter."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from ninja import Schema
from pydantic import Field

from dxgov.core.limits import MAX_PAGE
from dxgov.forecasting.models import ForecastMethod, ForecastStatus
from dxgov.indicators.models import TargetBasis, TargetScope, TargetState


class AgencyRef(Schema):
    code: str
    name: str


class ForecastTargetOut(Schema):
    id: int
    value: Decimal
    baseline_value: Decimal | None = Field(None, description="The value as first approved")
    state: TargetState
    basis: TargetBasis = Field(
        ..., description="How the year's figure compared with the target is made"
    )
    basis_label: str
    scope: TargetScope = Field(..., description="Whom the target is judged for")
    scope_label: str
    agency_kind: str = Field("", description="For scope 'each': the kind of agency")
    agency_level: str = Field("", description="For scope 'each': the administrative level, if any")
    document: str = Field("", description="The document the target comes from")


class IntervalOut(Schema):
    low: float | None
    high: float | None
    level: float = Field(..., description="The interval's coverage (0.8: 80%)")


class ForecastOut(Schema):
    indicator: str
    indicator_name: str
    agency: AgencyRef
    period: str = Field(..., description="The target's period (its year): 2026")
    period_label: str
    target: ForecastTargetOut
    value: float | None = Field(
        None, description="The projected figure at the period's end, on the target's basis"
    )
    interval: IntervalOut
    probability: float | None = Field(None, description="Of meeting the target (0 to 1)")
    status: ForecastStatus
    status_label: str
    backtest_error: float | None = Field(
        None, description="The chosen model's backtest error (MAPE, percent)"
    )
    method: ForecastMethod
    method_label: str
    points: int = Field(..., description="Periods of data the projection rests on")
    horizon: int | None = Field(None, description="Periods from the last figure to the target")
    reason: str
    computed_at: datetime


class ForecastFilter(Schema):
    indicator: str | None = Field(None, max_length=32, description="Indicator code")
    agency: str | None = Field(
        None, max_length=32, description="Agency code (its own forecasts; 404 outside scope)"
    )
    year: int | None = Field(None, ge=2000, le=2100, description="The target's year")
    status: ForecastStatus | None = None
    page: int = Field(1, ge=1, le=MAX_PAGE)
    page_size: int = Field(50, ge=1, le=500)


class ForecastPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[ForecastOut]
