# Cells and usage rows are updated in place after every dossier batch: with room left on each
# page PostgreSQL rewrites such a row on the same page without touching its indexes (a "HOT"
# update); with full pages (the default) 95 % of the updates wrote a new entry into all four
# of usage's indexes (ADR 17). Elsewhere (SQLite) nothing to do.

from django.db import migrations

TABLES = ("scoring_procedureusage", "scoring_monthcounts")


def room(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"ALTER TABLE {table} SET (fillfactor = 70)")


def no_room(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"ALTER TABLE {table} RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("scoring", "0003_rescore_marks")]

    operations = [migrations.RunPython(room, no_room)]
