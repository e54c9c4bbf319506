"""Seed the search synonyms with the words of real appeals and questions (registry/search_synonyms.json).

The methodologist edits them in the back office afterwards; a reversal removes only the seeded phrases.
"""

import json
from pathlib import Path

from django.db import migrations

SEED = Path(__file__).resolve().parents[1] / "search_synonyms.json"


def _pairs():
    return [(" ".join(p.split()), " ".join(m.split())) for p, m in json.loads(SEED.read_text(encoding="utf-8"))]


def seed(apps, schema_editor):
    SearchSynonym = apps.get_model("registry", "SearchSynonym")
    for phrase, means in _pairs():
        SearchSynonym.objects.get_or_create(
            phrase=phrase, defaults={"means": means, "note": "из обращений и вопросов граждан"}
        )


def unseed(apps, schema_editor):
    SearchSynonym = apps.get_model("registry", "SearchSynonym")
    SearchSynonym.objects.filter(phrase__in=[phrase for phrase, _means in _pairs()]).delete()


class Migration(migrations.Migration):
    dependencies = [("registry", "0002_search_synonyms")]

    operations = [migrations.RunPython(seed, unseed)]
