from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from dxgov.directives.demo import DemoNotReady, generate_tasks


class Command(BaseCommand):
    help = (
        "Generated data for benchmarks: `dxgov generate tasks --count N --seed S` adds N "
        "deterministic tasks under new generated directives, in batches."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=["tasks"])
        parser.add_argument("--count", type=int, default=1000, help="how many tasks to add")
        parser.add_argument("--seed", type=int, default=2025, help="random seed")
        parser.add_argument("--batch", type=int, default=2000, help="tasks per transaction")

    def handle(self, *args: Any, **options: Any) -> None:
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
