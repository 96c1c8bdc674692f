from __future__ import annotations

from datetime import date, timedelta

from django.utils import translation

from dxgov.forecasting import forecast as fc
from dxgov.forecasting.forecast import TaskFacts, TaskRiskCode, task_risk, tasks_at_risk

TODAY = date(2026, 6, 15)


def facts(**changes: object) -> TaskFacts:
    base: dict[str, object] = {
        "deadline": TODAY + timedelta(days=60),
        "progress_percent": 40,
        "status": "open",
        "last_report_on": TODAY - timedelta(days=3),
        "assigned_on": TODAY - timedelta(days=90),
    }
    base.update(changes)
    return TaskFacts(**base)  # type: ignore[arg-type]


def test_a_task_moving_along_is_not_at_risk() -> None:
    risk = task_risk(facts(), today=TODAY)
    assert not risk.at_risk and risk.codes == () and risk.reasons == ()


def test_overdue() -> None:
    with translation.override("en"):
        risk = task_risk(facts(deadline=TODAY - timedelta(days=3)), today=TODAY)
    assert risk.codes == (TaskRiskCode.OVERDUE,)
    assert risk.reasons == ("Overdue by 3 days.",)


def test_deadline_near_and_progress_low_at_the_thresholds() -> None:
    near = TODAY + timedelta(days=fc.NEAR_DEADLINE_DAYS)
    low = fc.NEAR_DEADLINE_MIN_PROGRESS - 1
    with translation.override("en"):
        risk = task_risk(facts(deadline=near, progress_percent=low), today=TODAY)
    assert risk.codes == (TaskRiskCode.DEADLINE_NEAR_LOW_PROGRESS,)
    assert risk.reasons == (f"Deadline in 14 days with only {low}% done.",)
    enough = facts(deadline=near, progress_percent=fc.NEAR_DEADLINE_MIN_PROGRESS)
    assert not task_risk(enough, today=TODAY).at_risk
    later = facts(deadline=near + timedelta(days=1), progress_percent=0)
    assert not task_risk(later, today=TODAY).at_risk


def test_silence_counts_from_the_last_report_or_the_assignment() -> None:
    stale = TODAY - timedelta(days=fc.STALE_REPORT_DAYS)
    with translation.override("en"):
        risk = task_risk(facts(last_report_on=stale), today=TODAY)
    assert risk.codes == (TaskRiskCode.NO_RECENT_REPORT,)
    assert risk.reasons == ("No progress report for 30 days.",)
    fresh = TODAY - timedelta(days=fc.STALE_REPORT_DAYS - 1)
    assert not task_risk(facts(last_report_on=fresh), today=TODAY).at_risk
    never = facts(last_report_on=None, assigned_on=stale)
    assert task_risk(never, today=TODAY).codes == (TaskRiskCode.NO_RECENT_REPORT,)
    unknown = facts(last_report_on=None, assigned_on=None)
    assert not task_risk(unknown, today=TODAY).at_risk


def test_reasons_add_up() -> None:
    risk = task_risk(
        facts(deadline=TODAY - timedelta(days=1), last_report_on=TODAY - timedelta(days=45)),
        today=TODAY,
    )
    assert risk.codes == (TaskRiskCode.OVERDUE, TaskRiskCode.NO_RECENT_REPORT)


def test_finished_or_paused_tasks_are_never_at_risk() -> None:
    for status in ["done_on_time", "done_late", "awaiting_confirmation", "postponed", "cancelled"]:
        late = facts(status=status, deadline=TODAY - timedelta(days=30), last_report_on=None)
        assert not task_risk(late, today=TODAY).at_risk


def test_tasks_at_risk_keeps_only_those_at_risk() -> None:
    tasks = {
        1: facts(),
        2: facts(deadline=TODAY - timedelta(days=2)),
        3: facts(status="cancelled", deadline=TODAY - timedelta(days=2)),
    }
    result = tasks_at_risk(tasks, today=TODAY)
    assert list(result) == [2]
    assert result[2].codes == (TaskRiskCode.OVERDUE,)
