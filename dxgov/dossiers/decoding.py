"""Decoding a delivery into items, one per record (pure): JSON, NDJSON or CSV, gzip or not.

Each item is `(position, where, raw, decode error)`: a JSON or NDJSON record stays its JSON
text (`msgspec.Raw`) for `rows.prepare`, which decodes it straight into the typed record; a CSV
row is already a plain value (`schema.from_csv_row`). What cannot be read at all (not JSON, not
UTF-8, too large) refuses the whole delivery (`BatchRefused`); a single unreadable record is
an item with its error, for quarantine.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
import zlib
from collections.abc import Iterable, Iterator
from typing import IO, Any

import msgspec
import orjson

from dxgov.dossiers import personal, schema

MAX_RECORDS = 50_000  # per batch; a larger delivery is split by the sender (or the command)
MAX_DECODED_BYTES = 128 * 1024 * 1024  # a gzip body may not inflate beyond this


TOO_DEEP = "The body nests arrays or objects too deeply to be a batch of dossier records."
ENVELOPE_KEYS = frozenset({"schema", "batch_id", "records"})


class BatchRefused(ValueError):
    """The whole delivery cannot be read (not JSON, wrong schema, too large); nothing is kept."""


Item = tuple[int, str, Any, str | None]  # position, path prefix, raw value, decode error


def inflate(body: bytes, limit: int = MAX_DECODED_BYTES) -> bytes:
    """A gzip body, inflated; refused beyond `limit` bytes (a small bomb stays small)."""
    inflater = zlib.decompressobj(wbits=31)
    try:
        data = inflater.decompress(body, limit + 1)
    except zlib.error as exc:
        raise BatchRefused("The body is not valid gzip.") from exc
    if len(data) > limit or inflater.unconsumed_tail:
        raise BatchRefused(f"The body inflates beyond {limit // (1024 * 1024)} MB; split it.")
    return data


def _text(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BatchRefused("The body is not UTF-8 text.") from exc


class _Batch(msgspec.Struct, forbid_unknown_fields=True):
    """The batch envelope, its records left undecoded (each is decoded on its own, typed)."""

    records: list[msgspec.Raw]
    schema: Any = None
    batch_id: Any = None


_decode_batch = msgspec.json.Decoder(_Batch).decode
Raw = msgspec.Raw


def decode_json(data: bytes) -> tuple[str, str, list[Item]]:
    """A JSON batch `{"schema", "batch_id", "records": [...]}`: its schema, id and records.

    The records stay JSON text (`msgspec.Raw`) here: `prepare` decodes each straight into the
    typed record, and only a record the fast path refuses is decoded into plain values.
    """
    try:
        envelope = _decode_batch(data)
    except (msgspec.DecodeError, msgspec.ValidationError):
        return _decode_json_values(data)  # refused as it would be, with the same messages
    except RecursionError as exc:  # arrays or objects nested thousands deep, anywhere
        raise BatchRefused(TOO_DEEP) from exc
    records = envelope.records
    if len(records) > MAX_RECORDS:
        raise BatchRefused(f"A batch may hold at most {MAX_RECORDS} records; split it.")
    items: list[Item] = [
        (index, f"records[{index}]", raw, None) for index, raw in enumerate(records)
    ]
    return _string(envelope.schema), _string(envelope.batch_id), items


def _decode_json_values(data: bytes) -> tuple[str, str, list[Item]]:
    try:
        body = orjson.loads(data)
    except orjson.JSONDecodeError:
        # orjson is strict (no BOM, NaN, lone surrogates, integers beyond 64 bits): what it
        # refuses, json reads as before, so that such records still reach quarantine.
        try:
            body = json.loads(_text(data))
        except RecursionError as exc:
            raise BatchRefused(TOO_DEEP) from exc
        except ValueError as exc:
            raise BatchRefused("The body is not valid JSON.") from exc
    if not isinstance(body, dict):
        raise BatchRefused('The body must be an object with "schema", "batch_id" and "records".')
    _no_other_keys(body)
    records = body.get("records")
    if not isinstance(records, list):
        raise BatchRefused('"records" must be a list of dossier records.')
    if len(records) > MAX_RECORDS:
        raise BatchRefused(f"A batch may hold at most {MAX_RECORDS} records; split it.")
    items: list[Item] = [
        (index, f"records[{index}]", raw, None) for index, raw in enumerate(records)
    ]
    return _string(body.get("schema")), _string(body.get("batch_id")), items


def _no_other_keys(body: dict[Any, Any]) -> None:
    """A key beside "schema", "batch_id" and "records" refuses the delivery (issue 17): dropped,
    it could carry what the sender meant to be kept, or personal data no one looks at. Named
    with any identity number in it masked (`personal.mask`)."""
    other = sorted(str(key) for key in body.keys() - ENVELOPE_KEYS)
    if other:
        names = ", ".join(f'"{personal.mask(key)}"' for key in other)
        raise BatchRefused(
            f'{names}: not a field of a batch; send "schema", "batch_id" and "records" only.'
        )


def _string(value: Any) -> str:
    return value if isinstance(value, str) else ""


def ndjson_items(lines: Iterable[str], first_line: int = 1) -> Iterator[Item]:
    """One record per line (blank lines skipped), left as JSON text (`msgspec.Raw`) for
    `prepare`, which reports a line that is not JSON."""
    for number, line in enumerate(lines, start=first_line):
        if not line.strip():
            continue
        where = f"line {number}"
        try:
            yield number, where, Raw(line), None
        except UnicodeEncodeError:  # a lone surrogate (not from UTF-8 text): json reads it
            value, error = loads(line, where)
            yield number, where, value, error


_LONG_NUMBER = re.compile(rb"[0-9]{19}")


def loads(raw: Any, where: str) -> tuple[Any, str | None]:
    """An undecoded record's plain value (orjson, then json for what orjson is too strict
    for: see decode_json), or the error of a text that is not JSON."""
    data = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else bytes(raw)
    if _LONG_NUMBER.search(data) is None:  # orjson reads an integer beyond 64 bits as a float
        try:
            return orjson.loads(data), None
        except orjson.JSONDecodeError:
            pass
    try:
        return json.loads(data.decode("utf-8-sig", "surrogatepass")), None
    except (ValueError, RecursionError):
        return None, f"{where}: not valid JSON"


def csv_items(rows: Iterable[str]) -> Iterator[Item]:
    """CSV with a header row; nested fields as JSON in their cell (see schema.from_csv_row)."""
    reader = csv.DictReader(rows)
    try:
        for index, row in enumerate(reader, start=2):
            yield index, f"row {index}", schema.from_csv_row(row), None
    except csv.Error as exc:
        number = reader.line_num
        yield number, f"row {number}", None, f"row {number}: not valid CSV ({exc})"


def decode_lines(data: bytes, kind: str) -> list[Item]:
    """An NDJSON or CSV body as items (at most MAX_RECORDS)."""
    text = _text(data)
    lines = io.StringIO(text, newline="")
    items = list(ndjson_items(lines) if kind == "ndjson" else csv_items(lines))
    if len(items) > MAX_RECORDS:
        raise BatchRefused(f"A batch may hold at most {MAX_RECORDS} records; split it.")
    return items


def open_text(stream: IO[bytes], gzipped: bool) -> IO[str]:
    """A binary file (gzip or not) as streamed UTF-8 text, for the import command."""
    raw: IO[bytes] = gzip.GzipFile(fileobj=stream) if gzipped else stream  # type: ignore[assignment]
    return io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
