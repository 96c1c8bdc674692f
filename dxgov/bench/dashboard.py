"""`dxgov bench dashboard`: server-side time of the overview and a province page, requests per
second under a threaded load generator on loopback, and the first load's transfer size.

Runs on whatever data the database holds (say which in the figures); the load generator
starts `dxgov serve` (gunicorn, 2 workers × 8 threads) on a free loopback port, signs in
over HTTP-free session cookies made here, and sends a bounded number of requests.
"""

from __future__ import annotations

import gzip
import http.client
import logging
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.db import connection

from dxgov.accounts.models import User
from dxgov.bench import fullscale
from dxgov.bench.common import machine, median_p95, timed, write_section
from dxgov.dashboard import cache, feed
from dxgov.directives.models import Task
from dxgov.dossiers.models import Dossier
from dxgov.forecasting.models import Forecast
from dxgov.reporting.models import DataValue, Report
from dxgov.scoring.rounds import RescoreResult
from dxgov.testing.clients import client_for

WRK = "wrk"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _load(
    port: int, paths: list[str], cookie: str, seconds: float, threads: int
) -> tuple[int, int]:
    """Requests completed and errors, by `threads` keep-alive clients for `seconds`."""
    done = [0, 0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def worker(offset: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        i = offset
        while time.monotonic() < stop:
            try:
                conn.request("GET", paths[i % len(paths)], headers={"Cookie": cookie})
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                ok = False
            with lock:
                done[0 if ok else 1] += 1
            i += 1
        conn.close()

    pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return done[0], done[1]


def _static_size(html: str) -> tuple[int, int]:
    """Raw and as-served bytes of the CSS, JS and SVG the page loads: the collected file (with
    its hashed name) and WhiteNoise's precompressed .gz of it when there is one; a file only the
    finders know (DEBUG, no collectstatic) is gzipped here."""
    raw = packed = 0
    root = Path(str(settings.STATIC_ROOT)) if settings.STATIC_ROOT else None
    for url in sorted(set(re.findall(r'(?:src|href)="(/static/[^"]+)"', html))):
        name = url.removeprefix(settings.STATIC_URL)
        collected = root / name if root is not None else None
        if collected is not None and collected.is_file():
            data = collected.read_bytes()
            compressed = collected.with_name(collected.name + ".gz")
            served = compressed.read_bytes() if compressed.is_file() else data
        else:
            path = finders.find(name)
            if not path:
                raise FileNotFoundError(f"{url}: run collectstatic before the benchmark")
            data = Path(str(path)).read_bytes()
            served = gzip.compress(data, 6)
        raw += len(data)
        packed += len(served)
    return raw, packed


def _getter(client: Any, path: str) -> Callable[[], object]:
    return lambda: client.get(path)


def _wrk(port: int, paths: list[str], cookie: str, seconds: float) -> tuple[float, int, str]:
    """Requests/s, non-2xx answers and wrk's latency line, by wrk (2 threads, 16 connections)
    alternating `paths`; None when wrk is not installed."""
    script = (
        "local paths = {" + ", ".join(f'"{p}"' for p in paths) + "}\n"
        "local i = 0\n"
        "request = function()\n"
        "  i = i + 1\n"
        f'  return wrk.format("GET", paths[(i % #paths) + 1], {{["Cookie"] = "{cookie}"}})\n'
        "end\n"
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    try:
        result = subprocess.run(  # noqa: S603 (a fixed command on loopback)
            [
                WRK,
                "-t2",
                "-c16",
                f"-d{int(seconds)}s",
                "-s",
                handle.name,
                f"http://127.0.0.1:{port}/",
            ],
            capture_output=True,
            text=True,
            timeout=seconds + 60,
            check=True,
        )
    finally:
        Path(handle.name).unlink()
    text = result.stdout
    rate = float(re.search(r"Requests/sec:\s*([\d.]+)", text).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses:\s*(\d+)", text)
    latency = re.search(r"Latency\s+(\S+)\s+(\S+)\s+(\S+)", text)
    line = (
        f"mean {latency.group(1)} ± {latency.group(2)}, max {latency.group(3)}" if latency else ""
    )
    return rate, int(errors.group(1)) if errors else 0, line


def _generate(port: int, paths: list[str], cookie: str, seconds: float) -> tuple[float, int, str]:
    """Requests/s, errors and how: wrk when installed, else Python keep-alive clients."""
    if shutil.which(WRK):
        rate, errors, latency = _wrk(port, paths, cookie, seconds)
        return rate, errors, f"wrk, 2 threads, 16 connections, {seconds:.0f} s; latency {latency}"
    ok, errors = _load(port, paths, cookie, seconds, 16)
    return ok / seconds, errors, f"16 Python keep-alive clients (no wrk), {seconds:.0f} s"


def _serve(port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(  # noqa: S603 (our own command, fixed arguments)
        [sys.executable, "-m", "dxgov.cli", "serve", "--port", str(port), "--workers", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.3)
    return server


def _data_line(full_scale: bool) -> str:
    tasks = Task.objects.count()
    counts = (
        f"{DataValue.objects.count():,} data values, {Report.objects.count():,} reports, "
        f"{Dossier.objects.count():,} dossiers, {tasks:,} tasks, "
        f"{Forecast.objects.count():,} forecasts"
    )
    if full_scale:
        return (
            f"Data: {counts}: national scale (`dxgov demo`, `dxgov bench score` for the "
            "dossiers, then `--full-scale`: 50,000 tasks and every month since January 2024 "
            "reported by the 34 provinces and all their communes)."
        )
    return f"Data: {counts}: the demo data, not the national scale."


def _cold(client: Any, path: str) -> Callable[[], object]:
    """A request after every kept block is dropped: what the first viewer after a change waits."""

    def call() -> object:
        cache.clear()
        return client.get(path)

    return call


def _after_batch(client: Any, path: str) -> Callable[[], object]:
    """A request right after a dossier batch's feed row (as its scoring hook writes one)."""

    def call() -> object:
        feed.scores_changed(RescoreResult(marks=1, scores=1))
        return client.get(path)

    return call


class _Batches(threading.Thread):
    """Appends a dossier batch's feed row every `every` seconds, as steady ingestion does."""

    def __init__(self, every: float) -> None:
        super().__init__(daemon=True)
        self.every = every
        self.stop = threading.Event()
        self.count = 0

    def run(self) -> None:
        while not self.stop.wait(self.every):
            feed.scores_changed(RescoreResult(marks=1, scores=1))
            self.count += 1
        connection.close()


def main(*, repeat: int, seconds: float, full_scale: bool, out: Callable[[str], None]) -> None:
    # Request lines would drown the figures; the in-process client calls itself "testserver".
    logging.getLogger("dxgov.request").setLevel(logging.WARNING)
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    if full_scale:
        fullscale.prepare(out)
    user = User.objects.get(username="vpcp.dieuphoi")
    client = client_for(user)
    province = "/dashboard/agency/UBND-T25/"
    pages = {"overview": "/dashboard/", "province": province}
    baseline = median_p95(timed(_getter(client, "/healthz"), repeat))[0]
    lines = [
        f"Measured {time.strftime('%Y-%m-%d %H:%M %Z')}. Machine: {machine()}.",
        _data_line(full_scale),
        f"Server-side time in process (Django test client), {repeat} requests per row; "
        f"baseline in the same run: `/healthz` median {baseline:.2f} ms. Warm: blocks from the "
        "cache (no change since the last view); cold: every kept block dropped first, so the "
        "page is built from the database (the first view after a change).",
        "",
        "After a batch: a dossier batch's feed row written just before each request (the "
        "ranking is rebuilt, the page put together again from the other kept blocks).",
        "",
        "| page | warm median ms | warm p95 ms | after a batch median / p95 ms "
        "| cold median ms | cold p95 ms | warm ÷ baseline |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, path in pages.items():
        warm = median_p95(timed(_getter(client, path), repeat))
        batch = median_p95(timed(_after_batch(client, path), repeat))
        cold = median_p95(timed(_cold(client, path), max(5, repeat // 5), warmup=1))
        lines.append(
            f"| {name} | {warm[0]:.1f} | {warm[1]:.1f} | {batch[0]:.1f} / {batch[1]:.1f} "
            f"| {cold[0]:.0f} | {cold[1]:.0f} | {warm[0] / baseline:.1f} |"
        )
        out(lines[-1])
    html = client.get("/dashboard/").content.decode()
    svg = client.get("/dashboard/map/silhouette.svg").content
    raw, packed = _static_size(html)
    html_bytes = len(html.encode())
    first = html_bytes + packed + len(gzip.compress(svg, 6))
    lines += [
        "",
        f"First load of the overview: HTML {html_bytes / 1024:.0f} KB (served uncompressed; "
        f"{len(gzip.compress(html.encode(), 6)) / 1024:.0f} KB if gzipped), CSS+JS+SVG "
        f"{packed / 1024:.0f} KB as WhiteNoise serves them ({raw / 1024:.0f} KB raw), silhouette "
        f"{len(gzip.compress(svg, 6)) / 1024:.0f} KB gzip: **{first / 1024:.0f} KB** in all.",
    ]
    out(f"first load: {first / 1024:.0f} KB")
    port = _free_port()
    server = _serve(port)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    try:
        _load(port, list(pages.values()), cookie, 5, 4)  # warm up (workers boot, caches fill)
        runs = []
        for label, every in (("no changes", 0.0), ("a dossier batch every second", 1.0)):
            batches = _Batches(every) if every else None
            if batches is not None:
                batches.start()
            try:
                runs.append((label, *_generate(port, list(pages.values()), cookie, seconds)))
            finally:
                if batches is not None:
                    batches.stop.set()
                    batches.join()
    finally:
        server.terminate()
        server.wait(timeout=30)
    lines.append(
        "\nUnder load on loopback (overview and province page alternately; `dxgov serve`, "
        "gunicorn 2 workers × 8 threads, on the same 2 cores as the load generator"
        f"{' and PostgreSQL' if connection.vendor == 'postgresql' else ''}):\n"
    )
    for label, rate, errors, how in runs:
        lines.append(f"* {label}: **{rate:.0f} req/s**, {errors} errors ({how}).")
        out(f"load, {label}: {rate:.0f} req/s, {errors} errors")
    vendor = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(connection.vendor, "")
    scale = "-full" if full_scale else ""
    write_section(
        f"dashboard{scale}-{connection.vendor}",
        f"## Command centre on {vendor}{' at national scale' if full_scale else ''} "
        "(`dxgov bench dashboard`)\n\n" + "\n".join(lines),
    )
