"""What the dashboard reads, gathered from the other apps into plain values.

Each function here is the one place a dashboard block reads its app from; the pages and the
weekly digest go through them, never to the models directly. The figures are computed by the
pure modules (reporting.aggregate, reporting.completeness, directives.stats, dashboard.warnings).

Scope (ADR 0006): national aggregates — a national figure, national task and reporting counts —
are for every signed-in user; anything about one agency (its figures, its tasks, its reports,
its place on the map) only for users who have that agency in scope.

Figures count once they are final: values of approved or accepted reports, and values entered
without a report (imported national figures). A province's figure is its own committee's value
when it reports one, else the sum of what the agencies under it report (numerators and
denominators added, ratios computed once: reporting.aggregate).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, Q, Value
from django.db.models.functions import Length, Replace
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from dxgov.audit.models import AuditEvent
from dxgov.core import formats
from dxgov.dashboard import warnings
from dxgov.dashboard.mapsvg import ARCHIPELAGOS
from dxgov.directives.access import tasks_for
from dxgov.directives.models import Task
from dxgov.directives.summary import Summary, summarise
from dxgov.dossiers.access import sources_for
from dxgov.forecasting.models import Forecast
from dxgov.indicators import targets as target_rules
from dxgov.indicators.models import Direction, Indicator, Milestone, Target, ValueType
from dxgov.indices import compute as index_compute
from dxgov.indices.models import Edition as IndexEdition
from dxgov.indices.models import UnitResult as IndexResult
from dxgov.investments import access as investment_access
from dxgov.investments import planyear as investment_planyear
from dxgov.investments import portfolio as investment_portfolio
from dxgov.orgunits.access import agencies_in_scope, sees_everything
from dxgov.orgunits.models import Agency, AgencyKind, OrgUnit
from dxgov.reporting import aggregate, periods
from dxgov.reporting.completeness import Completeness, Sent, completeness
from dxgov.reporting.models import FINAL_STATUSES, DataValue, Report, ReportDefinition
from dxgov.reporting.schedule import current_period, due_date_of
from dxgov.scoring import reports

ROOT = "CP"
KEY_INDICATORS = 12


# --- units -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Province:
    unit_code: str
    name: str
    lat: float
    lon: float
    agency_code: str
    agency_path: str


def provinces() -> list[Province]:
    """The 34 current provinces with their People's Committee (the agency the map opens)."""
    agencies = (
        Agency.objects.current()
        .filter(kind=AgencyKind.PEOPLE_COMMITTEE, orgunit__level="province")
        .select_related("orgunit")
        .order_by("orgunit__code")
    )
    found = []
    for agency in agencies:
        unit = agency.orgunit
        if unit is None or unit.valid_to is not None:
            continue
        if unit.latitude is None or unit.longitude is None:
            continue
        found.append(
            Province(
                unit.code,
                unit.name,
                float(unit.latitude),
                float(unit.longitude),
                agency.code,
                agency.path,
            )
        )
    return found


def commune_points() -> list[tuple[float, float]]:
    """(lat, lon) of every current commune: the country's silhouette."""
    rows = OrgUnit.objects.filter(
        level="commune", valid_to__isnull=True, latitude__isnull=False, longitude__isnull=False
    ).values_list("latitude", "longitude")
    return [(float(lat or 0), float(lon or 0)) for lat, lon in rows]


def archipelagos() -> list[tuple[str, float, float]]:
    """The archipelagos' labels at their special zones' centroids from the unit registry."""

    found = []
    for label, zone, lat, lon in ARCHIPELAGOS:
        unit = OrgUnit.objects.filter(
            name=zone, valid_to__isnull=True, latitude__isnull=False, longitude__isnull=False
        ).first()
        if unit is not None and unit.latitude is not None and unit.longitude is not None:
            lat, lon = unit.latitude, unit.longitude
        found.append((label, float(lat), float(lon)))
    return found


# --- figures ----------------------------------------------------------------------------------


def final_values() -> Q:
    return Q(report__isnull=True) | Q(report__status__in=FINAL_STATUSES)


def contribution(indicator: Indicator, value: DataValue) -> aggregate.Contribution:
    if indicator.value_type == ValueType.RATIO:
        return aggregate.ratio_contribution(
            value.numerator or Decimal(0), value.denominator or Decimal(0)
        )
    if indicator.value_type == ValueType.BOOLEAN:
        return aggregate.boolean_contribution(bool(value.value))
    return aggregate.count_contribution(value.value or Decimal(0))


def figure_of(indicator: Indicator, total: aggregate.Contribution) -> Decimal | None:
    if total.reporting == 0:
        return None
    if indicator.value_type == ValueType.RATIO:
        return aggregate.ratio(total, indicator.factor)
    if indicator.value_type == ValueType.BOOLEAN:
        return aggregate.ratio(total, 100)
    return total.numerator


def show(indicator: Indicator, value: Decimal | None) -> str:
    """A figure as Vietnamese readers write it (1.234,5), with its unit; money in tỷ or triệu
    đồng (core.formats, the one formatting layer)."""
    if value is None:
        return formats.DASH
    lang = get_language()
    if indicator.value_type == ValueType.MONEY:
        return formats.money(value, lang=lang)
    places = formats.decimals_for(indicator.value_type, indicator.decimals, indicator.factor)
    unit = "%" if indicator.value_type == ValueType.BOOLEAN else indicator.unit
    text = formats.number(value, places, lang=lang)
    return f"{text} {unit}".strip() if unit != "%" else f"{text}%"


@dataclass
class Point:
    period: str
    label: str
    start: date
    value: Decimal | None
    reports: list[int] = field(default_factory=list)
    values: list[int] = field(default_factory=list)  # DataValue ids behind it
    # The summed parts behind the value (a ratio's numerators and denominators).
    numerator: Decimal | None = None
    denominator: Decimal | None = None


def rule_values(
    indicator: Indicator, points: Iterable[Point], year: int
) -> list[target_rules.Value]:
    """The year's points of the indicator's own periodicity, as the target rule reads them."""
    found = []
    for point in points:
        period = periods.parse_period(point.period)
        if period.year != year or period.frequency.value != indicator.periodicity:
            continue
        found.append(
            target_rules.Value(period.index, point.value, point.numerator, point.denominator)
        )
    return found


@dataclass
class Figure:
    """An indicator for one agency (or the nation): its series, latest value and the target
    that applies to it (none when its target is for other agencies)."""

    indicator: Indicator
    agency: Agency | None
    points: list[Point]
    target: Decimal | None
    milestones: dict[int, Decimal]
    year: int
    forecast: Forecast | None = None  # the stored forecast of the year's target
    target_row: Target | None = None

    @property
    def basis(self) -> target_rules.Basis:
        if self.target_row is not None:
            return self.target_row.rule_basis
        return target_rules.suggested_basis(
            value_type=self.indicator.value_type,
            cumulative=self.indicator.cumulative,
            periodicity=self.indicator.periodicity,
        )

    @property
    def comparison(self) -> target_rules.Comparison:
        """The year to date against the target, like with like (indicators.targets)."""
        return target_rules.compare(
            basis=self.basis,
            target=self.target,
            values=rule_values(self.indicator, self.points, self.year),
            before=rule_values(self.indicator, self.points, self.year - 1),
            periods=target_rules.periods_per_year(self.indicator.periodicity),
            higher_is_better=self.indicator.direction == Direction.HIGHER,
            milestones=self.milestones,
            factor=self.indicator.factor,
        )

    def running(self) -> dict[str, Decimal]:
        """The figure to date after each of the year's periods, by period code."""
        year_points = {
            periods.parse_period(p.period).index: p.period
            for p in self.points
            if periods.parse_period(p.period).year == self.year
            and periods.parse_period(p.period).frequency.value == self.indicator.periodicity
        }
        values = rule_values(self.indicator, self.points, self.year)
        return {
            year_points[index]: figure
            for index, figure in target_rules.to_date(self.basis, values, self.indicator.factor)
        }

    @property
    def latest(self) -> Point | None:
        with_value = [p for p in self.points if p.value is not None and p.start.year == self.year]
        return with_value[-1] if with_value else None

    @property
    def start(self) -> Point | None:
        earlier = [p for p in self.points if p.value is not None and p.start.year < self.year]
        return earlier[-1] if earlier else None

    @property
    def current(self) -> Decimal | None:
        latest = self.latest
        return latest.value if latest else None

    def fact(self, link: str) -> warnings.IndicatorFact:
        comparison = self.comparison
        share = (
            Decimal(comparison.elapsed) / Decimal(comparison.periods)
            if comparison.periods
            else Decimal(0)
        )
        agency = self.agency
        return warnings.IndicatorFact(
            indicator_code=self.indicator.code,
            indicator_name=self.indicator.name,
            agency_code=agency.code if agency else ROOT,
            agency_name=agency.name if agency else _("Nation"),
            higher_is_better=self.indicator.direction == Direction.HIGHER,
            target=self.target,
            current=comparison.actual,
            share=share,
            start=comparison.start,
            current_text=self.actual_text(comparison),
            target_text=self.target_text(),
            link=link,
            forecast=self.forecast_fact,
            comparison=comparison,
            expected_text=(
                show(self.indicator, comparison.expected) if comparison.expected is not None else ""
            ),
        )

    def actual_text(self, comparison: target_rules.Comparison | None = None) -> str:
        """The figure to date with what it covers: "4.211.000 hồ sơ (tổng 11 tháng năm 2026)"."""
        comparison = comparison or self.comparison
        if comparison.actual is None:
            return "—"
        return _("%(value)s (%(basis)s, %(span)s)") % {
            "value": show(self.indicator, comparison.actual),
            "basis": target_rules.to_date_label(comparison.basis),
            "span": comparison.span_text(),
        }

    def target_text(self) -> str:
        if self.target is None:
            return "—"
        return _("%(value)s (target %(year)s: %(basis)s)") % {
            "value": show(self.indicator, self.target),
            "basis": target_rules.basis_label(self.basis),
            "year": self.year,
        }

    @property
    def forecast_fact(self) -> warnings.ForecastFact | None:
        stored = self.forecast
        if stored is None:
            return None
        return warnings.ForecastFact(
            status=stored.status,
            probability=stored.probability,
            projected_text=show(self.indicator, estimate(stored.projected)),
            target_year=self.year,
        )

    @property
    def track(self) -> warnings.Track:
        return self.fact("").track


def _depth(path: str) -> int:
    return path.count("/")


LEVEL_IDS = 500  # a larger level is named by a subquery rather than a list of ids


def _levels(prefix: str) -> list[Q]:
    """Filters on DataValue for the agencies under (and at) `prefix`, level by level from the
    top."""
    levels: dict[int, list[int]] = defaultdict(list)
    for pk, path in Agency.objects.filter(path__startswith=prefix).values_list("pk", "path"):
        levels[_depth(path)].append(pk)
    found = []
    for depth in sorted(levels):
        ids = levels[depth]
        if len(ids) <= LEVEL_IDS:
            found.append(Q(agency_id__in=ids))
            continue
        depths = Length("path") - Length(Replace("path", Value("/"), Value("")))
        under = Agency.objects.filter(path__startswith=prefix).annotate(depth=depths)
        found.append(Q(agency_id__in=under.filter(depth=depth).values("pk")))
    return found


def figure(
    indicator: Indicator, agency: Agency | None, year: int, *, years_back: int = 1
) -> Figure:
    """The indicator's series for the agency (None: the nation) over `year` and the year before.

    For each period: the agency's own value if it reported one; otherwise the sum over the
    highest-placed agencies under it that did (so a province and its communes are not both
    counted).
    """
    prefix = agency.path if agency is not None else f"/{ROOT}/"
    base = DataValue.objects.filter(
        final_values(),
        indicator=indicator,
        category="",
        period_start__gte=date(year - years_back, 1, 1),
        period_start__lte=date(year, 12, 31),
    )
    by_period: dict[str, list[DataValue]] = defaultdict(list)
    # Level by level from the top: each period keeps the highest place that reported in it, so
    # under the nation the provinces' few dozen values are read, and a commune's only for a
    # period no province reported.
    for level in _levels(prefix):
        rows = base.filter(level)
        if by_period:
            rows = rows.exclude(period__in=list(by_period))
        found: dict[str, list[DataValue]] = defaultdict(list)
        for row in rows.select_related("agency").order_by("period_start", "pk"):
            found[row.period].append(row)
        by_period.update(found)
    points = []
    # Each period's values already come from one level, the highest that reported.
    for code, chosen in by_period.items():
        total = aggregate.total(contribution(indicator, v) for v in chosen)
        period = periods.parse_period(code)
        points.append(
            Point(
                code,
                period.label_vi,
                period.start,
                figure_of(indicator, total),
                sorted({v.report_id for v in chosen if v.report_id}),
                [v.pk for v in chosen],
                total.numerator,
                total.denominator,
            )
        )
    points.sort(key=lambda p: (p.start, p.period))
    target = target_for(indicator, agency, year)
    milestones = (
        {m.quarter: m.value for m in Milestone.objects.filter(target=target)} if target else {}
    )
    forecast = stored_forecast(indicator, agency, year) if target is not None else None
    return Figure(
        indicator,
        agency,
        points,
        target.value if target else None,
        milestones,
        year,
        forecast,
        target,
    )


def estimate(value: float | None) -> Decimal | None:
    """A forecast's float as a Decimal for show() (None stays None)."""
    return None if value is None else Decimal(repr(value))


def stored_forecast(indicator: Indicator, agency: Agency | None, year: int) -> Forecast | None:
    """The nightly forecast of the agency's (None: the nation's) target for the year."""
    rows = Forecast.objects.filter(indicator=indicator, target__year=year)
    if agency is None:
        rows = rows.filter(agency__code=ROOT, agency__valid_to=None)
    else:
        rows = rows.filter(agency=agency)
    return rows.order_by("-computed_at", "pk").first()


def target_for(indicator: Indicator, agency: Agency | None, year: int) -> Target | None:
    """The target of the year that applies to the agency (None: the nation) by its scope —
    its own, else its kind's at its level, else its kind's; a national target only for the
    nation (indicators.targets). A provincial target is not a ward's."""
    candidates = Target.objects.filter(indicator=indicator, year=year)
    return candidates.applying_to(agency).get(indicator.pk)


def key_indicators(year: int, limit: int = KEY_INDICATORS) -> list[Indicator]:
    """Indicators with a target for the year, else those with values: most targeted first."""
    targeted = list(
        Indicator.objects.active()
        .filter(targets__year=year)
        .annotate(n=Count("targets"))
        .order_by("-n", "code")
        .distinct()[:limit]
    )
    if targeted:
        return targeted
    return list(Indicator.objects.active().filter(values__isnull=False).distinct()[:limit])


def province_values(
    indicator: Indicator, year: int, provinces_: Sequence[Province]
) -> dict[str, tuple[Decimal | None, str]]:
    """Each province's latest final figure of the year: agency code → (value, period label)."""
    return agency_values(indicator, year, [p.agency_code for p in provinces_])


def agency_values(
    indicator: Indicator, year: int, codes: Sequence[str]
) -> dict[str, tuple[Decimal | None, str]]:
    """Each agency's own latest final figure of the year: code → (value, period label)."""
    result: dict[str, tuple[Decimal | None, str]] = {}
    rows = (
        DataValue.objects.filter(
            final_values(),
            indicator=indicator,
            category="",
            period_start__year=year,
            agency__code__in=list(codes),
        )
        .select_related("agency")
        .order_by("period_start")
    )
    for row in rows:
        total = contribution(indicator, row)
        result[row.agency.code] = (
            figure_of(indicator, total),
            periods.parse_period(row.period).label_vi,
        )
    return result


# --- tasks ------------------------------------------------------------------------------------


def task_summary(queryset: Any) -> Summary:
    counts = dict(queryset.order_by().values_list("status").annotate(n=Count("id")))
    # An open task past its deadline counts as overdue even before the nightly sweep.
    late_open = queryset.filter(status="open", deadline__lt=timezone.localdate()).count()
    if late_open:
        counts["open"] = counts.get("open", 0) - late_open
        counts["overdue"] = counts.get("overdue", 0) + late_open
    return summarise(counts)


def national_tasks() -> Summary:
    """Every task in the country, as counts (a national aggregate: shown to everyone)."""
    return task_summary(Task.objects.all())


def agency_tasks(agency: Agency) -> Any:
    return Task.objects.filter(lead_agency__path__startswith=agency.path)


def overdue_tasks(user: Any, agency: Agency | None = None, limit: int = 10) -> list[Task]:
    today = timezone.localdate()
    tasks = tasks_for(user).filter(Q(status="overdue") | Q(status="open", deadline__lt=today))
    if agency is not None:
        tasks = tasks.filter(lead_agency__path__startswith=agency.path)
    return list(tasks.select_related("lead_agency").order_by("deadline", "pk")[:limit])


def task_facts(user: Any, agency: Agency | None = None) -> list[warnings.TaskFact]:
    today = timezone.localdate()
    tasks = tasks_for(user).filter(status="open", deadline__gte=today)
    if agency is not None:
        tasks = tasks.filter(lead_agency__path__startswith=agency.path)
    tasks = tasks.annotate(last_report=Max("progress_reports__created_at"))
    return [
        warnings.TaskFact(
            task.pk,
            task.content[:200],
            task.lead_agency.code,
            task.lead_agency.name,
            task.status,
            task.progress_percent,
            timezone.localdate(task.created_at),
            task.deadline,
            reverse("directives:task_detail", args=[task.pk]),
            timezone.localdate(task.last_report) if task.last_report else None,
        )
        for task in tasks.select_related("lead_agency").order_by("deadline")[:500]
    ]


# --- reporting ------------------------------------------------------------------------------


@dataclass
class Compliance:
    definition: ReportDefinition
    period: periods.Period
    due: date
    stats: Completeness  # over every reporting agency (national: counts only)
    late: list[warnings.LateReportFact]  # in the user's scope


def compliance(user: Any, agency: Agency | None = None) -> list[Compliance]:
    """Each active definition's current period: completeness, and the late reports in scope.

    A handful of statements whatever the number of forms (a commune form per province means
    dozens): the expected agencies of every form at once, their reports of the current periods
    at once, each due date computed once per frequency, period and delay."""

    definitions = list(
        ReportDefinition.objects.filter(active=True)
        .select_related("receiving_agency")
        .order_by("pk")
    )
    chosen = {d.pk: current_period(d) for d in definitions}
    expected = _expected_agencies(definitions, agency)
    sent: dict[int, dict[str, Sent]] = defaultdict(dict)
    reports = Report.objects.filter(
        definition__in=[d.pk for d in definitions if expected.get(d.pk)],
        period__in={p.code for p in chosen.values()},
    ).values_list("definition_id", "period", "agency__code", "status", "first_submitted_at")
    for definition_id, period_code, code, status, first in reports:
        if chosen[definition_id].code == period_code:
            day = timezone.localdate(first) if first else None
            sent[definition_id][code] = Sent(status, day)
    in_scope = (
        None if sees_everything(user) else set(agencies_in_scope(user).values_list("pk", flat=True))
    )
    dues: dict[tuple[str, str, int], date] = {}
    today = timezone.localdate()
    result = []
    for definition in definitions:
        agencies = expected.get(definition.pk)
        if not agencies:
            continue
        period = chosen[definition.pk]
        key = (definition.frequency, period.code, definition.due_working_days)
        if key not in dues:
            dues[key] = due_date_of(definition, period)
        due = dues[key]
        names = {a.code: a for a in agencies}
        stats = completeness(names, sent[definition.pk], due, today)
        # One reverse() per form: the agency's code is put into its URL (codes are URL-safe).
        form_url = reverse("reporting:data_form", args=[definition.pk, AGENCY_SLOT, period.code])
        late = [
            warnings.LateReportFact(
                definition.code,
                definition.name,
                period.label_vi,
                code,
                names[code].name,
                due,
                code in stats.sent_late,
                form_url.replace(AGENCY_SLOT, code),
            )
            for code in stats.late_or_missing
            if in_scope is None or names[code].pk in in_scope
        ]
        result.append(Compliance(definition, period, due, stats, late))
    return result


AGENCY_SLOT = "AGENCYCODE"


@dataclass(frozen=True)
class Reporter:
    pk: int
    code: str
    name: str


def _expected_agencies(
    definitions: list[ReportDefinition], agency: Agency | None
) -> dict[int, list[Reporter]]:
    """Each definition's reporting agencies (under `agency` when one is given), in one query."""
    through = ReportDefinition.reporting_agencies.through
    rows = through.objects.filter(reportdefinition_id__in=[d.pk for d in definitions])
    if agency is not None:
        rows = rows.filter(agency__path__startswith=agency.path)
    found: dict[int, list[Reporter]] = defaultdict(list)
    for definition_id, pk, code, name in rows.order_by("agency__code").values_list(
        "reportdefinition_id", "agency_id", "agency__code", "agency__name"
    ):
        found[definition_id].append(Reporter(pk, code, name))
    return found


# --- early warning ----------------------------------------------------------------------------


def indicator_link(agency: Agency | None, indicator: Indicator) -> str:
    code = agency.code if agency is not None else ROOT
    return reverse("dashboard:indicator", args=[code, indicator.pk])


def source_facts(user: Any, agency: Agency | None = None) -> list[warnings.SourceFact]:
    """The active dossier source systems in the user's scope (owned under the agency when one
    is given), each with the day it was last heard from (its last contact or last batch)."""

    sources = sources_for(user).filter(active=True)
    if agency is not None:
        sources = sources.filter(owner__path__startswith=agency.path)
    sources = sources.annotate(last_batch=Max("batches__received_at"))
    facts = []
    for source in sources.order_by("code")[:500]:
        heard = [t for t in (source.last_contact_at, source.last_batch) if t is not None]
        facts.append(
            warnings.SourceFact(
                source.code,
                source.name,
                source.owner.code,
                source.owner.name,
                timezone.localdate(source.created_at),
                timezone.localdate(max(heard)) if heard else None,
                reverse("dossiers:source_detail", args=[source.pk]),
            )
        )
    return facts


def early_warnings(
    user: Any,
    agency: Agency | None,
    year: int,
    figures: Iterable[Figure] | None = None,
    compliance_rows: list[Compliance] | None = None,
) -> warnings.Warnings:
    """Indicators off track (for the agency, or nationally), tasks at risk, late reports,
    stopped dossier sources and investment projects behind on their money in the user's scope
    (under the agency when one is given)."""
    today = timezone.localdate()
    if figures is None:
        figures = [figure(i, agency, year) for i in key_indicators(year)]
    facts = [f.fact(indicator_link(agency, f.indicator)) for f in figures]
    if compliance_rows is None:
        compliance_rows = compliance(user, agency)
    late = [fact for c in compliance_rows for fact in c.late]
    return warnings.collect(
        facts,
        task_facts(user, agency),
        late,
        today,
        source_facts(user, agency),
        investment_facts(user, agency),
    )


# --- public investment ----------------------------------------------------------------------

INVESTMENT_WARNINGS = 20
INVESTMENT_UNITS = 8


def investment_facts(user: Any, agency: Agency | None = None) -> list[warnings.InvestmentFact]:
    """The projects in the user's scope (under the agency) furthest behind on their money this
    week, and the stalled ones (dxgov.investments' classification)."""
    visible = investment_access.projects_for(user)
    if agency is not None:
        visible = visible.filter(investor__path__startswith=agency.path)
    choice = investment_portfolio.choose_week(None, None)
    risk = investment_portfolio.at_risk(choice, visible)
    return [
        warnings.InvestmentFact(
            r.project.code,
            r.project.name,
            r.project.investor.code,
            r.project.investor.name,
            r.klass,
            r.rate_expected,
            r.project.stalled,
            reverse("investments:project_detail", args=[r.project.pk]),
        )
        for r in risk.money[:INVESTMENT_WARNINGS]
        if r.klass == "unable" or r.project.stalled
    ]


@dataclass(frozen=True)
class InvestmentLine:
    code: str
    name: str
    rate_assigned: float | None
    rate_total: float | None
    slow: int
    unable: int


@dataclass
class InvestmentWeek:
    week: date | None
    average_assigned: float | None = None
    average_total: float | None = None
    below: int = 0
    slow: int = 0
    unable: int = 0
    lines: list[InvestmentLine] = field(default_factory=list)
    days: list[date] = field(default_factory=list)
    curve: list[float | None] = field(default_factory=list)
    usual: list[float] = field(default_factory=list)

    @staticmethod
    def unit_link(code: str) -> str:
        return reverse("investments:unit", args=[code])


def investment_week() -> InvestmentWeek:
    """The latest week's national disbursement: the units furthest below the national rate of
    the assigned plan, and the nation's S-curve (national figures: every signed-in user)."""
    choice = investment_portfolio.choose_week(None, None)
    if choice.week is None:
        return InvestmentWeek(None)
    view = investment_portfolio.weekly(choice)
    table = view.table
    below = sorted(table.below, key=lambda line: line.rate_assigned or 0.0)
    curve = investment_portfolio.national_curve(choice)
    return InvestmentWeek(
        week=choice.week,
        average_assigned=table.average_assigned,
        average_total=table.average_total,
        below=len(table.below),
        slow=table.national.slow,
        unable=table.national.unable,
        lines=[
            InvestmentLine(
                line.figures.code,
                line.figures.name,
                line.rate_assigned,
                line.rate_total,
                line.figures.slow,
                line.figures.unable,
            )
            for line in below[:INVESTMENT_UNITS]
        ],
        days=[p.week for p in curve],
        curve=[None if p.rate_assigned is None else round(p.rate_assigned, 1) for p in curve],
        usual=[
            round(investment_planyear.usual_share(choice.plan_year, p.week) * 100, 1) for p in curve
        ],
    )


# --- Decision 766 ---------------------------------------------------------------------------


@dataclass
class Ranking:
    period: Any  # scoring.periods.Period, or None when nothing is scored yet
    rows: list[Any]  # scoring.reports.Row, best first
    unranked: list[Any] = field(default_factory=list)  # scoring.reports.Unranked, with why


def ranking_766(today: date | None = None) -> Ranking:
    """The 34 provinces by Decision 766 total for the latest complete scored month (scores are
    national aggregates: every signed-in user reads them)."""

    latest = reports.latest_complete_period("month", today)
    if latest is None:
        return Ranking(None, [])
    return Ranking(
        latest, reports.ranking(latest, "provinces"), reports.unranked(latest, "provinces")
    )


def score_unit_link(code: str, period: Any) -> str:
    url = reverse("scoring:unit", args=[code])
    return f"{url}?period={period.code}" if period is not None else url


# --- composite indices (DTI) ----------------------------------------------------------------


@dataclass(frozen=True)
class IndexMap:
    code: str
    name: str
    year: int
    scores: dict[str, Decimal]  # agency code → published score
    links: dict[str, str]


def index_editions() -> list[tuple[str, str]]:
    """Provincial index editions with results over the 34 current provinces (code, name), the
    latest first: an edition measured over the 63 former provinces maps only as is."""
    found = []
    for edition in IndexEdition.objects.filter(level="province").order_by("-year"):
        view = index_compute.preferred_view(edition)
        if IndexResult.objects.filter(
            result_set__edition=edition,
            result_set__view=view,
            unit__agency__valid_to__isnull=True,
        ).exists():
            found.append((edition.code, edition.name))
    return found


def index_map(code: str) -> IndexMap | None:
    """An edition's scores by province committee (national figures: every user reads them)."""
    edition = IndexEdition.objects.filter(code=code, level="province").first()
    if edition is None:
        return None
    view = index_compute.preferred_view(edition)
    rows = IndexResult.objects.filter(
        result_set__edition=edition, result_set__view=view, score__isnull=False
    ).select_related("unit")
    scores = {row.unit.code: row.score for row in rows if row.score is not None}
    links = {
        unit: reverse("indices:unit", args=[edition.code, unit]) + f"?view={view}"
        for unit in scores
    }
    return IndexMap(edition.code, edition.name, edition.year, scores, links)


def user_sees_all(user: Any) -> bool:
    return sees_everything(user) or (
        getattr(user, "agency", None) is not None and user.agency.code == ROOT
    )


# --- single reads for the pages ---------------------------------------------------------------


def indicator(pk: int) -> Indicator | None:
    return Indicator.objects.filter(pk=pk).first()


def map_indicators(limit: int = 100) -> list[Indicator]:
    """Active indicators that provinces report, for the map's chooser."""
    indicators = Indicator.objects.active().filter(values__agency__orgunit__level="province")
    return list(indicators.distinct().order_by("code")[:limit])


def value_history(indicator: Indicator, agency: Agency, limit: int = 100) -> list[AuditEvent]:
    """The audit ledger's saves of this indicator's value for this agency, newest first."""
    return list(
        AuditEvent.objects.filter(
            Q(event_type="data_value.saved")
            & Q(data__indicator=indicator.code)
            & Q(data__agency=agency.code)
        ).order_by("-seq")[:limit]
    )


def values_behind(latest: Any) -> list[DataValue]:
    """The stored values a figure's latest point was summed from, by agency."""
    return list(
        DataValue.objects.filter(pk__in=latest.values)
        .select_related("agency")
        .order_by("agency__path")
    )
