from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from dxgov.dashboard.digest import send_weekly_digests, week_key


class Command(BaseCommand):
    help = (
        "Early-warning digest: `dxgov digest weekly [--today YYYY-MM-DD]` sends each leader "
        "their agency's warnings, once per ISO week (running it again sends nothing)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["weekly"])
        parser.add_argument("--today", type=str, default=None, help="the day to run for")

    def handle(self, *args: Any, **options: Any) -> None:
        day = timezone.localdate()
        if options["today"]:
            try:
                day = date.fromisoformat(options["today"])
            except ValueError:
                raise CommandError(
                    f"--today must be a date as YYYY-MM-DD, not {options['today']!r}"
                ) from None
        sent = send_weekly_digests(day)
        self.stdout.write(f"{week_key(day)}: {sent} digest(s) sent")
