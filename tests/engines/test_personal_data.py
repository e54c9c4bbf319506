"""The personal-data mask: examples of each kind, what it must leave alone, and recall/precision per kind on the
labelled set (tests/engines/data/personal_data_set.jsonl, made by bench/personal_data_set.py)."""

import json
from pathlib import Path

import pytest

from clientcentric.engines.text import personal_data
from clientcentric.engines.text.personal_data import KINDS, find, mask

SET = Path(__file__).parent / "data" / "personal_data_set.jsonl"
RECALL_TARGET = {"phone": 0.99, "email": 0.99, "snils": 0.99, "inn": 0.99, "name": 0.95}
PRECISION_TARGET = 0.9


def score(records: list[dict]) -> dict[str, dict[str, float]]:
    """Recall: a planted span counts when the mask hides all of it (whatever kind found it).
    Precision: a found span counts when it overlaps something planted."""
    planted = {kind: 0 for kind in KINDS}
    recalled = {kind: 0 for kind in KINDS}
    found_total = {kind: 0 for kind in KINDS}
    found_right = {kind: 0 for kind in KINDS}
    for record in records:
        spans = find(record["text"])
        for truth in record["spans"]:
            planted[truth["kind"]] += 1
            covered = set()
            for span in spans:
                covered.update(range(max(span.start, truth["start"]), min(span.end, truth["end"])))
            if len(covered) == truth["end"] - truth["start"]:
                recalled[truth["kind"]] += 1
        for span in spans:
            found_total[span.kind] += 1
            if any(span.start < t["end"] and t["start"] < span.end for t in record["spans"]):
                found_right[span.kind] += 1
    return {
        kind: {
            "planted": planted[kind],
            "recall": recalled[kind] / planted[kind] if planted[kind] else 1.0,
            "found": found_total[kind],
            "precision": found_right[kind] / found_total[kind] if found_total[kind] else 1.0,
        }
        for kind in KINDS
    }


@pytest.fixture(scope="module")
def labelled():
    return [json.loads(line) for line in SET.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_the_set_is_big_and_has_every_kind(labelled):
    assert len(labelled) >= 300
    kinds = {span["kind"] for record in labelled for span in record["spans"]}
    assert kinds == set(KINDS)


def test_recall_and_precision_per_kind_meet_the_targets(labelled):
    scores = score(labelled)
    report = "\n".join(
        f"{kind:9} labelled {s['planted']:3}  recall {s['recall']:.3f}  found {s['found']:3}  "
        f"precision {s['precision']:.3f}"
        for kind, s in scores.items()
    )
    print(report)
    for kind, target in RECALL_TARGET.items():
        assert scores[kind]["recall"] >= target, report
    for s in scores.values():
        assert s["precision"] >= PRECISION_TARGET, report


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Звоните: +7 (921) 123-45-67.", "Звоните: XXXX."),
        ("тел. 8 921 123 45 67, 89211234567 или 123-45-67", "тел. XXXX, XXXX или XXXX"),
        ("Пишите на ivan.petrov@mail.ru", "Пишите на XXXX"),
        ("СНИЛС 112-233-445 95", "СНИЛС XXXX"),
        ("ИНН 500100732259", "ИНН XXXX"),
        ("паспорт серия 40 12 номер 345678", "паспорт серия XXXX"),
        ("на карту 4276 3800 1234 5678", "на карту XXXX"),
        ("р/с 40817810099910004312", "р/с XXXX"),
        ("Течь из кв. 15 и квартиры №19", "Течь из кв. XXXX и квартиры №XXXX"),
        ("Во дворе д. 12к2 нет света", "Во дворе д. XXXX нет света"),
        ("Руководитель УК Кудряшов А.Н. не отвечает", "Руководитель УК XXXX не отвечает"),
        ("Прошу наказать дворника И.И. Иванова.", "Прошу наказать дворника XXXX."),
        ("Заявитель: Петрова Анна Сергеевна.", "Заявитель: XXXX."),
        ("Здравствуйте, Иван! Ваше обращение рассмотрено.", "Здравствуйте! Ваше обращение рассмотрено."),
        ("Уважаемая Мария Ивановна! Сообщаем, что", "Уважаемая заявительница! Сообщаем, что"),
    ],
)
def test_masks_each_kind(text, expected):
    assert mask(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "На улице Ленина не горят фонари.",
        "Яма у пр. Просвещения, Невский район.",
        "Мусор на Невском проспекте и на площади Александра Невского.",
        "Повторно: обращение № 3005917 от 22.01.2021, координаты 60.043188, 30.316718.",
        "Не работает лифт, 5 этаж, 2 парадная.",
        "Сообщаем, что работы выполнены ООО «Жилкомсервис № 2».",
    ],
)
def test_leaves_places_numbers_and_organisations(text):
    assert mask(text) == text


def test_checksums():
    assert personal_data.snils_valid("112-233-445 95")
    assert not personal_data.snils_valid("112-233-445 96")
    assert personal_data.inn_valid("7830002293")
    assert personal_data.inn_valid("500100732259")
    assert not personal_data.inn_valid("500100732250")
