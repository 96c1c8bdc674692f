"""The recovery and audit benchmark commands run end to end on tiny sizes (figures not judged)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command
from django.db import connection, transaction

from dxgov.audit.models import AuditEvent, ChainHead, EventType
from dxgov.audit.record import record
from dxgov.bench import common as bench


@pytest.fixture
def bench_settings(settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    key = tmp_path / "audit.pem"
    key.write_bytes(
        Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    settings.DXGOV_AUDIT_KEY_FILE = str(key)
    settings.MEDIA_ROOT = str(tmp_path / "media")
    output = tmp_path / "benchmarks.md"
    monkeypatch.setattr(bench, "BENCHMARKS_FILE", output)
    return output


@pytest.mark.django_db
def test_bench_audit_runs_and_leaves_no_synthetic_events(bench_settings: Path) -> None:
    head_before = ChainHead.objects.filter(pk=1).values_list("seq", "hash").first()
    out = io.StringIO()
    call_command("bench", "audit", "--repeat", "3", stdout=out)
    text = bench_settings.read_text()
    assert f"<!-- bench:audit-{connection.vendor}:start -->" in text
    assert "Audited ÷ not audited" in text
    assert "audited" in out.getvalue()
    # The 3 + 3 audited transitions stay (with the directive and task), the 3 + 3 unaudited
    # ones left no event. (Verification at scale: bench audit --verify-events, its own test.)
    assert not AuditEvent.objects.filter(event_type="bench.synthetic").exists()
    progress = AuditEvent.objects.filter(event_type=EventType.TASK_PROGRESS_REPORTED).count()
    assert progress == 6
    head = ChainHead.objects.get(pk=1)
    assert head_before is None or head.seq > head_before[0]
    assert head.seq == AuditEvent.objects.order_by("-seq").values_list("seq", flat=True)[0]


@pytest.mark.django_db(transaction=True)
def test_bench_recovery_runs_on_the_current_database(bench_settings: Path) -> None:
    # Whatever the database holds (reference data or not): one more event to back up.
    with transaction.atomic():
        record(event_type=EventType.ORGUNITS_LOADED, acting_user=None, target_type="test.bench")
    events = AuditEvent.objects.count()
    out = io.StringIO()
    call_command("bench", "recovery", stdout=out)
    text = bench_settings.read_text()
    assert f"<!-- bench:recovery-{connection.vendor}:start -->" in text and "| total |" in text
    # The backup signed a checkpoint first; the restore brought back exactly that.
    assert f"{events + 1} audit events" in text
    assert f"The restore verified {events + 1} audit events" in text
    assert AuditEvent.objects.count() == events + 1


@pytest.mark.django_db
def test_bench_reporting_small_runs_and_writes_its_section(bench_settings: Path) -> None:
    out = io.StringIO()
    call_command("bench", "reporting", "--small", stdout=out)
    text = bench_settings.read_text()
    assert f"<!-- bench:reporting-{connection.vendor}:start -->" in text
    assert "save_values, first save of 12 values" in text
    assert "aggregate.rollup" in text and "720 values" in text
    assert "HTTP POST" in out.getvalue()
