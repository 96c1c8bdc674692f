"""Import a dossier file in chunks (bounded memory), each chunk a batch with a stable id.

JSON lines (`.ndjson`, `.jsonl`), CSV (`.csv`) or a JSON batch (`.json`), each optionally
gzipped (`.gz`). The file is read as a stream: at most one chunk of records is held at a time,
so a file of any size imports in the memory of one chunk. Chunk batch ids are
`file:<digest of the file's first MB and size>:<chunk number>`, so running the same import
again after an interruption replays the chunks already stored and continues with the rest.
"""

from __future__ import annotations

import hashlib
import itertools
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from dxgov.dossiers import decoding, ingest
from dxgov.dossiers.actions import receive_batch
from dxgov.dossiers.models import SourceSystem

CHUNK = 5000


def file_kind(path: Path) -> tuple[str, bool]:
    """("ndjson" | "csv" | "json", gzipped) from the file name."""
    suffixes = [s.lower() for s in path.suffixes]
    gzipped = bool(suffixes) and suffixes[-1] == ".gz"
    if gzipped:
        suffixes = suffixes[:-1]
    last = suffixes[-1] if suffixes else ""
    if last == ".csv":
        return "csv", gzipped
    if last == ".json":
        return "json", gzipped
    return "ndjson", gzipped


def file_digest(path: Path) -> str:
    digest = hashlib.sha256(str(os.path.getsize(path)).encode())
    with path.open("rb") as stream:
        digest.update(stream.read(1024 * 1024))
    return digest.hexdigest()[:16]


def _items(path: Path) -> Iterator[decoding.Item]:
    kind, gzipped = file_kind(path)
    with path.open("rb") as stream:
        if kind == "json":
            raw = stream.read(decoding.MAX_DECODED_BYTES + 1)
            data = decoding.inflate(raw) if gzipped else raw
            if len(data) > decoding.MAX_DECODED_BYTES:
                raise decoding.BatchRefused("A JSON batch file is read whole; use JSON lines.")
            _schema, _batch_id, items = decoding.decode_json(data)
            yield from items
            return
        text = decoding.open_text(stream, gzipped)
        if kind == "csv":
            yield from decoding.csv_items(text)
        else:
            yield from decoding.ndjson_items(text)


def import_file(
    path: Path,
    source: SourceSystem,
    *,
    chunk: int = CHUNK,
    acting_user: Any = None,
    progress: Callable[[int, dict[str, Any]], None] | None = None,
) -> dict[str, int]:
    """Import the file; the summed counts of its chunks (replayed chunks counted as such)."""
    prefix = f"file:{file_digest(path)}"
    totals = {
        "batches": 0,
        "replayed": 0,
        "total": 0,
        "accepted": 0,
        "updated": 0,
        "unchanged": 0,
        "stale": 0,
        "quarantined": 0,
    }
    items = _items(path)
    for number in itertools.count(1):
        with ingest.gc_paused():
            part = list(itertools.islice(items, chunk))
            if not part:
                break
            outcome = receive_batch(
                acting_user=acting_user,
                source=source,
                batch_id=f"{prefix}:{number}",
                items=part,
                channel="file",
            )
        batch = outcome.batch
        totals["batches"] += 1
        totals["replayed"] += outcome.replayed
        for key in ("total", "accepted", "updated", "unchanged", "stale", "quarantined"):
            totals[key] += getattr(batch, key)
        if progress is not None:
            progress(number, totals)
        del part, outcome
    return totals
