"""`dxgov bench audit`: what auditing costs on a write path, and how long verification takes.

(a) A task transition (a progress report through dxgov.directives.actions) timed with the
audit event recorded and with recording switched off (audit.record.audit_disabled, which
exists for this measurement only), alternating in the same run. The directive, task and
progress reports it makes stay in the benchmark database (each run adds one task).
(b) `audit verify` over N events: N synthetic events are appended to the chain with bulk
inserts (hashes computed with audit.chain, as record() does), a checkpoint is signed over
them and the ledger is verified; everything is rolled back afterwards, so the database
keeps no synthetic events.
"""

from __future__ import annotations

import os
import resource
import secrets
import statistics
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from dxgov.accounts.models import User
from dxgov.audit import actions as audit_actions
from dxgov.audit import ledger
from dxgov.audit.chain import GENESIS_HASH, event_hash
from dxgov.audit.models import AuditEvent, ChainHead
from dxgov.audit.record import audit_disabled
from dxgov.core.bench import machine, write_section
from dxgov.core.demo import load_demo_users
from dxgov.directives import actions as directive_actions
from dxgov.directives.models import DirectiveKind, Task
from dxgov.orgunits.actions import load_orgunits
from dxgov.orgunits.models import Agency, OrgUnit

BATCH = 10_000
VENDORS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def _task() -> tuple[User, Task]:
    if not OrgUnit.objects.exists():
        load_orgunits(acting_user=None)
    if not User.objects.filter(username="vpcp.dieuphoi").exists():
        load_demo_users()
    coordinator = User.objects.get(username="vpcp.dieuphoi")
    officer = User.objects.select_related("agency").get(username="phutho.canbo")
    today = timezone.localdate()
    directive = directive_actions.create_directive(
        acting_user=coordinator,
        kind=DirectiveKind.CHI_THI,
        number=f"{secrets.randbelow(90_000) + 10_000}/CT-BENCH",
        issued_on=today,
        issuing_agency=Agency.objects.get(code="CP"),
        title="Đo chi phí ghi nhật ký kiểm toán",
    )
    task = directive_actions.create_task(
        acting_user=coordinator,
        directive=directive,
        content="Báo cáo tiến độ lặp lại để đo thời gian",
        lead_agency=officer.agency,
        deadline=today + timedelta(days=90),
    )
    return officer, task


def write_overhead(*, repeat: int, out: Callable[[str], None]) -> list[str]:
    officer, task = _task()

    def transition(n: int) -> float:
        started = time.perf_counter()
        directive_actions.report_progress(
            acting_user=officer, task=task, percent=n % 101, narrative=f"Tiến độ lần {n}"
        )
        return (time.perf_counter() - started) * 1000

    for n in range(3):  # warm-up, both ways
        transition(n)
        with audit_disabled():
            transition(n)
    on: list[float] = []
    off: list[float] = []
    for n in range(repeat):  # alternate, so drift affects both alike
        on.append(transition(n))
        with audit_disabled():
            off.append(transition(n))
    median_on, median_off = statistics.median(on), statistics.median(off)
    ratio = median_on / median_off
    out(f"report_progress: audited {median_on:.2f} ms, not audited {median_off:.2f} ms")
    return [
        f"(a) A task transition (`report_progress` through `dxgov.directives.actions`, one "
        f"transaction each), {repeat} calls each way, alternating:",
        "",
        "| audit recording | median ms | p95 ms |",
        "|---|---:|---:|",
        f"| on (an event appended to the hash chain) | {median_on:.2f} | {_p95(on):.2f} |",
        f"| off (`audit_disabled()`, benchmark only) | {median_off:.2f} | {_p95(off):.2f} |",
        "",
        f"Audited ÷ not audited: {ratio:.2f} (+{median_on - median_off:.2f} ms per change).",
    ]


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def append_synthetic(count: int, out: Callable[[str], None]) -> None:
    """Append count events to the chain with bulk inserts (inside the caller's transaction)."""
    head, _ = ChainHead.objects.select_for_update().get_or_create(
        pk=1, defaults={"seq": 0, "hash": GENESIS_HASH}
    )
    seq, prev = head.seq, head.hash
    now = timezone.now()
    stamp = now.isoformat(timespec="microseconds")
    batch: list[AuditEvent] = []
    for n in range(count):
        seq += 1
        fields: dict[str, Any] = {
            "seq": seq,
            "occurred_at": stamp,
            "actor_id": None,
            "actor_label": "bench",
            "event_type": "bench.synthetic",
            "target_type": "bench.synthetic",
            "target_id": str(n),
            "agency_id": None,
            "data": {"n": n},
            "reason": "",
            "prev_hash": prev,
        }
        prev = event_hash(fields)
        batch.append(AuditEvent(**{**fields, "occurred_at": now}, hash=prev))
        if len(batch) == BATCH:
            AuditEvent.objects.bulk_create(batch)
            batch = []
            if (n + 1) % 100_000 == 0:
                out(f"  {n + 1} events…")
    AuditEvent.objects.bulk_create(batch)
    head.seq, head.hash = seq, prev
    head.save(update_fields=["seq", "hash"])


def verify_time(*, events: int, out: Callable[[str], None]) -> list[str]:
    with transaction.atomic():
        started = time.perf_counter()
        append_synthetic(events, out)
        insert_seconds = time.perf_counter() - started
        out(f"appended {events} events in {insert_seconds:.1f} s")
        started = time.perf_counter()
        audit_actions.create_checkpoint(acting_user=None)
        checkpoint_seconds = time.perf_counter() - started
        out(f"checkpoint signed in {checkpoint_seconds:.1f} s")
        exported = ledger.export_checkpoints()
        started = time.perf_counter()
        report = ledger.verify_ledger(exported)
        verify_seconds = time.perf_counter() - started
        out(f"verified {report.events} events in {verify_seconds:.1f} s")
        transaction.set_rollback(True)  # the synthetic events never stay
    if not report.ok:
        raise RuntimeError(f"verification found problems: {report.problems[:3]}")
    peak_gib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    per_million = verify_seconds / report.events * 1_000_000
    ten_million = per_million * 10
    return [
        f"(b) `audit verify` (chain, every checkpoint's Merkle root and signature, and the "
        f"comparison with an export) over {report.events} events, of which {events} synthetic "
        f"ones appended with bulk inserts; {report.checkpoints} checkpoints.",
        "",
        "| step | seconds |",
        "|---|---:|",
        f"| append {events} events (hash chain computed in Python, bulk inserts) | "
        f"{insert_seconds:.1f} |",
        f"| sign one checkpoint over them (chain check + Merkle root) | {checkpoint_seconds:.1f} |",
        f"| `audit verify` over all {report.events} events | {verify_seconds:.1f} |",
        "",
        f"That is {per_million:.1f} s per million events. 10 million events were not run "
        f"(appending them alone would take about {insert_seconds / events * 1e7 / 60:.0f} min "
        f"here, and verification holds every event in memory: peak {peak_gib:.1f} GiB in this "
        f"run); extrapolated linearly: about {ten_million:.0f} s ({ten_million / 60:.1f} min) "
        "to verify 10 million.",
    ]


def run(*, repeat: int, events: int, out: Callable[[str], None]) -> str:
    lines = [f"Machine: {machine()}; load average {os.getloadavg()[0]:.1f} at the start.", ""]
    lines += write_overhead(repeat=repeat, out=out)
    lines.append("")
    lines += verify_time(events=events, out=out)
    return "\n".join(lines)


def main(*, repeat: int, events: int, out: Callable[[str], None]) -> None:
    body = run(repeat=repeat, events=events, out=out)
    for line in body.splitlines():
        out(line)
    stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M %Z")
    vendor = connection.vendor
    write_section(
        f"audit-{vendor}",
        f"## Audit on {VENDORS.get(vendor, vendor)}: cost on a write path and verification "
        f"time (`dxgov bench audit`)\n\n"
        f"Measured {stamp}.\n\n{body}\n\nTarget (issue: tamper-evident audit): `audit verify` "
        "over 10 million events in reasonable time; auditing a small part of a write's cost.",
    )
