from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from dxgov.orgunits.actions import load_orgunits
from dxgov.orgunits.models import Level, OrgUnit
from dxgov.orgunits.registry import CURRENT_VALID_FROM, LEGACY_VALID_TO


class Command(BaseCommand):
    help = (
        "Administrative units and agencies: `dxgov orgs load` (idempotent) or `dxgov orgs stats`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["load", "stats"])

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "load":
            result = load_orgunits(acting_user=None)
            self.stdout.write(
                f"units: +{result.units_created} ~{result.units_updated}; "
                f"successions: +{result.links_created} ~{result.links_updated} "
                f"-{result.links_deleted}; "
                f"agencies: +{result.agencies_created} ~{result.agencies_updated}"
            )
            if not result.changed:
                self.stdout.write("nothing changed: the registry was already up to date")
        self._stats()

    def _stats(self) -> None:
        for label, day in (("current", CURRENT_VALID_FROM), ("legacy", LEGACY_VALID_TO)):
            units = OrgUnit.objects.on(day)
            counts = ", ".join(
                f"{units.filter(level=level).count()} {level.value}" for level in Level
            )
            self.stdout.write(f"{label} ({day.isoformat()}): {counts}")
