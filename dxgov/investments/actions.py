"""Writes to investment projects: each one transaction, judged green or red by rules.py, and
audited (old → new).

A red update saves nothing: `UpdateRefused` (one update) or `RowsRefused` (a bulk of
disbursement rows) carries every finding by field, which the form shows in red beside each
field, the API as a 422 with the findings, the Excel import by cell. Every entry records the
event's date and the moment it was entered; an entry made more than 7 working days after the
event is late (Circular 13/2016; `planyear.is_late`, the shared working-day calendar).
Decisions are never changed: an adjustment is a new version, and the original stays.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dxgov.audit.models import EventType
from dxgov.audit.record import Entry, record, record_many
from dxgov.core.holidays import calendar_for
from dxgov.core.uploads import UploadRefused, check_upload
from dxgov.directives.models import Directive
from dxgov.investments import access, figures, planyear, rules, signals, storage, summary
from dxgov.investments.models import (
    Allocation,
    CycleSettings,
    Decision,
    Disbursement,
    Evidence,
    InvestmentProject,
    Milestone,
    MilestoneDone,
    ProgressReport,
    ProjectWeek,
    Schedule,
    Stage,
)
from dxgov.orgunits.access import in_scope
from dxgov.orgunits.models import Agency, OrgUnit

EVIDENCE_FILES = {"pdf", "docx", "xlsx", "png", "jpeg"}


class UpdateRefused(ValidationError):
    """The update is red: nothing was saved. `findings` name each field and say what to fix."""

    def __init__(self, findings: rules.Findings) -> None:
        self.findings = findings
        super().__init__({name: messages for name, messages in findings.items()})


class RowsRefused(ValidationError):
    """Some rows of a bulk update are red: nothing was saved. `rows` maps each refused row's
    position to its findings."""

    def __init__(self, rows: Mapping[int, rules.Findings]) -> None:
        self.rows = dict(rows)
        lines = [
            _("Row %(row)d, %(field)s: %(message)s")
            % {"row": index + 1, "field": name, "message": message}
            for index, found in sorted(self.rows.items())
            for name, messages in found.items()
            for message in messages
        ]
        super().__init__(lines)


def _refuse(verdict: rules.Verdict) -> None:
    if not verdict.ok:
        raise UpdateRefused(verdict.findings)


def _late(event: date, now: Any = None) -> bool:
    entered = timezone.localdate(now) if now is not None else timezone.localdate()
    calendar = calendar_for(planyear_years(event))
    return planyear.is_late(event, entered, calendar)


def _entered(entered_at: datetime | None, event: date) -> datetime:
    """When the entry was made: now, or (history: a paper record entered later, the demo)
    a moment given, never in the future nor before the event."""
    now = timezone.now()
    if entered_at is None:
        return now
    if entered_at > now or timezone.localdate(entered_at) < event:
        raise ValueError(f"an entry for {event} cannot be entered at {entered_at}")
    return entered_at


def planyear_years(event: date) -> set[int]:
    # 7 working days after an event run at most into the next year.
    return {event.year, event.year + 1}


def unit_of(agency: Agency) -> Agency:
    """The unit a project is ranked under: the ministry, or the provincial People's
    Committee, at the top of the investor's branch of the agency tree (below the Government)."""
    codes = [c for c in agency.path.split("/") if c]
    if len(codes) < 2:
        return agency
    return Agency.objects.get(code=codes[1])


def _changed(
    *units: Agency | None,
) -> None:
    distinct = {u.pk: u for u in units if u is not None}
    if len(distinct) == 1:
        signals.figures_changed(next(iter(distinct.values())))
    elif distinct or not units:
        signals.figures_changed(None)


# --- projects -------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewProject:
    code: str
    name: str
    investor: Agency
    group: str
    category: str
    stage: str = Stage.PREPARATION
    province: OrgUnit | None = None
    directive: Directive | None = None


@transaction.atomic
def create_project(*, acting_user: Any, data: NewProject) -> InvestmentProject:
    access.require(
        access.may_create_for(acting_user, data.investor),
        _("Only the investor's officers and leaders register its projects."),
    )
    code = data.code.strip()
    verdict = rules.check_project(
        rules.ProjectInput(code, data.name, data.group, data.category, data.stage),
        code_taken=InvestmentProject.objects.filter(code=code).exists(),
    )
    _refuse(verdict)
    project = InvestmentProject.objects.create(
        code=code,
        name=data.name.strip(),
        investor=data.investor,
        managing_agency=unit_of(data.investor),
        province=data.province,
        group=data.group,
        category=data.category,
        stage=data.stage,
        directive=data.directive,
        created_by=acting_user,
    )
    record(
        event_type=EventType.INVESTMENT_PROJECT_CREATED,
        acting_user=acting_user,
        target=project,
        agency_id=data.investor.pk,
        data={
            "code": project.code,
            "name": project.name,
            "investor": data.investor.code,
            "managing_agency": project.managing_agency.code,
            "group": project.group,
            "category": project.category,
            "stage": project.stage,
        },
    )
    return project


# --- decisions: baselines -------------------------------------------------------------------


def decision_context(project: InvestmentProject, today: date) -> rules.DecisionContext:
    latest = project.decisions.order_by("-version").first()
    return rules.DecisionContext(
        today=today,
        previous_kind=latest.kind if latest else None,
        previous_signed_on=latest.signed_on if latest else None,
        numbers_taken=frozenset(project.decisions.values_list("number", flat=True)),
    )


@transaction.atomic
def record_decision(
    *,
    acting_user: Any,
    project: InvestmentProject,
    data: rules.DecisionInput,
    entered_at: datetime | None = None,
) -> Decision:
    """A policy or investment decision, or an adjustment: always a new baseline version."""
    access.require_entry(acting_user, project)
    project = InvestmentProject.objects.select_for_update().get(pk=project.pk)
    today = timezone.localdate()
    verdict = rules.check_decision(data, decision_context(project, today))
    _refuse(verdict)
    assert data.signed_on is not None and data.start is not None and data.end is not None
    amounts = verdict.values["sources"]
    assert isinstance(amounts, dict)
    total = verdict.values["total"]
    assert isinstance(total, int)
    moment = _entered(entered_at, data.signed_on)
    decision = Decision.objects.create(
        project=project,
        kind=data.kind,
        version=project.baseline_version + 1,
        number=data.number.strip(),
        signed_on=data.signed_on,
        total=total,
        start=data.start,
        end=data.end,
        reason=data.reason.strip(),
        entered_at=moment,
        entered_by=acting_user,
        late=_late(data.signed_on, moment),
        **{source: amounts.get(source, 0) for source in rules.SOURCES},
    )
    # The new baseline's milestones are the pending ones (those not reached yet).
    Milestone.objects.filter(decision__project=project, pending=True).update(pending=False)
    reached = set(MilestoneDone.objects.filter(project=project).values_list("name", flat=True))
    Milestone.objects.bulk_create(
        Milestone(
            decision=decision,
            position=i,
            name=m.name.strip(),
            planned_on=m.planned_on,
            pending=m.name.strip() not in reached,
        )
        for i, m in enumerate(data.milestones)
        if m.planned_on is not None
    )
    old = {"total": project.current_total, "end": project.current_end, "start": project.start}
    sets_original = project.baseline_version == 0 or data.kind == rules.INVESTMENT
    project.baseline_version = decision.version
    project.current_total, project.current_end, project.start = total, data.end, data.start
    if sets_original:
        project.original_total, project.original_end = total, data.end
    old_stage = project.stage
    if data.kind == rules.INVESTMENT and project.stage == Stage.PREPARATION:
        project.stage = Stage.IMPLEMENTATION
    project.save(
        update_fields=[
            "baseline_version",
            "current_total",
            "current_end",
            "start",
            "original_total",
            "original_end",
            "stage",
        ]
    )
    record(
        event_type=EventType.INVESTMENT_DECISION_RECORDED,
        acting_user=acting_user,
        target=decision,
        agency_id=project.investor_id,
        data={
            "project": project.code,
            "kind": decision.kind,
            "version": decision.version,
            "number": decision.number,
            "signed_on": decision.signed_on,
            "total": {"old": old["total"], "new": total},
            "end": {"old": old["end"], "new": data.end},
            "start": {"old": old["start"], "new": data.start},
            "sources": amounts,
            "milestones": [(m.name, m.planned_on) for m in data.milestones],
            "stage": {"old": old_stage, "new": project.stage},
            "late": decision.late,
        },
        reason=decision.reason,
    )
    return decision


# --- capital plans ---------------------------------------------------------------------------


def latest_disbursed(project_id: int, plan_year: int, source: str) -> int:
    """The latest cumulative disbursed value of a project, plan year and source (the actual
    where one exists for the latest date)."""
    figures_ = [
        rules.Figure(as_of, kind, value)
        for as_of, kind, value in Disbursement.objects.filter(
            project_id=project_id, plan_year=plan_year, source=source
        )
        .order_by("-as_of")
        .values_list("as_of", "kind", "value")[:2]
    ]
    timeline = rules.effective(figures_)
    return timeline[-1].value if timeline else 0


@transaction.atomic
def record_allocation(
    *,
    acting_user: Any,
    project: InvestmentProject,
    data: rules.AllocationInput,
    receiver: InvestmentProject | None = None,
    entered_at: datetime | None = None,
) -> list[Allocation]:
    """A decision on the capital plan: the plan assigned, an addition, a cut, or a transfer
    to `receiver` (another project of the same ministry or province)."""
    access.require_entry(acting_user, project)
    today = timezone.localdate()
    totals = summary.plan_totals(data.plan_year, [project.pk])
    plan_total, plan_assigned = totals.get((project.pk, data.source), (0, 0))
    receiver_ok = True
    if data.kind == rules.TRANSFER:
        receiver_ok = (
            receiver is not None
            and receiver.pk != project.pk
            and receiver.managing_agency_id == project.managing_agency_id
            and in_scope(acting_user, receiver.investor)
        )
    verdict = rules.check_allocation(
        data,
        rules.AllocationContext(
            today=today,
            plan_total=plan_total,
            plan_assigned=plan_assigned,
            disbursed=latest_disbursed(project.pk, data.plan_year, data.source),
            receiver_ok=receiver_ok,
        ),
    )
    _refuse(verdict)
    assert data.decided_on is not None
    amount = verdict.values["amount"]
    assigned = verdict.values["assigned"]
    assert isinstance(amount, int) and isinstance(assigned, int)
    sign = -1 if data.kind in {rules.CUT, rules.TRANSFER} else 1
    moment = _entered(entered_at, data.decided_on)
    late = _late(data.decided_on, moment)
    common = {
        "plan_year": data.plan_year,
        "source": data.source,
        "kind": data.kind,
        "number": data.number.strip(),
        "decided_on": data.decided_on,
        "reason": data.reason.strip(),
        "entered_at": moment,
        "entered_by": acting_user,
        "late": late,
    }
    made = [
        Allocation.objects.create(
            project=project,
            amount=sign * amount,
            assigned=sign * assigned,
            counterpart=receiver if data.kind == rules.TRANSFER else None,
            **common,
        )
    ]
    if data.kind == rules.TRANSFER:
        assert receiver is not None
        made.append(
            Allocation.objects.create(
                project=receiver, amount=amount, assigned=assigned, counterpart=project, **common
            )
        )
    entries = []
    for allocation in made:
        before = plan_total if allocation.project_id == project.pk else None
        if before is None:
            before = (
                summary.plan_totals(data.plan_year, [allocation.project_id]).get(
                    (allocation.project_id, data.source), (0, 0)
                )[0]
                - allocation.amount
            )
        entries.append(
            Entry(
                EventType.INVESTMENT_ALLOCATION_RECORDED,
                "investments.allocation",
                str(allocation.pk),
                allocation.project.investor_id,
                {
                    "project": allocation.project.code,
                    "plan_year": data.plan_year,
                    "source": data.source,
                    "kind": data.kind,
                    "amount": allocation.amount,
                    "assigned": allocation.assigned,
                    "plan": {"old": before, "new": before + allocation.amount},
                    "number": allocation.number,
                    "decided_on": data.decided_on,
                    "counterpart": allocation.counterpart.code if allocation.counterpart else None,
                    "late": late,
                },
                allocation.reason,
            )
        )
    record_many(acting_user=acting_user, entries=entries)
    summary.refresh(data.plan_year, {a.project_id: data.decided_on for a in made})
    _changed(*(a.project.managing_agency for a in made))
    return made


# --- disbursement ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DisbursementUpdate:
    """One typed row: a project's cumulative disbursed value as of a date."""

    project: InvestmentProject
    plan_year: int
    source: str
    as_of: date | None
    kind: str
    value: object
    note: str = ""
    # When it was entered (history only: the demo, a paper record entered later); else now.
    entered_at: datetime | None = None


@dataclass
class DisbursementOutcome:
    """What a bulk update did (or would do, on a dry run): each row's status, in order."""

    statuses: list[str] = field(default_factory=list)  # created | updated | unchanged
    dry_run: bool = False

    def count(self, status: str) -> int:
        return self.statuses.count(status)


@dataclass(frozen=True)
class _Context:
    stored: dict[tuple[int, int, str], list[rules.Figure]]
    plans: dict[tuple[int, int, str], int]


def _disbursement_context(rows: Sequence[DisbursementUpdate]) -> _Context:
    """The plans of the rows' keys, and the figures they are judged against: the cumulative
    values carried at the end of the week before each project's earliest row (from the
    derived weekly rows) and every figure stored after it."""
    by_year: dict[int, dict[int, date]] = defaultdict(dict)
    for row in rows:
        if row.as_of is None or row.plan_year not in range(2000, 2101):
            continue
        start, end = planyear.window(row.plan_year)
        day = min(max(row.as_of, start), end)
        known = by_year[row.plan_year].get(row.project.pk)
        by_year[row.plan_year][row.project.pk] = day if known is None else min(known, day)
    stored: dict[tuple[int, int, str], list[rules.Figure]] = defaultdict(list)
    plans: dict[tuple[int, int, str], int] = {}
    for plan_year, earliest in by_year.items():
        before = {
            pid: summary.previous_week(plan_year, planyear.week_end(day, plan_year))
            for pid, day in earliest.items()
        }
        for (pid, source), (total, _assigned) in summary.plan_totals(plan_year, earliest).items():
            plans[(pid, plan_year, source)] = total
        carried = ProjectWeek.objects.filter(
            plan_year=plan_year,
            project_id__any_of=list(earliest),
            week_end__any_of=sorted(set(before.values())),
        ).values("project_id", "week_end", *rules.SOURCES)
        for row in carried:
            pid = row["project_id"]
            if row["week_end"] != before[pid]:
                continue
            for source in rules.SOURCES:
                stored[(pid, plan_year, source)].append(
                    rules.Figure(before[pid], rules.ACTUAL, row[source])
                )
        oldest = min(before.values())
        for pid, source, as_of, kind, value in Disbursement.objects.filter(
            plan_year=plan_year, project_id__any_of=list(earliest), as_of__gt=oldest
        ).values_list("project_id", "source", "as_of", "kind", "value"):
            if as_of > before[pid]:
                stored[(pid, plan_year, source)].append(rules.Figure(as_of, kind, value))
    return _Context(stored=dict(stored), plans=plans)


def check_disbursements(
    rows: Sequence[DisbursementUpdate], *, today: date | None = None
) -> list[rules.Verdict]:
    """Each row's verdict (green or red), saving nothing: the form's live check."""
    context = _disbursement_context(rows)
    return rules.check_disbursements(
        [_typed(row) for row in rows],
        context.stored,
        context.plans,
        today=today or timezone.localdate(),
    )


def _typed(row: DisbursementUpdate) -> rules.DisbursementRow:
    return rules.DisbursementRow(
        key=(row.project.pk, row.plan_year, row.source),
        as_of=row.as_of,
        kind=row.kind,
        value=row.value,
        note=row.note.strip(),
    )


def save_disbursements(
    *,
    acting_user: Any,
    rows: Sequence[DisbursementUpdate],
    dry_run: bool = False,
    channel: str = "form",
) -> DisbursementOutcome:
    """Validate and save disbursed values, all or nothing; a dry run saves nothing.

    Raises RowsRefused (nothing saved) when any row is red, PermissionDenied when the user
    may not record a row's project."""
    access.require_entry_all(acting_user, (row.project for row in rows))
    with transaction.atomic():
        for plan_year in {r.plan_year for r in rows if 2000 <= r.plan_year <= 2100}:
            summary.roll(plan_year)
        verdicts = check_disbursements(rows)
        refused = {i: v.findings for i, v in enumerate(verdicts) if not v.ok}
        if refused:
            raise RowsRefused(refused)
        outcome = _write_disbursements(acting_user, rows, verdicts, channel, dry_run)
        if dry_run:
            outcome.dry_run = True
            transaction.set_rollback(True)
    return outcome


def _existing(rows: Sequence[DisbursementUpdate]) -> dict[tuple[Any, ...], tuple[Any, ...]]:
    """The stored figures the rows name, as (id, value, note, version) by (project, plan
    year, source, as of, kind): plain tuples, not model instances (thousands in a bulk)."""
    keys = {(r.project.pk, r.plan_year) for r in rows}
    found: dict[tuple[Any, ...], tuple[Any, ...]] = {}
    for plan_year in {k[1] for k in keys}:
        ids = [k[0] for k in keys if k[1] == plan_year]
        days = {r.as_of for r in rows if r.plan_year == plan_year}
        for (
            pk,
            project_id,
            source,
            as_of,
            kind,
            value,
            note,
            version,
        ) in Disbursement.objects.filter(
            plan_year=plan_year, project_id__any_of=ids, as_of__any_of=sorted(days)
        ).values_list("pk", "project_id", "source", "as_of", "kind", "value", "note", "version"):
            found[(project_id, plan_year, source, as_of, kind)] = (pk, value, note, version)
    return found


def _write_disbursements(
    acting_user: Any,
    rows: Sequence[DisbursementUpdate],
    verdicts: Sequence[rules.Verdict],
    channel: str,
    dry_run: bool,
) -> DisbursementOutcome:
    """Insert the new figures, update the changed ones, record one audit event listing every
    change old → new (the project's, or the bulk's as one batch, as a dossier batch is), and
    bring the weekly figures in step."""
    now = timezone.now()
    existing = _existing(rows)
    years = {d.year for r in rows if (d := r.as_of) is not None}
    calendar = calendar_for(years | {y + 1 for y in years})
    outcome = DisbursementOutcome()
    creates: list[tuple[Any, ...]] = []
    updates: list[tuple[Any, ...]] = []
    changes: list[dict[str, Any]] = []
    changed: dict[int, dict[int, date]] = defaultdict(dict)
    user_id = getattr(acting_user, "pk", None)
    for row, verdict in zip(rows, verdicts, strict=True):
        assert row.as_of is not None
        value = verdict.values["value"]
        assert isinstance(value, int)
        note = row.note.strip()
        stored = existing.get((row.project.pk, row.plan_year, row.source, row.as_of, row.kind))
        if stored is not None and stored[1] == value and stored[2] == note:
            outcome.statuses.append("unchanged")
            continue
        moment = _entered(row.entered_at, row.as_of) if row.entered_at else now
        late = planyear.is_late(row.as_of, timezone.localdate(moment), calendar)
        old = stored[1] if stored is not None else None
        if stored is None:
            creates.append(
                (row.project.pk, row.plan_year, row.source, row.as_of, row.kind, value, note,
                 1, channel, moment, user_id, late)
            )  # fmt: skip
            outcome.statuses.append("created")
        else:
            updates.append((stored[0], value, note, stored[3] + 1, channel, moment, user_id, late))
            outcome.statuses.append("updated")
        known = changed[row.plan_year].get(row.project.pk)
        changed[row.plan_year][row.project.pk] = (
            row.as_of if known is None else min(known, row.as_of)
        )
        changes.append(
            {
                "project": row.project.code,
                "plan_year": row.plan_year,
                "source": row.source,
                "as_of": row.as_of,
                "kind": row.kind,
                "old": old,
                "new": value,
                "late": late,
                "note": note,
            }
        )
    if dry_run or not changes:
        return outcome
    storage.insert_disbursements(creates)
    storage.update_disbursements(updates)
    _record_changes(acting_user, rows, changes, channel)
    for plan_year, projects in changed.items():
        summary.refresh(plan_year, projects)
    _changed(*{r.project.managing_agency_id: r.project.managing_agency for r in rows}.values())
    return outcome


def _record_changes(
    acting_user: Any,
    rows: Sequence[DisbursementUpdate],
    changes: list[dict[str, Any]],
    channel: str,
) -> None:
    """One audit event for one save: naming the project when the save concerns one (a form),
    else the batch (the API's or an Excel import's rows), with every change old → new."""
    projects = {r.project.pk: r.project for r in rows}
    investors = {p.investor_id for p in projects.values()}
    reasons = sorted({c["note"] for c in changes if c["note"]})
    data = {"channel": channel, "count": len(changes), "changes": changes}
    if len(projects) == 1:
        project = next(iter(projects.values()))
        record(
            event_type=EventType.INVESTMENT_DISBURSEMENT_SAVED,
            acting_user=acting_user,
            target=project,
            agency_id=project.investor_id,
            data=data,
            reason="; ".join(reasons),
        )
        return
    record(
        event_type=EventType.INVESTMENT_DISBURSEMENT_SAVED,
        acting_user=acting_user,
        target_type="investments.disbursementbatch",
        target_id=uuid.uuid4().hex,
        agency_id=next(iter(investors)) if len(investors) == 1 else None,
        data={**data, "projects": sorted(p.code for p in projects.values())},
        reason="; ".join(reasons)[:2000],
    )


# --- the schedule ----------------------------------------------------------------------------


@transaction.atomic
def set_schedule(
    *, acting_user: Any, project: InvestmentProject, plan_year: int, months: Sequence[object]
) -> Schedule:
    """The planned cumulative disbursement at the 13 month ends of the plan year's window."""
    access.require_entry(acting_user, project)
    plan = sum(t for (_p, _s), (t, _a) in summary.plan_totals(plan_year, [project.pk]).items())
    verdict = rules.check_schedule(list(months), plan_total=plan)
    _refuse(verdict)
    values = verdict.values["months"]
    existing = Schedule.objects.filter(project=project, plan_year=plan_year).first()
    old = existing.months if existing else None
    schedule, _created = Schedule.objects.update_or_create(
        project=project,
        plan_year=plan_year,
        defaults={"months": values, "updated_at": timezone.now()},
    )
    record(
        event_type=EventType.INVESTMENT_SCHEDULE_SET,
        acting_user=acting_user,
        target=project,
        agency_id=project.investor_id,
        data={"project": project.code, "plan_year": plan_year, "old": old, "new": values},
    )
    summary.refresh(plan_year, {project.pk: planyear.window(plan_year)[0]})
    _changed(project.managing_agency)
    return schedule


# --- progress, milestones, evidence ----------------------------------------------------------


@dataclass(frozen=True)
class Upload:
    name: str
    data: bytes


def progress_context(
    project: InvestmentProject, month: date | None, today: date
) -> rules.ProgressContext:
    reports = project.progress_reports.all()
    previous = reports.filter(month__lt=month).order_by("-month").first() if month else None
    following = reports.filter(month__gt=month).order_by("month").first() if month else None
    return rules.ProgressContext(
        today=today,
        start=project.start,
        end=project.current_end,
        total_investment=project.current_total,
        previous_percent=previous.percent if previous else None,
        previous_accepted=previous.accepted_value if previous else None,
        next_percent=following.percent if following else None,
        next_accepted=following.accepted_value if following else None,
    )


def _store(acting_user: Any, project: InvestmentProject, upload: Upload, **owner: Any) -> Evidence:
    try:
        checked = check_upload(
            upload.name,
            upload.data,
            allowed=EVIDENCE_FILES,
            max_bytes=settings.DXGOV_UPLOAD_MAX_BYTES,
        )
    except UploadRefused as exc:
        raise UpdateRefused({"file": [str(exc)]}) from None
    digest = hashlib.sha256(upload.data).hexdigest()
    evidence = Evidence(
        project=project,
        original_name=upload.name[:255],
        content_type=checked.content_type,
        size=checked.size,
        sha256=digest,
        uploaded_by=acting_user,
        **owner,
    )
    evidence.file.save(digest, ContentFile(upload.data), save=False)
    evidence.save()
    return evidence


@transaction.atomic
def save_progress(
    *,
    acting_user: Any,
    project: InvestmentProject,
    data: rules.ProgressInput,
    uploads: Iterable[Upload] = (),
    entered_at: datetime | None = None,
) -> ProgressReport:
    """A month's physical progress, accepted value and delay causes, with evidence files."""
    access.require_entry(acting_user, project)
    project = InvestmentProject.objects.select_for_update().get(pk=project.pk)
    month = data.month.replace(day=1) if data.month else None
    verdict = rules.check_progress(data, progress_context(project, month, timezone.localdate()))
    _refuse(verdict)
    assert month is not None and data.as_of is not None
    percent = verdict.values["percent"]
    accepted = verdict.values.get("accepted")
    existing = ProgressReport.objects.filter(project=project, month=month).first()
    old = (
        {
            "percent": existing.percent,
            "accepted": existing.accepted_value,
            "causes": existing.causes,
        }
        if existing
        else None
    )
    report, _created = ProgressReport.objects.update_or_create(
        project=project,
        month=month,
        defaults={
            "as_of": data.as_of,
            "percent": percent,
            "accepted_value": accepted,
            "causes": list(dict.fromkeys(data.causes)),
            "note": data.note.strip(),
            "reason": data.reason.strip(),
            "entered_at": _entered(entered_at, data.as_of),
            "entered_by": acting_user,
            "late": _late(data.as_of, _entered(entered_at, data.as_of)),
        },
    )
    stored = [_store(acting_user, project, u, progress=report) for u in uploads]
    latest = project.progress_reports.order_by("-month").first()
    if latest is not None:
        project.physical_percent, project.accepted_value = latest.percent, latest.accepted_value
        project.save(update_fields=["physical_percent", "accepted_value"])
    record(
        event_type=EventType.INVESTMENT_PROGRESS_SAVED,
        acting_user=acting_user,
        target=project,
        agency_id=project.investor_id,
        data={
            "project": project.code,
            "month": month,
            "as_of": data.as_of,
            "old": old,
            "new": {"percent": percent, "accepted": accepted, "causes": report.causes},
            "files": [(e.original_name, e.sha256) for e in stored],
            "late": report.late,
        },
        reason=report.reason,
    )
    return report


@transaction.atomic
def add_evidence(
    *, acting_user: Any, project: InvestmentProject, uploads: Sequence[Upload]
) -> list[Evidence]:
    access.require_entry(acting_user, project)
    if not uploads:
        raise UpdateRefused({"file": [_("Choose a file.")]})
    stored = [_store(acting_user, project, upload) for upload in uploads]
    record(
        event_type=EventType.INVESTMENT_EVIDENCE_ADDED,
        acting_user=acting_user,
        target=project,
        agency_id=project.investor_id,
        data={"project": project.code, "files": [(e.original_name, e.sha256) for e in stored]},
    )
    return stored


def current_milestones(project: InvestmentProject) -> list[Milestone]:
    latest = project.decisions.order_by("-version").first()
    return list(latest.milestones.all()) if latest is not None else []


@transaction.atomic
def record_milestone(
    *, acting_user: Any, project: InvestmentProject, name: str, achieved_on: date | None
) -> MilestoneDone:
    access.require_entry(acting_user, project)
    names = {m.name for m in current_milestones(project)}
    verdict = rules.check_milestone_done(
        achieved_on,
        today=timezone.localdate(),
        start=project.start,
        known=name in names,
    )
    if MilestoneDone.objects.filter(project=project, name=name).exists():
        verdict.add("milestone", _("This milestone is already recorded as reached."))
    _refuse(verdict)
    assert achieved_on is not None
    done = MilestoneDone.objects.create(
        project=project,
        name=name,
        achieved_on=achieved_on,
        entered_by=acting_user,
        late=_late(achieved_on),
    )
    Milestone.objects.filter(decision__project=project, name=name, pending=True).update(
        pending=False
    )
    record(
        event_type=EventType.INVESTMENT_MILESTONE_DONE,
        acting_user=acting_user,
        target=project,
        agency_id=project.investor_id,
        data={"project": project.code, "milestone": name, "achieved_on": achieved_on},
    )
    return done


@transaction.atomic
def set_stalled(
    *, acting_user: Any, project: InvestmentProject, stalled: bool, reason: str
) -> InvestmentProject:
    """Dispatch 26/CĐ-TTg's flag: a stalled, long-pending project (with its reason)."""
    access.require_entry(acting_user, project)
    reason = reason.strip()
    if stalled and not reason:
        raise UpdateRefused({"reason": [_("Say why the project is stalled.")]})
    if len(reason) > rules.MAX_NOTE:
        raise UpdateRefused({"reason": [_("At most %(count)d characters.") % {"count": 2000}]})
    project = InvestmentProject.objects.select_for_update().get(pk=project.pk)
    old = {"stalled": project.stalled, "reason": project.stalled_reason}
    today = timezone.localdate()
    # The weeks from the day the project stalled (or stalled until now) are classified again.
    since = project.stalled_since or today
    project.stalled = stalled
    project.stalled_since = since if stalled else None
    project.stalled_reason = reason
    project.save(update_fields=["stalled", "stalled_since", "stalled_reason"])
    record(
        event_type=EventType.INVESTMENT_STALLED_SET,
        acting_user=acting_user,
        target=project,
        agency_id=project.investor_id,
        data={
            "project": project.code,
            "old": old,
            "new": {"stalled": stalled, "reason": reason},
            "since": since,
        },
        reason=reason,
    )
    for plan_year in _plan_years_from(since, today):
        summary.refresh(plan_year, {project.pk: since})
    _changed(project.managing_agency)
    return project


def _plan_years_from(since: date, today: date) -> list[int]:
    """The plan years whose windows reach from `since` to `today`."""
    first = planyear.current_plan_year(since)
    return list(range(first, planyear.current_plan_year(today) + 1))


# --- the weekly cycle ------------------------------------------------------------------------


@transaction.atomic
def save_settings(
    *, acting_user: Any, good_from: float, unable_below: float, grace_share: float
) -> CycleSettings:
    """The classification thresholds (central roles); the current week is classified again."""
    access.require(
        access.may_configure(acting_user),
        _("Only coordinators change the weekly cycle's thresholds."),
    )
    proposed = figures.Thresholds(good_from, unable_below, grace_share)
    if proposed.problem() is not None:
        raise UpdateRefused(
            {
                "good_from": [
                    _(
                        "Choose 0 < unable-below < good-from ≤ 2 (ratios of the expected "
                        "value) and a grace share from 0 to under 1."
                    )
                ]
            }
        )
    settings_row = CycleSettings.objects.select_for_update().first() or CycleSettings()
    old = {
        "good_from": settings_row.good_from,
        "unable_below": settings_row.unable_below,
        "grace_share": settings_row.grace_share,
    }
    settings_row.good_from, settings_row.unable_below = good_from, unable_below
    settings_row.grace_share, settings_row.updated_at = grace_share, timezone.now()
    settings_row.save()
    record(
        event_type=EventType.INVESTMENT_SETTINGS_SAVED,
        acting_user=acting_user,
        target=settings_row,
        data={
            "old": old,
            "new": {
                "good_from": good_from,
                "unable_below": unable_below,
                "grace_share": grace_share,
            },
        },
    )
    today = timezone.localdate()
    plan_year = planyear.current_plan_year(today)
    ids = ProjectWeek.objects.filter(plan_year=plan_year).values_list("project_id", flat=True)
    summary.refresh(plan_year, dict.fromkeys(set(ids), today))
    _changed()
    return settings_row


def week_start(week: date, plan_year: int) -> date:
    return summary.previous_week(plan_year, week) + timedelta(days=1)
