"""Background jobs (django-tasks) of the directives app: task reminders and agency digests.

Arguments are JSON: a day is an ISO date string, or None for today. The day's run across every
domain (`dxgov reminders run`, the `daily_reminders` task) is `dxgov.operations.daily`.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django_tasks import task

from dxgov.directives.reminder_actions import send_agency_digests, send_task_reminders


def _day(today: str | None) -> date:
    return date.fromisoformat(today) if today else timezone.localdate()


@task()
def task_reminders(today: str | None = None) -> int:
    return send_task_reminders(_day(today))


@task()
def agency_digests(today: str | None = None) -> int:
    return send_agency_digests(_day(today))
