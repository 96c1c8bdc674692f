"""The command centre's early warnings through the API, as the dashboard shows them.

`GET /warnings` answers for an agency in the user's scope (404 outside it) or, without one,
for the national overview: indicators off track judged like with like against their targets
(indicators.targets), tasks at risk, late reports and stopped dossier sources — each only in
the user's scope, as on the dashboard (dashboard.sources.early_warnings).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router

from dxgov.dashboard import blocks, sources
from dxgov.dashboard.schemas import (
    AgencyRef,
    WarningCountsOut,
    WarningOut,
    WarningsFilter,
    WarningsOut,
)

router = Router(tags=["dashboard"])


@router.get(
    "/warnings",
    response=WarningsOut,
    summary="Early warnings for an agency, or the nation",
    description=(
        "What the command centre's early-warning block lists: indicators off track (the figure "
        "to date on the target's basis against the trajectory, or the forecast when there is "
        "one), tasks at risk, reports late and dossier sources that stopped sending, most "
        "urgent first."
    ),
)
def list_warnings(request: HttpRequest, filters: Query[WarningsFilter]) -> dict[str, Any]:
    scope = blocks.scope_for(request.user, filters.agency or None)
    found = sources.early_warnings(request.user, scope.agency, scope.year)
    agency = scope.agency
    return {
        "agency": AgencyRef(
            code=agency.code if agency else sources.ROOT,
            name=agency.name if agency else _("Nation"),
        ),
        "year": scope.year,
        "sentence": found.sentence,
        "counts": WarningCountsOut(
            indicators_total=found.indicators_total,
            indicators_off_track=found.indicators_off_track,
            months_left=found.months_left,
            tasks_at_risk=found.tasks_at_risk,
            reports_late=found.reports_late,
            sources_stopped=found.sources_stopped,
        ),
        "items": [
            WarningOut(
                kind=item.kind.value,
                kind_label=blocks.kind_label(item.kind),
                severity=item.severity,
                agency=AgencyRef(code=item.agency_code, name=item.agency_name),
                title=item.title,
                detail=item.detail,
                link=item.link,
            )
            for item in found.items
        ],
    }
