"""Writes to the audit ledger beyond single events: signed checkpoints."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from django.db import transaction
from django.utils import timezone

from dxgov.audit import ledger, merkle, signing
from dxgov.audit.chain import GENESIS_HASH, verify_chain
from dxgov.audit.models import ChainHead, Checkpoint, EventType, VerificationRun
from dxgov.audit.record import record


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
    *, acting_user: Any, exported: list[dict[str, Any]] | None = None
) -> tuple[ledger.Report, VerificationRun]:
    """Verify the whole ledger (outside any transaction: it reads a snapshot of its own), then
    keep the outcome for the ledger page.

    The run is not itself an audit event: verifying must never write into the chain it judges
    (a forged row beyond the head would take the next event's place), and it changes nothing.
    """
    started = time.monotonic()
    report = ledger.verify_ledger(exported)
    seconds = time.monotonic() - started
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
        )
    return report, run
