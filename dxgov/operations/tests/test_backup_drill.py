"""Recovery drill on the real database (SQLite file or PostgreSQL test database).

Data made through the actions → `dxgov backup` → the database and uploaded files destroyed →
`dxgov restore` → `audit verify` passes against the backed-up checkpoints, every row count
matches and the evidence file is back byte for byte. A backup altered by one byte is refused
before anything is touched.
"""

from __future__ import annotations

import io
import json
import secrets
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections, transaction

from dxgov.accounts.models import User
from dxgov.audit.actions import create_checkpoint
from dxgov.audit.models import AuditEvent, Checkpoint, EventType
from dxgov.audit.record import record
from dxgov.directives import actions
from dxgov.directives.models import Attachment, DirectiveKind, ProgressReport, Task
from dxgov.operations import backup
from dxgov.orgunits.models import Agency

ISSUED = date(2025, 7, 1)
EVIDENCE = b"%PDF-1.4\n" + secrets.token_bytes(4096) + b"\n%%EOF\n"


@pytest.fixture
def drill_settings(settings: Any, tmp_path: Path) -> Path:
    """A throwaway signing key and uploads directory; returns the directory for backups."""
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
    return tmp_path


def _make_data() -> Attachment:
    coordinator = User.objects.get(username="vpcp.dieuphoi")
    officer = User.objects.select_related("agency").get(username="phutho.canbo")
    directive = actions.create_directive(
        acting_user=coordinator,
        kind=DirectiveKind.NGHI_QUYET,
        number="01/NQ-DIENTAP",
        issued_on=ISSUED,
        issuing_agency=Agency.objects.get(code="CP"),
        title="Diễn tập khôi phục dữ liệu",
    )
    tasks = [
        actions.create_task(
            acting_user=coordinator,
            directive=directive,
            content=f"Nhiệm vụ diễn tập số {n}",
            lead_agency=officer.agency,
            deadline=date(2025, 12, 31),
            today=date(2025, 7, 2),
        )
        for n in range(3)
    ]
    report = actions.report_progress_with_evidence(
        acting_user=officer,
        task=tasks[0],
        percent=40,
        narrative="Đã kết nối hai hệ thống",
        uploads=[actions.Upload(name="bien-ban.pdf", data=EVIDENCE)],
    )
    assert create_checkpoint(acting_user=None) is not None
    attachment = report.attachments.get()
    return attachment


def _destroy_database() -> None:
    if connection.vendor == "sqlite":
        # Every table dropped in place: deleting the file instead would leave the live test
        # server, started earlier in the session, holding the old file open.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA foreign_keys = OFF")
            tables = [
                row[0]
                for row in cursor.execute(
                    "SELECT name FROM sqlite_master "
                    "WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                ).fetchall()
            ]
            for table in tables:
                cursor.execute(f'DROP TABLE "{table}"')
            cursor.execute("PRAGMA foreign_keys = ON")
    else:
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE")
            cursor.execute("CREATE SCHEMA public")
    connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_backup_destroy_restore_drill(reference_data: None, drill_settings: Path) -> None:
    attachment = _make_data()
    stored = Path(attachment.file.path)
    assert stored.read_bytes() == EVIDENCE
    before, migrations = backup.current_state()
    events = AuditEvent.objects.count()

    out = io.StringIO()
    call_command("backup", str(drill_settings / "backup"), stdout=out)
    assert "3 tasks" in out.getvalue() or f"{before['directives.Task']} tasks" in out.getvalue()
    manifest = json.loads((drill_settings / "backup" / "manifest.json").read_text())
    assert manifest["vendor"] == connection.vendor
    assert manifest["migrations"] == migrations and "directives" in migrations
    # The backup signed a checkpoint over nothing new: the one made above covers everything.
    assert manifest["counts"] == before and before["directives.Task"] == 3
    assert manifest["media_files"] == 1 and manifest["checkpoints"] == 1
    assert set(manifest["files"]) == {manifest["database_file"], "media.tar", "checkpoints.json"}

    _destroy_database()
    shutil.rmtree(drill_settings / "media")
    assert not stored.exists()
    assert backup.has_data() is False

    out = io.StringIO()
    call_command("restore", str(drill_settings / "backup"), stdout=out)
    text = out.getvalue()
    assert "restore complete" in text, text
    assert f"audit verify ok: {events} events, 1 checkpoints" in text

    assert backup.current_state() == (before, migrations)
    assert stored.read_bytes() == EVIDENCE
    restored = Attachment.objects.get(pk=attachment.pk)
    assert restored.sha256 == attachment.sha256 and restored.file.read() == EVIDENCE
    assert ProgressReport.objects.get().percent == 40
    assert Task.objects.filter(content__startswith="Nhiệm vụ diễn tập").count() == 3
    out = io.StringIO()
    call_command(
        "audit",
        "verify",
        "--checkpoints",
        str(drill_settings / "backup" / "checkpoints.json"),
        stdout=out,
    )
    assert out.getvalue().startswith(f"ok: {events} events, 1 checkpoints verified")
    # The restored database takes new writes: the chain continues from the restored head.
    assert create_checkpoint(acting_user=None) is None
    User.objects.get(username="phutho.canbo")


def _event(n: int) -> None:
    # Data without the reference tables, so this test needs no reload after the flush.
    with transaction.atomic():
        record(
            event_type=EventType.ORGUNITS_LOADED,
            acting_user=None,
            target_type="test.drill",
            target_id=str(n),
        )


@pytest.mark.django_db(transaction=True)
def test_a_backup_altered_by_one_byte_is_refused_before_anything_is_touched(
    drill_settings: Path,
) -> None:
    _event(1)
    events = AuditEvent.objects.count()
    checkpoints = Checkpoint.objects.count()
    directory = drill_settings / "backup"
    call_command("backup", str(directory), stdout=io.StringIO())
    manifest = json.loads((directory / "manifest.json").read_text())
    # The backup signed a checkpoint first: one more event, one more checkpoint.
    assert manifest["counts"]["audit.AuditEvent"] == events + 1
    # A change after the backup: a restore that went ahead would undo it.
    _event(2)
    state = backup.current_state()
    assert state[0]["audit.AuditEvent"] == events + 2

    database_file = directory / manifest["database_file"]
    data = bytearray(database_file.read_bytes())
    data[len(data) // 2] ^= 0x01
    database_file.write_bytes(bytes(data))
    for force in ([], ["--force"]):
        with pytest.raises(CommandError) as refused:
            call_command("restore", str(directory), *force, stdout=io.StringIO())
        message = str(refused.value)
        assert "nothing changed" in message
        assert manifest["database_file"] in message and "SHA-256" in message
        assert backup.current_state() == state

    # With the byte put back, a missing file is named too, and data in the way needs --force.
    data[len(data) // 2] ^= 0x01
    database_file.write_bytes(bytes(data))
    (directory / "media.tar").rename(directory / "media.tar.moved")
    with pytest.raises(CommandError, match=r"media\.tar is missing"):
        call_command("restore", str(directory), stdout=io.StringIO())
    (directory / "media.tar.moved").rename(directory / "media.tar")
    with pytest.raises(CommandError, match="already holds data"):
        call_command("restore", str(directory), stdout=io.StringIO())
    assert backup.current_state() == state
    # Forced, the untampered backup goes back to its moment: the later event is gone.
    out = io.StringIO()
    call_command("restore", str(directory), "--force", stdout=out)
    assert "restore complete" in out.getvalue()
    assert AuditEvent.objects.count() == events + 1
    assert Checkpoint.objects.count() == checkpoints + 1

    # A damaged ledger is still backed up (no checkpoint over it), and its restore says so.
    _event(3)
    AuditEvent.objects.filter(target_type="test.drill", target_id="3").update(reason="sửa lén")
    damaged = drill_settings / "damaged"
    err = io.StringIO()
    call_command("backup", str(damaged), stdout=io.StringIO(), stderr=err)
    assert "no new checkpoint was signed" in err.getvalue()
    assert json.loads((damaged / "manifest.json").read_text())["checkpoint_refused"]
    out = io.StringIO()
    with pytest.raises(CommandError, match="the restored data differs") as failed:
        call_command("restore", str(damaged), "--force", stdout=out)
    assert failed.value.returncode == 1
    assert "audit: " in out.getvalue() and "restore complete" not in out.getvalue()
    assert AuditEvent.objects.get(target_type="test.drill", target_id="3").reason == "sửa lén"
