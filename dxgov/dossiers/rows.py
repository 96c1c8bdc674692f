"""One valid record to one `Dossier` row, and a batch's items to rows and refusals (pure).

`prepare` validates every item (`schema`: a JSON text item straight into Structs by msgspec,
anything that path refuses through the precise validator, which says why), checks its agency
against the agencies the source may report for, and builds each row with `to_row`, the one
definition of the row: the record's columns, its processing figures (`processing`, counted in
the working-day calendar of the batch's years) and the flags scoring counts. The newest version
of each code is kept; what fails goes to quarantine with its errors.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import timezone as fixed_offset
from operator import itemgetter
from typing import Any

import msgspec

from dxgov.core.calendar import TZ, WorkingCalendar, statutory_calendar
from dxgov.dossiers import schema
from dxgov.dossiers.decoding import Item, loads
from dxgov.dossiers.processing import processing_parsed

# The Dossier columns written at ingestion, in order.
ROW_FIELDS = (
    "source_id",
    "code",
    "procedure_code",
    "agency_id",
    "received_month",
    "submitted_at",
    "received_at",
    "due_at",
    "finished_at",
    "processing_value",
    "processing_unit",
    "channel",
    "filed_on_dvcqg",
    "status",
    "status_history",
    "result_code",
    "result_file_url",
    "has_digitised_component",
    "documents",
    "vneid_authenticated",
    "population_db_code",
    "fees",
    "fee_total",
    "paid_online",
    "synced_to_dvcqg",
    "rating",
    "petitions",
    "updated_at",
    "first_seen_at",
    "arrived_at",
    "batch_id",
    "end_at",
    "supplement_seconds",
    "supplement_requests",
    "effective_due",
    "late_by_supplements",
    "has_e_result",
    "digitised",
    "from_personal_store",
    "uses_population_data",
    "petition_count",
)
JSON_FIELDS = frozenset({"status_history", "documents", "fees", "petitions"})

CalendarFor = Callable[[Iterable[int]], WorkingCalendar]

# Viet Nam has kept UTC+7, without daylight saving, since 1975; records are dated from 1990
# (schema.YEAR_MIN). The fixed offset gives the same local date as the zone (tested) at a
# fraction of zoneinfo's cost, paid for every record.
VIETNAM = fixed_offset(timedelta(hours=7))


def month_of(moment: datetime) -> date:
    """The first day of the month (in Viet Nam) of `moment`: a dossier's month of receipt."""
    local = moment.astimezone(VIETNAM if moment.year >= schema.YEAR_MIN else TZ)
    return date(local.year, local.month, 1)


_encode = msgspec.json.Encoder().encode
_EMPTY_JSON = b"[]"
_FIGURES_FAIL = (ValueError, OverflowError, TypeError, KeyError, ArithmeticError)


def to_row(
    record: schema.FastRecord, agency_id: int, calendar: WorkingCalendar
) -> dict[str, Any] | str:
    """The Dossier column values of a valid record (without source, batch and times), or an
    error when the processing figures cannot be computed: the one definition of the row,
    whichever path validated the record (the precise one hands over `schema.struct_of`).
    The JSON columns hold the record's lists as validated (known keys only), as UTF-8 bytes."""
    history = record.status_history or ()
    timing = record.processing_time
    received_at = record.received_at
    try:
        figures = processing_parsed(
            received_at,
            [(entry.at, entry.status) for entry in history],
            finished_at=record.finished_at,
            due_at=record.due_at,
            limit=None if timing is None else {"value": timing.value, "unit": timing.unit},
            calendar=calendar,
        )
    except _FIGURES_FAIL as exc:
        return f"processing figures cannot be computed ({exc.__class__.__name__})"
    documents = record.documents or ()
    fees = record.fees or ()
    petitions = record.petitions or ()
    digitised_component = record.has_digitised_component is True
    vneid = record.vneid_authenticated is True
    result_code = record.result_code or ""
    result_file_url = record.result_file_url or ""
    population_db_code = record.population_db_code or ""
    # Plain loops: generator expressions per record cost more than the work they do.
    digitised = digitised_component
    from_store = False
    for document in documents:
        digitised = digitised or document.digitised is True
        from_store = from_store or document.from_personal_store is True
    fee_total = 0
    for fee in fees:
        fee_total += fee.amount
    return {
        "code": record.code,
        "procedure_code": record.procedure_code,
        "agency_id": agency_id,
        "received_month": month_of(received_at),
        "submitted_at": record.submitted_at,
        "received_at": received_at,
        "due_at": record.due_at,
        "finished_at": record.finished_at,
        "processing_value": None if timing is None else timing.value,
        "processing_unit": "" if timing is None else timing.unit,
        "channel": 1 if record.channel is None else record.channel,
        "filed_on_dvcqg": record.filed_on_dvcqg is True,
        "status": _latest_status(history),
        "status_history": _encode(history) if history else _EMPTY_JSON,
        "result_code": result_code,
        "result_file_url": result_file_url,
        "has_digitised_component": digitised_component,
        "documents": _encode(documents) if documents else _EMPTY_JSON,
        "vneid_authenticated": vneid,
        "population_db_code": population_db_code,
        "fees": _encode(fees) if fees else _EMPTY_JSON,
        "fee_total": fee_total,
        "paid_online": 0 if record.paid_online is None else record.paid_online,
        "synced_to_dvcqg": record.synced_to_dvcqg is True,
        "rating": record.rating,
        "petitions": _encode(petitions) if petitions else _EMPTY_JSON,
        "updated_at": record.updated_at,
        "end_at": figures.end_at,
        "supplement_seconds": figures.supplement_seconds,
        "supplement_requests": figures.supplement_requests,
        "effective_due": figures.effective_due,
        "late_by_supplements": figures.late_by_supplements,
        "has_e_result": bool(result_code and result_file_url),
        "digitised": digitised,
        "from_personal_store": from_store,
        "uses_population_data": vneid or bool(population_db_code),
        "petition_count": len(petitions),
    }


def _latest_status(history: Iterable[schema.FastHistory]) -> str:
    """The latest entry's status (the first listed among equal times, as max() gives)."""
    latest: schema.FastHistory | None = None
    for entry in history:
        if latest is None or entry.at > latest.at:
            latest = entry
    return "" if latest is None else latest.status


@dataclass
class Prepared:
    """The batch's records, validated: rows to write, and what goes to quarantine."""

    rows: dict[str, dict[str, Any]] = field(default_factory=dict)  # by code, newest kept
    refused: list[tuple[int, str, Any, list[str]]] = field(default_factory=list)
    total: int = 0
    duplicates_stale: int = 0  # older copies of a code within the batch
    duplicates_same: int = 0  # the same version of a code twice within the batch
    missing: dict[str, int] = field(default_factory=dict)


# A valid record on its way to a row: position, where, raw item, the record as the fast path's
# Struct, agency id, and the expected fields it leaves out.
_Valid = tuple[int, str, Any, schema.FastRecord, int, tuple[str, ...]]


def prepare(
    items: Iterable[Item],
    agencies: dict[str, int],
    source_code: str,
    calendar_for: CalendarFor = statutory_calendar,
) -> Prepared:
    """Validate every item; keep the newest version of each code; collect the refusals.

    `agencies` maps the codes of the agencies the source may report for to their ids. An item
    still in JSON text (`msgspec.Raw`) is decoded straight into a typed record
    (`schema.decode_fast`); one that path refuses is decoded into plain values and validated
    as a decoded item is (the dict fast path, else the precise validator, which says why). The
    rows are built once every record is read, in the working-day calendar of the years they
    were received in (`calendar_for`: the database's calendar when ingesting, the statutory
    holidays alone by default).
    """
    prepared = Prepared()
    valid: list[_Valid] = []
    for position, where, raw, decode_error in items:
        prepared.total += 1
        found = _validate(prepared, position, where, raw, decode_error, agencies, source_code)
        if found is not None:
            valid.append(found)
    calendar = calendar_for(_years({entry[3].received_at.year for entry in valid}))
    refused_late = False
    for position, where, raw, record, agency_id, missing in valid:
        row = to_row(record, agency_id, calendar)
        if isinstance(row, str):
            if type(raw) is msgspec.Raw:
                raw, _error = loads(raw, where)  # quarantine keeps the decoded record
            prepared.refused.append((position, where, raw, [f"{where}: {row}"]))
            refused_late = True
            continue
        _count(prepared, missing)
        _keep_newest(prepared, row)
    if refused_late:
        prepared.refused.sort(key=itemgetter(0))  # in the batch's order, as they came
    return prepared


def _years(received: set[int]) -> set[int]:
    """The years a batch's deadlines run in: each year of receipt in Viet Nam and the next
    (`years_around`); a moment's own year may be one off Viet Nam's, so one more each side."""
    return {year + step for year in received for step in (-1, 0, 1, 2)}


def _count(prepared: Prepared, keys: Iterable[str]) -> None:
    missing = prepared.missing
    for key in keys:
        missing[key] = missing.get(key, 0) + 1


def _validate(
    prepared: Prepared,
    position: int,
    where: str,
    raw: Any,
    decode_error: str | None,
    agencies: dict[str, int],
    source_code: str,
) -> _Valid | None:
    """One item's record and agency, or None once refused (recorded in `prepared`)."""
    if type(raw) is msgspec.Raw:
        fast = schema.decode_fast(raw)
        agency_id = None if fast is None else agencies.get(fast.agency_code)
        if fast is not None and agency_id is not None:
            return position, where, raw, fast, agency_id, schema.fast_missing(fast)
        raw, decode_error = loads(raw, where)  # refused by the fast path: the precise one says why
    if decode_error is not None:
        prepared.refused.append((position, where, raw, [decode_error]))
        return None
    fast = schema.fast_struct(raw) if type(raw) is dict else None
    if fast is not None:
        missing = schema.fast_missing(fast)
    else:
        record, errors = schema.validate_precise(raw, where)
        if record is None:
            if type(raw) is dict:
                _count(
                    prepared,
                    (k for k in (*schema.REQUIRED, *schema.EXPECTED) if raw.get(k) is None),
                )
            prepared.refused.append((position, where, raw, errors))
            return None
        fast, missing = schema.struct_of(record), record.missing
    agency_id = agencies.get(fast.agency_code)
    if agency_id is None:
        _count(prepared, missing)
        message = (
            f"{where}.agency_code: {fast.agency_code} is not an agency source "
            f"{source_code} may report for"
        )
        prepared.refused.append((position, where, raw, [message]))
        return None
    return position, where, raw, fast, agency_id, missing


def _keep_newest(prepared: Prepared, row: dict[str, Any]) -> None:
    rows = prepared.rows
    code = row["code"]
    earlier = rows.get(code)
    if earlier is not None:
        if earlier["updated_at"] > row["updated_at"]:
            prepared.duplicates_stale += 1
            return
        if earlier["updated_at"] == row["updated_at"]:
            prepared.duplicates_same += 1
            return
        prepared.duplicates_stale += 1  # the earlier copy is the stale one
    rows[code] = row
