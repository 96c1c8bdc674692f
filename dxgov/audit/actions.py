"""Writes to the audit ledger beyond single events: signed checkpoints, verification runs and
the one-time baseline of the live state."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from dxgov.audit import ledger, live, merkle, signing, state
from dxgov.audit.chain import GENESIS_HASH, verify_chain
from dxgov.audit.models import AuditEvent, ChainHead, Checkpoint, EventType, VerificationRun
from dxgov.audit.record import Entry, record, record_many


class CheckpointRefused(RuntimeError):
    """The events to be signed do not form an unbroken chain; signing them would launder it."""


# A badly damaged ledger lists every damaged event; the stored run keeps the first of them.
MAX_STORED_PROBLEMS = 1000


@transaction.atomic
def create_checkpoint(*, acting_user: Any) -> Checkpoint | None:
    """Sign a Merkle root over every event since the previous checkpoint; None if there are none.

    The checkpoint's own audit event is appended first and falls inside the range it signs,
    so running this twice in a row creates one checkpoint.
    """
    head = ChainHead.objects.select_for_update().filter(pk=1).first()
    last = Checkpoint.objects.order_by("-seq_to").first()
    seq_from = last.seq_to + 1 if last is not None else 1
    if head is None or head.seq < seq_from:
        return None
    key = signing.load_private_key()
    start_hash = last.chain_hash if last is not None else GENESIS_HASH
    # One pass over the pending events: the chain check and the Merkle root together.
    tree = merkle.RootBuilder()
    seen = {"seq": 0}

    def pending() -> Iterator[dict[str, Any]]:
        for event in ledger.iter_events(after=seq_from - 1):
            tree.add(merkle.event_leaf(event["hash"]))
            seen["seq"] = event["seq"]
            yield event

    problems = verify_chain(pending(), start_seq=seq_from, start_hash=start_hash)
    if problems or not tree.size or seen["seq"] != head.seq:
        first = problems[0].seq if problems else head.seq
        raise CheckpointRefused(
            f"events from {seq_from} do not form an unbroken chain (first problem at {first}); "
            "run `dxgov audit verify`"
        )
    event = record(
        event_type=EventType.CHECKPOINT_CREATED,
        acting_user=acting_user,
        target_type="audit.checkpoint",
        target_id=f"{seq_from}-{head.seq + 1}",
        data={"seq_from": seq_from, "seq_to": head.seq + 1},
    )
    tree.add(merkle.event_leaf(event.hash))
    checkpoint = Checkpoint(
        seq_from=seq_from,
        seq_to=event.seq,
        tree_size=tree.size,
        root=tree.root().hex(),
        chain_hash=event.hash,
        created_at=timezone.now(),
        key_id=signing.key_id(key.public_key()),
    )
    checkpoint.signature = signing.sign(key, checkpoint.body())
    checkpoint.save()
    return checkpoint


def verify_and_record(
    *, acting_user: Any, exported: list[dict[str, Any]] | None = None, state: bool = False
) -> tuple[ledger.Report, VerificationRun]:
    """Verify the whole ledger (outside any transaction: it reads a snapshot of its own), and
    with `state` every audited live row against it (audit.live), then keep the outcome for the
    ledger page.

    The run is not itself an audit event: verifying must never write into the chain it judges
    (a forged row beyond the head would take the next event's place), and it changes nothing.
    """
    started = time.monotonic()
    report = ledger.verify_ledger(exported)
    if state:
        report.state = live.verify_state()
    seconds = time.monotonic() - started
    checked = report.state
    with transaction.atomic():
        run = VerificationRun.objects.create(
            finished_at=timezone.now(),
            seconds=seconds,
            events=report.events,
            checkpoints=report.checkpoints,
            ok=report.ok,
            problems=[
                {
                    "kind": p.kind,
                    "seq": p.seq,
                    "seq_from": p.seq_from,
                    "seq_to": p.seq_to,
                    "detail": p.detail,
                }
                for p in report.problems[:MAX_STORED_PROBLEMS]
            ],
            rows=checked.rows if checked is not None else None,
            state_problem_count=checked.problems if checked is not None else 0,
            state_problems=[
                f.as_dict() for f in (checked.findings if checked else [])[:MAX_STORED_PROBLEMS]
            ],
        )
    return report, run


# --- the baseline of the live state -----------------------------------------------------------

BASELINE_CHUNK = 5000


def baseline_done(spec: state.Audited) -> bool:
    """Whether the model's live state was already taken as a baseline (it is taken once)."""
    target_type = spec.group.group_type if spec.group is not None else spec.target_type
    return AuditEvent.objects.filter(
        event_type=EventType.STATE_BASELINE, target_type=target_type, target_id=""
    ).exists()


def record_baseline(*, acting_user: Any) -> dict[str, int | None]:
    """Take the live state of every audited row that the ledger has no state for as the
    starting point: once per model, after upgrading to a ledger that records states.

    This is trust on first use, and named as such: each row covered gets an
    `audit.state_baseline` event recording its state (a dossier batch, one event with the sum
    of its rows), and each model one more, with the count, which marks it as done; a second run
    skips the model, so that it can never launder a row inserted later. Rows whose ledger
    already holds a state (recorded by an action) are left as they are, right or wrong.
    Returns, per model, how many rows were covered (None: done before, skipped). One
    transaction per model; run it when no one is writing (it holds the chain for that long).
    """
    done: dict[str, int | None] = {}
    for spec in state.registered():
        if baseline_done(spec):
            done[spec.target_type] = None
            continue
        with transaction.atomic():
            if spec.group is None:
                count = _baseline_rows(spec, acting_user)
            else:
                count = _baseline_groups(spec, acting_user)
            record(
                event_type=EventType.STATE_BASELINE,
                acting_user=acting_user,
                target_type=spec.group.group_type if spec.group else spec.target_type,
                data={"model": spec.target_type, "rows": count},
                reason=BASELINE_REASON,
            )
        done[spec.target_type] = count
    return done


BASELINE_REASON = "baseline: the live state taken as recorded (trust on first use)"


def _baseline_rows(spec: state.Audited, acting_user: Any) -> int:
    """One event per row with no state in the ledger (no event, or only older ones)."""
    width = len(spec.key)
    count = 0
    for chunk in live.rows_in_order(spec, spec.key, BASELINE_CHUNK):
        keys = [state.key_of(row[1 : 1 + width]) for row in chunk]
        latest = live.latest_states(spec.target_type, keys)
        wanted = [k for k in keys if k not in latest or not latest[k][1]]
        record_many(
            acting_user=acting_user,
            entries=[
                Entry(EventType.STATE_BASELINE, spec.target_type, k, reason=BASELINE_REASON)
                for k in wanted
            ],
        )
        count += len(wanted)
    return count


def _baseline_groups(spec: state.Audited, acting_user: Any) -> int:
    """Rows of batches with no state in the ledger: each row's digest written into its column,
    and one event per batch with the sum of its rows."""
    grouped = spec.group
    assert grouped is not None
    model = spec.model
    groups = live.read_groups(grouped.group_type, BASELINE_CHUNK)
    rows: dict[int, int] = {}
    sums: dict[int, int] = {}
    columns = (grouped.pointer, grouped.column, *spec.fields)
    for chunk in live.rows_in_order(spec, columns, BASELINE_CHUNK):
        stamps: list[tuple[bytes, Any]] = []
        for row in chunk:
            group, written = row[1], row[2]
            if group in groups.stated:
                continue
            digest = state.digest(spec, row[3:])
            if written is None or bytes(written) != digest:
                stamps.append((digest, row[0]))
            rows[group] = rows.get(group, 0) + 1
            sums[group] = sums.get(group, 0) + state.element(digest)
        _stamp(model, grouped.column, stamps)
    entries = [
        Entry(
            EventType.STATE_BASELINE,
            grouped.group_type,
            str(group),
            data={
                "state": {
                    "rows": rows[group],
                    "sum": state.sum_hex(sums[group]),
                    "removed_rows": 0,
                    "removed_sum": state.EMPTY_SUM,
                    "from": [],
                }
            },
            reason=BASELINE_REASON,
        )
        for group in sorted(rows)
    ]
    for start in range(0, len(entries), BASELINE_CHUNK):
        record_many(acting_user=acting_user, entries=entries[start : start + BASELINE_CHUNK])
    return sum(rows.values())


def _stamp(model: Any, column: str, stamps: list[tuple[bytes, Any]]) -> None:
    """Write digests into rows' state column: on PostgreSQL through a temporary table filled by
    COPY and one UPDATE (row-by-row updates ran at ~2,000 rows a second), elsewhere by
    executemany."""
    if not stamps:
        return
    quote = connection.ops.quote_name
    table, name, pk = quote(model._meta.db_table), quote(column), quote(model._meta.pk.column)
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.executemany(f"UPDATE {table} SET {name} = %s WHERE {pk} = %s", stamps)  # noqa: S608
            return
        cursor.execute(
            "CREATE TEMPORARY TABLE IF NOT EXISTS audit_stamps (id bigint, digest bytea) "
            "ON COMMIT DROP"
        )
        with cursor.cursor.copy("COPY audit_stamps (digest, id) FROM STDIN") as copy:
            for digest, row_id in stamps:
                copy.write_row((digest, row_id))
        cursor.execute(
            f"UPDATE {table} SET {name} = s.digest FROM audit_stamps s WHERE {table}.{pk} = s.id"  # noqa: S608
        )
        cursor.execute("TRUNCATE audit_stamps")
