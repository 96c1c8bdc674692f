"""The audit hash chain: appended in the action's transaction, and tampering shows."""

from __future__ import annotations

from itertools import pairwise

import pytest
from django.db import transaction

from dxgov.audit.chain import GENESIS_HASH, verify_chain
from dxgov.audit.models import AuditEvent, EventType
from dxgov.audit.record import AuditOutsideTransaction, Entry, event_as_dict, record, record_many


def _append(n: int) -> None:
    for i in range(n):
        with transaction.atomic():
            record(
                event_type=EventType.AGENCY_UPDATED,
                acting_user=None,
                target_type="test",
                target_id=str(i),
                data={"n": i, "text": "Phú Thọ"},
            )


def _events() -> list[dict]:
    return [event_as_dict(e) for e in AuditEvent.objects.order_by("id")]


@pytest.mark.django_db
def test_chain_links_each_event_to_the_previous() -> None:
    _append(3)
    events = _events()
    assert events[0]["seq"] == 1 and events[0]["prev_hash"] == GENESIS_HASH
    assert all(b["prev_hash"] == a["hash"] for a, b in pairwise(events))
    assert verify_chain(events) == []


@pytest.mark.django_db
def test_altered_event_is_detected() -> None:
    _append(3)
    target = AuditEvent.objects.get(target_id="1", target_type="test")
    AuditEvent.objects.filter(pk=target.pk).update(data={"n": 99})
    problems = verify_chain(_events())
    assert [(p.seq, p.kind) for p in problems] == [(target.seq, "altered")]


@pytest.mark.django_db
def test_deleted_event_is_detected() -> None:
    _append(3)
    gone = AuditEvent.objects.get(target_id="1", target_type="test")
    AuditEvent.objects.filter(pk=gone.pk).delete()
    kinds = {p.kind for p in verify_chain(_events())}
    assert {"gap", "broken_link"} <= kinds


def test_writing_outside_a_transaction_is_refused() -> None:
    with pytest.raises(AuditOutsideTransaction):
        record(event_type=EventType.AGENCY_UPDATED, acting_user=None)


@pytest.mark.django_db
def test_events_recorded_together_chain_like_single_ones() -> None:
    _append(2)
    base = AuditEvent.objects.count() - 2
    with transaction.atomic():
        written = record_many(
            acting_user=None,
            entries=[
                Entry(EventType.DATA_VALUE_SAVED, "reporting.datavalue", f"X/{i}", data={"i": i})
                for i in range(3)
            ],
        )
    _append(1)
    events = _events()
    assert [e["seq"] - base for e in events[base:]] == [1, 2, 3, 4, 5, 6]
    assert [e.seq - base for e in written] == [3, 4, 5]
    assert all(b["prev_hash"] == a["hash"] for a, b in pairwise(events))
    assert verify_chain(events) == []


def test_writing_many_outside_a_transaction_is_refused() -> None:
    with pytest.raises(AuditOutsideTransaction):
        record_many(acting_user=None, entries=[Entry(EventType.DATA_VALUE_SAVED, "t", "1")])
