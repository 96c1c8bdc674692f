"""The Decision 766 scores API: rankings, a unit's scorecard, comparisons (national figures for
every signed-in user) and the dossiers behind a count (the agency's records: scoped, 404
outside)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router

from dxgov.orgunits.access import access_agency
from dxgov.orgunits.models import Agency
from dxgov.scoring import periods, reports
from dxgov.scoring.periods import Period
from dxgov.scoring.schemas import (
    ScoreCompareFilter,
    ScoreCompareOut,
    ScoreDossierFilter,
    ScoreDossierPage,
    ScorePeriodFilter,
    ScoreRankingFilter,
    ScoreRankingOut,
    ScoreUnitOut,
)

router = Router(tags=["scores"])


def _period(filters: ScorePeriodFilter) -> Period:
    try:
        return reports.choose_period(filters.period, filters.kind)
    except periods.BadPeriod as exc:
        raise Http404(str(exc)) from exc


def _agency(code: str) -> Agency:
    agency = Agency.objects.filter(code=code).select_related("parent").first()
    if agency is None:
        raise Http404(_("No agency with code %(code)s.") % {"code": code})
    return agency


@router.get("/scores/ranking", response=ScoreRankingOut, summary="Provinces or ministries, ranked")
def ranking(request: HttpRequest, filters: Query[ScoreRankingFilter]) -> dict[str, Any]:
    period = _period(filters)
    rows = reports.ranking(period, filters.of)
    unranked = reports.unranked(period, filters.of)
    return {
        "period": period.code,
        "of": filters.of,
        "rows": [r.as_json() for r in rows],
        "unranked": [u.as_json() for u in unranked],
    }


@router.get("/scores/units/{code}", response=ScoreUnitOut, summary="A unit's scorecard")
def unit(request: HttpRequest, code: str, filters: Query[ScorePeriodFilter]) -> dict[str, Any]:
    agency = _agency(code)
    return reports.unit_report(agency, _period(filters)).as_json()


@router.get("/scores/compare", response=ScoreCompareOut, summary="Two units side by side")
def compare(request: HttpRequest, filters: Query[ScoreCompareFilter]) -> dict[str, Any]:
    period = _period(filters)
    codes = [code for code in (filters.a, filters.b) if code]
    units = [reports.unit_report(_agency(code), period).as_json() for code in codes]
    return {"period": period.code, "units": units}


@router.get(
    "/scores/units/{code}/dossiers",
    response=ScoreDossierPage,
    summary="The dossiers behind a metric's numerator or denominator (codes only)",
)
def dossiers(request: HttpRequest, code: str, filters: Query[ScoreDossierFilter]) -> dict[str, Any]:
    agency = access_agency(request.user, code)
    period = _period(filters)
    try:
        name = reports.count_field(filters.metric, filters.part)
    except reports.UnknownMetric as exc:
        raise Http404(str(exc)) from exc
    found = reports.dossier_rows(reports.dossiers_behind(agency, period, name))
    start = (filters.page - 1) * filters.page_size
    items = [
        {
            "code": row["code"],
            "procedure_code": row["procedure_code"],
            "agency_code": row["agency__code"],
            "received_at": row["received_at"],
            "end_at": row["end_at"],
            "status": row["status"],
        }
        for row in found[start : start + filters.page_size]
    ]
    return {
        "metric": filters.metric,
        "part": filters.part,
        "count_field": name,
        "count": found.count(),
        "page": filters.page,
        "page_size": filters.page_size,
        "items": items,
    }
