from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from dxgov.core.demo import DEMO_PASSWORD, DEMO_TOTP_KEY_BASE32, load_demo_users
from dxgov.directives.demo import load_directive_demo
from dxgov.dossiers.models import Dossier
from dxgov.forecasting.actions import recompute_forecasts
from dxgov.forecasting.models import Forecast
from dxgov.orgunits.actions import load_orgunits
from dxgov.reporting import generate
from dxgov.reporting.demo import describe, load_reporting_demo
from dxgov.reporting.periods import parse_period
from dxgov.scoring import demo as scoring_demo
from dxgov.scoring import generation

# ~46 M dossiers a year nationally × this: about 1,700 a month, enough for every unit to rank.
DEMO_DOSSIER_SCALE = 0.00045


class Command(BaseCommand):
    help = (
        "Load reference data (units, agencies), demo accounts, demo directives and tasks, and "
        "demo indicators, targets and reports, and generated dossiers with their 766 scores. "
        "Safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reporting-since",
            default="",
            help="First month of the generated monthly reports, e.g. 202401 for the whole "
            f"history (default: the last twelve closed months; {generate.FIRST_MONTH.code} is "
            "the earliest). Months already loaded are skipped.",
        )
        parser.add_argument(
            "--commune-months",
            type=int,
            default=2,
            help="How many recent months of Phú Thọ's communes' reports to load (default 2).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = load_orgunits(acting_user=None)
        self.stdout.write(
            f"reference data: {result.totals.get('units', 0)} units, "
            f"{result.totals.get('agencies', 0)} agencies"
            + ("" if result.changed else " (already up to date)")
        )
        people = load_demo_users()
        self.stdout.write("\nDemo accounts (password for all: " + DEMO_PASSWORD + "):")
        self.stdout.write(
            "Administrators, coordinators and leaders also give a code from an authenticator "
            f"app (TOTP) with the demo key {DEMO_TOTP_KEY_BASE32}, "
            f"e.g. oathtool --totp -b {DEMO_TOTP_KEY_BASE32}"
        )
        for person, was_created in people:
            mark = "new" if was_created else "kept"
            self.stdout.write(
                f"  {person.username:<20} {person.role.label:<24} {person.agency_code:<14} [{mark}]"
            )
        tasks = load_directive_demo(today=timezone.localdate())
        self.stdout.write(
            f"\ndemo directives: +{tasks['directives']} "
            f"({tasks['directives_skipped']} already there); "
            f"tasks: +{tasks['tasks']} through actions, +{tasks['tasks_imported']} imported"
        )
        since = options["reporting_since"]
        first = parse_period(since) if since else None
        if first is not None and first.frequency != "month":
            raise CommandError("--reporting-since takes a month, e.g. 202401")
        reporting = load_reporting_demo(
            today=timezone.localdate(),
            first_month=max(first, generate.FIRST_MONTH) if first else None,
            commune_months=options["commune_months"],
        )
        self.stdout.write(f"\ndemo indicators and reports: {describe(reporting)}")
        self._dossiers()
        if Forecast.objects.exists():
            # The nightly job recomputes them; a second demo run changes nothing.
            self.stdout.write("forecasts: already computed")
            return
        forecasts = recompute_forecasts(acting_user=None)
        self.stdout.write(
            f"forecasts: {forecasts.series} recomputed in {forecasts.seconds:.1f} s "
            f"({', '.join(f'{k}: {v}' for k, v in forecasts.by_status.items())})"
        )

    def _dossiers(self) -> None:
        """Generated dossiers of the last three months for every unit, at a small scale,
        received through the ingestion action (validation, audit, incremental 766 scores)."""
        if Dossier.objects.exists():
            self.stdout.write("demo dossiers: already loaded")
            return
        today = timezone.localdate()
        months = sorted({(today.month - back - 1) % 12 + 1 for back in range(3)})
        if today.month < 3:
            months = [today.month]  # the generator works within one year
        procedures, plans, pairs = generation.generated(
            year=today.year, scale=DEMO_DOSSIER_SCALE, seed=2025, until=today, months=months
        )
        counts = scoring_demo.ingest(procedures, plans, pairs, batch=2000, prefix="demo")
        self.stdout.write(
            f"demo dossiers: {sum(counts.values())} records from {len(counts)} source systems "
            f"(months {', '.join(map(str, months))} of {today.year}), scored as they arrived"
        )
