"""A task's timeline: what happened to it, oldest first, read once for the task page and for
`GET /api/v1/tasks/{id}/timeline`, so the two always list the same events.

Each kind comes from where it is recorded: status changes from the audit events of the task
(those whose status differs before and after), progress reports with their evidence files,
extension requests and their decisions from their rows, and files attached to the task
outside a progress report from theirs. Progress and extension events in the audit ledger are
not repeated: their rows say more.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext as _

from dxgov.audit.models import AuditEvent
from dxgov.directives.models import Attachment, ExtensionRequest, ProgressReport, Task


class Kind(StrEnum):
    STATUS_CHANGE = "status_change"
    PROGRESS_REPORT = "progress_report"
    EXTENSION_REQUEST = "extension_request"
    EXTENSION_DECISION = "extension_decision"
    FILE = "file"


@dataclass(frozen=True)
class File:
    id: int
    name: str
    size: int


@dataclass(frozen=True)
class Entry:
    """One event: who (user name, and the name shown: full name, else user name), what."""

    at: datetime
    kind: Kind
    actor: str | None
    actor_name: str | None
    label: str
    old_status: str | None = None
    new_status: str | None = None
    percent: int | None = None
    text: str = ""
    reason: str = ""  # a progress report's reason for going down
    files: tuple[File, ...] = ()
    previous_deadline: date | None = None
    requested_deadline: date | None = None
    state: str | None = None
    seq: int = 0  # the audit sequence number: orders events recorded at the same instant


def _names(user: Any) -> tuple[str | None, str | None]:
    if user is None:
        return None, None
    return user.get_username(), user.display_name()


def _file(attachment: Attachment) -> File:
    return File(attachment.pk, attachment.original_name, attachment.size)


def _status_changes(task: Task) -> list[Entry]:
    events = AuditEvent.objects.filter(
        target_type=Task._meta.label_lower, target_id=str(task.pk)
    ).select_related("actor")
    entries = []
    for event in events.order_by("seq"):
        change = event.data.get("status") or {}
        old, new = change.get("old"), change.get("new")
        if not new or old == new:
            continue  # progress, extension and file events: read from their own rows
        entries.append(
            Entry(
                at=event.occurred_at,
                kind=Kind.STATUS_CHANGE,
                actor=event.actor_label,
                # No user: the day's run (the overdue sweep) or a command; named in words.
                actor_name=event.actor.display_name() if event.actor else _("System"),
                label=event.type_label,
                old_status=old,
                new_status=new,
                text=event.reason,
                seq=event.seq,
            )
        )
    return entries


def _progress_reports(task: Task) -> list[Entry]:
    reports = ProgressReport.objects.filter(task=task).select_related("author")
    entries = []
    for report in reports.prefetch_related("attachments"):
        who, shown = _names(report.author)
        entries.append(
            Entry(
                at=report.created_at,
                kind=Kind.PROGRESS_REPORT,
                actor=who,
                actor_name=shown,
                label=_("Progress report"),
                percent=report.percent,
                text=report.narrative,
                reason=report.reason,
                files=tuple(_file(a) for a in report.attachments.all()),
            )
        )
    return entries


def _extension_entry(
    extension: ExtensionRequest, kind: Kind, at: datetime, user: Any, label: str, text: str
) -> Entry:
    who, shown = _names(user)
    return Entry(
        at=at,
        kind=kind,
        actor=who,
        actor_name=shown,
        label=label,
        text=text,
        previous_deadline=extension.previous_deadline,
        requested_deadline=extension.requested_deadline,
        state=extension.state,
    )


def _extensions(task: Task) -> list[Entry]:
    entries = []
    requests = ExtensionRequest.objects.filter(task=task).select_related(
        "requested_by", "decided_by"
    )
    for extension in requests:
        entries.append(
            _extension_entry(
                extension,
                Kind.EXTENSION_REQUEST,
                extension.created_at,
                extension.requested_by,
                _("Deadline extension requested"),
                extension.reason,
            )
        )
        if extension.decided_at is not None:
            entries.append(
                _extension_entry(
                    extension,
                    Kind.EXTENSION_DECISION,
                    extension.decided_at,
                    extension.decided_by,
                    str(extension.get_state_display()),
                    extension.decision_note,
                )
            )
    return entries


def _files(task: Task) -> list[Entry]:
    attachments = Attachment.objects.filter(task=task, progress_report__isnull=True)
    entries = []
    for attachment in attachments.select_related("uploaded_by"):
        who, shown = _names(attachment.uploaded_by)
        entries.append(
            Entry(
                at=attachment.uploaded_at,
                kind=Kind.FILE,
                actor=who,
                actor_name=shown,
                label=_("File attached"),
                files=(_file(attachment),),
            )
        )
    return entries


def task_timeline(task: Task) -> list[Entry]:
    """Every entry of the task's timeline, oldest first."""
    entries = [*_status_changes(task), *_progress_reports(task), *_extensions(task), *_files(task)]
    return sorted(entries, key=lambda entry: (entry.at, entry.seq))
