"""Identity numbers hidden in dossier records, and a scan of the whole database for them
(class 2, "Personal data stored"): shared by the hostile tests."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection

from dxgov.dossiers import personal, schema

CCCD = "079203001234"

# The same citizen identity number, written every way a sender could hide it.
WRITTEN = {
    "plain": CCCD,
    "in words": f"Bản sao CCCD {CCCD} công chứng",
    "glued to letters": f"CCCD{CCCD}",
    "grouped by spaces": "079 203 001 234",
    "grouped by dots": "079.203.001.234",
    "zero-width spaces": "0\u200b79203\u200b001234",
    "soft hyphen": "079\u00ad203001234",
    "fullwidth digits": "０７９２０３００１２３４",
    "Arabic-Indic digits": "٠٧٩٢٠٣٠٠١٢٣٤",
}
# The other kinds, in free text.
OTHERS = {
    "identity card": "CMND 012345678",
    "passport": "Hộ chiếu B1234567",
    "mobile phone": "ĐT 0912.345.678",
    "landline": "(024) 3812 3456",
    "phone with +84": "+84 912 345 678",
}
# What must never be found in the database, as it would be stored (NFC, digits as sent).
NEEDLES = ("079203001234", "203001234", "012345678", "B1234567", "345678", "38123456")

# Every string of the format ("documents[0].name"), as the record factory fills it.
STRING_PATHS = (
    "code",
    "procedure_code",
    "agency_code",
    "result_code",
    "result_file_url",
    "population_db_code",
    "documents[0].name",
    "fees[0].name",
    "submitted_at",
    "status_history[0].status",
    "status_history[0].at",
    "processing_time.unit",
)


def with_string(raw: dict[str, Any], path: str, value: str) -> dict[str, Any]:
    """`raw` with its string at `path` set to `value` (in place)."""
    target: Any = raw
    parts = path.replace("[", ".").replace("]", "").split(".")
    for part in parts[:-1]:
        target = target[int(part)] if part.isdigit() else target[part]
    target[parts[-1]] = value
    return raw


@dataclass(frozen=True)
class Hit:
    table: str
    column: str
    kind: str
    excerpt: str


# Digests and secrets stored as hexadecimal or base64 (audit hashes, token digests, password
# hashes, session keys): no one writes text there, and hex digits touching letters are what
# the detector reads as a number glued to a word. Skipped whole, by their shape.
# Hex digests, password hashes, and files stored under their content's SHA-256
# ("committees/22/222a54…f88a2"): numbers by shape, never a person's.
_DIGEST = re.compile(
    r"\A(?:[0-9a-f]{16,}|[0-9A-F]{16,}|[\w$+/=:.-]*\$[\w$+/=:.-]{20,}"
    r"|[\w./-]*/[0-9a-f]{32,}(?:\.\w{1,8})?)\Z"
)


def is_digest(text: str) -> bool:
    return _DIGEST.match(text) is not None


# Columns and JSON keys holding codes (the format's, and batch ids): read as codes, where a
# letter and 7–8 digits is a serial ("I96123456-0", the bench's tag), not a passport number.
CODE_NAMES = frozenset({*schema.CODE_FIELDS, "batch_id", "source", "code_prefix"})


def scan_database(*, skip_tables: frozenset[str] = frozenset()) -> list[Hit]:
    """Every identity number (`personal.find`) in every text value of every table: columns
    read with SELECT *, JSON walked (codes read as codes), byte strings decoded; digests
    skipped by their shape."""
    hits: list[Hit] = []
    with connection.cursor() as cursor:
        tables = [
            info.name
            for info in connection.introspection.get_table_list(cursor)
            if info.type == "t" and info.name not in skip_tables
        ]
    for table in sorted(tables):
        for column, text, code in _texts(table):
            if is_digest(text):
                continue
            kind = personal.find(text, code=code)
            if kind is not None:
                hits.append(Hit(table, column, kind, text[:200]))
    return hits


def _texts(table: str) -> Iterator[tuple[str, str, bool]]:
    quoted = connection.ops.quote_name(table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {quoted}")  # noqa: S608 (a table name from introspection)
        columns = [column[0] for column in cursor.description]
        while rows := cursor.fetchmany(2000):
            for row in rows:
                for column, value in zip(columns, row, strict=True):
                    for text, code in _strings(value, column in CODE_NAMES):
                        yield column, text, code


def _strings(value: Any, code: bool) -> Iterator[tuple[str, bool]]:
    stack: list[tuple[Any, bool]] = [(value, code)]
    while stack:
        item, is_code = stack.pop()
        if isinstance(item, str):
            if item[:1] in ("{", "["):  # JSON kept as text (SQLite): walked, codes as codes
                try:
                    stack.append((json.loads(item), False))
                    continue
                except ValueError:
                    pass
            yield item, is_code
        elif isinstance(item, bytes | bytearray | memoryview):
            stack.append((bytes(item).decode("utf-8", "replace"), is_code))
        elif isinstance(item, dict):
            for key, inner in item.items():
                stack.append((str(key), False))
                stack.append((inner, str(key) in CODE_NAMES))
        elif isinstance(item, list | tuple):
            stack.extend((inner, is_code) for inner in item)
