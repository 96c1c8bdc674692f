from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from dxgov.forecasting.actions import recompute_forecasts


class Command(BaseCommand):
    help = (
        "Forecasts: `dxgov forecasts recompute` projects every target's indicator for every "
        "agency it applies to and replaces the stored forecasts (run nightly)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["recompute"])

    def handle(self, *args: Any, **options: Any) -> None:
        summary = recompute_forecasts(acting_user=None)
        counts = ", ".join(f"{status}: {count}" for status, count in summary.by_status.items())
        self.stdout.write(f"{summary.series} forecast(s) in {summary.seconds:.1f} s ({counts})")
