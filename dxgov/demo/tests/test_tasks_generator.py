"""The generated-task planner (pure): every planned task is consistent with the status rules."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from dxgov.demo import tasks as generate
from dxgov.demo.tasks import AgencyChoice, TaskPlan
from dxgov.directives.rules import DONE, Status, status_on

POOL = [
    AgencyChoice("BCA", "ministry"),
    AgencyChoice("BTC", "ministry"),
    AgencyChoice("BKHCN", "ministry"),
    AgencyChoice("BNNMT", "ministry", valid_from=date(2025, 3, 1)),
    AgencyChoice("BTTTT", "ministry", valid_to=date(2025, 2, 28)),
    AgencyChoice("UBND-T25", "province", valid_from=date(2025, 7, 1)),
    AgencyChoice("UBND-T25-CU", "province", valid_to=date(2025, 6, 30)),
    AgencyChoice("SO-25-KHCN", "department", valid_from=date(2025, 7, 1)),
]


def _plan(seed: int, count: int, today: date, directives: int = 4) -> list[TaskPlan]:
    rng = random.Random(seed)
    plans = generate.plan_directives(rng, directives, today)
    return list(generate.plan_tasks(rng, count, plans, POOL, today))


def _assert_consistent(task: TaskPlan, issued: date, today: date) -> None:
    assert task.original_deadline is not None and task.deadline is not None
    assert issued <= task.original_deadline <= task.deadline
    if task.status in DONE:
        assert task.completed_on is not None and issued <= task.completed_on <= today
        assert task.status == status_on(
            task.deadline, today, task.completed_on, task.original_deadline
        )
        assert task.progress_percent == 100
    elif task.status == Status.AWAITING_CONFIRMATION:
        assert task.completed_on is not None and task.completed_on <= today
    else:
        assert task.completed_on is None
        assert task.status == status_on(task.deadline, today)
        assert task.progress_percent < 100


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(min_value=0, max_value=10**6),
    today=st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)),
)
def test_every_planned_task_is_consistent(seed: int, today: date) -> None:
    rng = random.Random(seed)
    directives = generate.plan_directives(rng, 3, today)
    issued = {d.number: d.issued_on for d in directives}
    assert all(d.issued_on <= today for d in directives)
    for task in generate.plan_tasks(rng, 60, directives, POOL, today):
        _assert_consistent(task, issued[task.directive_number], today)
        lead = next(a for a in POOL if a.code == task.lead)
        assert task.lead not in task.coordinating
        assert lead.in_force_on(issued[task.directive_number]) or not any(
            a.in_force_on(issued[task.directive_number]) for a in POOL if a.group == lead.group
        )


def test_the_mix_is_the_government_offices() -> None:
    today = date(2026, 6, 1)
    tasks = _plan(2025, 6000, today, directives=20)
    statuses = Counter(t.status for t in tasks)
    done = statuses[Status.DONE_ON_TIME] + statuses[Status.DONE_LATE]
    assert abs(done / 6000 - 0.803) < 0.02
    assert abs(statuses[Status.OPEN] / 6000 - 0.1647) < 0.02
    assert abs(statuses[Status.OVERDUE] / 6000 - 0.0323) < 0.01
    assert abs(sum(t.is_key for t in tasks) / 6000 - 0.119) < 0.02
    extended = [t for t in tasks if t.deadline != t.original_deadline]
    assert 0.03 < len(extended) / 6000 < 0.07
    # Extensions never rescue a late task: on time is judged by the original deadline.
    assert any(t.status == Status.DONE_LATE for t in extended)
    assert all(
        t.completed_on <= t.original_deadline  # type: ignore[operator]
        for t in extended
        if t.status == Status.DONE_ON_TIME
    )


def test_same_seed_same_plan_and_numbers_avoid_the_taken_ones() -> None:
    today = date(2026, 1, 15)
    assert _plan(7, 100, today) == _plan(7, 100, today)
    assert _plan(7, 100, today) != _plan(8, 100, today)
    first = generate.plan_directives(random.Random(3), 10, today)
    taken = {d.number for d in first}
    again = generate.plan_directives(random.Random(3), 10, today, taken)
    assert not taken & {d.number for d in again}
    assert not generate.RESERVED_NUMBERS & taken
    assert all(generate.window(today)[0] <= d.issued_on <= today for d in [*first, *again])


def test_early_days_and_small_counts() -> None:
    # On the day of issue nothing can be overdue or late.
    today = date(2025, 1, 1)
    rng = random.Random(1)
    directive = generate.DirectivePlan("chi_thi", "99/CT-TTg", today, "t")
    tasks = list(generate.plan_tasks(rng, 300, [directive], POOL, today))
    assert {t.status for t in tasks} <= {
        Status.OPEN,
        Status.DONE_ON_TIME,
        Status.AWAITING_CONFIRMATION,
    }
    assert generate.directive_count(0) == 0
    assert generate.directive_count(10) == 1
    assert generate.directive_count(300) == 12
    assert generate.directive_count(3000) == 20
    assert list(generate.plan_tasks(rng, 0, [directive], POOL, today)) == []
    assert generate.window(date(2025, 1, 10))[0] == date(2024, 11, 11)
