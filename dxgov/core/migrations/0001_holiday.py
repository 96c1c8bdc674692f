"""The `Holiday` model moves here from reporting, keeping its table (`reporting_holiday`, created
by reporting's first migration): state only, so that existing databases keep their rows."""

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies: list[tuple[str, str]] = []

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Holiday",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("day", models.DateField(unique=True)),
                        ("name", models.CharField(max_length=200)),
                        ("working", models.BooleanField(default=False)),
                    ],
                    options={"db_table": "reporting_holiday", "ordering": ["day"]},
                ),
            ],
            database_operations=[],
        ),
    ]
