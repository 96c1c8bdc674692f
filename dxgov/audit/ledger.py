"""Reads of the audit ledger: verification reports, exports and inclusion proofs."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from dxgov.audit import merkle, signing
from dxgov.audit.chain import STORED_FIELDS
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


def iter_events(
    chunk_size: int = CHUNK_SIZE, *, after: int | None = None
) -> Iterator[dict[str, Any]]:
    """The events (after a sequence number, if given) as audit.record.event_as_dict gives
    them, in sequence order, read in chunks by keyset pagination (seq > last ORDER BY seq
    LIMIT n): memory holds one chunk."""
    last = after
    while True:
        rows = AuditEvent.objects.order_by("seq")
        if last is not None:
            rows = rows.filter(seq__gt=last)
        chunk = list(rows.values_list(*STORED_FIELDS)[:chunk_size])
        for row in chunk:
            event = dict(zip(STORED_FIELDS, row, strict=True))
            event["occurred_at"] = event["occurred_at"].isoformat(timespec="microseconds")
            yield event
        if len(chunk) < chunk_size:
            return
        last = chunk[-1][0]


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
