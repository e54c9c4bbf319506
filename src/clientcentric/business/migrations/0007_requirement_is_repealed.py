from django.db import migrations, models

# Frozen here so that a later change of the engine's wording never rewrites what this migration did.
REPEALED_LINE = (
    r"^\s*(?:(?:\d+(?:\.\d+)*(?:\(\d+\))?\.?|[а-я]\)|абзац|пункт|подпункт|статья\s+[\d.]+\.?)\s*)?"
    r"(?:утратил[аио]?|утратили|исключен[аоы]?)(?:\s+силу\b|\s*[.;\-—]|\s+с\s|\s*$)"
)


def mark_repealed(apps, schema_editor):
    import re

    pattern = re.compile(REPEALED_LINE, re.IGNORECASE)
    Requirement = apps.get_model("business", "Requirement")
    ids = []
    for pk, text in Requirement.objects.values_list("pk", "text").iterator():
        lines = [line for line in (text or "").replace("ё", "е").splitlines() if line.strip()]
        if lines and all(pattern.match(line) for line in lines):
            ids.append(pk)
    Requirement.objects.filter(pk__in=ids).update(is_repealed=True)


class Migration(migrations.Migration):
    dependencies = [
        ("business", "0006_act_stage_article_10_adoption"),
    ]

    operations = [
        migrations.AddField(
            model_name="requirement",
            name="is_repealed",
            field=models.BooleanField(default=False, verbose_name="repealed"),
        ),
        migrations.RunPython(mark_repealed, migrations.RunPython.noop),
    ]
