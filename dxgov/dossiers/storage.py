"""The database write of a batch's rows (PostgreSQL: COPY, SQLite: executemany), and the
stored versions the classification reads.

New dossiers go straight into the table by binary COPY (psycopg's row writer), with ids taken
from its sequence; newer versions of stored ones through a temporary table and the
never-regress upsert (`INSERT … ON CONFLICT (source_id, code) DO UPDATE …
WHERE excluded.updated_at > dossiers_dossier.updated_at`). SQLite takes the same upsert through
executemany.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from operator import itemgetter
from typing import Any

import orjson
from django.db import connection
from psycopg.types.string import BytesBinaryDumper

from dxgov.core.pgarrays import text_array
from dxgov.dossiers.audit_state import STATE_COLUMN
from dxgov.dossiers.models import Dossier, SourceSystem
from dxgov.dossiers.rows import JSON_FIELDS, ROW_FIELDS
from dxgov.orgunits.models import Agency

# The columns written: the row and its digest as the audit ledger covers it (audit_state.py).
WRITTEN = (*ROW_FIELDS, STATE_COLUMN)
# Never rewritten by an update.
KEEP_ON_UPDATE = frozenset({"source_id", "code", "first_seen_at"})


def reportable_agencies(source: SourceSystem) -> dict[str, int]:
    """Codes → ids of the agencies the source may report for (its agencies and below)."""
    paths = list(source.agencies.values_list("path", flat=True))
    found: dict[str, int] = {}
    for path in paths:
        found.update(Agency.objects.filter(path__startswith=path).values_list("code", "id"))
    return found


STORED = (
    "id",
    "code",
    "updated_at",
    "first_seen_at",
    "received_month",
    "batch_id",
    STATE_COLUMN,
)


def stored_versions(source_id: int, codes: list[str]) -> dict[str, tuple[Any, ...]]:
    """The stored version of each code the source already sent: (id, code, updated_at,
    first_seen_at, received_month, batch_id, audit_state), all the classification, the write,
    the hooks and the batch's audit event need."""
    found: dict[str, tuple[Any, ...]] = {}
    if not codes:
        return found
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One array literal: 5,000 `IN` parameters cost more to send than the lookup.
            cursor.execute(
                f"SELECT {', '.join(STORED)} FROM dossiers_dossier "  # noqa: S608
                "WHERE source_id = %s AND code = ANY(%s::text[])",
                [source_id, text_array(codes)],
            )
            for row in cursor.fetchall():
                found[row[1]] = row
            return found
    for start in range(0, len(codes), 5000):
        chunk = codes[start : start + 5000]
        for row in Dossier.objects.filter(source_id=source_id, code__in=chunk).values_list(*STORED):
            found[row[1]] = row
    return found


def upsert_sql(table_source: str) -> str:
    columns = ", ".join(WRITTEN)
    updates = ", ".join(f"{c} = excluded.{c}" for c in WRITTEN if c not in KEEP_ON_UPDATE)
    return (
        f"INSERT INTO dossiers_dossier ({columns}) {table_source} "
        f"ON CONFLICT (source_id, code) DO UPDATE SET {updates} "
        f"WHERE excluded.updated_at > dossiers_dossier.updated_at"
    )


def json_bytes(value: Any) -> bytes:
    """A JSON column's text as UTF-8: as is when the fast path already encoded it (bytes);
    else orjson, several times faster than json; json for what orjson refuses (nothing a
    valid record holds, but the writer must not depend on that)."""
    if type(value) is bytes:
        return value
    try:
        return orjson.dumps(value)
    except TypeError:
        return json.dumps(value).encode()


def dump_json(value: Any) -> str:
    return json_bytes(value).decode()


_column_types: dict[str, str] = {}
JSONB_VERSION = b"\x01"


def _types(cursor: Any, columns: tuple[str, ...]) -> list[str]:
    """The PostgreSQL type names of dossiers_dossier's columns (read once per process)."""
    if not _column_types:
        cursor.execute(
            "SELECT a.attname, t.typname FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid "
            "WHERE a.attrelid = 'dossiers_dossier'::regclass AND a.attnum > 0 "
            "AND NOT a.attisdropped"
        )
        _column_types.update(cursor.fetchall())
    return [_column_types[column] for column in columns]


def copy_rows(
    cursor: Any, table: str, columns: tuple[str, ...], rows: list[dict[str, Any]]
) -> None:
    """COPY rows (dicts with `columns`) into `table` (dossiers_dossier's column types), binary:
    about half the client's cost of the text format for these 42 columns (measured), with
    psycopg's own row writer (ADR 19).

    A jsonb value in binary COPY is a version byte (1) and the JSON text: the JSON columns go
    as such bytes, declared `bytea` to the driver so that it passes them through untouched
    instead of calling a Python dumper for every value.
    """
    types = _types(cursor, columns)
    json_at = [i for i, kind in enumerate(types) if kind == "jsonb"]
    for i in json_at:
        types[i] = "bytea"
    version = JSONB_VERSION
    encode = json_bytes
    if json_at:
        # bytea's dumper by default is DB-API's Binary one, in Python; psycopg's own (C) for
        # this cursor only.
        cursor.adapters.register_dumper(bytes, BytesBinaryDumper)
    values_of = itemgetter(*columns)  # a row's values in column order, in C
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN (FORMAT BINARY)") as copy:
        copy.set_types(types)
        write = copy.write_row
        for row in rows:
            values = list(values_of(row))
            for i in json_at:
                values[i] = version + encode(values[i])
            write(values)


_sequence: list[str] = []


def _new_ids(cursor: Any, count: int) -> list[int]:
    """`count` ids from the table's sequence. Its name is looked up once per process:
    `pg_get_serial_sequence` in the statement ran once per row, 8× the cost of the nextval
    calls themselves (measured: 20 ms for 5,000 ids instead of 2.6)."""
    if not _sequence:
        cursor.execute("SELECT pg_get_serial_sequence('dossiers_dossier', 'id')")
        _sequence.append(cursor.fetchone()[0])
    cursor.execute(
        "SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [_sequence[0], count]
    )
    return [row[0] for row in cursor.fetchall()]


def _write_postgresql(rows: list[dict[str, Any]]) -> None:
    """New dossiers straight into the table by COPY, with ids taken from its sequence (no
    dossier of the batch's source can appear meanwhile: the source's row is locked); newer
    versions of stored ones through a temporary table and the never-regress upsert."""
    new = [row for row in rows if "id" not in row]
    known = [row for row in rows if "id" in row]
    with connection.cursor() as wrapper:
        cursor = wrapper.cursor  # psycopg's own, for COPY
        if new:
            for row, new_id in zip(new, _new_ids(cursor, len(new)), strict=True):
                row["id"] = new_id
            copy_rows(cursor, "dossiers_dossier", ("id", *WRITTEN), new)
        if known:
            columns = ", ".join(WRITTEN)
            cursor.execute(
                f"CREATE TEMPORARY TABLE IF NOT EXISTS dossier_in ON COMMIT DELETE ROWS AS "  # noqa: S608
                f"SELECT {columns} FROM dossiers_dossier WITH NO DATA"
            )
            copy_rows(cursor, "dossier_in", WRITTEN, known)
            cursor.execute(upsert_sql(f"SELECT {columns} FROM dossier_in"))  # noqa: S608
            cursor.execute("TRUNCATE dossier_in")


def _write_sqlite(rows: list[dict[str, Any]]) -> None:
    placeholders = ", ".join("%s" for _ in WRITTEN)
    adapt = connection.ops.adapt_datetimefield_value
    values = []
    for row in rows:
        line = []
        for column in WRITTEN:
            value = row[column]
            if column in JSON_FIELDS:
                value = dump_json(value)
            elif isinstance(value, datetime):
                value = adapt(value)
            elif isinstance(value, date):
                value = value.isoformat()
            line.append(value)
        values.append(line)
    with connection.cursor() as cursor:
        cursor.executemany(upsert_sql(f"VALUES ({placeholders})"), values)
    new: dict[int, dict[str, dict[str, Any]]] = {}
    for row in rows:
        if "id" not in row:
            new.setdefault(row["source_id"], {})[row["code"]] = row
    for source_id, by_code in new.items():
        codes = list(by_code)
        for start in range(0, len(codes), 5000):
            chunk = codes[start : start + 5000]
            found = Dossier.objects.filter(source_id=source_id, code__in=chunk)
            for code, dossier_id in found.values_list("code", "id"):
                by_code[code]["id"] = dossier_id


def write_rows(rows: list[dict[str, Any]]) -> None:
    """Write one source's new and newer rows; every row has its `id` afterwards."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        _write_postgresql(rows)
    else:
        _write_sqlite(rows)
