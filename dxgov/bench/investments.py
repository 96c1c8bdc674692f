"""`dxgov bench investments`: the public-investment portfolio at national scale.

Fills the database (once; its name must contain "bench") with N projects (20,000 by default)
across the 17 ministries and 34 provinces and their departments, each with an investment
decision, this plan year's capital plan and a cumulative disbursed value every Friday of the
year to date (about a million figures), written by COPY, then builds the weekly rows
(`summary.rebuild`) as the writes would have. Then it measures, server-side (Django's test
client, no network), as a coordinator who sees everything:

- the weekly national table (`/investments/weekly/`) and the national portfolio page
  (`/investments/`): warm (median, p95 of repeated requests) and cold (each request on a new
  database connection with the template-fragment and page caches emptied);
- the first request after a write dropped the week's kept forecasts (they are recomputed);
- a bulk update of 5,000 rows (one figure for each of 5,000 projects) through
  `POST /api/v1/investments/disbursements`: JSON read, every row validated, saved, audited and
  the weekly figures brought in step; each run in a transaction rolled back, so the data stay
  as generated.

Targets (issue 18): table and portfolio median < 50 ms warm, p95 < 150 ms cold; 5,000 rows
validated and saved < 2 s.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, timedelta
from datetime import time as clock
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import connection, transaction
from django.utils import timezone

from dxgov.accounts.models import User
from dxgov.bench.common import machine, median_p95, write_section
from dxgov.demo.users import load_demo_users
from dxgov.investments import planyear, storage, summary
from dxgov.investments.models import (
    Allocation,
    Decision,
    Disbursement,
    InvestmentProject,
    Milestone,
    ProjectWeek,
    WeekSummary,
)
from dxgov.orgunits.actions import load_orgunits
from dxgov.orgunits.models import Agency, AgencyKind, OrgUnit
from dxgov.testing.clients import client_for

Out = Callable[[str], None]
PREFIX = "BENCH-"
MILLION = 1_000_000
CATEGORIES = ("infrastructure", "platforms", "data", "cybersecurity", "applications", "skills")
BULK_ROWS = 5_000


class NotABenchmarkDatabase(RuntimeError):
    """Refused: this benchmark writes a million rows and runs only in a benchmark database."""


def _ready() -> None:
    if not OrgUnit.objects.exists():
        load_orgunits(acting_user=None)
    if not User.objects.filter(username="quantri").exists():
        load_demo_users()


def _copy(table: str, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> None:
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with (
        connection.cursor() as wrapper,
        wrapper.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)


def _investors() -> list[tuple[Agency, Agency]]:
    """(investor, its unit) pairs: each ministry, each provincial committee and its departments."""
    units = list(
        Agency.objects.current()
        .filter(parent__code="CP", kind__in=[AgencyKind.MINISTRY, AgencyKind.PEOPLE_COMMITTEE])
        .order_by("code")
    )
    pairs = []
    for unit in units:
        pairs.append((unit, unit))
        if unit.kind == AgencyKind.PEOPLE_COMMITTEE:
            pairs.extend(
                (d, unit)
                for d in Agency.objects.current()
                .filter(parent=unit, kind=AgencyKind.DEPARTMENT)
                .order_by("code")[:4]
            )
    return pairs


def _fill(projects: int, plan_year: int, out: Out) -> None:
    """Projects, decisions, plans and weekly figures by COPY; then the weekly rows."""
    started = time.perf_counter()
    rng = random.Random(2026)
    admin = User.objects.get(username="quantri")
    now = timezone.now()
    pairs = _investors()
    start = date(plan_year - 1, 7, 1)
    end = date(plan_year + 1, 12, 31)
    project_rows = []
    plans: dict[str, tuple[int, int, float, str]] = {}
    for number in range(1, projects + 1):
        investor, unit = pairs[number % len(pairs)]
        code = f"{PREFIX}{number:05d}"
        total = rng.randint(8, 200) * 100 * MILLION
        plan = total // 100 * rng.randint(25, 45)
        pace = rng.choice((1.0, 1.0, 1.05, 0.9, 0.7, 0.5, 0.15))
        source = (
            "central_budget"
            if unit.kind == AgencyKind.MINISTRY or rng.random() < 0.6
            else ("local_budget")
        )
        plans[code] = (total, plan, pace, source)
        project_rows.append(
            (code, f"Dự án chuyển đổi số {number}", investor.pk, unit.pk, "c" if total < 46e9
             else "b", CATEGORIES[number % 6], "implementation", False, "", 1, total, total,
             start, end, end, now, admin.pk)
        )  # fmt: skip
    _copy(
        InvestmentProject._meta.db_table,
        ("code", "name", "investor_id", "managing_agency_id", "group", "category", "stage",
         "stalled", "stalled_reason", "baseline_version", "original_total", "current_total",
         "start", "original_end", "current_end", "created_at", "created_by_id"),
        project_rows,
    )  # fmt: skip
    ids = dict(InvestmentProject.objects.filter(code__startswith=PREFIX).values_list("code", "id"))
    signed = start - timedelta(days=60)
    _copy(
        Decision._meta.db_table,
        ("project_id", "kind", "version", "number", "signed_on", "total", "central_budget",
         "local_budget", "oda", "other_state", "start", "end", "reason", "entered_at",
         "entered_by_id", "late"),
        ((ids[c], "investment", 1, "101/QĐ-ĐT", signed, t, t, 0, 0, 0, start, end, "", now,
          admin.pk, False) for c, (t, _p, _x, _s) in plans.items()),
    )  # fmt: skip
    decisions = dict(
        Decision.objects.filter(project__code__startswith=PREFIX).values_list("project_id", "id")
    )
    _copy(
        Milestone._meta.db_table,
        ("decision_id", "position", "name", "planned_on", "pending"),
        (
            (decision, position, name, start + timedelta(days=offset), True)
            for decision in decisions.values()
            for position, (name, offset) in enumerate(
                (("Ký hợp đồng", 120 + decision % 90), ("Nghiệm thu giai đoạn 1", 400))
            )
        ),
    )
    decided = date(plan_year - 1, 12, 20)
    _copy(
        Allocation._meta.db_table,
        ("project_id", "plan_year", "source", "kind", "amount", "assigned", "number",
         "decided_on", "reason", "entered_at", "entered_by_id", "late"),
        ((ids[c], plan_year, s, "initial", p, p if s == "central_budget" else 0, "1500/QĐ-TTg",
          decided, "", now, admin.pk, False) for c, (_t, p, _x, s) in plans.items()),
    )  # fmt: skip
    today = timezone.localdate()
    weeks = [w for w in planyear.week_ends(plan_year) if w < today]
    figures = 0

    def disbursements() -> Iterable[tuple[Any, ...]]:
        nonlocal figures
        for code, (_total, plan, pace, source) in plans.items():
            last = 0
            for week in weeks:
                share = planyear.usual_share(plan_year, week) * pace
                last = max(last, min(plan, int(plan * share) // MILLION * MILLION))
                entered = timezone.make_aware(datetime.combine(week + timedelta(days=1), clock(9)))
                figures += 1
                yield (ids[code], plan_year, source, week, "actual", last, "", 1, "api",
                       min(entered, now), admin.pk, False)  # fmt: skip

    _copy(Disbursement._meta.db_table, storage.DISBURSEMENT_COLUMNS, disbursements())
    copied = time.perf_counter() - started
    out(f"filled {projects} projects and {figures} figures by COPY in {copied:.0f} s")


def _weeks(plan_year: int, out: Out) -> None:
    """The weekly rows of every project, as the writes would have kept them."""
    started = time.perf_counter()
    summary.rebuild(plan_year)
    summary.store_forecasts(plan_year, summary.through(plan_year) or timezone.localdate())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    out(f"weekly rows built in {time.perf_counter() - started:.0f} s")


def _cold(client: Any, url: str, repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        connection.close()
        for name in ("default", "dashboard", "dashboard_pages"):
            caches[name].clear()
        started, cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
        CPU[id(samples)] = [*CPU.get(id(samples), []), (time.process_time() - cpu) * 1000]
        assert response.status_code == 200, response.status_code
    return samples


def _after_change(client: Any, url: str, plan_year: int, week: date, repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        WeekSummary.objects.filter(plan_year=plan_year, week_end=week).update(forecast=None)
        # As after a write: its audit event renews the page's stamp (a cached page is not
        # read).
        caches["default"].clear()
        started = time.perf_counter()
        client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def _bulk_body(plan_year: int, week: date, day: date, step: int) -> bytes:
    """One figure as of `day` for each of BULK_ROWS projects: last week's value plus a
    little (at most the plan)."""
    rows = []
    latest = ProjectWeek.objects.filter(
        plan_year=plan_year, week_end=week, project__code__startswith=PREFIX
    ).values_list("project__code", "central_budget", "local_budget", "plan_total")
    for code, central, local, plan in latest.order_by("project__code")[:BULK_ROWS]:
        source = "central_budget" if central or not local else "local_budget"
        value = min(plan, (central or local) + step * MILLION)
        rows.append(
            {
                "project": code,
                "plan_year": plan_year,
                "source": source,
                "as_of": day.isoformat(),
                "kind": "actual",
                "value": f"{value:,}".replace(",", "."),
            }
        )
    return json.dumps({"rows": rows}).encode()


def _bulk(client: Any, plan_year: int, repeat: int) -> tuple[list[float], int]:
    today = timezone.localdate()
    week = summary.latest_week(plan_year)
    assert week is not None
    previous = summary.previous_week(plan_year, week)
    samples = []
    saved = 0
    for attempt in range(repeat):
        body = _bulk_body(plan_year, previous, today, attempt + 1)
        with transaction.atomic():
            started, cpu = time.perf_counter(), time.process_time()
            response = client.post(
                "/api/v1/investments/disbursements", data=body, content_type="application/json"
            )
            samples.append((time.perf_counter() - started) * 1000)
            CPU[id(samples)] = [*CPU.get(id(samples), []), (time.process_time() - cpu) * 1000]
            assert response.status_code == 200, response.content[:500]
            saved = sum(response.json()["totals"][k] for k in ("created", "updated"))
            transaction.set_rollback(True)
    return samples, saved


# The benchmark process's own CPU time of each sample list's requests (by the list's id): on a
# machine shared with other sessions the wall-clock time includes waiting for a core; the CPU
# time does not (nor the database server's time).
CPU: dict[int, list[float]] = {}


def _timed(get: Callable[[], object], repeat: int) -> list[float]:
    get()
    get()
    samples: list[float] = []
    cpu_samples: list[float] = []
    for _ in range(repeat):
        started, cpu = time.perf_counter(), time.process_time()
        get()
        samples.append((time.perf_counter() - started) * 1000)
        cpu_samples.append((time.process_time() - cpu) * 1000)
    CPU[id(samples)] = cpu_samples
    return samples


def _line(label: str, samples: list[float]) -> str:
    median, p95 = median_p95(samples)
    cpu = CPU.get(id(samples))
    cpu_text = f"{median_p95(cpu)[0]:.1f}" if cpu else "—"
    return f"| {label} | {median:.1f} | {p95:.1f} | {cpu_text} | {len(samples)} |"


def _load_average() -> str:
    with open("/proc/loadavg") as handle:
        return handle.read().split()[0]


def _getter(client: Any, url: str) -> Callable[[], object]:
    def get() -> object:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response

    return get


def main(*, projects: int, repeat: int, out: Out) -> None:
    name = str(connection.settings_dict.get("NAME", ""))
    if connection.vendor != "postgresql" or "bench" not in name:
        raise NotABenchmarkDatabase(
            "Run this in a PostgreSQL benchmark database (its name must contain 'bench'), "
            "e.g. DXGOV_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench."
        )
    _ready()
    plan_year = planyear.current_plan_year(timezone.localdate())
    have = InvestmentProject.objects.filter(code__startswith=PREFIX).count()
    if have < projects:
        if have:
            out(f"{have} benchmark projects found, fewer than {projects}: remove them first")
            return
        _fill(projects, plan_year, out)
    if summary.latest_week(plan_year) is None:
        _weeks(plan_year, out)
    week = summary.latest_week(plan_year)
    assert week is not None
    counts = {
        "projects": InvestmentProject.objects.count(),
        "figures": Disbursement.objects.count(),
        "project_weeks": ProjectWeek.objects.count(),
    }
    # Request lines would drown the figures; the in-process client calls itself "testserver".
    logging.getLogger("dxgov.request").setLevel(logging.WARNING)
    logging.getLogger("axes").setLevel(logging.WARNING)
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = client_for(User.objects.get(username="vpcp.dieuphoi"))
    officer = client_for(User.objects.get(username="quantri"))
    pages = {
        "weekly national table": "/investments/weekly/",
        "national portfolio": "/investments/",
        "weekly table (API)": "/api/v1/investments/weekly",
    }
    lines = []
    for label, url in pages.items():
        warm = _timed(_getter(client, url), repeat=repeat)
        cold = _cold(client, url, max(10, repeat // 3))
        lines.append(_line(f"{label}, warm", warm))
        lines.append(_line(f"{label}, cold", cold))
        out(lines[-2])
        out(lines[-1])
    change = _after_change(client, "/investments/weekly/", plan_year, week, 5)
    lines.append(_line("weekly table, first read after the week's forecasts were dropped", change))
    out(lines[-1])
    bulk, saved = _bulk(officer, plan_year, 3)
    lines.append(_line(f"bulk update, {saved} rows (HTTP, JSON, all or nothing)", bulk))
    out(lines[-1])
    body = (
        "## Public investment at national scale (`dxgov bench investments`)\n\n"
        f"Machine: {machine()}. Data: {counts['projects']:,} projects ({projects:,} "
        f"generated), {counts['figures']:,} disbursed values (every Friday of plan year "
        f"{plan_year} to {week:%d/%m/%Y}), {counts['project_weeks']:,} project-weeks. "
        "Server-side time in milliseconds (Django's test client, no network), as a "
        "coordinator who sees every project; cold: a new database connection and empty "
        "template-fragment caches for each request. The machine is shared with other "
        "sessions' test runs (load average at the time: "
        f"{_load_average()}, on 2 cores), so the wall-clock figures are upper bounds; the CPU "
        "median is the benchmark process's own CPU time per request (the Python side, without "
        "waiting for a core and without the database server's time).\n\n"
        "| measurement | median | p95 | CPU median | runs |\n|---|---|---|---|---|\n"
        + "\n".join(lines)
        + "\n\nTargets (issue 18): the weekly table and the national portfolio page under 50 ms "
        "median warm and 150 ms p95 cold; a bulk update of 5,000 rows validated and saved "
        "under 2 s. How: the weekly figures are kept as rows per project and week and summed "
        "per unit, category, group and source (`ProjectWeek`, `WeekSummary`), brought in step "
        "by each write's own deltas; the current week's year-end forecasts are computed by the "
        "write that changes them; the two national pages keep their rendered figures under a "
        "stamp of what they depend on (the audit ledger's last event, the day, the week, the "
        "scope, the language: ADR 0023), so a warm request reads no figure; overdue milestones "
        "are counted from a partial index of the pending ones; a bulk update reads its "
        "projects' figures with one array parameter per statement (`any_of`), writes its rows "
        "by COPY and records one audit event listing every change old → new.\n"
    )
    write_section("investments", body)
