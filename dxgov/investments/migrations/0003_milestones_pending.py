"""Milestone.pending: in the project's current baseline and not yet reached (kept by the
actions from now on; set here for the milestones already recorded)."""

from typing import Any

from django.db import migrations, models
from django.db.models import Exists, F, OuterRef


def mark_pending(apps: Any, schema_editor: Any) -> None:
    milestone = apps.get_model("investments", "Milestone")
    done = apps.get_model("investments", "MilestoneDone")
    milestone.objects.filter(decision__version=F("decision__project__baseline_version")).exclude(
        Exists(done.objects.filter(project=OuterRef("decision__project"), name=OuterRef("name")))
    ).update(pending=True)


class Migration(migrations.Migration):
    dependencies = [
        ("investments", "0002_weeks_for_the_lists"),
    ]

    operations = [
        migrations.AddField(
            model_name="milestone",
            name="pending",
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(mark_pending, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="milestone",
            index=models.Index(
                condition=models.Q(("pending", True)),
                fields=["planned_on"],
                name="milestones_pending",
            ),
        ),
    ]
