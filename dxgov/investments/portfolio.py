"""What the investment pages, the API, the exports and the dashboard read: plain values built
from the derived weekly rows (`WeekSummary`, `ProjectWeek`) and the records.

The weekly national table and the national portfolio are national aggregates (every signed-in
user); lists of projects (at risk, a unit's) are filtered to the user's scope by the caller,
which passes the projects it may see.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from dxgov.investments import figures, planyear, rules, summary
from dxgov.investments.models import (
    Allocation,
    Category,
    Decision,
    Disbursement,
    DisbursementClass,
    Evidence,
    FundingSource,
    InvestmentProject,
    Milestone,
    MilestoneDone,
    ProgressReport,
    ProjectGroup,
    ProjectWeek,
    Schedule,
    WeekSummary,
)
from dxgov.orgunits.models import Agency, AgencyKind

GOVERNMENT = "CP"
AT_RISK_LIMIT = 20


# --- which week -------------------------------------------------------------------------------


def plan_years(today: date | None = None) -> list[int]:
    """Plan years with figures, newest first (the current one always listed)."""
    today = today or timezone.localdate()
    years = set(WeekSummary.objects.filter(dimension="nation").values_list("plan_year", flat=True))
    years.add(planyear.current_plan_year(today))
    return sorted(years, reverse=True)


@dataclass(frozen=True)
class WeekChoice:
    plan_year: int
    week: date | None  # None: no figures yet for this plan year
    weeks: list[date]  # the weeks with figures, oldest first

    @property
    def number(self) -> int | None:
        return planyear.week_number(self.week, self.plan_year) if self.week else None

    @property
    def last_week(self) -> int:
        return len(planyear.week_ends(self.plan_year))


def choose_week(plan_year: int | None, week: date | None, today: date | None = None) -> WeekChoice:
    """The plan year asked for (or the current one) and its week: the one asked for when it
    has figures, else the latest with figures."""
    today = today or timezone.localdate()
    year = plan_year or planyear.current_plan_year(today)
    weeks = sorted(
        WeekSummary.objects.filter(plan_year=year, dimension="nation").values_list(
            "week_end", flat=True
        )
    )
    if not weeks:
        return WeekChoice(year, None, [])
    if week is not None:
        chosen = planyear.week_end(week, year) if planyear.in_window(year, week) else None
        if chosen in weeks:
            return WeekChoice(year, chosen, weeks)
    return WeekChoice(year, weeks[-1], weeks)


# --- the weekly national table ---------------------------------------------------------------


def units() -> list[Agency]:
    """The ranked units: the ministries and the provincial People's Committees in force."""
    return list(
        Agency.objects.current()
        .filter(
            parent__code=GOVERNMENT, kind__in=[AgencyKind.MINISTRY, AgencyKind.PEOPLE_COMMITTEE]
        )
        .order_by("kind", "name")
    )


def _kind(agency: Agency) -> str:
    return "ministry" if agency.kind == AgencyKind.MINISTRY else "province"


@dataclass(frozen=True)
class WeeklyView:
    choice: WeekChoice
    table: figures.WeeklyTable
    forecasts: dict[str, figures.YearEnd]  # by unit code ("" for the nation)
    thresholds: figures.Thresholds
    agencies: dict[str, Agency]

    @property
    def ministries(self) -> list[figures.UnitLine]:
        return [line for line in self.table.lines if line.figures.kind == "ministry"]

    @property
    def provinces(self) -> list[figures.UnitLine]:
        return [line for line in self.table.lines if line.figures.kind == "province"]


def weekly(choice: WeekChoice) -> WeeklyView:
    """Every unit's figures for the chosen week against both denominators, the national
    average, and each unit's year-end forecast."""
    agencies = units()
    rows: dict[str, WeekSummary] = {}
    if choice.week is not None:
        rows = {
            r.key: r
            for r in WeekSummary.objects.filter(
                plan_year=choice.plan_year,
                week_end=choice.week,
                dimension__in=["unit", "nation"],
            )
        }
    lines = []
    for agency in agencies:
        row = rows.get(str(agency.pk))
        lines.append(
            figures.UnitFigures(
                code=agency.code,
                name=agency.name,
                kind=_kind(agency),
                disbursed=row.disbursed if row else 0,
                plan_total=row.plan_total if row else 0,
                plan_assigned=row.plan_assigned if row else 0,
                projects=row.projects if row else 0,
                good=row.good if row else 0,
                slow=row.slow if row else 0,
                unable=row.unable if row else 0,
            )
        )
    table = figures.weekly_table(lines, _("Whole country"))
    forecasts: dict[str, figures.YearEnd] = {}
    if choice.week is not None:
        by_key = {str(a.pk): a.code for a in agencies}
        forecasts = {
            by_key.get(key, ""): found
            for key, found in _forecasts(choice, [r for r in rows.values()]).items()
            if key in by_key or key == ""
        }
    return WeeklyView(choice, table, forecasts, summary.thresholds(), {a.code: a for a in agencies})


def _forecasts(choice: WeekChoice, rows: list[WeekSummary]) -> dict[str, figures.YearEnd]:
    """Each row's year-end forecast: kept on the summary row (writes keep the current week's
    in step, summary.store_forecasts); an older week's is computed when first read."""
    found: dict[str, figures.YearEnd] = {}
    missing = []
    for row in rows:
        if row.forecast:
            found[row.key] = figures.YearEnd(**{**row.forecast, "reason": ""})
        elif row.plan_assigned > 0:
            missing.append(row.key)
    if missing and choice.week is not None:
        found.update(summary.store_forecasts(choice.plan_year, choice.week, set(missing)))
    return found


# --- the national and a unit's portfolio ---------------------------------------------------------


@dataclass(frozen=True)
class CurvePoint:
    week: date
    disbursed: int
    plan_total: int
    plan_assigned: int
    expected: int

    @property
    def rate_total(self) -> float | None:
        return figures.rate(self.disbursed, self.plan_total)

    @property
    def rate_assigned(self) -> float | None:
        return figures.rate(self.disbursed, self.plan_assigned)

    @property
    def rate_expected(self) -> float | None:
        return figures.rate(self.expected, self.plan_total)


@dataclass(frozen=True)
class Slice:
    key: str
    label: str
    disbursed: int
    plan_total: int
    projects: int
    good: int = 0
    slow: int = 0
    unable: int = 0

    @property
    def rate_total(self) -> float | None:
        return figures.rate(self.disbursed, self.plan_total)


@dataclass
class Portfolio:
    choice: WeekChoice
    title: str
    curve: list[CurvePoint] = field(default_factory=list)
    by_category: list[Slice] = field(default_factory=list)
    by_group: list[Slice] = field(default_factory=list)
    by_source: list[Slice] = field(default_factory=list)
    at_risk: AtRisk | None = None

    @property
    def now(self) -> CurvePoint | None:
        return self.curve[-1] if self.curve else None


def _labels(choices: Any) -> dict[str, str]:
    return {str(value): str(label) for value, label in choices.choices}


def _slices(rows: Iterable[Any], labels: dict[str, str], key_name: str = "key") -> list[Slice]:
    found = {
        str(r[key_name]): Slice(
            str(r[key_name]),
            labels.get(str(r[key_name]), str(r[key_name])),
            int(r["disbursed"] or 0),
            int(r["plan_total"] or 0),
            int(r["projects"] or 0),
            int(r.get("good") or 0),
            int(r.get("slow") or 0),
            int(r.get("unable") or 0),
        )
        for r in rows
    }
    return [found[k] for k in labels if k in found]


def _curve(plan_year: int, last: date, **where: Any) -> list[CurvePoint]:
    return [
        CurvePoint(
            r["week_end"], r["disbursed"], r["plan_total"], r["plan_assigned"], r["expected"]
        )
        for r in WeekSummary.objects.filter(plan_year=plan_year, week_end__lte=last, **where)
        .order_by("week_end")
        .values("week_end", "disbursed", "plan_total", "plan_assigned", "expected")
    ]


def national_curve(choice: WeekChoice) -> list[CurvePoint]:
    """The nation's cumulative figures week by week to the chosen week."""
    if choice.week is None:
        return []
    return _curve(choice.plan_year, choice.week, dimension="nation")


def national(choice: WeekChoice, visible: QuerySet[InvestmentProject]) -> Portfolio:
    """The nation's S-curve, slices by category, group and source, and the projects at risk
    among those the user may see."""
    found = Portfolio(choice, _("Whole country"))
    if choice.week is None:
        return found
    found.curve = _curve(choice.plan_year, choice.week, dimension="nation")
    rows = list(
        WeekSummary.objects.filter(
            plan_year=choice.plan_year,
            week_end=choice.week,
            dimension__in=["category", "group", "source"],
        ).values(
            "dimension", "key", "disbursed", "plan_total", "projects", "good", "slow", "unable"
        )
    )
    found.by_category = _slices(
        [r for r in rows if r["dimension"] == "category"], _labels(Category)
    )
    found.by_group = _slices([r for r in rows if r["dimension"] == "group"], _labels(ProjectGroup))
    found.by_source = _slices(
        [r for r in rows if r["dimension"] == "source"], _labels(FundingSource)
    )
    found.at_risk = at_risk(choice, visible)
    return found


def unit(choice: WeekChoice, agency: Agency, visible: QuerySet[InvestmentProject]) -> Portfolio:
    """A ministry's or province's S-curve and slices (from its projects' weeks), with its
    projects at risk."""
    found = Portfolio(choice, agency.name)
    if choice.week is None:
        return found
    found.curve = _curve(choice.plan_year, choice.week, dimension="unit", key=str(agency.pk))
    weeks = ProjectWeek.objects.filter(
        plan_year=choice.plan_year, week_end=choice.week, unit=agency
    )
    sums = {
        "disbursed": Sum("disbursed"),
        "plan_total": Sum("plan_total"),
        "projects": Count("id"),
        "good": Count("id", filter=Q(klass=figures.GOOD)),
        "slow": Count("id", filter=Q(klass=figures.SLOW)),
        "unable": Count("id", filter=Q(klass=figures.UNABLE)),
    }
    found.by_category = _slices(
        weeks.values("category").annotate(**sums), _labels(Category), "category"
    )
    found.by_group = _slices(weeks.values("group").annotate(**sums), _labels(ProjectGroup), "group")
    source_rows = []
    for source in rules.SOURCES:
        totals = weeks.aggregate(d=Sum(source), p=Sum(f"plan_{source}"))
        if totals["d"] or totals["p"]:
            source_rows.append(
                {"key": source, "disbursed": totals["d"], "plan_total": totals["p"], "projects": 0}
            )
    found.by_source = _slices(source_rows, _labels(FundingSource))
    found.at_risk = at_risk(choice, visible.filter(managing_agency=agency))
    return found


# --- projects at risk ------------------------------------------------------------------------


@dataclass(frozen=True)
class RiskyProject:
    project: InvestmentProject
    disbursed: int
    plan_total: int
    expected: int
    klass: str

    @property
    def rate_total(self) -> float | None:
        return figures.rate(self.disbursed, self.plan_total)

    @property
    def rate_expected(self) -> float | None:
        return figures.rate(self.disbursed, self.expected)

    @property
    def klass_label(self) -> str:
        return str(DisbursementClass(self.klass).label)


@dataclass
class AtRisk:
    """Projects behind on money (slow or unable to disburse this week), on milestones
    (planned before today in the current baseline and not reached) or on updates (a plan and
    no figure for summary.SILENT_WEEKS weeks); each list the worst first, counts complete."""

    money: list[RiskyProject] = field(default_factory=list)
    money_count: int = 0
    milestones: list[tuple[InvestmentProject, Milestone]] = field(default_factory=list)
    milestones_count: int = 0
    silent: list[InvestmentProject] = field(default_factory=list)
    silent_count: int = 0
    stalled_count: int = 0


def _within(queryset: Any, visible: QuerySet[InvestmentProject], field: str) -> Any:
    """`queryset` limited to the visible projects; nothing to limit for who sees them all
    (a subquery over every project would only cost time)."""
    if not visible.query.has_filters():
        return queryset
    return queryset.filter(**{f"{field}__in": visible.values("pk")})


def at_risk(choice: WeekChoice, visible: QuerySet[InvestmentProject]) -> AtRisk:
    found = AtRisk()
    if choice.week is None:
        return found
    _money(choice, visible, found)
    _milestones_overdue(visible, found)
    _silent(choice, visible, found)
    found.stalled_count = visible.filter(stalled=True).count()
    return found


def _money(choice: WeekChoice, visible: QuerySet[InvestmentProject], found: AtRisk) -> None:
    assert choice.week is not None
    weeks = _within(
        ProjectWeek.objects.filter(
            plan_year=choice.plan_year,
            week_end=choice.week,
            klass__in=[figures.SLOW, figures.UNABLE],
        ),
        visible,
        "project",
    )
    nation = None if visible.query.has_filters() else _nation(choice)
    # Everything visible: the week's national row already counts them.
    found.money_count = (nation.slow + nation.unable) if nation else weeks.count()
    # The worst first: the week's rows alone are sorted (a top-N sort), then only those
    # few are read with their projects.
    worst = list(
        weeks.order_by(F("ratio").asc(nulls_last=True), "project_id").values_list("pk", flat=True)[
            :AT_RISK_LIMIT
        ]
    )
    rows = ProjectWeek.objects.filter(pk__in=worst).select_related(
        "project", "project__investor", "project__managing_agency"
    )
    by_pk = {w.pk: w for w in rows}
    found.money = [
        RiskyProject(w.project, w.disbursed, w.plan_total, w.expected, w.klass)
        for w in (by_pk[pk] for pk in worst)
    ]


def _milestones_overdue(visible: QuerySet[InvestmentProject], found: AtRisk) -> None:
    overdue = _within(
        # `pending`: in the current baseline and not reached (kept by the actions).
        Milestone.objects.filter(pending=True, planned_on__lt=timezone.localdate()),
        visible,
        "decision__project",
    )
    found.milestones_count = overdue.count()
    found.milestones = [
        (m.decision.project, m)
        for m in overdue.select_related(
            "decision__project", "decision__project__investor"
        ).order_by("planned_on", "pk")[:AT_RISK_LIMIT]
    ]


def _silent(choice: WeekChoice, visible: QuerySet[InvestmentProject], found: AtRisk) -> None:
    """Projects with capital and no figure dated in this week or the one before."""
    assert choice.week is not None
    since = choice.week - timedelta(days=7 * summary.SILENT_WEEKS - 1)
    silent = _within(
        ProjectWeek.objects.filter(
            Q(last_update__isnull=True) | Q(last_update__lt=since),
            plan_year=choice.plan_year,
            week_end=choice.week,
            plan_total__gt=0,
        ),
        visible,
        "project",
    )
    nation = None if visible.query.has_filters() else _nation(choice)
    found.silent_count = nation.silent if nation else silent.count()
    found.silent = [
        w.project
        for w in silent.select_related("project", "project__investor").order_by("project_id")[
            :AT_RISK_LIMIT
        ]
    ]


def _nation(choice: WeekChoice) -> WeekSummary | None:
    assert choice.week is not None
    return WeekSummary.objects.filter(
        plan_year=choice.plan_year, week_end=choice.week, dimension="nation"
    ).first()


# --- a project's page ----------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineItem:
    day: date
    kind: str
    text: str
    late: bool = False
    evidence: Evidence | None = None


@dataclass
class ProjectView:
    project: InvestmentProject
    decisions: list[Decision]
    variance: figures.Variance | None
    milestones: list[dict[str, Any]]
    plans: list[dict[str, Any]]
    disbursements: list[Disbursement]
    progress: list[ProgressReport]
    evidence: list[Evidence]
    weeks: list[ProjectWeek]
    timeline: list[TimelineItem]
    schedule: Schedule | None
    plan_year: int


def project_view(project: InvestmentProject, plan_year: int | None = None) -> ProjectView:
    year = plan_year or planyear.current_plan_year(timezone.localdate())
    decisions = list(project.decisions.prefetch_related("milestones").order_by("version"))
    variance = None
    if decisions:
        variance = figures.variance(
            project.original_total, project.current_total, project.original_end, project.current_end
        )
    done = {m.name: m for m in MilestoneDone.objects.filter(project=project)}
    milestones = _milestones(decisions, done)
    plans = _plans(project)
    disbursements = list(
        Disbursement.objects.filter(project=project)
        .select_related("entered_by")
        .order_by("-plan_year", "-as_of", "source", "kind")
    )
    progress = list(project.progress_reports.order_by("-month").prefetch_related("evidence"))
    evidence = list(project.evidence.all())
    weeks = list(ProjectWeek.objects.filter(project=project, plan_year=year).order_by("week_end"))
    schedule = Schedule.objects.filter(project=project, plan_year=year).first()
    return ProjectView(
        project=project,
        decisions=decisions,
        variance=variance,
        milestones=milestones,
        plans=plans,
        disbursements=disbursements,
        progress=progress,
        evidence=evidence,
        weeks=weeks,
        timeline=_timeline(project, decisions, disbursements, progress, done),
        schedule=schedule,
        plan_year=year,
    )


def _milestones(decisions: list[Decision], done: dict[str, MilestoneDone]) -> list[dict[str, Any]]:
    """Each milestone of the current baseline: planned originally and now, reached when."""
    if not decisions:
        return []
    original = next((d for d in decisions if d.kind == rules.INVESTMENT), decisions[0])
    first = {m.name: m.planned_on for m in original.milestones.all()}
    today = timezone.localdate()
    rows = []
    for milestone in decisions[-1].milestones.all():
        reached = done.get(milestone.name)
        original_day = first.get(milestone.name)
        rows.append(
            {
                "name": milestone.name,
                "original": original_day,
                "planned": milestone.planned_on,
                "moved_days": (milestone.planned_on - original_day).days if original_day else None,
                "reached": reached.achieved_on if reached else None,
                "late": (reached.achieved_on if reached else today) > milestone.planned_on,
                "overdue": reached is None and milestone.planned_on < today,
            }
        )
    return rows


def _plans(project: InvestmentProject) -> list[dict[str, Any]]:
    """Each plan year and source: the plan assigned, the changes, the plan now."""
    rows: dict[tuple[int, str], dict[str, Any]] = {}
    for allocation in Allocation.objects.filter(project=project).select_related("counterpart"):
        row = rows.setdefault(
            (allocation.plan_year, allocation.source),
            {
                "plan_year": allocation.plan_year,
                "source": allocation.get_source_display(),
                "total": 0,
                "assigned": 0,
                "changes": [],
            },
        )
        row["total"] += allocation.amount
        row["assigned"] += allocation.assigned
        row["changes"].append(allocation)
    return [rows[k] for k in sorted(rows, reverse=True)]


def _timeline(
    project: InvestmentProject,
    decisions: list[Decision],
    disbursements: list[Disbursement],
    progress: list[ProgressReport],
    done: dict[str, MilestoneDone],
) -> list[TimelineItem]:
    items = [
        TimelineItem(
            d.signed_on,
            "decision",
            _("%(kind)s %(number)s: total %(total)s, ends %(end)s")
            % {
                "kind": d.get_kind_display(),
                "number": d.number,
                "total": rules.dong(d.total),
                "end": rules.day_text(d.end),
            }
            + (f" — {d.reason}" if d.reason else ""),
            d.late,
        )
        for d in decisions
    ]
    for allocation in Allocation.objects.filter(project=project):
        items.append(
            TimelineItem(
                allocation.decided_on,
                "plan",
                _("%(kind)s %(number)s: %(amount)s (%(source)s, plan year %(year)d)")
                % {
                    "kind": allocation.get_kind_display(),
                    "number": allocation.number,
                    "amount": rules.dong(allocation.amount),
                    "source": allocation.get_source_display(),
                    "year": allocation.plan_year,
                },
                allocation.late,
            )
        )
    # Disbursement: the month's last figure only, so that a year of weekly figures stays short.
    monthly: dict[tuple[int, int], Disbursement] = {}
    for figure in sorted(disbursements, key=lambda f: (f.as_of, f.kind == rules.ACTUAL)):
        monthly[(figure.as_of.year, figure.as_of.month)] = figure
    for figure in monthly.values():
        items.append(
            TimelineItem(
                figure.as_of,
                "disbursement",
                _("Disbursed to date (%(source)s, %(kind)s): %(value)s")
                % {
                    "source": figure.get_source_display(),
                    "kind": figure.get_kind_display(),
                    "value": rules.dong(figure.value),
                },
                figure.late,
            )
        )
    for report in progress:
        items.append(
            TimelineItem(
                report.as_of,
                "progress",
                _("Physical progress %(percent)s%%") % {"percent": report.percent},
                report.late,
            )
        )
        items.extend(
            TimelineItem(report.as_of, "evidence", e.original_name, evidence=e)
            for e in report.evidence.all()
        )
    for milestone in done.values():
        items.append(
            TimelineItem(
                milestone.achieved_on,
                "milestone",
                _("Milestone reached: %(name)s") % {"name": milestone.name},
                milestone.late,
            )
        )
    return sorted(items, key=lambda item: item.day, reverse=True)


# --- timeliness ------------------------------------------------------------------------------


def timeliness(plan_year: int, investors: QuerySet[Agency]) -> list[figures.Timeliness]:
    """Each investor's entries in the plan year's window and how many were late."""
    start, end = planyear.window(plan_year)
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    ids = InvestmentProject.objects.filter(investor__in=investors)
    sources: list[tuple[Any, str]] = [
        (Disbursement.objects.filter(plan_year=plan_year), "as_of"),
        (Allocation.objects.filter(plan_year=plan_year), "decided_on"),
        (ProgressReport.objects.filter(as_of__range=(start, end)), "as_of"),
        (Decision.objects.filter(signed_on__range=(start, end)), "signed_on"),
        (MilestoneDone.objects.filter(achieved_on__range=(start, end)), "achieved_on"),
    ]
    for queryset, _field in sources:
        for investor, entries, late in (
            queryset.filter(project__in=ids)
            .values_list("project__investor")
            .annotate(n=Count("id"), late=Count("id", filter=Q(late=True)))
        ):
            counts[investor][0] += entries
            counts[investor][1] += late
    names = dict(Agency.objects.filter(pk__in=counts).values_list("pk", "name"))
    codes = dict(Agency.objects.filter(pk__in=counts).values_list("pk", "code"))
    return figures.rank_timeliness(
        {codes[pk]: (names[pk], entries, late) for pk, (entries, late) in counts.items()}
    )
