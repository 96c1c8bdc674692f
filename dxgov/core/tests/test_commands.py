"""The `dxgov` command: serve answers over real HTTP (the demo twice: see the note below)."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.request
from pathlib import Path

from dxgov.testing.serving import free_port, wait_until_serving, with_static_collected

# The demo run twice (nothing changes the second time) is tested with the scan of what it
# stores, in hostile/test_no_identity_numbers_stored.py: one run of the whole demo for both.


def _serve_environ(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "dxgov.settings",
        "DXGOV_SECRET_KEY": "serve-test-key",
        "DXGOV_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        "DXGOV_VAR_DIR": str(tmp_path),
    }


def test_serve_answers_on_the_given_port(tmp_path: Path) -> None:
    port = free_port()
    environ = with_static_collected(_serve_environ(tmp_path))
    server = subprocess.Popen(
        [sys.executable, "-m", "dxgov.cli", "serve", "--port", str(port), "--workers", "1"],
        env=environ,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        assert wait_until_serving(port, server) == b'{"status": "ok"}'
        # An empty database is up but not ready: readiness reports the pending migrations.
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=5)
            raise AssertionError("readyz answered 200 on an unmigrated database")
        except urllib.error.HTTPError as exc:
            assert exc.code == 503 and b"migrations_pending" in exc.read()
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_serve_refuses_to_start_without_collected_static_files(tmp_path: Path) -> None:
    """Issue 16 §3: every page answered a bare "Internal Server Error" instead."""
    done = subprocess.run(
        [sys.executable, "-m", "dxgov.cli", "serve", "--port", str(free_port())],
        env=_serve_environ(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert "have not been collected" in done.stderr
    assert "run `dxgov collectstatic --noinput`" in done.stderr
