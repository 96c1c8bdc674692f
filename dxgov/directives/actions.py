"""Writes to directives and tasks: each one transaction, checked, and audited.

Who may do what:
- central coordinators and administrators create directives and tasks, confirm or return a
  task reported done, decide extension requests, and postpone, resume or cancel a task;
- the lead agency's leaders and officers (anyone of those roles whose agency contains the
  lead agency) report progress, mark a task done and request an extension.

Tasks can also be created in bulk from an Excel file (import_tasks): all rows or none.

A task outside the user's scope (neither its lead nor a coordinating agency is in scope) does
not exist for them (Http404); inside it, a missing right is PermissionDenied. A refused
status change raises core.errors.TransitionNotAllowed; bad input raises ValidationError. Either way
nothing is saved.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.validators import MaxLengthValidator
from django.db import transaction
from django.db.models import Model
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from dxgov.accounts.models import User
from dxgov.audit.models import EventType
from dxgov.audit.record import record
from dxgov.core.roles import AGENCY_STAFF_ROLES, CENTRAL_ROLES, role_of
from dxgov.core.uploads import UploadRefused, check_upload
from dxgov.directives import excel, rules, signals
from dxgov.directives.models import (
    Attachment,
    Directive,
    DirectiveKind,
    ExtensionRequest,
    ExtensionState,
    ProgressReport,
    Task,
    TaskStatus,
)
from dxgov.directives.rules import Action
from dxgov.orgunits.access import in_scope
from dxgov.orgunits.models import Agency

DIRECTIVE_FILES = {"pdf", "docx"}
EVIDENCE_FILES = {"pdf", "docx", "xlsx", "png", "jpeg"}


# --- permission -------------------------------------------------------------------------


def can_see_task(user: Any, task: Task) -> bool:
    """Whether the task is in the user's scope: its lead or a coordinating agency is."""
    if in_scope(user, task.lead_agency):
        return True
    return any(in_scope(user, agency) for agency in task.coordinating_agencies.all())


def _not_found() -> Http404:
    return Http404(_("No such task in your scope."))


def _require_central(user: Any) -> None:
    if role_of(user) not in CENTRAL_ROLES:
        raise PermissionDenied(_("Only a central coordinator or an administrator can do this."))


def _require_central_for(user: Any, task: Task) -> None:
    if not can_see_task(user, task):
        raise _not_found()
    _require_central(user)


def _require_lead_for(user: Any, task: Task) -> None:
    if not can_see_task(user, task):
        raise _not_found()
    if role_of(user) not in AGENCY_STAFF_ROLES or not in_scope(user, task.lead_agency):
        raise PermissionDenied(
            _("Only the lead agency's leaders and officers can report on this task.")
        )


# --- helpers ----------------------------------------------------------------------------


def _today(today: date | None) -> date:
    return today if today is not None else timezone.localdate()


def _locked(task: Task) -> Task:
    """The task's row, locked for the rest of the transaction."""
    return (
        Task.objects.select_for_update().select_related("directive", "lead_agency").get(pk=task.pk)
    )


def _copy_back(locked: Model, original: Model, fields: Iterable[str]) -> None:
    # Keep the caller's instance in step with what was saved.
    for name in fields:
        setattr(original, name, getattr(locked, name))


def _change(old: Any, new: Any) -> dict[str, Any]:
    return {"old": old, "new": new}


def _audit_task(
    event_type: EventType,
    acting_user: Any,
    task: Task,
    old_status: str,
    reason: str = "",
    publish: bool = True,
    **extra: Any,
) -> None:
    record(
        event_type=event_type,
        acting_user=acting_user,
        target=task,
        agency_id=task.lead_agency_id,
        data={"status": _change(old_status, task.status), **extra},
        reason=reason,
    )
    if publish:
        _tasks_changed(task.lead_agency)


def _tasks_changed(agency: Agency | None) -> None:
    """Announced inside the transaction (the dashboard's feed row is part of it, so open
    dashboards hear of it when it commits)."""
    signals.tasks_changed(agency)


def _set_status(task: Task, status: rules.Status) -> None:
    task.status = TaskStatus(status.value)


def _too_long(**fields: tuple[str, int]) -> dict[str, str]:
    """The fields whose text is longer than its limit (rules.CONTENT_MAX, …), each with the
    message a form's max_length gives: every path refuses the same text the same way."""
    errors: dict[str, str] = {}
    for name, (value, limit) in fields.items():
        try:
            MaxLengthValidator(limit)(value)
        except ValidationError as exc:
            errors[name] = " ".join(exc.messages)
    return errors


def _refuse_too_long(**fields: tuple[str, int]) -> None:
    errors = _too_long(**fields)
    if errors:
        raise ValidationError(errors)


# --- directives and tasks ---------------------------------------------------------------


@transaction.atomic
def create_directive(
    *,
    acting_user: User,
    kind: str,
    number: str,
    issued_on: date,
    issuing_agency: Agency,
    title: str,
    summary: str = "",
) -> Directive:
    _require_central(acting_user)
    number = number.strip()
    errors: dict[str, str] = {}
    if kind not in DirectiveKind.values:
        errors["kind"] = _("Unknown kind of directive: %(kind)s.") % {"kind": kind}
    if not number:
        errors["number"] = _("Give the directive's number and symbol, e.g. 155/NQ-CP.")
    elif (problem := rules.number_problem(number)) is not None:
        errors["number"] = problem
    elif Directive.objects.filter(number=number).exists():
        errors["number"] = _("A directive numbered %(number)s already exists.") % {"number": number}
    if not title.strip():
        errors["title"] = _("Give the directive's title.")
    errors.update(_too_long(summary=(summary.strip(), rules.TEXT_MAX)))
    if errors:
        raise ValidationError(errors)
    directive = Directive(
        kind=kind,
        number=number,
        issued_on=issued_on,
        issuing_agency=issuing_agency,
        title=title.strip(),
        summary=summary.strip(),
    )
    directive.full_clean()
    directive.save()
    record(
        event_type=EventType.DIRECTIVE_CREATED,
        acting_user=acting_user,
        target=directive,
        agency_id=issuing_agency.pk,
        data={
            "kind": kind,
            "number": number,
            "issued_on": issued_on,
            "issuing_agency": issuing_agency.code,
            "title": directive.title,
        },
    )
    return directive


@transaction.atomic
def create_task(
    *,
    acting_user: User,
    directive: Directive,
    content: str,
    lead_agency: Agency | None,
    deadline: date | None = None,
    coordinating_agencies: Iterable[Agency] = (),
    expected_result: str = "",
    is_key: bool = False,
    parent: Task | None = None,
    today: date | None = None,
    recurrence: rules.Recurrence = rules.Recurrence.NONE,
    recurrence_until: date | None = None,
) -> Task:
    """Assign a task; its original deadline is its deadline, fixed from now on.

    A recurring task (monthly, quarterly, yearly) is created as one task per period up to
    `recurrence_until`, each with its own deadline, all pointing to the first; the first is
    returned.
    """
    _require_central(acting_user)
    coordinating = list(coordinating_agencies)
    errors: dict[str, str] = {}
    if not content.strip():
        errors["content"] = _("Describe the task.")
    errors.update(
        _too_long(
            content=(content.strip(), rules.CONTENT_MAX),
            expected_result=(expected_result.strip(), rules.CONTENT_MAX),
        )
    )
    if lead_agency is None:
        errors["lead_agency"] = _("A task needs a lead agency.")
    elif any(agency.pk == lead_agency.pk for agency in coordinating):
        errors["coordinating_agencies"] = _("The lead agency cannot also be a coordinating agency.")
    problem = rules.deadline_problem(deadline, directive.issued_on)
    if problem:
        errors["deadline"] = problem
    if parent is not None and parent.directive_id != directive.pk:
        errors["parent"] = _("A sub-task must belong to the same directive as its parent.")
    recurring = rules.recurrence_problem(deadline, rules.Recurrence(recurrence), recurrence_until)
    if recurring:
        errors["recurrence"] = recurring
    if errors:
        raise ValidationError(errors)
    assert lead_agency is not None  # checked above
    first: Task | None = None
    dates: list[date | None] = (
        list(rules.occurrences(deadline, rules.Recurrence(recurrence), recurrence_until))
        if deadline is not None
        else [None]
    )
    for occurrence_deadline in dates:
        task = _new_task(
            acting_user=acting_user,
            directive=directive,
            content=content,
            lead_agency=lead_agency,
            deadline=occurrence_deadline,
            coordinating=coordinating,
            expected_result=expected_result,
            is_key=is_key,
            parent=parent,
            today=today,
            recurrence=rules.Recurrence(recurrence),
            series=first,
        )
        first = first or task
    assert first is not None
    _tasks_changed(lead_agency)
    return first


def _new_task(
    *,
    acting_user: User,
    directive: Directive,
    content: str,
    lead_agency: Agency,
    deadline: date | None,
    coordinating: list[Agency],
    expected_result: str,
    is_key: bool,
    parent: Task | None,
    today: date | None,
    recurrence: rules.Recurrence,
    series: Task | None,
) -> Task:
    task = Task(
        directive=directive,
        content=content.strip(),
        lead_agency=lead_agency,
        original_deadline=deadline,
        deadline=deadline,
        expected_result=expected_result.strip(),
        is_key=is_key,
        parent=parent,
        recurrence=recurrence.value,
        series=series,
    )
    _set_status(task, rules.status_on(deadline, _today(today)))
    task.full_clean()
    task.save()
    task.coordinating_agencies.set(coordinating)
    record(
        event_type=EventType.TASK_CREATED,
        acting_user=acting_user,
        target=task,
        agency_id=lead_agency.pk,
        data={
            "status": _change(None, task.status),
            "directive": directive.number,
            "lead_agency": lead_agency.code,
            "coordinating_agencies": sorted(agency.code for agency in coordinating),
            "deadline": deadline,
            "is_key": is_key,
            "recurrence": recurrence.value,
            "series": series.pk if series else None,
        },
    )
    return task


# --- the lead agency's side -------------------------------------------------------------


@transaction.atomic
def report_progress(
    *, acting_user: User, task: Task, percent: int, narrative: str, reason: str = ""
) -> ProgressReport:
    """A progress report; one lower than the task's progress needs `reason` (kept with it)."""
    _require_lead_for(acting_user, task)
    locked = _locked(task)
    new_status = rules.check_transition(locked.status, Action.REPORT_PROGRESS)
    errors = rules.progress_problem(locked.progress_percent, percent, reason)
    if not narrative.strip():
        errors["narrative"] = _("Describe the progress made.")
    errors.update(
        _too_long(
            narrative=(narrative.strip(), rules.TEXT_MAX), reason=(reason.strip(), rules.TEXT_MAX)
        )
    )
    if errors:
        raise ValidationError(errors)
    report = ProgressReport.objects.create(
        task=locked,
        author=acting_user,
        percent=percent,
        narrative=narrative.strip(),
        reason=reason.strip(),
    )
    old_status, old_percent = locked.status, locked.progress_percent
    _set_status(locked, new_status)
    locked.progress_percent = percent
    locked.save(update_fields=["status", "progress_percent"])
    _copy_back(locked, task, ["status", "progress_percent"])
    _audit_task(
        EventType.TASK_PROGRESS_REPORTED,
        acting_user,
        locked,
        old_status,
        reason=report.reason,
        progress_percent=_change(old_percent, percent),
        progress_report=report.pk,
    )
    return report


@transaction.atomic
def mark_task_done(
    *,
    acting_user: User,
    task: Task,
    completed_on: date | None = None,
    narrative: str = "",
    today: date | None = None,
) -> Task:
    """The lead agency reports the task done; it then awaits the coordinator's confirmation.

    A narrative (what was delivered) is kept as a final progress report at 100%.
    """
    _require_lead_for(acting_user, task)
    _refuse_too_long(narrative=(narrative.strip(), rules.TEXT_MAX))
    locked = _locked(task)
    new_status = rules.check_transition(locked.status, Action.MARK_DONE)
    day = _today(today)
    completed = completed_on or day
    if completed > day:
        raise ValidationError({"completed_on": _("The completion date cannot be in the future.")})
    if completed < locked.directive.issued_on:
        raise ValidationError(
            {"completed_on": _("The completion date is before the directive was issued.")}
        )
    extra: dict[str, Any] = {}
    if narrative.strip():
        report = ProgressReport.objects.create(
            task=locked, author=acting_user, percent=100, narrative=narrative.strip()
        )
        extra["progress_report"] = report.pk
    old_status = locked.status
    _set_status(locked, new_status)
    locked.completed_on = completed
    locked.progress_percent = 100
    fields = ["status", "completed_on", "progress_percent"]
    locked.save(update_fields=fields)
    _copy_back(locked, task, fields)
    _audit_task(
        EventType.TASK_MARKED_DONE,
        acting_user,
        locked,
        old_status,
        completed_on=completed,
        **extra,
    )
    return locked


@transaction.atomic
def request_extension(
    *,
    acting_user: User,
    task: Task,
    requested_deadline: date,
    reason: str,
    today: date | None = None,
) -> ExtensionRequest:
    _require_lead_for(acting_user, task)
    locked = _locked(task)
    rules.check_transition(locked.status, Action.REQUEST_EXTENSION)
    errors: dict[str, str] = {}
    problem = rules.extension_problem(locked.deadline, requested_deadline, _today(today))
    if problem:
        errors["requested_deadline"] = problem
    if not reason.strip():
        errors["reason"] = _("Give the reason for the extension.")
    errors.update(_too_long(reason=(reason.strip(), rules.TEXT_MAX)))
    if locked.extension_requests.filter(state=ExtensionState.PENDING).exists():
        errors["task"] = _("An extension request for this task is already awaiting a decision.")
    if errors:
        raise ValidationError(errors)
    assert locked.deadline is not None  # extension_problem refuses a task without one
    extension = ExtensionRequest.objects.create(
        task=locked,
        requested_deadline=requested_deadline,
        previous_deadline=locked.deadline,
        reason=reason.strip(),
        requested_by=acting_user,
    )
    _audit_task(
        EventType.EXTENSION_REQUESTED,
        acting_user,
        locked,
        locked.status,
        reason=extension.reason,
        extension_request=extension.pk,
        deadline=_change(locked.deadline, requested_deadline),
    )
    return extension


# --- the coordinator's side -------------------------------------------------------------


@transaction.atomic
def confirm_task(*, acting_user: User, task: Task) -> Task:
    """Confirm a task reported done: on time or late against its ORIGINAL deadline."""
    _require_central_for(acting_user, task)
    locked = _locked(task)
    new_status = rules.check_transition(
        locked.status,
        Action.CONFIRM,
        deadline=locked.deadline,
        original_deadline=locked.original_deadline,
        completed_on=locked.completed_on,
    )
    old_status = locked.status
    _set_status(locked, new_status)
    locked.save(update_fields=["status"])
    _copy_back(locked, task, ["status"])
    _audit_task(
        EventType.TASK_CONFIRMED,
        acting_user,
        locked,
        old_status,
        completed_on=locked.completed_on,
        original_deadline=locked.original_deadline,
    )
    return locked


@transaction.atomic
def return_task(*, acting_user: User, task: Task, reason: str, today: date | None = None) -> Task:
    """Send a task reported done back to its lead agency: open or overdue again."""
    _require_central_for(acting_user, task)
    locked = _locked(task)
    new_status = rules.check_transition(
        locked.status, Action.RETURN_TASK, today=_today(today), deadline=locked.deadline
    )
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the task is returned.")})
    _refuse_too_long(reason=(reason.strip(), rules.TEXT_MAX))
    old_status, old_completed = locked.status, locked.completed_on
    _set_status(locked, new_status)
    locked.completed_on = None
    fields = ["status", "completed_on"]
    locked.save(update_fields=fields)
    _copy_back(locked, task, fields)
    _audit_task(
        EventType.TASK_RETURNED,
        acting_user,
        locked,
        old_status,
        reason=reason.strip(),
        completed_on=_change(old_completed, None),
    )
    return locked


@transaction.atomic
def decide_extension(
    *,
    acting_user: User,
    extension: ExtensionRequest,
    approve: bool,
    note: str = "",
    today: date | None = None,
) -> ExtensionRequest:
    """Approve (the deadline moves; the original deadline never does) or refuse, with a note."""
    _require_central_for(acting_user, extension.task)
    locked_ext = ExtensionRequest.objects.select_for_update().get(pk=extension.pk)
    task = _locked(extension.task)
    if locked_ext.state != ExtensionState.PENDING:
        raise ValidationError(_("This extension request has already been decided."))
    if not approve and not note.strip():
        raise ValidationError({"note": _("Say why the extension is refused.")})
    _refuse_too_long(note=(note.strip(), rules.TEXT_MAX))
    old_status, old_deadline = task.status, task.deadline
    if approve:
        new_status = rules.check_transition(
            task.status,
            Action.APPROVE_EXTENSION,
            today=_today(today),
            deadline=locked_ext.requested_deadline,
        )
        original, working = rules.extended_deadlines(
            task.original_deadline, task.deadline, locked_ext.requested_deadline
        )
        _set_status(task, new_status)
        task.original_deadline, task.deadline = original, working
        fields = ["status", "original_deadline", "deadline"]
        task.save(update_fields=fields)
        _copy_back(task, extension.task, fields)
    locked_ext.state = ExtensionState.APPROVED if approve else ExtensionState.REFUSED
    locked_ext.decided_by = acting_user
    locked_ext.decided_at = timezone.now()
    locked_ext.decision_note = note.strip()
    ext_fields = ["state", "decided_by", "decided_at", "decision_note"]
    locked_ext.save(update_fields=ext_fields)
    _copy_back(locked_ext, extension, ext_fields)
    _audit_task(
        EventType.EXTENSION_APPROVED if approve else EventType.EXTENSION_REFUSED,
        acting_user,
        task,
        old_status,
        reason=locked_ext.decision_note,
        extension_request=locked_ext.pk,
        deadline=_change(old_deadline, task.deadline),
        original_deadline=task.original_deadline,
    )
    return locked_ext


def _central_change_with_reason(
    *, acting_user: User, task: Task, action: Action, event: EventType, reason: str, missing: str
) -> Task:
    """A coordinator's status change that must say why (postpone, cancel)."""
    _require_central_for(acting_user, task)
    locked = _locked(task)
    new_status = rules.check_transition(locked.status, action)
    if not reason.strip():
        raise ValidationError({"reason": missing})
    _refuse_too_long(reason=(reason.strip(), rules.TEXT_MAX))
    old_status = locked.status
    _set_status(locked, new_status)
    locked.save(update_fields=["status"])
    _copy_back(locked, task, ["status"])
    _audit_task(event, acting_user, locked, old_status, reason=reason.strip())
    return locked


@transaction.atomic
def postpone_task(*, acting_user: User, task: Task, reason: str) -> Task:
    """Put an open or overdue task on hold (tạm hoãn); only a coordinator or an administrator."""
    return _central_change_with_reason(
        acting_user=acting_user,
        task=task,
        action=Action.POSTPONE,
        event=EventType.TASK_POSTPONED,
        reason=reason,
        missing=_("Say why the task is postponed."),
    )


@transaction.atomic
def cancel_task(*, acting_user: User, task: Task, reason: str) -> Task:
    """Cancel a task that is not yet completed (hủy); final. Coordinator or administrator."""
    return _central_change_with_reason(
        acting_user=acting_user,
        task=task,
        action=Action.CANCEL,
        event=EventType.TASK_CANCELLED,
        reason=reason,
        missing=_("Say why the task is cancelled."),
    )


@transaction.atomic
def resume_task(
    *, acting_user: User, task: Task, reason: str = "", today: date | None = None
) -> Task:
    """Take a postponed task back up: open, or overdue if its deadline has passed meanwhile."""
    _require_central_for(acting_user, task)
    _refuse_too_long(reason=(reason.strip(), rules.TEXT_MAX))
    locked = _locked(task)
    new_status = rules.check_transition(
        locked.status, Action.RESUME, today=_today(today), deadline=locked.deadline
    )
    old_status = locked.status
    _set_status(locked, new_status)
    locked.save(update_fields=["status"])
    _copy_back(locked, task, ["status"])
    _audit_task(
        EventType.TASK_RESUMED,
        acting_user,
        locked,
        old_status,
        reason=reason.strip(),
        deadline=locked.deadline,
    )
    return locked


@transaction.atomic
def refresh_overdue(*, acting_user: User | None = None, today: date | None = None) -> int:
    """Move open tasks whose deadline has passed to overdue; returns how many moved.

    Run by the system (acting_user None) or by a coordinator or administrator.
    """
    if acting_user is not None:
        _require_central(acting_user)
    day = _today(today)
    moved = 0
    due = Task.objects.select_for_update().filter(
        status=TaskStatus.OPEN, deadline__isnull=False, deadline__lt=day
    )
    for task in due.order_by("pk"):
        new_status = rules.status_on(task.deadline, day)
        if new_status != rules.Status.OVERDUE:
            continue
        old_status = task.status
        _set_status(task, new_status)
        task.save(update_fields=["status"])
        _audit_task(
            EventType.TASK_OVERDUE,
            acting_user,
            task,
            old_status,
            publish=False,
            deadline=task.deadline,
        )
        moved += 1
    if moved:
        _tasks_changed(None)  # one feed row for the day's moves, not one per task
    return moved


# --- files ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Upload:
    """A file as received: its name as the user gave it, and its bytes."""

    name: str
    data: bytes


def _store(*, acting_user: User, upload: Upload, allowed: set[str], **owner: Any) -> Attachment:
    try:
        checked = check_upload(
            upload.name, upload.data, allowed=allowed, max_bytes=settings.DXGOV_UPLOAD_MAX_BYTES
        )
    except UploadRefused as exc:
        raise ValidationError({"file": str(exc)}) from None
    digest = hashlib.sha256(upload.data).hexdigest()
    attachment = Attachment(
        original_name=upload.name[:255],
        content_type=checked.content_type,
        size=checked.size,
        sha256=digest,
        uploaded_by=acting_user,
        **owner,
    )
    attachment.file.save(digest, ContentFile(upload.data), save=False)
    attachment.save()
    return attachment


@transaction.atomic
def attach_to_directive(*, acting_user: User, directive: Directive, upload: Upload) -> Attachment:
    """Attach the directive's text (PDF or DOCX)."""
    _require_central(acting_user)
    attachment = _store(
        acting_user=acting_user, upload=upload, allowed=DIRECTIVE_FILES, directive=directive
    )
    record(
        event_type=EventType.ATTACHMENT_ADDED,
        acting_user=acting_user,
        target=directive,
        agency_id=directive.issuing_agency_id,
        data={
            "file": attachment.original_name,
            "sha256": attachment.sha256,
            "size": attachment.size,
        },
    )
    return attachment


def _attach_evidence(
    *, acting_user: User, task: Task, uploads: Iterable[Upload], report: ProgressReport | None
) -> list[Attachment]:
    stored = [
        _store(
            acting_user=acting_user,
            upload=upload,
            allowed=EVIDENCE_FILES,
            task=task,
            progress_report=report,
        )
        for upload in uploads
    ]
    for attachment in stored:
        record(
            event_type=EventType.ATTACHMENT_ADDED,
            acting_user=acting_user,
            target=task,
            agency_id=task.lead_agency_id,
            data={
                "file": attachment.original_name,
                "sha256": attachment.sha256,
                "size": attachment.size,
            },
        )
    return stored


@transaction.atomic
def report_progress_with_evidence(
    *,
    acting_user: User,
    task: Task,
    percent: int,
    narrative: str,
    uploads: Iterable[Upload] = (),
    reason: str = "",
) -> ProgressReport:
    """A progress report and its evidence files, saved together or not at all."""
    report = report_progress(
        acting_user=acting_user, task=task, percent=percent, narrative=narrative, reason=reason
    )
    _attach_evidence(acting_user=acting_user, task=task, uploads=uploads, report=report)
    return report


@transaction.atomic
def mark_task_done_with_evidence(
    *, acting_user: User, task: Task, completed_on: date | None, uploads: Iterable[Upload]
) -> Task:
    """Report the task done; evidence of the result is required."""
    files = list(uploads)
    if not files:
        raise ValidationError({"file": _("Attach the result (a document or file) as evidence.")})
    mark_task_done(acting_user=acting_user, task=task, completed_on=completed_on)
    _attach_evidence(acting_user=acting_user, task=task, uploads=files, report=None)
    return task


# --- import from Excel ------------------------------------------------------------------


@dataclass(frozen=True)
class TaskPreview:
    """A task an import would create, resolved against the database."""

    row: int
    directive_number: str
    directive_title: str
    content: str
    lead_agency_code: str
    lead_agency_name: str
    coordinating_agencies: tuple[str, ...]  # names
    deadline: date | None
    expected_result: str
    is_key: bool
    status: str  # the TaskStatus code it starts with

    @property
    def status_label(self) -> str:
        return str(TaskStatus(self.status).label)


@dataclass
class ImportResult:
    """What an import did (or, in a dry run, would do); with errors, nothing was saved."""

    created: int = 0
    errors: list[excel.RowError] = field(default_factory=list)
    preview: list[TaskPreview] = field(default_factory=list)
    dry_run: bool = False
    task_ids: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class _Planned:
    row: int
    directive: Directive
    content: str
    lead: Agency
    coordinating: tuple[Agency, ...]
    deadline: date | None
    expected_result: str
    is_key: bool


class _ImportRefused(Exception):
    """Raised inside the import's transaction to roll every row back."""


# The columns create_task's ValidationError fields belong to.
_FIELD_COLUMNS = {
    "content": excel.CONTENT,
    "lead_agency": excel.LEAD,
    "coordinating_agencies": excel.COORDINATING,
    "deadline": excel.DEADLINE,
    "expected_result": excel.RESULT,
    "is_key": excel.KEY,
}


def _with_upper_case(values: Iterable[str]) -> set[str]:
    # Numbers and codes are stored as printed (upper case); accept any case in the file.
    return {variant for value in values for variant in (value, value.upper())}


def _dissolved(agency: Agency, day: date) -> str | None:
    if agency.valid_to is None or agency.valid_to >= day:
        return None
    if agency.successor is not None:
        return _(
            "Agency %(code)s (%(name)s) no longer exists since %(day)s; "
            "assign the task to %(successor)s (%(successor_name)s)."
        ) % {
            "code": agency.code,
            "name": agency.name,
            "day": agency.valid_to.strftime("%d/%m/%Y"),
            "successor": agency.successor.code,
            "successor_name": agency.successor.name,
        }
    return _("Agency %(code)s (%(name)s) no longer exists since %(day)s.") % {
        "code": agency.code,
        "name": agency.name,
        "day": agency.valid_to.strftime("%d/%m/%Y"),
    }


def _resolve_rows(
    rows: list[dict[str, Any]], day: date
) -> tuple[list[_Planned], list[excel.RowError]]:
    """Directives and agencies for the parsed rows, and every rule create_task applies."""
    numbers = {row["directive_number"] for row in rows}
    directives = {
        directive.number.casefold(): directive
        for directive in Directive.objects.filter(number__in=_with_upper_case(numbers))
    }
    codes = {row["lead_agency_code"] for row in rows}
    codes.update(code for row in rows for code in row["coordinating_agency_codes"])
    agencies = {
        agency.code.casefold(): agency
        for agency in Agency.objects.filter(code__in=_with_upper_case(codes)).select_related(
            "successor"
        )
    }
    # Tasks already in the system, so the same file uploaded twice is refused.
    existing = {
        (directive_id, lead_id, " ".join(content.split()).casefold())
        for directive_id, lead_id, content in Task.objects.filter(
            directive__in=list(directives.values()),
            lead_agency__in=list(agencies.values()),
        ).values_list("directive_id", "lead_agency_id", "content")
    }
    planned: list[_Planned] = []
    errors: list[excel.RowError] = []
    for row in rows:
        number = row["row"]
        row_errors: list[excel.RowError] = []

        def fail(
            column: str,
            reason: str,
            errs: list[excel.RowError] = row_errors,
            at: int = number,
        ) -> None:
            errs.append(excel.RowError(at, column, reason))

        directive = directives.get(row["directive_number"].casefold())
        if directive is None:
            fail(
                excel.DIRECTIVE,
                _("No directive numbered %(number)s is in the system; enter the directive first.")
                % {"number": row["directive_number"]},
            )
        lead = agencies.get(row["lead_agency_code"].casefold())
        if lead is None:
            fail(
                excel.LEAD,
                _("No agency has the code %(code)s.") % {"code": row["lead_agency_code"]},
            )
        elif problem := _dissolved(lead, day):
            fail(excel.LEAD, problem)
        coordinating: list[Agency] = []
        unknown: list[str] = []
        for code in row["coordinating_agency_codes"]:
            agency = agencies.get(code.casefold())
            if agency is None:
                unknown.append(code)
                continue
            if problem := _dissolved(agency, day):
                fail(excel.COORDINATING, problem)
            if lead is not None and agency.pk == lead.pk:
                fail(
                    excel.COORDINATING,
                    _("The lead agency cannot also be a coordinating agency."),
                )
            elif agency not in coordinating:
                coordinating.append(agency)
        if unknown:
            fail(
                excel.COORDINATING,
                _("No agency has the code %(code)s.") % {"code": ", ".join(unknown)},
            )
        if directive is not None:
            if problem := rules.deadline_problem(row["deadline"], directive.issued_on):
                fail(excel.DEADLINE, problem)
            if (
                lead is not None
                and (
                    directive.pk,
                    lead.pk,
                    " ".join(row["content"].split()).casefold(),
                )
                in existing
            ):
                fail(
                    excel.CONTENT,
                    _("This task is already assigned to %(code)s under %(number)s.")
                    % {"code": lead.code, "number": directive.number},
                )
        errors.extend(row_errors)
        if row_errors or directive is None or lead is None:
            continue
        planned.append(
            _Planned(
                row=number,
                directive=directive,
                content=row["content"],
                lead=lead,
                coordinating=tuple(coordinating),
                deadline=row["deadline"],
                expected_result=row["expected_result"],
                is_key=row["is_key"],
            )
        )
    return planned, errors


def _preview(plan: _Planned, day: date) -> TaskPreview:
    return TaskPreview(
        row=plan.row,
        directive_number=plan.directive.number,
        directive_title=plan.directive.title,
        content=plan.content,
        lead_agency_code=plan.lead.code,
        lead_agency_name=plan.lead.name,
        coordinating_agencies=tuple(agency.name for agency in plan.coordinating),
        deadline=plan.deadline,
        expected_result=plan.expected_result,
        is_key=plan.is_key,
        status=rules.status_on(plan.deadline, day).value,
    )


def _validation_row_errors(row: int, exc: ValidationError) -> list[excel.RowError]:
    if hasattr(exc, "error_dict"):
        return [
            excel.RowError(row, _FIELD_COLUMNS.get(name, ""), message)
            for name, messages in exc.message_dict.items()
            for message in messages
        ]
    return [excel.RowError(row, "", message) for message in exc.messages]


def _sorted(errors: list[excel.RowError]) -> list[excel.RowError]:
    order = {header: index for index, header in enumerate(excel.IMPORT_HEADERS)}
    return sorted(errors, key=lambda error: (error.row, order.get(error.column, -1)))


def import_tasks(
    *, acting_user: User, data: bytes, dry_run: bool, today: date | None = None
) -> ImportResult:
    """Create the tasks of a filled-in import template: every row, or none.

    The file is checked whole first (excel.parse_import), then each row against the
    database: the directive and the agencies must exist, and every rule create_task applies
    must hold. Any error: nothing is saved and every error is returned with its row and
    column. A dry run returns what would be created and saves nothing. Otherwise the tasks
    are created through create_task in one transaction, with one TASKS_IMPORTED event.

    The file is parsed before that transaction opens: reading a workbook (bounded as it is,
    core.xlsx) must never hold the database's write lock, which SQLite takes at BEGIN.
    """
    _require_central(acting_user)
    rows, errors = excel.parse_import(data)
    if any(error.row == 0 for error in errors):
        return ImportResult(errors=errors, dry_run=dry_run)
    return _import_rows(acting_user, data, rows, errors, dry_run, _today(today))


@transaction.atomic
def _import_rows(
    acting_user: User,
    data: bytes,
    rows: list[dict[str, Any]],
    errors: list[excel.RowError],
    dry_run: bool,
    day: date,
) -> ImportResult:
    planned, resolve_errors = _resolve_rows(rows, day)
    errors = _sorted(errors + resolve_errors)
    if errors:
        return ImportResult(errors=errors, dry_run=dry_run)
    preview = [_preview(plan, day) for plan in planned]
    if dry_run:
        return ImportResult(preview=preview, dry_run=True)
    created: list[Task] = []
    try:
        with transaction.atomic():
            for plan in planned:
                try:
                    created.append(
                        create_task(
                            acting_user=acting_user,
                            directive=plan.directive,
                            content=plan.content,
                            lead_agency=plan.lead,
                            deadline=plan.deadline,
                            coordinating_agencies=plan.coordinating,
                            expected_result=plan.expected_result,
                            is_key=plan.is_key,
                            today=day,
                        )
                    )
                except ValidationError as exc:
                    errors.extend(_validation_row_errors(plan.row, exc))
            if errors:
                raise _ImportRefused
            record(
                event_type=EventType.TASKS_IMPORTED,
                acting_user=acting_user,
                target_type=Task._meta.label_lower,
                data={
                    "count": len(created),
                    "sha256": hashlib.sha256(data).hexdigest(),
                    "directives": sorted({plan.directive.number for plan in planned}),
                    "task_ids": [task.pk for task in created],
                },
            )
    except _ImportRefused:
        return ImportResult(errors=_sorted(errors), preview=preview)
    return ImportResult(
        created=len(created), preview=preview, task_ids=[task.pk for task in created]
    )
