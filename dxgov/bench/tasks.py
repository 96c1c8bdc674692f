"""`dxgov bench tasks`: the task list and statistics pages over many tasks."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.test import Client
from django.utils import timezone

from dxgov.accounts.models import User
from dxgov.bench.common import machine, median_p95, timed, write_section
from dxgov.demo.directives import generate_tasks
from dxgov.demo.users import load_demo_users
from dxgov.directives.models import Task
from dxgov.orgunits.actions import load_orgunits
from dxgov.orgunits.models import OrgUnit
from dxgov.testing.clients import client_for

PAGES = [
    ("task list, page 1", "/directives/tasks/"),
    ("task list, filtered (overdue)", "/directives/tasks/?status=overdue"),
    ("task list, text search", "/directives/tasks/?q=chuy%E1%BB%83n"),
    ("statistics and league table", "/directives/statistics/"),
    ("directive list", "/directives/"),
]


def prepare(count: int, out: Callable[[str], None]) -> int:
    if not OrgUnit.objects.exists():
        load_orgunits(acting_user=None)
    if not User.objects.filter(username="vpcp.dieuphoi").exists():
        load_demo_users()
    missing = count - Task.objects.count()
    if missing > 0:
        out(f"generating {missing} tasks…")
        for _ in generate_tasks(count=missing, seed=50_000, today=timezone.localdate()):
            pass
    return Task.objects.count()


def run(*, count: int, repeat: int, out: Callable[[str], None]) -> str:
    total = prepare(count, out)
    # Request lines would drown the figures; the in-process client calls itself "testserver".
    logging.getLogger("dxgov.request").setLevel(logging.WARNING)
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    viewers = {
        "coordinator (all tasks)": client_for(User.objects.get(username="vpcp.dieuphoi")),
        "province officer (scoped)": client_for(User.objects.get(username="phutho.canbo")),
    }
    baseline = median_p95(timed(lambda: Client().get("/healthz"), repeat))[0]
    lines = [
        f"Machine: {machine()}.",
        f"Tasks in the database: {total}. {repeat} requests per row, server-side time "
        "(Django test client, in process), after 2 warm-up requests.",
        f"Baseline in the same run: `/healthz` median {baseline:.2f} ms.",
        "",
        "| page | who | median ms | p95 ms | median ÷ baseline |",
        "|---|---|---:|---:|---:|",
    ]
    for label, url in PAGES:
        for who, client in viewers.items():

            def call(c: Client = client, u: str = url) -> None:
                response = c.get(u)
                assert response.status_code == 200, (u, response.status_code)

            median, p95 = median_p95(timed(call, repeat))
            lines.append(
                f"| {label} | {who} | {median:.1f} | {p95:.1f} | {median / baseline:.0f} |"
            )
            out(lines[-1])
    return "\n".join(lines)


def main(*, count: int, repeat: int, out: Callable[[str], None]) -> None:
    body = run(count=count, repeat=repeat, out=out)
    stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M %Z")
    write_section(
        "tasks",
        f"## Tasks: list and statistics pages (`dxgov bench tasks`)\n\nMeasured {stamp}.\n\n"
        f"{body}\n\nTarget (issue: directives and tasks): median under 150 ms with 50,000 "
        "tasks on the embedded database.",
    )
