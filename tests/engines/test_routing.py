import random
import re

import numpy as np
import pytest

from clientcentric.engines.text import classifier as clf
from clientcentric.engines.text.places import place_kinds, role_features
from clientcentric.engines.text.routing import (
    ExecutorRoles,
    ObjectPrior,
    PlaceTopicTable,
    address_features,
    address_kind,
    executor_role,
    lookup_baseline,
    per_label_figures,
)
from clientcentric.engines.text.routing_report import evaluate_routing, grouped_topics

# Who answers depends on the district and the topic, as on the portal: the housing agency of the district for
# a broken lift, the district's administration for yard litter, one city-wide agency for traffic lights.
EXECUTORS = {
    ("Невский", "лифт"): "ЖА Невского",
    ("Невский", "мусор"): "Администрация Невского",
    ("Приморский", "лифт"): "ЖА Приморского",
    ("Приморский", "мусор"): "Администрация Приморского",
    ("Невский", "светофор"): "Дирекция дорожного движения",
    ("Приморский", "светофор"): "Дирекция дорожного движения",
}
PHRASES = {
    "лифт": ["лифт не работает", "застрял лифт", "двери лифта не закрываются", "кабина лифта стоит"],
    "мусор": ["мусор во дворе", "контейнеры переполнены", "не вывозят мусор", "свалка у площадки"],
    "светофор": ["светофор не горит", "сломан светофор", "мигает светофор", "светофор погас"],
}


def records(n: int, seed: int, start_day: int = 0) -> list[dict]:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        district, topic = rng.choice(sorted(EXECUTORS))
        rows.append(
            {
                "text": f"{rng.choice(PHRASES[topic])}, дом {rng.randint(1, 400)}, кв {rng.randint(1, 300)}",
                "topic": topic,
                "executor": EXECUTORS[(district, topic)],
                "district": district,
                "created_at": f"2020-{10 + (start_day + i) // 2800:02d}-{(start_day + i) // 100 % 28 + 1:02d}",
            }
        )
    return rows


def test_the_table_answers_the_executor_of_the_district_and_topic():
    table = PlaceTopicTable.fit(
        ["Невский", "Невский", "Приморский", "Приморский"],
        ["лифт", "мусор", "лифт", "мусор"],
        ["ЖА Невского", "Администрация Невского", "ЖА Приморского", "Администрация Приморского"],
    )
    assert table.top("Невский", [("лифт", 0.9), ("мусор", 0.1)], k=1)[0][0] == "ЖА Невского"
    assert table.top("Приморский", [("мусор", 0.8), ("лифт", 0.2)], k=1)[0][0] == "Администрация Приморского"


def test_the_topic_probabilities_spread_the_vote():
    table = PlaceTopicTable.fit(
        ["Невский"] * 4, ["лифт", "лифт", "мусор", "мусор"], ["ЖА", "ЖА", "Адм", "Адм"]
    )
    hesitant = table.proba("Невский", [("лифт", 0.5), ("мусор", 0.5)])
    assert hesitant[table.executors.index("ЖА")] == pytest.approx(hesitant[table.executors.index("Адм")])


def test_an_unseen_pair_backs_off_to_the_district_and_the_topic():
    table = PlaceTopicTable.fit(
        ["Невский", "Невский", "Приморский"],
        ["лифт", "лифт", "мусор"],
        ["ЖА Невского", "ЖА Невского", "Адм П"],
    )
    # (Невский, мусор) was never seen: the district's executor and the topic's executor share the vote.
    proba = table.proba("Невский", [("мусор", 1.0)])
    assert proba.sum() == pytest.approx(1.0)
    assert set(np.argsort(-proba)[:2]) == {
        table.executors.index("ЖА Невского"),
        table.executors.index("Адм П"),
    }
    assert table.proba("Неизвестный", [("неизвестная тема", 1.0)]).sum() == pytest.approx(1.0)


def test_the_text_model_breaks_what_the_table_cannot_tell():
    table = PlaceTopicTable.fit(["Невский"] * 4, ["лифт"] * 4, ["ЖА", "ЖА", "Адм", "Адм"], text_weight=0.5)
    for executor in table.executors:
        text_proba = np.where(np.array(table.executors) == executor, 0.9, 0.1)
        assert table.top("Невский", [("лифт", 1.0)], text_proba=text_proba, k=1)[0][0] == executor
    with pytest.raises(ValueError, match="3 text probabilities"):
        table.proba("Невский", [("лифт", 1.0)], text_proba=np.ones(3) / 3)


def test_lookup_baseline_falls_back_to_the_district_then_overall():
    lookup = lookup_baseline(
        ["Невский", "Невский", "Невский"], ["лифт", "мусор", "мусор"], ["ЖА", "Адм", "Адм"]
    )
    assert lookup.predict("Невский", "лифт") == "ЖА"
    assert lookup.predict("Невский", "снег") == "Адм"
    assert lookup.predict("Колпинский", "снег") == "Адм"


def test_per_label_figures_of_the_largest_labels():
    rows = per_label_figures(["a", "a", "a", "b", "b", "c"], ["a", "a", "b", "b", "a", "c"], largest=2)
    assert [row["label"] for row in rows] == ["a", "b"]
    assert rows[0]["precision"] == pytest.approx(2 / 3) and rows[0]["recall"] == pytest.approx(2 / 3)
    assert rows[1]["f1"] == pytest.approx(0.5)


def test_grouped_topics_name_unknown_topics_other_and_keep_empty_ones():
    assert grouped_topics(["лифт", "редкая", ""], ["лифт", clf.OTHER_LABEL]) == ["лифт", clf.OTHER_LABEL, ""]


@pytest.fixture(scope="module")
def evaluation():
    train = records(600, seed=1)
    test = records(200, seed=2, start_day=600)
    return evaluate_routing(train, test)


def test_report_puts_each_figure_next_to_its_baseline(evaluation):
    topic, executor = evaluation.report["topic"], evaluation.report["executor"]
    assert topic["macro_f1"] > 0.9 and topic["baseline"]["macro_f1"] > 0.9
    assert {row["label"] for row in topic["per_topic"]} == set(PHRASES)
    assert all({"model_f1", "baseline_f1", "support"} <= set(row) for row in topic["per_topic"])
    # The text never names the district: only the router, which reads the place with the topic, gets it right.
    assert executor["accuracy"] > 0.95
    assert executor["baseline"]["accuracy"] > 0.95
    assert executor["lookup_knowing_true_topic"] == 1.0


def test_the_router_survives_a_round_trip_and_routes_one_text_as_a_batch(evaluation):
    model = clf.TrainedClassifier.from_bytes(evaluation.executor_model.to_bytes())
    assert model.routing is not None and model.routing.executors == model.labels  # the roles
    assert model.roles is not None and model.roles.executors == model.route_labels
    topics = evaluation.topic_model.predict_top(
        ["застрял лифт в подъезде"], [{"district": "Приморский"}], k=5
    )
    batch = model.route_top(["застрял лифт в подъезде"], ["Приморский"], topics)[0]
    one = model.route_one("застрял лифт в подъезде", "Приморский", topics[0])
    assert batch[0][0] == one[0][0] == "ЖА Приморского"
    # float32 features: the two paths agree to 1e-5, as intake's promise says (docs/appeals.md)
    assert [p for _, p in batch] == pytest.approx([p for _, p in one], rel=1e-5)


def test_a_model_without_a_table_routes_by_its_text_model_alone():
    rows = records(300, seed=3)
    model = clf.train_classifier(
        [r["text"] for r in rows], [r["executor"] for r in rows], [{"district": r["district"]} for r in rows]
    )
    assert model.routing is None
    texts, districts = ["не вывозят мусор"], ["Невский"]
    assert model.route_top(texts, districts, [[]]) == model.predict_top(texts, [{"district": "Невский"}])


def test_address_features_are_its_words_without_numbers():
    assert address_features("г.Санкт-Петербург, Мебельная улица, дом 47, корпус 1") == {
        f"address:{word}": 1.0 for word in ("г", "санкт", "петербург", "мебельная", "улица", "дом", "корпус")
    }
    assert address_features("") == address_features(None) == {"address:none": 1.0}


def test_prior_shift_gives_rare_labels_room_and_the_single_text_path_agrees():
    rows = records(400, seed=4)
    texts, topics = [r["text"] for r in rows], [r["topic"] for r in rows]
    extra = [address_features(r.get("address")) for r in rows]
    plain = clf.train_classifier(texts, topics, extra)
    shifted = clf.train_classifier(texts, topics, extra, prior_shift=1.0)
    shares = {label: topics.count(label) / len(topics) for label in plain.labels}
    expected = plain.model.intercept_ - np.log([shares[label] for label in plain.labels])
    assert shifted.model.intercept_ == pytest.approx(expected)
    proba = shifted.predict_proba(["светофор не горит"], [{"address:none": 1.0}])[0]
    assert shifted.single_text.proba("светофор не горит", {"address:none": 1.0}) == pytest.approx(
        proba, abs=1e-6
    )


def test_address_kind_tells_a_house_from_the_rest():
    assert address_kind("г.Санкт-Петербург, Мебельная улица, дом 47, корпус 1, литера А") == "house"
    assert address_kind("Невский пр., кв. 5") == "house"
    assert address_kind("г.Санкт-Петербург, Мебельная улица") == "street"
    assert address_kind("") == address_kind(None) == address_kind(" 12 ") == "none"


def _house_or_yard_table(**options):
    # In one district the same topic goes to the housing agency for a house and to the administration for a
    # yard (no address): only the (district, kind, topic) level tells them apart.
    n = 6
    return PlaceTopicTable.fit(
        ["Невский"] * (2 * n) + ["Приморский"] * 2,
        ["мусор"] * (2 * n) + ["мусор"] * 2,
        ["ЖА"] * n + ["Адм"] * n + ["Адм П", "Адм П"],
        kinds=["house"] * n + ["none"] * n + ["house", "house"],
        **options,
    )


def test_the_address_kind_level_splits_a_district_and_topic():
    table = _house_or_yard_table()
    assert table.top("Невский", [("мусор", 1.0)], k=1, kind="house")[0][0] == "ЖА"
    assert table.top("Невский", [("мусор", 1.0)], k=1, kind="none")[0][0] == "Адм"
    # Without the kind (or for a kind never seen there) the (district, topic) level answers: a tie here.
    pair = table.proba("Невский", [("мусор", 1.0)])
    assert pair[table.executors.index("ЖА")] == pytest.approx(pair[table.executors.index("Адм")])
    assert table.proba("Невский", [("мусор", 1.0)], kind="street") == pytest.approx(pair)
    assert table.proba("Приморский", [("лифт", 1.0)], kind="house").sum() == pytest.approx(1.0)


def test_the_address_kind_level_is_smoothed_towards_the_pair():
    few = PlaceTopicTable.fit(["Невский"] * 3, ["мусор"] * 3, ["ЖА", "Адм", "Адм"], kinds=["house", "", ""])
    # One house appeal against two of the district's without a kind: with kind_alpha large the pair's vote wins.
    assert few.top("Невский", [("мусор", 1.0)], k=1, kind="house")[0][0] == "ЖА"
    few.kind_alpha = 100.0
    assert few.top("Невский", [("мусор", 1.0)], k=1, kind="house")[0][0] == "Адм"
    with pytest.raises(ValueError, match="2 kinds"):
        PlaceTopicTable.fit(["Невский"] * 3, ["мусор"] * 3, ["ЖА", "Адм", "Адм"], kinds=["house", ""])


def test_a_table_pickled_before_the_kind_level_still_answers():
    table = _house_or_yard_table()
    del table.places  # as unpickled from a model trained before the level existed
    assert table.proba("Невский", [("мусор", 1.0)], kind="house").sum() == pytest.approx(1.0)


def test_the_router_reads_the_address_kind_in_batch_and_for_one_text():
    rows = []
    rng = random.Random(5)
    for i in range(240):
        house = i % 2 == 0
        district = rng.choice(["Невский", "Приморский"])
        rows.append(
            {
                "text": rng.choice(PHRASES["мусор"]),
                "topic": "мусор",
                "executor": (f"ЖА {district}" if house else f"Адм {district}"),
                "district": district,
                "address": f"{district} ул., дом {i}" if house else "",
            }
        )
    model = clf.train_executor_router(
        [r["text"] for r in rows],
        [r["executor"] for r in rows],
        [r["district"] for r in rows],
        [r["topic"] for r in rows],
        addresses=[r["address"] for r in rows],
    )
    topics = [[("мусор", 1.0)]] * 2
    routed = model.route_top(
        ["мусор во дворе"] * 2, ["Невский", "Невский"], topics, addresses=["Невский ул., дом 3", ""]
    )
    assert [top[0][0] for top in routed] == ["ЖА Невский", "Адм Невский"]
    one = model.route_one("мусор во дворе", "Невский", topics[0], address="Невский ул., дом 3")
    assert one[0][0] == "ЖА Невский" and [p for _, p in one] == pytest.approx([p for _, p in routed[0]])
    with pytest.raises(ValueError, match="1 addresses for 2 texts"):
        model.route_top(["a", "b"], ["Невский", "Невский"], topics, addresses=[""])


def test_report_lines_put_each_figure_next_to_its_baseline_and_target(evaluation):
    from clientcentric.engines.text.routing_report import report_lines

    lines, ok = report_lines(evaluation.report)
    executor_line = next(line for line in lines if line.startswith("executor accuracy (topic"))
    # Both perfect on the synthetic data: a target is met only *above* the baseline.
    assert "(baseline 1.0000)" in executor_line and "target ≥ 0.82" in executor_line
    assert executor_line.endswith("MISSED") and not ok
    per_topic = [line for line in lines if re.match(r"\s+\d+\s+\d\.\d{3} / \d\.\d{3}", line)]
    assert len(per_topic) == len(PHRASES)  # one line per topic, model / baseline
    executor = evaluation.report["executor"]
    better = {
        **evaluation.report,
        "executor": {**executor, "baseline": {**executor["baseline"], "accuracy": 0.7}},
    }
    lines, ok = report_lines(better)
    assert next(line for line in lines if line.startswith("executor accuracy (")).endswith("OK")
    worse = {**better, "executor": {**better["executor"], "accuracy": 0.8}}
    lines, ok = report_lines(worse)
    assert not ok and next(line for line in lines if line.startswith("executor accuracy (")).endswith(
        "MISSED"
    )
    lines, ok = report_lines({"topic": {"skipped": "fewer than two topics"}, "executor": {"skipped": "x"}})
    assert not ok and lines[0].startswith("## topic: skipped")


def test_an_executors_role_is_its_name_without_the_appeals_district():
    assert executor_role("СПб ГКУ ЖА Невского района", "Невский") == "СПб ГКУ ЖА {район} района"
    assert executor_role("Администрация Центрального района", "Центральный") == "Администрация {район} района"
    assert executor_role("Комитет по энергетике", "Невский") == "Комитет по энергетике"
    # Another district's agency (a rare hand-over) stays itself, and so does anything without a district.
    assert (
        executor_role("Администрация Фрунзенского района", "Невский") == "Администрация Фрунзенского района"
    )
    assert executor_role("СПб ГКУ ЖА Невского района", "") == "СПб ГКУ ЖА Невского района"


def test_a_roles_probability_goes_to_the_districts_agency():
    roles = ExecutorRoles.fit(
        ["ЖА Невского", "ЖА Приморского", "Адм Невского", "Дирекция"],
        ["Невский", "Приморский", "Невский", "Приморский"],
        ["ЖА {район}", "Адм {район}", "Дирекция"],
        labels=["Адм Невского", "Дирекция", "ЖА Невского", "ЖА Приморского"],
    )
    proba = roles.to_executors(np.array([0.5, 0.3, 0.2]), "Невский")
    assert dict(zip(roles.executors, proba, strict=True)) == pytest.approx(
        {"Адм Невского": 0.3, "Дирекция": 0.2, "ЖА Невского": 0.5, "ЖА Приморского": 0.0}
    )
    # Приморский has no administration among the executors seen: the others share the whole probability.
    proba = roles.to_executors(np.array([0.5, 0.3, 0.2]), "Приморский")
    assert proba.sum() == pytest.approx(1.0)
    assert proba[roles.executors.index("ЖА Приморского")] == pytest.approx(0.5 / 0.7)
    # Without a district, a district's role goes to its agencies by their share of the training appeals.
    proba = dict(zip(roles.executors, roles.to_executors(np.array([0.5, 0.3, 0.2]), ""), strict=True))
    assert proba == pytest.approx(
        {"Адм Невского": 0.3, "Дирекция": 0.2, "ЖА Невского": 0.25, "ЖА Приморского": 0.25}
    )


def test_the_router_learns_roles_and_answers_executors(evaluation):
    model = evaluation.executor_model
    assert model.roles is not None
    assert set(model.labels) == {"ЖА {район}", "Администрация {район}", "Дирекция дорожного движения"}
    assert set(model.route_labels) == set(EXECUTORS.values())
    topics = evaluation.topic_model.predict_top(["мусор во дворе"], [{"address:none": 1.0}], k=5)
    routed = model.route_top(["мусор во дворе"] * 2, ["Невский", "Приморский"], topics * 2)
    assert [top[0][0] for top in routed] == ["Администрация Невского", "Администрация Приморского"]
    assert evaluation.report["executor"]["n_labels"] == len(set(EXECUTORS.values()))


def test_role_features_add_the_municipality_to_the_address_words():
    assert role_features("Мебельная улица, дом 47", " МО №65 ") == {
        "address:дом": 1.0,
        "address:мебельная": 1.0,
        "address:улица": 1.0,
        "municipality": "МО №65",
    }
    assert role_features("", "") == role_features(None) == {"address:none": 1.0}


def test_the_kind_of_object_is_the_tables_kind_of_place_and_a_prior_counted_per_label():
    assert place_kinds("", "Двор") == ("двор", "none")
    assert place_kinds("Мебельная улица, дом 47", "Квартира") == place_kinds("дом 1", "Дом") == ("house",)
    # Without the kind of object the address says what it can.
    assert place_kinds("Мебельная улица, дом 47", "") == ("house",)
    assert place_kinds("", None) == ("none",)
    prior = ObjectPrior.fit(["Двор", "двор ", "Улица", ""], ["a", "a", "b", "b"], ["a", "b"])
    assert set(prior.factors) == {"двор", "улица"}
    yard = prior.apply(np.array([0.5, 0.5]), "ДВОР")
    assert yard[0] > 0.9 and yard.sum() == pytest.approx(1.0)
    assert prior.apply(np.array([0.3, 0.7]), "Луна").tolist() == [0.3, 0.7]  # unknown kind: unchanged
    assert ObjectPrior.fit(["", ""], ["a", "b"], ["a", "b"]) is None


def test_the_kind_of_object_tells_snow_in_a_yard_from_snow_on_a_road():
    # The same words, two topics and two executors: only the kind of object the citizen chose tells them apart.
    rng = random.Random(11)
    rows = []
    for _ in range(300):
        kind = rng.choice(["Двор", "Улица"])
        topic = "снег во дворе" if kind == "Двор" else "снег на дороге"
        agency = "СПб ГКУ ЖА Невского района" if kind == "Двор" else "Администрация Невского района"
        rows.append(
            (rng.choice(["не убран снег", "снег не чистят", "сугробы, не пройти"]), kind, topic, agency)
        )
    texts, kinds, topics = [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]
    topic_model = clf.train_classifier(texts, topics, object_kinds=kinds)
    router = clf.train_executor_router(
        texts, [r[3] for r in rows], ["Невский"] * len(rows), topics, object_kinds=kinds
    )
    for kind, topic, agency in (
        ("Двор", "снег во дворе", "СПб ГКУ ЖА Невского района"),
        ("Улица", "снег на дороге", "Администрация Невского района"),
    ):
        tops = topic_model.predict_top(["снег не чистят"], k=5, object_kinds=[kind])
        assert tops[0][0][0] == topic and tops[0][0][1] > 0.9
        one_topic = topic_model.single_text.top("снег не чистят", k=5, object_kind=kind)
        assert [p for _, p in one_topic] == pytest.approx([p for _, p in tops[0]], abs=1e-5)
        batch = router.route_top(["снег не чистят"], ["Невский"], tops, object_kinds=[kind])[0]
        one = router.route_one("снег не чистят", "Невский", tops[0], object_kind=kind)
        assert batch[0][0] == one[0][0] == agency
        assert [p for _, p in one] == pytest.approx([p for _, p in batch], abs=1e-5)
    # A kind the table never counted leaves the address's level, as does a table from before the kinds of object.
    house = router.route_top(["снег не чистят"], ["Невский"], tops, addresses=["дом 3"])[0]
    assert (
        router.route_top(["снег не чистят"], ["Невский"], tops, addresses=["дом 3"], object_kinds=["Луна"])[0]
        == house
    )
    assert router.routing.kind_for(place_kinds("дом 3", "Луна")) == "house"
    del router.routing.kinds_seen  # as unpickled from a model trained before the kind of object
    assert router.routing.kind_for(place_kinds("", "Двор")) == "none"
    # An appeal without it is classified exactly as by a model that never heard of kinds of object.
    plain = clf.train_classifier(texts, topics)
    assert topic_model.predict_top(["снег не чистят"], k=2) == plain.predict_top(["снег не чистят"], k=2)
    assert topic_model.predict_top(["снег не чистят"], k=2, object_kinds=[""]) == plain.predict_top(
        ["снег не чистят"], k=2
    )
    restored = clf.TrainedClassifier.from_bytes(topic_model.to_bytes())
    assert restored.predict_top(["снег"], object_kinds=["Двор"]) == topic_model.predict_top(
        ["снег"], object_kinds=["Двор"]
    )


def test_the_router_tells_a_districts_municipalities_apart_in_batch_and_for_one_text():
    # One district, one topic, no address: only the municipality says whose yards the administration keeps.
    rows = []
    rng = random.Random(7)
    for _ in range(240):
        municipality = rng.choice(["МО Северный", "МО Южный"])
        agency = (
            "Администрация Невского района" if municipality == "МО Северный" else "СПб ГКУ ЖА Невского района"
        )
        rows.append((rng.choice(PHRASES["мусор"]), agency, municipality))
    model = clf.train_executor_router(
        [text for text, _, _ in rows],
        [agency for _, agency, _ in rows],
        ["Невский"] * len(rows),
        ["мусор"] * len(rows),
        addresses=[""] * len(rows),
        municipalities=[municipality for _, _, municipality in rows],
    )
    topics = [[("мусор", 1.0)]] * 2
    routed = model.route_top(
        ["мусор во дворе"] * 2,
        ["Невский"] * 2,
        topics,
        addresses=["", ""],
        municipalities=["МО Северный", "МО Южный"],
    )
    assert [top[0][0] for top in routed] == ["Администрация Невского района", "СПб ГКУ ЖА Невского района"]
    one = model.route_one("мусор во дворе", "Невский", topics[0], address="", municipality="МО Южный")
    assert [p for _, p in one] == pytest.approx([p for _, p in routed[1]], abs=1e-5)
    # Without the municipality the two are a toss-up: nothing else tells them apart.
    unknown = model.route_top(["мусор во дворе"], ["Невский"], topics[:1], addresses=[""])[0]
    assert unknown[0][1] == pytest.approx(unknown[1][1], abs=0.15)
