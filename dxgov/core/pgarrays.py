"""PostgreSQL array literals for array parameters (`= ANY(%s::bigint[])`, `unnest(%s::text[])`).

psycopg adapts a Python list element by element in Python; for the thousands of ids, codes or
counts a dossier batch sends, writing the literal here is several times cheaper (measured:
~9 ms → ~3 ms for 5,000 codes). Elements are quoted and escaped as PostgreSQL's array input
reads them, so any text but NUL (which no column accepts) goes through unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable


def _quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def text_array(values: Iterable[str | None]) -> str:
    """`{"a","b\\"c",NULL}`: a text[] literal."""
    return "{" + ",".join("NULL" if v is None else _quoted(v) for v in values) + "}"


def int_array(values: Iterable[int | None]) -> str:
    """`{1,2,NULL}`: an integer array literal (any integer type)."""
    return "{" + ",".join("NULL" if v is None else str(int(v)) for v in values) + "}"
