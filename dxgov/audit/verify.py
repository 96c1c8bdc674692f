"""Verify the audit ledger and say exactly what was done to it, as pure functions (no ORM).

Inputs are plain values: the events as audit.record.event_as_dict gives them, in sequence
order; the chain head; the stored checkpoints and, optionally, checkpoints exported
earlier to an outside body, each as {"body": {...}, "signature": hex}.

Findings name event sequence numbers:
- altered: the event's content no longer matches its hash (or it was re-hashed and the next
  event still points to the original);
- deleted: a sequence number below the chain's tip is missing;
- inserted: an event beyond the chain head, or one the chain skips over;
- reordered: an event whose content hashes correctly under another sequence number.
Checkpoint findings name the range; "rollback" is an exported checkpoint that the database
no longer matches (history truncated or replaced).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from dxgov.audit import merkle
from dxgov.audit.chain import GENESIS_HASH, event_hash
from dxgov.audit.signing import signature_valid

EVENT_KINDS = ("altered", "deleted", "inserted", "reordered")
CHECKPOINT_EVENT = "audit.checkpoint_created"
MOVE_SEARCH_LIMIT = 2000


@dataclass(frozen=True)
class Problem:
    kind: str  # one of EVENT_KINDS, "head", "checkpoint_*" or "rollback"
    seq: int | None
    detail: str
    seq_from: int | None = None
    seq_to: int | None = None

    def __str__(self) -> str:
        if self.seq is not None:
            return f"event {self.seq}: {self.kind}: {self.detail}"
        return f"checkpoint {self.seq_from}-{self.seq_to}: {self.kind}: {self.detail}"


Event = Mapping[str, Any]


def diagnose_events(events: Sequence[Event], head: tuple[int, str] | None) -> list[Problem]:
    """Every event-level finding, sorted by sequence number."""
    rows = sorted(events, key=lambda e: int(e["seq"]))
    by_seq = {int(e["seq"]): e for e in rows}
    valid = {seq: event_hash(e) == e["hash"] for seq, e in by_seq.items()}
    top = max([0, *by_seq, head[0] if head else 0])
    missing = [s for s in range(1, top + 1) if s not in by_seq]
    problems: list[Problem] = []

    # Reordered: stored under one number, but its content hashes under another.
    broken = [s for s, ok in valid.items() if not ok]
    candidates = sorted(set(broken) | set(missing))
    moved: dict[int, int] = {}
    # Matching is quadratic; past MOVE_SEARCH_LIMIT suspects every broken event is "altered".
    for s in broken if len(candidates) <= MOVE_SEARCH_LIMIT else []:
        for t in candidates:
            if t != s and event_hash({**by_seq[s], "seq": t}) == by_seq[s]["hash"]:
                moved[s] = t
                break
    for s in broken:
        if s in moved:
            detail = f"holds event {moved[s]}, moved here from its place"
            problems.append(Problem("reordered", s, detail))
        else:
            problems.append(Problem("altered", s, "content does not match its hash"))

    for s in missing:
        if s not in moved.values():
            problems.append(Problem("deleted", s, f"no event {s} although the chain reaches {top}"))

    if head is not None:
        for s in by_seq:
            if s > head[0]:
                detail = f"beyond the chain head, which ends at event {head[0]}"
                problems.append(Problem("inserted", s, detail))
        tip = by_seq.get(head[0])
        if tip is not None and valid[head[0]] and tip["hash"] != head[1]:
            detail = "re-hashed: the chain head still records the original hash"
            problems.append(Problem("altered", head[0], detail))
    elif rows:
        problems.append(Problem("head", None, "the chain head row is missing"))

    # Links between neighbours whose own hashes hold.
    flagged = {p.seq for p in problems}
    previous_hash = GENESIS_HASH
    for i, row in enumerate(rows):
        s = int(row["seq"])
        prev_seq = int(rows[i - 1]["seq"]) if i else 0
        follows = s == prev_seq + 1
        if follows and valid[s] and row["prev_hash"] != previous_hash and s not in flagged:
            after = rows[i + 1] if i + 1 < len(rows) else None
            if after is not None and after["prev_hash"] == previous_hash:
                problems.append(Problem("inserted", s, "the next event links past it"))
                flagged.add(s)
            elif i and valid[prev_seq] and prev_seq not in flagged:
                detail = f"re-hashed: event {s} still points to the original"
                problems.append(Problem("altered", prev_seq, detail))
                flagged.add(prev_seq)
            elif not i:
                problems.append(Problem("altered", s, "the first event does not start the chain"))
                flagged.add(s)
        previous_hash = row["hash"]
    return sorted(problems, key=lambda p: (p.seq or 0, p.kind))


def _checkpoint(kind: str, body: Mapping[str, Any], detail: str) -> Problem:
    return Problem(kind, None, detail, int(body["seq_from"]), int(body["seq_to"]))


def _range_root(by_seq: Mapping[int, Event], seq_from: int, seq_to: int) -> tuple[str, str] | None:
    """Root and last hash recomputed from the events' content, or None if any is absent."""
    hashes = []
    for s in range(seq_from, seq_to + 1):
        if s not in by_seq:
            return None
        hashes.append(event_hash(by_seq[s]))
    return merkle.root_of_event_hashes(hashes), hashes[-1]


def _signed(
    item: Mapping[str, Any], public_keys: Mapping[str, Ed25519PublicKey]
) -> tuple[bool, str]:
    body = item["body"]
    key = public_keys.get(str(body.get("key_id")))
    if key is None:
        return False, f"signed with unknown key {body.get('key_id')}"
    if not signature_valid(key, body, str(item.get("signature", ""))):
        return False, "signature does not verify"
    return True, ""


def verify_checkpoints(
    events: Sequence[Event],
    checkpoints: Sequence[Mapping[str, Any]],
    public_keys: Mapping[str, Ed25519PublicKey],
) -> list[Problem]:
    """Each stored checkpoint: signed, contiguous, and its root recomputed from the events."""
    by_seq = {int(e["seq"]): e for e in events}
    problems: list[Problem] = []
    expected_from = 1
    covered: set[tuple[int, int]] = set()
    for item in sorted(checkpoints, key=lambda c: int(c["body"]["seq_from"])):
        body = item["body"]
        seq_from, seq_to = int(body["seq_from"]), int(body["seq_to"])
        covered.add((seq_from, seq_to))
        ok, why = _signed(item, public_keys)
        if not ok:
            problems.append(_checkpoint("checkpoint_signature", body, why))
        if seq_from != expected_from:
            detail = f"expected to start at event {expected_from}"
            problems.append(_checkpoint("checkpoint_sequence", body, detail))
        if int(body["tree_size"]) != seq_to - seq_from + 1:
            problems.append(_checkpoint("checkpoint_sequence", body, "tree size does not fit"))
        expected_from = seq_to + 1
        recomputed = _range_root(by_seq, seq_from, seq_to)
        if recomputed is None:
            detail = "events in its range are missing"
            problems.append(_checkpoint("checkpoint_mismatch", body, detail))
        elif recomputed != (body["root"], body["chain_hash"]):
            detail = "Merkle root recomputed from the events does not match"
            problems.append(_checkpoint("checkpoint_mismatch", body, detail))
    # Each checkpoint is itself recorded in the chain; its row must still be there.
    for event in events:
        if event["event_type"] == CHECKPOINT_EVENT:
            data = event["data"] if isinstance(event["data"], dict) else {}
            span = (int(data.get("seq_from", 0)), int(data.get("seq_to", 0)))
            if span not in covered:
                body = {"seq_from": span[0], "seq_to": span[1]}
                detail = f"recorded by event {event['seq']} but no longer stored"
                problems.append(_checkpoint("checkpoint_missing", body, detail))
    return problems


def compare_export(
    events: Sequence[Event],
    exported: Sequence[Mapping[str, Any]],
    public_keys: Mapping[str, Ed25519PublicKey],
) -> list[Problem]:
    """Checkpoints kept outside: the database must still hold exactly what each one signed."""
    by_seq = {int(e["seq"]): e for e in events}
    last = max(by_seq, default=0)
    problems: list[Problem] = []
    for item in exported:
        body = item["body"]
        ok, why = _signed(item, public_keys)
        if not ok:
            problems.append(_checkpoint("checkpoint_signature", body, f"exported copy {why}"))
            continue
        seq_from, seq_to = int(body["seq_from"]), int(body["seq_to"])
        recomputed = _range_root(by_seq, seq_from, seq_to)
        if recomputed is None and seq_to > last:
            detail = f"signed events up to {seq_to}; the database now ends at {last} (truncated)"
            problems.append(_checkpoint("rollback", body, detail))
        elif recomputed is None:
            detail = "events it signed are missing from the database"
            problems.append(_checkpoint("rollback", body, detail))
        elif recomputed != (body["root"], body["chain_hash"]):
            detail = "the database holds a different history for this range (rolled back)"
            problems.append(_checkpoint("rollback", body, detail))
    return problems
