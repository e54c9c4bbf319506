"""Seed the standard's requirements from data/standard/requirements.csv (skipped when the file is absent, as in
an installation without the repository's data; `manage.py load_standard` loads it later)."""

import csv
from pathlib import Path

from django.conf import settings
from django.db import migrations


def seed(apps, schema_editor):
    Requirement = apps.get_model("conformance", "Requirement")
    path = Path(settings.DATA_DIR) / "standard" / "requirements.csv"
    if not path.exists():
        return
    with open(path, encoding="utf-8", newline="") as handle:
        for order, row in enumerate(csv.DictReader(handle), 1):
            Requirement.objects.update_or_create(
                code=row["code"],
                defaults=dict(
                    standard=row["standard"],
                    chapter=row["chapter"],
                    chapter_title=row["chapter_title"],
                    text=row["text"],
                    source_text=row["source_text"],
                    indicator=row["indicator"],
                    conforms_at=float(row["conforms_at"]) if row["conforms_at"] else None,
                    partly_at=float(row["partly_at"]) if row["partly_at"] else None,
                    sort_order=order,
                ),
            )


class Migration(migrations.Migration):
    dependencies = [("conformance", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
