"""Dossiers against the ledger (`dxgov audit verify --state`): a batch's event covers the rows it
wrote; a row edited, inserted, deleted, moved or re-stamped behind the ledger's back shows."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection, transaction

from dxgov.accounts.models import User
from dxgov.audit import live, state
from dxgov.audit.actions import record_baseline
from dxgov.audit.models import AuditEvent, EventType
from dxgov.audit.record import audit_disabled, record
from dxgov.dossiers.audit_state import DOSSIERS, STATE_COLUMN
from dxgov.dossiers.models import Batch, Dossier, SourceSystem
from dxgov.dossiers.tests.conftest import bearer, make_record
from dxgov.testing.clients import client_for

pytestmark = pytest.mark.django_db
URL = "/api/v1/dossiers/batches"
Source = tuple[SourceSystem, str]


def send(token: str, batch_id: str, records: list[Any]) -> Any:
    body = {"schema": "dxgov.dossier/1", "batch_id": batch_id, "records": records}
    response = bearer(token).post(URL, json.dumps(body), content_type="application/json")
    assert response.status_code == 201, response.content
    return response.json()


def sql(statement: str, params: list[Any] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])


def findings() -> set[tuple[str, str, str]]:
    report = live.verify_state(chunk_size=2)
    return {(f.kind, f.target_type, f.target_id) for f in report.findings}


@pytest.fixture
def batches(phutho_source: Source) -> dict[str, Any]:
    """b-1 writes H1…H3; b-2 replaces H1 and adds H4; b-3 sends H2 again and an older H3."""
    source, token = phutho_source
    first = send(token, "b-1", [make_record(f"H{n}") for n in (1, 2, 3)])
    newer = make_record("H1", updated_at="2025-07-09T10:00:00+07:00", rating=4)
    second = send(token, "b-2", [newer, make_record("H4")])
    stale = make_record("H3", updated_at="2025-07-01T09:00:00+07:00")
    third = send(token, "b-3", [make_record("H2"), stale])
    assert (third["unchanged"], third["stale"]) == (1, 1)
    return {"source": source, "b1": first["id"], "b2": second["id"], "b3": third["id"]}


def key(batches: dict[str, Any], code: str) -> str:
    return f"{batches['source'].pk}/{code}"


def test_batches_cover_every_row_they_wrote_and_replaced(batches: dict[str, Any]) -> None:
    report = live.verify_state(chunk_size=2)
    assert report.ok, report.findings
    assert report.by_model["dossiers.dossier"] == 4
    event = AuditEvent.objects.get(target_type="dossiers.batch", target_id=str(batches["b2"]))
    recorded = event.data["state"]
    assert (recorded["rows"], recorded["removed_rows"], recorded["from"]) == (2, 1, [batches["b1"]])
    h1 = Dossier.objects.get(code="H1")
    assert h1.batch_id == batches["b2"]
    values = Dossier.objects.filter(pk=h1.pk).values_list(*DOSSIERS.fields).get()
    assert h1.audit_state is not None
    assert bytes(h1.audit_state) == state.digest(DOSSIERS, values)
    stamps = Dossier.objects.filter(batch_id=batches["b2"]).values_list(STATE_COLUMN, flat=True)
    written = state.sum_of(bytes(d) for d in stamps if d is not None)
    assert recorded["sum"] == state.sum_hex(written)
    nothing = AuditEvent.objects.get(target_type="dossiers.batch", target_id=str(batches["b3"]))
    assert nothing.data["state"]["rows"] == 0


def test_an_edited_dossier_is_named(batches: dict[str, Any]) -> None:
    sql("UPDATE dossiers_dossier SET late_by_supplements = %s WHERE code = 'H2'", [True])
    sql("UPDATE dossiers_dossier SET fees = %s WHERE code = 'H4'", ['[{"name": "x", "amount": 1}]'])
    assert findings() == {
        ("changed", "dossiers.dossier", key(batches, "H2")),
        ("changed", "dossiers.dossier", key(batches, "H4")),
    }


def test_the_audit_page_names_the_dossier_and_the_batch(
    batches: dict[str, Any], admin_user: User
) -> None:
    sql("UPDATE dossiers_dossier SET rating = 1 WHERE code = 'H2'")
    sql("DELETE FROM dossiers_dossier WHERE code = 'H4'")
    html = client_for(admin_user).get("/audit/").content.decode()
    assert f"Hồ sơ {key(batches, 'H2')} đã bị sửa ngoài nền tảng" in html
    assert f"Các lô hồ sơ {batches['b1']}, {batches['b2']} không còn đúng" in html


def test_a_dossier_moved_to_another_batch_is_named(batches: dict[str, Any]) -> None:
    sql("UPDATE dossiers_dossier SET batch_id = %s WHERE code = 'H2'", [batches["b2"]])
    assert ("changed", "dossiers.dossier", key(batches, "H2")) in findings()


def _restamp(code: str) -> None:
    """What a careful forger does after editing a row: its digest recomputed to match."""
    values = Dossier.objects.filter(code=code).values_list(*DOSSIERS.fields).get()
    sql(
        f"UPDATE dossiers_dossier SET {STATE_COLUMN} = %s WHERE code = %s",  # noqa: S608
        [state.digest(DOSSIERS, values), code],
    )


def test_an_edited_and_restamped_dossier_shows_in_its_batch(batches: dict[str, Any]) -> None:
    sql("UPDATE dossiers_dossier SET fee_total = 0, status = 'cancelled' WHERE code = 'H3'")
    _restamp("H3")
    (finding,) = live.verify_state(chunk_size=2).findings
    assert (finding.kind, finding.target_type) == ("group_changed", "dossiers.batch")
    # b-1 and b-2 are compared together: b-2 replaced one of b-1's rows.
    assert finding.target_id == f"{batches['b1']}, {batches['b2']}"
    assert "4 rows, but their recorded digests differ" in finding.detail


def test_a_deleted_dossier_shows_in_its_batch(batches: dict[str, Any]) -> None:
    sql("DELETE FROM dossiers_dossier WHERE code = 'H3'")
    (finding,) = live.verify_state(chunk_size=2).findings
    assert (finding.kind, finding.target_id) == (
        "group_changed",
        f"{batches['b1']}, {batches['b2']}",
    )
    assert finding.detail.startswith("3 rows now, 4 as the ledger recorded them")


def _copy(code: str, new_code: str, batch_id: Any) -> None:
    columns = ", ".join(f for f in ("id", *DOSSIERS.fields, STATE_COLUMN) if f != "id")
    select = columns.replace("code,", "%s,", 1).replace("batch_id", "%s", 1)
    sql(
        f"INSERT INTO dossiers_dossier ({columns}) SELECT {select} "  # noqa: S608
        "FROM dossiers_dossier WHERE code = %s",
        [new_code, batch_id, code],
    )


def test_inserted_dossiers_are_found(batches: dict[str, Any]) -> None:
    # One naming a batch that no event records: named; one slipped into a real batch with its
    # digest made right: its batch no longer adds up.
    _copy("H4", "H5", 999_999)
    _copy("H4", "H6", batches["b3"])
    _restamp("H6")
    assert findings() == {
        ("inserted", "dossiers.dossier", key(batches, "H5")),
        ("group_changed", "dossiers.batch", str(batches["b3"])),
    }


def test_dossiers_written_before_states_need_the_baseline(phutho_source: Source) -> None:
    source, token = phutho_source
    send(token, "b-1", [make_record("H1")])
    # As an older version left them: a batch event without a state, rows without a digest.
    with transaction.atomic():
        old = Batch.objects.create(source=source, batch_id="old")
        record(
            event_type=EventType.DOSSIER_BATCH_RECEIVED,
            acting_user=None,
            target=old,
            data={"source": source.code, "accepted": 2},
        )
    _copy("H1", "O1", old.pk)
    _copy("H1", "O2", old.pk)
    sql(f"UPDATE dossiers_dossier SET {STATE_COLUMN} = NULL WHERE batch_id = %s", [old.pk])  # noqa: S608
    with audit_disabled(), transaction.atomic():
        quiet = Batch.objects.create(source=source, batch_id="quiet")
    _copy("H1", "Q1", quiet.pk)
    assert findings() == {
        ("unrecorded", "dossiers.batch", str(old.pk)),
        ("inserted", "dossiers.dossier", f"{source.pk}/Q1"),
    }
    assert record_baseline(acting_user=None)["dossiers.dossier"] == 3
    assert live.verify_state(chunk_size=2).ok
    # A newer version of a baselined row is then covered like any other.
    send(token, "b-2", [make_record("O1", updated_at="2025-08-01T00:00:00+07:00")])
    assert live.verify_state(chunk_size=2).ok
    sql("DELETE FROM dossiers_dossier WHERE code = 'O2'")
    assert {f.kind for f in live.verify_state().findings} == {"group_changed"}
