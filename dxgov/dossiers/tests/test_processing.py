"""`processing()` as rewritten for ingestion speed (`processing_parsed`, memoised working
days) against the implementation it replaced, kept here as the reference (moved with the
processing rules from the Decision 766 engine to the dossiers app)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from dxgov.core.calendar import TZ, WorkingCalendar
from dxgov.dossiers import processing
from dxgov.dossiers.processing import (
    END_PRECEDENCE,
    NO_HOLIDAYS,
    SUPPLEMENT_COMPLETED,
    SUPPLEMENT_OPEN,
    SUPPLEMENT_REQUESTED,
    InvalidRecord,
    Processing,
    as_datetime,
)
from dxgov.dossiers.schema import STATUSES


def _add_working_days_before(calendar: WorkingCalendar, start: datetime, days: int) -> datetime:
    local = start.astimezone(TZ)
    day = local.date()
    remaining = days
    while remaining > 0:
        day += timedelta(days=1)
        if calendar.is_working_day(day):
            remaining -= 1
    return datetime.combine(day, local.timetz())


def processing_before(record: dict[str, Any], calendar: WorkingCalendar) -> Processing:
    """processing() as it was before the ingestion speed work (commit fbe5e9f)."""
    received_at = as_datetime(record.get("received_at"))
    if received_at is None:
        raise InvalidRecord("received_at")
    history = sorted(
        (
            (at, str(item.get("status")))
            for item in record.get("status_history") or ()
            if (at := as_datetime(item.get("at"))) is not None
        ),
        key=lambda pair: pair[0],
    )
    end_at: datetime | None = None
    end_status: str | None = None
    for statuses in END_PRECEDENCE:
        times = [at for at, status in history if status in statuses]
        if times:
            end_at = min(times)
            end_status = next(s for at, s in history if at == end_at and s in statuses)
            break
    if end_at is None:
        finished_at = as_datetime(record.get("finished_at"))
        if finished_at is not None:
            end_at, end_status = finished_at, "finished_at"
    requests = 0
    seconds = 0
    open_request: datetime | None = None
    for at, status in history:
        if status == SUPPLEMENT_REQUESTED:
            requests += 1
            if open_request is None:
                open_request = at
        elif status == SUPPLEMENT_COMPLETED and open_request is not None:
            stop = at if end_at is None else min(at, end_at)
            seconds += max(0, int((stop - open_request).total_seconds()))
            open_request = None
    supplement_open = open_request is not None
    if requests == 1 and open_request is not None and (end_at is None or open_request < end_at):
        end_at, end_status = open_request, SUPPLEMENT_OPEN
    due_at = as_datetime(record.get("due_at"))
    deadline = due_at
    if deadline is None:
        deadline = processing.deadline(received_at, record.get("processing_time"), calendar)
        limit = record.get("processing_time")
        if deadline is not None and isinstance(limit, dict) and limit.get("unit") == "working_day":
            amount = float(limit["value"])
            whole = int(amount)
            base = _add_working_days_before(calendar, received_at, whole)
            deadline = base + timedelta(days=amount - whole)
    effective_due = None if deadline is None else deadline + timedelta(seconds=seconds)
    return Processing(
        received_at=received_at,
        end_at=end_at,
        end_status=end_status,
        supplement_seconds=seconds,
        supplement_requests=requests,
        supplement_open=supplement_open,
        late_by_supplements=requests >= 2,
        due_at=due_at,
        effective_due=effective_due,
    )


statuses = st.sampled_from([*sorted(STATUSES), "unknown"])
zones = st.sampled_from(["+07:00", "+00:00", "-05:00", "+14:00"])
# Whole hours as well as fractions, so that equal times (ties) are frequent.
offsets = st.integers(0, 40 * 24).map(float) | st.floats(0, 960, allow_nan=False)
starts = st.datetimes(datetime(2024, 12, 20), datetime(2026, 1, 10))
calendars = st.sampled_from(
    [
        NO_HOLIDAYS,
        WorkingCalendar(frozenset({datetime(2025, 1, 1).date(), datetime(2025, 4, 30).date()})),
    ]
)


@st.composite
def records(draw: st.DrawFn) -> dict[str, Any]:
    start = draw(starts)
    zone = draw(zones)

    def moment(hours: float) -> str:
        return (start + timedelta(hours=hours)).isoformat() + zone

    events = draw(st.lists(st.tuples(statuses, offsets), max_size=7))
    limit = draw(
        st.none()
        | st.fixed_dictionaries(
            {
                "value": st.integers(0, 60) | st.floats(0, 60, allow_nan=False),
                "unit": st.sampled_from(["working_day", "day", "hour", "week"]),
            }
        )
    )
    return {
        "received_at": moment(0),
        "due_at": draw(st.none() | offsets.map(moment)),
        "finished_at": draw(st.none() | offsets.map(moment)),
        "processing_time": limit,
        "status_history": [{"status": s, "at": moment(h)} for s, h in events],
    }


@settings(max_examples=3000, deadline=None)
@given(records(), calendars)
def test_processing_is_unchanged(record: dict[str, Any], calendar: WorkingCalendar) -> None:
    assert processing.processing(record, calendar=calendar) == processing_before(record, calendar)


@settings(max_examples=1000, deadline=None)
@given(records())
def test_processing_parsed_matches_processing(record: dict[str, Any]) -> None:
    history = [(datetime.fromisoformat(h["at"]), h["status"]) for h in record["status_history"]]
    parsed = processing.processing_parsed(
        datetime.fromisoformat(record["received_at"]),
        history,
        finished_at=record["finished_at"] and datetime.fromisoformat(record["finished_at"]),
        due_at=record["due_at"] and datetime.fromisoformat(record["due_at"]),
        limit=record["processing_time"],
    )
    assert parsed == processing_before(record, NO_HOLIDAYS)
