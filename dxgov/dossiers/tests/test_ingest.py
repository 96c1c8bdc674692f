"""Batches over real HTTP: formats, idempotency, never-regress, quarantine, scope, audit, hooks."""

from __future__ import annotations

import csv
import gc
import gzip
import io
import json
from typing import Any

import pytest
from django.db import transaction
from django.test import Client, override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dxgov.accounts.actions import create_token
from dxgov.accounts.models import User
from dxgov.audit.models import AuditEvent, EventType
from dxgov.dossiers import ingest
from dxgov.dossiers.models import Batch, Dossier, QuarantinedRecord, SourceSystem
from dxgov.dossiers.signals import BatchWrite, Hook
from dxgov.dossiers.tests.conftest import bearer, make_record
from dxgov.testing.clients import client_for

URL = "/api/v1/dossiers/batches"
Source = tuple[SourceSystem, str]


def send(token: str, batch_id: str, records: list[Any], **extra: Any) -> Any:
    body = {"schema": "dxgov.dossier/1", "batch_id": batch_id, "records": records}
    return bearer(token).post(URL, json.dumps(body), content_type="application/json", **extra)


def counts(response: Any) -> tuple[int, ...]:
    data = response.json()
    keys = ("total", "accepted", "updated", "unchanged", "stale", "quarantined")
    return tuple(data[k] for k in keys)


def test_a_batch_is_stored_with_its_summary_and_one_audit_event(phutho_source: Source) -> None:
    source, token = phutho_source
    events = AuditEvent.objects.count()
    response = send(token, "b-1", [make_record("H1"), make_record("H2")])
    assert response.status_code == 201, response.content
    assert counts(response) == (2, 2, 0, 0, 0, 0)
    assert response.json()["replayed"] is False
    assert set(Dossier.objects.values_list("code", flat=True)) == {"H1", "H2"}
    event = AuditEvent.objects.get(event_type=EventType.DOSSIER_BATCH_RECEIVED)
    assert AuditEvent.objects.count() == events + 1
    assert event.data["accepted"] == 2 and event.data["batch_id"] == "b-1"
    assert event.agency is not None and event.agency.code == "UBND-T25"
    dossier = Dossier.objects.get(code="H1")
    # The processing figures of the engine are stored: one day of supplement, one request.
    assert dossier.supplement_seconds == 86400 and dossier.supplement_requests == 1
    assert dossier.end_at is not None and dossier.received_month.isoformat() == "2025-07-01"
    assert dossier.has_e_result and dossier.digitised and dossier.uses_population_data
    source.refresh_from_db()
    assert source.last_contact_at is not None


def test_the_same_batch_id_again_changes_nothing(phutho_source: Source) -> None:
    _source, token = phutho_source
    first = send(token, "b-1", [make_record("H1"), make_record("H2", channel=9)])
    events = AuditEvent.objects.count()
    again = send(token, "b-1", [make_record("H1", updated_at="2026-01-01T00:00:00Z")])
    assert again.status_code == 200
    assert again.json() == {**first.json(), "replayed": True}
    assert AuditEvent.objects.count() == events
    assert Batch.objects.count() == 1 and QuarantinedRecord.objects.count() == 1
    assert Dossier.objects.get(code="H1").updated_at.year == 2025


def test_newer_updates_older_is_ignored_same_is_unchanged(phutho_source: Source) -> None:
    _source, token = phutho_source
    send(token, "b-1", [make_record("H1", updated_at="2025-07-08T10:00:00+07:00", rating=3)])
    newer = make_record("H1", updated_at="2025-07-09T10:00:00+07:00", rating=4)
    older = make_record("H2")
    response = send(token, "b-2", [newer, older])
    assert counts(response) == (2, 1, 1, 0, 0, 0)
    stale = make_record("H1", updated_at="2025-07-08T12:00:00+07:00", rating=1)
    same = make_record("H1", updated_at="2025-07-09T10:00:00+07:00", rating=2)
    assert counts(send(token, "b-3", [stale])) == (1, 0, 0, 0, 1, 0)
    assert counts(send(token, "b-4", [same])) == (1, 0, 0, 1, 0, 0)
    dossier = Dossier.objects.get(code="H1")
    assert dossier.rating == 4
    assert dossier.first_seen_at < dossier.arrived_at


def test_duplicates_within_a_batch_keep_the_newest(phutho_source: Source) -> None:
    _source, token = phutho_source
    records = [
        make_record("H1", updated_at="2025-07-09T00:00:00Z", rating=2),
        make_record("H1", updated_at="2025-07-10T00:00:00Z", rating=5),
        make_record("H1", updated_at="2025-07-10T00:00:00Z", rating=5),
        make_record("H1", updated_at="2025-07-08T00:00:00Z", rating=1),
    ]
    assert counts(send(token, "b-1", records)) == (4, 1, 0, 1, 2, 0)
    assert Dossier.objects.get(code="H1").rating == 5


def test_bad_records_go_to_quarantine_and_never_block_good_ones(phutho_source: Source) -> None:
    _source, token = phutho_source
    records = [
        make_record("H1"),
        make_record("H2", fees=[{"name": "Lệ phí", "amount": -1}]),
        "not a record",
        make_record("H3", ho_ten="Nguyễn Văn A", documents=[{"name": "Đơn", "cccd": "0010"}]),
        make_record("H4"),
    ]
    response = send(token, "b-1", records)
    assert counts(response) == (5, 2, 0, 0, 0, 3)
    quarantine = Client(HTTP_AUTHORIZATION=f"Bearer {token}").get(
        f"{URL}/{response.json()['id']}/quarantine?page_size=2"
    )
    page = quarantine.json()
    assert page["count"] == 3 and len(page["items"]) == 2
    assert page["items"][0]["errors"] == ["records[1].fees[0].amount: must be ≥ 0"]
    assert page["items"][1]["errors"] == ["records[2]: must be an object"]
    rest = bearer(token).get(f"{URL}/{response.json()['id']}/quarantine?page=2&page_size=2")
    pii = rest.json()["items"][0]
    assert pii["position"] == 3 and pii["code"] == "H3"
    assert sorted(pii["errors"]) == [
        "records[3].documents[0].cccd: personal data is not accepted (Decree 13/2023)",
        "records[3].ho_ten: personal data is not accepted (Decree 13/2023)",
    ]
    # The values never reach the database.
    stored = json.dumps(list(QuarantinedRecord.objects.values_list("record", flat=True)))
    assert "Nguyễn Văn A" not in stored and "0010" not in stored
    assert pii["record"]["ho_ten"] == "[removed]"
    assert set(Dossier.objects.values_list("code", flat=True)) == {"H1", "H4"}


def test_a_source_may_not_report_for_another_province(
    phutho_source: Source, dienbien_source: Source
) -> None:
    _source, token = phutho_source
    theirs = make_record("H9", agency_code="UBND-T11")
    response = send(token, "b-1", [make_record("H1"), theirs])
    assert counts(response) == (2, 1, 0, 0, 0, 1)
    errors = QuarantinedRecord.objects.get().errors
    assert errors == [
        "records[1].agency_code: UBND-T11 is not an agency source PT-MOTCUA may report for"
    ]
    # Điện Biên's own source may.
    assert counts(send(dienbien_source[1], "b-1", [theirs])) == (1, 1, 0, 0, 0, 0)
    # The same code from two sources is two dossiers.
    assert counts(send(dienbien_source[1], "b-2", [make_record("H1", agency_code="UBND-T11")]))[1]
    assert Dossier.objects.filter(code="H1").count() == 2


def test_only_a_source_token_sends_batches(phutho_source: Source, coordinator: User) -> None:
    _token, raw = create_token(acting_user=coordinator, user=coordinator, name="t")
    response = send(raw, "b-1", [make_record("H1")])
    assert response.status_code == 403 and "hệ thống nguồn" in response.json()["message"]
    session = client_for(coordinator)
    body = json.dumps({"schema": "dxgov.dossier/1", "batch_id": "b", "records": []})
    assert session.post(URL, body, content_type="application/json").status_code == 403
    assert Client().post(URL, body, content_type="application/json").status_code == 401
    assert Batch.objects.count() == 0


def test_source_token_reads_nothing_else(phutho_source: Source) -> None:
    _source, token = phutho_source
    assert bearer(token).get("/api/v1/tasks").json()["count"] == 0
    assert bearer(token).get("/api/v1/agencies/UBND-T25/staff").status_code == 404


def test_ndjson_csv_and_gzip(phutho_source: Source) -> None:
    _source, token = phutho_source
    lines = "\n".join(json.dumps(make_record(f"N{i}")) for i in range(3)) + "\n\n{broken\n"
    response = bearer(token).post(
        f"{URL}?batch_id=nd-1&schema=dxgov.dossier/1",
        lines,
        content_type="application/x-ndjson",
    )
    assert counts(response) == (4, 3, 0, 0, 0, 1)
    assert QuarantinedRecord.objects.get().errors == ["line 5: not valid JSON"]

    out = io.StringIO()
    fields = list(make_record("C1"))
    writer = csv.DictWriter(out, fieldnames=fields)
    writer.writeheader()
    for code in ("C1", "C2"):
        row = make_record(code)
        writer.writerow(
            {
                k: json.dumps(v)
                if isinstance(v, list | dict)
                else str(v).lower()
                if isinstance(v, bool)
                else ("" if v is None else v)
                for k, v in row.items()
            }
        )
    gz = gzip.compress(out.getvalue().encode())
    response = bearer(token).post(
        f"{URL}?batch_id=csv-1&schema=dxgov.dossier/1",
        gz,
        content_type="text/csv",
        HTTP_CONTENT_ENCODING="gzip",
    )
    assert counts(response) == (2, 2, 0, 0, 0, 0), response.content
    assert Dossier.objects.get(code="C2").fees == [{"name": "Lệ phí", "amount": 50000}]
    body = gzip.compress(
        json.dumps(
            {"schema": "dxgov.dossier/1", "batch_id": "gz", "records": [make_record("G")]}
        ).encode()
    )
    response = bearer(token).post(
        URL, body, content_type="application/json", HTTP_CONTENT_ENCODING="gzip"
    )
    assert counts(response) == (1, 1, 0, 0, 0, 0)


@pytest.mark.parametrize(
    ("body", "content_type", "headers", "message"),
    [
        (b"{", "application/json", {}, "not valid JSON"),
        (b"[]", "application/json", {}, "must be an object"),
        (
            b'{"schema": "dxgov.dossier/1", "batch_id": "x", "records": 5}',
            "application/json",
            {},
            '"records" must be a list',
        ),
        (
            b'{"schema": "other/2", "batch_id": "x", "records": []}',
            "application/json",
            {},
            "dxgov.dossier/1",
        ),
        (b'{"schema": "dxgov.dossier/1", "records": []}', "application/json", {}, "batch_id"),
        (b"\xff\xfe", "application/x-ndjson", {}, "UTF-8"),
        (b"not gzip", "application/json", {"HTTP_CONTENT_ENCODING": "gzip"}, "gzip"),
        (b"x", "application/json", {"HTTP_CONTENT_ENCODING": "br"}, "gzip"),
        (b"x", "text/plain", {}, "application/json"),
        (
            gzip.compress(b" " * (1024 * 1024 * 129)),
            "application/json",
            {"HTTP_CONTENT_ENCODING": "gzip"},
            "split it",
        ),
    ],
)
def test_unreadable_bodies_are_a_400_and_keep_nothing(
    phutho_source: Source, body: bytes, content_type: str, headers: dict[str, str], message: str
) -> None:
    _source, token = phutho_source
    response = bearer(token).post(URL, body, content_type=content_type, **headers)  # type: ignore[arg-type]
    assert response.status_code == 400, response.content
    assert message in response.json()["message"]
    assert Batch.objects.count() == 0


def test_batch_summary_scope(
    phutho_source: Source, dienbien_source: Source, phutho_officer: User, dienbien_officer: User
) -> None:
    batch_id = send(phutho_source[1], "b-1", [make_record("H1")]).json()["id"]
    assert client_for(phutho_officer).get(f"{URL}/{batch_id}").status_code == 200
    assert client_for(dienbien_officer).get(f"{URL}/{batch_id}").status_code == 404
    assert bearer(dienbien_source[1]).get(f"{URL}/{batch_id}").status_code == 404
    assert bearer(dienbien_source[1]).get(f"{URL}/{batch_id}/quarantine").status_code == 404
    assert bearer(phutho_source[1]).get(f"{URL}/{batch_id}").json()["accepted"] == 1


def test_hooks_see_the_replaced_versions_before_the_write_and_the_new_ones_after(
    phutho_source: Source, own_hooks_only: Hook
) -> None:
    from dxgov.dossiers.signals import before_write

    seen: list[tuple[str, int, list[int], list[int], list[int | None]]] = []

    def ratings(ids: list[int]) -> list[int | None]:
        by_id = dict(Dossier.objects.filter(pk__in=ids).values_list("pk", "rating"))
        return [by_id[i] for i in ids]

    def before(write: BatchWrite) -> None:
        seen.append(("before", write.batch, list(write.replaced), [], ratings(write.replaced)))
        write.state["mine"] = "kept"

    def after(write: BatchWrite) -> None:
        assert write.state["mine"] == "kept"
        seen.append(("after", write.batch, write.replaced, write.written, ratings(write.written)))

    before_write.connect(before)
    own_hooks_only.connect(after)
    try:
        _source, token = phutho_source
        first = send(token, "b-1", [make_record("H1", rating=3), make_record("H2")]).json()
        second = send(
            token,
            "b-2",
            [make_record("H1", rating=4, updated_at="2025-07-09T00:00:00Z"), make_record("H2")],
        ).json()
    finally:
        before_write.disconnect(before)
    h1, h2 = Dossier.objects.get(code="H1").pk, Dossier.objects.get(code="H2").pk
    assert seen == [
        ("before", first["id"], [], [], []),
        ("after", first["id"], [], [h1, h2], [3, make_record("H2")["rating"]]),
        # H2 is unchanged (same updated_at): in neither list; H1's old version is read before.
        ("before", second["id"], [h1], [], [3]),
        ("after", second["id"], [h1], [h1], [4]),
    ]


def test_a_failing_hook_rolls_the_batch_back(phutho_source: Source, own_hooks_only: Hook) -> None:
    def fail(write: BatchWrite) -> None:
        raise RuntimeError("scoring is down")

    own_hooks_only.connect(fail)
    with pytest.raises(RuntimeError):
        send(phutho_source[1], "b-1", [make_record("H1")])
    assert Batch.objects.count() == 0 and Dossier.objects.count() == 0


BODY_TYPES = ["application/json", "application/x-ndjson", "text/csv", "text/plain"]
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner),
    max_leaves=20,
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    body=st.binary(max_size=300)
    | json_values.map(lambda v: json.dumps(v).encode())
    | st.lists(json_values, max_size=4).map(
        lambda rs: json.dumps(
            {"schema": "dxgov.dossier/1", "batch_id": "fuzz", "records": rs}
        ).encode()
    ),
    content_type=st.sampled_from(BODY_TYPES),
    gzipped=st.booleans(),
)
def test_garbage_bodies_never_fail_the_server(
    phutho_source: Source, body: bytes, content_type: str, gzipped: bool
) -> None:
    _source, token = phutho_source
    headers = {"HTTP_CONTENT_ENCODING": "gzip"} if gzipped else {}
    with transaction.atomic():
        response = bearer(token).post(
            f"{URL}?batch_id=fuzz&schema=dxgov.dossier/1",
            gzip.compress(body) if gzipped else body,
            content_type=content_type,
            **headers,  # type: ignore[arg-type]
        )
        transaction.set_rollback(True)
    assert response.status_code in {200, 201, 400}, response.content
    assert response["Content-Type"].startswith("application/json")
    if response.status_code == 400:
        assert response.json()["message"]


def test_the_collector_is_paused_per_batch_and_restored_by_the_last_one() -> None:
    assert gc.isenabled()
    outer = ingest.gc_paused()
    outer.__enter__()
    with ingest.gc_paused():  # a second thread's batch, overlapping
        assert not gc.isenabled()
    assert not gc.isenabled()  # the first batch is still running
    outer.__exit__(None, None, None)
    assert gc.isenabled()
    gc.disable()
    try:
        with ingest.gc_paused():
            pass
        assert not gc.isenabled()  # left as it was found
    finally:
        gc.enable()


def test_a_body_over_the_limit_is_refused_in_json_and_gzip_gets_it_through(
    phutho_source: Source,
) -> None:
    _source, token = phutho_source
    records = [make_record(f"BIG{i}") for i in range(40)]
    body = json.dumps({"schema": "dxgov.dossier/1", "batch_id": "big-1", "records": records})
    limit = override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=len(body) // 2)
    with limit:
        response = bearer(token).post(URL, body, content_type="application/json")
    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json")
    assert "gzip" in response.json()["message"]
    assert not Batch.objects.exists()
    # The same batch, compressed, is well under the limit and stored whole.
    with limit:
        response = bearer(token).post(
            URL,
            gzip.compress(body.encode()),
            content_type="application/json",
            HTTP_CONTENT_ENCODING="gzip",
        )
    assert response.status_code in (200, 201), response.content
    assert Dossier.objects.filter(code__startswith="BIG").count() == 40
