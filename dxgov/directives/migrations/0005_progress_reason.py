# The reason a progress report gives for going down (issue 16, §3).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("directives", "0004_task_deadline_order"),
    ]

    operations = [
        migrations.AddField(
            model_name="progressreport",
            name="reason",
            field=models.TextField(blank=True),
        ),
    ]
