"""Signed checkpoints: what they cover, how they are signed, and where the key comes from."""

from __future__ import annotations

import io
import json
import stat
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import transaction

from dxgov.audit import ledger, merkle, signing
from dxgov.audit.actions import CheckpointRefused, create_checkpoint
from dxgov.audit.models import AuditEvent, ChainHead, Checkpoint, EventType
from dxgov.audit.record import record


def append(n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        with transaction.atomic():
            record(
                event_type=EventType.AGENCY_UPDATED,
                acting_user=None,
                target_type="test",
                target_id=str(i),
                data={"n": i, "text": "Điện Biên"},
            )


@pytest.mark.django_db
def test_checkpoint_covers_every_event_including_its_own(admin_user: Any) -> None:
    append(4)
    checkpoint = create_checkpoint(acting_user=admin_user)
    assert checkpoint is not None
    last = AuditEvent.objects.order_by("-seq").first()
    assert last is not None and last.event_type == EventType.CHECKPOINT_CREATED
    assert last.actor_id == admin_user.pk
    assert (checkpoint.seq_from, checkpoint.seq_to) == (1, last.seq)
    assert checkpoint.tree_size == last.seq and checkpoint.chain_hash == last.hash
    hashes = list(AuditEvent.objects.order_by("seq").values_list("hash", flat=True))
    assert checkpoint.root == merkle.root_of_event_hashes(hashes)
    key = signing.load_private_key().public_key()
    assert checkpoint.key_id == signing.key_id(key)
    assert signing.signature_valid(key, checkpoint.body(), checkpoint.signature)
    forged = {**checkpoint.body(), "root": "0" * 64}
    assert not signing.signature_valid(key, forged, checkpoint.signature)


@pytest.mark.django_db
def test_second_checkpoint_starts_where_the_first_ended() -> None:
    append(2)
    first = create_checkpoint(acting_user=None)
    assert first is not None
    assert create_checkpoint(acting_user=None) is None  # nothing new: no-op
    append(3)
    second = create_checkpoint(acting_user=None)
    assert second is not None
    assert second.seq_from == first.seq_to + 1
    assert second.tree_size == 4  # three events and the checkpoint's own
    assert Checkpoint.objects.count() == 2
    assert ledger.verify_ledger().ok


@pytest.mark.django_db
def test_no_events_no_checkpoint() -> None:
    AuditEvent.objects.all().delete()
    ChainHead.objects.all().delete()
    assert create_checkpoint(acting_user=None) is None


@pytest.mark.django_db
def test_a_broken_chain_is_not_signed() -> None:
    append(3)
    AuditEvent.objects.filter(target_type="test", target_id="1").update(reason="forged")
    with pytest.raises(CheckpointRefused):
        create_checkpoint(acting_user=None)
    assert Checkpoint.objects.count() == 0


@pytest.mark.django_db
def test_commands_checkpoint_and_export(tmp_path: Path) -> None:
    append(2)
    out = io.StringIO()
    call_command("audit", "checkpoint", stdout=out)
    assert out.getvalue().startswith("checkpoint 1-")
    out = io.StringIO()
    call_command("audit", "checkpoint", stdout=out)
    assert "no new events" in out.getvalue()
    target = tmp_path / "checkpoints.json"
    call_command("audit", "export-checkpoints", str(target), stdout=io.StringIO())
    exported = json.loads(target.read_text(encoding="utf-8"))
    checkpoint = Checkpoint.objects.get()
    assert exported == [
        {
            "body": checkpoint.body(),
            "signature": checkpoint.signature,
            "key_id": checkpoint.key_id,
            "public_key": signing.public_pem(signing.load_private_key().public_key()),
        }
    ]
    public = signing.load_public_pem(exported[0]["public_key"])
    assert signing.signature_valid(public, exported[0]["body"], exported[0]["signature"])


def test_default_key_is_created_once_owner_only(settings: Any, tmp_path: Path) -> None:
    settings.DXGOV_AUDIT_KEY_FILE = ""
    settings.VAR_DIR = tmp_path
    first = signing.load_private_key()
    path = tmp_path / signing.DEFAULT_KEY_NAME
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = signing.load_private_key()
    assert signing.key_id(first.public_key()) == signing.key_id(again.public_key())


def test_named_key_file_must_exist_and_be_ed25519(settings: Any, tmp_path: Path) -> None:
    settings.DXGOV_AUDIT_KEY_FILE = str(tmp_path / "missing.pem")
    with pytest.raises(ImproperlyConfigured, match="DXGOV_AUDIT_KEY_FILE"):
        signing.load_private_key()
    bad = tmp_path / "bad.pem"
    bad.write_text("not a key")
    settings.DXGOV_AUDIT_KEY_FILE = str(bad)
    with pytest.raises(ImproperlyConfigured, match="cannot be read"):
        signing.load_private_key()
