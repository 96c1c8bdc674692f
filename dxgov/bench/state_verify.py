"""`dxgov bench audit --state-dossiers N`: `audit verify --state` over N dossiers, timed, with
its peak memory.

Runs only on a database of its own (its name must contain "bench"; e.g. a PostgreSQL database
`bench_state`), because it empties the ledger:

1. N dossiers are put into the database as `bench score` does (generated, prepared with the
   ingestion's own `prepare`, written by COPY, copied in SQL under new codes up to N), kept
   from one run to the next;
2. when they were (re)loaded, the ledger is emptied and `dxgov audit baseline` takes them as
   recorded: every row's digest computed and written into its column, one event per batch
   with the sum of its rows (timed: the one-time cost of upgrading a national database);
3. `dxgov audit verify --state` runs in a child process, timed from outside, its peak
   resident memory read from the kernel (VmHWM, the verify process's own);
4. the ingestion's own cost of the states: the digest and the batch sum of each row of a
   5,000-record batch, in process.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

from dxgov.audit.actions import record_baseline
from dxgov.audit.models import AuditEvent, EventType
from dxgov.bench import scoring
from dxgov.bench.audit_verify import empty_ledger
from dxgov.bench.common import machine, write_section
from dxgov.core.holidays import calendar_for
from dxgov.dossiers import rows as rows_
from dxgov.dossiers import storage
from dxgov.dossiers.audit_state import DOSSIERS, BatchState
from dxgov.dossiers.models import Dossier, SourceSystem

Out = Callable[[str], None]
SEED = 2025

# `dxgov audit verify --state` with the child's own peak resident memory (see audit_verify).
_LAUNCH = """
import atexit, sys

def report():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            sys.stderr.write("vmhwm-kib " + line.split()[1] + chr(10))

atexit.register(report)
from dxgov.cli import main

main(["audit", "verify", "--state"])
"""


class NotABenchmarkDatabase(RuntimeError):
    """The configured database may hold a real ledger; the benchmark refuses to touch it."""


def _check_database() -> None:
    name = str(connection.settings_dict["NAME"])
    if "bench" not in Path(name).name:
        raise NotABenchmarkDatabase(
            f"database {name!r}: --state-dossiers empties the ledger; run it on a database of "
            "its own whose name contains 'bench' (e.g. postgresql://…/bench_state)"
        )


def run_verify() -> tuple[float, float, float, str]:
    """`dxgov audit verify --state` in a child process: wall seconds, its own CPU seconds, its
    peak MiB and its output."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    child = subprocess.Popen(  # noqa: S603 (this interpreter, fixed arguments)
        [sys.executable, "-c", _LAUNCH],
        env=dict(os.environ),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    stdout, stderr = child.communicate()
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    if child.returncode != 0:
        raise RuntimeError(
            f"audit verify --state failed ({child.returncode}): {stdout[-2000:]}{stderr[-2000:]}"
        )
    peaks = [int(x.split()[1]) for x in stderr.splitlines() if x.startswith("vmhwm-kib ")]
    return seconds, cpu, peaks[-1] / 1024, stdout.strip()


def _baseline_file() -> Path:
    return Path(settings.VAR_DIR) / f"bench-audit-state-{connection.settings_dict['NAME']}.json"


def _baseline(loaded_now: bool, out: Out) -> float | None:
    """The ledger emptied and the rows taken as recorded, when they were just (re)loaded or
    never taken; the seconds it took, kept for the runs that find them taken already (None
    if unknown)."""
    marked = AuditEvent.objects.filter(
        event_type=EventType.STATE_BASELINE, target_type="dossiers.batch", target_id=""
    ).exists()
    if marked and not loaded_now:
        try:
            return float(json.loads(_baseline_file().read_text())["seconds"])
        except (OSError, ValueError, KeyError):
            return None
    empty_ledger()
    out("taking the dossiers as recorded (dxgov audit baseline)…")
    started = time.perf_counter()
    done = record_baseline(acting_user=None)
    seconds = time.perf_counter() - started
    out(f"  {done.get(DOSSIERS.target_type)} rows in {seconds:.0f} s")
    _baseline_file().write_text(json.dumps({"seconds": seconds, "rows": done}))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE dossiers_dossier")
    return seconds


def ingestion_cost(out: Out) -> tuple[float, int]:
    """Microseconds per dossier that a batch spends on its states (each row's digest and the
    batch's sum), over a generated batch of 5,000 records, best of three."""
    _procedures, _plans, refs = scoring._plan(SEED)
    by_source = scoring._records(
        refs, _procedures, count=5000, year=2025, months=[3], seed=SEED, tag="C"
    )
    code, records = max(by_source.items(), key=lambda item: len(item[1]))
    source = SourceSystem.objects.get(code=code)
    items = [(i, f"records[{i}]", r, None) for i, r in enumerate(records)]
    prepared = rows_.prepare(items, storage.reportable_agencies(source), code, calendar_for)
    now = timezone.now()
    rows = list(prepared.rows.values())
    for row in rows:
        row.update(source_id=source.pk, first_seen_at=now, arrived_at=now, batch_id=1)
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        state = BatchState()
        for row in rows:
            state.written(row)
        state.as_data()
        best = min(best, time.perf_counter() - started)
    per_row = best / max(len(rows), 1) * 1e6
    out(f"ingestion: {per_row:.1f} µs a dossier for its digest and the batch sum")
    return per_row, len(rows)


def run(*, dossiers: int, base: int, repeat: int, out: Out) -> str:
    _check_database()
    scoring._ready()
    load = os.getloadavg()[0]
    loaded, fill_seconds = scoring._load(dossiers, base, SEED, out)
    baseline_seconds = _baseline(fill_seconds > 0, out)
    count = Dossier.objects.count()
    connection.close()  # let go of the page cache the fill used
    runs: list[tuple[float, float, float]] = []
    for n in range(repeat):
        seconds, cpu, peak, output = run_verify()
        runs.append((seconds, cpu, peak))
        out(f"run {n + 1}: {seconds:.1f} s ({cpu:.1f} s CPU), peak {peak:.0f} MiB: {output}")
    per_row, batch_rows = ingestion_cost(out)
    wall = statistics.median(s for s, _, _ in runs)
    cpu = statistics.median(c for _, c, _ in runs)
    peak = max(p for _, _, p in runs)
    batches = len(AuditEvent.objects.filter(target_type="dossiers.batch").exclude(target_id=""))
    end_load = os.getloadavg()[0]
    lines = [
        f"Machine: {machine()}; load average {load:.1f} at the start, {end_load:.1f} at the "
        "end (other work shared the 2 cores: the CPU time is the verify process's own; the "
        "database server's is not included).",
        "",
        f"`dxgov audit verify --state` over {count:,} dossiers ({loaded:,} benchmark rows, "
        f"covered by {batches:,} batch events) on PostgreSQL, median of {len(runs)} runs:",
        "",
        "| | |",
        "|---|---|",
        f"| wall time | {wall:.0f} s |",
        f"| rows per second | {count / wall:,.0f} |",
        f"| CPU time of the verify process | {cpu:.0f} s ({count / max(cpu, 1e-9):,.0f} rows/s) |",
        f"| peak memory (VmHWM) | {peak:.0f} MiB |",
    ]
    if baseline_seconds is not None:
        lines.append(f"| `dxgov audit baseline` over them (once) | {baseline_seconds:.0f} s |")
    lines += [
        "",
        f"Ingestion's share: {per_row:.1f} µs a dossier for its digest and its batch's sum "
        f"(a generated batch of {batch_rows:,} records, in process, best of 3).",
    ]
    return "\n".join(lines)


def main(*, dossiers: int, base: int, repeat: int, out: Out) -> None:
    body = run(dossiers=dossiers, base=base, repeat=repeat, out=out)
    write_section("audit-state", body)
    out(body)
