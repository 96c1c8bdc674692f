from __future__ import annotations

import time
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from dxgov.demo import overlap_pairs
from dxgov.demo import scoring as demo
from dxgov.demo import scoring_generation as generation
from dxgov.demo.directives import DemoNotReady, generate_tasks


class Command(BaseCommand):
    help = (
        "Generated data for benchmarks: `dxgov generate tasks --count N --seed S` adds N "
        "deterministic tasks under new generated directives, in batches; `dxgov generate "
        "dossiers --year Y --scale S --seed N` writes deterministic dxgov.dossier/1 records "
        "(NDJSON) or ingests them (--ingest); `dxgov generate overlap-pairs --output FILE` writes "
        "the overlap detector's labelled pairs (labelled by rule, from the demo's and the "
        "seeds' tasks)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=["tasks", "dossiers", "overlap-pairs"])
        parser.add_argument("--count", type=int, default=1000, help="how many tasks to add")
        parser.add_argument("--seed", type=int, default=2025, help="random seed")
        parser.add_argument("--batch", type=int, default=2000, help="tasks per transaction")
        dossiers = parser.add_argument_group("dossiers")
        dossiers.add_argument("--year", type=int, help="the year dossiers are received in")
        dossiers.add_argument(
            "--scale", type=float, default=0.0005, help="1 = the national volume (~46 M a year)"
        )
        dossiers.add_argument(
            "--until", type=date.fromisoformat, help="cut-off day (default: today or year end)"
        )
        dossiers.add_argument("--months", help="only these months, e.g. 1,2,3")
        dossiers.add_argument("--provinces", help="only these provinces' codes, e.g. 25,11")
        dossiers.add_argument("--output", help="NDJSON file for all records ('-' = stdout)")
        dossiers.add_argument("--by-source", type=Path, help="directory: one NDJSON per source")
        dossiers.add_argument("--procedures", help="write the TTHC catalogue (JSON) here")
        dossiers.add_argument("--sources", help="write the source systems (JSON) here")
        dossiers.add_argument("--gzip", action="store_true", help="gzip the NDJSON files")
        dossiers.add_argument(
            "--ingest",
            action="store_true",
            help="ingest into the database through the ingestion action (small scales)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["what"] == "dossiers":
            self._dossiers(options)
            return
        if options["what"] == "overlap-pairs":
            output = Path(options["output"] or overlap_pairs.DEFAULT_PATH)
            counts = overlap_pairs.write(output)
            self.stdout.write(
                f"{output}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
            )
            return
        count, batch = options["count"], options["batch"]
        if count < 0 or batch < 1:
            raise CommandError("--count must be 0 or more and --batch at least 1")
        started = time.monotonic()
        total = 0
        try:
            for total in generate_tasks(
                count=count, seed=options["seed"], today=timezone.localdate(), batch=batch
            ):
                self.stdout.write(f"  {total}/{count} tasks")
        except DemoNotReady as exc:
            raise CommandError(str(exc)) from exc
        elapsed = time.monotonic() - started
        self.stdout.write(f"generated {total} tasks in {elapsed:.1f} s")

    def _dossiers(self, options: dict[str, Any]) -> None:

        today = timezone.localdate()
        year = options["year"] or today.year
        until = options["until"] or min(date(year, 12, 31), today)
        if options["scale"] <= 0 or options["batch"] < 1:
            raise CommandError("--scale must be above 0 and --batch at least 1")
        months = None
        try:
            if options["months"]:
                months = [int(m) for m in options["months"].split(",")]
        except ValueError as exc:
            raise CommandError("--months: month numbers separated by commas") from exc
        if months and not all(1 <= m <= 12 for m in months):
            raise CommandError("--months: month numbers from 1 to 12")
        provinces = options["provinces"].split(",") if options["provinces"] else None
        if not (options["output"] or options["by_source"] or options["ingest"]):
            raise CommandError("say where the records go: --output, --by-source or --ingest")
        started = time.monotonic()
        try:
            procedures, plans, pairs = generation.generated(
                year=year,
                scale=options["scale"],
                seed=options["seed"],
                until=until,
                months=months,
                provinces=provinces,
            )
        except generation.NoAgencies as exc:
            raise CommandError(str(exc)) from exc
        if options["procedures"]:
            generation.write_json(options["procedures"], [p.to_wire() for p in procedures])
        if options["sources"]:
            generation.write_json(options["sources"], [p.to_wire() for p in plans])
        if options["ingest"]:
            counts = demo.ingest(procedures, plans, pairs, batch=max(options["batch"], 1))
        else:
            counts = generation.write(
                pairs,
                output=options["output"],
                by_source=options["by_source"],
                compress=options["gzip"],
            )
        elapsed = time.monotonic() - started
        total = sum(counts.values())
        out = self.stderr if options["output"] == "-" else self.stdout
        out.write(f"generated {total} dossiers from {len(counts)} sources in {elapsed:.1f} s")
