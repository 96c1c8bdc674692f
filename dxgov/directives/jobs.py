"""Background jobs (django-tasks): the daily refresh, reminders and digests, and the nightly
forecasts (dxgov.forecasting), so one timer schedules them all.

Arguments are JSON: a day is an ISO date string, or None for today. Something outside the
platform starts the day's run (a timer calling `dxgov reminders run`, or enqueueing
`daily_reminders`); running it twice the same day sends nothing twice.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

from django.utils import timezone
from django_tasks import task

from dxgov.dashboard import feed
from dxgov.directives.actions import refresh_overdue
from dxgov.directives.reminder_actions import send_agency_digests, send_task_reminders
from dxgov.forecasting.actions import recompute_forecasts
from dxgov.reporting.jobs import send_report_reminders
from dxgov.scoring.aggregate import rescore_pending
from dxgov.scoring.jobs import prune_task_results


def _day(today: str | None) -> date:
    return date.fromisoformat(today) if today else timezone.localdate()


@dataclass(frozen=True)
class DailyRun:
    overdue: int  # tasks moved to overdue
    reminders: int  # reminder notifications created
    digests: int  # digest notifications created
    report_reminders: int = 0  # reporting reminders (due soon, late) created
    forecasts: int = 0  # forecasts recomputed (indicator × agency × target)
    rescored: int = 0  # Decision 766 scores a worker had not yet recomputed


def run_daily(day: date) -> DailyRun:
    """Statuses first, so reminders and digests see today's overdue tasks; the forecasts last
    (they read only approved figures, and the dashboard's warnings read them)."""
    moved = refresh_overdue(acting_user=None, today=day)
    reminders = send_task_reminders(day)
    digests = send_agency_digests(day)
    report_reminders = send_report_reminders(day)
    feed.prune()
    # A safety net: marks a worker has not taken (none running, or it failed) are re-scored.
    rescored = rescore_pending().scores
    prune_task_results(day)
    return DailyRun(
        overdue=moved,
        reminders=reminders,
        digests=digests,
        report_reminders=report_reminders,
        forecasts=recompute_forecasts(acting_user=None).series,
        rescored=rescored,
    )


@task()
def task_reminders(today: str | None = None) -> int:
    return send_task_reminders(_day(today))


@task()
def agency_digests(today: str | None = None) -> int:
    return send_agency_digests(_day(today))


@task()
def daily_reminders(today: str | None = None) -> dict[str, int]:
    return asdict(run_daily(_day(today)))
