import csv
import gzip
import json

import pytest
from django.core.management import call_command

from clientcentric.appeals import classification, services, training
from clientcentric.appeals.models import ClassifierModel, Status, TrainingExample

TOPICS = {
    "Неисправный лифт": (
        "ЖА Невского района",
        [
            "лифт не работает",
            "застрял лифт",
            "лифт стоит на этаже",
            "кнопки лифта сломаны",
            "двери лифта не закрываются",
        ],
    ),
    "Мусор во дворе": (
        "Центр благоустройства",
        [
            "мусор во дворе",
            "контейнеры переполнены",
            "не вывозят мусор",
            "свалка у площадки",
            "пакеты с мусором у подъезда",
        ],
    ),
    "Не убран снег": (
        "Центр благоустройства",
        [
            "снег не убран",
            "сугробы на тротуаре",
            "наледь у подъезда",
            "не чистят снег",
            "скользко, нет песка",
        ],
    ),
}


# The kind of object the portal asked before the topic: each topic belongs to one.
OBJECTS = {"Неисправный лифт": "Дом", "Мусор во дворе": "Двор", "Не убран снег": "Улица"}


def write_examples(path, *, category_column="reason", executor_column="executor_org", gz=False):
    rows = []
    day = 0
    for repeat in range(6):
        for topic, (executor, phrases) in TOPICS.items():
            for phrase in phrases:
                day += 1
                rows.append(
                    {
                        "text": f"{phrase} в доме {repeat * 10 + day % 7}, просим принять меры",
                        category_column: topic,
                        executor_column: executor,
                        "created_at": f"2020-{10 + day // 60:02d}-{day % 28 + 1:02d}T10:00:00",
                        "district": "Невский",
                        "address": f"Невский проспект, дом {day}",
                        "municipality": "муниципальный округ Смольнинское",
                        "city_object": OBJECTS[topic],
                    }
                )
    opener = gzip.open if gz else open
    with opener(path, "wt", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)


@pytest.mark.django_db
def test_import_with_renamed_columns_from_csv_gz(tmp_path):
    path = tmp_path / "appeals.csv.gz"
    count = write_examples(path, gz=True)
    result = training.import_examples(
        path, category_column="reason", executor_column="executor_org", object_column="city_object"
    )
    assert result.imported == count and not result.problems
    assert TrainingExample.objects.filter(category="Неисправный лифт").exists()
    assert TrainingExample.objects.filter(address="Невский проспект, дом 1").exists()
    assert TrainingExample.objects.filter(municipality="муниципальный округ Смольнинское").count() == count
    assert TrainingExample.objects.filter(object_kind="Двор").count() == count // 3


@pytest.mark.django_db
def test_an_invalid_row_stops_the_import_unless_skipping_is_asked(tmp_path):
    path = tmp_path / "appeals.csv"
    path.write_text(
        "text,category,created_at\nлифт сломан,Лифт,2020-10-01T10:00\n,Лифт,2020-10-02T10:00\n"
        "мусор,Мусор,вчера\n",
        encoding="utf-8",
    )
    result = training.import_examples(path)
    assert result.problems == [(3, "text", result.problems[0][2]), (4, "created_at", result.problems[1][2])]
    assert not TrainingExample.objects.exists()
    assert training.import_examples(path, skip_invalid=True).imported == 1


@pytest.mark.django_db
def test_a_mistyped_object_column_is_named_not_silently_empty(tmp_path):
    path = tmp_path / "appeals.csv"
    write_examples(path)
    result = training.import_examples(
        path,
        category_column="reason",
        executor_column="executor_org",
        object_column="city_objekt",
        require_object_column=True,
    )
    assert result.imported == 0 and [(row, name) for row, name, _ in result.problems] == [(1, "city_objekt")]
    with pytest.raises(ValueError, match="city_objekt"):
        training.classify_file(path, tmp_path / "out.csv", object_column="city_objekt")


@pytest.mark.django_db
def test_missing_columns_are_named(tmp_path):
    path = tmp_path / "appeals.csv"
    path.write_text("body,when\nx,y\n", encoding="utf-8")
    columns = {column for _row, column, _m in training.import_examples(path).problems}
    assert {"text", "created_at"} <= columns


@pytest.mark.django_db
def test_train_then_intake_classifies_and_the_cli_writes_predictions(tmp_path, housing):
    path = tmp_path / "appeals.csv"
    write_examples(path)
    call_command(
        "appeals",
        "import",
        str(path),
        "--category-column",
        "reason",
        "--executor-column",
        "executor_org",
        "--object-column",
        "city_object",
    )
    report = training.train_models()
    assert report["category"]["n_test"] > 0 and 0 <= report["category"]["macro_f1"] <= 1
    assert ClassifierModel.objects.filter(is_active=True).count() == 2
    housing.name = "ЖА Невского района"
    housing.save()
    appeal = services.receive_appeal(
        services.AppealInput(
            channel="portal", text="В нашем подъезде опять не работает лифт", contact_email="a@b.ru"
        )
    ).appeal
    assert appeal.topic == "Неисправный лифт"
    assert appeal.executor == housing and appeal.status == Status.REGISTERED
    source = tmp_path / "in.csv"
    source.write_text(
        "id,text,city_object\n1,Во дворе не вывозят мусор,\n2,Сугробы и наледь на тротуаре,\n"
        "3,Просим принять меры,Двор\n4,Просим принять меры,Улица\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    call_command(
        "appeals", "classify", "--input", str(source), "--output", str(out), "--object-column", "city_object"
    )
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["id"] for r in rows] == ["1", "2", "3", "4"]
    assert rows[0]["predicted_category"] == "Мусор во дворе"
    assert json.loads(rows[1]["predicted_category_top3"])[0] == "Не убран снег"
    assert 0 < float(rows[0]["predicted_category_p"]) <= 1
    # The same words: the kind of object the file gives decides.
    assert [rows[2]["predicted_category"], rows[3]["predicted_category"]] == [
        "Мусор во дворе",
        "Не убран снег",
    ]


def _import_and_train(tmp_path):
    path = tmp_path / "appeals.csv"
    write_examples(path)
    training.import_examples(path, category_column="reason", executor_column="executor_org")
    return training.train_models()


@pytest.mark.django_db
def test_train_reports_each_figure_next_to_its_simple_baseline(tmp_path):
    report = _import_and_train(tmp_path)
    topic, executor = report["category"], report["executor"]
    assert topic["baseline"]["name"] == "TF-IDF + linear SVM"
    assert {"macro_f1", "accuracy", "top3_accuracy"} <= set(topic) & set(topic["baseline"])
    assert {row["label"] for row in topic["per_topic"]} <= set(TOPICS)
    assert executor["baseline"]["name"] == "most frequent executor of (district, predicted topic)"
    assert 0 <= executor["baseline"]["accuracy"] <= 1 and 0 <= executor["accuracy"] <= 1
    assert "accuracy" in executor["text_model_alone"]
    stored = ClassifierModel.objects.get(target="executor", is_active=True)
    assert classification.active_model("executor").routing is not None
    assert stored.metrics["baseline"]["accuracy"] == executor["baseline"]["accuracy"]


@pytest.mark.django_db
def test_a_worker_warms_the_classifiers_before_its_first_appeal(tmp_path):
    assert classification.warm() is False  # nothing trained yet: nothing to load, no error
    _import_and_train(tmp_path)
    classification._load.cache_clear()
    assert classification.warm() is True
    assert classification._load.cache_info().currsize == 2


@pytest.mark.django_db(transaction=True)
def test_celery_and_gunicorn_worker_processes_warm_the_classifiers_when_they_start(tmp_path):
    from celery.signals import worker_process_init

    import clientcentric.config.celery  # noqa: F401  connects the handler
    from clientcentric.config import gunicorn

    _import_and_train(tmp_path)
    classification._load.cache_clear()
    worker_process_init.send(sender=None)
    assert classification._load.cache_info().currsize == 2
    classification._load.cache_clear()
    gunicorn.post_worker_init(worker=None)
    assert classification._load.cache_info().currsize == 2


@pytest.mark.django_db
def test_the_train_command_prints_each_figure_next_to_its_baseline_and_target(tmp_path):
    from io import StringIO

    path = tmp_path / "appeals.csv"
    write_examples(path)
    training.import_examples(path, category_column="reason", executor_column="executor_org")
    out = StringIO()
    call_command("appeals", "train", stdout=out)
    text = out.getvalue()
    for name in ("topic macro-F1", "topic top-3 accuracy", "topic accuracy", "executor accuracy"):
        line = next(line for line in text.splitlines() if line.startswith(name))
        assert "target" in line or "(information)" in line
    assert "(baseline " in text and "target ≥ 0.82" in text and "target ≥ 0.6 " in text
    assert "largest topics" in text
