"""The pure diagnosis: for each kind of tampering, exactly the right event numbers."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from dxgov.audit.chain import GENESIS_HASH, event_hash
from dxgov.audit.verify import diagnose_events


def chain(n: int) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    prev = GENESIS_HASH
    for seq in range(1, n + 1):
        event: dict[str, Any] = {
            "seq": seq,
            "occurred_at": f"2026-11-22T10:00:{seq % 60:02d}.000000+00:00",
            "actor_id": None,
            "actor_label": "system",
            "event_type": "agency.updated",
            "target_type": "test",
            "target_id": str(seq),
            "agency_id": None,
            "data": {"n": seq, "text": "Phú Thọ"},
            "reason": "",
            "prev_hash": prev,
        }
        event["hash"] = prev = event_hash(event)
        events.append(event)
    return events


def found(events: list[dict[str, Any]], head: tuple[int, str] | None) -> set[tuple[Any, str]]:
    return {(p.seq, p.kind) for p in diagnose_events(events, head)}


def head_of(events: list[dict[str, Any]]) -> tuple[int, str]:
    return events[-1]["seq"], events[-1]["hash"]


sizes = st.integers(min_value=2, max_value=40)


@given(n=sizes)
def test_intact(n: int) -> None:
    events = chain(n)
    assert found(events, head_of(events)) == set()
    assert found([], None) == set()


@given(n=sizes, pick=st.integers(min_value=0))
def test_altered(n: int, pick: int) -> None:
    events = chain(n)
    head = head_of(events)
    k = pick % n
    events[k] = {**events[k], "reason": "changed"}
    assert found(events, head) == {(k + 1, "altered")}


@given(n=sizes, pick=st.integers(min_value=0))
def test_altered_and_re_hashed(n: int, pick: int) -> None:
    events = chain(n)
    head = head_of(events)
    k = pick % n
    events[k] = {**events[k], "actor_label": "minister"}
    events[k]["hash"] = event_hash(events[k])
    assert found(events, head) == {(k + 1, "altered")}


@given(n=sizes, picks=st.sets(st.integers(min_value=0), min_size=1, max_size=3))
def test_deleted(n: int, picks: set[int]) -> None:
    events = chain(n)
    head = head_of(events)
    gone = {p % n for p in picks}
    if len(gone) == n:
        return
    kept = [e for i, e in enumerate(events) if i not in gone]
    assert found(kept, head) == {(i + 1, "deleted") for i in gone}


@given(n=sizes, a=st.integers(min_value=0), b=st.integers(min_value=0))
def test_reordered(n: int, a: int, b: int) -> None:
    events = chain(n)
    head = head_of(events)
    i, j = a % n, b % n
    if i == j:
        return
    events[i], events[j] = {**events[j], "seq": i + 1}, {**events[i], "seq": j + 1}
    assert found(events, head) == {(i + 1, "reordered"), (j + 1, "reordered")}


@given(n=sizes, careful=st.booleans())
def test_inserted_after_the_head(n: int, careful: bool) -> None:
    events = chain(n)
    head = head_of(events)
    forged = {**events[-1], "seq": n + 1, "prev_hash": events[-1]["hash"], "reason": "late"}
    forged["hash"] = event_hash(forged) if careful else "f" * 64
    found_now = found([*events, forged], head)
    assert (n + 1, "inserted") in found_now
    assert {seq for seq, _ in found_now} == {n + 1}


def test_event_the_chain_skips_over() -> None:
    events = chain(5)
    # A forged event 3 whose own hash holds; event 4 still links to event 2.
    forged = {**events[2], "reason": "forged", "prev_hash": "e" * 64}
    forged["hash"] = event_hash(forged)
    events[2] = forged
    events[3] = {**events[3], "prev_hash": events[1]["hash"]}
    events[3]["hash"] = event_hash(events[3])
    for later in events[4:]:
        later["prev_hash"] = events[later["seq"] - 2]["hash"]
        later["hash"] = event_hash(later)
    assert found(events, head_of(events)) == {(3, "inserted")}


def test_missing_head() -> None:
    assert found(chain(3), None) == {(None, "head")}


def test_checkpoint_event_type_matches_the_model() -> None:
    from dxgov.audit.models import EventType
    from dxgov.audit.verify import CHECKPOINT_EVENT

    assert EventType.CHECKPOINT_CREATED.value == CHECKPOINT_EVENT
