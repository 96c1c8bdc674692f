from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dxgov.core import icons


class Command(BaseCommand):
    help = (
        "The platform's icons: `dxgov icons build` copies the icons listed in dxgov/core/icons.py "
        "from npm's lucide-static (run `npm install` first) into dxgov/static/dxgov/icons/; "
        "`dxgov icons check` says whether the committed copies are current (non-zero exit if not)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["build", "check"])

    def handle(self, *args: Any, **options: Any) -> None:
        if not icons.SOURCE_DIR.is_dir():
            raise CommandError(f"{icons.SOURCE_DIR} not found: run `npm install` first")
        wanted = {f"{name}.svg" for name in icons.ICONS}
        stale = []
        for file_name in sorted(wanted):
            source = icons.SOURCE_DIR / file_name
            if not source.is_file():
                raise CommandError(f"lucide-static has no {file_name}")
            text = icons.normalised(source.read_text(encoding="utf-8"))
            target = icons.ICON_DIR / file_name
            if target.is_file() and target.read_text(encoding="utf-8") == text:
                continue
            stale.append(file_name)
            if options["action"] == "build":
                icons.ICON_DIR.mkdir(parents=True, exist_ok=True)
                target.write_text(text, encoding="utf-8")
        extra = sorted(p.name for p in icons.ICON_DIR.glob("*.svg") if p.name not in wanted)
        if options["action"] == "check":
            if stale or extra:
                raise CommandError(
                    f"out of date: {', '.join(stale + extra)} (run `dxgov icons build`)"
                )
            self.stdout.write("the icons are up to date")
            return
        for name in extra:
            (icons.ICON_DIR / name).unlink()
        self.stdout.write(f"{len(stale)} icons written, {len(extra)} removed")
