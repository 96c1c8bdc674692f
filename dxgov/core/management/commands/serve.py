from __future__ import annotations

import subprocess
import sys
import threading
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class TaskWorkers:
    """`dxgov db_worker` processes beside the web server: they run the tasks the platform
    enqueues (re-scoring after dossier batches, among others). Each is restarted if it ends;
    all are stopped with the server. They share the server's process group, so a signal to
    the group (or the group's death) takes them too."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.processes: list[subprocess.Popen[bytes]] = []
        self.stopping = threading.Event()

    def _start_one(self) -> subprocess.Popen[bytes]:
        # The server has run the system checks already.
        command = [
            *(sys.executable, "-m", "dxgov.cli", "db_worker"),
            *("--interval", "0.5", "--skip-checks"),
        ]
        return subprocess.Popen(command)  # noqa: S603 (our own command)

    def start(self) -> None:
        if self.count < 1:
            return
        self.processes = [self._start_one() for _ in range(self.count)]
        threading.Thread(target=self._watch, daemon=True, name="task-workers").start()

    def _watch(self) -> None:
        while not self.stopping.wait(1.0):
            for index, process in enumerate(self.processes):
                # gunicorn's arbiter may reap the child first: poll() then says 0.
                if process.poll() is not None and not self.stopping.is_set():
                    self.processes[index] = self._start_one()

    def stop(self) -> None:
        self.stopping.set()
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        deadline = time.monotonic() + 10
        for process in self.processes:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()


class Command(BaseCommand):
    help = (
        "Serve dxgov with gunicorn (threaded workers), static files through WhiteNoise, and "
        "task workers beside it."
    )

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
        parser.add_argument(
            "--task-workers",
            type=int,
            default=1,
            help="task worker processes to run beside the server (0: none; run "
            "`dxgov db_worker` yourself)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from gunicorn.app.base import BaseApplication

        from dxgov.core import gunicorn_body
        from dxgov.wsgi import application

        gunicorn_body.install()

        bind = f"{options['host']}:{options['port']}"
        tasks = TaskWorkers(options["task_workers"])

        class Server(BaseApplication):
            def load_config(self) -> None:
                self.cfg.set("bind", bind)
                self.cfg.set("workers", options["workers"])
                self.cfg.set("threads", options["threads"])
                self.cfg.set("worker_class", "gthread")
                self.cfg.set("accesslog", None)  # our middleware logs each request as JSON
                self.cfg.set("timeout", 60)
                self.cfg.set("keepalive", options["keepalive"])
                self.cfg.set("when_ready", lambda _arbiter: tasks.start())
                self.cfg.set("on_exit", lambda _arbiter: tasks.stop())

            def load(self) -> Any:
                return application

        self.stdout.write(f"dxgov serving on http://{bind}/")
        Server().run()
