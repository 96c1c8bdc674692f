"""`dxgov bench audit --verify-events N`: `audit verify` over N events, timed, in bounded memory.

Runs only on a database of its own (its name must contain "bench", e.g.
var/bench-audit.sqlite3 or a PostgreSQL database `benchaudit`) whose ledger holds nothing
but this benchmark's events, so no real ledger is ever touched:

1. the ledger is emptied and N synthetic events are written straight into the table (rows
   built in Python with their chained hashes exactly as audit.record computes them;
   executemany on SQLite, COPY on PostgreSQL). Every `interval`-th event is a checkpoint's
   own event, and the checkpoint over its range is signed with a throwaway key
   (var/bench-audit-key.pem), as `dxgov audit checkpoint` would run periodically;
2. the checkpoints are exported to a file, as an outside body would keep them;
3. `dxgov audit verify --checkpoints FILE` runs in a child process, timed from outside,
   its peak resident memory read from the kernel (wait4 rusage) so it is the verify
   process's own;
4. the ledger is emptied again.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any, NamedTuple

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from dxgov.audit import ledger, merkle, signing
from dxgov.audit.chain import GENESIS_HASH, HASHED_FIELDS, STORED_FIELDS, event_hash
from dxgov.audit.models import AuditEvent, ChainHead, Checkpoint
from dxgov.audit.verify import CHECKPOINT_EVENT
from dxgov.bench.common import machine, write_section

ACTOR = "bench"  # every event this benchmark writes carries this actor label
BATCH = 20_000
COLUMNS = STORED_FIELDS  # the columns filled, in audit.chain's order
VENDORS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


class NotABenchmarkDatabase(RuntimeError):
    """The configured database may hold a real ledger; the benchmark refuses to touch it."""


def _check_database() -> None:
    name = str(connection.settings_dict["NAME"])
    if "bench" not in Path(name).name:
        raise NotABenchmarkDatabase(
            f"database {name!r}: --verify-events writes and deletes millions of audit events; "
            "run it on a database of its own whose name contains 'bench' "
            "(e.g. DXGOV_DATABASE_URL=sqlite:///var/bench-audit.sqlite3)"
        )
    if AuditEvent.objects.exclude(actor_label=ACTOR).exists():
        raise NotABenchmarkDatabase(
            f"database {name!r} holds audit events this benchmark did not write; "
            "use an empty benchmark database"
        )


def _key() -> tuple[Ed25519PrivateKey, Path]:
    path = Path(settings.VAR_DIR) / "bench-audit-key.pem"
    if not path.exists():
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(pem)
        path.chmod(0o600)
    settings.DXGOV_AUDIT_KEY_FILE = str(path)
    return signing.load_private_key(), path


def empty_ledger() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("TRUNCATE audit_auditevent, audit_checkpoint, audit_chainhead")
            return
        for table in ("audit_auditevent", "audit_checkpoint", "audit_chainhead"):
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM")


# The canonical encoding (audit.chain.canonical: sorted keys, no spaces, UTF-8) of the two
# kinds of synthetic event, as templates: formatting a string is several times cheaper than
# json.dumps over a dict, which matters for 10 million events. synthetic_events checks the
# templates against audit.chain for the first events and the first checkpoint event.
_PROGRESS_DATA = (
    '{{"narrative":"Báo cáo tiến độ lần {seq}: đã hoàn thành các hạng mục",'
    '"percent":{{"new":{new},"old":{old}}}}}'
)
_CHECKPOINT_DATA = '{{"seq_from":{seq_from},"seq_to":{seq}}}'
_CANONICAL = (
    '{{"actor_id":null,"actor_label":"' + ACTOR + '","agency_id":null,"data":{data},'
    '"event_type":"{event_type}","occurred_at":"{occurred}","prev_hash":"{prev}","reason":"",'
    '"seq":{seq},"target_id":"{target_id}","target_type":"{target_type}"}}'
)


class Row(NamedTuple):
    seq: int
    occurred_at: str  # ISO 8601 with microseconds and +00:00, as audit.record hashes it
    event_type: str
    target_type: str
    target_id: str
    data: str  # canonical JSON
    prev_hash: str
    hash: str


def _fields(row: Row) -> dict[str, Any]:
    """The event's hashed fields as audit.chain hashes them."""
    stored = _stored(row, row.occurred_at)
    stored["data"] = json.loads(row.data)
    return {name: stored[name] for name in HASHED_FIELDS}


def _stored(row: Row, occurred_at: str) -> dict[str, Any]:
    """The event's row by column name (data as its canonical JSON text)."""
    return {
        "seq": row.seq,
        "occurred_at": occurred_at,
        "actor_id": None,
        "actor_label": ACTOR,
        "event_type": row.event_type,
        "target_type": row.target_type,
        "target_id": row.target_id,
        "agency_id": None,
        "data": row.data,
        "reason": "",
        "prev_hash": row.prev_hash,
        "hash": row.hash,
    }


def _copy_line(row: Row) -> str:
    # COPY's text format; none of the synthetic values holds a tab, newline or backslash.
    stored = _stored(row, row.occurred_at)
    return "\t".join("\\N" if stored[c] is None else str(stored[c]) for c in COLUMNS) + "\n"


def _insert_values(row: Row) -> tuple[Any, ...]:
    # Stored as Django stores an aware datetime on SQLite: naive UTC, a space for T.
    stored = _stored(row, f"{row.occurred_at[:10]} {row.occurred_at[11:26]}")
    return tuple(stored[c] for c in COLUMNS)


def synthetic_events(
    count: int, interval: int, key: Ed25519PrivateKey, checkpoints: list[Checkpoint]
) -> Iterator[Row]:
    """count chained events, a checkpoint's own event every interval (appended to checkpoints,
    signed, once its range is complete)."""
    started = timezone.now().replace(microsecond=0) - timedelta(days=3650)
    key_id = signing.key_id(key.public_key())
    prev, seq_from = GENESIS_HASH, 1
    tree = merkle.RootBuilder()
    step = timedelta(milliseconds=30)
    occurred = started
    for seq in range(1, count + 1):
        occurred += step
        iso = occurred.isoformat(timespec="microseconds")
        closes = seq - seq_from + 1 == interval  # the checkpoint's own event ends its range
        if closes:
            event_type, target_type = CHECKPOINT_EVENT, "audit.checkpoint"
            target_id = f"{seq_from}-{seq}"
            data = _CHECKPOINT_DATA.format(seq_from=seq_from, seq=seq)
        else:
            event_type, target_type = "task.progress_reported", "directives.task"
            target_id = str(seq % 50_000 + 1)
            data = _PROGRESS_DATA.format(seq=seq, new=(seq + 1) % 100, old=seq % 100)
        canonical = _CANONICAL.format(
            data=data,
            event_type=event_type,
            occurred=iso,
            prev=prev,
            seq=seq,
            target_id=target_id,
            target_type=target_type,
        )
        digest = hashlib.sha256(canonical.encode()).hexdigest()
        row = Row(seq, iso, event_type, target_type, target_id, data, prev, digest)
        if (seq <= 3 or (closes and seq_from == 1)) and event_hash(_fields(row)) != digest:
            raise AssertionError(f"the template for event {seq} does not match audit.chain")
        prev = digest
        tree.add(merkle.event_leaf(digest))
        if closes:
            checkpoint = Checkpoint(
                seq_from=seq_from,
                seq_to=seq,
                tree_size=tree.size,
                root=tree.root().hex(),
                chain_hash=digest,
                created_at=occurred + timedelta(milliseconds=1),
                key_id=key_id,
            )
            checkpoint.signature = signing.sign(key, checkpoint.body())
            checkpoints.append(checkpoint)
            seq_from, tree = seq + 1, merkle.RootBuilder()
        yield row


def fill(count: int, interval: int, key: Ed25519PrivateKey, out: Callable[[str], None]) -> int:
    """Write count events and their checkpoints; returns the number of checkpoints."""
    # Written directly, not through audit.record: 10 M recorded events would take hours, and
    # this benchmark times verification of a well-formed chain, built here as record() would.
    checkpoints: list[Checkpoint] = []
    last = Row(0, "", "", "", "", "", "", GENESIS_HASH)
    lines: list[str] = []
    batch: list[tuple[Any, ...]] = []
    if connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            copy_sql = f"COPY audit_auditevent ({', '.join(COLUMNS)}) FROM STDIN"
            with cursor.cursor.copy(copy_sql) as copy:
                for last in synthetic_events(count, interval, key, checkpoints):
                    lines.append(_copy_line(last))
                    if len(lines) == BATCH or last.seq == count:
                        copy.write("".join(lines))
                        lines = []
                    if last.seq % 1_000_000 == 0:
                        out(f"  {last.seq} events…")
    else:
        placeholders = ", ".join(["%s"] * len(COLUMNS))
        columns = ", ".join(COLUMNS)
        insert = f"INSERT INTO audit_auditevent ({columns}) VALUES ({placeholders})"  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -1000000")  # 1 GB page cache while filling
        for last in synthetic_events(count, interval, key, checkpoints):
            batch.append(_insert_values(last))
            if len(batch) == BATCH or last.seq == count:
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.executemany(insert, batch)
                batch = []
            if last.seq % 1_000_000 == 0:
                out(f"  {last.seq} events…")
    with transaction.atomic():
        Checkpoint.objects.bulk_create(checkpoints)
        ChainHead.objects.update_or_create(pk=1, defaults={"seq": last.seq, "hash": last.hash})
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE audit_auditevent")
    return len(checkpoints)


# Runs `dxgov audit verify` and reports the process's own peak resident memory (VmHWM, kept
# per address space and so reset by exec). ru_maxrss from wait4 would not do: Linux carries
# the parent's high-water mark over fork and exec, and the parent has just filled the ledger.
_LAUNCH = """
import atexit, sys

def report():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            sys.stderr.write("vmhwm-kib " + line.split()[1] + chr(10))

atexit.register(report)
from dxgov.cli import main

main(["audit", "verify", "--checkpoints", sys.argv[1]])
"""


def run_verify(export: Path, key_file: Path) -> tuple[float, float, float, str]:
    """`dxgov audit verify --checkpoints export` in a child process: wall seconds, its CPU
    seconds (user + system, its own, so other load on the machine does not count), its peak
    MiB, and its output."""
    env = {**os.environ, "DXGOV_AUDIT_KEY_FILE": str(key_file)}
    started = time.perf_counter()
    child = subprocess.Popen(  # noqa: S603 (this interpreter, fixed arguments)
        [sys.executable, "-c", _LAUNCH, str(export)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    stdout, stderr = child.communicate()
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = usage.ru_utime + usage.ru_stime
    if child.returncode != 0:
        raise RuntimeError(f"audit verify failed ({child.returncode}): {stdout[-2000:]}")
    peaks = [int(x.split()[1]) for x in stderr.splitlines() if x.startswith("vmhwm-kib ")]
    return seconds, cpu, peaks[-1] / 1024, stdout.strip()


def _kept(events: int) -> int | None:
    """The checkpoints of a ledger an earlier `--keep` run left with exactly `events` events,
    else None."""
    head = ChainHead.objects.filter(pk=1).first()
    if head is None or head.seq != events or AuditEvent.objects.count() != events:
        return None
    return Checkpoint.objects.count() or None


def run(
    *,
    events: int,
    interval: int,
    repeat: int,
    keep: bool,
    out: Callable[[str], None],
    reuse: bool = False,
) -> str:
    _check_database()
    key, key_file = _key()
    load = os.getloadavg()[0]
    kept = _kept(events) if reuse else None
    if kept is not None:
        checkpoints, fill_seconds = kept, None
        out(f"verifying the kept {events} events and {checkpoints} checkpoints")
    else:
        empty_ledger()
        started = time.perf_counter()
        checkpoints = fill(events, interval, key, out)
        fill_seconds = time.perf_counter() - started
        out(f"wrote {events} events and {checkpoints} checkpoints in {fill_seconds:.0f} s")
        connection.close()  # let go of the page cache the fill used
    export = Path(settings.VAR_DIR) / "bench-audit-checkpoints.json"
    export.write_text(json.dumps(ledger.export_checkpoints()), encoding="utf-8")
    runs: list[tuple[float, float, float]] = []
    output = ""
    for n in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        seconds, cpu, peak_mib, output = run_verify(export, key_file)
        cpu -= before.ru_utime + before.ru_stime
        runs.append((seconds, cpu, peak_mib))
        out(f"run {n + 1}: {seconds:.1f} s ({cpu:.1f} s CPU), peak {peak_mib:.0f} MiB: {output}")
    if not keep:
        empty_ledger()
    wall = statistics.median(s for s, _, _ in runs)
    cpu = statistics.median(c for _, c, _ in runs)
    peak = max(p for _, _, p in runs)
    end_load = os.getloadavg()[0]
    database = "PostgreSQL (COPY)" if connection.vendor == "postgresql" else "SQLite"
    return "\n".join(
        [
            f"Machine: {machine()}; load average {load:.1f} at the start, {end_load:.1f} at "
            "the end (other work shared the 2 cores: the CPU time below is the verify "
            "process's own; the database server's is not included).",
            "",
            f"A dedicated benchmark database was filled with {events:,} synthetic events "
            f"(chained hashes computed in Python as `audit.record` does, written in bulk into "
            f"{database}) and {checkpoints} signed checkpoints, one every {interval:,} events "
            "(each checkpoint's own event ends its range); the checkpoints were exported as an "
            "outside body keeps them. Then `dxgov audit verify --checkpoints FILE` ran as a "
            "child process (chain, every checkpoint's signature and Merkle root, and the "
            "comparison with the export, in one pass over events read "
            f"{ledger.CHUNK_SIZE:,} at a time):",
            "",
            "| step | result |",
            "|---|---:|",
            f"| fill {events:,} events and {checkpoints} checkpoints | "
            + ("kept from an earlier run |" if fill_seconds is None else f"{fill_seconds:.0f} s |"),
            f"| `audit verify` wall time ({'median of ' if repeat > 1 else ''}{repeat} "
            f"run{'s' if repeat > 1 else ''}, process start included) | {wall:.0f} s "
            f"({wall / 60:.1f} min) |",
            f"| its CPU time (user + system) | {cpu:.0f} s |",
            "| each run: wall (CPU) | "
            + ", ".join(f"{s:.0f} s ({c:.0f} s)" for s, c, _ in runs)
            + " |",
            f"| events verified per second of wall time | {events / wall:,.0f} |",
            f"| events verified per CPU second of the verify process | {events / cpu:,.0f} |",
            f"| peak resident memory of the verify process (VmHWM) | {peak:.0f} MiB |",
            "",
            f"Verify said: `{output}`.",
        ]
    )


def main(
    *,
    events: int,
    interval: int,
    repeat: int,
    keep: bool,
    out: Callable[[str], None],
    reuse: bool = False,
) -> None:
    body = run(events=events, interval=interval, repeat=repeat, keep=keep, out=out, reuse=reuse)
    for line in body.splitlines():
        out(line)
    stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M %Z")
    vendor = connection.vendor
    write_section(
        f"audit-verify-{vendor}",
        f"## Audit verification on {VENDORS.get(vendor, vendor)}: {events:,} events "
        f"(`dxgov bench audit --verify-events {events}`)\n\n"
        f"Measured {stamp}.\n\n{body}\n\nTargets: `audit verify` over 10 million events, timed, "
        "in bounded memory (under 300 MB; issue 7), in under 2 minutes (issue 23 §5).",
    )
