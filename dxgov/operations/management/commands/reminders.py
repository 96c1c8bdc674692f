from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from dxgov.operations.daily import run_daily


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--today must be a date as YYYY-MM-DD, not {text!r}") from None


class Command(BaseCommand):
    help = (
        "Task reminders: `dxgov reminders run [--today YYYY-MM-DD]` marks overdue tasks, then "
        "sends due-soon and overdue reminders and the agencies' daily digests, and reminders for "
        "reports due soon or late, and the coordinators' notices (each only once); then "
        "recomputes every forecast (`dxgov forecasts recompute`)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["run"])
        parser.add_argument("--today", type=str, default=None, help="the day to run for")

    def handle(self, *args: Any, **options: Any) -> None:
        day = _date(options["today"]) if options["today"] else timezone.localdate()
        result = run_daily(day)
        self.stdout.write(
            f"{day.isoformat()}: {result.overdue} task(s) became overdue; "
            f"{result.reminders} reminder(s) and {result.digests} digest(s) sent; "
            f"{result.report_reminders} reporting reminder(s) sent; "
            f"{result.forecasts} forecast(s) recomputed"
        )
