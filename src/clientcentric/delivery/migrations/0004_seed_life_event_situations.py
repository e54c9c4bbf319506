from django.db import migrations


def seed(apps, schema_editor):
    from clientcentric.delivery.event_situations import seed as seed_rows

    seed_rows(apps.get_model("delivery", "LifeEventSituation"), apps.get_model("registry", "LifeSituation"))


class Migration(migrations.Migration):
    dependencies = [("delivery", "0003_life_event_situations")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
