"""`dxgov tasks import FILE --user U [--dry-run]`: create tasks from a filled-in template."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from dxgov.accounts.models import User
from dxgov.directives import actions


class Command(BaseCommand):
    help = "Tasks: import from an Excel (.xlsx) file filled in from the import template."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("import", help="Create the tasks of an .xlsx file: all or none.")
        load.add_argument("file", help="the filled-in import template (.xlsx)")
        load.add_argument("--user", required=True, help="the coordinator or administrator")
        load.add_argument(
            "--dry-run", action="store_true", help="check and list the tasks; save nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"_{options['action']}")(options)

    def _import(self, options: dict[str, Any]) -> None:
        user = User.objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"no user named {options['user']!r}")
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror or exc}") from exc
        try:
            result = actions.import_tasks(acting_user=user, data=data, dry_run=options["dry_run"])
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        if result.errors:
            for error in result.errors:
                if error.row == 0:
                    self.stderr.write(error.reason)
                elif not error.column:
                    self.stderr.write(f"row {error.row}: {error.reason}")
                else:
                    self.stderr.write(f"row {error.row}, column {error.column}: {error.reason}")
            self.stderr.write(
                _("%(count)d error(s); nothing was imported.") % {"count": len(result.errors)}
            )
            sys.exit(1)
        for task in result.preview:
            deadline = task.deadline.strftime("%d/%m/%Y") if task.deadline else "—"
            self.stdout.write(
                f"{task.row}\t{task.directive_number}\t{task.lead_agency_code}\t"
                f"{deadline}\t{task.content}"
            )
        if result.dry_run:
            self.stdout.write(
                _("Dry run: %(count)d task(s) would be created; nothing was saved.")
                % {"count": len(result.preview)}
            )
        else:
            self.stdout.write(_("%(count)d task(s) created.") % {"count": result.created})
