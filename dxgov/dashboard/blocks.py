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
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from dxgov.core import formats
from dxgov.dashboard import mapsvg, sources, warnings
from dxgov.dashboard.tables import Cell, Table, cell
from dxgov.forecasting.models import Forecast, ForecastMethod, ForecastStatus
from dxgov.indicators import targets as indicator_targets
from dxgov.indicators.models import Indicator
from dxgov.orgunits.access import access_agency, agencies_in_scope, in_scope
from dxgov.orgunits.agencies import short_agency_name
from dxgov.orgunits.models import Agency
from dxgov.reporting import periods
from dxgov.scoring.labels import GROUP_LABELS
from dxgov.scoring.reports import GROUPS

TRACK_CSS = indicator_targets.TRACK_CSS
track_label = indicator_targets.track_label


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
    # What the chart's values are (format.js writes them so): "%", "money" (đồng) or a count.
    chart_unit: str = ""

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
    return formats.number(value, places, lang=get_language())


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


def _percent_of_target(comparison: indicator_targets.Comparison) -> float | None:
    share = comparison.share_of_target
    return None if share is None else round(float(share * 100), 1)


def indicators_block(scope: Scope, figs: list[sources.Figure]) -> Block:
    """Each key indicator's figure to date on its target's basis (the year's sum so far against
    a yearly sum, never one month against the year), what the trajectory expects by now, the
    target and the verdict; no target where the targets are for other agencies."""
    table = Table(
        _("Key indicators against their targets, %(year)s") % {"year": scope.year},
        [
            _("Indicator"),
            _("Latest period"),
            _("Value to date"),
            _("Expected by now"),
            _("Target"),
            _("Share of target (%)"),
            _("Status"),
            _("Forecast"),
            _("Forecast status"),
            _("Forecast method"),
        ],
        numeric=frozenset({2, 3, 4, 5}),
    )
    names, shares = [], []
    for fig in figs:
        link = sources.indicator_link(scope.agency, fig.indicator)
        latest = fig.latest
        comparison = fig.comparison
        share = _percent_of_target(comparison)
        track = fig.fact(link).track
        table.rows.append(
            [
                cell(fig.indicator.name, link),
                cell(latest.label if latest else "—", link),
                cell(fig.actual_text(comparison), link, comparison.actual),
                cell(sources.show(fig.indicator, comparison.expected), link, comparison.expected),
                cell(fig.target_text(), link, fig.target),
                cell(formats.percent(share, 1, lang=get_language()), link, share),
                cell(track_label(track), link, css=TRACK_CSS[track]),
                *forecast_cells(fig.forecast, link),
            ]
        )
        names.append(fig.indicator.label)  # the short name: written out in full on the axis
        shares.append(share)
    chart = {
        "aria": {"enabled": True},
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 90, "right": 20, "top": 10, "bottom": 30},
        "xAxis": {"type": "value", "max": 120, "name": "%"},
        "yAxis": {"type": "category", "data": names, "inverse": True},
        "series": [{"type": "bar", "name": _("Share of target (%)"), "data": shares}],
    }
    return Block("indicators", table.caption, table, chart=chart if figs else None, chart_unit="%")


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


def _chart_unit(indicator: Indicator) -> str:
    """How the chart writes an indicator's values: money in tỷ/triệu đồng, shares with %."""
    if indicator.value_type == "money":
        return "money"
    if indicator.is_percent or indicator.value_type == "boolean":
        return "%"
    return ""


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
    # A target on the year's sum (or average, or ratio of sums) is compared with the figure to
    # date, drawn beside the periods' values; the path and the forecast are in its terms.
    summed = fig.target is not None and fig.basis in indicator_targets.SUMMED
    running = fig.running() if summed else {}
    if running:
        by_code = {p.period: p.label for p in fig.points}
        to_date: list[float | None] = [None] * len(labels)
        for code, value in running.items():
            to_date[labels.index(by_code[code])] = float(value)
        series.append(
            {
                "type": "line",
                "name": _("To date (%(basis)s)")
                % {"basis": indicator_targets.to_date_label(fig.basis)},
                "data": to_date,
            }
        )
        for point in fig.points:
            if point.period in running:
                table.rows.append(
                    [
                        cell(_("%(period)s, to date") % {"period": point.label}),
                        cell(sources.show(ind, running[point.period]), raw=running[point.period]),
                        cell(""),
                    ]
                )

    def at(label: str | None, value: float) -> list[float | None]:
        return [value if item == label else None for item in labels]

    # The target path: from the last figure before the year (nothing, for a sum), through the
    # milestones, to the year's target at the year's last period.
    if fig.target is not None and target_label is not None:
        path: list[float | None] = [None] * len(labels)
        start = fig.start
        begin = fig.comparison.start if summed else None
        if start is not None and begin is None:
            begin = start.value
        if start is not None and begin is not None:
            path[labels.index(start.label)] = float(begin)
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
        if running and last is not None:
            # The forecast of the year's figure starts from the figure to date.
            last = next(p for p in fig.points if p.period == list(running)[-1])
            last = sources.Point(last.period, last.label, last.start, running[last.period])

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
    return Block(
        "values",
        table.caption,
        table,
        lead=lead,
        chart=chart if fig.points else None,
        chart_unit=_chart_unit(ind),
    )


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
        "done": formats.number(summary.completed),
        "total": formats.number(summary.total),
        "overdue": formats.number(summary.overdue),
        "rate": formats.percent(rate, None, lang=get_language()),
    }
    block = Block("tasks", table.caption, table, lead=lead, chart=chart if summary.total else None)
    block.links = [
        (
            f"{t.lead_agency.label} · {formats.date_text(t.deadline, empty='')} · {t.content[:90]}",
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
                cell(
                    formats.period_label(row.period.code, lang=get_language()),
                    href,
                    row.period.code,
                ),
                cell(len(stats.expected), href, len(stats.expected)),
                cell(len(stats.sent), href, len(stats.sent)),
                cell(len(stats.on_time), href, len(stats.on_time)),
                cell(len(stats.late_or_missing), href, len(stats.late_or_missing)),
            ]
        )
        names.append(formats.shortened(row.definition.name, 48))
        rates.append(round((stats.timeliness or 0) * 100, 1))
    chart = {
        "aria": {"enabled": True},
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 90, "right": 20, "top": 10, "bottom": 30},
        "xAxis": {"type": "value", "max": 100, "name": "%"},
        "yAxis": {"type": "category", "data": names, "inverse": True},
        "series": [{"type": "bar", "name": _("Sent on time (%)"), "data": rates}],
    }
    block = Block("reporting", table.caption, table, chart=chart if names else None, chart_unit="%")
    block.links = [
        (f"{fact.agency_name} · {fact.definition_name} · {fact.period}", fact.link)
        for row in compliance
        for fact in row.late[:20]
    ]
    return block


# --- early warning --------------------------------------------------------------------------------


def kind_label(kind: warnings.Kind) -> str:
    return {
        warnings.Kind.INDICATOR: _("Indicator off track"),
        warnings.Kind.REPORT: _("Report late"),
        warnings.Kind.TASK: _("Task at risk"),
        warnings.Kind.SOURCE: _("Source stopped sending data"),
        warnings.Kind.INVESTMENT: _("Investment project behind"),
    }[kind]


def warnings_block(scope: Scope, found: warnings.Warnings) -> Block:
    table = Table(_("Early warnings"), [_("Kind"), _("Agency"), _("What"), _("Detail")])
    for item in found.items[:200]:
        table.rows.append(
            [
                cell(
                    kind_label(item.kind), item.link, css="danger" if item.severity > 1 else "warn"
                ),
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
            % {
                "tasks": formats.number(found.tasks_at_risk),
                "reports": formats.number(found.reports_late),
            }
        )
    )
    if found.sources_stopped:
        lead += "; " + (
            _("%(sources)s dossier sources stopped sending data")
            % {"sources": found.sources_stopped}
        )
    if found.investments_behind:
        lead += "; " + (
            _("%(projects)s investment projects behind on disbursement")
            % {"projects": found.investments_behind}
        )
    return Block("warnings", table.caption, table, lead=lead)


# --- public investment -------------------------------------------------------------------------


def investments_block(scope: Scope) -> Block:
    """This week's public-investment disbursement (dispatch 169/CĐ-TTg): the nation's rate
    against both denominators, the units furthest below the national average, and the S-curve
    against the usual one. National figures, for every signed-in user."""
    found = sources.investment_week()
    week = formats.date_text(found.week) if found.week else "—"
    table = Table(
        _("Public investment disbursement to %(day)s") % {"day": week},
        [
            _("Unit"),
            _("Of the plan assigned by the Prime Minister"),
            _("Of the total plan"),
            _("Projects slow / unable"),
        ],
        numeric=frozenset({1, 2}),
    )
    for line in found.lines:
        href = found.unit_link(line.code)
        table.rows.append(
            [
                cell(line.name, href, line.code),
                cell(formats.percent(line.rate_assigned), href, line.rate_assigned),
                cell(formats.percent(line.rate_total), href, line.rate_total),
                cell(f"{line.slow} / {line.unable}", href),
            ]
        )
    block = Block("investments", table.caption, table, chart_unit="%")
    if found.week is None:
        block.note = _("No disbursement figures yet.")
    else:
        block.lead = _(
            "Nationally %(assigned)s of the plan assigned by the Prime Minister and %(total)s "
            "of the total plan; %(below)s units below the national average; %(slow)s projects "
            "slow and %(unable)s unable to disburse."
        ) % {
            "assigned": formats.percent(found.average_assigned),
            "total": formats.percent(found.average_total),
            "below": found.below,
            "slow": formats.number(found.slow),
            "unable": formats.number(found.unable),
        }
        block.chart = {
            "aria": {"enabled": True},
            "tooltip": {"trigger": "axis"},
            "legend": {"top": 0},
            "grid": {"left": 40, "right": 20, "top": 30, "bottom": 30},
            "xAxis": {"type": "category", "data": [formats.date_text(d)[:5] for d in found.days]},
            "yAxis": {"type": "value", "min": 0},
            "series": [
                {
                    "type": "line",
                    "name": _("Of the assigned plan"),
                    "data": found.curve,
                    "showSymbol": False,
                },
                {
                    "type": "line",
                    "name": _("The usual curve"),
                    "data": found.usual,
                    "showSymbol": False,
                    "lineStyle": {"type": "dotted"},
                },
            ],
        }
    block.links = [
        (_("The weekly national table"), reverse("investments:weekly")),
        (_("Projects at risk"), reverse("investments:overview")),
    ]
    return block


# --- Decision 766 ---------------------------------------------------------------------------------


def ranking_block(scope: Scope) -> Block:
    """The 34 provinces by Decision 766 total, with the six group scores, for the latest
    complete month; each links to its scorecard."""

    ranking = sources.ranking_766()
    label = (
        formats.period_label(ranking.period.code, lang=get_language()) if ranking.period else "—"
    )
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
                cell(short_agency_name(row.name, row.code), href, row.code),
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
        "yAxis": {
            "type": "category",
            "data": [short_agency_name(r.name, r.code) for r in ranking.rows],
            "inverse": True,
        },
        "series": [
            {"type": "bar", "name": _("Total"), "data": [float(r.total) for r in ranking.rows]}
        ],
    }
    block = Block("ranking", table.caption, table, chart=chart if ranking.rows else None)
    if ranking.unranked:
        # Never a silent gap: the provinces left out, each with its reason.
        block.lead = _("Not ranked: %(units)s.") % {
            "units": "; ".join(f"{unit.name} ({unit.reason})" for unit in ranking.unranked)
        }
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
INDEX_PREFIX = "dti:"  # a composite index edition: "dti:dti-province-2024"


def map_choices(year: int) -> list[MapChoice]:
    choices = [
        MapChoice("compliance", _("Reports sent on time (%), current periods")),
        MapChoice(SCORE_766, _("Decision 766 index")),
    ]
    for code, name in sources.index_editions():
        choices.append(MapChoice(f"{INDEX_PREFIX}{code}", name))
    for indicator in sources.map_indicators():
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
    index = (
        sources.index_map(choice[len(INDEX_PREFIX) :]) if choice.startswith(INDEX_PREFIX) else None
    )
    if choice.startswith(INDEX_PREFIX) and index is None:
        raise Http404(_("No such index edition."))
    if index is not None:
        # Index scores are national figures: every province is shown, linking to its breakdown.
        values: dict[str, tuple[Decimal | None, str]] = {
            unit: (score, str(index.year)) for unit, score in index.scores.items()
        }
        links = dict(index.links)
        title = index.name
    elif choice == SCORE_766:
        # Scores are national aggregates: every province is shown, linking to its scorecard.
        ranking = sources.ranking_766()
        label = formats.period_label(ranking.period.code) if ranking.period is not None else ""
        values = {r.code: (r.total, label) for r in ranking.rows}
        links = {r.code: sources.score_unit_link(r.code, ranking.period) for r in ranking.rows}
        title = _("Decision 766 index")
    elif choice.startswith("indicator:"):
        pk = choice.partition(":")[2]
        indicator = sources.indicator(int(pk)) if pk.isdigit() and len(pk) < 10 else None
        if indicator is None:
            raise Http404(_("No such indicator."))
        values = sources.province_values(indicator, scope.year, provinces)
        title = indicator.name
    else:
        values = _compliance_by_agency(scope.user)
        title = _("Reports sent on time (%), current periods")
    if choice == SCORE_766 or index is not None:
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
            elif index is not None:
                text = _decimal_text(float(value), 4)
            else:
                text = f"{value:.0f}%"
        places.append(
            mapsvg.Place(p.agency_code, p.name, p.lat, p.lon, value, text, href, unit=p.unit_code)
        )
        if p.agency_code in visible:
            table.rows.append(
                [cell(p.name, href or ""), cell(text, href or "", value), cell(period)]
            )
    model = mapsvg.build(
        places,
        archipelagos=sources.archipelagos(),
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
    children = list(
        Agency.objects.current()
        .filter(parent=scope.agency)
        .select_related("orgunit")
        .order_by("kind", "name")
    )
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
    block = Block("children", table.caption, table)
    if indicator is not None:
        _commune_map(block, scope.agency, indicator, children, values)
    return block


def _commune_map(
    block: Block,
    agency: Agency,
    indicator: Indicator,
    children: list[Agency],
    values: dict[str, tuple[Decimal | None, str]],
) -> None:
    """A province's page: its communes on a map (their cells from the national map's data),
    coloured by the indicator's figure, each opening its commune's page."""
    unit = agency.orgunit
    if unit is None or unit.level != "province":
        return
    places = []
    for child in children:
        if child.orgunit is None or child.orgunit.level != "commune":
            continue
        value = values.get(child.code, (None, ""))[0]
        text = sources.show(indicator, value) if value is not None else _("no data")
        href = reverse("dashboard:agency", args=[child.code])
        lat, lon = float(child.orgunit.latitude or 0), float(child.orgunit.longitude or 0)
        places.append(
            mapsvg.Place(child.code, child.name, lat, lon, value, text, href, child.orgunit.code)
        )
    title = _("Communes of %(agency)s: %(indicator)s") % {
        "agency": agency.name,
        "indicator": indicator.name,
    }
    drawn = mapsvg.commune_map(unit.code, places, title=title, no_data_label=_("No data"))
    if drawn is None:
        return
    model, projection = drawn
    block.svg = mark_safe(mapsvg.render(model, projection))  # noqa: S308 (escaped by mapsvg)
    block.legend = model.legend
    block.note = _(
        "Hover a commune for its value; click to open it. Colours: five quantile classes."
    )


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
        names.append(indicator.label)
        series_a.append(_percent_of_target(fa.comparison))
        series_b.append(_percent_of_target(fb.comparison))
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
            {"type": "bar", "name": a.agency.label, "data": series_a},
            {"type": "bar", "name": b.agency.label, "data": series_b},
        ],
    }
    return Block("compare", table.caption, table, chart=chart if names else None, chart_unit="%")


def empty_row(table: Table) -> list[Cell]:
    return [cell("") for _h in table.headers]
