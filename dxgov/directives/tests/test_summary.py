"""Pure task statistics: the sentence leaders quote, rates, the league table, days late."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from dxgov.directives import summary

STATUSES = [
    "open",
    "overdue",
    "done_on_time",
    "done_late",
    "awaiting_confirmation",
    "postponed",
    "cancelled",
]


def test_third_session_sentence() -> None:
    s = summary.summarise({"done_on_time": 12, "done_late": 3, "open": 10, "overdue": 2})
    with translation.override("vi"):
        assert summary.sentence(s) == "27 nhiệm vụ: 15 hoàn thành, 12 đang thực hiện (2 quá hạn)"
    with translation.override("en"):
        assert summary.sentence(s) == "27 tasks: 15 completed, 12 in progress (2 overdue)"
        assert (
            summary.sentence(summary.summarise({"open": 1})) == "1 task: 0 completed, 1 in progress"
        )


def test_rates() -> None:
    s = summary.summarise({"done_on_time": 3, "done_late": 1, "open": 4})
    assert s.on_time_rate == 0.75 and s.completion_rate == 0.5
    assert s.on_time_percent == 75.0 and s.completion_percent == 50.0
    with_cancelled = summary.summarise({"done_on_time": 1, "open": 1, "cancelled": 2})
    assert with_cancelled.completion_rate == 0.5  # a cancelled task is not expected done
    empty = summary.summarise({})
    assert empty.on_time_rate is None and empty.completion_rate is None and empty.total == 0


@given(st.dictionaries(st.sampled_from(STATUSES), st.integers(0, 10_000)))
def test_every_task_is_counted_exactly_once(counts: dict[str, int]) -> None:
    s = summary.summarise(counts)
    assert s.completed + s.in_progress + s.postponed + s.cancelled == s.total
    assert s.on_time + s.late == s.completed
    if s.on_time_rate is not None:
        assert 0 <= s.on_time_rate <= 1


def test_league_orders_by_on_time_rate_then_overdue_and_shares_ranks() -> None:
    table = summary.league(
        {
            "A": {"done_on_time": 9, "done_late": 1},
            "B": {"done_on_time": 10},
            "C": {"done_on_time": 10, "overdue": 2},
            "D": {"open": 5},  # nothing completed: no rate, last
            "E": {"done_on_time": 10},
        }
    )
    assert [(r.agency, r.rank) for r in table] == [("B", 1), ("E", 1), ("C", 3), ("A", 4), ("D", 5)]


def test_league_min_completed_pushes_thin_records_down() -> None:
    table = summary.league(
        {"A": {"done_on_time": 1}, "B": {"done_on_time": 8, "done_late": 2}}, min_completed=5
    )
    assert [r.agency for r in table] == ["B", "A"]


@pytest.mark.parametrize(
    ("deadline", "today", "late"),
    [
        (date(2025, 9, 30), date(2025, 9, 30), 0),  # the deadline day itself is not late
        (date(2025, 9, 30), date(2025, 10, 1), 1),
        (date(2025, 12, 31), date(2026, 1, 2), 2),
        (date(2025, 10, 1), date(2025, 9, 1), 0),
    ],
)
def test_days_late(deadline: date, today: date, late: int) -> None:
    assert summary.days_late(deadline, today) == late
