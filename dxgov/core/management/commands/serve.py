from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.core.management.base import BaseCommand, CommandError, CommandParser

COLLECT = "dxgov collectstatic --noinput"


def static_files_problem() -> str | None:
    """Why the collected static files cannot serve the pages, or None when they can.

    Without collected files (or with a collection older than the code) every page fails on
    its first {% static %} with a bare "Internal Server Error": `serve` refuses to start
    instead and names the command that fixes it. Files served from their source folders
    (WHITENOISE_USE_FINDERS: development and tests) need no collection.
    """
    if getattr(settings, "WHITENOISE_USE_FINDERS", False):
        return None
    ignore = list(apps.get_app_config("staticfiles").ignore_patterns)  # type: ignore[attr-defined]
    wanted = {
        # A folder given with a prefix ("vendor/htmx") is collected under it, as collectstatic does.
        str(Path(getattr(where, "prefix", None) or "", path).as_posix())
        for finder in finders.get_finders()
        for path, where in finder.list(ignore)
    }
    root = Path(settings.STATIC_ROOT)
    if isinstance(staticfiles_storage, ManifestFilesMixin):
        manifest = root / staticfiles_storage.manifest_name
        try:
            collected = set(json.loads(manifest.read_text(encoding="utf-8"))["paths"])
        except (OSError, ValueError, KeyError):
            collected = set()
    else:
        collected = {path for path in wanted if (root / path).is_file()}
    if not collected:
        return (
            f"The static files (styles, scripts, icons) have not been collected into {root}: "
            f"run `{COLLECT}`, then start the server again."
        )
    missing = sorted(wanted - collected)
    if missing:
        return (
            f"The static files in {root} are older than the code ({len(missing)} missing, "
            f"e.g. {missing[0]}): run `{COLLECT}`, then start the server again."
        )
    return None


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
        # Imported here: gunicorn (and its body patch) only when serving, and the WSGI
        # application only once this command runs with the settings loaded.
        from gunicorn.app.base import BaseApplication

        from dxgov.core import gunicorn_body
        from dxgov.wsgi import application

        problem = static_files_problem()
        if problem is not None:
            raise CommandError(problem)
        gunicorn_body.install()

        bind = f"{options['host']}:{options['port']}"
        tasks = TaskWorkers(options["task_workers"])

        class Server(BaseApplication):  # type: ignore[misc]  # gunicorn ships no types
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
