import csv
import gzip
import json

from clientcentric.appeals import demo as appeals_demo
from clientcentric.demo import research as demo
from clientcentric.design.models import AudienceTest, DesignProject
from clientcentric.registry import demo as registry_demo
from clientcentric.research import selectors
from clientcentric.research.models import EvidenceRecord, JourneyMap, Study

COLUMNS = [
    "id", "created_at", "text", "followup_texts", "reason", "category", "city_object", "district",
    "municipality", "address", "executor_org", "final_status", "status_history", "answer_authors",
    "answer_texts", "expected_answer_dt",
]  # fmt: skip


def _row(index, reason, final_status, answer_after_hours, city_object="Двор"):
    created = f"2021-01-{index % 28 + 1:02d}T10:00:00"
    answered = f"2021-02-{index % 28 + 1:02d}T10:00:00" if answer_after_hours else None
    history = [[created, "Модерация"]] + ([[answered, "Получен ответ"]] if answered else [])
    return {
        "id": str(index), "created_at": created, "text": "x", "followup_texts": "", "reason": reason,
        "category": "", "city_object": city_object, "district": "Невский", "municipality": "", "address": "",
        "executor_org": "", "final_status": final_status, "status_history": json.dumps(history),
        "answer_authors": "[]", "answer_texts": "[]", "expected_answer_dt": "",
    }  # fmt: skip


def test_the_demo_builds_the_house_and_yard_map_study_and_project_from_the_real_columns(db, tmp_path):
    registry_demo.load_registry()
    registry_demo.ensure_accounts()
    appeals_demo.ensure_need_topics()
    path = tmp_path / "appeals.csv.gz"
    with gzip.open(path, "wt", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, COLUMNS)
        writer.writeheader()
        for index in range(30):
            final = ["Завершено: Пользователь удовлетворен решением проблемы", "Промежуточный ответ",
                     "Завершено: Автоматически"][index % 3]  # fmt: skip
            writer.writerow(_row(index, "Мусор на внутридворовой территории", final, 24 * 31))
        writer.writerow(
            _row(99, "Мусор на внутридворовой территории", "Рассмотрение", 0, city_object="Улица")
        )

    created = demo.load(path)

    assert created["evidence_records"] == 30  # the street row is not a house-and-yard message
    assert EvidenceRecord.objects.filter(satisfied=True).count() == 10
    assert EvidenceRecord.objects.filter(satisfied=False).count() == 10
    assert EvidenceRecord.objects.exclude(need=None).count() == 30
    as_is = JourneyMap.objects.get(version="as_is")
    waited = as_is.stages.get(name="Ждал ответа")
    assert "31.0 дн." in waited.problems and "100 %" in waited.problems
    assert JourneyMap.objects.filter(version="to_be", as_is=as_is).exists()
    evidence, points = selectors.journey_map_evidence(as_is)
    assert evidence.satisfaction.rated == 20
    assert any(p.signal == "satisfaction" for p in points)  # 50 % satisfied is a pain point
    assert Study.objects.get(slug="home-and-yard-waiting").is_published
    project = DesignProject.objects.get()
    assert project.stage == "beta_test" and project.segment.code == "seg-2-2"
    test = AudienceTest.objects.get(project=project)
    assert test.completed_at is None and test.participations.count() == 5
    assert demo.load(path) == {}  # a second run changes nothing
