import csv
import gzip
import json

import pytest
from django.core.management import call_command

from clientcentric.appeals.models import Appeal, Status

COLUMNS = ["id", "created_at", "text", "reason", "district", "address", "executor_org", "answer_texts"]


@pytest.mark.django_db
def test_demo_appeals_are_routed_answered_and_loaded_once(tmp_path, settings):
    path = tmp_path / "appeals.csv.gz"
    with gzip.open(path, "wt", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        for i in range(12):
            writer.writerow(
                {
                    "id": str(i),
                    "created_at": "2021-02-20T10:00:00",
                    "text": f"Не убран снег у дома {i}",
                    "reason": "Неубранный снег",
                    "district": ["Невский", "Выборгский", "Московский"][i % 3],
                    "address": f"ул. Седова, д. {i}",
                    "executor_org": "",
                    "answer_texts": json.dumps([f"Снег убран {i} февраля."], ensure_ascii=False),
                }
            )
    settings.CLIENTCENTRIC_DEMO_APPEALS = str(path)
    call_command("load_demo", appeals=12, verbosity=0)
    appeals = Appeal.objects.all()
    assert appeals.count() == 8  # Московский is not a demo district
    nevsky = appeals.filter(district="Невский")
    assert {a.executor.code for a in nevsky} == {"ja-nevsky"}
    assert nevsky.filter(status=Status.ANSWERED).exists()
    answered = nevsky.filter(status=Status.ANSWERED).first()
    assert answered.answers.get().text.startswith("Снег убран")
    call_command("load_demo", appeals=12, verbosity=0)
    assert Appeal.objects.count() == 8
