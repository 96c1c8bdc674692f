from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dxgov.operations import backup


class Command(BaseCommand):
    help = (
        "Restore a backup made by `dxgov backup`: check every checksum first, then the "
        "database and uploaded files, then verify the audit ledger and the row counts."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", help="A directory written by `dxgov backup`.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace a database that already holds data.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = backup.restore_backup(Path(options["directory"]), force=options["force"])
        except backup.BackupRefused as exc:
            raise CommandError(f"restore refused, nothing changed: {exc}") from None
        self.stdout.write(f"restored in {report.seconds:.1f} s")
        self.stdout.write("| table | restored | in the backup |")
        for label, expected in sorted(report.manifest["counts"].items()):
            mark = "" if report.counts.get(label) == expected else "  <-- differs"
            self.stdout.write(f"| {label} | {report.counts.get(label)} | {expected} |{mark}")
        if report.audit.ok:
            self.stdout.write(
                f"audit verify ok: {report.audit.events} events, "
                f"{report.audit.checkpoints} checkpoints verified against the backed-up export"
            )
        for problem in report.audit.problems:
            self.stdout.write(f"audit: {problem}")
        for difference in report.differences:
            self.stdout.write(f"differs: {difference}")
        if not report.ok:
            problems = len(report.audit.problems) + len(report.differences)
            raise CommandError(f"the restored data differs: {problems} problems", returncode=1)
        self.stdout.write("restore complete: everything matches the backup")
