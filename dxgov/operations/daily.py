"""The day's run across every domain (django-tasks `daily_reminders`, `dxgov reminders run`):
task statuses, reminders and digests (opinion ballots' too), reporting reminders, the change
feed's pruning, a re-scoring safety net, the nightly forecasts and, last, the audit ledger and
the live data against it (`dxgov audit verify --state`), so one timer schedules them all.

Arguments are JSON: a day is an ISO date string, or None for today. Something outside the
platform starts the day's run (a timer calling `dxgov reminders run`, or enqueueing
`daily_reminders`); running it twice the same day sends nothing twice.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import date, datetime, time

from django.utils import timezone
from django_tasks import task

from dxgov.audit.actions import verify_and_record
from dxgov.committees.actions import prune_live_events, send_ballot_reminders
from dxgov.dashboard import feed
from dxgov.directives.actions import refresh_overdue
from dxgov.directives.reminder_actions import (
    send_agency_digests,
    send_coordinator_digests,
    send_task_reminders,
)
from dxgov.forecasting.actions import recompute_forecasts
from dxgov.investments.jobs import send_disbursement_reminders
from dxgov.reporting.jobs import send_missing_report_notices, send_report_reminders
from dxgov.scoring.jobs import prune_task_results
from dxgov.scoring.rounds import rescore_pending


def _day(today: str | None) -> date:
    return date.fromisoformat(today) if today else timezone.localdate()


def _moment(day: date) -> datetime:
    """The moment ballots' deadlines are judged at: now, or 07:00 of a day run afterwards."""
    if day == timezone.localdate():
        return timezone.now()
    return timezone.make_aware(datetime.combine(day, time(7, 0)))


@dataclass(frozen=True)
class DailyRun:
    overdue: int  # tasks moved to overdue
    reminders: int  # reminder notifications created
    digests: int  # digest notifications created
    report_reminders: int = 0  # reporting reminders (due soon, late) created
    forecasts: int = 0  # forecasts recomputed (indicator × agency × target)
    rescored: int = 0  # Decision 766 scores a worker had not yet recomputed
    investment_reminders: int = 0  # weekly disbursement reminders (dispatch 169/CĐ-TTg)


def run_daily(day: date) -> DailyRun:
    """Statuses first, so reminders and digests see today's overdue tasks; the forecasts last
    (they read only approved figures, and the dashboard's warnings read them)."""
    moved = refresh_overdue(acting_user=None, today=day)
    reminders = send_task_reminders(day)
    # Opinion ballots: due-soon reminders and overdue warnings, each once (dedupe keys).
    reminders += send_ballot_reminders(_moment(day))
    digests = send_agency_digests(day)
    report_reminders = send_report_reminders(day)
    # The coordinators' side: their digest of work waiting for them (tasks to confirm,
    # extensions to decide), and the receiving agency's notice of reports not received.
    digests += send_coordinator_digests(day)
    report_reminders += send_missing_report_notices(day)
    investment_reminders = send_disbursement_reminders(day)
    feed.prune()
    prune_live_events()
    # A safety net: marks a worker has not taken (none running, or it failed) are re-scored.
    rescored = rescore_pending().scores
    prune_task_results(day)
    result = DailyRun(
        overdue=moved,
        reminders=reminders,
        digests=digests,
        report_reminders=report_reminders,
        forecasts=recompute_forecasts(acting_user=None).series,
        rescored=rescored,
        investment_reminders=investment_reminders,
    )
    verify_ledger()
    return result


logger = logging.getLogger(__name__)


def verify_ledger() -> None:
    """The chain, its checkpoints and every audited live row against it, after the day's own
    writes; the outcome is kept (VerificationRun) for the /audit/ page."""
    report, run = verify_and_record(acting_user=None, state=True)
    if not run.ok:
        state = report.state.problems if report.state is not None else 0
        logger.warning(
            "audit verification found problems",
            extra={"chain": len(report.problems), "live_rows": state, "run": run.pk},
        )


@task()
def daily_reminders(today: str | None = None) -> dict[str, int]:
    return asdict(run_daily(_day(today)))
