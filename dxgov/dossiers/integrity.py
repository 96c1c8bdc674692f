"""The references of stored dossiers, checked in bulk (ADR 17).

`dossiers_dossier` has no database constraint on its source, agency and batch: PostgreSQL
would check each one row by row, which halved the rate at which dossiers can be written.
Ingestion takes those ids from rows it has read or written in the same transaction, and
Django's PROTECT still refuses to delete a referenced row; `orphans()` is the check that
nothing else broke them (`dxgov dossiers check`).
"""

from __future__ import annotations

from django.db import connection

from dxgov.dossiers.models import Batch, Dossier, SourceSystem
from dxgov.orgunits.models import Agency

REFERENCES = (
    ("source", "source_id", SourceSystem._meta.db_table),
    ("agency", "agency_id", Agency._meta.db_table),
    ("batch", "batch_id", Batch._meta.db_table),
)


def orphans() -> dict[str, int]:
    """Dossiers whose source, agency or batch does not exist, by reference (one anti-join
    each: a full read of the dossiers, for a command run now and then, not on a hot path)."""
    dossiers = Dossier._meta.db_table
    found: dict[str, int] = {}
    with connection.cursor() as cursor:
        for name, column, table in REFERENCES:
            cursor.execute(
                f"SELECT COUNT(*) FROM {dossiers} d WHERE NOT EXISTS "  # noqa: S608 (fixed names)
                f"(SELECT 1 FROM {table} r WHERE r.id = d.{column})"
            )
            found[name] = int(cursor.fetchone()[0])
    return found
