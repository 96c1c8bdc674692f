"""`dxgov score766`: Decision 766 scores.

Modes (one per run):

* `--from-dvcqg FILE…` reads DVCQG evaluation responses (bare envelopes or captures with their
  request, `.json` or `.json.gz`) and prints, as JSON, one object per unit and group with the
  official score, the score recomputed from the counts in the response, their difference and
  whether it exceeds 0.015 points. Needs no database.

Other modes (for example a full recompute from stored dossiers) add their own options in
`add_arguments` and their handler in `MODES`; each mode's handler takes the parsed options.
"""

from __future__ import annotations

import gzip
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from dxgov.orgunits.models import Agency
from dxgov.scoring import actions, dvcqg, periods, qd766, rounds


class Command(BaseCommand):
    help = (
        "Decision 766 scores. `dxgov score766 --from-dvcqg FILE…` checks the national portal's "
        "published scores against the scores recomputed from their counts (JSON on stdout)."
    )

    # (option dest, method name): the first option given selects the mode.
    MODES: tuple[tuple[str, str], ...] = (
        ("from_dvcqg", "handle_from_dvcqg"),
        ("action", "handle_recompute"),
        ("import_dvcqg", "handle_import_dvcqg"),
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "action",
            nargs="?",
            choices=["recompute", "pending"],
            help=(
                "recompute: rebuild counts and scores from the stored dossiers (--period); "
                "pending: re-score now what committed batches marked (a worker's task does it)"
            ),
        )
        parser.add_argument(
            "--import-dvcqg",
            nargs="+",
            metavar="FILE",
            type=Path,
            help="store DVCQG responses as official scores of --agency's units; flag differences",
        )
        parser.add_argument(
            "--agency", help="with --import-dvcqg: the province committee's (or ministry's) code"
        )
        parser.add_argument(
            "--from-dvcqg",
            nargs="+",
            metavar="FILE",
            type=Path,
            help="DVCQG evaluation responses (JSON, optionally .gz) to check; no database",
        )
        parser.add_argument(
            "--ruleset",
            choices=sorted(qd766.RULESETS),
            default=None,
            help=(
                f"rule set for the recomputed scores (default {qd766.PORTAL_RULESET} with "
                f"--from-dvcqg, {qd766.DEFAULT_RULESET} otherwise)"
            ),
        )
        parser.add_argument(
            "--period", help="the period when the files carry no request (e.g. 202608)"
        )
        parser.add_argument(
            "--flagged-only", action="store_true", help="print only rows whose scores differ"
        )
        parser.add_argument(
            "--fail-on-flag",
            action="store_true",
            help="exit with status 1 when any row is flagged",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        for dest, method in self.MODES:
            if options.get(dest):
                handler: Callable[[dict[str, Any]], None] = getattr(self, method)
                handler(options)
                return
        raise CommandError("Choose what to score, e.g. --from-dvcqg FILE… (see --help).")

    # ----------------------------------------------------------------------------------------
    # --from-dvcqg

    def handle_from_dvcqg(self, options: dict[str, Any]) -> None:
        paths: list[Path] = options["from_dvcqg"]
        payloads = [_read_json(path) for path in paths]
        ruleset = options.get("ruleset") or qd766.PORTAL_RULESET
        try:
            responses = dvcqg.parse_many(payloads, period=options.get("period"), ruleset=ruleset)
        except dvcqg.DvcqgFormatError as exc:
            raise CommandError(str(exc)) from exc
        rows = [row for response in responses for row in response.rows]
        if options.get("flagged_only"):
            rows = [row for row in rows if row.flagged]
        for response in responses:
            for warning in response.warnings:
                self.stderr.write(warning)
        self.stdout.write(json.dumps([row.as_json() for row in rows], ensure_ascii=False, indent=2))
        flagged = sum(row.flagged for row in rows)
        if flagged:
            self.stderr.write(f"{flagged} unit score(s) differ from the recomputed score.")
            if options.get("fail_on_flag"):
                raise SystemExit(1)

    # ----------------------------------------------------------------------------------------
    # recompute, --import-dvcqg (scoring.actions; the database)

    def handle_recompute(self, options: dict[str, Any]) -> None:
        if options["action"] == "pending":
            waiting = rounds.pending_marks()
            pending = rounds.rescore_pending()
            self.stdout.write(
                f"{waiting} mark(s) waiting; re-scored {pending.marks} agency-month(s): "
                f"{pending.scores} scores"
            )
            return
        period = None
        if options.get("period"):
            try:
                period = periods.parse(options["period"])
            except periods.BadPeriod as exc:
                raise CommandError(str(exc)) from exc
        started = time.perf_counter()
        result = actions.recompute(acting_user=None, period=period)
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"recomputed {len(result.months)} month(s): {result.cells} agency-month cells, "
            f"{result.scores} scores in {elapsed:.1f} s"
        )

    def handle_import_dvcqg(self, options: dict[str, Any]) -> None:
        if not options.get("agency"):
            raise CommandError("--import-dvcqg needs --agency CODE (the province's committee).")
        root = Agency.objects.filter(code=options["agency"]).first()
        if root is None:
            raise CommandError(f"No agency with code {options['agency']}.")
        files = []
        for path in options["import_dvcqg"]:
            raw = path.read_bytes() if path.exists() else b""
            files.append((path.name, raw, _read_json(path)))
        try:
            result = actions.import_official(
                acting_user=None, files=files, root=root, period_label=options.get("period")
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        for warning in result.warnings:
            self.stderr.write(warning)
        self.stdout.write(
            json.dumps(
                {"rows": result.rows, "matched": result.matched, "flagged": result.flagged},
                ensure_ascii=False,
                indent=2,
            )
        )


def _read_json(path: Path) -> Any:
    try:
        raw = path.read_bytes()
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        return json.loads(raw)
    except OSError as exc:
        raise CommandError(f"Cannot read {path}: {exc.strerror or exc}.") from exc
    except (ValueError, EOFError) as exc:
        raise CommandError(f"{path} is not valid JSON (or gzip of JSON): {exc}.") from exc
