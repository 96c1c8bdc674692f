"""Ingestion of dossier batches: decoding, validation, upsert, quarantine, counts.

The write path (see docs/adr/0011-dossier-ingestion.md):

1. Decode the body (JSON, NDJSON or CSV; gzip) into `(position, where, raw)` items
   (`decode_*`, pure); a JSON or NDJSON record stays its JSON text (`msgspec.Raw`).
2. Validate each record and check its agency against the agencies the source may report for
   (`prepare`): the text is decoded straight into typed Structs and a row
   (`schema.decode_fast`, `fast_row`); what that path refuses is decoded into plain values
   (a text that is not JSON becomes a parse error) and validated precisely
   (`schema.validate`); a failing record goes to quarantine, never blocking the others.
3. In one transaction (`write_batch`, called by `actions.receive_batch`): lock the source row
   (batches of one source are written one at a time, so the old values handed to the hooks are
   exact), refuse a batch id already seen by answering with its summary, read the stored
   versions of the batch's codes, classify every record (new, updated, unchanged, stale), write
   the new and updated ones in one statement (PostgreSQL: COPY into a temporary table, then
   `INSERT … ON CONFLICT (source_id, code) DO UPDATE … WHERE excluded.updated_at >
   dossiers_dossier.updated_at`; SQLite: the same upsert through executemany), with the
   `before_write` hooks called before the write and the `after_batch` hooks after it (one
   `signals.BatchWrite`), record one audit event.

Never regress: a record whose `updated_at` is older than the stored one is counted stale and
ignored; the same `updated_at` again is the same version (unchanged, not rewritten).
"""

from __future__ import annotations

import csv
import gc
import gzip
import io
import json
import zlib
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import timezone as fixed_offset
from operator import itemgetter
from threading import Lock
from typing import IO, Any
from zoneinfo import ZoneInfo

import msgspec
import orjson
from django.db import connection
from django.utils import timezone
from psycopg.types.string import BytesBinaryDumper

from dxgov.core import copybinary
from dxgov.core.pgarrays import text_array
from dxgov.dossiers import schema
from dxgov.dossiers.models import Batch, Dossier, QuarantinedRecord, SourceSystem
from dxgov.dossiers.signals import BatchWrite, after_batch, before_write
from dxgov.orgunits.models import Agency
from dxgov.scoring.qd766 import deadline_from_limit, processing_parsed, processing_values

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
MAX_RECORDS = 50_000  # per batch; a larger delivery is split by the sender (or the command)
MAX_DECODED_BYTES = 128 * 1024 * 1024  # a gzip body may not inflate beyond this
MAX_QUARANTINED_BYTES = 64 * 1024  # a refused record larger than this is kept truncated
# Sync-delay histogram buckets (upper bounds in seconds); the last one catches everything.
DELAY_BUCKETS = (
    60,
    300,
    900,
    3600,
    3 * 3600,
    6 * 3600,
    12 * 3600,
    86400,
    2 * 86400,
    3 * 86400,
    7 * 86400,
    14 * 86400,
    30 * 86400,
    365 * 86400,
    10**10,
)

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
# Never rewritten by an update.
KEEP_ON_UPDATE = frozenset({"source_id", "code", "first_seen_at"})


class BatchRefused(ValueError):
    """The whole delivery cannot be read (not JSON, wrong schema, too large); nothing is kept."""


# --- the cyclic garbage collector ------------------------------------------------------------

_gc_lock = Lock()
_gc_pausers = 0
_gc_restore = True
_gc_batches = 0  # batches ended while others kept the collector paused
GC_EVERY = 20


@contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic garbage collector off while a batch is decoded, validated and written.

    A batch of 5,000 records is ~150,000 new objects: the collector would trace them many
    times over (measured: decoding and validation ~2–3× slower), yet they form no cycles and
    are freed by reference counting. Threads of one worker share the switch: it is turned
    back on when the last of them is done; and should batches overlap without end, a full
    collection runs every GC_EVERY batches, so that other cyclic garbage is still reclaimed.
    """
    global _gc_pausers, _gc_restore, _gc_batches
    with _gc_lock:
        _gc_pausers += 1
        if _gc_pausers == 1:
            _gc_restore = gc.isenabled()
            gc.disable()
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pausers -= 1
            _gc_batches += 1
            if _gc_pausers == 0:
                _gc_batches = 0
                if _gc_restore:
                    gc.enable()
            elif _gc_batches >= GC_EVERY and _gc_restore:
                _gc_batches = 0
                gc.collect()


# --- decoding (pure) ------------------------------------------------------------------------

Item = tuple[int, str, Any, str | None]  # position, path prefix, raw value, decode error


def inflate(body: bytes, limit: int = MAX_DECODED_BYTES) -> bytes:
    """A gzip body, inflated; refused beyond `limit` bytes (a small bomb stays small)."""
    inflater = zlib.decompressobj(wbits=31)
    try:
        data = inflater.decompress(body, limit + 1)
    except zlib.error as exc:
        raise BatchRefused("The body is not valid gzip.") from exc
    if len(data) > limit or inflater.unconsumed_tail:
        raise BatchRefused(f"The body inflates beyond {limit // (1024 * 1024)} MB; split it.")
    return data


def _text(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BatchRefused("The body is not UTF-8 text.") from exc


class _Batch(msgspec.Struct):
    """The batch envelope, its records left undecoded (each is decoded on its own, typed)."""

    records: list[msgspec.Raw]
    schema: Any = None
    batch_id: Any = None


_decode_batch = msgspec.json.Decoder(_Batch).decode
Raw = msgspec.Raw


def decode_json(data: bytes) -> tuple[str, str, list[Item]]:
    """A JSON batch `{"schema", "batch_id", "records": [...]}`: its schema, id and records.

    The records stay JSON text (`msgspec.Raw`) here: `prepare` decodes each straight into the
    typed record, and only a record the fast path refuses is decoded into plain values.
    """
    try:
        envelope = _decode_batch(data)
    except (msgspec.DecodeError, msgspec.ValidationError):
        return _decode_json_values(data)  # refused as it would be, with the same messages
    records = envelope.records
    if len(records) > MAX_RECORDS:
        raise BatchRefused(f"A batch may hold at most {MAX_RECORDS} records; split it.")
    items: list[Item] = [
        (index, f"records[{index}]", raw, None) for index, raw in enumerate(records)
    ]
    return _string(envelope.schema), _string(envelope.batch_id), items


def _decode_json_values(data: bytes) -> tuple[str, str, list[Item]]:
    try:
        body = orjson.loads(data)
    except orjson.JSONDecodeError:
        # orjson is strict (no BOM, NaN, lone surrogates, integers beyond 64 bits): what it
        # refuses, json reads as before, so that such records still reach quarantine.
        try:
            body = json.loads(_text(data))
        except (ValueError, RecursionError) as exc:
            raise BatchRefused("The body is not valid JSON.") from exc
    if not isinstance(body, dict):
        raise BatchRefused('The body must be an object with "schema", "batch_id" and "records".')
    records = body.get("records")
    if not isinstance(records, list):
        raise BatchRefused('"records" must be a list of dossier records.')
    if len(records) > MAX_RECORDS:
        raise BatchRefused(f"A batch may hold at most {MAX_RECORDS} records; split it.")
    items: list[Item] = [
        (index, f"records[{index}]", raw, None) for index, raw in enumerate(records)
    ]
    return _string(body.get("schema")), _string(body.get("batch_id")), items


def _string(value: Any) -> str:
    return value if isinstance(value, str) else ""


def ndjson_items(lines: Iterable[str], first_line: int = 1) -> Iterator[Item]:
    """One record per line (blank lines skipped), left as JSON text (`msgspec.Raw`) for
    `prepare`, which reports a line that is not JSON."""
    for number, line in enumerate(lines, start=first_line):
        if not line.strip():
            continue
        where = f"line {number}"
        try:
            yield number, where, Raw(line), None
        except UnicodeEncodeError:  # a lone surrogate (not from UTF-8 text): json reads it
            value, error = loads(line, where)
            yield number, where, value, error


def loads(raw: Any, where: str) -> tuple[Any, str | None]:
    """An undecoded record's plain value (orjson, then json for what orjson is too strict
    for: see decode_json), or the error of a text that is not JSON."""
    data = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else bytes(raw)
    try:
        return orjson.loads(data), None
    except orjson.JSONDecodeError:
        pass
    try:
        return json.loads(data.decode("utf-8-sig", "surrogatepass")), None
    except (ValueError, RecursionError):
        return None, f"{where}: not valid JSON"


def csv_items(rows: Iterable[str]) -> Iterator[Item]:
    """CSV with a header row; nested fields as JSON in their cell (see schema.from_csv_row)."""
    reader = csv.DictReader(rows)
    try:
        for index, row in enumerate(reader, start=2):
            yield index, f"row {index}", schema.from_csv_row(row), None
    except csv.Error as exc:
        number = reader.line_num
        yield number, f"row {number}", None, f"row {number}: not valid CSV ({exc})"


def decode_lines(data: bytes, kind: str) -> list[Item]:
    """An NDJSON or CSV body as items (at most MAX_RECORDS)."""
    text = _text(data)
    lines = io.StringIO(text, newline="")
    items = list(ndjson_items(lines) if kind == "ndjson" else csv_items(lines))
    if len(items) > MAX_RECORDS:
        raise BatchRefused(f"A batch may hold at most {MAX_RECORDS} records; split it.")
    return items


def open_text(stream: IO[bytes], gzipped: bool) -> IO[str]:
    """A binary file (gzip or not) as streamed UTF-8 text, for the import command."""
    raw: IO[bytes] = gzip.GzipFile(fileobj=stream) if gzipped else stream  # type: ignore[assignment]
    return io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")


# --- one record to one row (pure) -------------------------------------------------------------


@dataclass
class Prepared:
    """The batch's records, validated: rows to write, and what goes to quarantine."""

    rows: dict[str, dict[str, Any]] = field(default_factory=dict)  # by code, newest kept
    refused: list[tuple[int, str, Any, list[str]]] = field(default_factory=list)
    total: int = 0
    duplicates_stale: int = 0  # older copies of a code within the batch
    duplicates_same: int = 0  # the same version of a code twice within the batch
    missing: dict[str, int] = field(default_factory=dict)


def _known(items: list[Any], keys: frozenset[str]) -> list[Any]:
    if all(item.keys() <= keys for item in items):
        return items
    return [{k: v for k, v in item.items() if k in keys} for item in items]


# Viet Nam has kept UTC+7, without daylight saving, since 1975; records are dated from 1990
# (schema.YEAR_MIN). The fixed offset gives the same local date as the zone (tested) at a
# fraction of zoneinfo's cost, paid for every record.
VIETNAM = fixed_offset(timedelta(hours=7))


def _month(moment: datetime) -> date:
    local = moment.astimezone(VIETNAM if moment.year >= schema.YEAR_MIN else TZ)
    return date(local.year, local.month, 1)


def to_row(
    record: schema.DossierRecord, raw: dict[str, Any], agency_id: int
) -> dict[str, Any] | str:
    """The Dossier column values of a valid record (without source, batch and times), or an
    error when the processing figures cannot be computed."""
    history = raw.get("status_history") or []
    try:
        # processing() of the record, from the datetimes validation already parsed.
        figures = processing_parsed(
            record.received_at,
            [(at, status) for status, at in record.status_history],
            finished_at=record.finished_at,
            due_at=record.due_at,
            limit=raw.get("processing_time"),
        )
    except (ValueError, OverflowError, TypeError, KeyError, ArithmeticError) as exc:
        return f"processing figures cannot be computed ({exc.__class__.__name__})"
    documents = record.documents
    fees = record.fees
    status = ""
    if record.status_history:
        status = max(record.status_history, key=lambda pair: pair[1])[0]
    return {
        "code": record.code,
        "procedure_code": record.procedure_code,
        "agency_id": agency_id,
        "received_month": _month(record.received_at),
        "submitted_at": record.submitted_at,
        "received_at": record.received_at,
        "due_at": record.due_at,
        "finished_at": record.finished_at,
        "processing_value": record.processing_value,
        "processing_unit": record.processing_unit,
        "channel": record.channel,
        "filed_on_dvcqg": record.filed_on_dvcqg,
        "status": status,
        "status_history": _known(history, schema._HISTORY_KEYS),
        "result_code": record.result_code,
        "result_file_url": record.result_file_url,
        "has_digitised_component": record.has_digitised_component,
        "documents": _known(raw.get("documents") or [], schema._DOCUMENT_KEYS),
        "vneid_authenticated": record.vneid_authenticated,
        "population_db_code": record.population_db_code,
        "fees": _known(raw.get("fees") or [], schema._FEE_KEYS),
        "fee_total": sum(fee.amount for fee in fees),
        "paid_online": record.paid_online,
        "synced_to_dvcqg": record.synced_to_dvcqg,
        "rating": record.rating,
        "petitions": _known(raw.get("petitions") or [], schema._PETITION_KEYS),
        "updated_at": record.updated_at,
        "end_at": figures.end_at,
        "supplement_seconds": figures.supplement_seconds,
        "supplement_requests": figures.supplement_requests,
        "effective_due": figures.effective_due,
        "late_by_supplements": figures.late_by_supplements,
        "has_e_result": bool(record.result_code and record.result_file_url),
        "digitised": record.has_digitised_component or any(d.digitised for d in documents),
        "from_personal_store": any(d.from_personal_store for d in documents),
        "uses_population_data": record.vneid_authenticated or bool(record.population_db_code),
        "petition_count": len(record.petitions),
    }


_encode = msgspec.json.Encoder().encode
_EMPTY_JSON = b"[]"


def _deadline_of(received_at: datetime, value: float, unit: str) -> datetime | None:
    """The deadline of a record with a processing time and no due date (for the C row)."""
    return deadline_from_limit(received_at, {"value": value, "unit": unit})


def fast_row(fast: schema.FastRecord, agency_id: int) -> dict[str, Any] | str:
    """`to_row` of a record decoded by the fast path, built from the Struct directly: the same
    column values (tested), with the JSON lists already encoded (bytes; see `copy_rows`).

    Built by the C extension where it is (`copybinary.fast_row`, ADR 18), which leaves to
    `fast_row_python` whatever it does not handle itself; the tests hold the two equal."""
    row = copybinary.fast_row(fast, agency_id, _encode, _deadline_of)
    if row is not None:
        return row
    return fast_row_python(fast, agency_id)


def fast_row_python(fast: schema.FastRecord, agency_id: int) -> dict[str, Any] | str:
    """`fast_row` in Python (the reference for the C one, and its fallback)."""
    history = fast.status_history or ()
    timing = fast.processing_time
    received_at = fast.received_at
    try:
        (_received, end_at, _end_status, supplement_seconds, supplement_requests, _open,
         late_by_supplements, _due, effective_due) = processing_values(
            received_at,
            [(entry.at, entry.status) for entry in history],
            finished_at=fast.finished_at,
            due_at=fast.due_at,
            limit=None if timing is None else {"value": timing.value, "unit": timing.unit},
        )  # fmt: skip
    except (ValueError, OverflowError, TypeError, KeyError, ArithmeticError) as exc:
        return f"processing figures cannot be computed ({exc.__class__.__name__})"
    status = ""
    if history:
        # The latest entry's status (the first listed among equal times, as max() gives).
        latest = history[0]
        for entry in history:
            if entry.at > latest.at:
                latest = entry
        status = latest.status
    documents = fast.documents or ()
    fees = fast.fees or ()
    petitions = fast.petitions or ()
    digitised_component = fast.has_digitised_component is True
    vneid = fast.vneid_authenticated is True
    result_code = fast.result_code or ""
    result_file_url = fast.result_file_url or ""
    population_db_code = fast.population_db_code or ""
    # Plain loops: three generator expressions per record cost more than the work they do.
    digitised = digitised_component
    from_store = False
    for document in documents:
        if document.digitised is True:
            digitised = True
        if document.from_personal_store is True:
            from_store = True
    fee_total = 0
    for fee in fees:
        fee_total += fee.amount
    encode = _encode
    return {
        "code": fast.code,
        "procedure_code": fast.procedure_code,
        "agency_id": agency_id,
        "received_month": _month(received_at),
        "submitted_at": fast.submitted_at,
        "received_at": received_at,
        "due_at": fast.due_at,
        "finished_at": fast.finished_at,
        "processing_value": None if timing is None else timing.value,
        "processing_unit": "" if timing is None else timing.unit,
        "channel": 1 if fast.channel is None else fast.channel,
        "filed_on_dvcqg": fast.filed_on_dvcqg is True,
        "status": status,
        "status_history": encode(history) if history else _EMPTY_JSON,
        "result_code": result_code,
        "result_file_url": result_file_url,
        "has_digitised_component": digitised_component,
        "documents": encode(documents) if documents else _EMPTY_JSON,
        "vneid_authenticated": vneid,
        "population_db_code": population_db_code,
        "fees": encode(fees) if fees else _EMPTY_JSON,
        "fee_total": fee_total,
        "paid_online": 0 if fast.paid_online is None else fast.paid_online,
        "synced_to_dvcqg": fast.synced_to_dvcqg is True,
        "rating": fast.rating,
        "petitions": encode(petitions) if petitions else _EMPTY_JSON,
        "updated_at": fast.updated_at,
        "end_at": end_at,
        "supplement_seconds": supplement_seconds,
        "supplement_requests": supplement_requests,
        "effective_due": effective_due,
        "late_by_supplements": late_by_supplements,
        "has_e_result": bool(result_code and result_file_url),
        "digitised": digitised,
        "from_personal_store": from_store,
        "uses_population_data": vneid or bool(population_db_code),
        "petition_count": len(petitions),
    }


def prepare(items: Iterable[Item], agencies: dict[str, int], source_code: str) -> Prepared:
    """Validate every item; keep the newest version of each code; collect the refusals.

    `agencies` maps the codes of the agencies the source may report for to their ids. An item
    still in JSON text (`msgspec.Raw`) is decoded straight into a typed record and row
    (`schema.decode_fast`, `fast_row`); one that path refuses is decoded into plain values
    and validated precisely, as a decoded item is.
    """
    prepared = Prepared()
    rows = prepared.rows
    missing = prepared.missing
    checked = (*schema.REQUIRED, *schema.EXPECTED)
    decode_fast = schema.decode_fast
    for position, where, raw, decode_error in items:
        prepared.total += 1
        row: dict[str, Any] | None = None
        if type(raw) is Raw:
            fast = decode_fast(raw)
            agency_id = None if fast is None else agencies.get(fast.agency_code)
            if fast is not None and agency_id is not None:
                built = fast_row(fast, agency_id)
                if not isinstance(built, str):
                    row = built
                    for key in schema.fast_missing(fast):
                        missing[key] = missing.get(key, 0) + 1
            if row is None:  # refused by the fast path: the precise one says why
                raw, decode_error = loads(raw, where)
        if decode_error is not None:
            prepared.refused.append((position, where, raw, [decode_error]))
            continue
        if row is None:
            row = _precise_row(prepared, position, where, raw, agencies, source_code, checked)
            if row is None:
                continue
        _keep_newest(prepared, rows, row)
    return prepared


def _precise_row(
    prepared: Prepared,
    position: int,
    where: str,
    raw: Any,
    agencies: dict[str, int],
    source_code: str,
    checked: tuple[str, ...],
) -> dict[str, Any] | None:
    """A decoded item through `schema.validate`: its row, or None once refused."""
    missing = prepared.missing
    record, errors = schema.validate(raw, where)
    if record is None:
        if type(raw) is dict:
            for key in checked:
                if raw.get(key) is None:
                    missing[key] = missing.get(key, 0) + 1
        prepared.refused.append((position, where, raw, errors))
        return None
    for key in record.missing:  # a valid record lacks no required field
        missing[key] = missing.get(key, 0) + 1
    agency_id = agencies.get(record.agency_code)
    if agency_id is None:
        message = (
            f"{where}.agency_code: {record.agency_code} is not an agency source "
            f"{source_code} may report for"
        )
        prepared.refused.append((position, where, raw, [message]))
        return None
    row = to_row(record, raw, agency_id)
    if isinstance(row, str):
        prepared.refused.append((position, where, raw, [f"{where}: {row}"]))
        return None
    return row


def _keep_newest(prepared: Prepared, rows: dict[str, dict[str, Any]], row: dict[str, Any]) -> None:
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


def quarantine_copy(raw: Any) -> Any:
    """What is kept of a refused record: personal data removed, bounded in size."""
    kept = schema.redact(raw)
    text = json.dumps(kept, ensure_ascii=False)
    if len(text) > MAX_QUARANTINED_BYTES:
        return {"truncated": text[:MAX_QUARANTINED_BYTES]}
    return kept


def delay_summary(delays: list[float]) -> tuple[float | None, float | None, dict[str, int]]:
    """Median, 95th percentile and histogram (by DELAY_BUCKETS) of sync delays in seconds."""
    if not delays:
        return None, None, {}
    ordered = sorted(delays)
    median = ordered[len(ordered) // 2]
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    histogram: dict[str, int] = {}
    for value in ordered:
        bucket = str(DELAY_BUCKETS[min(bisect_left(DELAY_BUCKETS, value), len(DELAY_BUCKETS) - 1)])
        histogram[bucket] = histogram.get(bucket, 0) + 1
    return median, p95, histogram


# --- the database ---------------------------------------------------------------------------


def reportable_agencies(source: SourceSystem) -> dict[str, int]:
    """Codes → ids of the agencies the source may report for (its agencies and below)."""
    paths = list(source.agencies.values_list("path", flat=True))
    found: dict[str, int] = {}
    for path in paths:
        found.update(Agency.objects.filter(path__startswith=path).values_list("code", "id"))
    return found


STORED = ("id", "code", "updated_at", "first_seen_at", "received_month")


def _stored(source_id: int, codes: list[str]) -> dict[str, tuple[Any, ...]]:
    """The stored version of each code the source already sent: (id, code, updated_at,
    first_seen_at, received_month), all the classification, the write and the hooks need."""
    found: dict[str, tuple[Any, ...]] = {}
    if not codes:
        return found
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One array literal: 5,000 `IN` parameters cost more to send than the lookup.
            cursor.execute(
                "SELECT id, code, updated_at, first_seen_at, received_month FROM dossiers_dossier "
                "WHERE source_id = %s AND code = ANY(%s::text[])",
                [source_id, text_array(codes)],
            )
            for row in cursor.fetchall():
                found[row[1]] = row
            return found
    for start in range(0, len(codes), 5000):
        chunk = codes[start : start + 5000]
        for row in Dossier.objects.filter(source_id=source_id, code__in=chunk).values_list(*STORED):
            found[row[1]] = row
    return found


def _upsert_sql(table_source: str) -> str:
    columns = ", ".join(ROW_FIELDS)
    updates = ", ".join(f"{c} = excluded.{c}" for c in ROW_FIELDS if c not in KEEP_ON_UPDATE)
    return (
        f"INSERT INTO dossiers_dossier ({columns}) {table_source} "
        f"ON CONFLICT (source_id, code) DO UPDATE SET {updates} "
        f"WHERE excluded.updated_at > dossiers_dossier.updated_at"
    )


def json_bytes(value: Any) -> bytes:
    """A JSON column's text as UTF-8: as is when the fast path already encoded it (bytes);
    else orjson, several times faster than json; json for what orjson refuses (nothing a
    valid record holds, but the writer must not depend on that)."""
    if type(value) is bytes:
        return value
    try:
        return orjson.dumps(value)
    except TypeError:
        return json.dumps(value).encode()


def dump_json(value: Any) -> str:
    return json_bytes(value).decode()


_column_types: dict[str, str] = {}
JSONB_VERSION = b"\x01"
COPY_BLOCK_ROWS = 1000  # rows encoded per block sent (~1 MB): the batch is never copied whole


def _types(cursor: Any, columns: tuple[str, ...]) -> list[str]:
    """The PostgreSQL type names of dossiers_dossier's columns (read once per process)."""
    if not _column_types:
        cursor.execute(
            "SELECT a.attname, t.typname FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid "
            "WHERE a.attrelid = 'dossiers_dossier'::regclass AND a.attnum > 0 "
            "AND NOT a.attisdropped"
        )
        _column_types.update(cursor.fetchall())
    return [_column_types[column] for column in columns]


def copy_rows(
    cursor: Any, table: str, columns: tuple[str, ...], rows: list[dict[str, Any]]
) -> None:
    """COPY rows (dicts with `columns`) into `table` (dossiers_dossier's column types), binary:
    about half the client's cost of the text format for these 42 columns (measured).

    With the C encoder built (`dxgov.core.copybinary`), the rows are encoded by it in blocks;
    otherwise psycopg writes them row by row, as follows.

    A jsonb value in binary COPY is a version byte (1) and the JSON text: the JSON columns go
    as such bytes, declared `bytea` to the driver so that it passes them through untouched
    instead of calling a Python dumper for every value.
    """
    types = _types(cursor, columns)
    kinds = copybinary.kinds_of(types)
    if kinds is not None and copybinary.available():
        # The rows encoded in one pass by the C encoder, sent as blocks (ADR 18).
        statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN (FORMAT BINARY)"
        with cursor.copy(statement) as copy:
            copy.write(copybinary.SIGNATURE)
            for start in range(0, len(rows), COPY_BLOCK_ROWS):
                block = rows[start : start + COPY_BLOCK_ROWS]
                copy.write(copybinary.encode_rows(block, columns, kinds, json_bytes))
            copy.write(copybinary.TRAILER)
        return
    json_at = [i for i, kind in enumerate(types) if kind == "jsonb"]
    for i in json_at:
        types[i] = "bytea"
    version = JSONB_VERSION
    encode = json_bytes
    if json_at:
        # bytea's dumper by default is DB-API's Binary one, in Python; psycopg's own (C) for
        # this cursor only.
        cursor.adapters.register_dumper(bytes, BytesBinaryDumper)
    values_of = itemgetter(*columns)  # a row's values in column order, in C
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN (FORMAT BINARY)") as copy:
        copy.set_types(types)
        write = copy.write_row
        for row in rows:
            values = list(values_of(row))
            for i in json_at:
                values[i] = version + encode(values[i])
            write(values)


_sequence: list[str] = []


def _new_ids(cursor: Any, count: int) -> list[int]:
    """`count` ids from the table's sequence. Its name is looked up once per process:
    `pg_get_serial_sequence` in the statement ran once per row, 8× the cost of the nextval
    calls themselves (measured: 20 ms for 5,000 ids instead of 2.6)."""
    if not _sequence:
        cursor.execute("SELECT pg_get_serial_sequence('dossiers_dossier', 'id')")
        _sequence.append(cursor.fetchone()[0])
    cursor.execute(
        "SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [_sequence[0], count]
    )
    return [row[0] for row in cursor.fetchall()]


def _write_postgresql(rows: list[dict[str, Any]]) -> None:
    """New dossiers straight into the table by COPY, with ids taken from its sequence (no
    dossier of the batch's source can appear meanwhile: the source's row is locked); newer
    versions of stored ones through a temporary table and the never-regress upsert."""
    new = [row for row in rows if "id" not in row]
    known = [row for row in rows if "id" in row]
    with connection.cursor() as wrapper:
        cursor = wrapper.cursor  # psycopg's own, for COPY
        if new:
            for row, new_id in zip(new, _new_ids(cursor, len(new)), strict=True):
                row["id"] = new_id
            copy_rows(cursor, "dossiers_dossier", ("id", *ROW_FIELDS), new)
        if known:
            columns = ", ".join(ROW_FIELDS)
            cursor.execute(
                f"CREATE TEMPORARY TABLE IF NOT EXISTS dossier_in ON COMMIT DELETE ROWS AS "  # noqa: S608
                f"SELECT {columns} FROM dossiers_dossier WITH NO DATA"
            )
            copy_rows(cursor, "dossier_in", ROW_FIELDS, known)
            cursor.execute(_upsert_sql(f"SELECT {columns} FROM dossier_in"))  # noqa: S608
            cursor.execute("TRUNCATE dossier_in")


def _write_sqlite(rows: list[dict[str, Any]]) -> None:
    placeholders = ", ".join("%s" for _ in ROW_FIELDS)
    adapt = connection.ops.adapt_datetimefield_value
    values = []
    for row in rows:
        line = []
        for column in ROW_FIELDS:
            value = row[column]
            if column in JSON_FIELDS:
                value = dump_json(value)
            elif isinstance(value, datetime):
                value = adapt(value)
            elif isinstance(value, date):
                value = value.isoformat()
            line.append(value)
        values.append(line)
    with connection.cursor() as cursor:
        cursor.executemany(_upsert_sql(f"VALUES ({placeholders})"), values)
    new: dict[int, dict[str, dict[str, Any]]] = {}
    for row in rows:
        if "id" not in row:
            new.setdefault(row["source_id"], {})[row["code"]] = row
    for source_id, by_code in new.items():
        codes = list(by_code)
        for start in range(0, len(codes), 5000):
            chunk = codes[start : start + 5000]
            found = Dossier.objects.filter(source_id=source_id, code__in=chunk)
            for code, dossier_id in found.values_list("code", "id"):
                by_code[code]["id"] = dossier_id


def write_rows(rows: list[dict[str, Any]]) -> None:
    """Write one source's new and newer rows; every row has its `id` afterwards."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        _write_postgresql(rows)
    else:
        _write_sqlite(rows)


@dataclass
class Outcome:
    batch: Batch
    replayed: bool
    write: BatchWrite | None = None  # what the batch wrote (None: nothing)


def write_batch(
    *,
    source: SourceSystem,
    batch_id: str,
    items: Iterable[Item],
    channel: str,
) -> Outcome:
    """Validate and write one batch. The caller holds the transaction (actions.receive_batch)."""
    earlier = Batch.objects.filter(source=source, batch_id=batch_id).first()
    if earlier is not None:
        return Outcome(earlier, True)  # a resend: nothing to validate or write
    agencies = reportable_agencies(source)
    prepared = prepare(items, agencies, source.code)
    # Batches of one source are written one at a time from here to the commit.
    SourceSystem.objects.select_for_update().filter(pk=source.pk).first()
    existing = Batch.objects.filter(source=source, batch_id=batch_id).first()
    if existing is not None:
        return Outcome(existing, True)
    now = timezone.now()
    batch = Batch.objects.create(
        source=source, batch_id=batch_id, received_at=now, channel=channel, total=prepared.total
    )
    stored = _stored(source.pk, list(prepared.rows))
    accepted = updated = 0
    unchanged = prepared.duplicates_same
    stale = prepared.duplicates_stale
    to_write: list[dict[str, Any]] = []
    replaced: list[int] = []
    months: set[date] = set()  # of receipt, of the versions replaced and written
    delays: list[float] = []
    for code, row in prepared.rows.items():
        old = stored.get(code)
        if old is not None:
            old_id, _code, old_updated_at, old_first_seen_at, old_month = old
            if row["updated_at"] < old_updated_at:
                stale += 1
                continue
            if row["updated_at"] == old_updated_at:
                unchanged += 1
                continue
            updated += 1
            row["first_seen_at"] = old_first_seen_at
            row["id"] = old_id
            replaced.append(old_id)
            months.add(old_month)
        else:
            accepted += 1
            row["first_seen_at"] = now
        row["source_id"] = source.pk
        row["arrived_at"] = now
        row["batch_id"] = batch.pk
        delays.append((now - row["updated_at"]).total_seconds())
        months.add(row["received_month"])
        to_write.append(row)
    write = BatchWrite(batch=batch.pk, replaced=replaced, months=months) if to_write else None
    if write is not None:
        before_write(write)  # the replaced versions are still stored
        write_rows(to_write)  # sets the new rows' ids
        write.written = [row["id"] for row in to_write]
        write.petitioned = [row["id"] for row in to_write if row["petition_count"]]
    QuarantinedRecord.objects.bulk_create(
        [
            QuarantinedRecord(
                batch=batch,
                position=position,
                code=_code_of(raw),
                record=quarantine_copy(raw),
                errors=errors[:50],
            )
            for position, _where, raw, errors in prepared.refused
        ],
        batch_size=1000,
    )
    median, p95, histogram = delay_summary(delays)
    missing = dict(prepared.missing)
    Batch.objects.filter(pk=batch.pk).update(
        accepted=accepted,
        updated=updated,
        unchanged=unchanged,
        stale=stale,
        quarantined=len(prepared.refused),
        delay_median_seconds=median,
        delay_p95_seconds=p95,
        delays=histogram,
        missing=missing,
        finished_at=timezone.now(),
    )
    SourceSystem.objects.filter(pk=source.pk).update(last_contact_at=now)
    if write is not None:
        after_batch(write)
    batch.refresh_from_db()
    return Outcome(batch, False, write)


def _code_of(raw: Any) -> str:
    if isinstance(raw, dict):
        code = raw.get("code")
        if isinstance(code, str):
            return schema._clean_text(code[:64])
    return ""
