from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from dxgov.demo import reports as generate
from dxgov.demo import scoring as scoring_demo
from dxgov.demo import scoring_generation as generation
from dxgov.demo.committees import load_committees_demo, load_national_history
from dxgov.demo.directives import load_directive_demo
from dxgov.demo.first_day import live_first_day, mail_to_files
from dxgov.demo.indices import load_indices_demo
from dxgov.demo.investments import describe as describe_investments
from dxgov.demo.investments import load_investment_demo
from dxgov.demo.programmes import load_programme_demo
from dxgov.demo.reporting import describe, load_reporting_demo
from dxgov.demo.users import DEMO_PASSWORD, DEMO_TOTP_KEY_BASE32, load_demo_users
from dxgov.dossiers.models import Dossier
from dxgov.orgunits.actions import load_orgunits
from dxgov.reporting.periods import parse_period

# ~46 M dossiers a year nationally × this: about 1,700 a month, enough for every unit to rank.
DEMO_DOSSIER_SCALE = 0.00045


class Command(BaseCommand):
    help = (
        "Load reference data (units, agencies), demo accounts, demo directives and tasks, and "
        "demo indicators, targets and reports, and generated dossiers with their 766 scores; "
        "then the platform's first day: the day's run (reminders, notifications, forecasts) "
        "and a signed audit checkpoint. Safe to run again."
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
        # Before the directives: the National Committee's second session issues the notice
        # whose 27 tasks the directives' demo would otherwise enter itself.
        national = load_national_history(today=timezone.localdate())
        self.stdout.write(
            "\nNational Committee on Digital Transformation (2022): "
            + (
                f"sessions 2 and 3, {national['tasks']} tasks assigned by their notices"
                if national["committees"]
                else "already there"
            )
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
        with mail_to_files():  # the notices of the reports' steps: not across the output
            reporting = load_reporting_demo(
                today=timezone.localdate(),
                first_month=max(first, generate.FIRST_MONTH) if first else None,
                commune_months=options["commune_months"],
            )
        self.stdout.write(f"\ndemo indicators and reports: {describe(reporting)}")
        self._dossiers()
        indices = load_indices_demo()
        self.stdout.write(
            "composite indices (DTI): "
            + ", ".join(f"{key}: {value}" for key, value in indices.items())
        )
        programmes = load_programme_demo()
        self.stdout.write(
            "programmes (Directive 34/CT-TTg): "
            + ", ".join(f"{key}: {value}" for key, value in programmes.items())
        )
        with mail_to_files():  # the Friday reminders of the investors' officers
            investments = load_investment_demo(today=timezone.localdate())
        self.stdout.write("public investment: " + describe_investments(investments))
        self._first_day()
        # After the first day: the report to Phú Thọ's next session reads its forecasts.
        with mail_to_files():  # the invitations and ballots' notices
            committees = load_committees_demo(today=timezone.localdate())
        self.stdout.write(
            "Phú Thọ's steering committee: "
            + (
                "a session held, the next one with its report, three ballots"
                if committees["committees"]
                else "already there"
            )
        )

    def _first_day(self) -> None:
        """The day's run and a signed checkpoint, once (dxgov.demo.first_day)."""
        day = live_first_day(timezone.localdate())
        if day.run is None:
            self.stdout.write("first day: already lived (the ledger has a checkpoint)")
            return
        run = day.run
        self.stdout.write(
            f"first day: {run.overdue} task(s) became overdue; {run.reminders} reminder(s), "
            f"{run.digests} digest(s) (the coordinators' too) and {run.report_reminders} "
            f"reporting reminder(s) and notice(s) sent; {run.forecasts} forecast(s) computed"
            + (f"; e-mails written to {day.mail_folder}" if day.mail_folder else "")
        )
        if day.checkpoint is not None:
            self.stdout.write(
                f"audit checkpoint signed over events {day.checkpoint.seq_from}–"
                f"{day.checkpoint.seq_to}"
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
