"""Which reminders and digests are due on a day: the pure rules, exhaustively at the edges."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dxgov.directives.reminders import (
    DUE_SOON,
    OVERDUE,
    Digest,
    Reminder,
    agency_digests,
    due_reminders,
)
from dxgov.directives.rules import Status

DEADLINE = date(2025, 9, 30)
INACTIVE = [
    Status.DONE_ON_TIME,
    Status.DONE_LATE,
    Status.AWAITING_CONFIRMATION,
    Status.POSTPONED,
    Status.CANCELLED,
]


def _task(
    task_id: int = 1,
    status: str = Status.OPEN,
    deadline: date | None = DEADLINE,
    agency: int = 10,
) -> dict[str, Any]:
    return {"id": task_id, "status": str(status), "deadline": deadline, "lead_agency_id": agency}


def _on(days_before: int, task: dict[str, Any] | None = None) -> list[Reminder]:
    return due_reminders([task or _task()], DEADLINE - timedelta(days=days_before))


@pytest.mark.parametrize("days", [7, 3, 1])
def test_due_soon_exactly_seven_three_and_one_day_before(days: int) -> None:
    assert _on(days) == [(1, DUE_SOON, days)]
    assert _on(days)[0].offset == days


@pytest.mark.parametrize("days", [30, 8, 6, 5, 4, 2])
def test_nothing_on_the_other_days_before(days: int) -> None:
    assert _on(days) == []


def test_nothing_on_the_deadline_day_itself() -> None:
    # The deadline is met through its whole day.
    assert _on(0) == []


def test_overdue_from_the_day_after_with_days_past() -> None:
    assert _on(-1) == [(1, OVERDUE, 1)]
    assert _on(-10) == [(1, OVERDUE, 10)]


def test_overdue_status_is_reminded_as_overdue() -> None:
    assert _on(-2, _task(status=Status.OVERDUE)) == [(1, OVERDUE, 2)]


def test_open_task_not_yet_swept_to_overdue_is_still_overdue() -> None:
    # refresh_overdue may not have run yet: the dates decide.
    assert _on(-1, _task(status=Status.OPEN)) == [(1, OVERDUE, 1)]


@pytest.mark.parametrize("days", [7, 3, 1, 0, -1, -30])
def test_task_without_deadline_gets_nothing(days: int) -> None:
    assert _on(days, _task(deadline=None)) == []


@pytest.mark.parametrize("status", INACTIVE)
@pytest.mark.parametrize("days", [7, 3, 1, -1, -5])
def test_completed_postponed_and_cancelled_tasks_get_nothing(status: Status, days: int) -> None:
    assert _on(days, _task(status=status)) == []


def test_extended_deadline_is_the_one_reminded_of() -> None:
    # Extended from 30/09 to 31/10: reminders follow the current deadline, not the original.
    extended = _task(deadline=date(2025, 10, 31))
    assert due_reminders([extended], date(2025, 9, 29)) == []  # 1 day before the original
    assert due_reminders([extended], date(2025, 10, 1)) == []  # past the original
    assert due_reminders([extended], date(2025, 10, 24)) == [(1, DUE_SOON, 7)]
    assert due_reminders([extended], date(2025, 10, 30)) == [(1, DUE_SOON, 1)]
    assert due_reminders([extended], date(2025, 11, 1)) == [(1, OVERDUE, 1)]


def test_several_tasks_keep_their_order_and_only_due_ones_appear() -> None:
    today = date(2025, 9, 23)
    tasks = [
        _task(5, deadline=today + timedelta(days=3)),
        _task(2, deadline=today + timedelta(days=4)),
        _task(9, status=Status.OVERDUE, deadline=today - timedelta(days=1)),
        _task(3, status=Status.CANCELLED, deadline=today - timedelta(days=1)),
        _task(4, deadline=today + timedelta(days=7)),
    ]
    assert due_reminders(tasks, today) == [
        (5, DUE_SOON, 3),
        (9, OVERDUE, 1),
        (4, DUE_SOON, 7),
    ]


def test_other_offsets() -> None:
    assert _on(14) == []
    assert due_reminders([_task()], DEADLINE - timedelta(days=14), offsets=(14, 2)) == [
        (1, DUE_SOON, 14)
    ]
    assert due_reminders([_task()], DEADLINE - timedelta(days=7), offsets=(14, 2)) == []


@pytest.mark.parametrize("offsets", [(0,), (7, -1)])
def test_offsets_must_be_days_before(offsets: tuple[int, ...]) -> None:
    with pytest.raises(ValueError, match="offsets"):
        due_reminders([_task()], DEADLINE, offsets=offsets)


def test_kinds_are_the_notification_kinds() -> None:
    from dxgov.notifications.models import NotificationKind

    assert {DUE_SOON, OVERDUE} <= set(NotificationKind.values)


@given(
    days=st.integers(min_value=-400, max_value=400),
    status=st.sampled_from(list(Status)),
    offsets=st.sets(st.integers(min_value=1, max_value=60), max_size=5),
)
def test_at_most_one_reminder_and_it_matches_the_dates(
    days: int, status: Status, offsets: set[int]
) -> None:
    today = DEADLINE - timedelta(days=days)
    found = due_reminders([_task(status=status)], today, offsets=offsets)
    assert len(found) <= 1
    active = status in {Status.OPEN, Status.OVERDUE}
    if not active:
        assert found == []
    elif days < 0:
        assert found == [(1, OVERDUE, -days)]
    elif days in offsets:
        assert found == [(1, DUE_SOON, days)]
    else:
        assert found == []


# --- agency digests -----------------------------------------------------------------------

TODAY = date(2025, 9, 23)


def test_digest_counts_open_overdue_and_due_this_week() -> None:
    tasks = [
        _task(1, deadline=TODAY),  # due today: open, this week
        _task(2, deadline=TODAY + timedelta(days=6)),  # last day of the week
        _task(3, deadline=TODAY + timedelta(days=7)),  # next week
        _task(4, deadline=None),  # open, never due
        _task(5, status=Status.OVERDUE, deadline=TODAY - timedelta(days=2)),
        _task(6, status=Status.OPEN, deadline=TODAY - timedelta(days=5)),  # not yet swept
        _task(7, status=Status.CANCELLED, deadline=TODAY - timedelta(days=9)),
        _task(8, status=Status.AWAITING_CONFIRMATION, deadline=TODAY),
    ]
    assert agency_digests(tasks, TODAY) == [
        Digest(agency_id=10, open=4, overdue=2, due_this_week=2, overdue_task_ids=(6, 5))
    ]
    assert agency_digests(tasks, TODAY)[0].active == 6


def test_digest_per_agency_and_none_for_agencies_with_nothing_active() -> None:
    tasks = [
        _task(1, agency=30, deadline=TODAY + timedelta(days=1)),
        _task(2, agency=20, status=Status.OVERDUE, deadline=TODAY - timedelta(days=1)),
        _task(3, agency=20, status=Status.OVERDUE, deadline=TODAY - timedelta(days=1)),
        _task(4, agency=40, status=Status.DONE_ON_TIME),
        _task(5, agency=50, status=Status.POSTPONED),
    ]
    digests = agency_digests(tasks, TODAY)
    assert [d.agency_id for d in digests] == [20, 30]
    assert digests[0] == Digest(20, open=0, overdue=2, due_this_week=0, overdue_task_ids=(2, 3))
    assert digests[1] == Digest(30, open=1, overdue=0, due_this_week=1, overdue_task_ids=())


def test_no_tasks_no_digests() -> None:
    assert agency_digests([], TODAY) == []
