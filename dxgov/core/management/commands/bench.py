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

    def handle(self, *args: Any, **options: Any) -> None:
        if options["what"] == "tasks":
            from dxgov.directives import bench

            bench.main(count=options["count"], repeat=options["repeat"], out=self.stdout.write)
