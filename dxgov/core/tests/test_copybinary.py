"""The C encoder of binary COPY rows writes exactly what psycopg's own formatter writes, and
PostgreSQL reads back the values it was given."""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import orjson
import pytest
from django.db import connection, transaction
from hypothesis import given, settings
from hypothesis import strategies as st
from psycopg import pq
from psycopg._copy_base import format_row_binary
from psycopg.adapt import Transformer
from psycopg.postgres import adapters, types
from psycopg.types.string import BytesBinaryDumper

from dxgov.core import copybinary

# The types of the dossier table, and one column of each.
TYPES = ("int8", "int4", "int2", "bool", "varchar", "date", "timestamptz", "float8", "jsonb")
COLUMNS = tuple(f"c_{name}" for name in TYPES)
KINDS = copybinary.kinds_of(TYPES)
assert KINDS is not None

pytestmark = pytest.mark.skipif(
    not copybinary.available() and os.environ.get("CI") != "true",
    reason="the C extension is not built here (no compiler); CI requires it",
)


def json_bytes(value: Any) -> bytes:
    return orjson.dumps(value)


def psycopg_bytes(rows: list[Mapping[str, Any]]) -> bytes:
    """The rows as psycopg's binary formatter writes them, jsonb as version byte + text sent
    as bytea (as `ingest.copy_rows` does without the encoder)."""
    transformer = Transformer(adapters)
    names = ["bytea" if name == "jsonb" else name for name in TYPES]
    transformer.adapters.register_dumper(bytes, BytesBinaryDumper)
    transformer.set_dumper_types([types[name].oid for name in names], pq.Format.BINARY)
    out = bytearray()
    for row in rows:
        values = [row[column] for column in COLUMNS]
        json_value = values[-1]
        if json_value is not None:
            if isinstance(json_value, str):
                json_value = json_value.encode()
            elif not isinstance(json_value, bytes):
                json_value = json_bytes(json_value)
            values[-1] = b"\x01" + json_value
        format_row_binary(values, transformer, out)
    return bytes(out)


def encoded(rows: list[Mapping[str, Any]]) -> bytes:
    assert KINDS is not None
    return copybinary.encode_rows(rows, COLUMNS, KINDS, json_bytes)


texts = st.text(st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)))
zones = st.sampled_from(
    [
        UTC,
        timezone(timedelta(hours=7)),
        timezone(timedelta(hours=-9, minutes=-30)),
        ZoneInfo("Asia/Ho_Chi_Minh"),
        ZoneInfo("America/New_York"),
    ]
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | texts,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
    max_leaves=8,
)
rows = st.fixed_dictionaries(
    {
        "c_int8": st.none() | st.integers(-(2**63), 2**63 - 1),
        "c_int4": st.none() | st.integers(-(2**31), 2**31 - 1),
        "c_int2": st.none() | st.integers(-(2**15), 2**15 - 1),
        "c_bool": st.none() | st.booleans(),
        "c_varchar": st.none() | texts,
        "c_date": st.none() | st.dates(),
        "c_timestamptz": st.none()
        | st.datetimes(
            min_value=datetime(1901, 1, 1), max_value=datetime(2999, 12, 31), timezones=zones
        ),
        "c_float8": st.none() | st.floats(allow_nan=False),
        "c_jsonb": st.none()
        | json_values.map(json_bytes)
        | json_values.map(lambda v: json_bytes(v).decode())
        | st.lists(json_values, max_size=3),  # an object: json_bytes gives its text
    }
)


@settings(max_examples=300, deadline=None)
@given(st.lists(rows, max_size=5))
def test_the_same_bytes_as_psycopg(sample: list[dict[str, Any]]) -> None:
    assert encoded(sample) == psycopg_bytes(sample)


def test_the_built_extension_is_used_in_ci() -> None:
    # A machine with a compiler builds it (setup.py); CI must not silently fall back.
    assert copybinary.available()


def test_edge_values() -> None:
    row: dict[str, Any] = {
        "c_int8": -(2**63),
        "c_int4": 2**31 - 1,
        "c_int2": -(2**15),
        "c_bool": True,
        "c_varchar": "Hồ sơ — Ủy ban nhân dân 🇻🇳",
        "c_date": date(1, 1, 1),
        "c_timestamptz": datetime(2026, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
        "c_float8": -0.0,
        "c_jsonb": b"[]",
    }
    other = {**row, "c_float8": math.inf, "c_date": datetime(2026, 1, 2, 3, 4, tzinfo=UTC)}
    nulls = dict.fromkeys(COLUMNS)
    assert encoded([row, other, nulls]) == psycopg_bytes([row, other, nulls])
    assert encoded([]) == b""


class Row(Mapping[str, Any]):
    """A mapping that is not a dict (the encoder reads it item by item)."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.values = values

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def __iter__(self) -> Any:
        return iter(self.values)

    def __len__(self) -> int:
        return len(self.values)


def test_any_mapping() -> None:
    row = dict.fromkeys(COLUMNS)
    row["c_timestamptz"] = datetime(2026, 6, 1, 8, tzinfo=timezone(timedelta(hours=7)))
    assert encoded([Row(row)]) == psycopg_bytes([row])


@pytest.mark.parametrize(
    ("column", "value", "error"),
    [
        ("c_int2", 2**15, OverflowError),
        ("c_int4", -(2**31) - 1, OverflowError),
        ("c_int8", 2**63, OverflowError),
        ("c_int8", "1", TypeError),
        ("c_varchar", 1, TypeError),
        ("c_date", "2026-01-01", TypeError),
        ("c_timestamptz", datetime(2026, 1, 1), TypeError),  # naive
        ("c_timestamptz", date(2026, 1, 1), TypeError),
        ("c_float8", "1.5", TypeError),
        ("c_varchar", "\ud800", UnicodeEncodeError),
    ],
)
def test_refuses_what_the_column_cannot_hold(column: str, value: Any, error: type) -> None:
    row = dict.fromkeys(COLUMNS)
    row[column] = value
    with pytest.raises(error):
        encoded([row])


def test_a_missing_column_and_bad_arguments() -> None:
    row = dict.fromkeys(COLUMNS)
    del row["c_bool"]
    with pytest.raises(KeyError):
        encoded([row])
    with pytest.raises(ValueError, match="one kind per column"):
        copybinary.encode_rows([], COLUMNS, "q", json_bytes)
    with pytest.raises(ValueError, match="unknown kind"):
        copybinary.encode_rows([dict.fromkeys(["a"], 1)], ("a",), "x", json_bytes)
    assert copybinary.kinds_of(["int8", "point"]) is None


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
@settings(max_examples=40, deadline=None)
@given(st.lists(rows, min_size=1, max_size=5))
def test_postgresql_reads_back_the_values(sample: list[dict[str, Any]]) -> None:
    with transaction.atomic(), connection.cursor() as wrapper:
        cursor = wrapper.cursor
        columns = ", ".join(f"{column} {name}" for column, name in zip(COLUMNS, TYPES, strict=True))
        cursor.execute(f"CREATE TEMPORARY TABLE copied (n serial, {columns})")
        with cursor.copy(f"COPY copied ({', '.join(COLUMNS)}) FROM STDIN (FORMAT BINARY)") as copy:
            copy.write(copybinary.SIGNATURE + encoded(sample) + copybinary.TRAILER)
        cursor.execute(f"SELECT {', '.join(COLUMNS)} FROM copied ORDER BY n")  # noqa: S608
        stored = cursor.fetchall()
        cursor.execute("DROP TABLE copied")
    assert len(stored) == len(sample)
    for row, back in zip(sample, stored, strict=True):
        for column, value in zip(COLUMNS, back, strict=True):
            sent = row[column]
            if column == "c_jsonb" and sent is not None:
                sent = orjson.loads(sent) if isinstance(sent, bytes | str) else sent
                value = orjson.loads(value)  # Django's connection reads jsonb as its text
            elif column == "c_date" and isinstance(sent, datetime):
                sent = sent.date()
            assert value == sent, column
