"""The investment API over HTTP: bulk updates (JSON and CSV) all or nothing with a summary per
row, every refusal kind of §5 by field, scope (404) and role (403), the weekly table's two
denominators, a re-baselined project's variance."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from dxgov.audit.models import AuditEvent
from dxgov.investments import planyear
from dxgov.investments.models import Disbursement, ProjectWeek
from dxgov.testing import investments as make
from dxgov.testing.clients import client_for

pytestmark = pytest.mark.django_db
URL = "/api/v1/investments/disbursements"


def _post(client: Any, body: Any, **kw: Any) -> Any:
    return client.post(URL, data=json.dumps(body), content_type="application/json", **kw)


def _row(code: str, value: object, as_of: str = "2025-03-07", **kw: object) -> dict[str, Any]:
    return {
        "project": code,
        "plan_year": 2025,
        "source": "central_budget",
        "as_of": as_of,
        "kind": "actual",
        "value": value,
        **kw,
    }


@pytest.fixture
def project(phutho_officer: Any) -> Any:
    return make.funded_project(phutho_officer, "DA-API-01", plan="1.000.000.000")


def test_bulk_json_saves_and_summarises_each_row(phutho_officer: Any, project: Any) -> None:
    client = client_for(phutho_officer)
    answer = _post(
        client,
        {"rows": [_row("DA-API-01", "100.000.000"), _row("DA-API-01", 250_000_000, "2025-03-14")]},
    )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["totals"] == {"created": 2, "updated": 0, "unchanged": 0, "refused": 0}
    assert [r["status"] for r in body["rows"]] == ["created", "created"]
    again = _post(client, {"rows": [_row("DA-API-01", "100.000.000")]})
    assert again.json()["rows"][0]["status"] == "unchanged"


@pytest.mark.parametrize(
    ("row", "field", "words"),
    [
        (_row("DA-API-01", "1.000.000.001"), "value", "vượt kế hoạch"),
        (_row("DA-API-01", "1,234.5"), "value", "có phần thập phân"),
        (_row("DA-API-01", "1", "2026-02-01"), "as_of", "31/01/2026"),
        (_row("DA-API-01", "1", "07/03/2025", source="lottery"), "source", "Chọn nguồn vốn"),
        (_row("DA-API-01", "1", "khong-phai-ngay"), "as_of", "không phải là ngày"),
    ],
)
def test_bulk_refusals_save_nothing(
    phutho_officer: Any, project: Any, row: dict[str, Any], field: str, words: str
) -> None:
    client = client_for(phutho_officer)
    before = (Disbursement.objects.count(), AuditEvent.objects.count(), ProjectWeek.objects.count())
    answer = _post(client, {"rows": [_row("DA-API-01", "5", "2025-01-03"), row]})
    assert answer.status_code == 422, answer.content
    body = answer.json()
    assert body["status"] == "refused" and body["totals"]["refused"] == 1
    refused = body["rows"][1]
    assert refused["status"] == "refused"
    assert any(f["field"] == field and words in f["message"] for f in refused["findings"])
    assert (
        Disbursement.objects.count(),
        AuditEvent.objects.count(),
        ProjectWeek.objects.count(),
    ) == before


def test_a_decrease_without_a_note_then_with_one(phutho_officer: Any, project: Any) -> None:
    client = client_for(phutho_officer)
    _post(client, {"rows": [_row("DA-API-01", "500")]})
    down = _post(client, {"rows": [_row("DA-API-01", "400", "2025-03-14")]})
    assert down.status_code == 422
    assert "không được giảm" in down.json()["rows"][0]["findings"][0]["message"]
    noted = _post(client, {"rows": [_row("DA-API-01", "400", "2025-03-14", note="Thu hồi")]})
    assert noted.status_code == 200


def test_dry_run_saves_nothing(phutho_officer: Any, project: Any) -> None:
    client = client_for(phutho_officer)
    answer = client.post(
        URL + "?dry_run=true",
        data=json.dumps({"rows": [_row("DA-API-01", "5")]}),
        content_type="application/json",
    )
    assert answer.status_code == 200 and answer.json()["dry_run"]
    assert answer.json()["rows"][0]["status"] == "created"
    assert not Disbursement.objects.exists()


def test_bulk_csv(phutho_officer: Any, project: Any) -> None:
    text = (
        "project,plan_year,source,as_of,kind,value,note\n"
        'DA-API-01,2025,NSTW,07/03/2025,Thực hiện,"1.000.000",\n'
        "DA-API-01,2025,central_budget,2025-03-14,estimate,2000000,\n"
    )
    answer = client_for(phutho_officer).post(URL, data=text, content_type="text/csv")
    assert answer.status_code == 200, answer.content
    assert answer.json()["totals"]["created"] == 2
    assert sorted(Disbursement.objects.values_list("kind", "value")) == [
        ("actual", 1_000_000),
        ("estimate", 2_000_000),
    ]


def test_another_provinces_project_is_a_404(dienbien_officer: Any, project: Any) -> None:
    answer = _post(client_for(dienbien_officer), {"rows": [_row("DA-API-01", "5")]})
    assert answer.status_code == 404
    detail = client_for(dienbien_officer).get(f"/api/v1/investments/projects/{project.pk}")
    assert detail.status_code == 404
    assert not Disbursement.objects.exists()


def test_a_viewer_cannot_update(phutho_viewer: Any, coordinator: Any, project: Any) -> None:
    for user in (phutho_viewer, coordinator):
        assert _post(client_for(user), {"rows": [_row("DA-API-01", "5")]}).status_code == 403
    assert not Disbursement.objects.exists()


def test_rebaselining_through_the_api(phutho_officer: Any, project: Any) -> None:
    client = client_for(phutho_officer)
    url = f"/api/v1/investments/projects/{project.pk}/decisions"
    body = {
        "kind": "adjustment",
        "number": "77/QĐ-UBND",
        "signed_on": "2025-06-02",
        "total": "26.000.000.000",
        "sources": {"central_budget": "20.000.000.000", "local_budget": "6.000.000.000"},
        "start": "2024-07-01",
        "end": "31/03/2027",
    }
    silent = client.post(url, data=json.dumps(body), content_type="application/json")
    assert silent.status_code == 422
    assert any(f["field"] == "reason" for f in silent.json()["findings"])
    body["reason"] = "Bổ sung nguồn vốn địa phương"
    answer = client.post(url, data=json.dumps(body), content_type="application/json")
    assert answer.status_code == 201, answer.content
    detail = client.get(f"/api/v1/investments/projects/{project.pk}").json()
    baseline = detail["baseline"]
    assert baseline["original_total"] == 20_000_000_000
    assert baseline["current_total"] == 26_000_000_000
    assert baseline["cost_variance"] == 6_000_000_000
    assert baseline["schedule_variance_days"] == (date(2027, 3, 31) - date(2026, 12, 31)).days
    assert [d["version"] for d in detail["decisions"]] == [1, 2]


def test_the_weekly_table_states_both_denominators(
    phutho_officer: Any, dienbien_officer: Any, phutho_viewer: Any
) -> None:
    a = make.funded_project(
        phutho_officer, "DA-API-02", plan="2.000.000.000", assigned="1.000.000.000"
    )
    b = make.funded_project(
        dienbien_officer, "DA-API-03", investor="UBND-T11", plan="1.000.000.000"
    )
    make.disburse(phutho_officer, a, date(2025, 12, 26), "1.200.000.000")
    make.disburse(dienbien_officer, b, date(2025, 12, 26), "200.000.000")
    answer = client_for(phutho_viewer).get(
        "/api/v1/investments/weekly?plan_year=2025&week=2025-12-26"
    )
    assert answer.status_code == 200
    body = answer.json()
    units = {u["code"]: u for u in body["units"]}
    assert units["UBND-T25"]["rate_total"] == pytest.approx(60.0)
    assert units["UBND-T25"]["rate_assigned"] == pytest.approx(120.0)
    assert units["UBND-T11"]["rate_assigned"] == pytest.approx(20.0)
    assert body["average_total"] == pytest.approx(1400 / 30)
    assert body["average_assigned"] == pytest.approx(70.0)
    assert units["UBND-T25"]["above_average"] and not units["UBND-T11"]["above_average"]
    # 1.2 of 2 billion where the usual curve expects about 83 %: slow; 20 %: unable.
    assert units["UBND-T11"]["unable"] == 1 and units["UBND-T25"]["slow"] == 1
    assert units["BCA"]["rate_total"] is None
    assert body["target_rate"] == 95.0


def test_schedule_by_week_month_quarter_and_year(phutho_officer: Any, project: Any) -> None:
    client = client_for(phutho_officer)
    url = f"/api/v1/investments/projects/{project.pk}/schedule"
    months = [str(60_000_000 * (i + 1)) for i in range(12)] + ["1.000.000.000"]
    answer = client.put(
        url, data=json.dumps({"plan_year": 2025, "months": months}), content_type="application/json"
    )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["from_schedule"] and body["year"] == 1_000_000_000
    assert [q["planned"] for q in body["quarters"]] == [
        180_000_000,
        360_000_000,
        540_000_000,
        720_000_000,
    ]
    assert (
        len(body["weeks"]) == len(planyear.week_ends(2025))
        and body["months"][0]["period"] == "202501"
    )
    too_much = client.put(
        url,
        data=json.dumps({"plan_year": 2025, "months": [*months[:12], "1.000.000.001"]}),
        content_type="application/json",
    )
    assert too_much.status_code == 422
