"""Tampering done straight in the database, as an insider would, and what verify reports.

Every change goes through raw SQL, bypassing the ORM and the actions, and verify must name
the event sequence number that was altered, deleted, inserted or reordered.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from dxgov.audit import ledger
from dxgov.audit.actions import create_checkpoint
from dxgov.audit.chain import event_hash
from dxgov.audit.models import AuditEvent, Checkpoint
from dxgov.audit.record import event_as_dict
from dxgov.audit.tests.test_checkpoints import append

pytestmark = pytest.mark.django_db


def verify(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("audit", "verify", *args, stdout=out, stderr=io.StringIO())
    except CommandError as exc:
        return exc.returncode, out.getvalue()
    return 0, out.getvalue()


def seq_of(n: int) -> int:
    return AuditEvent.objects.get(target_type="test", target_id=str(n)).seq


def findings(kinds: tuple[str, ...] = ("altered", "deleted", "inserted", "reordered")) -> set:
    return {(p.seq, p.kind) for p in ledger.verify_ledger().problems if p.kind in kinds}


def sql(statement: str, params: list | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])


@pytest.fixture
def ledger_with_checkpoint() -> Checkpoint:
    append(6)
    checkpoint = create_checkpoint(acting_user=None)
    assert checkpoint is not None
    append(3, start=100)  # and some events not yet checkpointed
    return checkpoint


def test_untouched_ledger_verifies(ledger_with_checkpoint: Checkpoint) -> None:
    code, out = verify()
    assert code == 0
    assert out.strip() == f"ok: {AuditEvent.objects.count()} events, 1 checkpoints verified"


def test_updated_data_column(ledger_with_checkpoint: Checkpoint) -> None:
    seq = seq_of(2)
    sql("UPDATE audit_auditevent SET data = %s WHERE seq = %s", ['{"n": 99}', seq])
    assert findings() == {(seq, "altered")}
    code, out = verify()
    assert code == 1
    assert f"event {seq}: altered" in out
    assert "checkpoint_mismatch" in out  # the signed root no longer matches either


def test_updated_after_the_checkpoint(ledger_with_checkpoint: Checkpoint) -> None:
    seq = seq_of(101)
    sql("UPDATE audit_auditevent SET reason = %s WHERE seq = %s", ["backdated", seq])
    code, out = verify()
    assert code == 1 and f"event {seq}: altered" in out and "checkpoint" not in out


def test_altered_and_re_hashed(ledger_with_checkpoint: Checkpoint) -> None:
    event = AuditEvent.objects.get(seq=seq_of(3))
    fields = {**event_as_dict(event), "reason": "rewritten"}
    sql(
        "UPDATE audit_auditevent SET reason = %s, hash = %s WHERE seq = %s",
        ["rewritten", event_hash(fields), event.seq],
    )
    assert findings() == {(event.seq, "altered")}


def test_deleted_row(ledger_with_checkpoint: Checkpoint) -> None:
    seq = seq_of(4)
    sql("DELETE FROM audit_auditevent WHERE seq = %s", [seq])
    assert findings() == {(seq, "deleted")}
    code, out = verify()
    assert code == 1 and f"event {seq}: deleted" in out


def test_deleted_tail(ledger_with_checkpoint: Checkpoint) -> None:
    last = seq_of(102)
    sql("DELETE FROM audit_auditevent WHERE seq >= %s", [last - 1])
    assert findings() == {(last - 1, "deleted"), (last, "deleted")}


def test_inserted_forged_row(ledger_with_checkpoint: Checkpoint) -> None:
    """A careful forger: the row's hash and link are right; only the head gives it away."""
    last = AuditEvent.objects.order_by("-seq").first()
    assert last is not None
    forged = {**event_as_dict(last), "seq": last.seq + 1, "prev_hash": last.hash}
    forged["reason"] = "approved long ago"
    digest = event_hash(forged)
    sql(
        "INSERT INTO audit_auditevent (seq, occurred_at, actor_id, actor_label, event_type,"
        " target_type, target_id, agency_id, data, reason, prev_hash, hash)"
        " SELECT %s, occurred_at, actor_id, actor_label, event_type, target_type, target_id,"
        " agency_id, data, %s, %s, %s FROM audit_auditevent WHERE seq = %s",
        [last.seq + 1, "approved long ago", last.hash, digest, last.seq],
    )
    assert findings() == {(last.seq + 1, "inserted")}
    code, out = verify()
    assert code == 1 and f"event {last.seq + 1}: inserted" in out


def test_swapped_sequence_numbers(ledger_with_checkpoint: Checkpoint) -> None:
    a, b = seq_of(1), seq_of(5)
    sql("UPDATE audit_auditevent SET seq = %s WHERE seq = %s", [-1, a])
    sql("UPDATE audit_auditevent SET seq = %s WHERE seq = %s", [a, b])
    sql("UPDATE audit_auditevent SET seq = %s WHERE seq = %s", [b, -1])
    assert findings() == {(a, "reordered"), (b, "reordered")}
    code, out = verify()
    assert code == 1 and f"event {a}: reordered" in out and f"event {b}: reordered" in out


def test_checkpoint_row_deleted_or_forged(ledger_with_checkpoint: Checkpoint) -> None:
    sql("UPDATE audit_checkpoint SET root = %s", ["0" * 64])
    code, out = verify()
    assert code == 1 and "checkpoint_signature" in out
    sql("DELETE FROM audit_checkpoint")
    code, out = verify()
    assert code == 1 and "checkpoint_missing" in out


def test_truncate_and_replay_is_caught_by_an_earlier_export(
    ledger_with_checkpoint: Checkpoint, tmp_path: Path
) -> None:
    export = tmp_path / "kept-by-the-inspectorate.json"
    call_command("audit", "export-checkpoints", str(export), stdout=io.StringIO())
    assert verify("--checkpoints", str(export))[0] == 0

    # Roll back to just before the test events, then replay a shorter, different history
    # through the ordinary code path: the database on its own is consistent again.
    keep = seq_of(0) - 1
    kept = AuditEvent.objects.get(seq=keep)
    sql("DELETE FROM audit_checkpoint")
    sql("DELETE FROM audit_auditevent WHERE seq > %s", [keep])
    sql("UPDATE audit_chainhead SET seq = %s, hash = %s", [keep, kept.hash])
    append(2, start=500)
    assert create_checkpoint(acting_user=None) is not None
    assert verify()[0] == 0

    code, out = verify("--checkpoints", str(export))
    assert code == 1
    first = json.loads(export.read_text())[0]["body"]
    assert f"checkpoint {first['seq_from']}-{first['seq_to']}: rollback" in out


def test_truncated_database_against_export(
    ledger_with_checkpoint: Checkpoint, tmp_path: Path
) -> None:
    export = tmp_path / "export.json"
    call_command("audit", "export-checkpoints", str(export), stdout=io.StringIO())
    sql("DELETE FROM audit_checkpoint")
    sql("DELETE FROM audit_auditevent WHERE seq > %s", [seq_of(0)])
    sql(
        "UPDATE audit_chainhead SET seq = %s, hash = %s",
        [seq_of(0), AuditEvent.objects.get(seq=seq_of(0)).hash],
    )
    code, out = verify("--checkpoints", str(export))
    assert code == 1 and "rollback" in out and "truncated" in out


def test_unreadable_export_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    with pytest.raises(CommandError, match="not an exported checkpoint list"):
        call_command("audit", "verify", "--checkpoints", str(bad), stdout=io.StringIO())
