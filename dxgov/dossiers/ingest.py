"""Ingestion of dossier batches: decoding, validation, upsert, quarantine, counts.

The write path (see docs/adr/0011-dossier-ingestion.md), one module per step:

1. `decoding`: the body (JSON, NDJSON or CSV; gzip) into `(position, where, raw)` items (pure);
   a JSON or NDJSON record stays its JSON text (`msgspec.Raw`).
2. `rows.prepare`: each record validated (`schema`: the text decoded straight into typed
   Structs, or what that path refuses validated precisely, which says why) and its agency
   checked against the agencies the source may report for; a failing record goes to
   quarantine, never blocking the others. `rows.to_row` is the one definition of the row,
   with the processing figures (`processing`) in the working-day calendar (pure).
3. `write_batch` (here, called by `actions.receive_batch` in one transaction): lock the source
   row (batches of one source are written one at a time, so the old values handed to the hooks
   are exact), refuse a batch id already seen by answering with its summary, read the stored
   versions of the batch's codes (`storage.stored_versions`), classify every record (new,
   updated, unchanged, stale), write the new and updated ones (`storage.write_rows`: COPY and
   the never-regress upsert on PostgreSQL, executemany on SQLite), with the `before_write`
   hooks called before the write and the `after_batch` hooks after it (one
   `signals.BatchWrite`), record one audit event.

Never regress: a record whose `updated_at` is older than the stored one is counted stale and
ignored; the same `updated_at` again is the same version (unchanged, not rewritten).
"""

from __future__ import annotations

import gc
import json
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from threading import Lock
from typing import Any

from django.utils import timezone

from dxgov.core.holidays import calendar_for
from dxgov.dossiers import personal, schema
from dxgov.dossiers.audit_state import BatchState
from dxgov.dossiers.decoding import Item
from dxgov.dossiers.models import Batch, QuarantinedRecord, SourceSystem
from dxgov.dossiers.rows import prepare
from dxgov.dossiers.signals import BatchWrite, after_batch, before_write
from dxgov.dossiers.storage import reportable_agencies, stored_versions, write_rows

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


# --- the batch's summary (pure) -------------------------------------------------------------


def quarantine_copy(raw: Any) -> Any:
    """What is kept of a refused record: personal data removed (keys naming it, and identity
    numbers wherever they are: `schema.redact`), bounded in size."""
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


# --- the batch --------------------------------------------------------------------------------


@dataclass
class Outcome:
    batch: Batch
    replayed: bool
    write: BatchWrite | None = None  # what the batch wrote (None: nothing)
    state: dict[str, Any] | None = None  # for the batch's audit event (audit_state.BatchState)


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
    prepared = prepare(items, agencies, source.code, calendar_for)
    # Batches of one source are written one at a time from here to the commit.
    SourceSystem.objects.select_for_update().filter(pk=source.pk).first()
    existing = Batch.objects.filter(source=source, batch_id=batch_id).first()
    if existing is not None:
        return Outcome(existing, True)
    now = timezone.now()
    batch = Batch.objects.create(
        source=source, batch_id=batch_id, received_at=now, channel=channel, total=prepared.total
    )
    stored = stored_versions(source.pk, list(prepared.rows))
    accepted = updated = 0
    unchanged = prepared.duplicates_same
    stale = prepared.duplicates_stale
    to_write: list[dict[str, Any]] = []
    replaced: list[int] = []
    months: set[date] = set()  # of receipt, of the versions replaced and written
    delays: list[float] = []
    audit = BatchState()
    for code, row in prepared.rows.items():
        old = stored.get(code)
        if old is not None:
            old_id, _code, old_updated_at, old_first_seen_at, old_month, old_batch, old_state = old
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
            audit.replaced(old_batch, old_state)
            months.add(old_month)
        else:
            accepted += 1
            row["first_seen_at"] = now
        row["source_id"] = source.pk
        row["arrived_at"] = now
        row["batch_id"] = batch.pk
        audit.written(row)  # the row as it will be stored: its digest, and the batch's sum
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
                # A message may quote what it refuses (an agency code, an unknown key).
                errors=[personal.mask(error) for error in errors[:50]],
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
    return Outcome(batch, False, write, audit.as_data())


def _code_of(raw: Any) -> str:
    if isinstance(raw, dict):
        code = raw.get("code")
        if isinstance(code, str):
            return schema._clean_text(personal.mask(code, code=True)[:64])
    return ""
