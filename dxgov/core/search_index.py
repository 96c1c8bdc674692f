"""The index behind a ``search_text`` column (core.text): trigrams on PostgreSQL, for migrations.

A search is ``search_text LIKE '%…%'``, which no B-tree serves; PostgreSQL's pg_trgm extension
indexes trigrams (GIN), which serve LIKE at any position. SQLite has no such index and scans
(its tables here are small). Where the database user may not create the extension, the column
is left without an index and searches scan, as before: the migration does not fail for it.
"""

from __future__ import annotations

from typing import Any

from django.db import DatabaseError, migrations, transaction


def trigram_index(table: str, column: str = "search_text") -> migrations.RunPython:
    """A migration step adding a trigram index on ``table.column`` on PostgreSQL only."""
    name = f"{table}_{column}_trgm"[:63]

    def create(apps: Any, schema_editor: Any) -> None:
        connection = schema_editor.connection
        if connection.vendor != "postgresql":
            return
        try:
            with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except DatabaseError:
            return  # no right to create it (nor is it there): searches scan
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin ("{column}" gin_trgm_ops)'
        )

    def drop(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')

    return migrations.RunPython(create, drop, elidable=False)
