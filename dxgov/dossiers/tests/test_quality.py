"""Data quality per source: the pure figures, and the pages' scope."""

from __future__ import annotations

import json
import re
from typing import Any

from dxgov.accounts.models import User
from dxgov.dossiers import quality
from dxgov.dossiers.ingest import delay_summary
from dxgov.dossiers.tests.conftest import bearer, make_record
from dxgov.testing.clients import client_for


def test_quality_sums_batches() -> None:
    first = quality.BatchFigures(
        total=10,
        accepted=6,
        updated=1,
        unchanged=1,
        stale=0,
        quarantined=2,
        missing={"due_at": 5, "code": 1},
        delays={"60": 5, "3600": 2},
    )
    second = quality.BatchFigures(
        total=10,
        accepted=9,
        updated=0,
        unchanged=1,
        stale=0,
        quarantined=0,
        missing={},
        delays={"86400": 1, "60": 1},
    )
    result = quality.quality([first, second])
    assert (result.batches, result.records, result.quarantined) == (2, 20, 2)
    assert result.rejected_share == 0.1 and result.duplicate_share == 0.1
    assert result.completeness["due_at"] == 0.75 and result.completeness["code"] == 0.95
    assert result.completeness["received_at"] == 1.0
    assert result.lowest_completeness == 0.75
    # 9 delays: 6 within a minute, 2 within an hour, 1 within a day.
    assert result.delay_median_seconds == 60 and result.delay_p95_seconds == 86400
    empty = quality.quality([])
    assert empty.rejected_share is None and empty.delay_median_seconds is None
    assert empty.completeness["code"] is None


def test_delay_summary_and_labels() -> None:
    median, p95, histogram = delay_summary([10.0, 20.0, 4000.0, 90000.0])
    assert median == 4000.0 and p95 == 90000.0
    assert histogram == {"60": 2, "10800": 1, "172800": 1}
    assert delay_summary([]) == (None, None, {})
    assert quality.human_delay(900) == "≤ 15 min"
    assert quality.human_delay(10800) == "≤ 3 h"
    assert quality.human_delay(172800) == "≤ 2 d"
    assert quality.human_delay(None) == ""


def _send(token: str, records: list[dict[str, Any]], batch_id: str) -> None:
    body = {"schema": "dxgov.dossier/1", "batch_id": batch_id, "records": records}
    response = bearer(token).post(
        "/api/v1/dossiers/batches", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 201


def test_pages_show_a_province_its_sources_only(
    phutho_source: Any,
    dienbien_source: Any,
    phutho_officer: User,
    coordinator: User,
    dienbien_officer: User,
) -> None:
    pt, pt_token = phutho_source
    db, _db_token = dienbien_source
    _send(pt_token, [make_record("H1", due_at=None), make_record("H2", fees=[{"amount": -1}])], "1")
    _send(pt_token, [make_record("H1", due_at=None)], "2")
    page = client_for(phutho_officer).get("/dossiers/sources/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "PT-MOTCUA" in text and "DB-MOTCUA" not in text
    assert "33%" in text  # one record of three refused
    central = client_for(coordinator).get("/dossiers/sources/").content.decode()
    assert "PT-MOTCUA" in central and "DB-MOTCUA" in central
    detail = client_for(phutho_officer).get(f"/dossiers/sources/{pt.pk}/")
    assert detail.status_code == 200
    body = detail.content.decode()
    # due_at carried by one record of three (the refused one); received_at by all.
    assert re.search(r"<code>due_at</code>.*?(\d+)%", body, re.DOTALL).group(1) == "33"  # type: ignore[union-attr]
    assert re.search(r"<code>received_at</code>.*?(\d+)%", body, re.DOTALL).group(1) == "100"  # type: ignore[union-attr]
    assert "source-" not in body  # no token list for a non-administrator
    assert client_for(dienbien_officer).get(f"/dossiers/sources/{pt.pk}/").status_code == 404
    assert client_for(phutho_officer).get(f"/dossiers/sources/{db.pk}/").status_code == 404
