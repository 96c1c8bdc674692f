"""`dxgov serve` in a subprocess for the tests: it refuses to start without collected static
files, so they are collected first, quickly (as links, without the manifest's hashing)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from typing import Any

PLAIN_STORAGE = "django.contrib.staticfiles.storage.StaticFilesStorage"


def with_static_collected(environ: dict[str, str]) -> dict[str, str]:
    """`environ` (naming its own DXGOV_VAR_DIR) with the static files collected into it."""
    collected = {**environ, "DXGOV_STATICFILES_STORAGE": PLAIN_STORAGE}
    subprocess.run(
        [sys.executable, "-m", "dxgov.cli", "collectstatic", "--noinput", "--link", "-v0"],
        env=collected,
        check=True,
    )
    return collected


def wait_until_serving(port: int, process: subprocess.Popen[Any], seconds: float = 120.0) -> bytes:
    """/healthz's body once `dxgov serve` on `port` answers. The first start imports the whole
    platform: on a CI machine whose two cores run both databases' suites it has taken over ten
    seconds, so the wait is bounded by time, generously, and ends at once if the process has."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"dxgov serve on port {port} ended ({process.returncode})")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                return bytes(r.read())
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"dxgov serve on port {port} did not answer within {seconds:.0f} s")


def free_port() -> int:
    """A loopback port nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serving_database_url() -> str:
    """The URL of the database the tests run on, for a `dxgov serve` started beside them."""
    from django.conf import settings
    from django.db import connection

    db = settings.DATABASES["default"]
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgresql://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
