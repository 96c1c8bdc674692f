"""The fast validation path (msgspec) against the precise validator, on valid records and on
records broken in every field: the fast path accepts only what the precise one accepts, and
builds the same record (so the one row builder, `rows.to_row`, gives the same row)."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import msgspec
from hypothesis import event, given, settings
from hypothesis import strategies as st

from dxgov.core.calendar import TZ, WorkingCalendar
from dxgov.dossiers import rows, schema
from dxgov.dossiers.storage import json_bytes
from dxgov.dossiers.tests.conftest import make_record

moments = st.sampled_from(
    [
        "2025-07-01T08:30:00+07:00",
        "2025-07-01T08:30:00Z",
        "2025-07-01 08:30:00+00:00",
        "2025-07-01T08:30:00",  # no offset
        "2025-07-01",
        "1989-12-31T23:00:00+07:00",  # before 1990
        "2101-01-01T00:00:00+07:00",
        "2025-02-30T08:00:00+07:00",
        "not a date",
        "2025-07-01T08:30:00.123456+05:30",
        "x" * 41,
    ]
)
texts = st.one_of(
    st.text(max_size=8),
    st.sampled_from(["", "   ", "a\x00b", "\ud800", "đơn", "x" * 33, "x" * 65, "x" * 501]),
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 8),
    st.integers(),
    st.floats(),
    texts,
    moments,
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                ["status", "at", "name", "amount", "value", "unit", "received_at", "x"]
            ),
            inner,
            max_size=4,
        )
    ),
    max_leaves=12,
)
entries = {
    "status_history": st.fixed_dictionaries(
        {"status": st.sampled_from([*sorted(schema.STATUSES), "done"]), "at": moments}
    ),
    "documents": st.fixed_dictionaries(
        {},
        optional={
            "name": st.none() | texts,
            "digitised": st.none() | st.booleans() | st.integers(0, 1),
            "from_personal_store": st.none() | st.booleans(),
            "ho_ten": texts,
            "note": texts,
        },
    ),
    "fees": st.fixed_dictionaries(
        {"amount": st.integers(-1, 10**15 + 1) | st.floats() | st.booleans()},
        optional={"name": st.none() | texts},
    ),
    "petitions": st.fixed_dictionaries(
        {"received_at": moments},
        optional={
            "handled_at": st.none() | moments,
            "disliked": st.none() | st.booleans(),
            "recomplained": st.booleans() | st.integers(0, 1),
        },
    ),
}
processing_times = st.fixed_dictionaries(
    {
        "value": st.integers(-1, 4000) | st.floats(allow_nan=True) | st.booleans(),
        "unit": st.sampled_from(["working_day", "day", "hour", "week"]),
    }
)


@st.composite
def records(draw: st.DrawFn) -> dict[str, Any]:
    raw = make_record(draw(st.sampled_from(["HS-1", "  ", "", "x" * 65])))
    for key in draw(st.lists(st.sampled_from(sorted(schema.FIELDS)), max_size=4)):
        if key in entries:
            raw[key] = draw(st.lists(entries[key], max_size=3) | values)
        elif key == "processing_time":
            raw[key] = draw(processing_times | values)
        elif key.endswith("_at"):
            raw[key] = draw(moments | values)
        else:
            raw[key] = draw(values)
    for key in draw(st.lists(st.sampled_from(["note", "phone", "citizen_id"]), max_size=1)):
        raw[key] = draw(values)
    for key in draw(st.lists(st.sampled_from(sorted(schema.FIELDS)), max_size=2)):
        raw.pop(key, None)
    return raw


@settings(max_examples=1500, deadline=None)
@given(records())
def test_the_fast_path_accepts_only_what_the_precise_one_accepts_and_builds_the_same(
    raw: dict[str, Any],
) -> None:
    precise, errors = schema.validate_precise(raw, "records[0]")
    fast = schema.fast_check(raw)
    if fast is not None:
        assert precise is not None, errors
        assert fast == precise
    assert schema.validate(raw, "records[0]") == (precise, errors)


@settings(max_examples=500, deadline=None)
@given(records())
def test_a_record_and_its_struct_carry_the_same_values(raw: dict[str, Any]) -> None:
    # The precise path hands its records to the one row builder as the fast path's Struct (the
    # fields a record leaves out go with it separately: its Struct holds the defaults).
    precise, _errors = schema.validate_precise(raw, "records[0]")
    if precise is not None:
        back = schema.record_of(schema.struct_of(precise))
        assert dataclasses.replace(back, missing=precise.missing) == precise


def test_the_fast_path_takes_the_well_formed_records() -> None:
    full = make_record("HS-1")
    minimal = {k: full[k] for k in schema.REQUIRED}
    assert schema.fast_check(full) == schema.validate_precise(full)[0]
    assert schema.fast_check(minimal) == schema.validate_precise(minimal)[0]


def test_text_msgspec_cannot_encode_goes_to_the_precise_path() -> None:
    raw = make_record("HS-1", channel="\ud800", processing_time={"value": 1, "unit": "\ud800"})
    assert schema.fast_check(raw) is None
    record, errors = schema.validate(raw, "r")
    assert record is None
    assert "r.channel: must be one of 1, 2, 3" in errors


def test_unknown_keys_and_personal_data_go_to_the_precise_path() -> None:
    assert schema.fast_check(make_record("HS-1", note="x")) is None
    assert schema.fast_check(make_record("HS-1", documents=[{"name": "a", "cccd": "1"}])) is None
    record, errors = schema.validate(make_record("HS-1", documents=[{"cccd": "1"}]), "r")
    assert record is None
    assert errors == ["r.documents[0].cccd: personal data is not accepted (Decree 13/2023)"]


# --- straight from the JSON text (`decode_fast` and `rows.to_row`, as a batch body is read) ---

more_moments = st.sampled_from(
    [
        "2025-07-01T08:30:00z",  # RFC 3339 allows a lower-case z
        "2025-07-01t08:30:00+07:00",
        "2025-07-01T08:30:00.1234567+07:00",  # beyond microseconds: rounded, on both paths
        "2025-07-01T08:30:00.9999999+07:00",
        "2025-07-01T08:30+07:00",  # no seconds: not RFC 3339, refused on both paths
        "2025-07-01T08:30:00+0700",
        "2025-07-01T08:30:00.5" + "1" * 40 + "+07:00",  # longer than 40 characters
    ]
)


def _moment(value: Any) -> Any:
    return None if value is None else schema.parse_moment(value)


def _json_columns(row: dict[str, Any]) -> dict[str, Any]:
    """The JSON columns as what they mean (the fast path re-encodes what it decoded: the same
    entries, times written in one form)."""
    lists = {key: json.loads(json_bytes(row[key])) for key in JSON_COLUMNS}
    return {
        "status_history": [(e["status"], _moment(e["at"])) for e in lists["status_history"]],
        "documents": [
            (e.get("name") or "", e.get("digitised") is True, e.get("from_personal_store") is True)
            for e in lists["documents"]
        ],
        "fees": [(e.get("name") or "", e["amount"]) for e in lists["fees"]],
        "petitions": [
            (
                _moment(e["received_at"]),
                _moment(e.get("handled_at")),
                e.get("disliked") is True,
                e.get("recomplained") is True,
            )
            for e in lists["petitions"]
        ],
    }


JSON_COLUMNS = ("status_history", "documents", "fees", "petitions")


@st.composite
def texts_of_records(draw: st.DrawFn) -> bytes:
    raw = draw(records())
    for key in draw(st.lists(st.sampled_from(sorted(schema.FIELDS)), max_size=2)):
        if key.endswith("_at"):
            raw[key] = draw(more_moments)
    if draw(st.booleans()) and isinstance(raw.get("status_history"), list):
        raw["status_history"] = [{"status": "received", "at": draw(more_moments)}]
    return json.dumps(raw, ensure_ascii=draw(st.booleans()), allow_nan=True).encode(
        "utf-8", "surrogatepass"
    )


@settings(max_examples=1500, deadline=None)
@given(texts_of_records())
def test_records_decoded_from_their_text_give_the_rows_the_precise_path_gives(text: bytes) -> None:
    fast = schema.decode_fast(msgspec.Raw(text))
    if fast is None:
        return  # the precise path decides (the ingestion tests cover what it answers)
    raw = json.loads(text)
    precise, errors = schema.validate_precise(raw, "records[0]")
    assert precise is not None, errors
    assert schema.fast_missing(fast) == precise.missing
    calendar = WorkingCalendar()
    row = rows.to_row(fast, 7, calendar)
    expected = rows.to_row(schema.struct_of(precise), 7, calendar)
    assert not isinstance(row, str) and not isinstance(expected, str)
    assert _json_columns(row) == _json_columns(expected)
    plain = {k: v for k, v in row.items() if k not in JSON_COLUMNS}
    assert plain == {k: v for k, v in expected.items() if k not in JSON_COLUMNS}


@settings(max_examples=300, deadline=None)
@given(st.lists(texts_of_records(), min_size=1, max_size=5))
def test_a_batch_read_from_text_is_prepared_as_the_same_batch_decoded(texts: list[bytes]) -> None:
    agencies = {"SO-25-KHCN": 1}
    as_text = [(i, f"records[{i}]", msgspec.Raw(t), None) for i, t in enumerate(texts)]
    decoded = [(i, f"records[{i}]", json.loads(t), None) for i, t in enumerate(texts)]
    by_text = rows.prepare(as_text, agencies, "S")
    by_value = rows.prepare(decoded, agencies, "S")
    assert by_text.refused == by_value.refused
    assert by_text.missing == by_value.missing
    assert (by_text.total, by_text.duplicates_same, by_text.duplicates_stale) == (
        by_value.total,
        by_value.duplicates_same,
        by_value.duplicates_stale,
    )
    assert by_text.rows.keys() == by_value.rows.keys()
    for code, row in by_text.rows.items():
        assert _json_columns(row) == _json_columns(by_value.rows[code])
    event("rows kept" if by_text.rows else "every record refused")


def test_the_batch_comparison_sees_kept_rows() -> None:
    texts = [json.dumps(make_record(f"HS-{i}")).encode() for i in range(3)]
    items = [(i, f"records[{i}]", msgspec.Raw(t), None) for i, t in enumerate(texts)]
    prepared = rows.prepare(items, {"SO-25-KHCN": 1}, "S")
    assert sorted(prepared.rows) == ["HS-0", "HS-1", "HS-2"] and not prepared.refused


def test_moments_are_read_as_rfc_3339_on_both_paths() -> None:
    accepted = make_record("HS-1", updated_at="2025-07-09T00:00:00.1234567z")
    fast = schema.decode_fast(json.dumps(accepted).encode())
    precise, errors = schema.validate_precise(accepted, "r")
    assert fast is not None and precise is not None, errors
    assert fast.updated_at == precise.updated_at
    assert precise.updated_at.microsecond == 123457  # rounded to the microsecond
    refused = make_record("HS-1", updated_at="2025-07-09T00:00+07:00")
    assert schema.decode_fast(json.dumps(refused).encode()) is None
    assert schema.validate_precise(refused, "r")[1] == [
        "r.updated_at: must be an ISO 8601 date and time with offset"
    ]


def test_nul_in_text_sends_a_record_to_the_precise_path() -> None:
    text = json.dumps(make_record("HS-\u0000")).encode()
    assert schema.decode_fast(text) is None
    assert schema.validate(json.loads(text), "r")[0] is None


@settings(max_examples=500, deadline=None)
@given(
    st.datetimes(
        min_value=datetime(1960, 1, 1),
        max_value=datetime(2100, 12, 31),
        timezones=st.sampled_from(
            [UTC, timezone(timedelta(hours=7)), timezone(timedelta(hours=-11)), TZ]
        ),
    )
)
def test_the_month_of_receipt_is_the_month_in_viet_nam(moment: datetime) -> None:
    # The fixed UTC+7 used from 1990 gives the month the zone itself gives.
    local = moment.astimezone(ZoneInfo("Asia/Ho_Chi_Minh"))
    assert rows.month_of(moment) == date(local.year, local.month, 1)
