"""The `dxgov` command: demo is idempotent, serve answers over real HTTP."""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.core.management import call_command

from dxgov.accounts.models import Role, User
from dxgov.audit.models import AuditEvent
from dxgov.directives.models import Task


@pytest.mark.django_db
def test_demo_twice_changes_nothing() -> None:
    out = io.StringIO()
    call_command("demo", stdout=out)
    first = out.getvalue()
    # The first run (in a test database with the cast) adds the demo directives and tasks.
    assert "demo directives: +23 (0 already there)" in first
    counts = (User.objects.count(), AuditEvent.objects.count(), Task.objects.count())
    assert counts[2] > 3000
    out = io.StringIO()
    call_command("demo", stdout=out)
    assert (User.objects.count(), AuditEvent.objects.count(), Task.objects.count()) == counts
    text = out.getvalue()
    assert "dxgov-demo-2025" in text and "[new]" not in text and "phutho.canbo" in text
    assert "demo directives: +0 (23 already there); tasks: +0 through actions, +0 imported" in text
    roles = set(User.objects.values_list("role", flat=True))
    assert roles == {r.value for r in Role}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_answers_on_the_given_port(tmp_path: Path) -> None:
    port = _free_port()
    environ = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "dxgov.settings",
        "DXGOV_SECRET_KEY": "serve-test-key",
        "DXGOV_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        "DXGOV_VAR_DIR": str(tmp_path),
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "dxgov.cli", "serve", "--port", str(port), "--workers", "1"],
        env=environ,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        body = b""
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    body = r.read()
                break
            except OSError:
                time.sleep(0.1)
        assert body == b'{"status": "ok"}'
        # An empty database is up but not ready: readiness reports the pending migrations.
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=5)
            raise AssertionError("readyz answered 200 on an unmigrated database")
        except urllib.error.HTTPError as exc:
            assert exc.code == 503 and b"migrations_pending" in exc.read()
    finally:
        server.terminate()
        server.wait(timeout=10)
