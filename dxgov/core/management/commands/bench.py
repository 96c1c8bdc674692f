from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Benchmarks that print figures and write them to docs/benchmarks.md."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        tasks = sub.add_parser("tasks", help="Task list and statistics pages over many tasks.")
        tasks.add_argument("--count", type=int, default=50_000)
        tasks.add_argument("--repeat", type=int, default=30)
        recovery = sub.add_parser(
            "recovery", help="Time a backup and a verified restore of the current database."
        )
        recovery.add_argument(
            "--count", type=int, default=0, help="First add tasks up to this many (0: none)."
        )
        audit = sub.add_parser(
            "audit", help="Auditing's cost on a task transition; audit verify over N events."
        )
        audit.add_argument("--repeat", type=int, default=200)
        audit.add_argument("--events", type=int, default=1_000_000)
        forecast = sub.add_parser(
            "forecast", help="A full forecast recompute over indicators × provinces × months."
        )
        forecast.add_argument("--indicators", type=int, default=200)
        forecast.add_argument("--months", type=int, default=36)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["what"] == "tasks":
            from dxgov.directives import bench

            bench.main(count=options["count"], repeat=options["repeat"], out=self.stdout.write)
        elif options["what"] == "recovery":
            from dxgov.core import bench_recovery

            bench_recovery.main(count=options["count"], out=self.stdout.write)
        elif options["what"] == "audit":
            from dxgov.audit import bench as audit_bench

            audit_bench.main(
                repeat=options["repeat"], events=options["events"], out=self.stdout.write
            )
        elif options["what"] == "forecast":
            from dxgov.forecasting import bench as forecast_bench

            forecast_bench.main(
                indicators=options["indicators"], months=options["months"], out=self.stdout.write
            )
