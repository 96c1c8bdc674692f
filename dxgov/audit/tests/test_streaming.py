"""Verification in one pass and bounded memory: the streamed results equal the in-memory ones.

The reference below is the diagnosis as it was written before verification streamed (every
event held in a dict); random tampering must give the same findings, message for message.
Against the database, a tiny chunk size puts the tampering on chunk edges.
"""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from dxgov.audit import ledger, merkle
from dxgov.audit.actions import create_checkpoint
from dxgov.audit.chain import GENESIS_HASH, event_hash
from dxgov.audit.models import AuditEvent, ChainHead, Checkpoint
from dxgov.audit.record import event_as_dict
from dxgov.audit.tests.test_checkpoints import append
from dxgov.audit.tests.test_verify import chain, head_of
from dxgov.audit.verify import MOVE_SEARCH_LIMIT, Problem, diagnose_events


def reference_diagnosis(events: list[dict[str, Any]], head: tuple[int, str] | None) -> list:
    """The in-memory diagnosis (every event in a dict), kept as the oracle."""
    rows = sorted(events, key=lambda e: int(e["seq"]))
    by_seq = {int(e["seq"]): e for e in rows}
    valid = {seq: event_hash(e) == e["hash"] for seq, e in by_seq.items()}
    top = max([0, *by_seq, head[0] if head else 0])
    missing = [s for s in range(1, top + 1) if s not in by_seq]
    problems: list[Problem] = []
    broken = [s for s, ok in valid.items() if not ok]
    candidates = sorted(set(broken) | set(missing))
    moved: dict[int, int] = {}
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


def tamper(events: list[dict[str, Any]], op: tuple[str, int, int]) -> list[dict[str, Any]]:
    kind, a, b = op
    if not events:
        return events
    i, j = a % len(events), b % len(events)
    events = [dict(e) for e in events]
    if kind == "alter":
        events[i]["reason"] = "changed"
    elif kind == "rehash":
        events[i]["actor_label"] = "minister"
        events[i]["hash"] = event_hash(events[i])
    elif kind == "relink":  # re-hash and re-link from here on: a chain rewritten in place
        events[i]["reason"] = "rewritten"
        for k in range(i, len(events)):
            if k > i:
                events[k]["prev_hash"] = events[k - 1]["hash"]
            events[k]["hash"] = event_hash(events[k])
    elif kind == "forge" and i + 1 < len(events):  # a forged event the chain skips over
        before = events[i - 1]["hash"] if i else GENESIS_HASH
        events[i].update(reason="forged", prev_hash="e" * 64)
        events[i]["hash"] = event_hash(events[i])
        events[i + 1]["prev_hash"] = before
        for k in range(i + 1, len(events)):
            if k > i + 1:
                events[k]["prev_hash"] = events[k - 1]["hash"]
            events[k]["hash"] = event_hash(events[k])
    elif kind == "delete":
        del events[i]
    elif kind == "swap" and i != j:
        si, sj = events[i]["seq"], events[j]["seq"]
        events[i], events[j] = {**events[j], "seq": si}, {**events[i], "seq": sj}
    elif kind == "append":
        last = events[-1]
        forged = {**last, "seq": last["seq"] + 1 + b % 3, "prev_hash": last["hash"]}
        forged["hash"] = event_hash(forged) if a % 2 else "f" * 64
        events.append(forged)
    return events


ops = st.lists(
    st.tuples(
        st.sampled_from(["alter", "rehash", "relink", "forge", "delete", "swap", "append"]),
        st.integers(min_value=0, max_value=1000),
        st.integers(min_value=0, max_value=1000),
    ),
    max_size=4,
)


@settings(max_examples=300, deadline=None)  # a shared CI machine may be slow
@given(n=st.integers(min_value=0, max_value=30), changes=ops, headless=st.booleans())
def test_streamed_diagnosis_equals_the_in_memory_one(
    n: int, changes: list[tuple[str, int, int]], headless: bool
) -> None:
    events = chain(n)
    head = None if headless or not n else head_of(events)
    for op in changes:
        events = tamper(events, op)
    assert diagnose_events(events, head) == reference_diagnosis(events, head)


def test_past_the_move_search_limit_broken_events_are_altered() -> None:
    events = chain(MOVE_SEARCH_LIMIT + 5)
    head = head_of(events)
    swapped = tamper(events, ("swap", 0, 1))
    for e in swapped[2:]:
        e["reason"] = "all changed"
    found = diagnose_events(swapped, head)
    assert found == reference_diagnosis(swapped, head)
    assert {p.kind for p in found} == {"altered"} and len(found) == len(events)


@given(n=st.integers(min_value=0, max_value=70))
def test_root_builder_equals_the_recursive_root(n: int) -> None:
    leaves = [merkle.event_leaf(hashlib.sha256(str(i).encode()).hexdigest()) for i in range(n)]
    builder = merkle.RootBuilder()
    for leaf in leaves:
        builder.add(leaf)
    assert builder.size == n and builder.root() == merkle.merkle_root(leaves)


@pytest.mark.parametrize("n", range(1, 41))
def test_streamed_inclusion_proof_equals_the_in_memory_one(n: int) -> None:
    leaves = [merkle.event_leaf(hashlib.sha256(str(i).encode()).hexdigest()) for i in range(n)]
    for index in range(n):
        streamed = merkle.inclusion_proof_streamed(iter(leaves), n, index)
        assert streamed == merkle.inclusion_proof(leaves, index)
    with pytest.raises(ValueError):
        merkle.inclusion_proof_streamed(iter(leaves[:-1]), n, n - 1)
    with pytest.raises(ValueError):
        merkle.inclusion_proof_streamed(iter([*leaves, leaves[0]]), n, 0)


# Against the database, three events per chunk.
CHUNK = 3


def sql(statement: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def findings() -> set[tuple[Any, str]]:
    report = ledger.verify_ledger(chunk_size=CHUNK)
    return {(p.seq, p.kind) for p in report.problems}


def whole() -> set[tuple[Any, str]]:
    return {(p.seq, p.kind) for p in ledger.verify_ledger(chunk_size=10**6).problems}


@pytest.fixture
def twelve() -> list[int]:
    """A ledger whose own events start at a chunk edge, with a checkpoint over all of them."""
    AuditEvent.objects.all().delete()
    Checkpoint.objects.all().delete()
    ChainHead.objects.all().delete()
    append(11)
    assert create_checkpoint(acting_user=None) is not None
    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, 13))
    return seqs


@pytest.mark.django_db
def test_chunks_read_every_event_once(twelve: list[int]) -> None:
    for size in (1, 2, 3, 5, 12, 13):
        assert [e["seq"] for e in ledger.iter_events(size)] == twelve
    assert [e["seq"] for e in ledger.iter_events(CHUNK, after=6)] == twelve[6:]
    report = ledger.verify_ledger(chunk_size=CHUNK)
    assert report.ok and report.events == 12 and report.checkpoints == 1


@pytest.mark.django_db
@pytest.mark.parametrize("seq", [3, 4])  # the last of the first chunk, the first of the next
def test_altered_at_a_chunk_edge(twelve: list[int], seq: int) -> None:
    sql("UPDATE audit_auditevent SET reason = %s WHERE seq = %s", ["edge", seq])
    assert findings() == whole() == {(seq, "altered"), (None, "checkpoint_mismatch")}


@pytest.mark.django_db
def test_re_hashed_at_a_chunk_edge(twelve: list[int]) -> None:
    event = AuditEvent.objects.get(seq=3)
    fields = {**event_as_dict(event), "reason": "rewritten"}
    sql(
        "UPDATE audit_auditevent SET reason = %s, hash = %s WHERE seq = %s",
        ["rewritten", event_hash(fields), 3],
    )
    # Event 4, first of the next chunk, still points to the original event 3.
    assert findings() == whole() == {(3, "altered"), (None, "checkpoint_mismatch")}


@pytest.mark.django_db
def test_reordered_across_chunks(twelve: list[int]) -> None:
    sql("UPDATE audit_auditevent SET seq = %s WHERE seq = %s", [-1, 2])
    sql("UPDATE audit_auditevent SET seq = %s WHERE seq = %s", [2, 8])
    sql("UPDATE audit_auditevent SET seq = %s WHERE seq = %s", [8, -1])
    expected = {(2, "reordered"), (8, "reordered"), (None, "checkpoint_mismatch")}
    assert findings() == whole() == expected


@pytest.mark.django_db
@pytest.mark.parametrize("seq", [6, 12])  # the last of a middle chunk; the very last event
def test_deleted_last_event_of_a_chunk(twelve: list[int], seq: int) -> None:
    sql("DELETE FROM audit_auditevent WHERE seq = %s", [seq])
    assert findings() == whole() == {(seq, "deleted"), (None, "checkpoint_mismatch")}
    with pytest.raises(ledger.LedgerDamaged):
        ledger.inclusion_proof(1)


@pytest.mark.django_db
def test_whole_chunk_deleted(twelve: list[int]) -> None:
    sql("DELETE FROM audit_auditevent WHERE seq BETWEEN %s AND %s", [4, 6])
    expected = {(4, "deleted"), (5, "deleted"), (6, "deleted"), (None, "checkpoint_mismatch")}
    assert findings() == whole() == expected


@pytest.mark.django_db
def test_inclusion_proof_streams_over_the_checkpoint_range(twelve: list[int]) -> None:
    checkpoint = Checkpoint.objects.get()
    leaves = [
        merkle.event_leaf(h)
        for h in AuditEvent.objects.order_by("seq").values_list("hash", flat=True)
    ]
    root = bytes.fromhex(checkpoint.root)
    for seq in twelve:
        proof = ledger.inclusion_proof(seq)
        assert proof is not None
        path = [bytes.fromhex(p) for p in proof.path]
        assert path == merkle.inclusion_proof(leaves, seq - 1)
        assert merkle.verify_inclusion(leaves[seq - 1], seq - 1, 12, path, root)


@pytest.mark.django_db(transaction=True)
def test_verify_outside_a_transaction_reads_one_snapshot_and_ends_it() -> None:
    """Outside any transaction verify opens its own read (REPEATABLE READ on PostgreSQL, a
    deferred read on SQLite) and closes it: the connection is back in autocommit, and the
    next write and verification see each other."""
    append(4)
    assert ledger.verify_ledger(chunk_size=CHUNK).ok
    assert connection.get_autocommit() and not connection.in_atomic_block
    assert create_checkpoint(acting_user=None) is not None
    report = ledger.verify_ledger(chunk_size=CHUNK)
    assert report.ok and report.checkpoints == 1 and report.events == AuditEvent.objects.count()
    sql("UPDATE audit_auditevent SET reason = %s WHERE seq = %s", ["late", 2])
    assert (2, "altered") in {(p.seq, p.kind) for p in ledger.verify_ledger().problems}
