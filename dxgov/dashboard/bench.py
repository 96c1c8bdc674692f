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
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.db import connection

from dxgov.accounts.models import User
from dxgov.accounts.testing import client_for
from dxgov.core.bench import machine, median_p95, timed, write_section
from dxgov.dossiers.models import Dossier
from dxgov.forecasting.models import Forecast
from dxgov.reporting.models import DataValue, Report


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


def main(*, repeat: int, seconds: float, out: Callable[[str], None]) -> None:
    # Request lines would drown the figures; the in-process client calls itself "testserver".
    logging.getLogger("dxgov.request").setLevel(logging.WARNING)
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    user = User.objects.get(username="vpcp.dieuphoi")
    client = client_for(user)
    province = "/dashboard/agency/UBND-T25/"
    pages = {"overview": "/dashboard/", "province": province}
    lines = [
        f"Machine: {machine()}.",
        f"Data: {DataValue.objects.count()} data values, {Report.objects.count()} reports, "
        f"{Dossier.objects.count()} dossiers, {Forecast.objects.count()} forecasts: the demo "
        "data as `make bench-dashboard` loads it (`dxgov demo`, then three months of generated "
        "dossiers at scale 0.0005), not the full national scale.",
        "",
        "| page | median ms | p95 ms |",
        "|---|---|---|",
    ]
    for name, path in pages.items():
        samples = timed(_getter(client, path), repeat)
        median, p95 = median_p95(samples)
        lines.append(f"| {name} | {median:.1f} | {p95:.1f} |")
        out(f"{name}: median {median:.1f} ms, p95 {p95:.1f} ms")
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
    server = subprocess.Popen(  # noqa: S603 (our own command, fixed arguments)
        [sys.executable, "-m", "dxgov.cli", "serve", "--port", str(port), "--workers", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.3)
        cookie = (
            f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
        )
        _load(port, list(pages.values()), cookie, 5, 4)  # warm up (workers boot)
        ok, errors = _load(port, list(pages.values()), cookie, seconds, 16)
    finally:
        server.terminate()
        server.wait(timeout=30)
    rate = ok / seconds
    lines.append(
        f"\nUnder load (16 keep-alive clients on loopback for {seconds:.0f} s, overview and "
        f"province page alternately, gunicorn 2 workers × 8 threads): **{rate:.0f} req/s**, "
        f"{errors} errors."
    )
    out(f"load: {rate:.0f} req/s, {errors} errors")
    vendor = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(connection.vendor, "")
    write_section(
        f"dashboard-{connection.vendor}",
        f"## Command centre on {vendor} (`dxgov bench dashboard`)\n\n" + "\n".join(lines),
    )
