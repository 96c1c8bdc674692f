"""The task status state machine (pure: plain values in and out, no ORM).

Statuses are the Government Office's (vietnam-rules §9, glossary "Directives and tasks"):
a task is open (within its deadline) or overdue until its lead agency marks it done; it then
awaits the coordinator's confirmation, which makes it done on time or done late. On time is
judged against the ORIGINAL deadline, inclusive, even after an approved extension: an extension
moves the working deadline (so the task stops being overdue) but never the original one.
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from enum import StrEnum

from django.utils.translation import gettext as _

from dxgov.core.errors import TransitionNotAllowed

# The longest text each field takes, the same through the form, the API (declared in its
# OpenAPI schema as maxLength) and the Excel import; the actions refuse anything longer.
# A programme's task (4,000 characters) becomes a task when the programme is approved.
CONTENT_MAX = 4000  # a task's content and its expected result
TEXT_MAX = 4000  # a directive's summary; narratives, reasons and notes
NUMBER_MAX = 64  # a directive's number and symbol (Directive.number)
TITLE_MAX = 500  # a directive's title (Directive.title)
AGENCY_CODE_MAX = 32  # an agency's code (Agency.code)
COORDINATING_MAX = 50  # coordinating agencies of one task


class Status(StrEnum):
    OPEN = "open"
    OVERDUE = "overdue"
    DONE_ON_TIME = "done_on_time"
    DONE_LATE = "done_late"
    AWAITING_CONFIRMATION = "awaiting_confirmation"
    POSTPONED = "postponed"
    CANCELLED = "cancelled"


class Action(StrEnum):
    REPORT_PROGRESS = "report_progress"
    MARK_DONE = "mark_done"
    CONFIRM = "confirm"
    RETURN_TASK = "return_task"
    POSTPONE = "postpone"
    RESUME = "resume"
    CANCEL = "cancel"
    REQUEST_EXTENSION = "request_extension"
    APPROVE_EXTENSION = "approve_extension"


ACTIVE = frozenset({Status.OPEN, Status.OVERDUE})
DONE = frozenset({Status.DONE_ON_TIME, Status.DONE_LATE})
FINAL = DONE | {Status.CANCELLED}

# The statuses each action may start from.
ALLOWED_FROM: dict[Action, frozenset[Status]] = {
    Action.REPORT_PROGRESS: ACTIVE,
    Action.MARK_DONE: ACTIVE,
    Action.CONFIRM: frozenset({Status.AWAITING_CONFIRMATION}),
    Action.RETURN_TASK: frozenset({Status.AWAITING_CONFIRMATION}),
    Action.POSTPONE: ACTIVE,
    Action.RESUME: frozenset({Status.POSTPONED}),
    Action.CANCEL: ACTIVE | {Status.AWAITING_CONFIRMATION, Status.POSTPONED},
    Action.REQUEST_EXTENSION: ACTIVE,
    Action.APPROVE_EXTENSION: ACTIVE,
}


def status_label(status: str) -> str:
    labels = {
        Status.OPEN: _("open within deadline"),
        Status.OVERDUE: _("overdue"),
        Status.DONE_ON_TIME: _("completed on time"),
        Status.DONE_LATE: _("completed late"),
        Status.AWAITING_CONFIRMATION: _("awaiting confirmation"),
        Status.POSTPONED: _("postponed"),
        Status.CANCELLED: _("cancelled"),
    }
    return labels[Status(status)]


def is_past(deadline: date | None, today: date) -> bool:
    """A deadline is met through the whole of its day: only the day after is past it."""
    return deadline is not None and today > deadline


def completion_status(original_deadline: date | None, completed_on: date) -> Status:
    """Done on time when completed on or before the original deadline (or with none)."""
    if is_past(original_deadline, completed_on):
        return Status.DONE_LATE
    return Status.DONE_ON_TIME


def status_on(
    deadline: date | None,
    today: date,
    completed_on: date | None = None,
    original_deadline: date | None = None,
) -> Status:
    """The status a task should have on `today`, from its dates alone.

    Not completed: open while today is on or before the (current) deadline, overdue after.
    Completed: done on time or late against the original deadline (the deadline if none).
    """
    if completed_on is not None:
        return completion_status(original_deadline or deadline, completed_on)
    return Status.OVERDUE if is_past(deadline, today) else Status.OPEN


def _refusal(current: Status, action: Action) -> str:
    if current == Status.CANCELLED:
        return _("The task has been cancelled; nothing more can be done on it.")
    if current in DONE:
        return _("The task is already completed and confirmed; it can no longer be changed.")
    if action in {Action.CONFIRM, Action.RETURN_TASK}:
        return _(
            "Only a task awaiting confirmation can be confirmed or returned; "
            "this one is %(status)s."
        ) % {"status": status_label(current)}
    if current == Status.AWAITING_CONFIRMATION:
        return _(
            "The task has been reported done and is awaiting confirmation; the coordinator "
            "must confirm it or return it first."
        )
    if current == Status.POSTPONED:
        return _("The task is postponed; resume it first.")
    if action == Action.RESUME:
        return _("Only a postponed task can be resumed; this one is %(status)s.") % {
            "status": status_label(current)
        }
    return _("This cannot be done on a task that is %(status)s.") % {
        "status": status_label(current)
    }


def check_transition(
    current: str,
    action: str,
    *,
    today: date | None = None,
    deadline: date | None = None,
    original_deadline: date | None = None,
    completed_on: date | None = None,
) -> Status:
    """The status after `action`, or TransitionNotAllowed saying why not.

    The dates matter for some actions: `confirm` needs `completed_on` (judged against
    `original_deadline`); `return_task`, `resume` and `approve_extension` need `today` and the
    (new) `deadline` to decide between open and overdue.
    """
    status, act = Status(current), Action(action)
    if status not in ALLOWED_FROM[act]:
        raise TransitionNotAllowed(_refusal(status, act), current=status, action=act)
    if act in {Action.REPORT_PROGRESS, Action.REQUEST_EXTENSION}:
        return status
    if act == Action.MARK_DONE:
        return Status.AWAITING_CONFIRMATION
    if act == Action.POSTPONE:
        return Status.POSTPONED
    if act == Action.CANCEL:
        return Status.CANCELLED
    if act == Action.CONFIRM:
        if completed_on is None:
            raise TransitionNotAllowed(
                _("The task has no completion date, so it cannot be confirmed."),
                current=status,
                action=act,
            )
        return completion_status(original_deadline or deadline, completed_on)
    # return_task, resume, approve_extension: back to work, judged by the working deadline.
    if today is None:
        raise TypeError(f"{act} needs today's date")
    return status_on(deadline, today)


def extended_deadlines(
    original_deadline: date | None, deadline: date | None, new_deadline: date
) -> tuple[date, date]:
    """(original, working) deadlines after an approved extension: the original never moves."""
    original = original_deadline or deadline or new_deadline
    return original, new_deadline


def extension_problem(deadline: date | None, requested: date, today: date) -> str | None:
    """Why a requested deadline cannot be asked for, or None when it can."""
    if deadline is None:
        return _("The task has no deadline, so there is nothing to extend.")
    if requested <= deadline:
        return _("The requested deadline must be later than the current deadline (%(day)s).") % {
            "day": deadline.strftime("%d/%m/%Y")
        }
    if requested < today:
        return _("The requested deadline is already in the past.")
    return None


def deadline_problem(deadline: date | None, issued_on: date) -> str | None:
    """Why a task's deadline is unacceptable for a directive issued on `issued_on`."""
    if deadline is not None and deadline < issued_on:
        return _("The deadline (%(deadline)s) is before the directive was issued (%(issued)s).") % {
            "deadline": deadline.strftime("%d/%m/%Y"),
            "issued": issued_on.strftime("%d/%m/%Y"),
        }
    return None


def progress_problem(previous: int, percent: int, reason: str) -> dict[str, str]:
    """Why a progress report cannot be accepted, by field; empty when it can.

    Progress is a percentage from 0 to 100. Going back (20 % reported, then 10 %) happens (work
    found faulty, the scope grew), but never silently: it needs the reason, kept with the report.
    """
    if not 0 <= percent <= 100:
        return {"percent": _("Progress is a percentage from 0 to 100.")}
    if percent < previous and not reason.strip():
        return {
            "reason": _(
                "Progress goes down from %(previous)d%% to %(percent)d%%: give the reason "
                "for the decrease."
            )
            % {"previous": previous, "percent": percent}
        }
    return {}


# --- recurring tasks ----------------------------------------------------------------------


class Recurrence(StrEnum):
    NONE = "none"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    YEARLY = "yearly"


_STEP_MONTHS = {Recurrence.MONTHLY: 1, Recurrence.QUARTERLY: 3, Recurrence.YEARLY: 12}
MAX_OCCURRENCES = 60


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's last day (31 Jan + 1 → 28/29 Feb)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def occurrences(first: date, recurrence: Recurrence, until: date | None) -> list[date]:
    """The deadline of each occurrence: one per period from `first` up to `until` inclusive."""
    if recurrence == Recurrence.NONE or until is None:
        return [first]
    step = _STEP_MONTHS[recurrence]
    deadlines: list[date] = []
    # Each deadline is computed from the first, so 31 Jan → 28 Feb → 31 Mar, not 28 Mar.
    while len(deadlines) <= MAX_OCCURRENCES:
        deadline = add_months(first, step * len(deadlines))
        if deadline > until:
            break
        deadlines.append(deadline)
    return deadlines


def recurrence_problem(
    first: date | None, recurrence: Recurrence, until: date | None
) -> str | None:
    """Why a recurring task cannot be created as given, or None."""
    if recurrence == Recurrence.NONE:
        return None
    if first is None:
        return _("A recurring task needs the deadline of its first occurrence.")
    if until is None:
        return _("Say until when the task recurs.")
    if until < first:
        return _("The recurrence must end on or after the first deadline.")
    if len(occurrences(first, recurrence, until)) > MAX_OCCURRENCES:
        return _("At most %(n)d occurrences can be created at once; choose an earlier end.") % {
            "n": MAX_OCCURRENCES
        }
    return None


# --- directive numbers --------------------------------------------------------------------

# "155/NQ-CP", "34/CT-TTg", "766/QĐ-TTg", "202/2025/QH15", "01/2020/TT-VPCP", "02-KH/BCĐTW":
# a number (maybe with a type suffix), an optional year, then the symbol of type and issuer.
NUMBER_PATTERN = re.compile(r"^\d{1,5}(-[A-ZĐ]+)?(/\d{4})?/[A-ZĐ][A-ZĐa-zđ0-9]*(-[A-ZĐa-zđ0-9]+)*$")


def number_problem(number: str) -> str | None:
    """Why a number and symbol is not in the administrative format, or None."""
    if NUMBER_PATTERN.match(number):
        return None
    return _(
        "“%(number)s” is not a number and symbol such as 155/NQ-CP, 34/CT-TTg or 202/2025/QH15."
    ) % {"number": number}
