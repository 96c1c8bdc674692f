from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dxgov.bench import audit as audit_bench
from dxgov.bench import audit_verify as bench_verify
from dxgov.bench import dashboard as dashboard_bench
from dxgov.bench import forecast as forecast_bench
from dxgov.bench import indices as indices_bench
from dxgov.bench import investments as investments_bench
from dxgov.bench import programmes as programmes_bench
from dxgov.bench import recovery as bench_recovery
from dxgov.bench import reporting as reporting_bench
from dxgov.bench import scoring as scoring_bench
from dxgov.bench import state_verify as bench_state
from dxgov.bench import tasks as bench
from dxgov.bench import updates as updates_bench


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
            "audit",
            help="Auditing's cost on a task transition; with --verify-events, audit verify "
            "over N events in a dedicated benchmark database instead.",
        )
        audit.add_argument("--repeat", type=int, default=200)
        audit.add_argument(
            "--verify-events",
            type=int,
            default=0,
            help="Fill a benchmark database (its name must contain 'bench') with N events and "
            "time `audit verify` over them.",
        )
        audit.add_argument(
            "--checkpoint-interval", type=int, default=100_000, help="Events per checkpoint."
        )
        audit.add_argument(
            "--verify-repeat", type=int, default=0, help="Verify runs (0: 3 up to 1M, else 1)."
        )
        audit.add_argument(
            "--keep", action="store_true", help="Leave the filled events in the database."
        )
        audit.add_argument(
            "--reuse",
            action="store_true",
            help="Verify the events an earlier --keep run left (same count) instead of refilling.",
        )
        audit.add_argument(
            "--state-dossiers",
            type=int,
            default=0,
            help="Fill a benchmark database (its name must contain 'bench') with N dossiers, "
            "take them as recorded, and time `audit verify --state` over them.",
        )
        audit.add_argument(
            "--state-base", type=int, default=500_000, help="Dossiers generated, then copied."
        )
        reporting = sub.add_parser(
            "reporting",
            help="A 200-indicator form (check, save, HTTP) and a year's roll-up of 3,321 communes.",
        )
        reporting.add_argument("--repeat", type=int, default=20)
        reporting.add_argument("--small", action="store_true", help="Tiny sizes (smoke test).")
        dashboard = sub.add_parser(
            "dashboard", help="Overview and province pages: server time, req/s, first load."
        )
        dashboard.add_argument("--repeat", type=int, default=50)
        dashboard.add_argument("--seconds", type=float, default=15.0)
        dashboard.add_argument(
            "--full-scale",
            action="store_true",
            help="First add 50,000 tasks and three years of reports of provinces and communes.",
        )
        forecast = sub.add_parser(
            "forecast", help="A full forecast recompute over indicators × provinces × months."
        )
        forecast.add_argument("--indicators", type=int, default=200)
        forecast.add_argument("--months", type=int, default=36)
        ingest = sub.add_parser(
            "ingest", help="Dossier batches over HTTP vs a raw COPY; audit on/off on a batch."
        )
        ingest.add_argument("--records", type=int, default=600_000)
        ingest.add_argument("--batch", type=int, default=5_000)
        ingest.add_argument("--clients", type=int, default=4)
        ingest.add_argument("--workers", type=int, default=2, help="`dxgov serve` workers")
        ingest.add_argument("--threads", type=int, default=4, help="threads per worker")
        ingest.add_argument("--seed", type=int, default=2026)
        score = sub.add_parser(
            "score", help="Decision 766: full recompute of a month, SQL counts, incremental update."
        )
        score.add_argument("--dossiers", type=int, default=10_000_000)
        score.add_argument("--base", type=int, default=500_000, help="generated, then copied")
        score.add_argument("--repeat", type=int, default=3)
        score.add_argument("--seed", type=int, default=2026)
        indices = sub.add_parser(
            "indices",
            help="Composite indices: an edition for 34 provinces, the ministries and 3,321 "
            "communes from platform data; 10,000 Monte Carlo weight draws for 51 units.",
        )
        indices.add_argument("--repeat", type=int, default=5)
        programmes = sub.add_parser(
            "programmes",
            help="Overlap detection over 50,000 tasks (segmentation, full run, memory), a "
            "programme submitted incrementally, and precision/recall on the labelled pairs.",
        )
        programmes.add_argument("--count", type=int, default=50_000)
        programmes.add_argument("--tasks", type=int, default=20)
        investments = sub.add_parser(
            "investments",
            help="Public investment: 20,000 projects and a year of weekly figures; the weekly "
            "table and portfolio pages, a 5,000-row bulk update (PostgreSQL 'bench' database).",
        )
        updates = sub.add_parser(
            "updates",
            help="CPU of a newer version of a stored dossier against a new one (ingestion).",
        )
        updates.add_argument("--records", type=int, default=20_000)
        updates.add_argument("--repeat", type=int, default=3)
        updates.add_argument("--seed", type=int, default=2026)
        investments.add_argument("--projects", type=int, default=20_000)
        investments.add_argument("--repeat", type=int, default=30)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["what"] == "updates":
            updates_bench.main(
                records=options["records"],
                repeat=options["repeat"],
                seed=options["seed"],
                out=self.stdout.write,
            )
            return
        if options["what"] == "investments":
            try:
                investments_bench.main(
                    projects=options["projects"], repeat=options["repeat"], out=self.stdout.write
                )
            except investments_bench.NotABenchmarkDatabase as exc:
                raise CommandError(str(exc)) from None
            return
        if options["what"] == "tasks":
            bench.main(count=options["count"], repeat=options["repeat"], out=self.stdout.write)
        elif options["what"] == "recovery":
            bench_recovery.main(count=options["count"], out=self.stdout.write)
        elif options["what"] == "audit":
            if options["state_dossiers"]:
                try:
                    bench_state.main(
                        dossiers=options["state_dossiers"],
                        base=options["state_base"],
                        repeat=options["verify_repeat"] or 1,
                        out=self.stdout.write,
                    )
                except bench_state.NotABenchmarkDatabase as exc:
                    raise CommandError(str(exc)) from None
                return
            if options["verify_events"]:
                events = options["verify_events"]
                try:
                    bench_verify.main(
                        events=events,
                        interval=options["checkpoint_interval"],
                        repeat=options["verify_repeat"] or (3 if events <= 1_000_000 else 1),
                        keep=options["keep"] or options["reuse"],
                        reuse=options["reuse"],
                        out=self.stdout.write,
                    )
                except bench_verify.NotABenchmarkDatabase as exc:
                    raise CommandError(str(exc)) from None
                return

            audit_bench.main(repeat=options["repeat"], out=self.stdout.write)
        elif options["what"] == "reporting":
            reporting_bench.main(
                small=options["small"], repeat=options["repeat"], out=self.stdout.write
            )
        elif options["what"] == "dashboard":
            dashboard_bench.main(
                repeat=options["repeat"],
                seconds=options["seconds"],
                full_scale=options["full_scale"],
                out=self.stdout.write,
            )
        elif options["what"] == "forecast":
            forecast_bench.main(
                indicators=options["indicators"], months=options["months"], out=self.stdout.write
            )
        elif options["what"] == "ingest":
            scoring_bench.run_ingest(
                records=options["records"],
                batch=options["batch"],
                clients=options["clients"],
                seed=options["seed"],
                out=self.stdout.write,
                workers=options["workers"],
                threads=options["threads"],
            )
        elif options["what"] == "indices":
            indices_bench.main(repeat=options["repeat"], out=self.stdout.write)
        elif options["what"] == "programmes":
            programmes_bench.main(
                count=options["count"], tasks=options["tasks"], out=self.stdout.write
            )
        elif options["what"] == "score":
            scoring_bench.run_score(
                total=options["dossiers"],
                base=options["base"],
                repeat=options["repeat"],
                seed=options["seed"],
                out=self.stdout.write,
            )
