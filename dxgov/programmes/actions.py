"""Writes to programmes: each one transaction, checked, and audited.

Who may do what is access.py's; the rules (workflow, what a submission needs, a goal's
figures, the checklist) are rules.py's. A refused status change raises
core.errors.TransitionNotAllowed; bad input raises ValidationError field by field; either
way nothing is saved.

Approval is where a programme joins the rest of the platform: its approving decision becomes
a directive and each task a directive task (dxgov.directives.actions), so the tasks are in
every task list and statistic; each goal's yearly targets become the catalogue's targets for
the owner (dxgov.indicators.actions: set and approved as a baseline, or revised with the
version's reason), so the forecasts and early warnings judge them; a goal with a new
indicator creates it in the catalogue first.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dxgov.accounts.models import User
from dxgov.audit.models import EventType
from dxgov.audit.record import record
from dxgov.core.errors import TransitionNotAllowed
from dxgov.core.roles import AGENCY_STAFF_ROLES, CENTRAL_ROLES
from dxgov.directives import actions as directive_actions
from dxgov.directives.models import DirectiveKind
from dxgov.indicators import actions as indicator_actions
from dxgov.indicators.models import Indicator, Target, TargetState, ValueType
from dxgov.indicators.validation import InvalidNumber, parse_number
from dxgov.notifications.actions import notify
from dxgov.notifications.models import NotificationKind
from dxgov.orgunits.models import Agency, AgencyKind
from dxgov.programmes import access, de06, detection, rules, signals
from dxgov.programmes.models import (
    Area,
    Breakthrough,
    BudgetLine,
    FundingSource,
    Goal,
    GoalTarget,
    LabelChoice,
    OverlapLabel,
    OverlapPair,
    OverlapRun,
    Programme,
    ProgrammeStatus,
    ProgrammeTask,
    ProgrammeVersion,
    ReviewChecklist,
    ReviewComment,
    Section,
    TaskCategory,
)
from dxgov.programmes.rules import Action

REVIEWING_MINISTRY = "BKHCN"
MAX_AMOUNT = 10**16 - 1


# --- helpers ------------------------------------------------------------------------------


def _locked(programme: Programme) -> Programme:
    return Programme.objects.select_for_update().select_related("owner").get(pk=programme.pk)


def _require_writer(user: Any, programme: Programme) -> None:
    access.require(
        access.may_write(user, programme),
        _("Only the owner's officers and leaders write this programme."),
    )


def _editable(programme: Programme) -> Programme:
    """The programme locked, when its status lets it be edited."""
    locked = _locked(programme)
    rules.next_status(locked.status, Action.EDIT)
    return locked


def _changed(acting_user: Any, programme: Programme, what: str, **data: Any) -> None:
    record(
        event_type=EventType.PROGRAMME_CHANGED,
        acting_user=acting_user,
        target=programme,
        agency_id=programme.owner_id,
        data={"what": what, "version": programme.version, **data},
    )


def _text(value: str, name: str, errors: dict[str, str], required: str = "", limit: int = 0) -> str:
    cleaned = (value or "").strip()
    if required and not cleaned:
        errors[name] = required
    if len(cleaned) > (limit or rules.MAX_TEXT):
        errors[name] = _("At most %(n)s characters.") % {"n": limit or rules.MAX_TEXT}
    return cleaned


def _link(programme: Programme) -> str:
    return reverse("programmes:detail", args=[programme.pk])


# --- the programme itself -----------------------------------------------------------------


@dataclass
class ProgrammeInput:
    title: str
    start_year: int
    end_year: int
    summary: str = ""
    de06: list[str] = field(default_factory=list)
    security_plan: str = ""
    feasibility: str = ""


def _check_programme(data: ProgrammeInput) -> dict[str, Any]:
    errors: dict[str, str] = {}
    fields = {
        "title": _text(
            data.title, "title", errors, _("Give the programme's title."), rules.MAX_TITLE
        ),
        "summary": _text(data.summary, "summary", errors),
        "security_plan": _text(data.security_plan, "security_plan", errors),
        "feasibility": _text(data.feasibility, "feasibility", errors),
        "start_year": data.start_year,
        "end_year": data.end_year,
        "de06": sorted(set(data.de06)),
    }
    if problem := rules.period_problem(data.start_year, data.end_year):
        errors["end_year"] = problem
    if unknown := de06.unknown(data.de06):
        errors["de06"] = _("Unknown Đề án 06 utilities: %(codes)s.") % {"codes": ", ".join(unknown)}
    if errors:
        raise ValidationError(errors)
    return fields


@transaction.atomic
def create_programme(*, acting_user: Any, owner: Agency, data: ProgrammeInput) -> Programme:
    access.require(
        access.may_create_for(acting_user, owner),
        _("Only the agency's officers and leaders start its programme."),
    )
    if owner.kind == AgencyKind.GOVERNMENT or owner.valid_to is not None:
        raise ValidationError(
            {"owner": _("A programme belongs to a current ministry, province or department.")}
        )
    fields = _check_programme(data)
    programme = Programme.objects.create(owner=owner, created_by=acting_user, **fields)
    record(
        event_type=EventType.PROGRAMME_CREATED,
        acting_user=acting_user,
        target=programme,
        agency_id=owner.pk,
        data={
            "owner": owner.code,
            "title": programme.title,
            "period": [data.start_year, data.end_year],
        },
    )
    return programme


@transaction.atomic
def update_programme(*, acting_user: Any, programme: Programme, data: ProgrammeInput) -> Programme:
    _require_writer(acting_user, programme)
    locked = _editable(programme)
    fields = _check_programme(data)
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save()
    _changed(acting_user, locked, "programme", fields=sorted(fields))
    return locked


# --- breakthroughs, goals, tasks, budget ----------------------------------------------------


@transaction.atomic
def add_breakthrough(
    *, acting_user: Any, programme: Programme, title: str, problem: str, area: str
) -> Breakthrough:
    _require_writer(acting_user, programme)
    locked = _editable(programme)
    errors: dict[str, str] = {}
    title = _text(title, "title", errors, _("Name the breakthrough."), rules.MAX_TITLE)
    problem = _text(problem, "problem", errors, _("State the problem the breakthrough solves."))
    if area not in Area.values:
        errors["area"] = _("Choose which of Directive 34's areas it serves.")
    if errors:
        raise ValidationError(errors)
    item = Breakthrough.objects.create(programme=locked, title=title, problem=problem, area=area)
    _changed(acting_user, locked, "breakthrough.added", breakthrough=item.pk, area=area)
    return item


@dataclass
class GoalInput:
    name: str
    indicator: str = ""  # a catalogue code
    new_indicator: str = ""
    formula: str = ""
    unit: str = ""
    baseline: str = ""
    baseline_year: int | None = None
    targets: Mapping[int, str] = field(default_factory=dict)  # year → the figure as typed
    source: str = ""
    breakthrough: int | None = None


def measure_of(indicator: Indicator | None, unit: str) -> rules.Measure:
    if indicator is None:
        return rules.Measure(unit=unit, value_type=ValueType.COUNT, decimals=2)
    return rules.Measure(
        unit=indicator.unit,
        value_type=indicator.value_type,
        decimals=indicator.decimals,
        min_value=indicator.min_value,
        max_value=indicator.max_value,
        percent=indicator.is_percent,
    )


def _figure(text: str, measure: rules.Measure, name: str, errors: dict[str, str]) -> Decimal | None:
    if not text.strip():
        return None
    try:
        return rules.parse_figure(text, measure)
    except InvalidNumber as exc:
        errors[name] = exc.message
        return None


@transaction.atomic
def add_goal(*, acting_user: Any, programme: Programme, data: GoalInput) -> Goal:
    """A goal with its baseline and yearly targets, each figure read in the indicator's unit
    (a figure in another unit, or outside the indicator's range, is refused)."""
    _require_writer(acting_user, programme)
    locked = _editable(programme)
    errors: dict[str, str] = {}
    name = _text(data.name, "name", errors, _("Name the goal."), rules.MAX_TITLE)
    indicator = None
    if data.indicator.strip():
        indicator = Indicator.objects.filter(code=data.indicator.strip(), active=True).first()
        if indicator is None:
            errors["indicator"] = _("No active indicator with code %(code)s in the catalogue.") % {
                "code": data.indicator.strip()
            }
    if (
        data.unit.strip()
        and indicator is not None
        and not rules._unit_matches(data.unit, measure_of(indicator, ""))
    ):
        errors["unit"] = _("The indicator %(code)s is measured in %(unit)s, not “%(typed)s”.") % {
            "code": indicator.code,
            "unit": indicator.unit or _("a plain number"),
            "typed": data.unit.strip(),
        }
    measure = measure_of(indicator, data.unit.strip())
    baseline = _figure(data.baseline, measure, "baseline", errors)
    targets: dict[int, Decimal] = {}
    for year, typed in sorted(data.targets.items()):
        if not typed.strip():
            continue
        if not locked.start_year <= year <= locked.end_year:
            errors[f"target-{year}"] = _("%(year)s is outside the programme's period.") % {
                "year": year
            }
            continue
        value = _figure(typed, measure, f"target-{year}", errors)
        if value is not None:
            targets[year] = value
    breakthrough = None
    if data.breakthrough is not None:
        breakthrough = locked.breakthroughs.filter(pk=data.breakthrough).first()
        if breakthrough is None:
            errors["breakthrough"] = _("No such breakthrough in this programme.")
    if errors:
        raise ValidationError(errors)
    goal = Goal.objects.create(
        programme=locked,
        breakthrough=breakthrough,
        name=name,
        indicator=indicator,
        new_indicator=data.new_indicator.strip()[:300],
        formula=data.formula.strip(),
        unit=(indicator.unit if indicator else data.unit.strip())[:50],
        baseline=baseline,
        baseline_year=data.baseline_year,
        source=data.source.strip()[:300],
    )
    GoalTarget.objects.bulk_create(
        [GoalTarget(goal=goal, year=year, value=value) for year, value in targets.items()]
    )
    _changed(
        acting_user,
        locked,
        "goal.added",
        goal=goal.pk,
        indicator=indicator.code if indicator else goal.new_indicator,
        targets={str(y): str(v) for y, v in targets.items()},
    )
    return goal


@dataclass
class TaskInput:
    content: str
    lead_agency: str = ""  # an agency code
    person: str = ""
    deadline: date | None = None
    responsibility: str = ""
    expected_result: str = ""
    category: str = TaskCategory.PLATFORM
    de06: str = ""
    goal: int | None = None
    breakthrough: int | None = None


@transaction.atomic
def add_task(*, acting_user: Any, programme: Programme, data: TaskInput) -> ProgrammeTask:
    """A task; a draft may lack some of the five "rõ" (submission refuses it then)."""
    _require_writer(acting_user, programme)
    locked = _editable(programme)
    errors: dict[str, str] = {}
    content = _text(data.content, "content", errors, _("Describe the task (rõ việc)."))
    lead = None
    if data.lead_agency.strip():
        lead = (
            Agency.objects.under(locked.owner)
            .current()
            .filter(code=data.lead_agency.strip())
            .first()
        )
        if lead is None:
            errors["lead_agency"] = _(
                "The lead agency is the owner or one of its current agencies; %(code)s is not."
            ) % {"code": data.lead_agency.strip()}
    if data.category not in TaskCategory.values:
        errors["category"] = _("Choose the task's category.")
    if data.de06 and data.de06 not in de06.UTILITIES:
        errors["de06"] = _("Unknown Đề án 06 utility.")
    if data.deadline is not None and not (rules.MIN_YEAR <= data.deadline.year <= rules.MAX_YEAR):
        errors["deadline"] = _("A deadline between %(low)s and %(high)s.") % {
            "low": rules.MIN_YEAR,
            "high": rules.MAX_YEAR,
        }
    goal = locked.goals.filter(pk=data.goal).first() if data.goal is not None else None
    if data.goal is not None and goal is None:
        errors["goal"] = _("No such goal in this programme.")
    breakthrough = (
        locked.breakthroughs.filter(pk=data.breakthrough).first()
        if data.breakthrough is not None
        else None
    )
    if data.breakthrough is not None and breakthrough is None:
        errors["breakthrough"] = _("No such breakthrough in this programme.")
    person = _text(data.person, "person", errors, limit=200)
    responsibility = _text(data.responsibility, "responsibility", errors)
    expected = _text(data.expected_result, "expected_result", errors)
    if errors:
        raise ValidationError(errors)
    task = ProgrammeTask.objects.create(
        programme=locked,
        breakthrough=breakthrough,
        goal=goal,
        content=content,
        lead_agency=lead,
        person=person,
        deadline=data.deadline,
        responsibility=responsibility,
        expected_result=expected,
        category=data.category,
        de06=data.de06,
    )
    _changed(
        acting_user,
        locked,
        "task.added",
        task=task.pk,
        lead_agency=lead.code if lead else "",
        deadline=data.deadline,
    )
    return task


@transaction.atomic
def add_budget_line(
    *,
    acting_user: Any,
    programme: Programme,
    year: int,
    source: str,
    amount: str,
    investment_code: str = "",
    note: str = "",
) -> BudgetLine:
    """Money for a year, typed in whole đồng the Vietnamese way ("45.000.000.000")."""
    _require_writer(acting_user, programme)
    locked = _editable(programme)
    errors: dict[str, str] = {}
    if not locked.start_year <= year <= locked.end_year:
        errors["year"] = _("%(year)s is outside the programme's period.") % {"year": year}
    if source not in FundingSource.values:
        errors["source"] = _("Choose the funding source.")
    value = 0
    try:
        value = int(parse_number(amount, 0))
    except InvalidNumber as exc:
        errors["amount"] = exc.message
    if not errors and not 0 < value <= MAX_AMOUNT:
        errors["amount"] = _("An amount in đồng above zero.")
    if errors:
        raise ValidationError(errors)
    line = BudgetLine.objects.create(
        programme=locked,
        year=year,
        source=source,
        amount=value,
        investment_code=investment_code.strip()[:32],
        note=note.strip()[:300],
    )
    _changed(acting_user, locked, "budget.added", year=year, source=source, amount=value)
    return line


_PARTS = {
    "breakthrough": Breakthrough,
    "goal": Goal,
    "task": ProgrammeTask,
    "budget": BudgetLine,
}


@transaction.atomic
def remove_part(*, acting_user: Any, programme: Programme, part: str, pk: int) -> None:
    """Remove a breakthrough, goal, task or budget line from a draft."""
    _require_writer(acting_user, programme)
    locked = _editable(programme)
    model = _PARTS.get(part)
    if model is None:
        raise ValidationError({"part": _("Unknown part of a programme.")})
    row = model.objects.filter(programme=locked, pk=pk).first()  # type: ignore[attr-defined]
    if row is None:
        raise ValidationError({"part": _("No such item in this programme.")})
    if part == "task" and row.task_id is not None:
        raise ValidationError(
            {"part": _("This task is already assigned in the task register; cancel it there.")}
        )
    row.delete()
    _changed(acting_user, locked, f"{part}.removed", item=pk)


# --- the workflow ---------------------------------------------------------------------------


def facts_of(programme: Programme) -> rules.ProgrammeFacts:
    """What the rules read of a programme (its current content)."""
    goals = []
    for number, goal in enumerate(
        programme.goals.select_related("indicator").prefetch_related("targets").order_by("pk"),
        start=1,
    ):
        goals.append(
            rules.GoalFacts(
                number=number,
                name=goal.name,
                indicator=goal.indicator.code if goal.indicator else "",
                new_indicator=goal.new_indicator,
                formula=goal.formula,
                unit=goal.unit,
                baseline=goal.baseline,
                targets=tuple((t.year, t.value) for t in goal.targets.all()),
                source=goal.source,
            )
        )
    tasks = [
        rules.TaskFacts(
            number=number,
            content=task.content,
            lead_agency=task.lead_agency.code if task.lead_agency else "",
            person=task.person,
            deadline=task.deadline,
            responsibility=task.responsibility,
            expected_result=task.expected_result,
        )
        for number, task in enumerate(
            programme.tasks.select_related("lead_agency").order_by("pk"), start=1
        )
    ]
    return rules.ProgrammeFacts(
        title=programme.title,
        start_year=programme.start_year,
        end_year=programme.end_year,
        breakthroughs=[
            rules.BreakthroughFacts(b.title, b.problem, b.area)
            for b in programme.breakthroughs.order_by("pk")
        ],
        goals=goals,
        tasks=tasks,
        de06=list(programme.de06),
        security_plan=programme.security_plan,
        feasibility=programme.feasibility,
        version=programme.version,
        change_reason=programme.change_reason,
    )


def reviewer_for(owner: Agency) -> Agency | None:
    """The Ministry of Science and Technology; the province's Department of Science and
    Technology for a department's plan."""
    if owner.kind == AgencyKind.DEPARTMENT and owner.parent_id is not None:
        found = (
            Agency.objects.current()
            .filter(parent_id=owner.parent_id, kind=AgencyKind.DEPARTMENT, code__endswith="-KHCN")
            .exclude(pk=owner.pk)
            .first()
        )
        if found is not None:
            return found
    return Agency.objects.filter(code=REVIEWING_MINISTRY).first()


def _reviewers(programme: Programme) -> list[User]:
    users = User.objects.filter(
        is_active=True, role__in=list(CENTRAL_ROLES), agency__code=REVIEWING_MINISTRY
    )
    if programme.reviewer is not None and programme.reviewer.kind == AgencyKind.DEPARTMENT:
        users = User.objects.filter(
            is_active=True, role__in=list(AGENCY_STAFF_ROLES), agency=programme.reviewer
        )
    return list(users.order_by("pk"))


def _tell(users: Iterable[User], programme: Programme, title: str, step: str) -> None:
    link = _link(programme)
    for user in users:
        notify(
            recipient=user,
            kind=NotificationKind.PROGRAMME_STEP,
            title=title,
            body=programme.title,
            link=link,
            dedupe_key=f"programme:{programme.pk}:v{programme.version}:{step}:{user.pk}",
        )


def _step(
    acting_user: Any,
    programme: Programme,
    action: Action,
    event: EventType,
    reason: str = "",
    **data: Any,
) -> Programme:
    old = programme.status
    programme.status = ProgrammeStatus(rules.next_status(old, action).value)
    record(
        event_type=event,
        acting_user=acting_user,
        target=programme,
        agency_id=programme.owner_id,
        data={
            "status": {"old": old, "new": programme.status},
            "version": programme.version,
            **data,
        },
        reason=reason,
    )
    signals.programme_changed(programme.owner)
    return programme


@transaction.atomic
def submit_programme(*, acting_user: Any, programme: Programme) -> Programme:
    """Submit to the reviewer: refused, field by field, unless Directive 34's requirements
    are met (rules.submission_problems); then the programme's tasks are compared with every
    other task at once (its candidate overlaps are on the review page)."""
    access.require(
        access.may_submit(acting_user, programme),
        _("Only the owner's leaders submit the programme."),
    )
    locked = _locked(programme)
    rules.next_status(locked.status, Action.SUBMIT)
    problems = rules.submission_problems(facts_of(locked))
    if problems:
        raise ValidationError(problems)
    now = timezone.now()
    locked.reviewer = reviewer_for(locked.owner)
    locked.submitted_at = now
    locked.first_submitted_at = locked.first_submitted_at or now
    _step(acting_user, locked, Action.SUBMIT, EventType.PROGRAMME_SUBMITTED)
    locked.save()
    run = detection.run_for(locked)
    if run is not None:
        signals.overlaps_changed(None)
    reviewers = _reviewers(locked)
    _tell(reviewers, locked, _("A programme was submitted for your review"), "submitted")
    _copy(locked, programme)
    return programme


def _copy(locked: Programme, original: Programme) -> None:
    for name in (
        "status",
        "reviewer_id",
        "submitted_at",
        "first_submitted_at",
        "approved_at",
        "version",
        "change_reason",
        "directive_id",
    ):
        setattr(original, name, getattr(locked, name))


def _require_review(user: Any, programme: Programme) -> None:
    access.require(
        access.may_review(user, programme),
        _("Only the programme's reviewer comments on it, checks it and returns it."),
    )


@transaction.atomic
def add_comment(
    *, acting_user: Any, programme: Programme, section: str, text: str
) -> ReviewComment:
    _require_review(acting_user, programme)
    locked = _locked(programme)
    if locked.status != ProgrammeStatus.SUBMITTED:
        raise TransitionNotAllowed(
            _("Comments are made on a submitted programme; this one is not under review."),
            current=locked.status,
            action="comment",
        )
    errors: dict[str, str] = {}
    if section not in Section.values:
        errors["section"] = _("Choose the section the comment is about.")
    body = _text(text, "text", errors, _("Write the comment."))
    if errors:
        raise ValidationError(errors)
    comment = ReviewComment.objects.create(
        programme=locked, version=locked.version, section=section, text=body, author=acting_user
    )
    record(
        event_type=EventType.PROGRAMME_COMMENTED,
        acting_user=acting_user,
        target=locked,
        agency_id=locked.owner_id,
        data={"section": section, "version": locked.version, "comment": comment.pk},
    )
    return comment


@transaction.atomic
def save_checklist(
    *, acting_user: Any, programme: Programme, answers: rules.ChecklistAnswers
) -> ReviewChecklist:
    _require_review(acting_user, programme)
    locked = _locked(programme)
    if locked.status != ProgrammeStatus.SUBMITTED:
        raise TransitionNotAllowed(
            _("The checklist is filled for a submitted programme; this one is not under review."),
            current=locked.status,
            action="checklist",
        )
    unknown = set(answers.met) - set(rules.CHECKLIST_CODES)
    if unknown:
        raise ValidationError({"checklist": _("Unknown checklist items.")})
    notes = {
        code: text.strip()[:1000]
        for code, text in answers.notes.items()
        if code in rules.CHECKLIST_CODES and text.strip()
    }
    checklist, _created = ReviewChecklist.objects.update_or_create(
        programme=locked,
        version=locked.version,
        defaults={
            "met": dict(answers.met),
            "notes": notes,
            "reviewer": acting_user,
            "saved_at": timezone.now(),
        },
    )
    record(
        event_type=EventType.PROGRAMME_CHECKLIST_SAVED,
        acting_user=acting_user,
        target=locked,
        agency_id=locked.owner_id,
        data={"version": locked.version, "met": dict(answers.met)},
    )
    return checklist


@transaction.atomic
def return_programme(
    *, acting_user: Any, programme: Programme, comments: Iterable[tuple[str, str]] = ()
) -> Programme:
    """Return with comments per section (those given here, and any made on this version);
    a return without a single comment is refused."""
    _require_review(acting_user, programme)
    locked = _locked(programme)
    rules.next_status(locked.status, Action.RETURN)
    for section, text in comments:
        if text.strip():
            add_comment(acting_user=acting_user, programme=locked, section=section, text=text)
    if not locked.comments.filter(version=locked.version).exists():
        raise ValidationError(
            {
                "comments": _(
                    "Say what to change: a programme is returned with at least one comment."
                )
            }
        )
    _step(acting_user, locked, Action.RETURN, EventType.PROGRAMME_RETURNED)
    locked.save()
    owners = User.objects.filter(
        is_active=True, role__in=list(AGENCY_STAFF_ROLES), agency=locked.owner
    )
    _tell(owners.order_by("pk"), locked, _("Your programme was returned with comments"), "returned")
    _copy(locked, programme)
    return programme


def snapshot(programme: Programme) -> dict[str, Any]:
    """What was approved, as plain values (kept with the version)."""
    return {
        "title": programme.title,
        "period": [programme.start_year, programme.end_year],
        "de06": list(programme.de06),
        "breakthroughs": [
            {"title": b.title, "problem": b.problem, "area": b.area}
            for b in programme.breakthroughs.order_by("pk")
        ],
        "goals": [
            {
                "name": g.name,
                "indicator": g.indicator.code if g.indicator else g.new_indicator,
                "baseline": str(g.baseline) if g.baseline is not None else None,
                "targets": {str(t.year): str(t.value) for t in g.targets.all()},
            }
            for g in programme.goals.select_related("indicator").order_by("pk")
        ],
        "tasks": [
            {
                "content": t.content,
                "lead": t.lead_agency.code if t.lead_agency else "",
                "person": t.person,
                "deadline": t.deadline.isoformat() if t.deadline else None,
            }
            for t in programme.tasks.select_related("lead_agency").order_by("pk")
        ],
        "budget": [
            {"year": b.year, "source": b.source, "amount": b.amount}
            for b in programme.budget_lines.order_by("year", "pk")
        ],
    }


def _new_indicator(acting_user: Any, programme: Programme, goal: Goal, number: int) -> Indicator:
    code = f"DA{programme.pk}_{number}"
    indicator = Indicator.objects.filter(code=code).first()
    if indicator is None:
        indicator = indicator_actions.create_indicator(
            acting_user=acting_user,
            data=indicator_actions.IndicatorInput(
                code=code,
                name=goal.new_indicator,
                value_type=ValueType.COUNT,
                owner=programme.owner,
                definition=goal.formula,
                unit=goal.unit,
                decimals=2,
                periodicity="year",
            ),
        )
    goal.indicator = indicator
    goal.save(update_fields=["indicator"])
    return indicator


def _targets(acting_user: Any, programme: Programme, reason: str) -> int:
    """Each goal's yearly targets as the catalogue's approved targets for the owner: new
    ones set and approved (a baseline), changed ones revised with the version's reason."""
    basis = _("Programme: %(title)s (version %(v)s)") % {
        "title": programme.title,
        "v": programme.version,
    }
    count = 0
    for number, goal in enumerate(programme.goals.order_by("pk"), start=1):
        indicator = goal.indicator or _new_indicator(acting_user, programme, goal, number)
        for item in goal.targets.all():
            existing = Target.objects.filter(
                indicator=indicator, agency=programme.owner, year=item.year
            ).first()
            if existing is not None and existing.state == TargetState.APPROVED:
                if existing.value != item.value:
                    existing = indicator_actions.revise_target(
                        acting_user=acting_user,
                        target=existing,
                        value=item.value,
                        reason=reason or basis,
                    )
                target = existing
            else:
                target = indicator_actions.set_target(
                    acting_user=acting_user,
                    indicator=indicator,
                    year=item.year,
                    value=item.value,
                    agency=programme.owner,
                    basis=basis[:300],
                )
                target = indicator_actions.approve_target(acting_user=acting_user, target=target)
            item.target = target
            item.save(update_fields=["target"])
            count += 1
    return count


def _assign_tasks(
    acting_user: Any, programme: Programme, number: str, issued_on: date, today: date | None
) -> int:
    """The approving decision as a directive and each new task as its task (through the
    directives' actions); tasks removed since the last version are cancelled there."""
    directive = directive_actions.create_directive(
        acting_user=acting_user,
        kind=DirectiveKind.QUYET_DINH,
        number=number,
        issued_on=issued_on,
        issuing_agency=programme.owner,
        title=(_("Decision approving the programme: %(title)s") % {"title": programme.title})[:480],
        summary=_("Version %(v)s. Directive 34/CT-TTg.") % {"v": programme.version},
    )
    programme.directive = directive
    created = 0
    for task in (
        programme.tasks.select_related("lead_agency").filter(task__isnull=True).order_by("pk")
    ):
        assigned = directive_actions.create_task(
            acting_user=acting_user,
            directive=directive,
            content=task.content,
            lead_agency=task.lead_agency,
            deadline=task.deadline,
            expected_result=task.expected_result,
            today=today,
        )
        task.task = assigned
        task.save(update_fields=["task"])
        created += 1
    return created


def _decision_problems(number: str, issued_on: date | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not number.strip():
        errors["decision_number"] = _("Give the approving decision's number and symbol.")
    if issued_on is None:
        errors["decision_date"] = _("Give the approving decision's date.")
    return errors


@transaction.atomic
def approve_programme(
    *,
    acting_user: Any,
    programme: Programme,
    decision_number: str,
    decision_date: date | None,
    today: date | None = None,
) -> Programme:
    """Approve the submitted version as a baseline: every checklist item answered and met;
    then its tasks are assigned and its goals set as targets (see the module's docstring)."""
    access.require(
        access.may_approve(acting_user), _("Only a central coordinator approves a programme.")
    )
    _require_review(acting_user, programme)
    locked = _locked(programme)
    rules.next_status(locked.status, Action.APPROVE)
    checklist = locked.checklists.filter(version=locked.version).first()
    answers = rules.ChecklistAnswers(
        met=dict(checklist.met) if checklist else {},
        notes=dict(checklist.notes) if checklist else {},
    )
    errors: dict[str, Any] = {
        **rules.checklist_problems(answers),
        **_decision_problems(decision_number, decision_date),
    }
    problems = rules.submission_problems(facts_of(locked))
    if errors or problems:
        raise ValidationError({**errors, **problems})
    assert decision_date is not None
    tasks = _assign_tasks(acting_user, locked, decision_number.strip(), decision_date, today)
    targets = _targets(acting_user, locked, locked.change_reason)
    locked.approved_at = timezone.now()
    ProgrammeVersion.objects.create(
        programme=locked,
        number=locked.version,
        reason=locked.change_reason,
        snapshot=snapshot(locked),
        approved_by=acting_user,
    )
    _step(
        acting_user,
        locked,
        Action.APPROVE,
        EventType.PROGRAMME_APPROVED,
        decision=decision_number.strip(),
        tasks_assigned=tasks,
        targets=targets,
    )
    locked.save()
    owners = User.objects.filter(
        is_active=True, role__in=list(AGENCY_STAFF_ROLES), agency=locked.owner
    )
    _tell(owners.order_by("pk"), locked, _("Your programme was approved"), "approved")
    _copy(locked, programme)
    return programme


@transaction.atomic
def open_revision(*, acting_user: Any, programme: Programme, reason: str) -> Programme:
    """Open the next version of an approved programme as a draft: the reason is required
    (as for a revised target) and kept with the version once approved."""
    access.require(
        access.may_submit(acting_user, programme),
        _("Only the owner's leaders open a new version of the programme."),
    )
    locked = _locked(programme)
    rules.next_status(locked.status, Action.REVISE)
    if not reason.strip():
        raise ValidationError({"reason": _("A new version needs the reason for the change.")})
    locked.version += 1
    locked.change_reason = reason.strip()
    _step(
        acting_user,
        locked,
        Action.REVISE,
        EventType.PROGRAMME_REVISION_OPENED,
        reason=reason.strip(),
    )
    locked.save()
    _copy(locked, programme)
    return programme


# --- overlaps ---------------------------------------------------------------------------------


@transaction.atomic
def detect_overlaps(*, acting_user: Any | None) -> OverlapRun:
    """A full run of the overlap detector (central roles; None: the platform's own run)."""
    if acting_user is not None:
        access.require(
            access.may_see_overlaps(acting_user),
            _("Overlap detection is for central coordinators."),
        )
    run = detection.run_full()
    record(
        event_type=EventType.OVERLAPS_DETECTED,
        acting_user=acting_user,
        target=run,
        data={
            "documents": run.documents,
            "pairs": run.pairs,
            "clusters": run.clusters,
            "seconds": round(run.seconds, 2),
        },
    )
    signals.overlaps_changed(None)
    return run


@transaction.atomic
def label_pair(*, acting_user: Any, pair: OverlapPair, label: str, note: str = "") -> OverlapLabel:
    """A reviewer's judgement on a shown pair, kept for the two tasks across runs."""
    access.require(
        access.may_see_overlaps(acting_user), _("Overlap labels are for central coordinators.")
    )
    if label not in LabelChoice.values:
        raise ValidationError({"label": _("Overlap, complementary or not related.")})
    key_a, key_b = sorted((pair.a.key, pair.b.key))
    found, created = OverlapLabel.objects.update_or_create(
        key_a=key_a,
        key_b=key_b,
        defaults={
            "label": label,
            "score": pair.score,
            "note": note.strip()[:1000],
            "labelled_by": acting_user,
            "labelled_at": timezone.now(),
        },
    )
    record(
        event_type=EventType.OVERLAP_LABELLED,
        acting_user=acting_user,
        target=found,
        data={
            "pair": [key_a, key_b],
            "label": label,
            "score": round(pair.score, 4),
            "new": created,
        },
    )
    return found
