"""The dashboard's blocks: each a title, a chart (an ECharts option), the chart's table and a
lead sentence, built from dashboard.sources. Pages lay blocks out; a live update re-renders one
block; an export writes one block's table as CSV or Excel.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from dxgov.accounts.access import access_agency, agencies_in_scope, in_scope
from dxgov.dashboard import mapsvg, sources, warnings
from dxgov.dashboard.tables import Cell, Table, cell
from dxgov.forecasting.models import Forecast, ForecastMethod, ForecastStatus
from dxgov.indicators.models import Indicator
from dxgov.orgunits.models import Agency
from dxgov.reporting import periods

TRACK_CSS = {
    warnings.Track.ON_TRACK: "ok",
    warnings.Track.ACHIEVED: "ok",
    warnings.Track.OFF_TRACK: "danger",
    warnings.Track.NO_DATA: "muted",
    warnings.Track.NO_TARGET: "muted",
}


def track_label(track: warnings.Track) -> str:
    return {
        warnings.Track.ON_TRACK: _("On track"),
        warnings.Track.ACHIEVED: _("Target reached"),
        warnings.Track.OFF_TRACK: _("Off track"),
        warnings.Track.NO_DATA: _("No data yet"),
        warnings.Track.NO_TARGET: _("No target"),
    }[track]


@dataclass
class Block:
    name: str
    title: str
    table: Table
    lead: str = ""
    chart: dict[str, Any] | None = None
    svg: SafeString | None = None
    links: list[tuple[str, str]] = field(default_factory=list)  # (label, href)
    note: str = ""
    legend: list[mapsvg.LegendItem] = field(default_factory=list)
    exports: list[tuple[str, str]] = field(default_factory=list)  # (format, href)
    refresh: str = ""  # the URL that renders this block alone (live updates)

    @property
    def chart_json(self) -> str:
        return json.dumps(self.chart, default=float, ensure_ascii=False) if self.chart else ""


@dataclass
class Scope:
    """What a page is about: the user, the agency (None: the nation) and the year."""

    user: Any
    agency: Agency | None
    year: int

    @property
    def code(self) -> str:
        return self.agency.code if self.agency is not None else sources.ROOT

    def sees(self, agency: Agency) -> bool:
        return in_scope(self.user, agency)


def scope_for(user: Any, code: str | None) -> Scope:
    """The national scope (code None or the Government's) for everyone; an agency in scope."""
    year = timezone.localdate().year
    if code is None or code == sources.ROOT:
        return Scope(user, None, year)
    return Scope(user, access_agency(user, code), year)


# --- key indicators -------------------------------------------------------------------------


FORECAST_CSS = {
    ForecastStatus.ON_TRACK: "ok",
    ForecastStatus.AT_RISK: "warn",
    ForecastStatus.OFF_TRACK: "danger",
    ForecastStatus.TOO_LITTLE_DATA: "muted",
}
# The last period of a year, by an indicator's periodicity (a target is for the year's end).
LAST_INDEX = {"month": 12, "quarter": 4, "half_year": 2, "year": 1}


def _decimal_text(value: float | None, places: int = 1) -> str:
    return "—" if value is None else f"{value:.{places}f}".replace(".", ",")


def forecast_text(forecast: Forecast | None) -> str:
    """ "Forecast: 62% likely to be met; backtest error 4,1%", or why there is none."""
    if forecast is None:
        return "—"
    if forecast.status == ForecastStatus.TOO_LITTLE_DATA or forecast.probability is None:
        return str(ForecastStatus.TOO_LITTLE_DATA.label)
    probability = warnings.percent_text(forecast.probability)
    if forecast.mape is None:
        return _("Forecast: %(probability)s likely to be met") % {"probability": probability}
    return _("Forecast: %(probability)s likely to be met; backtest error %(mape)s%%") % {
        "probability": probability,
        "mape": _decimal_text(forecast.mape),
    }


def forecast_cells(forecast: Forecast | None, link: str) -> list[Cell]:
    """The forecast's sentence, status and method as table cells."""
    if forecast is None:
        return [cell("—", link), cell("—", link), cell("—", link)]
    status = ForecastStatus(forecast.status)
    return [
        cell(
            forecast_text(forecast),
            link,
            None if forecast.probability is None else round(forecast.probability * 100, 1),
            css=FORECAST_CSS[status],
        ),
        cell(str(status.label), link, css=FORECAST_CSS[status]),
        cell(str(ForecastMethod(forecast.method).label), link),
    ]


def figures(scope: Scope) -> list[sources.Figure]:
    return [sources.figure(i, scope.agency, scope.year) for i in sources.key_indicators(scope.year)]


def _percent_of_target(fig: sources.Figure) -> float | None:
    if fig.current is None or not fig.target:
        return None
    return round(float(fig.current / fig.target * 100), 1)


def indicators_block(scope: Scope, figs: list[sources.Figure]) -> Block:
    table = Table(
        _("Key indicators against their targets, %(year)s") % {"year": scope.year},
        [
            _("Indicator"),
            _("Latest period"),
            _("Value"),
            _("Target"),
            _("Share of target (%)"),
            _("Status"),
            _("Forecast"),
            _("Forecast status"),
            _("Forecast method"),
        ],
        numeric=frozenset({2, 3, 4}),
    )
    names, shares = [], []
    for fig in figs:
        link = sources.indicator_link(scope.agency, fig.indicator)
        latest = fig.latest
        share = _percent_of_target(fig)
        track = fig.track
        table.rows.append(
            [
                cell(fig.indicator.name, link),
                cell(latest.label if latest else "—", link),
                cell(sources.show(fig.indicator, fig.current), link, fig.current),
                cell(sources.show(fig.indicator, fig.target), link, fig.target),
                cell("—" if share is None else f"{share:g}%".replace(".", ","), link, share),
                cell(track_label(track), link, css=TRACK_CSS[track]),
                *forecast_cells(fig.forecast, link),
            ]
        )
        names.append(fig.indicator.code)
        shares.append(share)
    chart = {
        "aria": {"enabled": True},
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 90, "right": 20, "top": 10, "bottom": 30},
        "xAxis": {"type": "value", "max": 120, "name": "%"},
        "yAxis": {"type": "category", "data": names, "inverse": True},
        "series": [{"type": "bar", "name": _("Share of target (%)"), "data": shares}],
    }
    return Block("indicators", table.caption, table, chart=chart if figs else None)


def _target_label(fig: sources.Figure) -> str | None:
    """The label of the year's last period in the indicator's periodicity (the target date)."""
    index = LAST_INDEX.get(fig.indicator.periodicity)
    if index is None:
        return None
    return periods.Period(periods.Frequency(fig.indicator.periodicity), fig.year, index).label_vi


def _milestone_label(fig: sources.Figure, quarter: int) -> str | None:
    """The label of the period that ends a quarter, in the indicator's periodicity."""
    periodicity = fig.indicator.periodicity
    if periodicity == "month":
        return periods.Period(periods.Frequency.MONTH, fig.year, quarter * 3).label_vi
    if periodicity == "quarter":
        return periods.Period(periods.Frequency.QUARTER, fig.year, quarter).label_vi
    if periodicity == "half_year" and quarter % 2 == 0:
        return periods.Period(periods.Frequency.HALF_YEAR, fig.year, quarter // 2).label_vi
    return None


def indicator_detail_block(scope: Scope, fig: sources.Figure) -> Block:
    """An indicator's period values, each linking to the report behind it; the path to the
    year's target through its quarterly milestones; and the forecast at the target date with
    its 80% interval."""
    ind = fig.indicator
    table = Table(
        _("%(indicator)s: values by period") % {"indicator": ind.name},
        [_("Period"), _("Value"), _("Reports behind it")],
        numeric=frozenset({1}),
    )
    for point in fig.points:
        reports = ", ".join(f"#{r}" for r in point.reports) or "—"
        href = reverse("reporting:report_detail", args=[point.reports[0]]) if point.reports else ""
        table.rows.append(
            [
                cell(point.label, raw=point.period),
                cell(sources.show(ind, point.value), href, point.value),
                cell(reports, href),
            ]
        )
    labels = [p.label for p in fig.points]
    target_label = _target_label(fig)
    forecast = fig.forecast
    extend = fig.target is not None or forecast is not None
    if target_label is not None and extend and target_label not in labels:
        labels.append(target_label)
    values: list[float | None] = [None if p.value is None else float(p.value) for p in fig.points]
    values += [None] * (len(labels) - len(values))
    series: list[dict[str, Any]] = [{"type": "line", "name": _("Value"), "data": values}]

    def at(label: str | None, value: float) -> list[float | None]:
        return [value if item == label else None for item in labels]

    # The target path: from the last figure before the year, through the milestones, to the
    # year's target at the year's last period.
    if fig.target is not None and target_label is not None:
        path: list[float | None] = [None] * len(labels)
        start = fig.start
        if start is not None and start.value is not None:
            path[labels.index(start.label)] = float(start.value)
        for quarter, milestone in sorted(fig.milestones.items()):
            label = _milestone_label(fig, quarter)
            if label is None:
                continue
            if label not in labels:
                continue
            path[labels.index(label)] = float(milestone)
            table.rows.append(
                [
                    cell(
                        _("Milestone, quarter %(quarter)s/%(year)s")
                        % {"quarter": quarter, "year": fig.year}
                    ),
                    cell(sources.show(ind, milestone), raw=milestone),
                    cell(""),
                ]
            )
        path[labels.index(target_label)] = float(fig.target)
        series.append(
            {
                "type": "line",
                "name": _("Path to the target %(year)s") % {"year": fig.year},
                "data": path,
                "connectNulls": True,
                "lineStyle": {"type": "dashed"},
            }
        )
        table.rows.append(
            [
                cell(_("Target %(year)s") % {"year": fig.year}),
                cell(sources.show(ind, fig.target), raw=fig.target),
                cell(""),
            ]
        )
    elif fig.target is not None:
        series.append(
            {
                "type": "line",
                "name": _("Target %(year)s") % {"year": scope.year},
                "data": [float(fig.target)] * len(labels),
                "lineStyle": {"type": "dashed"},
                "symbol": "none",
            }
        )
    # The forecast: from the latest figure to the projection at the target date, with the 80%
    # interval's bounds.
    if (
        forecast is not None
        and forecast.projected is not None
        and target_label is not None
        and forecast.status != ForecastStatus.TOO_LITTLE_DATA
    ):
        last = next((p for p in reversed(fig.points) if p.value is not None), None)

        def line(value: float | None) -> list[float | None]:
            data = at(target_label, value) if value is not None else [None] * len(labels)
            if last is not None and last.value is not None and last.label != target_label:
                data[labels.index(last.label)] = float(last.value)
            return data

        series.append(
            {
                "type": "line",
                "name": _("Forecast"),
                "data": line(forecast.projected),
                "connectNulls": True,
                "lineStyle": {"type": "dotted", "width": 3},
            }
        )
        for name, bound in (
            (_("Forecast: lower bound"), forecast.low),
            (_("Forecast: upper bound"), forecast.high),
        ):
            if bound is not None:
                series.append(
                    {
                        "type": "line",
                        "name": name,
                        "data": line(bound),
                        "connectNulls": True,
                        "symbol": "none",
                        "lineStyle": {"type": "dotted", "opacity": 0.6},
                    }
                )
        low = sources.show(ind, sources.estimate(forecast.low))
        high = sources.show(ind, sources.estimate(forecast.high))
        table.rows.append(
            [
                cell(_("Forecast for %(period)s") % {"period": target_label}),
                cell(
                    sources.show(ind, sources.estimate(forecast.projected)),
                    raw=forecast.projected,
                ),
                cell(
                    _("80%% interval %(low)s – %(high)s; %(forecast)s; %(method)s")
                    % {
                        "low": low,
                        "high": high,
                        "forecast": forecast_text(forecast),
                        "method": ForecastMethod(forecast.method).label,
                    }
                ),
            ]
        )
    chart = {
        "aria": {"enabled": True},
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0},
        "grid": {"left": 60, "right": 20, "top": 20, "bottom": 70},
        "xAxis": {"type": "category", "data": labels},
        "yAxis": {"type": "value"},
        "series": series,
    }
    lead = _("Status: %(track)s.") % {"track": track_label(fig.track)}
    lead += " " + forecast_text(forecast) if forecast is not None else ""
    return Block("values", table.caption, table, lead=lead, chart=chart if fig.points else None)


# --- tasks ----------------------------------------------------------------------------------------


def tasks_block(scope: Scope) -> Block:
    if scope.agency is None:
        summary = sources.national_tasks()
        agency_param: dict[str, str] = {}
    else:
        summary = sources.task_summary(sources.agency_tasks(scope.agency))
        agency_param = {"agency": scope.agency.code}
    base = reverse("directives:task_list")

    def link(status: str = "") -> str:
        params = {**agency_param, **({"status": status} if status else {})}
        return f"{base}?{urlencode(params)}" if params else base

    table = Table(_("Tasks by status"), [_("Status"), _("Tasks")], numeric=frozenset({1}))
    rows = [
        (_("All tasks"), summary.total, ""),
        (_("Completed on time"), summary.on_time, "done_on_time"),
        (_("Completed late"), summary.late, "done_late"),
        (_("In progress"), summary.in_progress - summary.overdue - summary.awaiting, "open"),
        (_("Awaiting confirmation"), summary.awaiting, "awaiting_confirmation"),
        (_("Overdue"), summary.overdue, "overdue"),
        (_("Postponed"), summary.postponed, "postponed"),
        (_("Cancelled"), summary.cancelled, "cancelled"),
    ]
    for label, count, status in rows:
        table.rows.append([cell(label, link(status)), cell(count, link(status), count)])
    overdue = sources.overdue_tasks(scope.user, scope.agency)
    chart = {
        "aria": {"enabled": True},
        "tooltip": {"trigger": "item"},
        "series": [
            {
                "type": "pie",
                "radius": ["40%", "70%"],
                "data": [
                    {"name": label, "value": count} for label, count, status in rows[1:] if count
                ],
            }
        ],
    }
    rate = summary.on_time_percent
    lead = _("%(done)s of %(total)s completed; %(overdue)s overdue; on time: %(rate)s") % {
        "done": summary.completed,
        "total": summary.total,
        "overdue": summary.overdue,
        "rate": "—" if rate is None else f"{rate:g}%".replace(".", ","),
    }
    block = Block("tasks", table.caption, table, lead=lead, chart=chart if summary.total else None)
    block.links = [
        (
            f"{t.lead_agency.code} · {t.deadline.strftime('%d/%m/%Y') if t.deadline else ''} · "
            f"{t.content[:90]}",
            reverse("directives:task_detail", args=[t.pk]),
        )
        for t in overdue
    ]
    return block


# --- reporting ------------------------------------------------------------------------------------


def reporting_block(scope: Scope, compliance: list[sources.Compliance] | None = None) -> Block:
    compliance = sources.compliance(scope.user, scope.agency) if compliance is None else compliance
    table = Table(
        _("Reporting compliance, current periods"),
        [_("Report"), _("Period"), _("Expected"), _("Sent"), _("On time"), _("Late or missing")],
        numeric=frozenset({2, 3, 4, 5}),
    )
    names, rates = [], []
    for row in compliance:
        href = reverse("reporting:definition_detail", args=[row.definition.pk])
        href = f"{href}?period={row.period.code}"
        stats = row.stats
        table.rows.append(
            [
                cell(row.definition.name, href),
                cell(row.period.label_vi, href, row.period.code),
                cell(len(stats.expected), href, len(stats.expected)),
                cell(len(stats.sent), href, len(stats.sent)),
                cell(len(stats.on_time), href, len(stats.on_time)),
                cell(len(stats.late_or_missing), href, len(stats.late_or_missing)),
            ]
        )
        names.append(row.definition.code)
        rates.append(round((stats.timeliness or 0) * 100, 1))
    chart = {
        "aria": {"enabled": True},
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 90, "right": 20, "top": 10, "bottom": 30},
        "xAxis": {"type": "value", "max": 100, "name": "%"},
        "yAxis": {"type": "category", "data": names, "inverse": True},
        "series": [{"type": "bar", "name": _("Sent on time (%)"), "data": rates}],
    }
    block = Block("reporting", table.caption, table, chart=chart if names else None)
    block.links = [
        (f"{fact.agency_name} · {fact.definition_name} · {fact.period}", fact.link)
        for row in compliance
        for fact in row.late[:20]
    ]
    return block


# --- early warning --------------------------------------------------------------------------------


def warnings_block(scope: Scope, found: warnings.Warnings) -> Block:
    table = Table(_("Early warnings"), [_("Kind"), _("Agency"), _("What"), _("Detail")])
    kinds = {
        warnings.Kind.INDICATOR: _("Indicator off track"),
        warnings.Kind.REPORT: _("Report late"),
        warnings.Kind.TASK: _("Task at risk"),
        warnings.Kind.SOURCE: _("Source stopped sending data"),
    }
    for item in found.items[:200]:
        table.rows.append(
            [
                cell(kinds[item.kind], item.link, css="danger" if item.severity > 1 else "warn"),
                cell(item.agency_name or item.agency_code, item.link, item.agency_code),
                cell(item.title, item.link),
                cell(item.detail, item.link),
            ]
        )
    lead = (
        found.sentence
        + "; "
        + (
            _("%(tasks)s tasks at risk; %(reports)s reports late")
            % {"tasks": found.tasks_at_risk, "reports": found.reports_late}
        )
    )
    if found.sources_stopped:
        lead += "; " + (
            _("%(sources)s dossier sources stopped sending data")
            % {"sources": found.sources_stopped}
        )
    return Block("warnings", table.caption, table, lead=lead)


# --- Decision 766 ---------------------------------------------------------------------------------


def ranking_block(scope: Scope) -> Block:
    """The 34 provinces by Decision 766 total, with the six group scores, for the latest
    complete month; each links to its scorecard."""
    from dxgov.scoring.labels import GROUP_LABELS
    from dxgov.scoring.reports import GROUPS

    ranking = sources.ranking_766()
    label = ranking.period.label if ranking.period is not None else "—"
    table = Table(
        _("Decision 766 index of the provinces, %(period)s") % {"period": label},
        [
            _("Rank"),
            _("Province"),
            _("Total"),
            *(str(GROUP_LABELS[g]) for g in GROUPS),
        ],
        numeric=frozenset(range(0, 3 + len(GROUPS))) - {1},
    )
    for row in ranking.rows:
        href = sources.score_unit_link(row.code, ranking.period)
        table.rows.append(
            [
                cell(row.rank, href, row.rank),
                cell(row.name, href, row.code),
                cell(_decimal_text(float(row.total), 2), href, row.total),
                *(
                    cell(_decimal_text(float(row.groups[g]), 2), href, row.groups[g])
                    for g in GROUPS
                ),
            ]
        )
    chart = {
        "aria": {"enabled": True},
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 150, "right": 20, "top": 10, "bottom": 30},
        "xAxis": {"type": "value", "max": 100},
        "yAxis": {"type": "category", "data": [r.name for r in ranking.rows], "inverse": True},
        "series": [
            {"type": "bar", "name": _("Total"), "data": [float(r.total) for r in ranking.rows]}
        ],
    }
    block = Block("ranking", table.caption, table, chart=chart if ranking.rows else None)
    if ranking.period is None:
        block.note = _("No Decision 766 scores yet.")
    block.links = [(_("The full ranking"), reverse("scoring:ranking"))]
    return block


# --- the map -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MapChoice:
    key: str  # "indicator:<id>", "compliance" or "score766"
    label: str


SCORE_766 = "score766"


def map_choices(year: int) -> list[MapChoice]:
    choices = [
        MapChoice("compliance", _("Reports sent on time (%), current periods")),
        MapChoice(SCORE_766, _("Decision 766 index")),
    ]
    indicators = Indicator.objects.active().filter(values__agency__orgunit__level="province")
    for indicator in indicators.distinct().order_by("code")[:100]:
        choices.append(MapChoice(f"indicator:{indicator.pk}", indicator.name))
    return choices


def _compliance_by_agency(user: Any) -> dict[str, tuple[Decimal | None, str]]:
    totals: dict[str, list[int]] = {}
    for row in sources.compliance(user):
        for code in row.stats.expected:
            entry = totals.setdefault(code, [0, 0])
            entry[0] += 1
        for code in row.stats.on_time:
            totals[code][1] += 1
    return {
        code: (Decimal(on_time * 100) / Decimal(expected), "")
        for code, (expected, on_time) in totals.items()
        if expected
    }


def map_block(scope: Scope, choice: str) -> Block:
    """The 34 provinces coloured by the chosen figure; outside the user's scope: no data."""
    provinces = sources.provinces()
    indicator: Indicator | None = None
    links: dict[str, str] = {}
    if choice == SCORE_766:
        # Scores are national aggregates: every province is shown, linking to its scorecard.
        ranking = sources.ranking_766()
        label = ranking.period.label if ranking.period is not None else ""
        values = {r.code: (r.total, label) for r in ranking.rows}
        links = {r.code: sources.score_unit_link(r.code, ranking.period) for r in ranking.rows}
        title = _("Decision 766 index")
    elif choice.startswith("indicator:"):
        pk = choice.partition(":")[2]
        indicator = Indicator.objects.filter(pk=int(pk)).first() if pk.isdigit() else None
        if indicator is None:
            raise Http404(_("No such indicator."))
        values = sources.province_values(indicator, scope.year, provinces)
        title = indicator.name
    else:
        values = _compliance_by_agency(scope.user)
        title = _("Reports sent on time (%), current periods")
    if choice == SCORE_766:
        visible = {p.agency_code for p in provinces}
    else:
        visible = set(
            agencies_in_scope(scope.user)
            .filter(code__in=[p.agency_code for p in provinces])
            .values_list("code", flat=True)
        )
    places = []
    table = Table(title, [_("Province"), _("Value"), _("Period")], numeric=frozenset({1}))
    for p in provinces:
        href = (
            links.get(p.agency_code) or reverse("dashboard:agency", args=[p.agency_code])
            if p.agency_code in visible
            else None
        )
        if p.agency_code not in visible:
            value, text, period = None, _("outside your scope"), ""
        else:
            value, period = values.get(p.agency_code, (None, ""))
            if value is None:
                text = _("no data")
            elif indicator is not None:
                text = sources.show(indicator, value)
            elif choice == SCORE_766:
                text = _decimal_text(float(value), 2)
            else:
                text = f"{value:.0f}%"
        places.append(mapsvg.Place(p.agency_code, p.name, p.lat, p.lon, value, text, href))
        if p.agency_code in visible:
            table.rows.append(
                [cell(p.name, href or ""), cell(text, href or "", value), cell(period)]
            )
    model = mapsvg.build(
        places,
        archipelagos=sources.archipelagos(),
        silhouette_url=reverse("dashboard:silhouette"),
        title=_("Map of the 34 provinces: %(title)s") % {"title": title},
        no_data_label=_("No data, or outside your scope"),
    )
    block = Block("map", title, table, svg=mark_safe(mapsvg.render(model)))  # noqa: S308
    block.note = _(
        "Hover a province for its value; click to open it. Colours: five quantile classes."
    )
    block.legend = model.legend
    return block


# --- children and comparison --------------------------------------------------------------------


def children_block(scope: Scope, indicator: Indicator | None) -> Block:
    """The agency's departments and communes, with the chosen indicator's latest figure."""
    assert scope.agency is not None
    children = list(Agency.objects.current().filter(parent=scope.agency).order_by("kind", "name"))
    values: dict[str, tuple[Decimal | None, str]] = {}
    if indicator is not None:
        values = sources.agency_values(indicator, scope.year, [c.code for c in children])
    headers = [_("Agency"), _("Kind")]
    if indicator is not None:
        headers += [indicator.name, _("Period")]
    table = Table(_("Departments and communes"), headers, numeric=frozenset({2}))
    for child in children:
        href = reverse("dashboard:agency", args=[child.code])
        row = [cell(child.name, href, child.code), cell(child.get_kind_display())]
        if indicator is not None:
            value, period = values.get(child.code, (None, ""))
            ind_href = reverse("dashboard:indicator", args=[child.code, indicator.pk])
            row += [cell(sources.show(indicator, value), ind_href, value), cell(period)]
        table.rows.append(row)
    return Block("children", table.caption, table)


def compare_block(a: Scope, b: Scope) -> Block:
    assert a.agency is not None and b.agency is not None
    table = Table(
        _("%(a)s and %(b)s side by side") % {"a": a.agency.name, "b": b.agency.name},
        [_("Indicator"), a.agency.name, b.agency.name],
        numeric=frozenset({1, 2}),
    )
    names: list[str] = []
    series_a: list[float | None] = []
    series_b: list[float | None] = []
    for indicator in sources.key_indicators(a.year):
        fa = sources.figure(indicator, a.agency, a.year)
        fb = sources.figure(indicator, b.agency, b.year)
        table.rows.append(
            [
                cell(indicator.name),
                cell(
                    sources.show(indicator, fa.current),
                    reverse("dashboard:indicator", args=[a.agency.code, indicator.pk]),
                    fa.current,
                ),
                cell(
                    sources.show(indicator, fb.current),
                    reverse("dashboard:indicator", args=[b.agency.code, indicator.pk]),
                    fb.current,
                ),
            ]
        )
        names.append(indicator.code)
        series_a.append(_percent_of_target(fa))
        series_b.append(_percent_of_target(fb))
    ta = sources.task_summary(sources.agency_tasks(a.agency))
    tb = sources.task_summary(sources.agency_tasks(b.agency))
    base = reverse("directives:task_list")
    for label, va, vb, status in (
        (_("Tasks"), ta.total, tb.total, ""),
        (_("Tasks overdue"), ta.overdue, tb.overdue, "overdue"),
        (_("Tasks completed on time"), ta.on_time, tb.on_time, "done_on_time"),
    ):
        suffix = f"&status={status}" if status else ""
        table.rows.append(
            [
                cell(label),
                cell(va, f"{base}?agency={a.agency.code}{suffix}", va),
                cell(vb, f"{base}?agency={b.agency.code}{suffix}", vb),
            ]
        )
    chart = {
        "aria": {"enabled": True},
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0},
        "grid": {"left": 60, "right": 20, "top": 20, "bottom": 50},
        "xAxis": {"type": "category", "data": names},
        "yAxis": {"type": "value", "name": _("Share of target (%)")},
        "series": [
            {"type": "bar", "name": a.agency.name, "data": series_a},
            {"type": "bar", "name": b.agency.name, "data": series_b},
        ],
    }
    return Block("compare", table.caption, table, chart=chart if names else None)


def empty_row(table: Table) -> list[Cell]:
    return [cell("") for _h in table.headers]
