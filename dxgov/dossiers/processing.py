"""A dossier's processing figures (Decision 766 §2.2), from its status history: pure.

* End of processing: the first status reached by precedence finished > returned > stopped /
  rejected / withdrawn; else the record's `finished_at`; else a single open supplement request
  ends processing at that request; else None (still open).
* Supplement time: the sum of request → completion spans before the end (the citizen's time,
  not the agency's).
* Two or more supplement requests: `late_by_supplements`, whatever the dates.
* `effective_due` = `due_at` + supplement time; without `due_at`, `received_at` + the
  procedure's processing time (`deadline`: working days counted in the working-day calendar,
  `dxgov.core.calendar`, so across Tết and the other days off) + supplement time; None when
  there is no deadline at all.

Ingestion stores these figures as the dossier's columns (`rows.to_row`); Decision 766's engine
(`dxgov.scoring.qd766`) reads them to count dossiers on time.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from dxgov.core.calendar import TZ, WorkingCalendar

# Statuses of `status_history` by name (the format's list is `schema.Status`; a test holds the
# two equal).
RECEIVED = "received"
PROCESSING = "processing"
SUPPLEMENT_REQUESTED = "supplement_requested"
SUPPLEMENT_COMPLETED = "supplement_completed"
FINISHED = "finished"
RETURNED = "returned"
STOPPED = "stopped"
REJECTED = "rejected"
WITHDRAWN = "withdrawn"
# End of processing, by precedence (§2.2): finished > returned > stopped / rejected / withdrawn.
END_PRECEDENCE: tuple[frozenset[str], ...] = (
    frozenset({FINISHED}),
    frozenset({RETURNED}),
    frozenset({STOPPED, REJECTED, WITHDRAWN}),
)
SUPPLEMENT_OPEN = "supplement_open"  # `Processing.end_status` when an open request ends processing
_SUPPLEMENT_STATUSES = frozenset({SUPPLEMENT_REQUESTED, SUPPLEMENT_COMPLETED})
NO_HOLIDAYS = WorkingCalendar()
"""Monday to Friday and no day off: the calendar of callers that pass none (tests, sketches)."""


class Processing(NamedTuple):
    """What `processing()` derives from a dossier's status history (stored as columns)."""

    received_at: datetime
    end_at: datetime | None  # None while still being processed
    end_status: str | None  # FINISHED … WITHDRAWN, SUPPLEMENT_OPEN, "finished_at", or None
    supplement_seconds: int  # citizen time between a request and its completion, subtracted
    supplement_requests: int
    supplement_open: bool  # the last request has no completion
    late_by_supplements: bool  # two or more requests: late whatever the dates
    due_at: datetime | None  # as the source sent it
    effective_due: datetime | None  # deadline + supplement time; None when there is no deadline


class InvalidRecord(ValueError):
    def __init__(self, field_name: str) -> None:
        super().__init__(f"The dossier record needs a valid {field_name!r} date and time.")
        self.field_name = field_name


def processing(record: Mapping[str, Any], *, calendar: WorkingCalendar = NO_HOLIDAYS) -> Processing:
    """The processing figures of one dossier record (`dxgov.dossier/1`, a mapping with ISO
    strings or datetimes; a time without offset is read in Viet Nam's)."""
    received_at = as_datetime(record.get("received_at"))
    if received_at is None:
        raise InvalidRecord("received_at")
    history = [
        (at, str(item.get("status")))
        for item in record.get("status_history") or ()
        if (at := as_datetime(item.get("at"))) is not None
    ]
    return processing_parsed(
        received_at,
        history,
        finished_at=record.get("finished_at"),
        due_at=record.get("due_at"),
        limit=record.get("processing_time"),
        calendar=calendar,
    )


def processing_parsed(
    received_at: datetime,
    history: list[tuple[datetime, str]],
    *,
    finished_at: Any,
    due_at: Any,
    limit: Any,
    calendar: WorkingCalendar = NO_HOLIDAYS,
) -> Processing:
    """The figures of a record whose received time and history (`(at, status)` pairs, in the
    record's order) are already parsed, as ingestion has them; `history` is sorted in place.
    `finished_at` and `due_at` are datetimes or ISO strings, `limit` the processing time
    (`{"value", "unit"}`), as in a record."""
    history.sort(key=_first)
    end_at, end_status = _end(history, finished_at)
    requests = 0
    seconds = 0
    open_request: datetime | None = None
    if any(status in _SUPPLEMENT_STATUSES for _at, status in history):
        for at, status in history:
            if status == SUPPLEMENT_REQUESTED:
                requests += 1
                if open_request is None:
                    open_request = at
            elif status == SUPPLEMENT_COMPLETED and open_request is not None:
                stop = at if end_at is None else min(at, end_at)
                seconds += max(0, int((stop - open_request).total_seconds()))
                open_request = None
    if requests == 1 and open_request is not None and (end_at is None or open_request < end_at):
        end_at, end_status = open_request, SUPPLEMENT_OPEN

    due = as_datetime(due_at)
    limit_due = due if due is not None else deadline(received_at, limit, calendar)
    effective_due = None if limit_due is None else limit_due + timedelta(seconds=seconds)
    return Processing(
        received_at,
        end_at,
        end_status,
        seconds,
        requests,
        open_request is not None,
        requests >= 2,
        due,
        effective_due,
    )


def _end(
    history: list[tuple[datetime, str]], finished_at: Any
) -> tuple[datetime | None, str | None]:
    """The end of processing by precedence (history sorted by time: the first match is the
    earliest; ties: the first listed), else the record's `finished_at`."""
    for statuses in END_PRECEDENCE:
        for at, status in history:
            if status in statuses:
                return at, status
    finished = as_datetime(finished_at)
    if finished is not None:
        return finished, "finished_at"
    return None, None


def _first(pair: tuple[datetime, str]) -> datetime:
    return pair[0]


def deadline(received_at: datetime, limit: Any, calendar: WorkingCalendar) -> datetime | None:
    """The deadline a processing time (`{"value", "unit"}`) gives from the receipt; None when
    it gives none. Working days are counted in `calendar`; a fraction of one is that part of a
    calendar day (2.5 working days: two working days, then 12 hours)."""
    if not isinstance(limit, Mapping):
        return None
    value = limit.get("value")
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        amount = float(value)
    except ValueError:
        return None
    if amount < 0:
        return None
    unit = limit.get("unit")
    if unit == "hour":
        return received_at + timedelta(hours=amount)
    if unit == "day":
        return received_at + timedelta(days=amount)
    if unit == "working_day":
        whole = int(amount)
        return calendar.add_working_days_at(received_at, whole) + timedelta(days=amount - whole)
    return None


def as_datetime(value: Any) -> datetime | None:
    """A record's date and time (a datetime or ISO text), aware (naive: Viet Nam's); None when
    absent or not a date and time."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        result = value
    elif isinstance(value, str):
        result = datetime.fromisoformat(value)
    else:
        return None
    if result.tzinfo is None:
        result = result.replace(tzinfo=TZ)
    return result
