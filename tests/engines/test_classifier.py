import random
from datetime import date, datetime

import numpy as np
import pytest
from sklearn.feature_extraction.text import CountVectorizer

from clientcentric.engines.text import classifier
from clientcentric.engines.text.classifier import (
    OTHER_LABEL,
    ModelFormatError,
    TrainedClassifier,
    dedup_key,
    deduplicate,
    evaluate,
    group_rare_labels,
    lemma_text,
    time_ordered_split,
    train_classifier,
)

TOPICS = {
    "снег": (
        ["снег", "сугробы", "наледь", "сосульки", "гололед"],
        ["не убирают", "не вывозят", "никто не чистит", "опасно ходить", "свисают с крыши"],
    ),
    "мусор": (
        ["мусор", "контейнеры", "отходы", "пакеты с мусором", "свалка"],
        ["не вывозят", "переполнены", "разбросаны", "воняет", "лежат неделю"],
    ),
    "освещение": (
        ["фонарь", "освещение", "лампа", "уличный светильник", "свет на улице"],
        ["не горит", "не работает", "мигает", "выключен", "разбит"],
    ),
    "лифт": (
        ["лифт", "кабина лифта", "подъемник", "лифтовое оборудование", "кнопка вызова лифта"],
        ["сломан", "застревает", "не едет", "стоит", "не открываются двери"],
    ),
}
PLACES = ["во дворе", "у подъезда", "около дома", "на улице", "возле школы", "на детской площадке"]


def synthetic(n_per_topic: int, seed: int) -> tuple[list[str], list[str]]:
    rng = random.Random(seed)
    texts, labels = [], []
    for label, (subjects, problems) in TOPICS.items():
        for _ in range(n_per_topic):
            words = [
                rng.choice(subjects),
                rng.choice(problems),
                rng.choice(PLACES),
                f"дом {rng.randint(1, 99)}",
            ]
            rng.shuffle(words)
            texts.append(" ".join(words).capitalize())
            labels.append(label)
    return texts, labels


@pytest.fixture(scope="module")
def trained() -> TrainedClassifier:
    texts, labels = synthetic(30, seed=1)
    return train_classifier(texts, labels)


def test_model_learns_separable_topics(trained):
    texts, labels = synthetic(10, seed=2)
    predicted = trained.predict(texts)
    accuracy = np.mean([p == y for p, y in zip(predicted, labels, strict=True)])
    assert accuracy >= 0.95


def test_baseline_learns_separable_topics_too():
    texts, labels = synthetic(30, seed=1)
    baseline = train_classifier(texts, labels, kind="baseline")
    test_texts, test_labels = synthetic(10, seed=2)
    assert np.mean([p == y for p, y in zip(baseline.predict(test_texts), test_labels, strict=True)]) >= 0.9


def test_top_k_is_best_first_with_probabilities_summing_to_at_most_one(trained):
    tops = trained.predict_top(["Сосульки свисают с крыши над подъездом", "Во дворе не горит фонарь"], k=3)
    assert [top[0][0] for top in tops] == ["снег", "освещение"]
    for top in tops:
        assert len(top) == 3
        probabilities = [p for _, p in top]
        assert probabilities == sorted(probabilities, reverse=True)
        assert all(0.0 <= p <= 1.0 for p in probabilities)
        assert sum(probabilities) <= 1.0 + 1e-9
        assert len({label for label, _ in top}) == 3


def test_k_larger_than_label_count_returns_every_label_once(trained):
    (top,) = trained.predict_top(["лифт сломан"], k=10)
    assert sorted(label for label, _ in top) == sorted(TOPICS)
    assert sum(p for _, p in top) == pytest.approx(1.0)


def test_round_trip_gives_identical_predictions(trained):
    texts, _ = synthetic(5, seed=3)
    restored = TrainedClassifier.from_bytes(trained.to_bytes())
    assert restored.labels == trained.labels
    np.testing.assert_array_equal(restored.predict_proba(texts), trained.predict_proba(texts))
    assert restored.predict_top(texts) == trained.predict_top(texts)


def test_a_loaded_model_brings_the_lemmas_of_its_training_words(trained):
    texts, _ = synthetic(5, seed=9)
    expected = trained.predict_proba(texts)
    data = trained.to_bytes()
    classifier.clear_caches(tokens=True)
    restored = TrainedClassifier.from_bytes(data)
    assert classifier._LEXICON["сосульки"] == "сосулька"
    np.testing.assert_array_equal(restored.predict_proba(texts), expected)


def test_other_format_version_is_refused(trained):
    data = bytearray(trained.to_bytes())
    data[8:10] = (classifier.FORMAT_VERSION + 1).to_bytes(2, "big")
    with pytest.raises(ModelFormatError, match="format"):
        TrainedClassifier.from_bytes(bytes(data))


def test_foreign_bytes_are_refused():
    with pytest.raises(ModelFormatError):
        TrainedClassifier.from_bytes(b"not a model at all")


def test_district_routes_the_same_text_to_different_executors():
    texts, topics = synthetic(20, seed=4)
    districts = ["Невский", "Выборгский"] * (len(texts) // 2)
    executors = [f"ЖА {district}" for district in districts]
    extra = [{"district": district} for district in districts]
    model = train_classifier(texts, executors, extra)
    text = "Мусор не вывозят во дворе"
    assert model.predict([text, text], [{"district": "Невский"}, {"district": "Выборгский"}]) == [
        "ЖА Невский",
        "ЖА Выборгский",
    ]


def test_extra_must_match_texts_in_length(trained):
    texts, labels = synthetic(5, seed=5)
    with pytest.raises(ValueError, match="extra"):
        train_classifier(texts, labels, [{"district": "Невский"}])


def test_lemma_text_folds_word_forms_and_drops_numbers_and_masks():
    assert lemma_text("Сосульки на крышах домов 5 и 7, XXXX") == lemma_text("сосулька крыша дом")


def test_char_ngrams_equal_scikit_learn_char_wb():
    texts = [classifier.normalise(t) for t in synthetic(5, seed=6)[0]] + ["а  б\nв", "ёлка-палка!", ""]
    ngrams = classifier._CharNgrams((2, 5), min_df=1)
    ngrams.fit_transform(texts[:10])
    reference = CountVectorizer(analyzer="char_wb", lowercase=False, ngram_range=(2, 5), min_df=1)
    reference.fit(texts[:10])
    assert (ngrams.counts(texts) != reference.transform(texts)).nnz == 0


def test_dedup_key_ignores_case_yo_spaces_masks_and_punctuation():
    assert dedup_key("Ёлка  упала, XXXX!\n") == dedup_key("ёлка упала") == "елка упала"


def test_deduplicate_keeps_the_first_of_near_exact_repeats():
    records = [
        {"id": 1, "text": "Сосульки на крыше!"},
        {"id": 2, "text": "сосульки   на крыше"},
        {"id": 3, "text": "Сосульки на крыше XXXX"},
        {"id": 4, "text": "Сосульки на крыше дома"},
        {"id": 5, "text": "  "},
    ]
    assert [r["id"] for r in deduplicate(records)] == [1, 4]


def test_time_ordered_split_is_by_time_and_no_test_text_is_in_train():
    records = [
        {"created_at": "2021-01-05T10:00:00", "text": "Лифт сломан"},
        {"created_at": "2020-12-30T10:00:00", "text": "лифт сломан!"},
        {"created_at": "2020-12-01T10:00:00", "text": "Мусор не вывозят"},
        {"created_at": "2020-12-02T10:00:00", "text": "мусор не вывозят"},
        {"created_at": datetime(2021, 1, 2, 9), "text": "Фонарь не горит"},
        {"created_at": "2021-01-03T09:00:00", "text": "фонарь не горит."},
        {"created_at": "2020-12-31T23:59:59", "text": "Снег не убран"},
    ]
    train, test = time_ordered_split(records, date(2021, 1, 1))
    assert [r["text"] for r in train] == ["Мусор не вывозят", "лифт сломан!", "Снег не убран"]
    assert [r["text"] for r in test] == ["Фонарь не горит"]
    assert not {dedup_key(r["text"]) for r in train} & {dedup_key(r["text"]) for r in test}


def test_rare_labels_are_grouped_as_other_in_train_and_test():
    train, test = group_rare_labels(["a"] * 5 + ["b"] * 2, ["a", "b", "c"], min_count=5)
    assert train == ["a"] * 5 + [OTHER_LABEL] * 2
    assert test == ["a", OTHER_LABEL, OTHER_LABEL]


def test_evaluate_reports_the_figures_and_beats_chance():
    train_texts, train_labels = synthetic(30, seed=7)
    test_texts, test_labels = synthetic(10, seed=8)
    figures = evaluate(train_texts, train_labels, test_texts, test_labels)
    assert {"macro_f1", "accuracy", "top3_accuracy", "n_train", "n_test", "n_labels"} <= figures.keys()
    assert figures["n_train"] == 120 and figures["n_test"] == 40 and figures["n_labels"] == 4
    assert figures["macro_f1"] >= 0.9 and figures["top3_accuracy"] >= figures["accuracy"]


def test_single_text_path_gives_the_same_probabilities_as_the_model():
    texts, topics = synthetic(20, seed=5)
    extra = [{"district": ["Невский", "Выборгский", "Центральный"][i % 3]} for i in range(len(texts))]
    model = train_classifier(texts, topics, extra)
    assert len(model.labels) > 2  # the multinomial model takes the fast path
    samples = synthetic(3, seed=6)[0] + [
        "Совсем новые слова, которых не было",
        "",
        "Мусор мусор мусор во дворе",
    ]
    for i, text in enumerate(samples):
        place = {"district": ["Невский", "Купчино", ""][i % 3]}
        expected = model.predict_proba([text], [place])[0]
        assert model.single_text.proba(text, place) == pytest.approx(expected, abs=1e-5)
        assert [label for label, _ in model.single_text.top(text, place, k=3)] == [
            label for label, _ in model.predict_top([text], [place], k=3)[0]
        ]


def test_single_text_path_falls_back_to_the_model_for_two_labels():
    texts, _ = synthetic(10, seed=7)
    labels = ["А" if i % 2 else "Б" for i in range(len(texts))]
    model = train_classifier(texts, labels)
    assert model.single_text.proba(texts[0]) == pytest.approx(model.predict_proba([texts[0]])[0])
