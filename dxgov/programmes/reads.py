"""What the programme pages, exports and API read: a goal's current value and forecasts,
the national overview's counts, a programme's candidate overlaps, the reviewers' labels as
precision and recall.

Reads only; every write is in actions.py.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from dxgov.directives.models import Task
from dxgov.forecasting.models import Forecast
from dxgov.orgunits.models import Agency, AgencyKind
from dxgov.programmes import quality
from dxgov.programmes.models import (
    Goal,
    GoalTarget,
    OverlapCluster,
    OverlapDocument,
    OverlapLabel,
    OverlapPair,
    OverlapRun,
    Programme,
    ProgrammeTask,
)
from dxgov.reporting.models import DataValue

# Directive 34/CT-TTg: every ministry's and province's programme by 15 October 2024.
DEADLINE = date(2024, 10, 15)


@dataclass
class GoalView:
    goal: Goal
    current: Decimal | None = None
    current_period: str = ""
    targets: list[tuple[int, Decimal, Forecast | None]] = field(default_factory=list)


def _current(goal: Goal, agency: Agency) -> tuple[Decimal | None, str]:
    if goal.indicator is None:
        return None, ""
    row = (
        DataValue.objects.filter(indicator=goal.indicator, agency=agency, category="")
        .filter(Q(value__isnull=False) | Q(numerator__isnull=False, denominator__gt=0))
        .order_by("-period_start")
        .first()
    )
    if row is None:
        return None, ""
    if row.value is not None:
        return row.value, row.period
    assert row.numerator is not None and row.denominator
    return row.numerator / row.denominator * goal.indicator.factor, row.period


def goals_of(programme: Programme) -> list[GoalView]:
    """Each goal with its latest reported value for the owner and, per approved yearly
    target, the stored forecast (dxgov.forecasting) of reaching it."""
    views = []
    for goal in programme.goals.select_related("indicator").prefetch_related("targets"):
        current, period = _current(goal, programme.owner)
        view = GoalView(goal, current, period)
        targets = list(goal.targets.all())
        forecasts = {
            f.target_id: f
            for f in Forecast.objects.filter(
                target_id__in=[t.target_id for t in targets if t.target_id],
                agency=programme.owner,
            )
        }
        view.targets = [
            (t.year, t.value, forecasts.get(t.target_id) if t.target_id else None) for t in targets
        ]
        views.append(view)
    return views


@dataclass(frozen=True)
class OverviewRow:
    agency: Agency
    programme: Programme | None
    late: bool
    on_track: int
    at_risk: int
    off_track: int


@dataclass
class Overview:
    rows: list[OverviewRow]
    counts: Counter[str]
    goals: Counter[str]


def overview(today: date) -> Overview:
    """Every current ministry and province: its latest programme, whether it is late (not
    submitted by Directive 34's deadline, or not yet while it has passed), and its goals'
    forecasts by status."""
    agencies = (
        Agency.objects.current()
        .filter(
            Q(kind=AgencyKind.MINISTRY) | Q(kind=AgencyKind.PEOPLE_COMMITTEE, parent__code="CP")
        )
        .order_by("kind", "code")
    )
    latest: dict[int, Programme] = {}
    for found in Programme.objects.filter(owner__in=agencies).order_by("created_at", "pk"):
        latest[found.owner_id] = found
    forecasts: dict[int, Counter[str]] = {}
    approved_targets = (
        Forecast.objects.filter(agency__in=agencies)
        .filter(target__in=_goal_targets())
        .values_list("agency_id", "status")
    )
    for agency_id, status in approved_targets:
        forecasts.setdefault(agency_id, Counter())[status] += 1
    rows: list[OverviewRow] = []
    counts, goals = Counter[str](), Counter[str]()
    for agency in agencies:
        programme: Programme | None = latest.get(agency.pk)
        submitted = (
            programme.first_submitted_at.date()
            if programme and programme.first_submitted_at
            else None
        )
        late = (submitted is None and today > DEADLINE) or (
            submitted is not None and submitted > DEADLINE
        )
        by_status = forecasts.get(agency.pk, Counter())
        rows.append(
            OverviewRow(
                agency,
                programme,
                late,
                by_status["on_track"],
                by_status["at_risk"],
                by_status["off_track"],
            )
        )
        counts[programme.status if programme else "none"] += 1
        counts["late"] += int(late)
        goals.update(by_status)
    return Overview(rows, counts, goals)


def _goal_targets() -> QuerySet[Any]:
    return GoalTarget.objects.filter(target__isnull=False).values("target_id")


def overlaps_of(programme: Programme) -> list[OverlapPair]:
    """The shown pairs that name one of the programme's tasks."""
    docs = OverlapDocument.objects.filter(programme=programme).values("pk")
    return list(
        OverlapPair.objects.filter(Q(a__in=docs) | Q(b__in=docs))
        .select_related("a", "b")
        .order_by("-score")[:200]
    )


def latest_run() -> OverlapRun | None:
    return OverlapRun.objects.defer("index").first()


def clusters() -> QuerySet[OverlapCluster]:
    return OverlapCluster.objects.select_related("centre", "centre__agency")


def labels_for(pairs: Iterable[OverlapPair]) -> dict[int, str]:
    keys: dict[int, tuple[str, str]] = {}
    for pair in pairs:
        first, second = sorted((pair.a.key, pair.b.key))
        keys[pair.pk] = (first, second)
    found = {
        (label.key_a, label.key_b): label.label
        for label in OverlapLabel.objects.filter(
            key_a__in=[k[0] for k in keys.values()], key_b__in=[k[1] for k in keys.values()]
        )
    }
    return {pk: found[key] for pk, key in keys.items() if key in found}


@dataclass(frozen=True)
class Texts:
    """A document's task as people read it: its text, agency and programme."""

    text: str
    agency: str
    programme: Programme | None
    link: str


def texts_of(documents: Iterable[OverlapDocument]) -> dict[int, Texts]:
    docs = list(documents)
    programme_ids = [d.ref for d in docs if d.kind == "p"]
    task_ids = [d.ref for d in docs if d.kind == "t"]
    ptasks = {
        t.pk: t
        for t in ProgrammeTask.objects.filter(pk__in=programme_ids).select_related(
            "programme", "lead_agency"
        )
    }
    tasks = {
        t.pk: t
        for t in Task.objects.filter(pk__in=task_ids).select_related("lead_agency", "directive")
    }
    found: dict[int, Texts] = {}
    for doc in docs:
        if doc.kind == "p" and doc.ref in ptasks:
            p = ptasks[doc.ref]
            agency = p.lead_agency.name if p.lead_agency else ""
            found[doc.pk] = Texts(p.content, agency, p.programme, f"/programmes/{p.programme_id}/")
        elif doc.kind == "t" and doc.ref in tasks:
            t = tasks[doc.ref]
            found[doc.pk] = Texts(t.content, t.lead_agency.name, None, f"/directives/tasks/{t.pk}/")
    return found


def hidden(found: Texts) -> Texts:
    """A task outside the reader's scope: its agency, not its words."""
    return Texts(_("(a task of this agency, outside your scope)"), found.agency, None, "")


def reviewer_figures() -> quality.Figures | None:
    """Precision and recall from the reviewers' labels (None before any label): a labelled
    pair scored at or above its run's threshold was shown; only "overlap" is positive."""
    labels = list(OverlapLabel.objects.values_list("score", "label"))
    if not labels:
        return None
    run = latest_run()
    threshold = run.threshold if run else 0.0
    return quality.figures(((score or 0.0, label) for score, label in labels), threshold)
