# The reference a person quotes instead of the database id (core/references.py): added, drawn for every
# existing row (core/services/references.py, dated by the row's own creation time), then made unique.

from django.db import migrations, models

from clientcentric.core.services import references

MODELS = (
    "consultation",
    "objection",
    "ombudsmanrequest",
)
HELP = "The number the person quotes: the year and random digits, not the database id."


def draw(apps, schema_editor):
    for name in MODELS:
        references.backfill(apps.get_model("supervision", name))


def field(unique):
    return models.CharField(
        default="", editable=False, help_text=HELP, max_length=24, unique=unique, verbose_name="number"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0006_control_type_acts"),
    ]

    operations = [
        *(migrations.AddField(model_name=name, name="reference", field=field(False)) for name in MODELS),
        migrations.RunPython(draw, migrations.RunPython.noop),
        *(migrations.AlterField(model_name=name, name="reference", field=field(True)) for name in MODELS),
    ]
