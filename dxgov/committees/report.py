"""The standing office's report to a session, computed from plain facts (pure: no ORM).

The report is a snapshot: `sources.py` reads the platform's data as it stands when the report
is drafted, this module turns it into numbers, and the numbers are stored with their sources
(which rows, which period, computed when) and never recomputed. A session held in August
reports the tasks as they stood when the office drafted the report, whatever happens to them
afterwards.

The tasks are those the conclusions of the committee's earlier sessions assigned. A task's
status on the day of the report follows the task rules (`directives.rules`): completed when it
was completed on or before that day (and is confirmed done); reported done and awaiting
confirmation; otherwise open, or overdue once its deadline has passed — the same rule the
task statistics use (`directives.stats.effective_status`), so on the day itself the report
says what the statistics say. Postponed and cancelled tasks keep those statuses. Counting
and the sentence ("27 nhiệm vụ: 15 hoàn thành, 12 đang thực hiện (1 quá hạn)") are the task
statistics' own (`directives.summary`).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from dxgov.committees.ballots import canonical
from dxgov.directives import summary
from dxgov.directives.rules import DONE, Status, is_past

SNAPSHOT_VERSION = 1
# The sections of a report, in the order they are written.
SECTIONS = ("tasks", "indicators", "qd766", "dti", "investment", "late_reports")


@dataclass(frozen=True)
class TaskFact:
    id: int
    status: str
    deadline: date | None
    original_deadline: date | None
    completed_on: date | None
    lead_code: str
    lead_name: str
    content: str
    session: int  # the number of the session whose conclusion assigned it
    item: int  # the conclusion item's number


def status_as_of(fact: TaskFact, day: date) -> Status:
    """The task's status on `day` (see the module's docstring)."""
    current = Status(fact.status)
    if current in {Status.POSTPONED, Status.CANCELLED}:
        return current
    finished = fact.completed_on is not None and fact.completed_on <= day
    if finished and (current in DONE or current == Status.AWAITING_CONFIRMATION):
        return current
    return Status.OVERDUE if is_past(fact.deadline, day) else Status.OPEN


def counts_as_of(facts: Iterable[TaskFact], day: date) -> dict[str, int]:
    counted = Counter(status_as_of(fact, day).value for fact in facts)
    return {status.value: counted.get(status.value, 0) for status in Status}


def sentence(counts: Mapping[str, int]) -> str:
    """ "27 tasks: 15 completed, 12 in progress (1 overdue)" in the reader's language."""
    return summary.sentence(summary.summarise(counts))


def task_section(facts: list[TaskFact], day: date) -> dict[str, Any]:
    """The tasks of earlier sessions' conclusions on `day`: counts overall and per session,
    the agencies with overdue tasks, and each task with its status then."""
    rows = []
    overdue: dict[str, dict[str, Any]] = {}
    for fact in sorted(facts, key=lambda f: (f.session, f.item, f.id)):
        status = status_as_of(fact, day)
        rows.append(
            {
                "task": fact.id,
                "session": fact.session,
                "item": fact.item,
                "content": fact.content,
                "lead": fact.lead_code,
                "lead_name": fact.lead_name,
                "deadline": fact.deadline.isoformat() if fact.deadline else None,
                "completed_on": fact.completed_on.isoformat()
                if fact.completed_on and fact.completed_on <= day
                else None,
                "status": status.value,
            }
        )
        if status == Status.OVERDUE:
            entry = overdue.setdefault(
                fact.lead_code, {"code": fact.lead_code, "name": fact.lead_name, "tasks": []}
            )
            entry["tasks"].append(fact.id)
    by_session = []
    for number in sorted({f.session for f in facts}, reverse=True):
        of_session = [f for f in facts if f.session == number]
        by_session.append({"session": number, "counts": counts_as_of(of_session, day)})
    agencies = sorted(overdue.values(), key=lambda a: (-len(a["tasks"]), a["name"]))
    return {
        "key": "tasks",
        "available": bool(facts),
        "counts": counts_as_of(facts, day),
        "by_session": by_session,
        "overdue_agencies": agencies,
        "rows": rows,
        "source": {
            "app": "directives",
            "what": "tasks linked to the conclusion items of the committee's earlier sessions",
            "task_ids": sorted(f.id for f in facts),
            "as_of": day.isoformat(),
        },
    }


def unavailable(key: str, reason: str = "") -> dict[str, Any]:
    """A section with nothing to say yet ("chưa có số liệu"), and why when known."""
    return {"key": key, "available": False, "reason": reason, "rows": []}


def build(
    *,
    committee: Mapping[str, Any],
    session: Mapping[str, Any],
    day: date,
    drafted_at: str,
    sections: Mapping[str, dict[str, Any]],
) -> dict[str, Any]:
    """The snapshot: every section in order (a missing one is unavailable)."""
    return {
        "v": SNAPSHOT_VERSION,
        "committee": dict(committee),
        "session": dict(session),
        "as_of": day.isoformat(),
        "drafted_at": drafted_at,
        "sections": [sections.get(key) or unavailable(key) for key in SECTIONS],
    }


def digest(snapshot: Mapping[str, Any]) -> str:
    """SHA-256 of the snapshot's canonical JSON: kept with it and in the audit event, so a
    changed number shows."""
    return hashlib.sha256(canonical(snapshot)).hexdigest()


def section(snapshot: Mapping[str, Any], key: str) -> dict[str, Any]:
    for found in snapshot.get("sections", []):
        if found.get("key") == key:
            return dict(found)
    return unavailable(key)
