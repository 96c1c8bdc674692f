from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

import dxgov.dashboard

DATA = Path(dxgov.dashboard.__file__).parent / "data"


class Command(BaseCommand):
    help = (
        "The map's shapes: `dxgov map build` writes dxgov/dashboard/data/provinces.json and "
        "communes.json from the unit registry's commune centroids and Natural Earth's outline "
        "(needs shapely, from the dev extra, and `npm install`); `dxgov map check` says whether "
        "the committed files are what a build makes (non-zero exit if not)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["build", "check"])
        parser.add_argument(
            "--world-atlas",
            default=None,
            help="world-atlas's countries-10m.json (default: node_modules/world-atlas/…)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            from dxgov.dashboard.geometry import build
        except ImportError as exc:  # shapely is a dev dependency only
            raise CommandError(f"{exc}: install the dev extra (pip install -e '.[dev]')") from None
        atlas = Path(options["world_atlas"]) if options["world_atlas"] else build.WORLD_ATLAS
        if not atlas.is_file():
            raise CommandError(f"{atlas} not found: run `npm install` in the project's root")
        files = build.build_files(atlas)
        if options["action"] == "check":
            stale = [
                name
                for name, text in files.items()
                if not (DATA / name).is_file() or (DATA / name).read_text(encoding="utf-8") != text
            ]
            if stale:
                raise CommandError(f"out of date: {', '.join(stale)} (run `dxgov map build`)")
            self.stdout.write("the map's shapes are up to date")
            return
        DATA.mkdir(exist_ok=True)
        for name, text in files.items():
            (DATA / name).write_text(text, encoding="utf-8")
            self.stdout.write(f"wrote {DATA / name} ({len(text.encode()):,} bytes)")
