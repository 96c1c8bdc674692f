"""Reads of the audit ledger: verification reports, exports and inclusion proofs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from dxgov.audit import merkle, signing
from dxgov.audit.chain import HASHED_FIELDS
from dxgov.audit.models import AuditEvent, ChainHead, Checkpoint
from dxgov.audit.record import event_as_dict
from dxgov.audit.verify import Problem, compare_export, diagnose_events, verify_checkpoints


class LedgerDamaged(RuntimeError):
    """The events a checkpoint signed are no longer all there; no honest proof exists."""


@dataclass
class Report:
    events: int
    checkpoints: int
    problems: list[Problem] = field(default_factory=list)
    last_checkpoint: Checkpoint | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


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


def verify_ledger(exported: Sequence[Mapping[str, Any]] | None = None) -> Report:
    events = [event_as_dict(e) for e in AuditEvent.objects.order_by("seq").iterator()]
    head_row = ChainHead.objects.filter(pk=1).first()
    head = (head_row.seq, head_row.hash) if head_row is not None else None
    checkpoints = list(Checkpoint.objects.order_by("seq_from"))
    keys = trusted_keys(exported or ())
    problems = diagnose_events(events, head)
    problems += verify_checkpoints(events, [signed_checkpoint(c) for c in checkpoints], keys)
    if exported is not None:
        problems += compare_export(events, exported, keys)
    return Report(
        events=len(events),
        checkpoints=len(checkpoints),
        problems=problems,
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
    hashes = list(
        AuditEvent.objects.filter(seq__gte=checkpoint.seq_from, seq__lte=checkpoint.seq_to)
        .order_by("seq")
        .values_list("hash", flat=True)
    )
    if len(hashes) != checkpoint.tree_size:
        raise LedgerDamaged(f"checkpoint {checkpoint} no longer matches the stored events")
    leaves = [merkle.event_leaf(h) for h in hashes]
    index = seq - checkpoint.seq_from
    fields = event_as_dict(event)
    return Proof(
        event={name: fields[name] for name in (*HASHED_FIELDS, "hash")},
        leaf_index=index,
        checkpoint=checkpoint,
        path=[p.hex() for p in merkle.inclusion_proof(leaves, index)],
    )
