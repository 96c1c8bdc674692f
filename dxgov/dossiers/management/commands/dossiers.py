from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from dxgov.dossiers import actions, decoding, integrity
from dxgov.dossiers.importer import CHUNK, import_file
from dxgov.dossiers.models import SourceSystem
from dxgov.dossiers.signals import ImportFinished, import_finished
from dxgov.orgunits.models import Agency


class Command(BaseCommand):
    help = (
        "Dossiers: import a file of records, import the TTHC catalogue, register source "
        "systems and issue or revoke their tokens."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="Import JSON lines, CSV or JSON (optionally .gz).")
        imp.add_argument("file", type=Path)
        imp.add_argument("--source", required=True, help="The source system's code")
        imp.add_argument("--chunk", type=int, default=CHUNK, help="Records per batch")
        procedures = sub.add_parser("procedures", help="Import the TTHC catalogue (JSON or CSV).")
        procedures.add_argument("file", type=Path)
        source = sub.add_parser("source", help="Register, list or change source systems.")
        ssub = source.add_subparsers(dest="source_action", required=True)
        add = ssub.add_parser("add")
        add.add_argument("code")
        add.add_argument("--name", required=True)
        add.add_argument("--owner", required=True, help="Owner agency code")
        add.add_argument(
            "--agencies", default="", help="Comma-separated agency codes (default: the owner)"
        )
        ssub.add_parser("list")
        agencies = ssub.add_parser("agencies", help="Set the agencies a source reports for.")
        agencies.add_argument("code")
        agencies.add_argument("agencies", help="Comma-separated agency codes")
        for name in ("activate", "deactivate"):
            ssub.add_parser(name).add_argument("code")
        token = sub.add_parser("token", help="Issue a token for a source (printed once).")
        token.add_argument("code")
        token.add_argument("--days", type=int, default=None)
        revoke = sub.add_parser("revoke", help="Revoke a source's token by its prefix.")
        revoke.add_argument("code")
        revoke.add_argument("prefix")
        revoke.add_argument("--reason", default="")
        sub.add_parser(
            "check",
            help="Find dossiers whose source, agency or batch does not exist (exit status 1).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "source":
            action = f"source_{options['source_action']}"
        try:
            getattr(self, f"_{action.replace('-', '_')}")(options)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        except decoding.BatchRefused as exc:
            raise CommandError(str(exc)) from exc

    def _check(self, options: dict[str, Any]) -> None:
        orphans = integrity.orphans()
        for reference, count in orphans.items():
            self.stdout.write(f"dossiers with no such {reference}: {count}")
        if any(orphans.values()):
            raise CommandError("some dossiers refer to rows that do not exist")
        self.stdout.write("every dossier's source, agency and batch exist")

    def _source(self, code: str) -> SourceSystem:
        source = SourceSystem.objects.filter(code=code).first()
        if source is None:
            raise CommandError(f"no source system with code {code!r}")
        return source

    def _agencies(self, codes: str) -> list[Agency]:
        wanted = [c.strip() for c in codes.split(",") if c.strip()]
        found = list(Agency.objects.filter(code__in=wanted))
        missing = set(wanted) - {a.code for a in found}
        if missing:
            raise CommandError(f"no agency with code {', '.join(sorted(missing))}")
        return found

    def _import(self, options: dict[str, Any]) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"no file {path}")
        if options["chunk"] < 1 or options["chunk"] > decoding.MAX_RECORDS:
            raise CommandError(f"--chunk must be between 1 and {decoding.MAX_RECORDS}")
        source = self._source(options["source"])
        totals = import_file(path, source, chunk=options["chunk"])
        self.stdout.write(
            "batches {batches} ({replayed} already imported); records {total}: "
            "new {accepted}, updated {updated}, unchanged {unchanged}, stale {stale}, "
            "quarantined {quarantined}".format(**totals)
        )
        finished = ImportFinished(source=source.pk, totals=totals)
        import_finished(finished)  # scoring re-scores what the file changed, now
        for note in finished.notes:
            self.stdout.write(note)

    def _procedures(self, options: dict[str, Any]) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"no file {path}")
        rows = actions.parse_procedures(path.read_bytes(), path.name)
        counts = actions.import_procedures(acting_user=None, rows=rows)
        self.stdout.write(
            "procedures: +{created} new, {updated} updated, {unchanged} unchanged".format(**counts)
        )

    def _source_add(self, options: dict[str, Any]) -> None:
        owner = self._agencies(options["owner"])[0]
        agencies = self._agencies(options["agencies"]) if options["agencies"] else [owner]
        source = actions.create_source(
            acting_user=None,
            code=options["code"],
            name=options["name"],
            owner=owner,
            agencies=agencies,
        )
        self.stdout.write(f"source {source.code} registered (technical user {source.user})")

    def _source_list(self, options: dict[str, Any]) -> None:
        for source in SourceSystem.objects.select_related("owner").prefetch_related("agencies"):
            agencies = ",".join(sorted(a.code for a in source.agencies.all()))
            state = "active" if source.active else "inactive"
            self.stdout.write(f"{source.code}  {state}  {source.owner.code}  [{agencies}]")

    def _source_agencies(self, options: dict[str, Any]) -> None:
        source = self._source(options["code"])
        actions.update_source(
            acting_user=None, source=source, agencies=self._agencies(options["agencies"])
        )
        self.stdout.write(f"source {source.code}: agencies set")

    def _source_activate(self, options: dict[str, Any]) -> None:
        actions.update_source(acting_user=None, source=self._source(options["code"]), active=True)

    def _source_deactivate(self, options: dict[str, Any]) -> None:
        actions.update_source(acting_user=None, source=self._source(options["code"]), active=False)

    def _token(self, options: dict[str, Any]) -> None:
        days = options["days"]
        if days is not None and days < 1:
            raise CommandError("--days must be at least 1")
        _token, raw = actions.issue_token(
            acting_user=None, source=self._source(options["code"]), days=days
        )
        self.stdout.write(raw)

    def _revoke(self, options: dict[str, Any]) -> None:
        token = actions.revoke_source_token(
            acting_user=None,
            source=self._source(options["code"]),
            prefix=options["prefix"],
            reason=options["reason"],
        )
        self.stdout.write(f"revoked {token.prefix}…")
