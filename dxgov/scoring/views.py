"""Decision 766 pages: the ranking, a unit's scorecard, the dossiers behind a count, comparisons,
and their exports (JSON, CSV, Excel).

Rankings, scorecards and comparisons are national figures: every signed-in user reads them.
The dossiers behind a count belong to the agency: resolved through `access_agency` (404 out of
scope).
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from dxgov.core import formats
from dxgov.orgunits.access import access_agency, in_scope
from dxgov.orgunits.agencies import short_agency_name
from dxgov.orgunits.models import Agency
from dxgov.scoring import exports, periods, reports
from dxgov.scoring.labels import COUNT_LABELS, GROUP_LABELS, KIND_LABELS
from dxgov.scoring.periods import Period

PAGE_SIZE = 50
RANKED = {"provinces", "ministries"}
# What a ranking export's file name calls each kind (in Vietnamese, without diacritics).
RANKED_SLUGS = {"provinces": "tinh-thanh-pho", "ministries": "bo-nganh"}


def _period(request: HttpRequest) -> Period:
    text = request.GET.get("period", "").strip()
    kind = request.GET.get("kind", "month")
    try:
        return reports.choose_period(text or None, kind)
    except periods.BadPeriod as exc:
        raise Http404(str(exc)) from exc


def _agency(code: str) -> Agency:
    agency = Agency.objects.filter(code=code).select_related("parent").first()
    if agency is None:
        raise Http404(_("No agency with code %(code)s.") % {"code": code})
    return agency


def _period_choices(kind: str) -> list[Period]:
    latest = reports.latest_period(kind)
    if latest is None:
        return []
    return [p for p, _none in _back(latest, reports.TREND_LENGTH[kind])]


def _back(period: Period, count: int) -> list[tuple[Period, None]]:
    found = [period]
    while len(found) < count:
        found.append(found[-1].previous())
    return [(p, None) for p in found]


def _group_headers() -> list[str]:
    return [str(GROUP_LABELS[g]) for g in reports.GROUPS]


def _download(data: bytes, fmt: str, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=exports.FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def _format(request: HttpRequest) -> str:
    fmt = request.GET.get("format", "xlsx")
    if fmt not in exports.FORMATS:
        raise Http404(_("Export as json, csv or xlsx."))
    return fmt


@login_required
def ranking(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("of", "provinces")
    if kind not in RANKED:
        kind = "provinces"
    period = _period(request)
    rows = reports.ranking(period, kind)
    context = {
        "period": period,
        "of": kind,
        "rows": rows,
        "unranked": reports.unranked(period, kind),
        "groups": [(g, GROUP_LABELS[g]) for g in reports.GROUPS],
        "kinds": KIND_LABELS.items(),
        "kind": period.kind,
        "choices": _period_choices(period.kind),
        "chart": json.dumps(
            # Short names on the chart ("TP Hồ Chí Minh"), written out in full in the table.
            {
                "labels": [short_agency_name(r.name, r.code) for r in rows],
                "values": [float(r.total) for r in rows],
            },
            ensure_ascii=False,
        ),
    }
    return render(request, "scoring/ranking.html", context)


@login_required
def ranking_export(request: HttpRequest) -> HttpResponse:
    fmt = _format(request)
    kind = request.GET.get("of", "provinces")
    if kind not in RANKED:
        kind = "provinces"
    period = _period(request)
    rows = reports.ranking(period, kind)
    # The file is named in Vietnamese: "xep-hang-766-tinh-thanh-pho-202611", "…-bo-nganh-…".
    name = f"xep-hang-766-{RANKED_SLUGS[kind]}-{period.code}"
    unranked = reports.unranked(period, kind)
    if fmt == "json":
        body = {
            "period": period.code,
            "of": kind,
            "rows": [r.as_json() for r in rows],
            "unranked": [u.as_json() for u in unranked],
        }
        return _download(exports.as_json(body), fmt, name)
    headers = [
        _("Rank"),
        _("Code"),
        pgettext("administrative unit", "Unit"),
        _("Total"),
        *_group_headers(),
        _("Dossiers"),
    ]
    table = [
        [
            r.rank,
            r.code,
            r.name,
            float(r.total),
            *(float(r.groups[g]) for g in reports.GROUPS),
            r.dossiers,
        ]
        for r in rows
    ]
    if fmt == "csv":
        return _download(exports.table_csv(headers, table), fmt, name)
    sheets: list[tuple[str, list[str], list[list[Any]]]] = [(period.code, headers, table)]
    if unranked:
        sheets.append(
            (
                pgettext("excel sheet", "Not ranked"),
                [_("Code"), _("Agency"), _("Why")],
                [[u.code, u.name, u.reason] for u in unranked],
            )
        )
    return _download(exports.workbook(sheets), fmt, name)


@login_required
def unit(request: HttpRequest, code: str) -> HttpResponse:
    agency = _agency(code)
    period = _period(request)
    report = reports.unit_report(agency, period)
    chart = {}
    if report.score is not None:
        chart = {
            "labels": [formats.period_label(p.code, lang=get_language()) for p, _t in report.trend],
            "values": [None if t is None else float(t) for _period, t in report.trend],
        }
    context = {
        "agency": agency,
        "period": period,
        "report": report,
        "may_drill": in_scope(request.user, agency),
        "kinds": KIND_LABELS.items(),
        "kind": period.kind,
        "choices": _period_choices(period.kind),
        "chart": json.dumps(chart, ensure_ascii=False),
        "count_labels": COUNT_LABELS,
    }
    return render(request, "scoring/unit.html", context)


@login_required
def unit_export(request: HttpRequest, code: str) -> HttpResponse:
    fmt = _format(request)
    agency = _agency(code)
    period = _period(request)
    report = reports.unit_report(agency, period)
    name = f"chi-so-766-{agency.code}-{period.code}"
    if fmt == "json":
        return _download(exports.as_json(report.as_json()), fmt, name)
    headers = [
        _("Metric"),
        _("Name"),
        _("Numerator"),
        _("Denominator"),
        _("Ratio (%)"),
        _("Points"),
        _("Maximum"),
    ]
    table = [
        [
            m.code,
            m.label,
            m.numerator,
            m.denominator,
            None if m.ratio is None else float(m.ratio),
            float(m.points),
            m.max,
        ]
        for m in report.metrics
    ]
    if fmt == "csv":
        return _download(exports.table_csv(headers, table), fmt, name)
    child_headers = [
        _("Rank"),
        _("Code"),
        pgettext("administrative unit", "Unit"),
        _("Total"),
        *_group_headers(),
    ]
    children = [
        [r.rank, r.code, r.name, float(r.total), *(float(r.groups[g]) for g in reports.GROUPS)]
        for r in report.children
    ]
    trend_rows = [[p.code, None if t is None else float(t)] for p, t in report.trend]
    return _download(
        exports.workbook(
            [
                (_("Metrics"), headers, table),
                (_("Units below"), child_headers, children),
                (_("Trend"), [_("Period"), _("Total")], trend_rows),
            ]
        ),
        fmt,
        name,
    )


@login_required
def dossiers(request: HttpRequest, code: str) -> HttpResponse:
    agency = access_agency(request.user, code)
    period = _period(request)
    metric = request.GET.get("metric", "2.1")
    part = request.GET.get("part", "numerator")
    try:
        name = reports.count_field(metric, part)
    except reports.UnknownMetric as exc:
        raise Http404(str(exc)) from exc
    found = reports.dossier_rows(reports.dossiers_behind(agency, period, name))
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    context: dict[str, Any] = {
        "agency": agency,
        "period": period,
        "metric": metric,
        "part": part,
        "count_label": COUNT_LABELS.get(name, name),
        "page": page,
    }
    return render(request, "scoring/dossiers.html", context)


@login_required
def compare(request: HttpRequest) -> HttpResponse:
    first_code = request.GET.get("a", "").strip()
    second_code = request.GET.get("b", "").strip()
    period = _period(request)
    result = None
    if first_code and second_code:
        result = reports.compare(_agency(first_code), _agency(second_code), period)
    context = {
        "a": first_code,
        "b": second_code,
        "period": period,
        "result": result,
        "kinds": KIND_LABELS.items(),
        "kind": period.kind,
        "choices": _period_choices(period.kind),
        "provinces": reports.peers("provinces").order_by("name"),
        "ministries": reports.peers("ministries").order_by("name"),
    }
    return render(request, "scoring/compare.html", context)
