"""`dxgov bench ingest` and `dxgov bench score`: dossier ingestion and Decision 766 scoring.

ingest: generated dossiers (dxgov.demo.dossiers) are POSTed in batches over real HTTP to a
`dxgov serve` started for the run (2 gunicorn workers), by several client threads, one source
per province: validation, upsert, quarantine, audit event and incremental scoring all run, as in
production. In the same run the same rows are written by a raw `COPY` into the same table (then
removed), the ceiling any ingestion could reach; and one batch is received in process with the
audit event and without (`audit_disabled`, for this measurement only), alternating, rolled back.

score: N dossiers are put into the database fast (generated, prepared with the ingestion's own
`prepare`, written with COPY, then copied in SQL under new codes up to N), then the full
recompute of one month for every unit is timed, the SQL counts over all N rows, and the
incremental update after a 10,000-record batch (received through the ingestion action).
"""

from __future__ import annotations

import json
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from dxgov.accounts.models import User
from dxgov.audit.record import audit_disabled
from dxgov.bench.common import machine, median_p95, on_postgresql, write_section
from dxgov.core.holidays import calendar_for
from dxgov.demo import dossiers as generate
from dxgov.demo import scoring as demo
from dxgov.demo.scoring_generation import agency_refs
from dxgov.demo.users import load_demo_users
from dxgov.dossiers import actions as dossier_actions
from dxgov.dossiers import rows as rows_
from dxgov.dossiers import storage
from dxgov.dossiers.audit_state import STATE_COLUMN
from dxgov.dossiers.models import Batch, Dossier, SourceSystem
from dxgov.dossiers.signals import BatchWrite, after_batch, before_write
from dxgov.orgunits.actions import load_orgunits
from dxgov.orgunits.models import OrgUnit
from dxgov.scoring import aggregate, deltas, rounds
from dxgov.scoring.jobs import rescore_pending_task
from dxgov.scoring.models import RescoreMark

Out = Callable[[str], None]
VENDORS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
PER_MONTH_AT_SCALE_1 = (generate.PROVINCES_PER_YEAR + generate.MINISTRIES_PER_YEAR) / 12


# --- set-up -------------------------------------------------------------------------------


def _ready() -> None:
    if not OrgUnit.objects.exists():
        load_orgunits(acting_user=None)
    if not User.objects.filter(username="quantri").exists():
        load_demo_users()


def _plan(seed: int) -> tuple[list[Any], list[Any], list[generate.AgencyRef]]:
    refs = agency_refs()
    procedures = generate.catalogue(seed)
    plans = generate.sources(refs, seed)
    # Sources and catalogue through the actions (set-up, not timed).
    demo.ensure_sources(plans)
    demo.load_catalogue(procedures)
    return procedures, plans, refs


def _records(
    refs: list[generate.AgencyRef],
    procedures: list[Any],
    *,
    count: int,
    year: int,
    months: list[int],
    seed: int,
    tag: str,
) -> dict[str, list[dict[str, Any]]]:
    """About `count` generated records by source, codes tagged so that each run is new."""
    scale = count / (PER_MONTH_AT_SCALE_1 * len(months)) * 1.03
    by_source: dict[str, list[dict[str, Any]]] = defaultdict(list)
    total = 0
    for source, record in generate.dossiers(
        refs, procedures, year=year, scale=scale, seed=seed, months=months
    ):
        if "received_at" not in record:
            continue  # the deliberately broken ones: quarantine is not what is measured here
        record["code"] = f"{tag}-{record['code']}"[:64]
        by_source[source].append(record)
        total += 1
        if total >= count:
            break
    return by_source


def _rows(by_source: dict[str, list[dict[str, Any]]]) -> tuple[list[dict[str, Any]], int]:
    """The Dossier rows the ingestion would write (validated by its own `prepare`)."""
    sources = {s.code: s for s in SourceSystem.objects.filter(code__in=list(by_source))}
    rows: list[dict[str, Any]] = []
    now = timezone.now()
    batch_ids: dict[str, int] = {}
    for code, records in by_source.items():
        source = sources[code]
        # Direct: these rows feed the raw COPY that HTTP ingestion is compared with.
        batch = Batch.objects.create(source=source, batch_id=f"bench-copy-{now.timestamp()}")
        batch_ids[code] = batch.pk
        items = ((i, f"records[{i}]", r, None) for i, r in enumerate(records))
        agencies = storage.reportable_agencies(source)
        prepared = rows_.prepare(items, agencies, source.code, calendar_for)
        for row in prepared.rows.values():
            row.update(source_id=source.pk, first_seen_at=now, arrived_at=now, batch_id=batch.pk)
            rows.append(row)
    return rows, len(batch_ids)


def copy_rows(rows: list[dict[str, Any]]) -> None:
    """COPY on PostgreSQL (the fastest way in); elsewhere the ingestion's own row writer."""
    if connection.vendor != "postgresql":
        for row in rows:  # no digest, as COPY writes them: the raw baseline is not audited
            row.setdefault(STATE_COLUMN, None)
        storage.write_rows(rows)
        return
    with connection.cursor() as wrapper:
        storage.copy_rows(wrapper.cursor, "dossiers_dossier", rows_.ROW_FIELDS, rows)


# --- ingest -------------------------------------------------------------------------------


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """`dxgov serve` in its own process group, for the length of a `with` block."""

    def __init__(self, workers: int, threads: int) -> None:
        self.port = _free_port()
        self.workers, self.threads = workers, threads
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Server:
        command = [
            sys.executable,
            "-m",
            "dxgov.cli",
            "serve",
            "--port",
            str(self.port),
            "--workers",
            str(self.workers),
            "--threads",
            str(self.threads),
        ]
        env = {**os.environ, "DXGOV_TOKEN_RATE_PER_MINUTE": "100000"}
        self.process = subprocess.Popen(  # noqa: S603 (our own command)
            command,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/readyz", timeout=2):  # noqa: S310
                    time.sleep(3)  # the task worker's start-up is not what is measured
                    return self
            except (OSError, urllib.error.URLError):
                time.sleep(0.3)
        self.__exit__()
        raise RuntimeError("the server did not start within 60 s")

    @property
    def pid(self) -> int:
        return self.process.pid if self.process is not None else 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *exc: object) -> None:
        if self.process is not None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def cpu_seconds(server_pid: int) -> dict[str, float]:
    """CPU time used so far (user + system) by the server's processes, PostgreSQL's and this
    one, read from /proc (Linux; empty elsewhere): where the machine's two cores go."""
    ticks = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    found = {"server": 0.0, "PostgreSQL": 0.0, "bench client": 0.0}
    try:
        pids = [int(p) for p in os.listdir("/proc") if p.isdigit()]
    except OSError:
        return {}
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{pid}/comm") as handle:
                name = handle.read().strip()
        except OSError:
            continue
        seconds = (int(fields[11]) + int(fields[12])) / ticks
        group = int(fields[2])  # the process group: the server runs in its own
        if group == server_pid:
            found["server"] += seconds
        elif name.startswith("postgres"):
            found["PostgreSQL"] += seconds
        elif pid == os.getpid():
            found["bench client"] += seconds
    return found


def _post(url: str, token: str, body: bytes) -> dict[str, Any]:
    request = urllib.request.Request(  # noqa: S310
        f"{url}/api/v1/dossiers/batches",
        data=body,
        method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=600) as response:  # noqa: S310
        answer: dict[str, Any] = json.loads(response.read())
        return answer


def run_ingest(
    *,
    records: int,
    batch: int,
    clients: int,
    seed: int,
    out: Out,
    workers: int = 2,
    threads: int = 4,
) -> str:
    _ready()
    procedures, _plans, refs = _plan(seed)
    tag = f"I{int(time.time()) % 10**8}"
    out(f"generating {records} records…")
    started = time.perf_counter()
    by_source = _records(refs, procedures, count=records, year=2026, months=[1], seed=seed, tag=tag)
    total = sum(len(r) for r in by_source.values())
    out(f"  {total} records from {len(by_source)} sources in {time.perf_counter() - started:.0f} s")

    # (1) The ceiling: the same rows by COPY into the same table, then removed.
    with transaction.atomic():
        rows, _batches = _rows(by_source)
    copy_seconds = []
    originals = [row["code"] for row in rows]
    for attempt in range(3):
        for row, code in zip(rows, originals, strict=True):
            row["code"] = f"C{attempt}{code}"[:64]
        # Timed to the commit: the foreign keys are checked there (deferred), and rows are
        # stored only once it returns; the HTTP side is timed to its commit too.
        begun = time.perf_counter()
        with transaction.atomic():
            copy_rows(rows)
        copy_seconds.append(time.perf_counter() - begun)
    # Removed only now: deleting between the runs left dead rows for autovacuum to clean up
    # during the next run.
    for attempt in range(3):
        Dossier.objects.filter(code__startswith=f"C{attempt}{tag}").delete()
    copy_rate = len(rows) / min(copy_seconds)
    out(f"COPY: {len(rows)} rows, {min(copy_seconds):.2f} s, {copy_rate:,.0f} rows/s")

    # (2) HTTP: batches per source, sources spread over the client threads.
    tokens = {
        s.code: dossier_actions.issue_token(acting_user=None, source=s)[1]
        for s in SourceSystem.objects.filter(code__in=list(by_source))
    }
    bodies: list[list[tuple[str, bytes]]] = [[] for _ in range(clients)]
    for index, (source, items) in enumerate(sorted(by_source.items())):
        for number, start in enumerate(range(0, len(items), batch)):
            body = {
                "schema": generate.SCHEMA,
                "batch_id": f"{tag}-{number}",
                "records": items[start : start + batch],
            }
            bodies[index % clients].append((source, json.dumps(body).encode()))
    sent = sum(len(b) for b in bodies)
    accepted = 0
    errors: list[str] = []
    lock = threading.Lock()
    latencies: list[float] = []

    def client(mine: list[tuple[str, bytes]], url: str) -> None:
        nonlocal accepted
        for source, body in mine:
            begun = time.perf_counter()
            try:
                answer = _post(url, tokens[source], body)
            except (OSError, urllib.error.URLError) as exc:
                with lock:
                    errors.append(f"{source}: {exc}")
                continue
            with lock:
                accepted += int(answer.get("accepted", 0)) + int(answer.get("updated", 0))
                latencies.append((time.perf_counter() - begun) * 1000)

    _vacuum(out)
    with Server(workers=workers, threads=threads) as server:
        out(f"server on {server.url}; {sent} batches of up to {batch} records, {clients} clients")
        senders = [threading.Thread(target=client, args=(b, server.url)) for b in bodies]
        before = cpu_seconds(server.pid)
        begun = time.perf_counter()
        for thread in senders:
            thread.start()
        for thread in senders:
            thread.join()
        stored_seconds = time.perf_counter() - begun
        # Timed until the scores are current: the server's task worker has re-scored every
        # mark the batches committed (ADR 17), so the figure covers scoring too.
        _wait_for_scores()
        http_seconds = time.perf_counter() - begun
        after = cpu_seconds(server.pid)
    spent = {name: after.get(name, 0.0) - before.get(name, 0.0) for name in after}
    http_rate = accepted / http_seconds if http_seconds else 0.0
    stored_rate = accepted / stored_seconds if stored_seconds else 0.0
    out(
        f"HTTP: {accepted} records stored in {stored_seconds:.1f} s ({stored_rate:,.0f}/s), "
        f"scores current after {http_seconds:.1f} s: {http_rate:,.0f} records/s"
    )
    per_record = {name: seconds / max(accepted, 1) * 1e6 for name, seconds in spent.items()}
    out(
        "  CPU per record: "
        + ", ".join(f"{name} {micro:.0f} µs" for name, micro in per_record.items())
    )
    if errors:
        out(f"  {len(errors)} batches failed, e.g. {errors[0]}")

    # (3) Audit on and off on one batch, in process, alternating, rolled back each time.
    source_code, items = max(by_source.items(), key=lambda pair: len(pair[1]))
    audit_source = SourceSystem.objects.get(code=source_code)
    sample = [{**r, "code": "A" + r["code"][:63]} for r in items[:batch]]
    timings: dict[bool, list[float]] = {True: [], False: []}
    for repeat in range(6):
        # Each order in turn, so neither side always pays the warm-up of the pair.
        for audited in (True, False) if repeat % 2 == 0 else (False, True):
            with transaction.atomic():
                begun = time.perf_counter()
                if audited:
                    _receive(audit_source, sample, f"{tag}-audit-{repeat}")
                else:
                    with audit_disabled():
                        _receive(audit_source, sample, f"{tag}-audit-{repeat}")
                timings[audited].append(time.perf_counter() - begun)
                transaction.set_rollback(True)
    on, off = statistics.median(timings[True]), statistics.median(timings[False])
    overhead = (on - off) / off * 100 if off else 0.0
    out(f"one batch of {len(sample)}: audited {on:.2f} s, not {off:.2f} s ({overhead:+.1f} %)")
    p50, p95 = median_p95(latencies) if latencies else (0.0, 0.0)
    vendor = VENDORS.get(connection.vendor, connection.vendor)
    report = (
        f"Measured {timezone.localtime():%Y-%m-%d %H:%M %z}.\n\n"
        f"Machine: {machine()}; load average {os.getloadavg()[0]:.1f} at the end.\n"
        f"{accepted} generated records ({len(by_source)} sources, one per province and ministry) "
        f"in {sent} batches of up to {batch}, {clients} client threads, `dxgov serve` with "
        f"{workers} workers × {threads} threads on the same machine; validation, COPY of the "
        "new dossiers, one audit event per batch and the count deltas in each batch's "
        "transaction; the re-scoring by the server's task worker (ADR 17), timed until it had "
        "re-scored every mark. The tables were vacuumed after the COPY run (whose deleted rows "
        "would otherwise be vacuumed during the HTTP run).\n\n"
        "| measure | figure |\n|---|---:|\n"
        f"| ingestion over HTTP, until every score is current | {http_rate:,.0f} records/s "
        f"({http_seconds:.1f} s) |\n"
        f"| … until the last batch was stored | {stored_rate:,.0f} records/s "
        f"({stored_seconds:.1f} s) |\n"
        f"| batch latency median / p95 | {p50 / 1000:.2f} s / {p95 / 1000:.2f} s |\n"
        f"| raw `COPY` of the same rows into the same table | {copy_rate:,.0f} records/s |\n"
        f"| HTTP ÷ COPY | {http_rate / copy_rate:.2f} |\n"
        + "".join(
            f"| CPU per stored record, {name} | {micro:.0f} µs |\n"
            for name, micro in per_record.items()
        )
        + f"| one batch of {len(sample)} in process, audited / not | {on:.2f} s / {off:.2f} s "
        f"({overhead:+.1f} %) |\n\n"
        "Targets (issue 5): ≥ 30,000 records/s and ≥ 0.4 × COPY; audit overhead under 15 %."
    )
    write_section(
        f"ingest-{connection.vendor}",
        f"## Dossier ingestion on {vendor} (`dxgov bench ingest`)\n\n{report}",
    )
    return report


def _wait_for_scores(limit: float = 600.0) -> None:
    """Until no re-scoring mark is left and no re-scoring task waits or runs."""
    deadline = time.monotonic() + limit
    tasks = DBTaskResult.objects.filter(
        task_path=rescore_pending_task.module_path,
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
    )
    while time.monotonic() < deadline:
        if not RescoreMark.objects.exists() and not tasks.exists():
            return
        time.sleep(0.05)
    raise RuntimeError("the scores were not current within the time limit")


def _vacuum(out: Out) -> None:
    """VACUUM ANALYZE what the ingestion writes (PostgreSQL): the COPY run just deleted as
    many rows as it wrote, and earlier runs left dead versions of cells, usage and scores;
    autovacuum would clean them up in the middle of the HTTP run, at random."""
    if connection.vendor != "postgresql":
        return
    begun = time.perf_counter()
    tables = ("dossiers_dossier", "scoring_monthcounts", "scoring_procedureusage", "scoring_score")
    on_postgresql("VACUUM ANALYZE", tables)
    out(f"  tables vacuumed in {time.perf_counter() - begun:.0f} s")


def _receive(source: SourceSystem, records: list[dict[str, Any]], batch_id: str) -> None:
    dossier_actions.receive_batch(
        acting_user=source.user,
        source=source,
        batch_id=batch_id,
        items=[(i, f"records[{i}]", r, None) for i, r in enumerate(records)],
    )


# --- score --------------------------------------------------------------------------------


def _load(total: int, base: int, seed: int, out: Out) -> tuple[int, float]:
    """Generate `base` records of 2025, COPY them, copy them in SQL up to `total` rows.

    The copies are written month after month (every copy of January, then of February…), as
    dossiers arrive in production: a month's rows sit together in the table, as they would
    after a year of ingestion, instead of being spread over the whole table by copying the
    twelve months at once (which made a month's scan read most of the table's pages).
    """
    # Direct (COPY, INSERT … SELECT), not through ingestion: the scoring timed here reads
    # 10 M stored dossiers; loading them over HTTP would be another benchmark (bench ingest).
    existing = Dossier.objects.filter(code__startswith="S").count()
    if existing >= total:
        out(f"{existing} benchmark dossiers already loaded")
        return existing, 0.0
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM dossiers_dossier WHERE code LIKE 'S%%'")
    procedures, _plans, refs = _plan(seed)
    begun = time.perf_counter()
    out(f"generating {base} records of 2025…")
    by_source = _records(
        refs, procedures, count=base, year=2025, months=list(range(1, 13)), seed=seed, tag="S"
    )
    with transaction.atomic():
        rows, _ = _rows(by_source)
        copy_rows(rows)
    out(f"  {len(rows)} rows written by COPY in {time.perf_counter() - begun:.0f} s")
    copies = max(0, -(-total // len(rows)) - 1)
    columns = list(rows_.ROW_FIELDS)
    names = ", ".join(columns)
    copied = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        trusted = _skip_foreign_key_checks(cursor)
        # The generated rows move to a staging table, then come back month by month.
        cursor.execute("DROP TABLE IF EXISTS bench_score_base")
        cursor.execute(
            f"CREATE TEMPORARY TABLE bench_score_base AS SELECT {names} "  # noqa: S608
            "FROM dossiers_dossier WHERE code LIKE 'S-%%'"
        )
        cursor.execute("DELETE FROM dossiers_dossier WHERE code LIKE 'S-%%'")
        months = [date(2025, m, 1) for m in range(1, 13)]
        for month in months:
            day = connection.ops.adapt_datefield_value(month)
            for k in range(copies + 1):
                code = "code" if k == 0 else f"'S' || '{k}' || substr(code, 2)"
                select = ", ".join(code if c == "code" else c for c in columns)
                cursor.execute(
                    f"INSERT INTO dossiers_dossier ({names}) "  # noqa: S608
                    f"SELECT {select} FROM bench_score_base WHERE received_month = %s",
                    [day],
                )
            out(f"  {month:%Y-%m}: {copies + 1} copies")
        cursor.execute("DROP TABLE bench_score_base")
        if trusted:
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")
    seconds = time.perf_counter() - copied
    loaded = Dossier.objects.filter(code__startswith="S").count()
    out(f"  copied in SQL in {seconds:.0f} s ({seconds / max(loaded, 1) * 1e6:.0f} s a million)")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE dossiers_dossier")
    return loaded, time.perf_counter() - begun


def _skip_foreign_key_checks(cursor: Any) -> bool:
    """On PostgreSQL, as a superuser, skip the deferred foreign-key checks of the SQL copies
    for this transaction (half of a copied row's cost): every copy refers to the same source,
    agency and batch as a generated row that passed them."""
    if connection.vendor != "postgresql":
        return False
    cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    if not cursor.fetchone()[0]:
        return False
    cursor.execute("SET LOCAL session_replication_role = replica")
    return True


def run_score(*, total: int, base: int, repeat: int, seed: int, out: Out) -> str:
    _ready()
    loaded, load_seconds = _load(total, base, seed, out)
    out(f"{loaded} dossiers in the database")
    month = date(2025, 6, 1)
    in_month = Dossier.objects.filter(received_month=month).count()
    # (1) Full recompute of one month for every unit (cells, usage, all units' scores for the
    # month, its quarter and its year), committed each time.
    recompute: list[float] = []
    for _ in range(repeat):
        begun = time.perf_counter()
        with transaction.atomic():
            result = aggregate.recompute_months([month])
        recompute.append(time.perf_counter() - begun)
        out(f"  recompute of {month:%Y-%m}: {recompute[-1]:.2f} s ({result.scores} scores)")
    # (2) The SQL counts over every row: one GROUP BY per month of 2025.
    sql_seconds: list[float] = []
    for _ in range(repeat):
        begun = time.perf_counter()
        for m in range(1, 13):
            aggregate.dossier_cells(date(2025, m, 1))
        sql_seconds.append(time.perf_counter() - begun)
        out(f"  SQL counts over all rows: {sql_seconds[-1]:.2f} s")
    # (3) Incremental: a 10,000-record batch of one province (new versions of stored dossiers
    # and new ones), received through the action; the hook timed on its own.
    hook_seconds: list[float] = []
    batch_seconds: list[float] = []

    before: list[float] = []

    def timed_count(write: BatchWrite) -> None:
        begun = time.perf_counter()
        deltas.count_replaced(write)
        before.append(time.perf_counter() - begun)

    def timed_hook(write: BatchWrite) -> None:
        begun = time.perf_counter()
        deltas.apply_batch(write)
        hook_seconds.append(time.perf_counter() - begun + before.pop())

    before_write.disconnect(deltas.count_replaced)
    before_write.connect(timed_count)
    after_batch.disconnect(deltas.apply_batch)
    after_batch.connect(timed_hook)
    try:
        source = SourceSystem.objects.get(code="MCDT-79")
        for attempt in range(repeat):
            records = list(_batch_records(source, 10_000, attempt))
            begun = time.perf_counter()
            _receive(source, records, f"bench-score-{time.time():.0f}-{attempt}")
            # The re-scoring round the batch's task runs once it has committed (ADR 17).
            rescoring = time.perf_counter()
            rounds.rescore_pending()
            ended = time.perf_counter()
            batch_seconds.append(ended - begun)
            hook_seconds[-1] += ended - rescoring
            out(
                f"  10k batch: {batch_seconds[-1]:.2f} s, of which scoring {hook_seconds[-1]:.2f} s"
                f" (re-scoring round {ended - rescoring:.2f} s)"
            )
    finally:
        after_batch.disconnect(timed_hook)
        after_batch.connect(deltas.apply_batch)
        before_write.disconnect(timed_count)
        before_write.connect(deltas.count_replaced)
    vendor = VENDORS.get(connection.vendor, connection.vendor)
    body = (
        f"Measured {timezone.localtime():%Y-%m-%d %H:%M %z}.\n\n"
        f"Machine: {machine()}; load average {os.getloadavg()[0]:.1f} at the end.\n"
        f"{loaded:,} dossiers ({base:,} generated and prepared by the ingestion's own `prepare`, "
        f"written by COPY, then copied in SQL under new codes; load {load_seconds:.0f} s); "
        f"{in_month:,} of them received in {month:%Y-%m}. Medians of {repeat} runs.\n\n"
        "| measure | median s | runs |\n|---|---:|---|\n"
        f"| full recompute of {month:%Y-%m} for every unit (cells, usage, month/quarter/year "
        f"scores) | {_line(recompute)} |\n"
        f"| SQL counts over all {loaded:,} rows (12 monthly GROUP BYs) | {_line(sql_seconds)} |\n"
        "| a 10,000-record batch received (validation, upsert, audit, count deltas) and its "
        f"re-scoring round | {_line(batch_seconds)} |\n"
        "| … of which incremental scoring (count deltas in the batch, then the re-scoring "
        f"round) | {_line(hook_seconds)} |\n\n"
        "Targets (issue 5): full recompute of a month ≤ 10 s; incremental update after a "
        "10,000-record batch < 1 s."
    )
    write_section(
        f"score-{connection.vendor}",
        f"## Decision 766 scoring on {vendor} (`dxgov bench score`)\n\n{body}",
    )
    return body


def _line(samples: list[float]) -> str:
    if not samples:
        return "— | —"
    return f"{statistics.median(samples):.2f} | {', '.join(f'{s:.2f}' for s in samples)}"


def _batch_records(source: SourceSystem, count: int, attempt: int) -> Iterator[dict[str, Any]]:
    """New versions of stored dossiers of the source received in December 2025: finished, with
    a later updated_at."""
    stamp = timezone.localtime().replace(microsecond=0) + timedelta(seconds=attempt)
    # One month's dossiers (a source sends what changed lately): the month, quarter and year
    # are re-scored for the units the batch touches.
    rows = Dossier.objects.filter(
        source=source, code__startswith="S", received_month=date(2025, 12, 1)
    ).values(
        "code",
        "procedure_code",
        "agency__code",
        "received_at",
        "due_at",
        "status_history",
        "channel",
        "fee_total",
    )[:count]
    for row in rows:
        received = timezone.localtime(row["received_at"])
        finished = received + timedelta(days=2 + attempt)
        yield {
            "code": row["code"],
            "procedure_code": row["procedure_code"],
            "agency_code": row["agency__code"],
            "received_at": received.isoformat(),
            "due_at": None
            if row["due_at"] is None
            else timezone.localtime(row["due_at"]).isoformat(),
            "finished_at": finished.isoformat(),
            "channel": 2 if attempt % 2 == 0 else row["channel"],
            "status_history": [
                {"status": "received", "at": received.isoformat()},
                {"status": "finished", "at": finished.isoformat()},
            ],
            "synced_to_dvcqg": True,
            "updated_at": stamp.isoformat(),
        }
