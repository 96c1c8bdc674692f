"""The programmes API: the workflow end to end, refusals field by field (422), a step the
status refuses (409), the overlap clusters and a label."""

from __future__ import annotations

from typing import Any

import pytest

from dxgov.programmes.models import OverlapLabel
from dxgov.testing import programmes as make
from dxgov.testing.clients import client_for

pytestmark = pytest.mark.django_db
API = "/api/v1/programmes"


def _post(client: Any, url: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(url, body or {}, content_type="application/json")


def test_the_workflow_through_the_api(
    phutho_officer: Any, phutho_leader: Any, dienbien_officer: Any, coordinator: Any
) -> None:
    indicator = make.percent_indicator(coordinator, "PG_API")
    officer, leader = client_for(phutho_officer), client_for(phutho_leader)
    created = _post(
        officer,
        API,
        {
            "owner": "UBND-T25",
            "title": "Đề án API",
            "start_year": 2025,
            "end_year": 2027,
            "de06": ["population"],
            "security_plan": "Mã hóa",
        },
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    url = f"{API}/{pk}"
    refused = _post(leader, f"{url}/submit")
    assert refused.status_code == 422
    fields = {e["field"] for e in refused.json()["errors"]}
    assert {"breakthroughs", "goals", "tasks"} <= fields
    wrong = _post(
        officer,
        f"{url}/goals",
        {
            "name": "G",
            "indicator": indicator.code,
            "baseline": "40",
            "targets": {"2025": "95 hồ sơ"},
            "source": "S",
        },
    )
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "target-2025"
    assert (
        _post(
            officer,
            f"{url}/breakthroughs",
            {"title": "Y tế số", "problem": "Sổ giấy", "area": "digital_data"},
        ).status_code
        == 200
    )
    assert (
        _post(
            officer,
            f"{url}/goals",
            {
                "name": "G",
                "indicator": indicator.code,
                "baseline": "40",
                "targets": {"2025": "55"},
                "source": "S",
            },
        ).status_code
        == 200
    )
    no_lead = _post(officer, f"{url}/tasks", {"content": "Số hóa hồ sơ", "person": "GĐ"})
    assert no_lead.status_code == 200
    refused = _post(leader, f"{url}/submit")
    assert refused.status_code == 422
    assert any(e["field"] == "task-1" for e in refused.json()["errors"])
    # Another province cannot see it.
    assert client_for(dienbien_officer).get(url).status_code == 404
    # Complete the task by a second, valid one and remove nothing: the first still lacks lead.
    body = _post(
        officer,
        f"{url}/tasks",
        {
            "content": "Xây dựng nền tảng",
            "lead_agency": "SO-25-YT",
            "person": "GĐ",
            "deadline": "2026-06-30",
            "responsibility": "Chủ trì",
            "expected_result": "Vận hành",
        },
    )
    assert body.status_code == 200
    assert _post(leader, f"{url}/submit").status_code == 422  # task 1 is still incomplete


def test_review_steps_and_their_conflicts(
    phutho_officer: Any, phutho_leader: Any, coordinator: Any
) -> None:
    indicator = make.percent_indicator(coordinator, "PG_API2")
    programme = make.complete_programme(phutho_officer, indicator)
    leader, central = client_for(phutho_leader), client_for(coordinator)
    url = f"{API}/{programme.pk}"
    assert _post(leader, f"{url}/submit").status_code == 200
    assert _post(leader, f"{url}/submit").status_code == 409
    assert (
        _post(
            leader, f"{url}/return", {"comments": [{"section": "goals", "text": "x"}]}
        ).status_code
        == 403
    )
    met = {code: True for code in make.rules.CHECKLIST_CODES}
    assert _post(central, f"{url}/checklist", {"met": met}).status_code == 200
    approved = _post(
        central, f"{url}/approve", {"decision_number": "55/QĐ-UBND", "decision_date": "2025-01-15"}
    )
    assert approved.status_code == 200
    body = approved.json()
    assert body["status"] == "approved" and all(t["task_id"] for t in body["tasks"])
    assert body["goals"][0]["targets"][0]["year"] == 2025
    again = _post(
        central, f"{url}/approve", {"decision_number": "56/QĐ-UBND", "decision_date": "2025-01-15"}
    )
    assert again.status_code == 409 and again.json()["current"] == "approved"
    assert _post(leader, f"{url}/revise", {"reason": " "}).status_code == 422


def test_clusters_and_labels(
    phutho_officer: Any,
    phutho_leader: Any,
    dienbien_officer: Any,
    dienbien_leader: Any,
    coordinator: Any,
) -> None:
    indicator = make.percent_indicator(coordinator, "PG_API3")
    for officer, leader, owner, lead in (
        (phutho_officer, phutho_leader, "UBND-T25", "SO-25-YT"),
        (dienbien_officer, dienbien_leader, "UBND-T11", "SO-11-YT"),
    ):
        programme = make.complete_programme(officer, indicator, owner=owner, lead=lead, tasks=1)
        _post(client_for(leader), f"{API}/{programme.pk}/submit")
    central = client_for(coordinator)
    assert central.post("/programmes/overlaps/run/").status_code == 302
    assert client_for(phutho_officer).get(f"{API}/overlaps/clusters").status_code == 403
    found = central.get(f"{API}/overlaps/clusters").json()
    assert found["count"] == 1
    pair = found["results"][0]["pairs"][0]
    assert "hồ sơ" in pair["shared_terms"] and pair["score"] >= 0.425
    labelled = _post(central, f"{API}/overlaps/pairs/{pair['id']}/label", {"label": "overlap"})
    assert labelled.status_code == 200 and labelled.json()["label"] == "overlap"
    assert OverlapLabel.objects.get().label == "overlap"
