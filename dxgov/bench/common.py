"""Shared benchmark helpers: timing requests in-process, describing the machine, writing results.

Figures are medians and 95th percentiles of server-side time (Django's test client, no
network), each quoted with a baseline measured in the same run so that results from
different machines can be compared by ratio.
"""

from __future__ import annotations

import os
import platform
import re
import sqlite3
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from django.conf import settings
from django.db import connection

BENCHMARKS_FILE = Path(settings.BASE_DIR) / "docs" / "benchmarks.md"


class Rollback(Exception):
    """Raised inside a benchmark's transaction to undo what it wrote for the run."""


def on_postgresql(command: str, tables: Sequence[str]) -> None:
    """`VACUUM ANALYZE` or `ANALYZE` the tables a run touches, on PostgreSQL (elsewhere
    nothing): a production database is kept so by autovacuum, and a run's rolled-back rows
    would leave the next run dead versions to step over."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"{command} {', '.join(tables)}")


def timed(call: Callable[[], object], repeat: int, warmup: int = 2) -> list[float]:
    """Milliseconds per call, after a few warm-up calls."""
    for _ in range(warmup):
        call()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def median_p95(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        text = Path("/proc/cpuinfo").read_text()
        found = re.search(r"model name\s*:\s*(.+)", text)
        cpu = found.group(1).strip() if found else cpu
    except OSError:
        pass
    memory = ""
    try:
        kib = int(re.findall(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())[0])
        memory = f", {kib / 1024 / 1024:.0f} GiB RAM"
    except (OSError, IndexError):
        pass
    engine = connection.vendor
    version = (
        sqlite3.sqlite_version
        if engine == "sqlite"
        else connection.cursor().connection.info.server_version
    )
    return (
        f"{os.cpu_count()} cores ({cpu}){memory}; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}; database {engine} {version}"
    )


def write_section(name: str, body: str) -> None:
    """Replace (or add) the section between this benchmark's markers in docs/benchmarks.md."""
    start, end = f"<!-- bench:{name}:start -->", f"<!-- bench:{name}:end -->"
    text = BENCHMARKS_FILE.read_text() if BENCHMARKS_FILE.exists() else "# Benchmarks\n"
    block = f"{start}\n{body.rstrip()}\n{end}"
    if start in text and end in text:
        text = text[: text.index(start)] + block + text[text.index(end) + len(end) :]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    BENCHMARKS_FILE.write_text(text)
