"""Reads of the audit ledger: verification reports, exports and inclusion proofs."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import orjson
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.db import connection
from django.db.models import TextField
from django.db.models.functions import Cast

from dxgov.audit import merkle, signing
from dxgov.audit.chain import CANONICAL_ONLY, STORED_FIELDS
from dxgov.audit.live import StateReport
from dxgov.audit.models import AuditEvent, ChainHead, Checkpoint
from dxgov.audit.record import event_as_dict
from dxgov.audit.snapshot import snapshot
from dxgov.audit.verify import Problem, verify_stream


class LedgerDamaged(RuntimeError):
    """The events a checkpoint signed are no longer all there; no honest proof exists."""


@dataclass
class Report:
    events: int
    checkpoints: int
    problems: list[Problem] = field(default_factory=list)
    last_checkpoint: Checkpoint | None = None
    # The live rows against the ledger (audit.live), when checked.
    state: StateReport | None = None

    @property
    def ok(self) -> bool:
        return not self.problems and (self.state is None or self.state.ok)


def signed_checkpoint(checkpoint: Checkpoint) -> dict[str, Any]:
    return {"body": checkpoint.body(), "signature": checkpoint.signature}


def current_public_key() -> Ed25519PublicKey:
    return signing.load_private_key().public_key()


def trusted_keys(exported: Sequence[Mapping[str, Any]] = ()) -> dict[str, Ed25519PublicKey]:
    """The signing key, plus keys carried by an exported file (kept by the outside body)."""
    key = current_public_key()
    keys = {signing.key_id(key): key}
    for item in exported:
        pem = item.get("public_key")
        if isinstance(pem, str):
            try:
                extra = signing.load_public_pem(pem)
            except ValueError:
                continue
            keys.setdefault(signing.key_id(extra), extra)
    return keys


def export_checkpoints() -> list[dict[str, Any]]:
    """Every checkpoint as an outside body keeps it: body, signature and the public key."""
    pem = signing.public_pem(current_public_key())
    return [
        {**signed_checkpoint(c), "key_id": c.key_id, "public_key": pem}
        for c in Checkpoint.objects.order_by("seq_from")
    ]


CHUNK_SIZE = 5000


class _NonFinite(ValueError):
    pass


def _refuse(constant: str) -> float:
    raise _NonFinite(constant)


_STRICT = json.JSONDecoder(parse_constant=_refuse)


# A run of 19 digits or more may be an integer past 64 bits, which orjson would read back as
# the float it rounds to (json reads the integer).
_LONG_NUMBER = re.compile(r"[0-9]{19}")


def _parse(text: str | None) -> tuple[Any, bool]:
    """An event's data from its stored JSON text, read as Django's field (json) reads it, and
    whether only the canonical encoder may hash it: by orjson, eight times faster, where it
    gives the same values (it keeps the last of repeated keys, as json does); by json where
    the text holds a long run of digits or what orjson refuses. Data holding NaN or an
    infinity (which neither database stores: jsonb refuses them, SQLite's column checks
    JSON_VALID) is for the canonical encoder only (chain.content_hash)."""
    if text is None:
        return None, False
    if _LONG_NUMBER.search(text) is None:
        try:
            return orjson.loads(text), False
        except orjson.JSONDecodeError:
            pass  # NaN, an infinity, a lone surrogate: json decides
    try:
        return _STRICT.decode(text), False
    except _NonFinite:
        return json.loads(text), True


# PostgreSQL: the time as audit.record hashed it (ISO 8601, microseconds, UTC) formatted by
# the server, the data as its text, the rows read by psycopg's own cursor. Building datetimes
# and letting Django decode the JSON cost most of a verification's time (issue 23 §5).
_PG_EVENTS = (
    "SELECT seq, to_char(occurred_at AT TIME ZONE 'UTC', "
    '\'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"\'), actor_id, actor_label, event_type, '
    "target_type, target_id, agency_id, data::text, reason, prev_hash, hash "
    "FROM audit_auditevent WHERE seq > %s ORDER BY seq LIMIT %s"
)
_DATA_AT = STORED_FIELDS.index("data")


def _chunks_postgresql(chunk_size: int, after: int | None) -> Iterator[list[Any]]:
    """Chunks by keyset pagination; the next one is read by a helper thread while the caller
    works on this one (psycopg lets go of the GIL while it waits for the server, and its
    connection takes one statement at a time). A reader that stops early waits for the read
    under way, so the connection is left idle in its transaction."""
    connection.ensure_connection()
    raw = connection.connection

    def read(last: int) -> list[Any]:
        with raw.cursor() as cursor:
            cursor.execute(_PG_EVENTS, [last, chunk_size])
            rows: list[Any] = cursor.fetchall()
            return rows

    with ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(read, -1 if after is None else int(after))
        while True:
            chunk = future.result()
            more = len(chunk) == chunk_size
            if more:
                future = pool.submit(read, chunk[-1][0])
            yield chunk
            if not more:
                return


def _chunks_orm(chunk_size: int, after: int | None) -> Iterator[list[Any]]:
    fields = [*STORED_FIELDS]
    fields[_DATA_AT] = "data_text"
    last = after
    while True:
        rows = AuditEvent.objects.annotate(data_text=Cast("data", TextField())).order_by("seq")
        if last is not None:
            rows = rows.filter(seq__gt=last)
        chunk = [
            (row[0], row[1].isoformat(timespec="microseconds"), *row[2:])
            for row in rows.values_list(*fields)[:chunk_size]
        ]
        yield chunk
        if len(chunk) < chunk_size:
            return
        last = chunk[-1][0]


def iter_events(
    chunk_size: int = CHUNK_SIZE, *, after: int | None = None
) -> Iterator[dict[str, Any]]:
    """The events (after a sequence number, if given) as audit.record.event_as_dict gives
    them, in sequence order, read in chunks by keyset pagination (seq > last ORDER BY seq
    LIMIT n): memory holds one chunk."""
    read = _chunks_postgresql if connection.vendor == "postgresql" else _chunks_orm
    for chunk in read(chunk_size, after):
        # The row's columns in STORED_FIELDS' order (a test holds the two equal), unpacked
        # by name: a dict display costs a third of dict(zip(...)) per event.
        for (
            seq,
            at,
            actor,
            label,
            kind,
            target_type,
            target_id,
            agency,
            text,
            why,
            prev,
            own,
        ) in chunk:
            data, canonical_only = _parse(text)
            event = {
                "seq": seq,
                "occurred_at": at,
                "actor_id": actor,
                "actor_label": label,
                "event_type": kind,
                "target_type": target_type,
                "target_id": target_id,
                "agency_id": agency,
                "data": data,
                "reason": why,
                "prev_hash": prev,
                "hash": own,
            }
            if canonical_only:
                event[CANONICAL_ONLY] = True
            yield event


def verify_ledger(
    exported: Sequence[Mapping[str, Any]] | None = None, *, chunk_size: int = CHUNK_SIZE
) -> Report:
    """Verify every event, checkpoint and (optionally) exported checkpoint in one pass over
    the events, in memory bounded by chunk_size (see audit.verify)."""
    keys = trusted_keys(exported or ())
    with snapshot():
        head_row = ChainHead.objects.filter(pk=1).first()
        head = (head_row.seq, head_row.hash) if head_row is not None else None
        checkpoints = list(Checkpoint.objects.order_by("seq_from"))
        result = verify_stream(
            iter_events(chunk_size),
            head,
            [signed_checkpoint(c) for c in checkpoints],
            keys,
            exported,
        )
    return Report(
        events=result.events,
        checkpoints=len(checkpoints),
        problems=result.problems,
        last_checkpoint=checkpoints[-1] if checkpoints else None,
    )


@dataclass
class Proof:
    event: dict[str, Any]
    leaf_index: int
    checkpoint: Checkpoint
    path: list[str]


def inclusion_proof(seq: int) -> Proof | None:
    """The event, the checkpoint covering it and its audit path; None if not yet covered."""
    event = AuditEvent.objects.filter(seq=seq).first()
    checkpoint = Checkpoint.objects.filter(seq_from__lte=seq, seq_to__gte=seq).first()
    if event is None or checkpoint is None:
        return None
    hashes = (
        AuditEvent.objects.filter(seq__gte=checkpoint.seq_from, seq__lte=checkpoint.seq_to)
        .order_by("seq")
        .values_list("hash", flat=True)
        .iterator(chunk_size=CHUNK_SIZE)
    )
    index = seq - checkpoint.seq_from
    try:
        # One pass over the checkpoint's range, holding O(log n) subtree hashes.
        path = merkle.inclusion_proof_streamed(
            (merkle.event_leaf(h) for h in hashes), checkpoint.tree_size, index
        )
    except (ValueError, IndexError):
        raise LedgerDamaged(
            f"checkpoint {checkpoint} no longer matches the stored events"
        ) from None
    fields = event_as_dict(event)
    return Proof(
        event={name: fields[name] for name in STORED_FIELDS},
        leaf_index=index,
        checkpoint=checkpoint,
        path=[p.hex() for p in path],
    )
