"""Reliability of ingestion: a server killed mid-batch loses and doubles nothing; concurrent
workers with overlapping batches end where one worker would (SQLite and PostgreSQL alike)."""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from dxgov.dossiers import actions
from dxgov.dossiers.models import Batch, Dossier, SourceSystem
from dxgov.dossiers.tests.conftest import make_record, make_source
from dxgov.testing.serving import (
    free_port,
    serving_database_url,
    wait_until_serving,
    with_static_collected,
)

pytestmark = pytest.mark.django_db(transaction=True)


def _serve(
    port: int, tmp_path: Path, extra: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    """`dxgov serve` (one worker, and its task worker) on the test database, until it answers."""
    environ = with_static_collected(
        {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "dxgov.settings",
            "DXGOV_SECRET_KEY": "reliability-test-key",
            "DXGOV_DATABASE_URL": serving_database_url(),
            "DXGOV_VAR_DIR": str(tmp_path),
            **(extra or {}),
        }
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "dxgov.cli", "serve", "--port", str(port), "--workers", "1"],
        env=environ,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_until_serving(port, server)
    except AssertionError:
        server.kill()
        raise
    return server


def _post(port: int, token: str, body: bytes, timeout: float = 300) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/dossiers/batches",
        data=body,
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "Content-Encoding": "gzip",
        },
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def _kill(server: subprocess.Popen[bytes]) -> None:
    # The whole process group: gunicorn's arbiter and its worker, as a power cut would.
    os.killpg(server.pid, signal.SIGKILL)
    server.wait(timeout=10)


def test_server_killed_mid_batch_loses_nothing_and_counts_nothing_twice(
    tmp_path: Path, reference_data: None
) -> None:
    _source, token = make_source("PT-MOTCUA", "UBND-T25")
    count = 30_000
    records = [make_record(f"K{i:06d}") for i in range(count)]
    body = gzip.compress(
        json.dumps({"schema": "dxgov.dossier/1", "batch_id": "big-1", "records": records}).encode()
    )
    port = free_port()
    server = _serve(port, tmp_path)
    answers: list[Any] = []
    try:
        sender = threading.Thread(
            target=lambda: answers.append(_safe_post(port, token, body)), daemon=True
        )
        sender.start()
        time.sleep(0.7)
        _kill(server)
        sender.join(timeout=30)
    finally:
        if server.poll() is None:
            _kill(server)
    # Killed before the commit: nothing of the batch is there (no half batch, ever).
    assert answers and answers[0] is None, answers
    assert Batch.objects.count() == 0 and Dossier.objects.count() == 0
    server = _serve(port, tmp_path)
    try:
        status, summary = _post(port, token, body)
        assert status == 201, summary
        assert (summary["total"], summary["accepted"], summary["quarantined"]) == (count, count, 0)
        again_status, again = _post(port, token, body)
        assert again_status == 200 and again == {**summary, "replayed": True}
    finally:
        _kill(server)
    assert Dossier.objects.count() == count
    assert Batch.objects.get().accepted == count


def _safe_post(port: int, token: str, body: bytes) -> Any:
    try:
        return _post(port, token, body)
    except (OSError, ValueError):
        return None  # the connection died with the server


# --- concurrent workers -----------------------------------------------------------------------

T0 = datetime(2025, 7, 10, tzinfo=UTC)


def _versions(seed: int, codes: range) -> list[dict[str, Any]]:
    """Records whose updated_at and rating vary with the seed (so batches disagree)."""
    records = []
    for i in codes:
        hours = (i * 7 + seed * 13) % 24
        records.append(
            make_record(
                f"W{i:05d}",
                updated_at=(T0 + timedelta(hours=hours)).isoformat(),
                rating=1 + (i + seed) % 5,
            )
        )
    return records


def _expected(batches: list[list[dict[str, Any]]]) -> dict[str, tuple[datetime, int]]:
    """One worker's outcome: per code, the newest version (the first seen among equals)."""
    best: dict[str, dict[str, Any]] = {}
    for records in batches:
        for record in records:
            held = best.get(record["code"])
            if held is None or record["updated_at"] > held["updated_at"]:
                best[record["code"]] = record
    return {
        code: (datetime.fromisoformat(r["updated_at"]), r["rating"]) for code, r in best.items()
    }


def test_concurrent_workers_end_as_one_worker(reference_data: None) -> None:
    source, _token = make_source("PT-MOTCUA", "UBND-T25")
    # Four overlapping batches; the rating follows updated_at, so equal versions agree.
    batches = [
        _versions(1, range(0, 600)),
        _versions(1, range(300, 900)),
        _versions(2, range(0, 900, 2)),
        _versions(3, range(150, 750)),
    ]
    for batch in batches:
        for record in batch:
            record["rating"] = 1 + int(record["updated_at"][11:13]) % 5
    errors: list[BaseException] = []

    def worker(index: int, records: list[dict[str, Any]]) -> None:
        try:
            mine = SourceSystem.objects.get(pk=source.pk)
            items = [(i, f"records[{i}]", r, None) for i, r in enumerate(records)]
            actions.receive_batch(acting_user=None, source=mine, batch_id=f"w-{index}", items=items)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=worker, args=(index, records))
        for index, records in enumerate(batches)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not errors, errors
    expected = _expected(batches)
    rows = {
        code: (updated_at, rating)
        for code, updated_at, rating in Dossier.objects.values_list("code", "updated_at", "rating")
    }
    assert rows == expected
    summaries = list(Batch.objects.values_list("accepted", "updated", "unchanged", "stale"))
    assert sum(s[0] for s in summaries) == len(expected) == Dossier.objects.count()
    assert sum(sum(s) for s in summaries) == sum(len(b) for b in batches)
    # A resend of every batch by another worker changes nothing.
    before = sorted(Dossier.objects.values_list("code", "updated_at", "rating", "arrived_at"))
    for index, records in enumerate(batches):
        worker(index, records)
    assert not errors
    assert (
        sorted(Dossier.objects.values_list("code", "updated_at", "rating", "arrived_at")) == before
    )
