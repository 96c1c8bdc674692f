"""`dxgov bench updates`: what a newer version of a stored dossier costs against a new one
(issue 23 §4: status updates are the common case, about ten per dossier).

Generated records are received through the ingestion action (`dossiers.actions.
receive_batch`: validation, classification, the write, the audit event), source by source, in
batches decoded from JSON bodies as the API decodes them: first as new dossiers, then the same
dossiers again with a later `updated_at`, one more status and their end of processing, as a
source sends them when a dossier moves. Each phase is timed by the CPU it costs this process
and PostgreSQL's processes (read from /proc), and the whole run is rolled back, so it can be
repeated on the same database.
"""

from __future__ import annotations

import gc
import random
import statistics
import string
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import orjson
from django.db import transaction

from dxgov.bench.common import Rollback, machine, write_section
from dxgov.bench.scoring import _plan, _ready, _records, cpu_seconds
from dxgov.dossiers import actions as dossier_actions
from dxgov.dossiers import decoding
from dxgov.dossiers.models import SourceSystem

Out = Callable[[str], None]
BATCH = 5_000


def _moved(record: dict[str, Any], stamp: datetime) -> dict[str, Any]:
    """The record as its source sends it after the dossier moved on: finished, one status
    more, a later updated_at."""
    received = datetime.fromisoformat(record["received_at"])
    finished = (received + timedelta(days=3)).isoformat()
    history = [*record.get("status_history", []), {"status": "finished", "at": finished}]
    return {
        **record,
        "status_history": history,
        "finished_at": finished,
        "updated_at": stamp.isoformat(),
    }


def _cpu() -> tuple[float, float]:
    """CPU seconds so far of this process and of PostgreSQL's (no server process here: -1
    matches no process group)."""
    found = cpu_seconds(-1)
    return found.get("bench client", 0.0), found.get("PostgreSQL", 0.0)


def _phase(batches: list[tuple[SourceSystem, bytes]], tag: str) -> dict[str, float]:
    client, server = _cpu()
    started = time.perf_counter()
    for n, (source, body) in enumerate(batches):
        # The body as the API receives it: its records stay JSON text for the typed fast path.
        _schema, _batch_id, items = decoding.decode_json(body)
        dossier_actions.receive_batch(
            acting_user=source.user,
            source=source,
            batch_id=f"bench-updates-{tag}-{n}-{time.time_ns()}",
            items=items,
        )
    wall = time.perf_counter() - started
    client_after, server_after = _cpu()
    return {"wall": wall, "client": client_after - client, "server": server_after - server}


def _batches(
    by_source: dict[str, list[dict[str, Any]]],
) -> list[tuple[SourceSystem, bytes]]:
    sources = {s.code: s for s in SourceSystem.objects.filter(code__in=list(by_source))}
    return [
        (sources[code], orjson.dumps({"records": records[start : start + BATCH]}))
        for code, records in by_source.items()
        for start in range(0, len(records), BATCH)
    ]


def run(*, records: int, repeat: int, seed: int, out: Out) -> dict[str, list[dict[str, float]]]:
    _ready()
    procedures, _plans, refs = _plan(seed)
    phases: dict[str, list[dict[str, float]]] = {"insert": [], "update": []}
    for attempt in range(repeat):
        by_source = _records(
            refs,
            procedures,
            count=records,
            year=2026,
            months=[9, 10],
            seed=seed + attempt,
            tag=_tag(attempt),
        )
        stamp = datetime.now().astimezone() + timedelta(minutes=5)
        moved = {code: [_moved(r, stamp) for r in rs] for code, rs in by_source.items()}
        count = sum(len(rs) for rs in by_source.values())
        new_bodies, moved_bodies = _batches(by_source), _batches(moved)
        del by_source, moved
        # The generated data stays out of the collector's passes: a server process holds one
        # batch, not the run's hundred thousand records, and would not pay for walking them.
        gc.collect()
        gc.freeze()
        try:
            with transaction.atomic():
                inserted = _phase(new_bodies, "new")
                updated = _phase(moved_bodies, "moved")
                raise Rollback
        except Rollback:
            pass
        finally:
            gc.unfreeze()
        for name, figures in (("insert", inserted), ("update", updated)):
            phases[name].append({key: value / count * 1e6 for key, value in figures.items()})
        out(
            f"run {attempt + 1}: {count} records; per record (µs) insert "
            f"{_fmt(phases['insert'][-1])}; update {_fmt(phases['update'][-1])}"
        )
    return phases


def _ratio(update: float, new: float) -> str:
    # SQLite has no server process: its share is zero.
    return f"{update / new:.2f}" if new else "—"


def _tag(attempt: int) -> str:
    """A code prefix new to the database, in letters: a run of digits (a clock reading) reads
    as an identity number, and the ingestion refuses such records to quarantine (the slow path
    the first version of this benchmark timed by mistake, up to five times the cost)."""
    letters = "".join(random.choice(string.ascii_uppercase) for _ in range(8))
    return f"U{attempt}-{letters}"


def _fmt(figures: dict[str, float]) -> str:
    return ", ".join(f"{key} {value:.0f}" for key, value in figures.items())


def main(*, records: int, repeat: int, seed: int, out: Out) -> None:
    phases = run(records=records, repeat=repeat, seed=seed, out=out)
    median = {
        name: {key: statistics.median(run[key] for run in runs) for key in runs[0]}
        for name, runs in phases.items()
    }
    lines = [
        f"Machine: {machine()}.",
        "",
        f"{records:,} generated records received through `dossiers.actions.receive_batch` in "
        f"batches of {BATCH:,}, first new, then each again with one more status, its end of "
        "processing and a later `updated_at` (as a source sends a dossier that moved); CPU "
        "per record of this process (validation, classification, the write's client side, "
        "the audit event) and of PostgreSQL's processes, read from /proc; rolled back. "
        f"Median of {repeat} runs:",
        "",
        "| per record | new dossier | newer version | ratio |",
        "|---|---:|---:|---:|",
    ]
    for key, label in (
        ("client", "this process, CPU"),
        ("server", "PostgreSQL, CPU"),
        ("wall", "wall time"),
    ):
        new, update = median["insert"][key], median["update"][key]
        lines.append(f"| {label} | {new:.0f} µs | {update:.0f} µs | {_ratio(update, new)} |")
    total_new = median["insert"]["client"] + median["insert"]["server"]
    total_update = median["update"]["client"] + median["update"]["server"]
    lines.append(
        f"| **CPU, both** | {total_new:.0f} µs | {total_update:.0f} µs | "
        f"**{_ratio(total_update, total_new)}** |"
    )
    lines += ["", "Goal (issue 23 §4): an update costs at most 1.1 × the CPU of an insert."]
    for line in lines:
        out(line)
    write_section(
        "ingest-updates",
        "## Updated dossiers against new ones (`dxgov bench updates`)\n\n" + "\n".join(lines),
    )
