import csv
import gzip
import json

import pytest
from django.core.management import call_command

from clientcentric.appeals import classification
from clientcentric.appeals import demo as appeals_demo
from clientcentric.appeals.models import Appeal, ClassifierModel, NeedTopic, Status, TrainingExample

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
    # The real appeals of the file (the demo's VK comment waiting for an answer is another channel's).
    appeals = Appeal.objects.exclude(channel="social")
    assert appeals.count() == 8  # Московский is not a demo district
    nevsky = appeals.filter(district="Невский")
    assert {a.executor.code for a in nevsky} == {"ja-nevsky"}
    assert nevsky.filter(status=Status.ANSWERED).exists()
    answered = nevsky.filter(status=Status.ANSWERED).first()
    assert answered.answers.get().text.startswith("Снег убран")
    call_command("load_demo", appeals=12, verbosity=0)
    assert Appeal.objects.exclude(channel="social").count() == 8


@pytest.mark.django_db
def test_demo_classifier_learns_the_real_labels_and_routes_by_them(tmp_path, settings):
    topics = {
        "Неубранный снег": ("Не убран снег во дворе дома", "Жилищное агентство Невского района"),
        "Ямы на дороге": ("Глубокая яма на проезжей части", "Комитет по благоустройству"),
    }
    path = tmp_path / "appeals.csv.gz"
    with gzip.open(path, "wt", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        for i in range(120):
            reason = sorted(topics)[i % 2]
            text, executor = topics[reason]
            writer.writerow(
                {
                    "id": str(i),
                    "created_at": f"2021-01-{1 + i % 28:02d}T10:00:00",
                    "text": f"{text} номер {i}",
                    "reason": reason,
                    "district": "Центральный",
                    "address": "",
                    "executor_org": executor,
                    "answer_texts": "[]",
                }
            )
    settings.CLIENTCENTRIC_DEMO_APPEALS = str(path)
    call_command("load_demo", appeals=1, train=True, verbosity=0)
    models = ClassifierModel.objects.filter(is_active=True)
    assert set(models.values_list("target", flat=True)) == {"category", "executor"}
    assert TrainingExample.objects.count() == 120
    prediction = classification.classify("Глубокая яма на проезжей части у остановки")
    assert prediction.category == "Ямы на дороге"
    # A second run keeps the trained model instead of training again.
    call_command("load_demo", appeals=1, train=True, verbosity=0)
    assert ClassifierModel.objects.count() == 2


@pytest.mark.django_db
def test_demo_maps_the_frequent_topics_named_by_needs_to_those_needs():
    call_command("load_demo", verbosity=0)
    assert appeals_demo.ensure_need_topics() > 20
    mapped = NeedTopic.objects.get(topic="Мусор на внутридворовой территории")
    assert mapped.need.code == "hy-clean-yard"
    assert appeals_demo.ensure_need_topics() == 0
