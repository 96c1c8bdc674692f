"""`dxgov holidays list [--year Y] | add DATE NAME [--working] --user U`: the deadline calendar."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from dxgov.accounts.models import User
from dxgov.core.holidays import calendar_for
from dxgov.core.models import Holiday
from dxgov.reporting import actions


class Command(BaseCommand):
    help = (
        "The days off that move reporting deadlines: `list` shows the statutory holidays and "
        "the configured ones of a year; `add DATE NAME` adds a day off (e.g. a compensatory "
        "day), `--working` declares a weekend day a working day instead."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["list", "add"])
        parser.add_argument("day", nargs="?", type=date.fromisoformat, help="YYYY-MM-DD")
        parser.add_argument("name", nargs="?", default="", help="what the day is")
        parser.add_argument("--working", action="store_true", help="a working day (làm bù)")
        parser.add_argument("--year", type=int, default=None)
        parser.add_argument("--user", default="", help="the coordinator making the change")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            year = options["year"] or timezone.localdate().year
            days = sorted(calendar_for({year}).holidays)
            configured = {h.day: h for h in Holiday.objects.filter(day__year=year)}
            for day in days:
                note = configured[day].name if day in configured else ""
                self.stdout.write(f"{day.isoformat()}  {note}".rstrip())
            for holiday in configured.values():
                if holiday.working:
                    self.stdout.write(f"{holiday.day.isoformat()}  working day: {holiday.name}")
            return
        if options["day"] is None or not options["name"]:
            raise CommandError("add needs a date and a name")
        user = User.objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError("--user: the username of a coordinator or administrator")
        try:
            holiday = actions.set_holiday(
                acting_user=user,
                day=options["day"],
                name=options["name"],
                working=options["working"],
            )
        except (PermissionDenied, ValidationError) as exc:
            raise CommandError(str(exc)) from exc
        kind = "working day" if holiday.working else "day off"
        self.stdout.write(f"{holiday.day.isoformat()}: {kind} ({holiday.name})")
