"""Task statistics (pure: plain rows in, plain dicts out, no ORM).

A row is a mapping with at least `status` and `deadline`; `lead_agency_code` for the
breakdown by agency. The figures follow the Government Office's reports (vietnam-rules §9):

- completed = done on time + done late (a task awaiting confirmation is not yet completed);
- an open task whose deadline has passed counts as overdue even before the nightly sweep
  moves it (the deadline is inclusive: the deadline day itself is still in time);
- completion rate = completed / (total − cancelled): a cancelled task is not expected done;
- on-time rate = done on time / completed;
- rates are percentages rounded half up to one decimal, or None when nothing is counted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from dxgov.directives.rules import Status, is_past

Row = Mapping[str, Any]


def effective_status(status: str, deadline: date | None, today: date) -> Status:
    """The status to count: open past its deadline is overdue, whatever the sweep has done."""
    current = Status(status)
    if current == Status.OPEN and is_past(deadline, today):
        return Status.OVERDUE
    return current


def rate(part: int, whole: int) -> float | None:
    """part/whole as a percentage with one decimal, rounded half up; None when whole is 0."""
    if whole <= 0:
        return None
    value = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return float(value)


def summarize(rows: Iterable[Row], today: date) -> dict[str, Any]:
    """Counts by status (every status, zeros included), totals and the two rates."""
    counts: Counter[Status] = Counter(
        effective_status(row["status"], row.get("deadline"), today) for row in rows
    )
    by_status = {status.value: counts.get(status, 0) for status in Status}
    total = sum(by_status.values())
    on_time = by_status[Status.DONE_ON_TIME]
    late = by_status[Status.DONE_LATE]
    completed = on_time + late
    return {
        "total": total,
        "by_status": by_status,
        "completed": completed,
        "on_time": on_time,
        "late": late,
        "overdue": by_status[Status.OVERDUE],
        "completion_rate": rate(completed, total - by_status[Status.CANCELLED]),
        "on_time_rate": rate(on_time, completed),
    }


def summarize_by_agency(rows: Iterable[Row], today: date) -> list[dict[str, Any]]:
    """One summary per lead agency (`lead_agency_code`), ordered by agency code."""
    groups: dict[str, list[Row]] = {}
    for row in rows:
        groups.setdefault(row["lead_agency_code"], []).append(row)
    return [{"agency": code, **summarize(groups[code], today)} for code in sorted(groups)]
