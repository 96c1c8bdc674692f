"""A bulk update's set-based writes: stored figures changed in place (one statement, not one
per row), the summaries' deltas computed once per changed project-week, and both giving what
a rebuild from the figures gives."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from dxgov.audit.models import AuditEvent, EventType
from dxgov.investments import figures, summary
from dxgov.investments.models import Disbursement
from dxgov.testing import investments as make
from dxgov.testing.clients import client_for

URL = "/api/v1/investments/disbursements"
YEAR = 2025


def _rows(values: dict[str, str], as_of: str = "2025-03-07") -> dict[str, Any]:
    return {
        "rows": [
            {
                "project": code,
                "plan_year": YEAR,
                "source": "central_budget",
                "as_of": as_of,
                "kind": "actual",
                "value": value,
            }
            for code, value in values.items()
        ]
    }


def _post(client: Any, body: Any) -> Any:
    return client.post(URL, data=json.dumps(body), content_type="application/json")


@pytest.mark.django_db
def test_a_bulk_update_changes_stored_figures_and_keeps_the_weeks_in_step(
    phutho_officer: Any,
) -> None:
    make.funded_project(phutho_officer, "DA-BW-01", plan="1.000.000.000")
    make.funded_project(phutho_officer, "DA-BW-02", plan="2.000.000.000", category="data")
    client = client_for(phutho_officer)
    first = _post(client, _rows({"DA-BW-01": "100.000.000", "DA-BW-02": "200.000.000"}))
    assert first.json()["totals"]["created"] == 2
    rows = [
        *_rows({"DA-BW-01": "150.000.000", "DA-BW-02": "200.000.000"})["rows"],
        *_rows({"DA-BW-02": "300.000.000"}, "2025-03-14")["rows"],
    ]
    again = _post(client, {"rows": rows})
    assert again.status_code == 200, again.content
    assert [r["status"] for r in again.json()["rows"]] == ["updated", "unchanged", "created"]
    changed = Disbursement.objects.get(project__code="DA-BW-01", as_of=date(2025, 3, 7))
    assert (changed.value, changed.version, changed.channel) == (150_000_000, 2, "api")
    assert changed.entered_by_id == phutho_officer.pk
    kept = Disbursement.objects.get(project__code="DA-BW-02", as_of=date(2025, 3, 7))
    assert (kept.value, kept.version) == (200_000_000, 1)
    event = AuditEvent.objects.filter(event_type=EventType.INVESTMENT_DISBURSEMENT_SAVED).latest(
        "seq"
    )
    assert [(c["project"], c["old"], c["new"]) for c in event.data["changes"]] == [
        ("DA-BW-01", 100_000_000, 150_000_000),
        ("DA-BW-02", None, 300_000_000),
    ]
    incremental = summary.stored_summaries(YEAR)
    assert incremental == summary.summaries_from_weeks(YEAR)
    summary.rebuild(YEAR)
    assert summary.stored_summaries(YEAR) == incremental


def _week(**changes: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "project_id": 1,
        "week_end": date(2025, 3, 7),
        "unit_id": 7,
        "category": "data",
        "group": "b",
        "disbursed": 100,
        "plan_total": 1000,
        "plan_assigned": 800,
        "expected": 120,
        "klass": figures.SLOW,
        "estimates": 0,
        "updated": False,
        "last_update": date(2025, 2, 28),
        "ratio": None,
    }
    for source in summary.SOURCES:
        row[source] = 0
        row[f"plan_{source}"] = 0
    row["central_budget"], row["plan_central_budget"] = 100, 1000
    row.update(changes)
    return row


def _nonzero(deltas: dict[Any, dict[str, int]]) -> dict[Any, dict[str, int]]:
    return {k: v for k, v in deltas.items() if any(v.values())}


@pytest.mark.parametrize(
    "new",
    [
        _week(),
        _week(disbursed=300, central_budget=300, klass=figures.GOOD, updated=True),
        _week(unit_id=9),
        _week(category="platforms", group="c"),
        _week(local_budget=50, plan_local_budget=200, disbursed=150, plan_total=1200),
        _week(central_budget=0, plan_central_budget=0, local_budget=5, estimates=2),
        _week(estimates=1, last_update=None),
    ],
)
def test_a_weeks_change_adds_what_removing_the_old_and_adding_the_new_adds(
    new: dict[str, Any],
) -> None:
    old = _week()
    by_difference: dict[Any, dict[str, int]] = {}
    summary._add_change(by_difference, old["week_end"], old, new)
    by_parts: dict[Any, dict[str, int]] = {}
    summary._add(by_parts, old["week_end"], old, -1)
    summary._add(by_parts, old["week_end"], new, +1)
    assert _nonzero(by_difference) == _nonzero(by_parts)
    first: dict[Any, dict[str, int]] = {}
    summary._add_change(first, new["week_end"], None, new)
    alone: dict[Any, dict[str, int]] = {}
    summary._add(alone, new["week_end"], new, +1)
    assert first == alone
