from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dxgov.operations import backup


class Command(BaseCommand):
    help = (
        "Back up the database, uploaded files and signed audit checkpoints into a new "
        "directory, with a manifest of SHA-256 checksums."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", help="A new (or empty) directory for this backup.")

    def handle(self, *args: Any, **options: Any) -> None:
        directory = Path(options["directory"])
        try:
            manifest = backup.create_backup(directory)
        except backup.BackupRefused as exc:
            raise CommandError(str(exc)) from None
        for name, info in manifest["files"].items():
            self.stdout.write(f"{name}: {info['size']} bytes, sha256 {info['sha256']}")
        counts = manifest["counts"]
        self.stdout.write(
            f"backup of the {manifest['vendor']} database written to {directory} in "
            f"{manifest['seconds']:.1f} s: {counts['directives.Task']} tasks, "
            f"{counts['audit.AuditEvent']} audit events, {sum(counts.values())} rows in the "
            f"main tables, {manifest['media_files']} uploaded files, "
            f"{manifest['checkpoints']} signed checkpoints"
        )
        if manifest["checkpoint_refused"]:
            self.stderr.write(
                "warning: the audit ledger did not verify, so no new checkpoint was signed "
                f"({manifest['checkpoint_refused']}); the backup keeps it as it is"
            )
