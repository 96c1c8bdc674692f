from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dxgov.audit import actions, ledger


class Command(BaseCommand):
    help = (
        "The audit ledger: sign a checkpoint, export checkpoints, verify everything (with "
        "--state, the live rows too), take the live state as a baseline once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("checkpoint", help="Sign the events since the previous checkpoint.")
        export = sub.add_parser(
            "export-checkpoints", help="Write every signed checkpoint as JSON ('-' for stdout)."
        )
        export.add_argument("file")
        verify = sub.add_parser(
            "verify", help="Recompute the chain and every checkpoint; non-zero exit on a problem."
        )
        verify.add_argument(
            "--checkpoints", help="A file from export-checkpoints, kept outside, to compare with."
        )
        verify.add_argument(
            "--state",
            action="store_true",
            help="Also recompute the state of every audited live row and compare it with the "
            "ledger: rows changed, inserted or deleted behind its back.",
        )
        sub.add_parser(
            "baseline",
            help="Once, after upgrading: take the live state of rows the ledger has no state for "
            "as recorded (trust on first use; audited, and never repeated for a model).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, "_" + options["action"].replace("-", "_"))(options)

    def _checkpoint(self, options: dict[str, Any]) -> None:
        try:
            checkpoint = actions.create_checkpoint(acting_user=None)
        except actions.CheckpointRefused as exc:
            raise CommandError(str(exc)) from None
        if checkpoint is None:
            self.stdout.write("no new events since the last checkpoint")
            return
        self.stdout.write(
            f"checkpoint {checkpoint.seq_from}-{checkpoint.seq_to} root {checkpoint.root}"
        )

    def _export_checkpoints(self, options: dict[str, Any]) -> None:
        text = json.dumps(ledger.export_checkpoints(), indent=2, ensure_ascii=False) + "\n"
        if options["file"] == "-":
            self.stdout.write(text, ending="")
            return
        Path(options["file"]).write_text(text, encoding="utf-8")
        self.stdout.write(f"wrote {len(json.loads(text))} checkpoints to {options['file']}")

    def _verify(self, options: dict[str, Any]) -> None:
        exported = None
        if options["checkpoints"]:
            try:
                exported = json.loads(Path(options["checkpoints"]).read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise CommandError(f"cannot read {options['checkpoints']}: {exc}") from None
            if not isinstance(exported, list) or not all(
                isinstance(item, dict) and isinstance(item.get("body"), dict) for item in exported
            ):
                raise CommandError(f"{options['checkpoints']} is not an exported checkpoint list")
        report, _run = actions.verify_and_record(
            acting_user=None, exported=exported, state=options["state"]
        )
        checked = report.state
        rows = f", {checked.rows} live rows" if checked is not None else ""
        if report.ok:
            self.stdout.write(
                f"ok: {report.events} events, {report.checkpoints} checkpoints{rows} verified"
            )
            return
        for problem in report.problems:
            self.stdout.write(str(problem))
        count = len(report.problems)
        if checked is not None:
            for finding in checked.findings:
                self.stdout.write(str(finding))
            for (target_type, kind), more in sorted(checked.unlisted().items()):
                self.stdout.write(f"{target_type}: {kind}: {more} more not listed")
            count += checked.problems
        raise CommandError(f"{count} problems found", returncode=1)

    def _baseline(self, options: dict[str, Any]) -> None:
        for model, count in actions.record_baseline(acting_user=None).items():
            if count is None:
                self.stdout.write(f"{model}: baseline taken before, skipped")
            else:
                self.stdout.write(f"{model}: {count} rows taken as recorded")
