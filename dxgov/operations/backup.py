"""Backups that can be restored in minutes, and proven whole before anything is touched.

A backup is a directory holding:

- the database: `database.sqlite3` (SQLite's online backup API, a consistent copy taken while
  the platform keeps running) or `database.pgdump` (`pg_dump --format=custom`, taken inside
  the same snapshot as the row counts);
- `media.tar`: every uploaded file under MEDIA_ROOT;
- `checkpoints.json`: the signed audit checkpoints (a fresh one is signed first if events
  happened since the last), exported as `dxgov audit export-checkpoints` writes them;
- `manifest.json`: each file's SHA-256 and size, the database vendor, the latest applied
  migration per app, the row counts of the main tables and how long the backup took.

A restore checks every file against the manifest first and refuses (naming the file) if one
is missing or differs; it refuses to overwrite a database holding data unless forced; then it
restores, and verifies the audit ledger against the backed-up checkpoints and the row counts
against the manifest.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection, connections, transaction
from django.utils import timezone

from dxgov.audit import actions as audit_actions
from dxgov.audit import ledger

FORMAT = "dxgov.backup.v1"
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
MEDIA_FILE = "media.tar"
CHECKPOINTS_FILE = "checkpoints.json"

# The tables whose row counts a restore is compared on (model labels).
MAIN_MODELS = (
    "orgunits.OrgUnit",
    "orgunits.Succession",
    "orgunits.Agency",
    "accounts.User",
    "accounts.ApiToken",
    "directives.Directive",
    "directives.Task",
    "directives.ProgressReport",
    "directives.ExtensionRequest",
    "directives.Attachment",
    "notifications.Notification",
    "audit.AuditEvent",
    "audit.Checkpoint",
)


class BackupRefused(RuntimeError):
    """The backup cannot be made or restored as asked; nothing was changed."""


@dataclass
class RestoreReport:
    manifest: dict[str, Any]
    counts: dict[str, int]
    migrations: dict[str, str]
    audit: ledger.Report
    seconds: float
    differences: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.audit.ok and not self.differences


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _tables() -> dict[str, str]:
    """Model label → table name for the main tables."""
    return {label: apps.get_model(label)._meta.db_table for label in MAIN_MODELS}


def _latest_per_app(rows: list[tuple[str, str]]) -> dict[str, str]:
    latest: dict[str, str] = {}
    for app, name in rows:
        if name > latest.get(app, ""):
            latest[app] = name
    return dict(sorted(latest.items()))


def _counts_and_migrations(cursor: Any, existing: set[str]) -> tuple[dict[str, int], list[Any]]:
    quote = connection.ops.quote_name
    counts: dict[str, int] = {}
    for label, table in _tables().items():
        if table in existing:
            cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608 (model tables)
            counts[label] = int(cursor.fetchone()[0])
        else:
            counts[label] = 0
    rows: list[Any] = []
    if "django_migrations" in existing:
        cursor.execute("SELECT app, name FROM django_migrations")
        rows = list(cursor.fetchall())
    return counts, rows


def current_state() -> tuple[dict[str, int], dict[str, str]]:
    """Row counts of the main tables and the latest applied migration per app, as stored now."""
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        counts, rows = _counts_and_migrations(cursor, existing)
    return counts, _latest_per_app([(str(a), str(n)) for a, n in rows])


def has_data() -> bool:
    """Whether the configured database holds any platform data (a missing table holds none)."""
    counts, _ = current_state()
    return any(counts.values())


# --- PostgreSQL client arguments -----------------------------------------------------------


def _pg_args(settings_dict: Mapping[str, Any]) -> tuple[list[str], dict[str, str]]:
    args: list[str] = []
    if settings_dict.get("HOST"):
        args += ["--host", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        args += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["--username", str(settings_dict["USER"])]
    env = {**os.environ}
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupRefused(f"{command[0]} failed ({done.returncode}): {done.stderr.strip()}")


# --- backup -------------------------------------------------------------------------------


def _backup_sqlite(directory: Path) -> tuple[dict[str, int], dict[str, str]]:
    name = str(connection.settings_dict["NAME"])
    target = directory / SQLITE_FILE
    source = sqlite3.connect(name)
    try:
        dest = sqlite3.connect(target)
        try:
            source.backup(dest)  # one step: a consistent copy while others keep writing
        finally:
            dest.close()
    finally:
        source.close()
    snapshot = sqlite3.connect(f"file:{target}?mode=ro", uri=True)
    try:
        cursor = snapshot.cursor()
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        existing = {row[0] for row in cursor.fetchall()}
        counts, rows = _counts_and_migrations(cursor, existing)
    finally:
        snapshot.close()
    return counts, _latest_per_app(rows)


def _backup_postgresql(directory: Path) -> tuple[dict[str, int], dict[str, str]]:
    if connection.in_atomic_block:
        raise BackupRefused("a backup cannot be taken inside a transaction")
    args, env = _pg_args(connection.settings_dict)
    name = str(connection.settings_dict["NAME"])
    # Count and dump inside one snapshot, so the manifest describes exactly what was dumped.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot_id = str(cursor.fetchone()[0])
        existing = set(connection.introspection.table_names(cursor))
        counts, rows = _counts_and_migrations(cursor, existing)
        _run(
            [
                "pg_dump",
                *args,
                "--format=custom",
                f"--snapshot={snapshot_id}",
                "--file",
                str(directory / PG_FILE),
                "--dbname",
                name,
            ],
            env,
        )
    return counts, _latest_per_app([(str(a), str(n)) for a, n in rows])


def _tar_media(target: Path) -> int:
    media = Path(settings.MEDIA_ROOT)
    files = 0
    with tarfile.open(target, "w") as archive:
        if media.is_dir():
            for path in sorted(media.rglob("*")):
                if path.is_file():
                    archive.add(path, arcname=str(path.relative_to(media)))
                    files += 1
    return files


def create_backup(directory: Path) -> dict[str, Any]:
    """Write a backup into directory (created; must be empty) and return its manifest."""
    started = time.perf_counter()
    directory.mkdir(parents=True, exist_ok=True)
    if any(directory.iterdir()):
        raise BackupRefused(f"{directory} is not empty; give a new directory for each backup")
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupRefused(f"backups of {vendor} databases are not supported")
    # Sign what happened since the last checkpoint, then export before the snapshot so the
    # snapshot holds at least every exported checkpoint.
    # A damaged ledger must not stop the backup: it is kept as it is, and the restore's
    # verification will report the same problems.
    checkpoint_refused = ""
    try:
        audit_actions.create_checkpoint(acting_user=None)
    except audit_actions.CheckpointRefused as exc:
        checkpoint_refused = str(exc)
    exported = ledger.export_checkpoints()
    (directory / CHECKPOINTS_FILE).write_text(
        json.dumps(exported, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    if vendor == "sqlite":
        counts, migrations = _backup_sqlite(directory)
        database_file = SQLITE_FILE
    else:
        counts, migrations = _backup_postgresql(directory)
        database_file = PG_FILE
    media_files = _tar_media(directory / MEDIA_FILE)
    files = {
        name: {"sha256": sha256_of(directory / name), "size": (directory / name).stat().st_size}
        for name in (database_file, MEDIA_FILE, CHECKPOINTS_FILE)
    }
    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(timespec="seconds"),
        "vendor": vendor,
        "database_file": database_file,
        "files": files,
        "media_files": media_files,
        "checkpoints": len(exported),
        "checkpoint_refused": checkpoint_refused,
        "migrations": migrations,
        "counts": counts,
        "seconds": round(time.perf_counter() - started, 3),
    }
    (directory / MANIFEST).write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return manifest


# --- restore ------------------------------------------------------------------------------


def read_manifest(directory: Path) -> dict[str, Any]:
    """The manifest, after checking every file it lists; BackupRefused names the first bad one."""
    path = directory / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupRefused(f"{path} is missing; this is not a dxgov backup") from None
    except (OSError, ValueError) as exc:
        raise BackupRefused(f"{path} cannot be read: {exc}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupRefused(f"{path} is not a {FORMAT} manifest")
    files = manifest.get("files")
    if not isinstance(files, dict) or manifest.get("database_file") not in files:
        raise BackupRefused(f"{path} does not list the database file")
    for name, expected in sorted(files.items()):
        file = directory / name
        if Path(name).name != name:
            raise BackupRefused(f"{path} names a file outside the backup: {name}")
        if not file.is_file():
            raise BackupRefused(f"{name} is missing from the backup")
        if file.stat().st_size != expected.get("size") or sha256_of(file) != expected.get("sha256"):
            raise BackupRefused(
                f"{name} does not match its SHA-256 in the manifest; the backup is damaged "
                "or was altered"
            )
    return manifest


def _forget_stale_wal() -> None:
    # A write-ahead log left beside a deleted database must not be replayed into the copy.
    name = Path(str(connection.settings_dict["NAME"]))
    if not name.exists():
        for suffix in ("-wal", "-shm"):
            Path(f"{name}{suffix}").unlink(missing_ok=True)


def _restore_sqlite(snapshot: Path) -> None:
    name = Path(str(connection.settings_dict["NAME"]))
    connections.close_all()
    source = sqlite3.connect(f"file:{snapshot}?mode=ro", uri=True)
    try:
        dest = sqlite3.connect(name, timeout=20)
        try:
            source.backup(dest)  # page by page into the live file, under SQLite's own locking
        finally:
            dest.close()
    finally:
        source.close()


def _restore_postgresql(dump: Path) -> None:
    args, env = _pg_args(connection.settings_dict)
    name = str(connection.settings_dict["NAME"])
    connections.close_all()
    _run(
        [
            "pg_restore",
            *args,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--dbname",
            name,
            str(dump),
        ],
        env,
    )


def _restore_media(archive: Path) -> int:
    media = Path(settings.MEDIA_ROOT)
    media.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive) as tar:
        members = [m for m in tar.getmembers() if m.isfile()]
        tar.extractall(media, members=members, filter="data")
    return len(members)


def restore_backup(directory: Path, *, force: bool = False) -> RestoreReport:
    """Restore the backup in directory over the configured database and MEDIA_ROOT."""
    started = time.perf_counter()
    manifest = read_manifest(directory)
    vendor = connection.vendor
    if manifest.get("vendor") != vendor:
        raise BackupRefused(
            f"the backup is of a {manifest.get('vendor')} database; the configured one is {vendor}"
        )
    if connection.in_atomic_block:
        raise BackupRefused("a restore cannot run inside a transaction")
    # Fresh connections: one opened before the database file was replaced sees the old one.
    connections.close_all()
    if vendor == "sqlite":
        _forget_stale_wal()
    if not force and has_data():
        raise BackupRefused(
            "the configured database already holds data; restore into an empty database, "
            "or give --force to replace it"
        )
    database_file = directory / str(manifest["database_file"])
    if vendor == "sqlite":
        _restore_sqlite(database_file)
    else:
        _restore_postgresql(database_file)
    _restore_media(directory / MEDIA_FILE)
    exported = json.loads((directory / CHECKPOINTS_FILE).read_text(encoding="utf-8"))
    audit = ledger.verify_ledger(exported)
    counts, migrations = current_state()
    differences = [
        f"{label}: {counts.get(label)} rows restored, {expected} in the backup"
        for label, expected in sorted(manifest.get("counts", {}).items())
        if counts.get(label) != expected
    ]
    if migrations != manifest.get("migrations"):
        differences.append("the applied migrations differ from the backup's")
    return RestoreReport(
        manifest=manifest,
        counts=counts,
        migrations=migrations,
        audit=audit,
        seconds=time.perf_counter() - started,
        differences=differences,
    )


@contextlib.contextmanager
def scratch_directory(prefix: str = "dxgov-backup-") -> Iterator[Path]:
    """A temporary directory for a backup, removed afterwards (benchmarks)."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield path / "backup"
    finally:
        shutil.rmtree(path, ignore_errors=True)
