from django.db import migrations

# The interaction points of DEF-11 / glossary, in the order the standard lists them.
TOUCHPOINTS = [
    ("portal", "Портал госуслуг"),
    ("app", "Мобильное приложение"),
    ("call_centre", "Контакт-центр"),
    ("email", "Электронная почта и письма"),
    ("chatbot", "Чат-бот"),
    ("social", "Социальные сети"),
    ("in_person", "Личный приём"),
    ("one_stop_centre", "МФЦ «Мои документы»"),
    ("long_stay", "Места длительного пребывания"),
]


def create(apps, schema_editor):
    Touchpoint = apps.get_model("registry", "Touchpoint")
    for order, (code, name) in enumerate(TOUCHPOINTS, start=1):
        Touchpoint.objects.update_or_create(code=code, defaults={"name": name, "sort_order": order})


def remove(apps, schema_editor):
    apps.get_model("registry", "Touchpoint").objects.filter(code__in=[c for c, _ in TOUCHPOINTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(create, remove)]
