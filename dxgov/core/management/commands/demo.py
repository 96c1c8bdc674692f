from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from dxgov.core.demo import DEMO_PASSWORD, DEMO_TOTP_KEY_BASE32, load_demo_users
from dxgov.directives.demo import load_directive_demo
from dxgov.orgunits.actions import load_orgunits


class Command(BaseCommand):
    help = (
        "Load reference data (units, agencies), demo accounts and demo directives and tasks. "
        "Safe to run again."
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
