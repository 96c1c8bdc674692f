"""The pure task statistics: every status, the inclusive deadline, the rates and their edges."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from dxgov.directives.rules import Status
from dxgov.directives.stats import effective_status, rate, summarize, summarize_by_agency

TODAY = date(2025, 10, 15)


def _row(status: str, deadline: date | None = None, agency: str = "UBND-T25") -> dict[str, Any]:
    return {"status": status, "deadline": deadline, "lead_agency_code": agency}


@pytest.mark.parametrize(
    ("status", "deadline", "expected"),
    [
        ("open", None, Status.OPEN),
        ("open", TODAY, Status.OPEN),  # the deadline day is still in time
        ("open", TODAY + timedelta(days=1), Status.OPEN),
        ("open", TODAY - timedelta(days=1), Status.OVERDUE),  # not yet swept
        ("overdue", TODAY - timedelta(days=1), Status.OVERDUE),
        ("awaiting_confirmation", TODAY - timedelta(days=9), Status.AWAITING_CONFIRMATION),
        ("postponed", TODAY - timedelta(days=9), Status.POSTPONED),
        ("cancelled", TODAY - timedelta(days=9), Status.CANCELLED),
        ("done_on_time", TODAY - timedelta(days=9), Status.DONE_ON_TIME),
        ("done_late", TODAY - timedelta(days=9), Status.DONE_LATE),
    ],
)
def test_effective_status(status: str, deadline: date | None, expected: Status) -> None:
    assert effective_status(status, deadline, TODAY) == expected


def test_unknown_status_is_an_error() -> None:
    with pytest.raises(ValueError):
        effective_status("finished", None, TODAY)


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [
        (0, 0, None),
        (5, 0, None),
        (0, 7, 0.0),
        (7, 7, 100.0),
        (1, 3, 33.3),
        (2, 3, 66.7),
        (1, 8, 12.5),
        (1, 16, 6.3),  # 6.25 rounds half up, not to even
        (1, 400, 0.3),  # 0.25 rounds half up
        (7892, 9831, 80.3),  # the Government Office's 2025 figure
    ],
)
def test_rate(part: int, whole: int, expected: float | None) -> None:
    assert rate(part, whole) == expected


def test_empty_summary_has_every_status_and_no_rates() -> None:
    summary = summarize([], TODAY)
    assert summary["by_status"] == {status.value: 0 for status in Status}
    assert summary["total"] == summary["completed"] == summary["overdue"] == 0
    assert summary["completion_rate"] is None and summary["on_time_rate"] is None


def test_summary_counts_and_rates() -> None:
    past, future = TODAY - timedelta(days=1), TODAY + timedelta(days=1)
    rows = [
        _row("done_on_time", past),
        _row("done_on_time", past),
        _row("done_on_time", None),
        _row("done_late", past),
        _row("open", future),
        _row("open", past),  # counted overdue
        _row("overdue", past),
        _row("awaiting_confirmation", past),
        _row("postponed", future),
        _row("cancelled", future),
    ]
    summary = summarize(rows, TODAY)
    assert summary["by_status"] == {
        "open": 1,
        "overdue": 2,
        "done_on_time": 3,
        "done_late": 1,
        "awaiting_confirmation": 1,
        "postponed": 1,
        "cancelled": 1,
    }
    assert summary["total"] == 10
    assert (summary["completed"], summary["on_time"], summary["late"]) == (4, 3, 1)
    assert summary["overdue"] == 2
    # 4 completed of the 9 not cancelled; 3 of the 4 on time.
    assert summary["completion_rate"] == 44.4
    assert summary["on_time_rate"] == 75.0


def test_only_cancelled_tasks_give_no_completion_rate() -> None:
    summary = summarize([_row("cancelled"), _row("cancelled")], TODAY)
    assert summary["total"] == 2 and summary["completion_rate"] is None


def test_awaiting_confirmation_is_not_completed() -> None:
    summary = summarize([_row("awaiting_confirmation"), _row("done_late")], TODAY)
    assert summary["completed"] == 1 and summary["completion_rate"] == 50.0
    assert summary["on_time_rate"] == 0.0


def test_summary_accepts_any_iterable_once() -> None:
    rows = (_row(status) for status in ("done_on_time", "open"))
    summary = summarize(rows, TODAY)
    assert summary["total"] == 2 and summary["completion_rate"] == 50.0


def test_by_agency_groups_and_orders_by_code() -> None:
    rows = [
        _row("done_on_time", agency="UBND-T25"),
        _row("open", TODAY - timedelta(days=3), agency="UBND-T11"),
        _row("done_late", agency="UBND-T25"),
        _row("open", agency="BCA"),
    ]
    groups = summarize_by_agency(rows, TODAY)
    assert [g["agency"] for g in groups] == ["BCA", "UBND-T11", "UBND-T25"]
    bca, dienbien, phutho = groups
    assert bca["total"] == 1 and bca["completion_rate"] == 0.0 and bca["on_time_rate"] is None
    assert dienbien["overdue"] == 1 and dienbien["by_status"]["open"] == 0
    assert phutho["completed"] == 2 and phutho["on_time_rate"] == 50.0
    assert sum(g["total"] for g in groups) == summarize(rows, TODAY)["total"]


def test_by_agency_of_nothing_is_empty() -> None:
    assert summarize_by_agency([], TODAY) == []
