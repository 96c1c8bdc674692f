from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve dxgov with gunicorn (threaded workers); static files through WhiteNoise."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument(
            "--keepalive",
            type=int,
            default=2,
            help="seconds a connection waits for its next request (0: one request each)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from gunicorn.app.base import BaseApplication

        from dxgov.wsgi import application

        bind = f"{options['host']}:{options['port']}"

        class Server(BaseApplication):
            def load_config(self) -> None:
                self.cfg.set("bind", bind)
                self.cfg.set("workers", options["workers"])
                self.cfg.set("threads", options["threads"])
                self.cfg.set("worker_class", "gthread")
                self.cfg.set("accesslog", None)  # our middleware logs each request as JSON
                self.cfg.set("timeout", 60)
                self.cfg.set("keepalive", options["keepalive"])

            def load(self) -> Any:
                return application

        self.stdout.write(f"dxgov serving on http://{bind}/")
        Server().run()
