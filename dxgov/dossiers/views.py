"""Pages: the data quality of source systems (a national table and a page per source)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from dxgov.dossiers import quality
from dxgov.dossiers.access import access_source, may_manage_sources, sources_for
from dxgov.dossiers.models import Batch, Dossier, Procedure
from dxgov.dossiers.schema import EXPECTED, REQUIRED

WINDOW_DAYS = 30
BATCH_FIELDS = ("total", "accepted", "updated", "unchanged", "stale", "quarantined")


def _since() -> datetime:
    return timezone.now() - timedelta(days=WINDOW_DAYS)


@login_required
@require_GET
def source_list(request: HttpRequest) -> HttpResponse:
    sources = list(sources_for(request.user).order_by("owner__path", "code"))
    by_source: dict[int, list[quality.BatchFigures]] = defaultdict(list)
    rows = Batch.objects.filter(
        source__in=[s.pk for s in sources], received_at__gte=_since()
    ).values("source_id", *BATCH_FIELDS, "missing", "delays")
    for row in rows:
        by_source[row["source_id"]].append(quality.figures(row))
    table = []
    for source in sources:
        figures = quality.quality(by_source[source.pk])
        table.append(
            {
                "source": source,
                "quality": figures,
                "median": quality.human_delay(figures.delay_median_seconds, quality.delay_units()),
                "p95": quality.human_delay(figures.delay_p95_seconds, quality.delay_units()),
            }
        )
    context = {
        "table": table,
        "window_days": WINDOW_DAYS,
        "may_manage": may_manage_sources(request.user),
    }
    return render(request, "dossiers/source_list.html", context)


@login_required
@require_GET
def source_detail(request: HttpRequest, pk: int) -> HttpResponse:
    source = access_source(request.user, pk)
    rows = Batch.objects.filter(source=source, received_at__gte=_since()).values(
        *BATCH_FIELDS, "missing", "delays"
    )
    figures = quality.quality(quality.figures(row) for row in rows)
    dossiers = Dossier.objects.filter(source=source)
    unknown_procedures = dossiers.exclude(
        procedure_code__in=Procedure.objects.values("code")
    ).count()
    fields = [
        {
            "name": name,
            "label": quality.FIELD_LABELS.get(name, name),
            "required": name in REQUIRED,
            "share": figures.completeness.get(name),
        }
        for name in (*REQUIRED, *EXPECTED)
    ]
    context = {
        "source": source,
        "agencies": source.agencies.order_by("path"),
        "quality": figures,
        "fields": fields,
        "median": quality.human_delay(figures.delay_median_seconds, quality.delay_units()),
        "p95": quality.human_delay(figures.delay_p95_seconds, quality.delay_units()),
        "dossier_count": dossiers.count(),
        "unknown_procedures": unknown_procedures,
        "recent": Batch.objects.filter(source=source).order_by("-received_at", "-pk")[:20],
        "window_days": WINDOW_DAYS,
        "may_manage": may_manage_sources(request.user),
        "tokens": source.user.api_tokens.order_by("-created_at")
        if may_manage_sources(request.user)
        else [],
    }
    return render(request, "dossiers/source_detail.html", context)
