"""`dxgov index`: the composite indices' editions, read from the repository (no database).

* `dxgov index list` prints one JSON object per edition: code, index, year, level.
* `dxgov index show --edition E` prints the edition's definition as JSON: each level's codes,
  Vietnamese names, points or weights (unpublished points as null with their status).
* `dxgov index load` stores the repository's editions in the database; `dxgov index compute
  --edition E` computes and stores its results (both need the database).
* `dxgov index check FILE --edition E [--as-is]` reads a CSV of published results (unit_name
  as officially spelled for the edition's units, or unit_code; one column per main indicator
  named by its code; score; rank), recomputes each unit's score from its main-indicator values
  and its rank among the units of the file, and prints one JSON object per unit: unit,
  official_score, computed_score, official_rank, computed_rank. Differences above 0.0005 are
  counted on stderr (`--fail-on-flag`: exit status 1). `--as-is`: the units the edition was
  published over after the 2025 merger (34 provinces), instead of those it measured (63).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dxgov.indices import actions, check, definition, editions
from dxgov.indices.models import Edition


def _line(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False)


class Command(BaseCommand):
    help = (
        "Composite indices (DTI): list editions, show one, check published results (no database)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="One JSON object per edition: code, index, year, level.")
        show = sub.add_parser("show", help="An edition's definition as JSON.")
        show.add_argument("--edition", required=True, help="e.g. dti-province-2024")
        run = sub.add_parser("check", help="Recompute published scores and ranks from a CSV.")
        run.add_argument("file", type=Path)
        run.add_argument("--edition", required=True, help="e.g. dti-province-2024")
        run.add_argument(
            "--as-is",
            action="store_true",
            help="units as published after the 2025 merger (the edition's as_is_on day)",
        )
        run.add_argument("--fail-on-flag", action="store_true", help="exit 1 when any differs")
        sub.add_parser(
            "load", help="Store the repository's editions in the database (safe to repeat)."
        )
        again = sub.add_parser("compute", help="Compute and store an edition's results.")
        again.add_argument("--edition", required=True, help="e.g. dti-province-2026")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "list":
            for edition in editions.load_all():
                self.stdout.write(
                    _line(
                        {
                            "code": edition.code,
                            "index": edition.index,
                            "year": edition.year,
                            "level": edition.level,
                        }
                    )
                )
            return
        if action == "load":
            loaded = actions.load_editions(acting_user=None)
            self.stdout.write(
                f"created {len(loaded.created)}, updated {len(loaded.updated)}, "
                f"kept {len(loaded.kept)}"
            )
            return
        if action == "compute":
            stored = Edition.objects.filter(code=options["edition"]).first()
            if stored is None:
                raise CommandError(f"No edition {options['edition']} in the database: run load.")
            outcome = actions.compute_edition(acting_user=None, edition=stored)
            self.stdout.write(
                _line(
                    {
                        "edition": stored.code,
                        "views": outcome.views,
                        "seconds": round(outcome.seconds, 3),
                    }
                )
            )
            return
        edition = self._edition(options["edition"])
        if action == "show":
            self.stdout.write(json.dumps(definition.summary(edition), ensure_ascii=False, indent=1))
            return
        self._check(edition, options)

    def _edition(self, code: str) -> definition.Edition:
        try:
            return editions.load(code)
        except editions.UnknownEdition:
            known = ", ".join(editions.files())
            raise CommandError(f"No edition {code}; the editions are: {known}.") from None
        except definition.DefinitionError as exc:
            raise CommandError(f"{code} is not a valid definition: {exc}") from None

    def _check(self, edition: definition.Edition, options: dict[str, Any]) -> None:
        path: Path = options["file"]
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror or exc}.") from None
        except UnicodeDecodeError:
            raise CommandError(f"{path} is not UTF-8 text.") from None
        try:
            rows = check.check(text, edition, editions.unit_index(edition, as_is=options["as_is"]))
        except check.CheckError as exc:
            raise CommandError("\n".join(exc.problems)) from None
        for row in rows:
            self.stdout.write(_line(row.as_json()))
        flagged = [row for row in rows if row.flagged]
        if flagged:
            self.stderr.write(
                f"{len(flagged)} of {len(rows)} unit(s) differ from the recomputed score by more "
                f"than {check.TOLERANCE}: " + ", ".join(row.unit for row in flagged)
            )
            if options["fail_on_flag"]:
                raise SystemExit(1)
