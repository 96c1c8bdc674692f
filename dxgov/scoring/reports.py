"""Reads behind the scoring pages, API and exports: rankings, a unit's scorecard, its trend,
its departments and communes, official vs computed, comparisons, and the dossiers behind a count.

Scores are aggregates and national: every signed-in user reads rankings, unit scorecards and
comparisons. The dossiers behind a count are the agency's records: the views resolve the agency
through `dxgov.accounts.access` first (out of scope: 404), and only dossier codes, procedure
codes, dates and statuses are listed (no personal data is stored anyway).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from dxgov.dossiers.models import Dossier, Procedure, SourceSystem
from dxgov.orgunits.models import Agency, AgencyKind
from dxgov.scoring import gaps, periods, qd766
from dxgov.scoring.dvcqg import TOLERANCE
from dxgov.scoring.labels import GROUP_LABELS, METRIC_LABELS
from dxgov.scoring.models import MonthCounts, OfficialScore, Score
from dxgov.scoring.periods import Period

RULESET = qd766.DEFAULT_RULESET
GROUPS = tuple(code for code, _max in qd766.GROUPS)
TREND_LENGTH = {"month": 12, "quarter": 8, "year": 5}


class UnknownMetric(ValueError):
    def __init__(self, metric: str, part: str) -> None:
        super().__init__(
            f"No dossier list for {part} of metric {metric}: choose a metric counted in dossiers "
            "(1.4, 2.1, 3.3, 3.6, 4.1–4.5b, 5.4) and numerator or denominator."
        )


# --- periods ------------------------------------------------------------------------------


def latest_period(kind: str) -> Period | None:
    start = (
        Score.objects.filter(period_kind=kind, ruleset=RULESET)
        .order_by("-period_start")
        .values_list("period_start", flat=True)
        .first()
    )
    return None if start is None else Period(kind, start)


def latest_complete_period(kind: str, today: date | None = None) -> Period | None:
    """The latest scored period of `kind` that is over: the default of every ranking, page and
    export (the running month's figures are partial: some units have no dossiers yet)."""
    last = periods.last_complete(kind, today or timezone.localdate())
    start = (
        Score.objects.filter(period_kind=kind, ruleset=RULESET, period_start__lte=last.start)
        .order_by("-period_start")
        .values_list("period_start", flat=True)
        .first()
    )
    return None if start is None else Period(kind, start)


def choose_period(text: str | None, kind: str | None = None) -> Period:
    """The period asked for ("202608", "2026Q3", "2026"), else the latest complete scored one
    of `kind` (month by default), else the latest scored one (a platform in its first month),
    else the last complete one. `periods.BadPeriod` for text that is not a period."""
    if text:
        return periods.parse(text)
    chosen = kind if kind in periods.KINDS else "month"
    return (
        latest_complete_period(chosen)
        or latest_period(chosen)
        or periods.last_complete(chosen, timezone.localdate())
    )


# --- ranking ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    rank: int
    code: str
    name: str
    total: Decimal
    groups: dict[str, Decimal]
    dossiers: int

    def as_json(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "code": self.code,
            "name": self.name,
            "total": float(self.total),
            **{g: float(v) for g, v in self.groups.items()},
            "dossiers_received": self.dossiers,
        }


def _rows(scores: QuerySet[Score]) -> list[Row]:
    ordered = scores.select_related("agency").order_by("-total", "agency__code")
    rows: list[Row] = []
    previous: Decimal | None = None
    rank = 0
    for position, score in enumerate(ordered, start=1):
        if score.total != previous:
            rank, previous = position, score.total
        rows.append(
            Row(
                rank=rank,
                code=score.agency.code,
                name=score.agency.name,
                total=score.total,
                groups={g: getattr(score, g) for g in GROUPS},
                dossiers=score.dossiers_received,
            )
        )
    return rows


def peers(kind: str) -> QuerySet[Agency]:
    """The units ranked together: the provinces' People's Committees, or the ministries."""
    current = Agency.objects.current()
    if kind == "ministries":
        return current.filter(kind=AgencyKind.MINISTRY)
    return current.filter(
        kind=AgencyKind.PEOPLE_COMMITTEE, parent__code="CP", code__startswith="UBND-T"
    )


def ranking(period: Period, kind: str = "provinces") -> list[Row]:
    """Provinces (34) or ministries, by total, for the period (ties share a rank)."""
    scores = Score.objects.filter(
        period_kind=period.kind,
        period_start=period.start,
        ruleset=RULESET,
        agency__in=peers(kind),
    )
    return _rows(scores)


@dataclass(frozen=True)
class Unranked:
    """A unit left out of a ranking, and why (scoring.gaps)."""

    code: str
    name: str
    gap: gaps.Gap
    reason: str  # the reason in words

    def as_json(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "gap": self.gap.value, "reason": self.reason}


def unranked(period: Period, kind: str = "provinces") -> list[Unranked]:
    """The units of the ranking without a score for the period, by name, each with its reason."""
    scored = Score.objects.filter(
        period_kind=period.kind, period_start=period.start, ruleset=RULESET
    ).values_list("agency_id", flat=True)
    missing = peers(kind).exclude(pk__in=scored).order_by("name")
    found = []
    for agency in missing:
        # A source reports for its agencies and everything below them.
        above = [code for code in agency.path.split("/") if code]
        serving = Q(agencies__path__startswith=agency.path) | Q(agencies__code__in=above)
        contacts = list(
            SourceSystem.objects.filter(serving, active=True)
            .distinct()
            .values_list("last_contact_at", flat=True)
        )
        known = [moment for moment in contacts if moment is not None]
        last_contact = max(known) if known else None
        received = MonthCounts.objects.filter(
            agency__path__startswith=agency.path, month__in=period.months
        ).aggregate(n=Sum("dossiers_received"))["n"]
        reason = gaps.gap(
            has_source=bool(contacts),
            last_contact=last_contact,
            period_begins=periods.begins(period),
            dossiers=received or 0,
        )
        found.append(Unranked(agency.code, agency.name, reason, gaps.explain(reason, last_contact)))
    return found


def children_ranking(agency: Agency, period: Period) -> list[Row]:
    """The unit's departments and communes (its direct children), by total."""
    scores = Score.objects.filter(
        period_kind=period.kind,
        period_start=period.start,
        ruleset=RULESET,
        agency__parent=agency,
    )
    return _rows(scores)


# --- a unit -------------------------------------------------------------------------------


@dataclass(frozen=True)
class MetricLine:
    code: str
    label: str
    group: str
    numerator: int
    denominator: int
    ratio: Decimal | None  # percent
    points: Decimal
    max: int
    numerator_field: str | None
    denominator_field: str | None

    @property
    def share(self) -> float:
        return float(self.points) / self.max if self.max else 1.0

    def as_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "label": str(self.label),
            "group": self.group,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "ratio": None if self.ratio is None else float(self.ratio),
            "points": float(self.points),
            "max": self.max,
        }


@dataclass
class UnitReport:
    agency: Agency
    period: Period
    score: Score | None
    groups: list[tuple[str, str, Decimal, int]] = field(default_factory=list)
    metrics: list[MetricLine] = field(default_factory=list)
    rank: tuple[int, int] | None = None  # (rank, out of) among its peers
    trend: list[tuple[Period, Decimal | None]] = field(default_factory=list)
    children: list[Row] = field(default_factory=list)
    official: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "code": self.agency.code,
            "name": self.agency.name,
            "period": self.period.code,
            "total": None if self.score is None else float(self.score.total),
            "rank": None if self.rank is None else {"rank": self.rank[0], "of": self.rank[1]},
            "groups": [
                {"code": code, "label": label, "points": float(points), "max": top}
                for code, label, points, top in self.groups
            ],
            "metrics": [m.as_json() for m in self.metrics],
            "trend": [
                {"period": p.code, "total": None if t is None else float(t)} for p, t in self.trend
            ],
            "children": [row.as_json() for row in self.children],
            "official": self.official,
        }


def _percent(ratio: Any) -> Decimal | None:
    if ratio is None:
        return None
    return (Decimal(ratio.numerator) * 100 / Decimal(ratio.denominator)).quantize(Decimal("0.01"))


def scorecard_lines(counts: qd766.Counts, kind: str) -> tuple[list[Any], list[MetricLine]]:
    card = qd766.score(counts, RULESET, period=kind)  # type: ignore[arg-type]
    defs = {m.code: m for m in qd766.METRICS}
    lines = [
        MetricLine(
            code=m.code,
            label=str(METRIC_LABELS.get(m.code, m.code)),
            group=m.group,
            numerator=m.numerator,
            denominator=m.denominator,
            ratio=_percent(m.ratio),
            points=m.points,
            max=m.max,
            numerator_field=_drillable(defs[m.code].numerator),
            denominator_field=_drillable(defs[m.code].denominator),
        )
        for m in card.metrics
    ]
    return list(card.groups), lines


def _drillable(name: str | None) -> str | None:
    return name if name in DRILLABLE else None


def unit_report(agency: Agency, period: Period) -> UnitReport:
    score = Score.objects.filter(
        agency=agency, period_kind=period.kind, period_start=period.start, ruleset=RULESET
    ).first()
    report = UnitReport(agency=agency, period=period, score=score)
    if score is not None:
        groups, lines = scorecard_lines(qd766.Counts.from_dict(score.counts), period.kind)
        report.groups = [(g.code, str(GROUP_LABELS[g.code]), g.points, g.max) for g in groups]
        report.metrics = sorted(
            (line for line in lines if line.max > 0), key=lambda m: (m.share, m.code)
        )
        for kind in ("provinces", "ministries"):
            if peers(kind).filter(pk=agency.pk).exists():
                rows = ranking(period, kind)
                mine = next((r for r in rows if r.code == agency.code), None)
                if mine is not None:
                    report.rank = (mine.rank, len(rows))
        if report.rank is None and agency.parent_id is not None:
            rows = children_ranking(agency.parent, period) if agency.parent else []
            mine = next((r for r in rows if r.code == agency.code), None)
            if mine is not None:
                report.rank = (mine.rank, len(rows))
    report.trend = trend(agency, period)
    report.children = children_ranking(agency, period)
    report.official = official_vs_computed(agency, period)
    return report


def trend(agency: Agency, period: Period) -> list[tuple[Period, Decimal | None]]:
    wanted = [period]
    for _ in range(TREND_LENGTH[period.kind] - 1):
        wanted.append(wanted[-1].previous())
    wanted.reverse()
    totals = dict(
        Score.objects.filter(
            agency=agency,
            period_kind=period.kind,
            period_start__in=[p.start for p in wanted],
            ruleset=RULESET,
        ).values_list("period_start", "total")
    )
    return [(p, totals.get(p.start)) for p in wanted]


def official_vs_computed(agency: Agency, period: Period) -> list[dict[str, Any]]:
    """Per group: DVCQG's published score beside the platform's (its rules and the portal's)."""
    published = {
        o.group: o
        for o in OfficialScore.objects.filter(
            agency=agency, period_kind=period.kind, period_start=period.start
        )
    }
    if not published:
        return []
    score = Score.objects.filter(
        agency=agency, period_kind=period.kind, period_start=period.start, ruleset=RULESET
    ).first()
    own: dict[str, Decimal] = {}
    portal: dict[str, Decimal] = {}
    if score is not None:
        counts = qd766.Counts.from_dict(score.counts)
        kind: Any = period.kind
        own = {g.code: g.points for g in qd766.score(counts, RULESET, period=kind).groups}
        portal = {
            g.code: g.points for g in qd766.score(counts, qd766.PORTAL_RULESET, period=kind).groups
        }
    rows = []
    for code in GROUPS:
        official = published.get(code)
        value = None if official is None else official.official_score
        mine = portal.get(code)
        difference = None if value is None or mine is None else value - mine
        rows.append(
            {
                "group": code,
                "label": str(GROUP_LABELS[code]),
                "official": None if value is None else float(value),
                "computed": None if code not in own else float(own[code]),
                "computed_portal_rules": None if mine is None else float(mine),
                "difference": None if difference is None else float(difference),
                "flagged": difference is not None and abs(difference) > qd766_tolerance(),
            }
        )
    return rows


def qd766_tolerance() -> Decimal:

    return TOLERANCE


# --- comparison ---------------------------------------------------------------------------


def compare(first: Agency, second: Agency, period: Period) -> dict[str, Any]:
    reports = [unit_report(first, period), unit_report(second, period)]
    metrics: dict[str, list[Any]] = {}
    for index, report in enumerate(reports):
        for line in report.metrics:
            metrics.setdefault(line.code, [line.label, None, None])[index + 1] = line
    return {
        "reports": reports,
        "metrics": [(code, *values) for code, values in sorted(metrics.items())],
    }


# --- the dossiers behind a count ------------------------------------------------------------

DRILLABLE = frozenset(
    {
        "dossiers_received",
        "dossiers_synced",
        "dossiers_on_time",
        "dossiers_late",
        "dossiers_online",
        "dossiers_with_fees",
        "dossiers_paid_online",
        "dossiers_paper_result",
        "dossiers_e_result",
        "dossiers_digitised",
        "dossiers_reused",
        "dossiers_personal_store",
        "dossiers_population_data",
        "dossiers_complained",
    }
)


def _paper() -> Exists:
    return Exists(
        Procedure.objects.filter(code=OuterRef("procedure_code"), requires_paper_result=True)
    )


def _on_time(as_of: Any) -> Q:
    ended = Q(end_at__isnull=False, end_at__lte=as_of)
    return Q(late_by_supplements=False) & (
        Q(effective_due__isnull=True)
        | (ended & Q(end_at__lte=F("effective_due")))
        | (~ended & Q(effective_due__gte=as_of))
    )


def _late(as_of: Any) -> Q:
    ended = Q(end_at__isnull=False, end_at__lte=as_of)
    return Q(late_by_supplements=True) | (
        Q(effective_due__isnull=False)
        & ((ended & Q(end_at__gt=F("effective_due"))) | (~ended & Q(effective_due__lt=as_of)))
    )


def _condition(name: str, as_of: Any) -> Q:
    if name == "dossiers_received":
        return Q()
    if name == "dossiers_synced":
        return Q(synced_to_dvcqg=True)
    if name == "dossiers_on_time":
        return _on_time(as_of)
    if name == "dossiers_late":
        return _late(as_of)
    if name == "dossiers_online":
        return Q(channel=2) & (Q(has_e_result=True) | Q(paper=False))
    if name == "dossiers_with_fees":
        return Q(fee_total__gt=0)
    if name == "dossiers_paid_online":
        return Q(fee_total__gt=0, paid_online__in=(1, 2))
    if name == "dossiers_paper_result":
        return Q(paper=True)
    if name == "dossiers_e_result":
        return Q(paper=True, has_e_result=True)
    if name == "dossiers_digitised":
        return Q(digitised=True, has_e_result=True)
    if name == "dossiers_reused":
        return Q(digitised=True)
    if name == "dossiers_personal_store":
        return Q(from_personal_store=True)
    if name == "dossiers_population_data":
        return Q(uses_population_data=True)
    if name == "dossiers_complained":
        return Q(petition_count__gt=0) | Q(rating__lte=2)
    raise KeyError(name)


def count_field(metric: str, part: str) -> str:
    """The Counts field behind a metric's numerator or denominator, if it counts dossiers."""
    found = qd766.METRIC_BY_CODE.get(metric)
    if found is None or part not in ("numerator", "denominator"):
        raise UnknownMetric(metric, part)
    name = found.numerator if part == "numerator" else found.denominator
    if name is None or name not in DRILLABLE:
        raise UnknownMetric(metric, part)
    return name


def dossiers_behind(agency: Agency, period: Period, name: str) -> QuerySet[Dossier]:
    """The dossiers a count is made of: received in the period under the agency's subtree."""
    if name not in DRILLABLE:
        raise UnknownMetric(name, "count")
    condition = Q()
    for month in period.months:
        condition |= Q(received_month=month) & _condition(name, periods.month_as_of(month))
    return (
        Dossier.objects.filter(agency__path__startswith=agency.path)
        .annotate(paper=_paper())
        .filter(condition)
        .order_by("received_at", "id")
    )


def dossier_rows(queryset: QuerySet[Dossier]) -> QuerySet[Any]:
    """Only what the list shows: codes, dates and status (no personal data)."""
    return queryset.values(
        "code", "procedure_code", "agency__code", "received_at", "end_at", "status", "channel"
    )
