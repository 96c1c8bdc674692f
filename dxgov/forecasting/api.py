"""The forecasts API: every forecast the command centre shows, for other systems to read.

A forecast about one agency exists for a user only inside their scope (asking for an agency
outside it is a 404); the nation's forecasts (those of the tree's root) are national figures,
for every signed-in user, as on the dashboard.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router

from dxgov.forecasting import forecast as fc
from dxgov.forecasting.models import Forecast, ForecastMethod, ForecastStatus
from dxgov.forecasting.schemas import (
    AgencyRef,
    ForecastFilter,
    ForecastOut,
    ForecastPage,
    ForecastTargetOut,
    IntervalOut,
)
from dxgov.indicators import targets as target_rules
from dxgov.indicators.models import Target, TargetBasis, TargetScope, TargetState
from dxgov.orgunits.access import access_agency, agencies_in_scope, sees_everything
from dxgov.orgunits.models import Agency

router = Router(tags=["forecasts"])


def _visible(user: Any) -> QuerySet[Forecast]:
    rows = Forecast.objects.all()
    if sees_everything(user):
        return rows
    national = Q(agency__parent__isnull=True)
    return rows.filter(national | Q(agency__in=agencies_in_scope(user).values("pk")))


def _agency(user: Any, code: str) -> Agency:
    """The agency asked for: the nation's root for everyone, any other only in scope (404)."""
    root = Agency.objects.filter(code=code, parent__isnull=True).first()
    return root if root is not None else access_agency(user, code)


def _target(target: Target) -> ForecastTargetOut:
    return ForecastTargetOut(
        id=target.pk,
        value=target.value,
        baseline_value=target.baseline_value,
        state=TargetState(target.state),
        basis=TargetBasis(target.aggregation),
        basis_label=target_rules.basis_label(target.aggregation),
        scope=TargetScope(target.scope),
        scope_label=str(TargetScope(target.scope).label),
        agency_kind=target.agency_kind,
        agency_level=target.agency_level,
        document=target.basis,
    )


def _out(row: Forecast) -> ForecastOut:
    target = row.target
    return ForecastOut(
        indicator=row.indicator.code,
        indicator_name=row.indicator.name,
        agency=AgencyRef(code=row.agency.code, name=row.agency.name),
        period=str(target.year),
        period_label=_("Year %(year)s") % {"year": target.year},
        target=_target(target),
        value=row.projected,
        interval=IntervalOut(low=row.low, high=row.high, level=fc.LEVEL),
        probability=row.probability,
        status=ForecastStatus(row.status),
        status_label=str(ForecastStatus(row.status).label),
        backtest_error=row.mape,
        method=ForecastMethod(row.method),
        method_label=str(ForecastMethod(row.method).label),
        points=row.points,
        horizon=row.horizon,
        reason=row.reason,
        computed_at=row.computed_at,
    )


@router.get(
    "/forecasts",
    response=ForecastPage,
    summary="Forecasts of each target, per agency",
    description=(
        "The nightly forecasts (as the command centre shows them): the projected figure at the "
        "end of the target's period on the target's basis (a yearly sum, a cumulative value, "
        "Σ numerators ÷ Σ denominators, …), its 80% interval, the probability of meeting the "
        "target, the status, the backtest error and the method. Forecasts of agencies in your "
        "scope and the nation's; `agency` outside your scope is a 404."
    ),
)
def list_forecasts(request: HttpRequest, filters: Query[ForecastFilter]) -> dict[str, Any]:
    rows = _visible(request.user).select_related("indicator", "agency", "target")
    if filters.indicator:
        rows = rows.filter(indicator__code=filters.indicator)
    if filters.agency:
        rows = rows.filter(agency=_agency(request.user, filters.agency))
    if filters.year is not None:
        rows = rows.filter(target__year=filters.year)
    if filters.status is not None:
        rows = rows.filter(status=filters.status)
    count = rows.count()
    start = (filters.page - 1) * filters.page_size
    page = rows.order_by("indicator__code", "target__year", "agency__path", "pk")
    items = [_out(row) for row in page[start : start + filters.page_size]]
    return {"count": count, "page": filters.page, "page_size": filters.page_size, "items": items}
