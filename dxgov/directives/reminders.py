"""Which task reminders and agency digests are due on a day (pure: plain values, no ORM).

A task is a plain mapping with `id`, `status`, `deadline` (the current, possibly extended,
deadline; None when there is none) and `lead_agency_id`. Only active tasks (open or overdue)
are reminded of: completed, awaiting-confirmation, postponed and cancelled tasks get nothing.

- "due soon": exactly N days before the deadline, for each N in `offsets` (7, 3 and 1 by
  default); on the deadline day itself nothing, as the deadline is met through its whole day.
- "overdue": every day after the deadline while the task is still active. The caller's
  dedupe key (one per task and recipient) makes it one message per task, ever, and a day the
  job did not run is caught up the next time it does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from dxgov.directives.rules import ACTIVE, is_past

# The same codes as notifications.models.NotificationKind (a test keeps them in step).
DUE_SOON = "task_due_soon"
OVERDUE = "task_overdue"
DEFAULT_OFFSETS: tuple[int, ...] = (7, 3, 1)
# "Due this week": the deadline falls on one of the next seven days, today included.
WEEK_DAYS = 7


class Reminder(NamedTuple):
    task_id: int
    kind: str
    # Days left before the deadline ("due soon") or days past it ("overdue").
    offset: int


def _active(task: Mapping[str, Any]) -> bool:
    return str(task["status"]) in ACTIVE


def due_reminders(
    tasks: Iterable[Mapping[str, Any]],
    today: date,
    offsets: Iterable[int] = DEFAULT_OFFSETS,
) -> list[Reminder]:
    """The reminders due on `today`, in the order of `tasks`."""
    wanted = set(offsets)
    if any(offset < 1 for offset in wanted):
        raise ValueError("reminder offsets are whole days before the deadline, 1 or more")
    due: list[Reminder] = []
    for task in tasks:
        deadline: date | None = task["deadline"]
        if deadline is None or not _active(task):
            continue
        if is_past(deadline, today):
            due.append(Reminder(int(task["id"]), OVERDUE, (today - deadline).days))
            continue
        days_left = (deadline - today).days
        if days_left in wanted:
            due.append(Reminder(int(task["id"]), DUE_SOON, days_left))
    return due


@dataclass(frozen=True)
class Digest:
    """One lead agency's active tasks on a day."""

    agency_id: int
    open: int  # active and within the deadline (or without one)
    overdue: int  # active and past the deadline
    due_this_week: int  # within the deadline, which falls in the next seven days
    overdue_task_ids: tuple[int, ...]  # oldest deadline first

    @property
    def active(self) -> int:
        return self.open + self.overdue


def agency_digests(tasks: Iterable[Mapping[str, Any]], today: date) -> list[Digest]:
    """One digest per lead agency with at least one active task, by agency id."""
    by_agency: dict[int, list[Mapping[str, Any]]] = {}
    for task in tasks:
        if _active(task):
            by_agency.setdefault(int(task["lead_agency_id"]), []).append(task)
    digests = []
    for agency_id in sorted(by_agency):
        rows = by_agency[agency_id]
        late = sorted(
            (t for t in rows if is_past(t["deadline"], today)),
            key=lambda t: (t["deadline"], t["id"]),
        )
        within = [t for t in rows if not is_past(t["deadline"], today)]
        this_week = [
            t
            for t in within
            if t["deadline"] is not None and (t["deadline"] - today).days < WEEK_DAYS
        ]
        digests.append(
            Digest(
                agency_id=agency_id,
                open=len(within),
                overdue=len(late),
                due_this_week=len(this_week),
                overdue_task_ids=tuple(int(t["id"]) for t in late),
            )
        )
    return digests
