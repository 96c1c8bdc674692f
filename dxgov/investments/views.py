"""Public-investment pages that read: the national portfolio, the weekly national table, a
unit's portfolio, the project list and page, timeliness, evidence files, and the exports.

The weekly table and the national portfolio's figures are national aggregates for every
signed-in user; project lists (at risk, a unit's, the list) show only the projects in the
user's scope; a unit's page and a project's page are 404 outside it.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Max, Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from dxgov.audit.models import AuditEvent
from dxgov.core import formats
from dxgov.core.roles import role_of
from dxgov.investments import access, document, excel, exports, figures, planyear, portfolio
from dxgov.investments.models import (
    Category,
    DisbursementClass,
    InvestmentProject,
    ProjectGroup,
    ProjectWeek,
    Stage,
)
from dxgov.orgunits.access import access_agency, agencies_in_scope, scope_key

PAGE_SIZE = 50
# The national pages' figures are kept rendered this long at most (a stamp names what they
# depend on, so a change shows at once; the limit only bounds what an unaudited change could
# leave behind).
PAGE_CACHE_SECONDS = 600


def _choice(request: HttpRequest) -> portfolio.WeekChoice:
    year_text = request.GET.get("year", "").strip()
    year = int(year_text) if year_text.isdigit() and 2000 <= int(year_text) <= 2100 else None
    week = None
    week_text = request.GET.get("week", "").strip()
    if week_text:
        try:
            week = formats.parse_date(week_text)
        except formats.InvalidDate:
            week = None
    return portfolio.choose_week(year, week)


def _download(data: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _pct(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def slice_groups(found: portfolio.Portfolio) -> list[tuple[str, list[portfolio.Slice]]]:
    return [
        (_("By category"), found.by_category),
        (_("By group"), found.by_group),
        (_("By funding source"), found.by_source),
    ]


def curve_chart(points: list[portfolio.CurvePoint], plan_year: int) -> str:
    """The S-curve: disbursed against both plans, and what the schedules expect, by week."""
    usual = [round(planyear.usual_share(plan_year, p.week) * 100, 1) for p in points]
    option = {
        "legend": {"top": 0},
        "grid": {"top": 40, "bottom": 30},
        "xAxis": {"type": "category", "data": [formats.date_text(p.week)[:5] for p in points]},
        "yAxis": {"type": "value", "min": 0},
        "series": [
            {
                "name": _("Of the assigned plan"),
                "type": "line",
                "data": [_pct(p.rate_assigned) for p in points],
                "showSymbol": False,
            },
            {
                "name": _("Of the total plan"),
                "type": "line",
                "data": [_pct(p.rate_total) for p in points],
                "showSymbol": False,
            },
            {
                "name": _("Expected by the schedules"),
                "type": "line",
                "data": [_pct(p.rate_expected) for p in points],
                "showSymbol": False,
                "lineStyle": {"type": "dashed"},
            },
            {
                "name": _("The usual curve"),
                "type": "line",
                "data": usual,
                "showSymbol": False,
                "lineStyle": {"type": "dotted"},
            },
        ],
    }
    return json.dumps(option, ensure_ascii=False)


def slices_chart(slices: list[portfolio.Slice]) -> str:
    option = {
        "grid": {"top": 10, "bottom": 10},
        "xAxis": {"type": "value", "min": 0},
        "yAxis": {"type": "category", "data": [s.label for s in slices], "inverse": True},
        "series": [{"type": "bar", "data": [_pct(s.rate_total) for s in slices]}],
    }
    return json.dumps(option, ensure_ascii=False)


def page_stamp(request: HttpRequest, choice: portfolio.WeekChoice, *parts: object) -> str:
    """What a cached rendering of a national page depends on (docs/adr/0023): the audit
    ledger's last event (every write that changes a figure, a plan, a milestone, a flag or a
    threshold is audited in its own transaction), the day (milestones fall due as days pass),
    the chosen plan year and week, the user's scope, the language and the caller's `parts`."""
    last = AuditEvent.objects.aggregate(last=Max("seq"))["last"] or 0
    return ":".join(
        str(part)
        for part in (
            last,
            timezone.localdate().isoformat(),
            choice.plan_year,
            choice.week,
            scope_key(request.user),
            translation.get_language(),
            *parts,
        )
    )


def _lazy(build: Callable[[], dict[str, object]], name: str) -> SimpleLazyObject:
    return SimpleLazyObject(lambda: build()[name])


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    choice = _choice(request)

    @functools.cache
    def build() -> dict[str, object]:
        found = portfolio.national(choice, access.projects_for(request.user))
        return {
            "found": found,
            "now": found.now,
            "chart": curve_chart(found.curve, choice.plan_year) if found.curve else "",
            "category_chart": slices_chart(found.by_category) if found.by_category else "",
            "slice_groups": slice_groups(found),
        }

    # Computed only when the template's cached fragment is missing (SimpleLazyObject).
    lazy = {name: _lazy(build, name) for name in _OVERVIEW_PARTS}
    return render(
        request,
        "investments/overview.html",
        {
            "choice": choice,
            "years": portfolio.plan_years(),
            **lazy,
            "stamp": page_stamp(request, choice),
            "cache_seconds": PAGE_CACHE_SECONDS,
            "target": planyear.TARGET_RATE,
        },
    )


_OVERVIEW_PARTS = ("found", "now", "chart", "category_chart", "slice_groups")
_WEEKLY_PARTS = ("view", "table", "national_lines", "chart")


def weekly_chart(view: portfolio.WeeklyView) -> str:
    lines = [line for line in view.table.lines if line.rate_assigned is not None]
    option = {
        "grid": {"top": 10, "bottom": 10},
        "xAxis": {"type": "value", "min": 0},
        "yAxis": {
            "type": "category",
            "data": [line.figures.name for line in lines],
            "inverse": True,
        },
        "series": [
            {
                "type": "bar",
                "data": [
                    {
                        "value": _pct(line.rate_assigned),
                        "itemStyle": {"color": "#1f6f43" if line.above_average else "#b3261e"},
                    }
                    for line in lines
                ],
                "markLine": {
                    "symbol": "none",
                    "data": [{"xAxis": _pct(view.table.average_assigned)}],
                    "label": {"formatter": _("National average")},
                },
            }
        ],
    }
    return json.dumps(option, ensure_ascii=False)


@login_required
def weekly(request: HttpRequest) -> HttpResponse:
    choice = _choice(request)

    @functools.cache
    def build() -> dict[str, object]:
        view = portfolio.weekly(choice)
        return {
            "view": view,
            "table": view.table,
            "national_lines": [
                figures.UnitLine(
                    view.table.national, view.table.average_total, view.table.average_assigned, None
                )
            ],
            "chart": weekly_chart(view) if choice.week else "",
        }

    lazy = {name: _lazy(build, name) for name in _WEEKLY_PARTS}
    may_configure = access.may_configure(request.user)
    return render(
        request,
        "investments/weekly.html",
        {
            "choice": choice,
            "years": portfolio.plan_years(),
            **lazy,
            "stamp": page_stamp(request, choice, may_configure),
            "cache_seconds": PAGE_CACHE_SECONDS,
            "target": planyear.TARGET_RATE,
            "may_configure": may_configure,
        },
    )


@login_required
def weekly_export(request: HttpRequest, fmt: str) -> HttpResponse:
    choice = _choice(request)
    if choice.week is None:
        raise Http404(_("No disbursement figures for this plan year yet."))
    view = portfolio.weekly(choice)
    name = f"giai-ngan-{exports.file_day(choice.plan_year, choice.week)}"
    if fmt == "xlsx":
        return _download(exports.weekly_xlsx(view), exports.XLSX, f"{name}.xlsx")
    if fmt == "csv":
        return _download(exports.weekly_csv(view), exports.CSV, f"{name}.csv")
    if fmt == "docx":
        data = exports.weekly_docx(view)
        return _download(data, document.DOCX_CONTENT_TYPE, f"bao-cao-{name}.docx")
    raise Http404(_("Export as xlsx, csv or docx."))


def _week_rows(
    choice: portfolio.WeekChoice, projects: list[InvestmentProject]
) -> dict[int, ProjectWeek]:
    if choice.week is None:
        return {}
    return {
        w.project_id: w
        for w in ProjectWeek.objects.filter(
            plan_year=choice.plan_year, week_end=choice.week, project__in=projects
        )
    }


@login_required
def unit(request: HttpRequest, code: str) -> HttpResponse:
    agency = access_agency(request.user, code)
    choice = _choice(request)
    visible = access.projects_for(request.user)
    found = portfolio.unit(choice, agency, visible)
    projects = list(visible.filter(managing_agency=agency).order_by("code")[:200])
    weeks = _week_rows(choice, projects)
    return render(
        request,
        "investments/unit.html",
        {
            "agency": agency,
            "choice": choice,
            "years": portfolio.plan_years(),
            "found": found,
            "now": found.now,
            "chart": curve_chart(found.curve, choice.plan_year) if found.curve else "",
            "slice_groups": slice_groups(found),
            "rows": [(p, weeks.get(p.pk)) for p in projects],
        },
    )


def _filtered(request: HttpRequest) -> QuerySet[InvestmentProject]:
    projects = access.projects_for(request.user)
    q = request.GET.get("q", "").strip()[:100]
    for word in q.split():
        projects = projects.filter(Q(code__icontains=word) | Q(name__icontains=word))
    unit_code = request.GET.get("unit", "").strip()[:32]
    if unit_code:
        projects = projects.filter(managing_agency__code=unit_code)
    for name, choices in (("category", Category), ("group", ProjectGroup), ("stage", Stage)):
        value = request.GET.get(name, "")
        if value in choices.values:
            projects = projects.filter(**{name: value})
    if request.GET.get("stalled") == "1":
        projects = projects.filter(stalled=True)
    return projects.order_by("code")


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    projects = _filtered(request)
    choice = _choice(request)
    page = Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page"))
    weeks = _week_rows(choice, list(page.object_list))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "investments/project_list.html",
        {
            "page": page,
            "rows": [(p, weeks.get(p.pk)) for p in page.object_list],
            "choice": choice,
            "categories": Category.choices,
            "groups": ProjectGroup.choices,
            "stages": Stage.choices,
            "units": portfolio.units(),
            "query": query.urlencode(),
            "filters": request.GET,
            "may_create": role_of(request.user) in access.ENTRY_ROLES,
        },
    )


@login_required
def project_export(request: HttpRequest) -> HttpResponse:
    data = excel.table(
        _("Projects"), exports.project_headers(), exports.project_rows(_filtered(request))
    )
    return _download(data, exports.XLSX, "du-an-dau-tu-cong.xlsx")


def project_chart(view: portfolio.ProjectView) -> str:
    weeks = view.weeks
    option = {
        "legend": {"top": 0},
        "grid": {"top": 40, "bottom": 30},
        "xAxis": {"type": "category", "data": [formats.date_text(w.week_end)[:5] for w in weeks]},
        "yAxis": {"type": "value", "min": 0},
        "series": [
            {
                "name": _("Disbursed"),
                "type": "line",
                "data": [w.disbursed for w in weeks],
                "showSymbol": False,
            },
            {
                "name": _("Expected"),
                "type": "line",
                "data": [w.expected for w in weeks],
                "showSymbol": False,
                "lineStyle": {"type": "dashed"},
            },
            {
                "name": _("Plan"),
                "type": "line",
                "data": [w.plan_total for w in weeks],
                "showSymbol": False,
                "lineStyle": {"type": "dotted"},
            },
        ],
    }
    return json.dumps(option, ensure_ascii=False)


@login_required
def project_detail(request: HttpRequest, project_id: int) -> HttpResponse:
    project = access.access_project(request.user, project_id)
    year_text = request.GET.get("year", "")
    year = int(year_text) if year_text.isdigit() and 2000 <= int(year_text) <= 2100 else None
    view = portfolio.project_view(project, year)
    latest = view.weeks[-1] if view.weeks else None
    return render(
        request,
        "investments/project_detail.html",
        {
            "project": project,
            "view": view,
            "latest": latest,
            "latest_class": DisbursementClass(latest.klass).label if latest else "",
            "rate": figures.rate(latest.disbursed, latest.plan_total) if latest else None,
            "rate_assigned": figures.rate(latest.disbursed, latest.plan_assigned)
            if latest
            else None,
            "chart": project_chart(view) if view.weeks else "",
            "may_enter": access.may_enter(request.user, project),
            "years": sorted({p["plan_year"] for p in view.plans} | {view.plan_year}, reverse=True),
            "today": timezone.localdate(),
        },
    )


@login_required
def evidence_download(request: HttpRequest, evidence_id: int) -> FileResponse:
    evidence = access.access_evidence(request.user, evidence_id)
    return FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )


@login_required
def timeliness(request: HttpRequest) -> HttpResponse:
    year_text = request.GET.get("year", "")
    year = (
        int(year_text)
        if year_text.isdigit() and 2000 <= int(year_text) <= 2100
        else planyear.current_plan_year(timezone.localdate())
    )
    ranked = portfolio.timeliness(year, agencies_in_scope(request.user))
    if request.GET.get("format") == "xlsx":
        data = excel.table(
            _("Timeliness"), exports.timeliness_headers(), exports.timeliness_rows(ranked)
        )
        return _download(data, exports.XLSX, f"cap-nhat-dung-han-{year}.xlsx")
    return render(
        request,
        "investments/timeliness.html",
        {"ranked": ranked, "year": year, "years": portfolio.plan_years()},
    )
