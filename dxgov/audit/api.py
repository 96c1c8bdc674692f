"""The audit ledger over HTTP: the public key, signed checkpoints and inclusion proofs."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema

from dxgov.audit import ledger, signing
from dxgov.audit.access import access_audit
from dxgov.audit.models import Checkpoint
from dxgov.core.limits import could_be_id

router = Router(tags=["audit"])


class PublicKeyOut(Schema):
    algorithm: str
    key_id: str
    public_key: str


class CheckpointBody(Schema):
    format: str
    seq_from: int
    seq_to: int
    tree_size: int
    root: str
    chain_hash: str
    created_at: str
    key_id: str


class SignedCheckpointOut(Schema):
    body: CheckpointBody
    signature: str


class EventOut(Schema):
    seq: int
    occurred_at: str
    actor_id: int | None
    actor_label: str
    event_type: str
    target_type: str
    target_id: str
    agency_id: int | None
    data: dict[str, Any]
    reason: str
    prev_hash: str
    hash: str


class ProofOut(Schema):
    event: EventOut
    leaf_index: int
    tree_size: int
    path: list[str]
    checkpoint: SignedCheckpointOut


class MessageOut(Schema):
    message: str


def _signed(checkpoint: Checkpoint) -> SignedCheckpointOut:
    return SignedCheckpointOut(
        body=CheckpointBody(**checkpoint.body()), signature=checkpoint.signature
    )


@router.get(
    "/audit/public-key",
    response=PublicKeyOut,
    auth=None,
    summary="The Ed25519 public key that signs audit checkpoints",
)
def public_key(request: HttpRequest) -> PublicKeyOut:
    key = ledger.current_public_key()
    return PublicKeyOut(
        algorithm="Ed25519", key_id=signing.key_id(key), public_key=signing.public_pem(key)
    )


@router.get(
    "/audit/checkpoints",
    response=list[SignedCheckpointOut],
    summary="Every signed checkpoint, oldest first",
)
def checkpoints(request: HttpRequest) -> list[SignedCheckpointOut]:
    return [_signed(c) for c in Checkpoint.objects.order_by("seq_from")]


@router.get(
    "/audit/events/{seq}/proof",
    response={200: ProofOut, 409: MessageOut},
    summary="An event, the checkpoint covering it and its Merkle inclusion proof",
)
def event_proof(request: HttpRequest, seq: int) -> Any:
    access_audit(request.user)
    try:
        proof = ledger.inclusion_proof(seq) if could_be_id(seq) else None
    except ledger.LedgerDamaged:
        message = _("The audit ledger around event %(seq)s fails verification; no proof.")
        return 409, MessageOut(message=message % {"seq": seq})
    if proof is None:
        raise Http404(
            _("Event %(seq)s does not exist or no checkpoint covers it yet.") % {"seq": seq}
        )
    return ProofOut(
        event=EventOut(**proof.event),
        leaf_index=proof.leaf_index,
        tree_size=proof.checkpoint.tree_size,
        path=proof.path,
        checkpoint=_signed(proof.checkpoint),
    )
