"""Writing many rows at once: PostgreSQL's COPY (and, for the weekly rows, COPY into a
temporary table then one INSERT … ON CONFLICT); elsewhere (SQLite) the ORM's bulk_create.

A bulk update of thousands of disbursed values (the API, an Excel import) writes its figures
and the projects' weekly rows here: built as tuples, never as model instances, because at
5,000 rows the ORM's per-object work cost more than the database's (docs/benchmarks.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection, transaction

from dxgov.investments.models import Disbursement, ProjectWeek, WeekSummary

DISBURSEMENT_COLUMNS = (
    "project_id",
    "plan_year",
    "source",
    "as_of",
    "kind",
    "value",
    "note",
    "version",
    "channel",
    "entered_at",
    "entered_by_id",
    "late",
)


def _postgresql() -> bool:
    return connection.vendor == "postgresql"


def _quoted(columns: Sequence[str]) -> str:
    return ", ".join(connection.ops.quote_name(c) for c in columns)


def _copy(cursor: Any, table: str, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> None:
    with cursor.copy(f"COPY {table} ({_quoted(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def insert_disbursements(rows: Sequence[tuple[Any, ...]]) -> None:
    """New figures (tuples in DISBURSEMENT_COLUMNS order)."""
    if not rows:
        return
    if _postgresql():
        with connection.cursor() as wrapper:
            _copy(wrapper.cursor, Disbursement._meta.db_table, DISBURSEMENT_COLUMNS, rows)
        return
    Disbursement.objects.bulk_create(
        [Disbursement(**dict(zip(DISBURSEMENT_COLUMNS, row, strict=True))) for row in rows],
        batch_size=1000,
    )


UPDATED_COLUMNS = (
    "id",
    "value",
    "note",
    "version",
    "channel",
    "entered_at",
    "entered_by_id",
    "late",
)


def update_disbursements(rows: Sequence[tuple[Any, ...]]) -> None:
    """Changed figures (tuples in UPDATED_COLUMNS order, the figure's id first): on
    PostgreSQL COPY into a temporary table then one UPDATE … FROM; elsewhere one executemany.
    (The ORM's bulk_update builds one CASE per column and row: quadratic at 5,000 rows.)"""
    if not rows:
        return
    table = connection.ops.quote_name(Disbursement._meta.db_table)
    changed = UPDATED_COLUMNS[1:]
    if not _postgresql():
        sets = ", ".join(f"{connection.ops.quote_name(c)} = %s" for c in changed)
        with connection.cursor() as wrapper:
            wrapper.executemany(
                f"UPDATE {table} SET {sets} WHERE id = %s",  # noqa: S608
                [(*row[1:], row[0]) for row in rows],
            )
        return
    sets = ", ".join(
        f"{connection.ops.quote_name(c)} = incoming.{connection.ops.quote_name(c)}" for c in changed
    )
    # One transaction: the temporary table empties itself at every commit.
    with transaction.atomic(), connection.cursor() as wrapper:
        cursor = wrapper.cursor
        # Table and column names are this module's constants; the values go through COPY.
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS investments_disbursement_in "  # noqa: S608
            f"ON COMMIT DELETE ROWS AS SELECT {_quoted(UPDATED_COLUMNS)} FROM {table} "
            "WITH NO DATA"
        )
        _copy(cursor, "investments_disbursement_in", UPDATED_COLUMNS, rows)
        cursor.execute(
            f"UPDATE {table} SET {sets} FROM investments_disbursement_in AS incoming "  # noqa: S608
            f"WHERE {table}.id = incoming.id"
        )
        cursor.execute("TRUNCATE investments_disbursement_in")


def upsert_weeks(plan_year: int, columns: Sequence[str], rows: Sequence[dict[str, Any]]) -> None:
    """Project-week rows (dicts with `columns`), inserted or replacing the stored ones."""
    if not rows:
        return
    unique = ("project_id", "plan_year", "week_end")
    names = ["plan_year", *columns]
    values = [(plan_year, *(row[c] for c in columns)) for row in rows]
    if not _postgresql():
        ProjectWeek.objects.bulk_create(
            [ProjectWeek(**dict(zip(names, v, strict=True))) for v in values],
            batch_size=1000,
            update_conflicts=True,
            unique_fields=["project", "plan_year", "week_end"],
            update_fields=[c for c in names if c not in unique],
        )
        return
    table = connection.ops.quote_name(ProjectWeek._meta.db_table)
    updates = ", ".join(
        f"{connection.ops.quote_name(c)} = excluded.{connection.ops.quote_name(c)}"
        for c in names
        if c not in unique
    )
    # One transaction: the temporary table empties itself at every commit.
    with transaction.atomic(), connection.cursor() as wrapper:
        cursor = wrapper.cursor
        # Table and column names are this module's constants; the values go through COPY.
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS investments_week_in "  # noqa: S608
            f"ON COMMIT DELETE ROWS AS SELECT {_quoted(names)} FROM {table} WITH NO DATA"
        )
        _copy(cursor, "investments_week_in", names, values)
        cursor.execute(
            f"INSERT INTO {table} ({_quoted(names)}) "  # noqa: S608
            f"SELECT {_quoted(names)} FROM investments_week_in "
            f"ON CONFLICT (project_id, plan_year, week_end) DO UPDATE SET {updates}"
        )
        cursor.execute("TRUNCATE investments_week_in")


def add_to_summaries(columns: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> None:
    """Add each row's figures to its summary row (plan year, week, dimension, key), creating
    it at zero when missing; a changed row's kept forecast is dropped. `columns` are the
    summed ones, after the four of the key."""
    if not rows:
        return
    table = connection.ops.quote_name(WeekSummary._meta.db_table)
    names = ["plan_year", "week_end", "dimension", "key", *columns]
    sums = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in columns)
    conflict = (
        f"ON CONFLICT (plan_year, week_end, dimension, key) DO UPDATE SET {sums}, forecast = NULL"
    )
    if not _postgresql():
        placeholders = ", ".join(["%s"] * len(names))
        with connection.cursor() as wrapper:
            wrapper.executemany(
                f"INSERT INTO {table} ({_quoted(names)}, forecast) "  # noqa: S608
                f"VALUES ({placeholders}, NULL) {conflict}",
                [list(row) for row in rows],
            )
        return
    with transaction.atomic(), connection.cursor() as wrapper:
        cursor = wrapper.cursor
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS investments_summary_in "  # noqa: S608
            f"ON COMMIT DELETE ROWS AS SELECT {_quoted(names)} FROM {table} WITH NO DATA"
        )
        _copy(cursor, "investments_summary_in", names, rows)
        cursor.execute(
            f"INSERT INTO {table} ({_quoted(names)}, forecast) "  # noqa: S608
            f"SELECT {_quoted(names)}, NULL FROM investments_summary_in {conflict}"
        )
        cursor.execute("TRUNCATE investments_summary_in")
