"""The fast validation path (msgspec) against the precise validator, on valid records and on
records broken in every field: the fast path accepts only what the precise one accepts, and
builds the same record."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from dxgov.dossiers import schema
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
