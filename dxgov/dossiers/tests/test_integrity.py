"""Dossiers' references without database constraints (ADR 17): Django still refuses to delete
what they refer to, and `dxgov dossiers check` finds any reference broken behind its back."""

from __future__ import annotations

import io

import msgspec
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import ProtectedError

from dxgov.dossiers import actions, integrity, schema
from dxgov.dossiers.models import Batch, Dossier, QuarantinedRecord, SourceSystem
from dxgov.dossiers.tests.conftest import make_record

pytestmark = pytest.mark.django_db


def _send(source: SourceSystem, batch_id: str, records: list[object]) -> Batch:
    outcome = actions.receive_batch(
        acting_user=source.user,
        source=source,
        batch_id=batch_id,
        items=[(i, f"records[{i}]", r, None) for i, r in enumerate(records)],
    )
    return outcome.batch


def test_ingested_dossiers_refer_to_rows_that_exist(
    phutho_source: tuple[SourceSystem, str],
) -> None:
    source, _token = phutho_source
    _send(source, "b1", [make_record(f"I{i}") for i in range(3)])
    assert integrity.orphans() == {"source": 0, "agency": 0, "batch": 0}
    out = io.StringIO()
    call_command("dossiers", "check", stdout=out)
    assert "every dossier's source, agency and batch exist" in out.getvalue()


def test_django_still_refuses_to_delete_what_dossiers_refer_to(
    phutho_source: tuple[SourceSystem, str],
) -> None:
    source, _token = phutho_source
    batch = _send(source, "b1", [make_record("I1")])
    dossier = Dossier.objects.get()
    with pytest.raises(ProtectedError):
        batch.delete()
    with pytest.raises(ProtectedError):
        dossier.agency.delete()
    assert Batch.objects.filter(pk=batch.pk).exists()


def test_the_check_names_a_reference_broken_behind_the_platforms_back(
    phutho_source: tuple[SourceSystem, str],
) -> None:
    source, _token = phutho_source
    _send(source, "b1", [make_record("I1"), make_record("I2")])
    with connection.cursor() as cursor:
        cursor.execute("UPDATE dossiers_dossier SET batch_id = 987654321 WHERE code = 'I2'")
    assert integrity.orphans() == {"source": 0, "agency": 0, "batch": 1}
    out = io.StringIO()
    with pytest.raises(CommandError, match="refer to rows that do not exist"):
        call_command("dossiers", "check", stdout=out)
    assert "dossiers with no such batch: 1" in out.getvalue()


def test_a_nul_escape_leaves_the_fast_path_and_is_refused_with_its_path(
    phutho_source: tuple[SourceSystem, str],
) -> None:
    raw = msgspec.Raw(b'{"code": "N\\u00001"}')
    assert schema.decode_fast(raw) is None
    assert schema.decode_fast('{"code": "N\\u00001"}') is None
    source, _token = phutho_source
    good = make_record("N0")
    bad = make_record("N1", result_code="KQ\x00")
    text = [msgspec.json.encode(good), msgspec.json.encode(bad)]
    assert b"\\u0000" in text[1]
    batch = _send(source, "b1", [msgspec.Raw(t) for t in text])
    assert (batch.accepted, batch.quarantined) == (1, 1)
    errors = QuarantinedRecord.objects.get().errors
    assert any(e.startswith("records[1].result_code") for e in errors), errors
