"""Rows in PostgreSQL's binary COPY format, encoded in one pass by a small C extension (ADR 18).

psycopg's `Copy.write_row` dumps each value through its adapter machinery: for the 42 columns
of a dossier that was ~8 µs a row of the server's CPU (with the list built for it), the
largest single cost of ingestion after decoding. `_copybinary.encode_rows` writes the same
bytes (tested against psycopg's own formatter) in well under a microsecond a row.

The extension is optional (setup.py): `available()` says whether it was built; without it
the callers keep psycopg's `write_row`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

try:
    from dxgov.core import _copybinary  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - built by `pip install` wherever a C compiler is
    _copybinary = None

SIGNATURE = b"PGCOPY\n\xff\r\n\x00" + bytes(8)  # the header: signature, flags, extension length
TRAILER = b"\xff\xff"
# PostgreSQL type name → the encoder's letter for it.
KINDS = {
    "int8": "q",
    "int4": "i",
    "int2": "h",
    "bool": "?",
    "varchar": "t",
    "text": "t",
    "date": "D",
    "timestamptz": "T",
    "float8": "d",
    "jsonb": "j",
}


def fast_row(
    fast: Any,
    agency_id: int,
    encode: Callable[[Any], bytes],
    deadline_of: Callable[[Any, Any, Any], Any],
) -> dict[str, Any] | None:
    """A dossier row from a fast-path record, built in C (see `ingest.fast_row_python`, its
    reference); None when the extension is not built or leaves the record to Python."""
    if _copybinary is None:
        return None
    row: dict[str, Any] | None = _copybinary.fast_row(fast, agency_id, encode, deadline_of)
    return row


def available() -> bool:
    return _copybinary is not None


def kinds_of(types: Sequence[str]) -> str | None:
    """The encoder's letters for these PostgreSQL types; None if one has no letter."""
    letters = [KINDS.get(name) for name in types]
    if any(letter is None for letter in letters):
        return None
    return "".join(letters)  # type: ignore[arg-type]


def encode_rows(
    rows: Sequence[Mapping[str, Any]],
    columns: tuple[str, ...],
    kinds: str,
    json_bytes: Callable[[Any], bytes],
) -> bytes:
    """The rows (each a mapping holding every column) as binary COPY rows, without the
    signature and trailer. `json_bytes` gives the JSON text of a jsonb value that is neither
    bytes nor str."""
    if _copybinary is None:
        raise RuntimeError("dxgov.core._copybinary is not built")
    encoded: bytes = _copybinary.encode_rows(rows, columns, kinds, json_bytes)
    return encoded
