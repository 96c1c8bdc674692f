"""Directives and tasks keep the fold of their searched text (core.text), filled for existing
rows, with a trigram index on PostgreSQL (core.search_index)."""

from typing import Any

from django.db import migrations, models

from dxgov.core import text
from dxgov.core.search_index import trigram_index

BATCH = 2000


def fill(apps: Any, schema_editor: Any) -> None:
    Directive = apps.get_model("directives", "Directive")
    Task = apps.get_model("directives", "Task")
    numbers: dict[int, str] = {}
    batch: list[Any] = []
    for directive in Directive.objects.only("pk", "number", "title").iterator(chunk_size=BATCH):
        numbers[directive.pk] = directive.number
        directive.search_text = text.search_text(directive.number, directive.title)
        batch.append(directive)
        if len(batch) >= BATCH:
            Directive.objects.bulk_update(batch, ["search_text"])
            batch = []
    Directive.objects.bulk_update(batch, ["search_text"])
    batch = []
    rows = Task.objects.only("pk", "directive_id", "content", "expected_result")
    for task in rows.iterator(chunk_size=BATCH):
        number = numbers.get(task.directive_id, "")
        task.search_text = text.search_text(number, task.content, task.expected_result)
        batch.append(task)
        if len(batch) >= BATCH:
            Task.objects.bulk_update(batch, ["search_text"])
            batch = []
    Task.objects.bulk_update(batch, ["search_text"])


class Migration(migrations.Migration):
    dependencies = [("directives", "0005_progress_reason")]

    operations = [
        migrations.AddField(
            model_name="directive",
            name="search_text",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.AddField(
            model_name="task",
            name="search_text",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        trigram_index("directives_directive"),
        trigram_index("directives_task"),
    ]
