"""`dxgov bench audit`: what auditing costs on a write path.

A task transition (a progress report through dxgov.directives.actions) timed with the
audit event recorded and with recording switched off (audit.record.audit_disabled, which
exists for this measurement only), alternating in the same run. The directive, task and
progress reports it makes stay in the benchmark database (each run adds one task).

How long `audit verify` takes over millions of events is audit.bench_verify
(`dxgov bench audit --verify-events N`).
"""

from __future__ import annotations

import os
import secrets
import statistics
import time
from collections.abc import Callable
from datetime import timedelta

from django.db import connection
from django.utils import timezone

from dxgov.accounts.models import User
from dxgov.audit.record import audit_disabled
from dxgov.bench.common import machine, write_section
from dxgov.demo.users import load_demo_users
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
        # The figure wraps around (100 % then 0 %): a decrease gives its reason.
        directive_actions.report_progress(
            acting_user=officer,
            task=task,
            percent=n % 101,
            narrative=f"Tiến độ lần {n}",
            reason="Đo lại từ đầu",
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
        f"A task transition (`report_progress` through `dxgov.directives.actions`, one "
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


def run(*, repeat: int, out: Callable[[str], None]) -> str:
    lines = [f"Machine: {machine()}; load average {os.getloadavg()[0]:.1f} at the start.", ""]
    lines += write_overhead(repeat=repeat, out=out)
    return "\n".join(lines)


def main(*, repeat: int, out: Callable[[str], None]) -> None:
    body = run(repeat=repeat, out=out)
    for line in body.splitlines():
        out(line)
    stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M %Z")
    vendor = connection.vendor
    write_section(
        f"audit-{vendor}",
        f"## Audit on {VENDORS.get(vendor, vendor)}: cost on a write path "
        f"(`dxgov bench audit`)\n\n"
        f"Measured {stamp}.\n\n{body}\n\nTarget (issue: tamper-evident audit): auditing a "
        "small part of a write's cost. Verification time: `dxgov bench audit --verify-events`.",
    )
