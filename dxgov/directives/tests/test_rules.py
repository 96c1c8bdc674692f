"""The task status state machine, exhaustively: every status × every action, and the dates."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from dxgov.directives import rules
from dxgov.directives.models import TaskStatus
from dxgov.directives.rules import (
    Action,
    Status,
    TransitionNotAllowed,
    check_transition,
    completion_status,
    deadline_problem,
    extended_deadlines,
    extension_problem,
    status_label,
    status_on,
)

DEADLINE = date(2025, 9, 30)
DAY_AFTER = DEADLINE + timedelta(days=1)
DAY_BEFORE = DEADLINE - timedelta(days=1)
EXTENDED = date(2025, 12, 31)

S = Status
# Every (status, action) pair that is allowed, and what it leads to. Actions whose result
# depends on dates are given with dates before the deadline (open) and completed on time.
ALLOWED: dict[tuple[Status, Action], Status] = {
    (S.OPEN, Action.REPORT_PROGRESS): S.OPEN,
    (S.OVERDUE, Action.REPORT_PROGRESS): S.OVERDUE,
    (S.OPEN, Action.MARK_DONE): S.AWAITING_CONFIRMATION,
    (S.OVERDUE, Action.MARK_DONE): S.AWAITING_CONFIRMATION,
    (S.AWAITING_CONFIRMATION, Action.CONFIRM): S.DONE_ON_TIME,
    (S.AWAITING_CONFIRMATION, Action.RETURN_TASK): S.OPEN,
    (S.OPEN, Action.POSTPONE): S.POSTPONED,
    (S.OVERDUE, Action.POSTPONE): S.POSTPONED,
    (S.POSTPONED, Action.RESUME): S.OPEN,
    (S.OPEN, Action.CANCEL): S.CANCELLED,
    (S.OVERDUE, Action.CANCEL): S.CANCELLED,
    (S.AWAITING_CONFIRMATION, Action.CANCEL): S.CANCELLED,
    (S.POSTPONED, Action.CANCEL): S.CANCELLED,
    (S.OPEN, Action.REQUEST_EXTENSION): S.OPEN,
    (S.OVERDUE, Action.REQUEST_EXTENSION): S.OVERDUE,
    (S.OPEN, Action.APPROVE_EXTENSION): S.OPEN,
    (S.OVERDUE, Action.APPROVE_EXTENSION): S.OPEN,
}
ALL_PAIRS = [(status, action) for status in Status for action in Action]
REFUSED = [pair for pair in ALL_PAIRS if pair not in ALLOWED]


def _apply(status: Status, action: Action) -> Status:
    return check_transition(
        status,
        action,
        today=DAY_BEFORE,
        deadline=DEADLINE,
        original_deadline=DEADLINE,
        completed_on=DAY_BEFORE,
    )


def test_status_codes_are_the_glossary_codes_and_the_model_choices() -> None:
    expected = {
        "open",
        "overdue",
        "done_on_time",
        "done_late",
        "awaiting_confirmation",
        "postponed",
        "cancelled",
    }
    assert {s.value for s in Status} == expected
    assert set(TaskStatus.values) == expected


@pytest.mark.parametrize(("status", "action"), list(ALLOWED))
def test_allowed_transition(status: Status, action: Action) -> None:
    assert _apply(status, action) == ALLOWED[(status, action)]


@pytest.mark.parametrize(("status", "action"), REFUSED)
def test_refused_transition_says_why(status: Status, action: Action) -> None:
    with pytest.raises(TransitionNotAllowed) as refused:
        _apply(status, action)
    assert refused.value.current == status and refused.value.action == action
    assert str(refused.value) == refused.value.message and len(refused.value.message) > 20


def test_the_table_covers_every_pair() -> None:
    assert len(ALLOWED) + len(REFUSED) == len(Status) * len(Action) == 63


def test_final_statuses_allow_nothing() -> None:
    for status in (S.DONE_ON_TIME, S.DONE_LATE, S.CANCELLED):
        assert all((status, action) in REFUSED for action in Action)


def test_refusal_messages_name_the_reason() -> None:
    with translation.override("en"):
        with pytest.raises(
            TransitionNotAllowed, match="Only a task awaiting confirmation can be confirmed"
        ):
            check_transition(S.OPEN, Action.CONFIRM)
        with pytest.raises(TransitionNotAllowed, match="this one is overdue"):
            check_transition(S.OVERDUE, Action.RETURN_TASK, today=DAY_AFTER, deadline=DEADLINE)
        with pytest.raises(TransitionNotAllowed, match="cancelled"):
            check_transition(S.CANCELLED, Action.REPORT_PROGRESS)
        with pytest.raises(TransitionNotAllowed, match="already completed"):
            check_transition(S.DONE_LATE, Action.MARK_DONE)
        with pytest.raises(TransitionNotAllowed, match="awaiting confirmation"):
            check_transition(S.AWAITING_CONFIRMATION, Action.REPORT_PROGRESS)
        with pytest.raises(TransitionNotAllowed, match="postponed; resume"):
            check_transition(S.POSTPONED, Action.MARK_DONE)
        with pytest.raises(TransitionNotAllowed, match="Only a postponed task"):
            check_transition(S.OPEN, Action.RESUME, today=DAY_BEFORE)


def test_refusal_message_in_vietnamese() -> None:
    with translation.override("vi"), pytest.raises(TransitionNotAllowed) as refused:
        check_transition(S.OPEN, Action.CONFIRM)
    assert "chờ xác nhận" in refused.value.message


# --- the deadline boundary --------------------------------------------------------------


def test_open_through_the_deadline_day_and_overdue_the_day_after() -> None:
    assert status_on(DEADLINE, DAY_BEFORE) == S.OPEN
    assert status_on(DEADLINE, DEADLINE) == S.OPEN
    assert status_on(DEADLINE, DAY_AFTER) == S.OVERDUE


def test_a_task_without_deadline_is_never_overdue() -> None:
    assert status_on(None, date(2099, 1, 1)) == S.OPEN
    assert completion_status(None, date(2099, 1, 1)) == S.DONE_ON_TIME


def test_completed_on_the_deadline_is_on_time_the_day_after_is_late() -> None:
    assert completion_status(DEADLINE, DAY_BEFORE) == S.DONE_ON_TIME
    assert completion_status(DEADLINE, DEADLINE) == S.DONE_ON_TIME
    assert completion_status(DEADLINE, DAY_AFTER) == S.DONE_LATE


def test_confirm_judges_against_the_original_deadline() -> None:
    def confirm(completed: date) -> Status:
        return check_transition(
            S.AWAITING_CONFIRMATION,
            Action.CONFIRM,
            deadline=EXTENDED,
            original_deadline=DEADLINE,
            completed_on=completed,
        )

    assert confirm(DEADLINE) == S.DONE_ON_TIME
    # After the original deadline but before the extended one: still late.
    assert confirm(DAY_AFTER) == S.DONE_LATE
    assert confirm(EXTENDED) == S.DONE_LATE


def test_status_on_a_completed_task_uses_the_original_deadline() -> None:
    assert status_on(EXTENDED, DAY_AFTER, DAY_AFTER, DEADLINE) == S.DONE_LATE
    assert status_on(EXTENDED, DAY_AFTER, DEADLINE, DEADLINE) == S.DONE_ON_TIME
    # With no original deadline recorded, the deadline is the yardstick.
    assert status_on(DEADLINE, DAY_AFTER, DEADLINE) == S.DONE_ON_TIME


def test_confirm_without_completion_date_is_refused() -> None:
    with pytest.raises(TransitionNotAllowed):
        check_transition(S.AWAITING_CONFIRMATION, Action.CONFIRM, original_deadline=DEADLINE)


def test_confirm_late_task() -> None:
    status = check_transition(
        S.AWAITING_CONFIRMATION, Action.CONFIRM, original_deadline=DEADLINE, completed_on=DAY_AFTER
    )
    assert status == S.DONE_LATE


@pytest.mark.parametrize(
    ("today", "expected"), [(DAY_BEFORE, S.OPEN), (DEADLINE, S.OPEN), (DAY_AFTER, S.OVERDUE)]
)
def test_returned_or_resumed_task_is_open_or_overdue_by_its_deadline(
    today: date, expected: Status
) -> None:
    for current, action in (
        (S.AWAITING_CONFIRMATION, Action.RETURN_TASK),
        (S.POSTPONED, Action.RESUME),
    ):
        assert check_transition(current, action, today=today, deadline=DEADLINE) == expected


def test_back_to_work_needs_today() -> None:
    with pytest.raises(TypeError):
        check_transition(S.AWAITING_CONFIRMATION, Action.RETURN_TASK, deadline=DEADLINE)


# --- extensions -------------------------------------------------------------------------


def test_approved_extension_makes_an_overdue_task_open_again() -> None:
    status = check_transition(
        S.OVERDUE, Action.APPROVE_EXTENSION, today=DAY_AFTER, deadline=EXTENDED
    )
    assert status == S.OPEN


def test_extension_already_past_leaves_the_task_overdue() -> None:
    today = EXTENDED + timedelta(days=1)
    assert (
        check_transition(S.OVERDUE, Action.APPROVE_EXTENSION, today=today, deadline=EXTENDED)
        == S.OVERDUE
    )


def test_extension_never_moves_the_original_deadline() -> None:
    assert extended_deadlines(DEADLINE, DEADLINE, EXTENDED) == (DEADLINE, EXTENDED)
    # A second extension: the original stays the first deadline.
    later = EXTENDED + timedelta(days=90)
    assert extended_deadlines(DEADLINE, EXTENDED, later) == (DEADLINE, later)
    # No original recorded: the deadline being extended becomes it.
    assert extended_deadlines(None, DEADLINE, EXTENDED) == (DEADLINE, EXTENDED)


def test_extension_problems() -> None:
    assert extension_problem(DEADLINE, EXTENDED, DAY_BEFORE) is None
    assert extension_problem(DEADLINE, EXTENDED, DAY_AFTER) is None  # overdue tasks may ask
    assert extension_problem(None, EXTENDED, DAY_BEFORE)
    assert extension_problem(DEADLINE, DEADLINE, DAY_BEFORE)
    assert extension_problem(DEADLINE, DAY_BEFORE, DAY_BEFORE)
    assert extension_problem(DEADLINE, DAY_AFTER, DAY_AFTER + timedelta(days=5))


def test_deadline_may_be_the_issue_date_but_not_before() -> None:
    issued = date(2025, 6, 1)
    assert deadline_problem(None, issued) is None
    assert deadline_problem(issued, issued) is None
    with translation.override("en"):
        problem = deadline_problem(issued - timedelta(days=1), issued)
    assert problem is not None and "31/05/2025" in problem and "01/06/2025" in problem


def test_every_status_has_a_label() -> None:
    assert all(status_label(status) for status in Status)


@given(
    deadline=st.dates(date(2020, 1, 1), date(2030, 12, 31)),
    completed=st.dates(date(2020, 1, 1), date(2030, 12, 31)),
    extension_days=st.integers(min_value=1, max_value=720),
)
def test_extension_never_turns_a_late_completion_on_time(
    deadline: date, completed: date, extension_days: int
) -> None:
    original, working = extended_deadlines(deadline, deadline, deadline + timedelta(extension_days))
    confirmed = check_transition(
        S.AWAITING_CONFIRMATION,
        Action.CONFIRM,
        deadline=working,
        original_deadline=original,
        completed_on=completed,
    )
    assert confirmed == (S.DONE_ON_TIME if completed <= deadline else S.DONE_LATE)


@pytest.mark.parametrize(
    "number",
    [
        "155/NQ-CP",
        "34/CT-TTg",
        "766/QĐ-TTg",
        "202/2025/QH15",
        "01/2020/TT-VPCP",
        "02-KH/BCĐTW",
        "02/TB-UBQGCĐS",
        "1911/QĐ-TTg",
    ],
)
def test_directive_numbers_in_the_administrative_format(number: str) -> None:
    assert rules.number_problem(number) is None


@pytest.mark.parametrize(
    "number", ["155 NQ-CP", "NQ-CP", "155/", "155/nq-cp", "155/NQ--CP", "/NQ-CP", "155/NQ-CP "]
)
def test_malformed_directive_numbers_are_refused(number: str) -> None:
    problem = rules.number_problem(number)
    assert problem is not None and number in problem
