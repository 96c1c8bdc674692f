"""Verification's fast path (issue 23 §5): orjson hashes and the streamed read give exactly
what the canonical encoder and the ORM give, and no tampering slips through the difference."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from django.db import transaction
from hypothesis import given, settings
from hypothesis import strategies as st

from dxgov.audit import ledger
from dxgov.audit.chain import (
    CANONICAL_ONLY,
    GENESIS_HASH,
    STORED_FIELDS,
    content_hash,
    event_hash,
)
from dxgov.audit.models import AuditEvent, EventType
from dxgov.audit.record import event_as_dict, record

# What event data can hold: JSON values, with the floats and integers where orjson and json
# part ways (1e-07 against 1e-7; integers past 64 bits, which orjson refuses).
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from([1e-07, 1e16, 1e22, 5e-324, 123456789.123, -0.0])
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


def _event(data: Any, reason: str = "") -> dict[str, Any]:
    event = {
        "seq": 7,
        "occurred_at": "2026-12-07T23:40:01.000001+00:00",
        "actor_id": None,
        "actor_label": "system",
        "event_type": "agency.updated",
        "target_type": "orgunits.agency",
        "target_id": "42",
        "agency_id": 3,
        "data": data,
        "reason": reason,
        "prev_hash": GENESIS_HASH,
    }
    event["hash"] = event_hash(event)
    return event


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_the_fast_hash_is_the_canonical_hash_of_an_intact_event(data: Any) -> None:
    event = _event(data)
    assert content_hash(event) == event["hash"]


@settings(max_examples=300, deadline=None)
@given(json_values, json_values)
def test_the_fast_hash_of_changed_data_is_the_canonical_hash(data: Any, other: Any) -> None:
    stored = {**_event(data), "data": other}
    assert content_hash(stored) == event_hash(stored)


def test_a_big_integer_in_place_of_its_float_is_caught() -> None:
    # orjson would read this integer back as the float it rounds to; verification parses with
    # json, so the substitution shows.
    original = _event({"amount": 1.2345678901234568e29})
    tampered = {**original, "data": {"amount": 123456789012345678901234567890}}
    assert content_hash(tampered) != original["hash"]


def test_nan_in_place_of_null_is_caught() -> None:
    # orjson writes NaN as null: an event marked canonical-only is hashed by json, which does not.
    original = _event({"value": None})
    tampered = {**original, "data": {"value": math.nan}, CANONICAL_ONLY: True}
    assert content_hash(tampered) != original["hash"]


def _record(data: dict[str, Any]) -> None:
    with transaction.atomic():
        record(
            event_type=EventType.AGENCY_UPDATED,
            acting_user=None,
            target_type="test",
            target_id="1",
            data=data,
        )


ODD_DATA = [
    {"text": 'Điện Biên — "quoted"\ttab\nnewline \\ backslash \u2028', "n": 1},
    {"ratio": 1e-07, "big": 2**70, "neg": -0.0, "nested": {"z": [1, 2.5, None], "a": True}},
    {},
    {"keys": {"b": 1, "a": 2, "Ă": 3, "10": 4, "9": 5}},
]


def test_the_reader_unpacks_the_stored_fields_in_their_order() -> None:
    # iter_events names the row's columns one by one; they must be STORED_FIELDS, in order.
    assert STORED_FIELDS == (
        "seq",
        "occurred_at",
        "actor_id",
        "actor_label",
        "event_type",
        "target_type",
        "target_id",
        "agency_id",
        "data",
        "reason",
        "prev_hash",
        "hash",
    )


@pytest.mark.django_db
def test_the_streamed_read_gives_what_the_orm_gives() -> None:
    for data in ODD_DATA:
        _record(data)
    expected = [event_as_dict(e) for e in AuditEvent.objects.order_by("seq")]
    assert list(ledger.iter_events(chunk_size=3)) == expected
    assert list(ledger.iter_events(after=2)) == expected[2:]
    assert ledger.verify_ledger().problems == []


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(), json_values, max_size=5))
def test_stored_data_is_read_as_json_reads_it(data: dict[str, Any]) -> None:
    text = json.dumps(data, ensure_ascii=False)
    parsed, canonical_only = ledger._parse(text)
    # Same values and types (1 and 1.0 and True differ in the encoding).
    assert json.dumps(parsed) == json.dumps(json.loads(text)) and not canonical_only


def test_a_long_integer_is_read_as_an_integer() -> None:
    parsed, _exact = ledger._parse('{"n": -9223372036854775809, "m": 12345678901234567890123}')
    assert parsed == {"n": -9223372036854775809, "m": 12345678901234567890123}


def test_data_holding_nan_is_marked_for_the_canonical_encoder() -> None:
    # Neither database stores NaN (jsonb refuses it, SQLite's column checks JSON_VALID); should
    # one appear, the fast hash (which writes NaN as null) is not trusted with it.
    parsed, canonical_only = ledger._parse('{"value": NaN}')
    assert math.isnan(parsed["value"]) and canonical_only
    assert ledger._parse('{"value": null}') == ({"value": None}, False)


@pytest.mark.django_db
def test_floats_the_database_rewrites_are_hashed_as_it_gives_them_back() -> None:
    # jsonb returns 1e16 as 10000000000000000 and -0.0 as 0.0: the event hashes what it stores.
    _record({"big": 1e16, "zero": -0.0, "small": 1e-07, "round": 2.0, "huge": 1.5e300})
    (event,) = ledger.iter_events(after=AuditEvent.objects.order_by("-seq")[0].seq - 1)
    assert event["data"] == {
        "big": 10**16,
        "zero": 0.0,
        "small": 1e-07,
        "round": 2.0,
        "huge": (15 * 10**299),
    }
    assert content_hash(event) == event["hash"]
    assert ledger.verify_ledger().problems == []


@pytest.mark.django_db
def test_a_reader_that_stops_early_leaves_the_transaction_usable() -> None:
    for n in range(5):
        _record({"n": n})
    with transaction.atomic():
        events = ledger.iter_events(chunk_size=2)
        first = next(events)
        events.close()
        assert AuditEvent.objects.filter(seq=first["seq"]).exists()
