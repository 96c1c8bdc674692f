"""Indicators get a short name, as charts write it (issue 16, §4); blank, the name is shortened
by rule (Indicator.label)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("indicators", "0003_search_text")]

    operations = [
        migrations.AddField(
            model_name="indicator",
            name="short_name",
            field=models.CharField(blank=True, max_length=80),
        ),
    ]
