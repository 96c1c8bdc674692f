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

Everything is computed in one pass over the events in sequence order (verify_stream), so a
ledger of any length is verified in bounded memory: the pass keeps one event of look-ahead,
an O(log n) stack of subtree hashes per checkpoint range being recomputed, and what it
found. Only damaged events are kept whole, and only while a reordering can still be
matched (at most MOVE_SEARCH_LIMIT of them). diagnose_events, verify_checkpoints and
compare_export run the same pass over a list.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from dxgov.audit import merkle
from dxgov.audit.chain import GENESIS_HASH, content_hash, event_hash
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
Span = tuple[int, int]


@dataclass(slots=True)
class _Row:
    """What the link check needs of one event, without its content."""

    seq: int
    hash: str
    prev_hash: str
    valid: bool
    flagged: bool


class ChainScan:
    """Event-level findings over events fed one at a time in ascending sequence order."""

    def __init__(self, head: tuple[int, str] | None) -> None:
        self.head = head
        self.count = 0
        self.last_seq: int | None = None
        self._found: list[Problem] = []
        self._broken: list[int] = []
        # Damaged events kept whole for matching reorderings, while that is still possible.
        self._suspects: dict[int, Event] | None = {}
        self._missing: list[Span] = []  # inclusive ranges of absent sequence numbers
        self._missing_count = 0
        self._before: _Row | None = None
        self._pending: _Row | None = None

    def _too_many_to_match(self) -> bool:
        return len(self._broken) + self._missing_count > MOVE_SEARCH_LIMIT

    def add(self, event: Event, content_hash: str) -> None:
        s = int(event["seq"])
        self.count += 1
        low = max(self.last_seq or 0, 0) + 1
        if s > low:
            self._missing.append((low, s - 1))
            self._missing_count += s - low
        self.last_seq = s
        valid = content_hash == event["hash"]
        flagged = not valid
        if not valid:
            self._broken.append(s)
            if self._suspects is not None:
                self._suspects[s] = event
        if self._suspects is not None and self._too_many_to_match():
            self._suspects = None  # matching is quadratic: past the limit all are "altered"
        head = self.head
        if head is not None:
            if s > head[0]:
                detail = f"beyond the chain head, which ends at event {head[0]}"
                self._found.append(Problem("inserted", s, detail))
                flagged = True
            if s == head[0] and valid and event["hash"] != head[1]:
                detail = "re-hashed: the chain head still records the original hash"
                self._found.append(Problem("altered", s, detail))
                flagged = True
        row = _Row(s, str(event["hash"]), str(event["prev_hash"]), valid, flagged)
        if self._pending is not None:
            self._link(self._pending, self._before, row.prev_hash)
            self._before = self._pending
        self._pending = row

    def _link(self, row: _Row, before: _Row | None, next_prev_hash: str | None) -> None:
        """Links between neighbours whose own hashes hold."""
        prev_seq = before.seq if before is not None else 0
        previous_hash = before.hash if before is not None else GENESIS_HASH
        follows = row.seq == prev_seq + 1
        if not (follows and row.valid and row.prev_hash != previous_hash and not row.flagged):
            return
        if next_prev_hash is not None and next_prev_hash == previous_hash:
            self._found.append(Problem("inserted", row.seq, "the next event links past it"))
            row.flagged = True
        elif before is not None and before.valid and not before.flagged:
            detail = f"re-hashed: event {row.seq} still points to the original"
            self._found.append(Problem("altered", before.seq, detail))
            before.flagged = True
        elif before is None:
            detail = "the first event does not start the chain"
            self._found.append(Problem("altered", row.seq, detail))
            row.flagged = True

    def finish(self) -> list[Problem]:
        """Every event-level finding, sorted by sequence number."""
        if self._pending is not None:
            self._link(self._pending, self._before, None)
            self._before, self._pending = self._pending, None
        head_seq = self.head[0] if self.head is not None else 0
        top = max(0, self.last_seq or 0, head_seq)
        low = max(self.last_seq or 0, 0) + 1
        if top >= low:
            self._missing.append((low, top))
            self._missing_count += top - low + 1
        if self._too_many_to_match():
            self._suspects = None
        problems = list(self._found)

        # Reordered: stored under one number, but its content hashes under another.
        moved: dict[int, int] = {}
        if self._suspects is not None:
            missing = [t for lo, hi in self._missing for t in range(lo, hi + 1)]
            candidates = sorted({*self._broken, *missing})
            for s in self._broken:
                event = self._suspects[s]
                for t in candidates:
                    if t != s and event_hash({**event, "seq": t}) == event["hash"]:
                        moved[s] = t
                        break
        for s in self._broken:
            if s in moved:
                detail = f"holds event {moved[s]}, moved here from its place"
                problems.append(Problem("reordered", s, detail))
            else:
                problems.append(Problem("altered", s, "content does not match its hash"))

        taken = set(moved.values())
        for lo, hi in self._missing:
            for s in range(lo, hi + 1):
                if s not in taken:
                    detail = f"no event {s} although the chain reaches {top}"
                    problems.append(Problem("deleted", s, detail))

        if self.head is None and self.count:
            problems.append(Problem("head", None, "the chain head row is missing"))
        return sorted(problems, key=lambda p: (p.seq or 0, p.kind))


class RangeRoots:
    """Merkle roots over sequence ranges, recomputed from events fed in ascending order.

    Each range's result is (root, hash of its last event) over the events' content hashes,
    or None if any event in the range is absent. Only the ranges that contain the current
    event are open, each an O(log n) merkle.RootBuilder.
    """

    def __init__(self, spans: Iterable[Span]) -> None:
        self._waiting = sorted(set(spans), reverse=True)  # pop() gives the lowest seq_from
        # Each open range's builder; the next sequence number it expects is its first plus
        # the leaves it holds.
        self._open: dict[Span, merkle.RootBuilder] = {}
        self.results: dict[Span, tuple[str, str] | None] = {}

    def add(self, seq: int, content_hash: str) -> None:
        waiting = self._waiting
        while waiting and waiting[-1][0] <= seq:
            span = waiting.pop()
            if span[1] < span[0] or span[0] < seq:
                self.results[span] = None  # empty, or its first event is absent
            else:
                self._open[span] = merkle.RootBuilder()
        if not self._open:
            return
        leaf = merkle.event_leaf(content_hash)
        closed: list[Span] = []
        for span, builder in self._open.items():
            if seq != span[0] + builder.size:
                self.results[span] = None
                closed.append(span)
                continue
            builder.add(leaf)
            if seq == span[1]:
                self.results[span] = (builder.root().hex(), content_hash)
                closed.append(span)
        for span in closed:
            del self._open[span]

    def finish(self) -> dict[Span, tuple[str, str] | None]:
        for span in [*self._open, *self._waiting]:
            self.results[span] = None
        self._open, self._waiting = {}, []
        return self.results


def _checkpoint_gone(event: Event, covered: set[Span]) -> Problem | None:
    """Each checkpoint is itself recorded in the chain; its row must still be there."""
    data = event["data"] if isinstance(event["data"], dict) else {}
    span = (int(data.get("seq_from", 0)), int(data.get("seq_to", 0)))
    if span in covered:
        return None
    body = {"seq_from": span[0], "seq_to": span[1]}
    detail = f"recorded by event {event['seq']} but no longer stored"
    return _checkpoint("checkpoint_missing", body, detail)


def _span(body: Mapping[str, Any]) -> Span:
    return int(body["seq_from"]), int(body["seq_to"])


def _checkpoint(kind: str, body: Mapping[str, Any], detail: str) -> Problem:
    return Problem(kind, None, detail, int(body["seq_from"]), int(body["seq_to"]))


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


@dataclass
class Verification:
    events: int
    problems: list[Problem] = field(default_factory=list)


def verify_stream(
    events: Iterable[Event],
    head: tuple[int, str] | None,
    checkpoints: Sequence[Mapping[str, Any]] = (),
    public_keys: Mapping[str, Ed25519PublicKey] | None = None,
    exported: Sequence[Mapping[str, Any]] | None = None,
) -> Verification:
    """One pass over events in ascending sequence order: event findings, then the stored
    checkpoints' (verify_checkpoints), then the exported ones' (compare_export)."""
    keys = public_keys or {}
    stored = sorted(checkpoints, key=lambda c: int(c["body"]["seq_from"]))
    spans = [_span(c["body"]) for c in stored]
    spans += [_span(c["body"]) for c in exported or () if _signed(c, keys)[0]]
    covered = {_span(c["body"]) for c in stored}
    scan = ChainScan(head)
    roots = RangeRoots(spans)
    missing_checkpoints: list[Problem] = []
    for event in events:
        hashed = content_hash(event)
        scan.add(event, hashed)
        roots.add(int(event["seq"]), hashed)
        if event["event_type"] == CHECKPOINT_EVENT:
            gone = _checkpoint_gone(event, covered)
            if gone is not None:
                missing_checkpoints.append(gone)
    problems = scan.finish()
    results = roots.finish()
    problems += _stored_findings(stored, keys, results) + missing_checkpoints
    if exported is not None:
        problems += _export_findings(exported, keys, results, scan.last_seq or 0)
    return Verification(events=scan.count, problems=problems)


def _stored_findings(
    stored: Sequence[Mapping[str, Any]],
    public_keys: Mapping[str, Ed25519PublicKey],
    results: Mapping[Span, tuple[str, str] | None],
) -> list[Problem]:
    """Each stored checkpoint: signed, contiguous, and its root recomputed from the events."""
    problems: list[Problem] = []
    expected_from = 1
    for item in stored:
        body = item["body"]
        seq_from, seq_to = _span(body)
        ok, why = _signed(item, public_keys)
        if not ok:
            problems.append(_checkpoint("checkpoint_signature", body, why))
        if seq_from != expected_from:
            detail = f"expected to start at event {expected_from}"
            problems.append(_checkpoint("checkpoint_sequence", body, detail))
        if int(body["tree_size"]) != seq_to - seq_from + 1:
            problems.append(_checkpoint("checkpoint_sequence", body, "tree size does not fit"))
        expected_from = seq_to + 1
        recomputed = results[(seq_from, seq_to)]
        if recomputed is None:
            detail = "events in its range are missing"
            problems.append(_checkpoint("checkpoint_mismatch", body, detail))
        elif recomputed != (body["root"], body["chain_hash"]):
            detail = "Merkle root recomputed from the events does not match"
            problems.append(_checkpoint("checkpoint_mismatch", body, detail))
    return problems


def _export_findings(
    exported: Sequence[Mapping[str, Any]],
    public_keys: Mapping[str, Ed25519PublicKey],
    results: Mapping[Span, tuple[str, str] | None],
    last: int,
) -> list[Problem]:
    """Checkpoints kept outside: the database must still hold exactly what each one signed."""
    problems: list[Problem] = []
    for item in exported:
        body = item["body"]
        ok, why = _signed(item, public_keys)
        if not ok:
            problems.append(_checkpoint("checkpoint_signature", body, f"exported copy {why}"))
            continue
        seq_from, seq_to = _span(body)
        recomputed = results[(seq_from, seq_to)]
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


def _in_order(events: Iterable[Event]) -> list[Event]:
    return sorted(events, key=lambda e: int(e["seq"]))


def diagnose_events(events: Sequence[Event], head: tuple[int, str] | None) -> list[Problem]:
    """Every event-level finding, sorted by sequence number."""
    scan = ChainScan(head)
    for event in _in_order(events):
        scan.add(event, content_hash(event))
    return scan.finish()


def _roots(events: Sequence[Event], spans: Iterable[Span]) -> dict[Span, tuple[str, str] | None]:
    roots = RangeRoots(spans)
    for event in _in_order(events):
        roots.add(int(event["seq"]), content_hash(event))
    return roots.finish()


def verify_checkpoints(
    events: Sequence[Event],
    checkpoints: Sequence[Mapping[str, Any]],
    public_keys: Mapping[str, Ed25519PublicKey],
) -> list[Problem]:
    """Each stored checkpoint: signed, contiguous, and its root recomputed from the events;
    and every checkpoint the chain records must still be stored."""
    ordered = _in_order(events)
    stored = sorted(checkpoints, key=lambda c: int(c["body"]["seq_from"]))
    results = _roots(ordered, [_span(c["body"]) for c in stored])
    problems = _stored_findings(stored, public_keys, results)
    covered = {_span(c["body"]) for c in stored}
    for event in ordered:
        if event["event_type"] == CHECKPOINT_EVENT:
            gone = _checkpoint_gone(event, covered)
            if gone is not None:
                problems.append(gone)
    return problems


def compare_export(
    events: Sequence[Event],
    exported: Sequence[Mapping[str, Any]],
    public_keys: Mapping[str, Ed25519PublicKey],
) -> list[Problem]:
    """Checkpoints kept outside: the database must still hold exactly what each one signed."""
    results = _roots(events, [_span(c["body"]) for c in exported if _signed(c, public_keys)[0]])
    last = max((int(e["seq"]) for e in events), default=0)
    return _export_findings(exported, public_keys, results, last)
