"""The audit benchmark's synthetic ledger is one `audit verify` accepts: its rows are written
column by column from audit.chain's field list, on SQLite (INSERT) and PostgreSQL (COPY)."""

from __future__ import annotations

import pytest

from dxgov.audit import ledger, signing
from dxgov.audit.models import AuditEvent, ChainHead, Checkpoint
from dxgov.audit.record import event_as_dict
from dxgov.bench import audit_verify


@pytest.mark.django_db
def test_the_filled_ledger_verifies() -> None:
    for model in (AuditEvent, Checkpoint, ChainHead):
        model.objects.all().delete()
    lines: list[str] = []
    checkpoints = audit_verify.fill(25, 10, signing.load_private_key(), lines.append)
    assert checkpoints == 2
    report = ledger.verify_ledger(chunk_size=7)
    assert report.ok and report.events == 25 and report.checkpoints == 2
    stored = event_as_dict(AuditEvent.objects.get(seq=3))
    assert stored["actor_label"] == audit_verify.ACTOR and stored["actor_id"] is None
    assert stored["data"] == {
        "narrative": "Báo cáo tiến độ lần 3: đã hoàn thành các hạng mục",
        "percent": {"new": 4, "old": 3},
    }


@pytest.mark.django_db
def test_a_kept_ledger_is_reused_only_at_its_own_size() -> None:
    for model in (AuditEvent, Checkpoint, ChainHead):
        model.objects.all().delete()
    assert audit_verify._kept(25) is None
    audit_verify.fill(25, 10, signing.load_private_key(), [].append)
    assert audit_verify._kept(25) == 2
    assert audit_verify._kept(26) is None
