"""Agencies get a short name, as charts and tables write it ("TP Hồ Chí Minh", "Bộ KH&CN"),
filled for the existing rows by the rule of orgunits.agencies (issue 16, §4)."""

from typing import Any

from django.db import migrations, models

from dxgov.orgunits.agencies import short_agency_name


def fill(apps: Any, schema_editor: Any) -> None:
    Agency = apps.get_model("orgunits", "Agency")
    rows = list(Agency.objects.only("pk", "code", "name"))
    for agency in rows:
        agency.short_name = short_agency_name(agency.name, agency.code)
    Agency.objects.bulk_update(rows, ["short_name"], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [("orgunits", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="agency",
            name="short_name",
            field=models.CharField(blank=True, max_length=100),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
