"""Indicators keep the fold of their code and name (core.text), filled for existing rows, with a
trigram index on PostgreSQL (core.search_index)."""

from typing import Any

from django.db import migrations, models

from dxgov.core import text
from dxgov.core.search_index import trigram_index


def fill(apps: Any, schema_editor: Any) -> None:
    Indicator = apps.get_model("indicators", "Indicator")
    rows = list(Indicator.objects.only("pk", "code", "name"))
    for indicator in rows:
        indicator.search_text = text.search_text(indicator.code, indicator.name)
    Indicator.objects.bulk_update(rows, ["search_text"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("indicators", "0002_target_basis_and_scope")]

    operations = [
        migrations.AddField(
            model_name="indicator",
            name="search_text",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        trigram_index("indicators_indicator"),
    ]
