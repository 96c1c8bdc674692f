"""Append an audit event in the caller's transaction."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.db.models import Model
from django.utils import timezone

from dxgov.audit import state
from dxgov.audit.chain import GENESIS_HASH, STORED_FIELDS, event_hash
from dxgov.audit.models import AuditEvent, ChainHead, EventType


class AuditOutsideTransaction(RuntimeError):
    """Raised when an event would be written outside the change it records."""


# On unless a benchmark turns it off (see audit_disabled); nothing else may change it.
_recording: ContextVar[bool] = ContextVar("dxgov_audit_recording", default=True)


@contextlib.contextmanager
def audit_disabled() -> Iterator[None]:
    """FOR BENCHMARKS ONLY (`dxgov bench audit`): record() writes nothing inside this block.

    It exists to measure what auditing costs on a write path. Application code never uses
    it: a change made inside it leaves no trace in the ledger. Recording is on by default.
    """
    token = _recording.set(False)
    try:
        yield
    finally:
        _recording.reset(token)


def recording() -> bool:
    """Whether record() writes events (always, outside a benchmark's audit_disabled())."""
    return _recording.get()


def _number_as_stored(text: str) -> float | int:
    """A JSON float as PostgreSQL's jsonb gives it back (a numeric, written without exponent):
    an exponent form with an integral value (`1e+16`) comes back an integer, and negative zero
    comes back zero. Hashing the value jsonb will return keeps the stored event verifiable."""
    value = float(text)
    if value == 0:
        return 0.0
    if value.is_integer() and ("e" in text or "E" in text):
        return int(Decimal(text))
    return value


def _plain(data: dict[str, Any]) -> dict[str, Any]:
    # Store exactly what was hashed: dates, decimals and UUIDs become strings first, and
    # numbers take the form the database gives back.
    plain: dict[str, Any] = json.loads(
        json.dumps(data, cls=DjangoJSONEncoder), parse_float=_number_as_stored
    )
    return plain


@dataclass(frozen=True)
class Entry:
    """One event of a batch for record_many (the fields record() takes, actor aside)."""

    event_type: EventType
    target_type: str
    target_id: str
    agency_id: int | None = None
    data: dict[str, Any] = field(default_factory=dict)
    reason: str = ""


def _hashed(
    seq: int, now: datetime, acting_user: Any, entry: Entry, prev_hash: str
) -> dict[str, Any]:
    """The hashed fields (audit.chain.HASHED_FIELDS) of one event, as they are hashed."""
    return {
        "seq": seq,
        "occurred_at": now.isoformat(timespec="microseconds"),
        "actor_id": acting_user.pk if acting_user is not None else None,
        "actor_label": acting_user.get_username() if acting_user is not None else "system",
        "event_type": str(entry.event_type),
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "agency_id": entry.agency_id,
        "data": _plain(entry.data),
        "reason": entry.reason,
        "prev_hash": prev_hash,
    }


def with_states(entries: Sequence[Entry]) -> list[Entry]:
    """Each entry whose target is an audited row, with that row's state as saved (read from the
    database, in the caller's transaction, after its writes): `data["state"]` is the row's digest
    (hex), or None when the row does not exist (deleted). One query per audited model."""
    wanted: dict[str, list[str]] = {}
    for entry in entries:
        spec = state.for_target(entry.target_type)
        if spec is not None and entry.target_id and "state" not in entry.data:
            wanted.setdefault(entry.target_type, []).append(entry.target_id)
    if not wanted:
        return list(entries)
    found: dict[str, dict[str, str | None]] = {}
    for target_type, keys in wanted.items():
        spec = state.for_target(target_type)
        assert spec is not None
        found[target_type] = state.states_of(spec, keys)
    return [
        replace(entry, data={**entry.data, "state": found[entry.target_type][entry.target_id]})
        if entry.target_type in found and entry.target_id in found[entry.target_type]
        else entry
        for entry in entries
    ]


def _head() -> ChainHead:
    head, _ = ChainHead.objects.select_for_update().get_or_create(
        pk=1, defaults={"seq": 0, "hash": GENESIS_HASH}
    )
    return head


def _check_transaction() -> None:
    if not connection.in_atomic_block:
        raise AuditOutsideTransaction(
            "audit events must be written inside the action's transaction"
        )


def record(
    *,
    event_type: EventType,
    acting_user: Any,
    target: Model | None = None,
    target_type: str = "",
    target_id: str = "",
    agency_id: int | None = None,
    data: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditEvent:
    _check_transaction()
    if target is not None:
        target_type = target._meta.label_lower
        target_id = str(target.pk)
    if not _recording.get():
        # Benchmark only: an unsaved event, no chain append.
        return AuditEvent(event_type=str(event_type), target_type=target_type, target_id=target_id)
    (entry,) = with_states(
        [Entry(event_type, target_type, target_id, agency_id, data or {}, reason)]
    )
    head = _head()
    now = timezone.now()
    fields = _hashed(head.seq + 1, now, acting_user, entry, head.hash)
    digest = event_hash(fields)
    event = AuditEvent.objects.create(**{**fields, "occurred_at": now}, hash=digest)
    head.seq, head.hash = event.seq, digest
    head.save(update_fields=["seq", "hash"])
    return event


def record_many(*, acting_user: Any, entries: Sequence[Entry]) -> list[AuditEvent]:
    """Append several events of one action at once: one head lock, one insert.

    The events are chained exactly as if record() had been called for each in turn (same
    fields, same hashes); only the round trips are saved, which matters for a form of 200
    values.
    """
    _check_transaction()
    if not entries:
        return []
    if not _recording.get():
        return [
            AuditEvent(
                event_type=str(e.event_type), target_type=e.target_type, target_id=e.target_id
            )
            for e in entries
        ]
    entries = with_states(entries)
    head = _head()
    now = timezone.now()
    seq, previous = head.seq, head.hash
    events = []
    for entry in entries:
        seq += 1
        fields = _hashed(seq, now, acting_user, entry, previous)
        previous = event_hash(fields)
        events.append(AuditEvent(**{**fields, "occurred_at": now}, hash=previous))
    AuditEvent.objects.bulk_create(events)
    head.seq, head.hash = seq, previous
    head.save(update_fields=["seq", "hash"])
    return events


def event_as_dict(event: AuditEvent) -> dict[str, Any]:
    """The stored fields (audit.chain.STORED_FIELDS) as plain values, as audit.chain expects."""
    fields = {name: getattr(event, name) for name in STORED_FIELDS}
    fields["occurred_at"] = event.occurred_at.isoformat(timespec="microseconds")
    return fields


def changes(old: dict[str, Any], new: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The fields that differ, as {"field": {"old": …, "new": …}} for an event's data."""
    return {k: {"old": old.get(k), "new": new[k]} for k in new if old.get(k) != new[k]}
