"""Class 2, "Personal data stored": identity numbers hidden in every string of a dossier record.

A 12-digit citizen identity number inside free text (a document's name, a fee's name, a result
code, the population-database code, the dossier code itself) was accepted and stored; in
quarantine it was kept verbatim (also under keys not on the personal-data list, such as
`so_dinh_danh`) and served back by the quarantine API; an unknown key carrying one was silently
dropped. Now every string of a record (keys too, at any depth) is scanned (`personal.find`):
a record holding one is refused with the path of each, its quarantine copy has the numbers
masked, its errors too, and nothing of it reaches the dossiers, the quarantine API, the audit
ledger or the logs; keys the format does not name refuse the record. Sent as JSON, NDJSON and
CSV, over the test client and over real HTTP, and the whole database scanned afterwards.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from dxgov.core.tests.hostile.identity import (
    CCCD,
    CODE_NAMES,
    OTHERS,
    STRING_PATHS,
    WRITTEN,
    is_digest,
    scan_database,
    with_string,
)
from dxgov.dossiers import actions, personal, schema
from dxgov.dossiers.models import Batch, Dossier, QuarantinedRecord, SourceSystem
from dxgov.dossiers.tests.conftest import make_record, make_source

URL = "/api/v1/dossiers/batches"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def source(db: Any) -> tuple[SourceSystem, str]:
    return make_source("PT-MOTCUA", "UBND-T25")


def _post(token: str, body: bytes, content_type: str, query: str = "") -> Any:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}", **EN).post(
        URL + query, body, content_type=content_type
    )


def _json(batch_id: str, records: list[Any], **extra: Any) -> bytes:
    body = {"schema": schema.SCHEMA, "batch_id": batch_id, "records": records, **extra}
    return json.dumps(body, ensure_ascii=False).encode()


def _quarantine(token: str, batch: int) -> list[dict[str, Any]]:
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    items: list[dict[str, Any]] = []
    page = 1
    while True:
        data = client.get(f"{URL}/{batch}/quarantine?page={page}&page_size=100").json()
        items.extend(data["items"])
        if len(items) >= data["count"]:
            return items
        page += 1


def _numbers_in(value: Any) -> list[tuple[str, str]]:
    """Every identity number in a served or stored value (codes read as codes)."""
    return personal.paths(value, "served", codes=CODE_NAMES)


def _hidden_records() -> Iterator[tuple[str, str, str, dict[str, Any]]]:
    """(path, how it is written, expected kind, record): every string of the format holding
    the citizen identity number written every way, and the other kinds in free text."""
    for path in STRING_PATHS:
        for how, written in WRITTEN.items():
            raw = make_record(f"H-{path}-{how}", population_db_code="CSDLQG-1")
            yield path, how, "citizen", with_string(raw, path, written)
    for path in ("documents[0].name", "fees[0].name", "result_code", "population_db_code"):
        for how, written in OTHERS.items():
            raw = make_record(f"H-{path}-{how}", population_db_code="CSDLQG-1")
            yield path, how, how, with_string(raw, path, written)


HIDDEN = list(_hidden_records())
MESSAGES = {
    "citizen": "looks like a citizen identity number",
    "identity card": "looks like an identity card number",
    "passport": "looks like a passport number",
    "mobile phone": "looks like a phone number",
    "landline": "looks like a phone number",
    "phone with +84": "looks like a phone number",
}


def test_in_every_string_field_every_way_refused_with_its_path_and_never_stored(
    source: tuple[SourceSystem, str],
) -> None:
    _source, token = source
    records = [raw for _path, _how, _kind, raw in HIDDEN]
    response = _post(token, _json("hostile-1", records), "application/json")
    assert response.status_code == 201, response.content
    assert response.json()["quarantined"] == len(records) == response.json()["total"]
    assert Dossier.objects.count() == 0
    served = _quarantine(token, response.json()["id"])
    assert len(served) == len(records)
    for item, (path, how, kind, _raw) in zip(served, HIDDEN, strict=True):
        expected = f"records[{item['position']}].{path}: {MESSAGES[kind]}"
        assert any(error.startswith(expected) for error in item["errors"]), (how, item["errors"])
    assert _numbers_in(served) == []
    assert CCCD not in response.content.decode() + json.dumps(served, ensure_ascii=False)
    assert scan_database() == []


@pytest.mark.parametrize("kind", ["ndjson", "csv"])
def test_ndjson_and_csv_the_same(source: tuple[SourceSystem, str], kind: str) -> None:
    _source, token = source
    chosen = [entry for entry in HIDDEN if entry[1] in ("plain", "grouped by dots", "in words")]
    records = [raw for _path, _how, _kind, raw in chosen]
    if kind == "ndjson":
        body = "\n".join(json.dumps(raw, ensure_ascii=False) for raw in records).encode()
        content_type = "application/x-ndjson"
    else:
        body = _csv(records)
        content_type = "text/csv"
    query = f"?schema={schema.SCHEMA}&batch_id=hostile-{kind}"
    response = _post(token, body, content_type, query)
    assert response.status_code == 201, response.content
    assert response.json()["quarantined"] == len(records)
    served = _quarantine(token, response.json()["id"])
    for item, (path, _how, _kind, _raw) in zip(served, chosen, strict=True):
        assert any(f".{path}: looks like" in error for error in item["errors"]), item["errors"]
    assert _numbers_in(served) == [] and Dossier.objects.count() == 0
    assert scan_database() == []


def _csv(records: list[dict[str, Any]]) -> bytes:
    columns = sorted({key for raw in records for key in raw})
    out = io.StringIO()
    writer = csv.DictWriter(out, columns)
    writer.writeheader()
    for raw in records:
        writer.writerow(
            {
                key: json.dumps(value, ensure_ascii=False)
                if isinstance(value, list | dict)
                else str(value).lower()
                if isinstance(value, bool)
                else value
                for key, value in raw.items()
            }
        )
    return out.getvalue().encode()


def test_unknown_keys_are_refused_and_their_numbers_never_kept(
    source: tuple[SourceSystem, str],
) -> None:
    _source, token = source
    hidden = make_record("H2", so_dinh_danh=CCCD, ghi_chu={"ban_sao": f"CCCD {CCCD}"})
    hidden["documents"][0]["so"] = "ĐT 0912345678"
    hidden["fees"][0][CCCD] = 1
    plain = make_record("H3", ghi_chu="không có gì")
    response = _post(token, _json("hostile-2", [hidden, plain]), "application/json")
    assert response.status_code == 201, response.content
    assert (response.json()["accepted"], response.json()["quarantined"]) == (0, 2)
    served = _quarantine(token, response.json()["id"])
    assert served[0]["errors"] == [
        "records[0].ghi_chu: is not a field of dxgov.dossier/1",
        "records[0].so_dinh_danh: personal data is not accepted (Decree 13/2023)",
        "records[0].documents[0].so: is not a field of dxgov.dossier/1",
        "records[0].fees[0].[removed]: is not a field of dxgov.dossier/1",
        f"records[0].documents[0].so: {MESSAGES['mobile phone']}; personal data is not accepted",
        f"records[0].fees[0].[removed]: {MESSAGES['citizen']}; personal data is not accepted",
        f"records[0].ghi_chu.ban_sao: {MESSAGES['citizen']}; personal data is not accepted",
    ]
    assert served[0]["record"]["so_dinh_danh"] == "[removed]"
    assert served[0]["record"]["ghi_chu"] == {"ban_sao": "CCCD [removed]"}
    assert served[0]["record"]["fees"][0]["[removed]"] == 1
    assert served[1]["errors"] == ["records[1].ghi_chu: is not a field of dxgov.dossier/1"]
    assert _numbers_in(served) == [] and scan_database() == []


@pytest.mark.parametrize(
    "extra",
    [{"so_dinh_danh": CCCD}, {"note": "x"}, {CCCD: "x"}],
    ids=["personal", "plain", "number as key"],
)
def test_a_key_beside_the_envelope_refuses_the_batch(
    source: tuple[SourceSystem, str], extra: dict[str, str]
) -> None:
    _source, token = source
    response = _post(token, _json("hostile-3", [make_record("H4")], **extra), "application/json")
    assert response.status_code == 400, response.content
    assert "not a field of a batch" in response.json()["message"]
    assert CCCD not in response.content.decode()
    assert Batch.objects.count() == 0 and Dossier.objects.count() == 0


@pytest.mark.parametrize(
    "batch_id",
    # A batch id is read as a code: a letter and 7–8 digits is a tagged serial there.
    [*WRITTEN.values(), *(v for k, v in OTHERS.items() if k != "passport"), f"lo-{CCCD}"],
)
def test_a_batch_id_that_is_an_identity_number_is_refused(
    source: tuple[SourceSystem, str], batch_id: str
) -> None:
    _source, token = source
    for body, content_type, query in (
        (_json(batch_id, [make_record("H5")]), "application/json", ""),
        (json.dumps(make_record("H5")).encode(), "application/x-ndjson", None),
    ):
        if query is None:
            query = "?" + urllib.parse.urlencode({"schema": schema.SCHEMA, "batch_id": batch_id})
        response = _post(token, body, content_type, query)
        assert response.status_code == 400, response.content
        assert "batch_id looks like an identity or phone number" in response.json()["message"]
    assert Batch.objects.count() == 0


@pytest.mark.parametrize("batch_id", ["I96123456-0", "demo-MCDT-25-0-000001", "2026-07-01"])
def test_a_batch_id_shaped_like_a_code_is_accepted(
    source: tuple[SourceSystem, str], batch_id: str
) -> None:
    _source, token = source
    response = _post(token, _json(batch_id, [make_record("H6")]), "application/json")
    assert response.status_code == 201, response.content


def test_nothing_logged_holds_an_identity_number(
    source: tuple[SourceSystem, str], caplog: pytest.LogCaptureFixture
) -> None:
    _source, token = source
    caplog.set_level(logging.DEBUG)
    # Every logger at DEBUG, whatever an earlier test in the process set (the benchmarks quiet
    # the request log to WARNING): caplog puts each level back afterwards.
    for name in ("dxgov", "dxgov.request", "django", "axes"):
        caplog.set_level(logging.DEBUG, logger=name)
    records = [raw for _path, _how, _kind, raw in HIDDEN[:40]]
    records.append(make_record("H7", so_dinh_danh=CCCD, **{CCCD: CCCD}))
    assert _post(token, _json("hostile-4", records), "application/json").status_code == 201
    assert _post(token, _json(CCCD, records), "application/json").status_code == 400
    envelope = _json("hostile-5", records, so_dinh_danh=CCCD)
    assert _post(token, envelope, "application/json").status_code == 400
    assert caplog.records  # the request log at least
    standard = set(vars(logging.makeLogRecord({})))  # time, thread, process: numbers, not text
    for record in caplog.records:
        texts = [record.getMessage()] + [
            value
            for key, value in vars(record).items()
            if key not in standard and isinstance(value, str) and not is_digest(value)
        ]
        for text in texts:
            assert personal.find(text, code=True) is None, text[:300]
        everything = repr(vars(record)) + (record.exc_text or "")
        assert CCCD not in everything and "203001234" not in everything


def test_the_receive_action_refuses_the_same_without_the_api(
    source: tuple[SourceSystem, str],
) -> None:
    """The import command and the demo go through `receive_batch` without the API."""
    owner, _token = source
    raw = make_record("H8", documents=[{"name": f"Bản sao CCCD {CCCD}"}])
    outcome = actions.receive_batch(
        acting_user=None,
        source=owner,
        batch_id="file:1",
        items=[(0, "records[0]", raw, None)],
        channel="file",
    )
    assert (outcome.batch.accepted, outcome.batch.quarantined) == (0, 1)
    kept = QuarantinedRecord.objects.get()
    assert kept.errors == [f"records[0].documents[0].name: {MESSAGES['citizen']}; "
                           "personal data is not accepted"]  # fmt: skip
    assert kept.record["documents"] == [{"name": "Bản sao CCCD [removed]"}]


def test_the_scan_finds_a_number_written_behind_the_ingestion(
    source: tuple[SourceSystem, str],
) -> None:
    """The scan itself: a number put straight into a row (as an administrator could) is found."""
    _source, token = source
    response = _post(token, _json("hostile-6", [make_record("H9")]), "application/json")
    assert response.status_code == 201 and scan_database() == []
    Dossier.objects.filter(code="H9").update(documents=[{"name": f"CCCD {CCCD}"}])
    hits = scan_database()
    assert [(h.table, h.column, h.kind) for h in hits] == [
        ("dossiers_dossier", "documents", "citizen_id")
    ]


@pytest.mark.django_db(transaction=True)
def test_over_real_http_the_quarantine_api_never_serves_one(
    live_server: Any, reference_data: None
) -> None:
    _owner, token = make_source("PT-MOTCUA", "UBND-T25")
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    records = [raw for _path, _how, _kind, raw in HIDDEN if _how in ("plain", "in words")]
    request = urllib.request.Request(  # noqa: S310 (the test server's http URL)
        live_server.url + URL, _json("hostile-http", records), headers, method="POST"
    )
    with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310
        summary = json.loads(answer.read())
    assert summary["quarantined"] == len(records)
    served = urllib.request.Request(  # noqa: S310
        f"{live_server.url}{URL}/{summary['id']}/quarantine?page_size=100", headers=headers
    )
    with urllib.request.urlopen(served, timeout=60) as answer:  # noqa: S310
        text = answer.read().decode()
    page = json.loads(text)
    assert len(page["items"]) == len(records) and _numbers_in(page) == []
    assert CCCD not in text
    refused = urllib.request.Request(  # noqa: S310
        live_server.url + URL, _json(CCCD, records[:1]), headers, method="POST"
    )
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(refused, timeout=60)  # noqa: S310
    assert error.value.code == 400
    assert CCCD not in error.value.read().decode()
    assert scan_database() == []
