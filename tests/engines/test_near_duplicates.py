import pytest

from clientcentric.engines.text.near_duplicates import NearDuplicateIndex, address_numbers


@pytest.fixture
def index() -> NearDuplicateIndex:
    index = NearDuplicateIndex()
    index.add("garbage-5", "Во дворе дома 5 по ул. Ленина не вывозят мусор уже неделю")
    index.add("lift-7", "В доме 7 на Садовой сломан лифт, кв. 12, застреваем каждый день")
    index.add("lamp", "На детской площадке не горит фонарь")
    index.add("snow", "Сосульки свисают с крыши над входом в аптеку")
    return index


def keys(found):
    return [key for key, _ in found]


def test_a_reworded_text_is_found(index):
    found = index.similar("Уже неделю не вывозится мусор во дворе дома 5 по улице Ленина")
    assert keys(found) == ["garbage-5"]
    assert 0.8 <= found[0][1] <= 1.0


def test_an_identical_text_scores_one(index):
    assert index.similar("На детской площадке не горит фонарь") == [("lamp", 1.0)]


def test_a_typo_and_other_case_still_match(index):
    assert keys(index.similar("на детской площадке НЕ ГОРИТ фонаръ!")) == ["lamp"]


def test_a_different_house_number_is_not_a_duplicate(index):
    assert index.similar("Во дворе дома 7 по ул. Ленина не вывозят мусор уже неделю") == []


def test_a_different_flat_number_is_not_a_duplicate(index):
    assert index.similar("В доме 7 на Садовой сломан лифт, квартира 14, застреваем каждый день") == []


def test_the_address_rule_can_be_switched_off():
    index = NearDuplicateIndex(same_address=False)
    index.add("garbage-5", "Во дворе дома 5 по ул. Ленина не вывозят мусор уже неделю")
    assert keys(index.similar("Во дворе дома 7 по ул. Ленина не вывозят мусор уже неделю")) == ["garbage-5"]


def test_a_text_without_a_number_may_match_one_with_it(index):
    assert keys(index.similar("Не вывозят мусор во дворе дома по ул. Ленина уже неделю")) == ["garbage-5"]


def test_a_short_text_does_not_match_every_long_text_containing_it(index):
    assert index.similar("мусор") == []


def test_an_unrelated_text_finds_nothing(index):
    assert index.similar("Прошу отремонтировать дорогу на проспекте Мира") == []


def test_removal_works(index):
    assert index.remove("garbage-5") is True
    assert index.remove("garbage-5") is False
    assert "garbage-5" not in index
    assert index.similar("Во дворе дома 5 по ул. Ленина не вывозят мусор уже неделю") == []
    assert len(index) == 3


def test_adding_under_an_existing_key_replaces_the_text(index):
    index.add("lamp", "Сломана скамейка в сквере")
    assert index.similar("На детской площадке не горит фонарь") == []
    assert keys(index.similar("В сквере сломана скамейка")) == ["lamp"]


def test_results_are_best_first_and_limited():
    index = NearDuplicateIndex()
    index.add(1, "Не горит фонарь у подъезда дома 3")
    index.add(2, "Не горит фонарь у подъезда дома 3, темно")
    index.add(3, "Не горит фонарь у подъезда дома 3, темно и скользко вечером")
    found = index.similar("Не горит фонарь у подъезда дома 3", limit=2)
    assert len(found) == 2
    assert found[0] == (1, 1.0)
    assert found[0][1] >= found[1][1]
    assert keys(index.similar("Не горит фонарь у подъезда дома 3", exclude=1, limit=5))[0] != 1


def test_empty_text_is_not_indexed_and_finds_nothing():
    index = NearDuplicateIndex()
    index.add("empty", " ,. ")
    assert len(index) == 0
    assert index.similar("") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("д. 5, кв. 12", {"house": {"5"}, "flat": {"12"}}),
        ("дом №5 корп. 2 квартира 12", {"house": {"5"}, "flat": {"12"}, "building": {"2"}}),
        ("д.104а к. 3", {"house": {"104а"}, "building": {"3"}}),
        ("Ленина 5к2", {"building": {"2"}}),
        ("до 5 часов, в квартале 3, площадь 100 кв. м", {}),
    ],
)
def test_address_numbers(text, expected):
    assert address_numbers(text) == {kind: frozenset(numbers) for kind, numbers in expected.items()}
