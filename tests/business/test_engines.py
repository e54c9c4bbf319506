from datetime import date

import pytest

from clientcentric.accounts.validators import is_valid_ogrn, is_valid_ogrnip
from clientcentric.engines.requirements import dates, okved, personal_list
from clientcentric.engines.requirements.candidates import Item, find_candidates, measures, modality


def test_effective_date_on_1_september_90_days_after_publication_is_lawful():
    assert dates.check_effective_date(date(2026, 9, 1), date(2026, 6, 1)) == []


def test_effective_date_not_on_1_march_or_1_september_is_refused_with_the_earliest_lawful_date():
    problems = dates.check_effective_date(date(2026, 7, 1), date(2026, 1, 10))
    assert [p.code for p in problems] == ["not_1_march_or_1_september"]
    assert problems[0].earliest_allowed == date(2026, 9, 1)


def test_effective_date_under_90_days_after_publication_is_refused():
    problems = dates.check_effective_date(date(2026, 9, 1), date(2026, 7, 1))
    assert [p.code for p in problems] == ["too_soon_after_publication"]
    assert problems[0].earliest_allowed == date(2027, 3, 1)


def test_an_exception_lifts_the_date_rules_but_not_publication_first():
    assert dates.check_effective_date(date(2026, 7, 2), date(2026, 7, 1), exception="emergency") == []
    assert [
        p.code for p in dates.check_effective_date(date(2026, 6, 1), date(2026, 7, 1), exception="emergency")
    ] == ["before_publication"]
    assert [p.code for p in dates.check_effective_date(date(2026, 9, 1), None, exception="whim")] == [
        "unknown_exception"
    ]


def test_earliest_effective_date_crosses_the_year():
    assert dates.earliest_effective_date(date(2026, 12, 1)) == date(2027, 3, 1)
    assert dates.earliest_effective_date(date(2026, 6, 3)) == date(2026, 9, 1)
    assert dates.earliest_effective_date(date(2026, 6, 4)) == date(2027, 3, 1)


@pytest.mark.parametrize("code", ["56", "56.1", "56.10", "47.11", "10.71.1", "01.11.11", "99"])
def test_known_okved_codes(code):
    assert okved.is_known(code)


@pytest.mark.parametrize("code", ["04.1", "34", "5", "56.1.1", "100.1", "56.10.100", "ab", ""])
def test_unknown_okved_codes(code):
    assert not okved.is_known(code)


def test_ogrn_and_ogrnip_checksums():
    assert is_valid_ogrn("1027700132195")
    assert not is_valid_ogrn("1027700132194")
    assert not is_valid_ogrn("102770013219")
    body = "30477000000001"
    assert is_valid_ogrnip(body + str(int(body) % 13 % 10))
    assert not is_valid_ogrnip(body + str((int(body) % 13 % 10 + 1) % 10))


def test_personal_list_uses_kleene_conjunction_and_evaluates_each_rule_once():
    calls = []

    def evaluate(text):
        calls.append(text)
        return {"yes": True, "no": False, "unknown": None}[text]

    result = personal_list.build(
        [
            (1, ("yes", "")),
            (2, ("yes", "no")),
            (3, ("unknown", "yes")),
            (4, ("unknown", "no")),
            (5, ("yes",)),
        ],
        evaluate,
    )
    assert result == {1: "applies", 2: "not_applicable", 3: "unknown", 4: "not_applicable", 5: "applies"}
    assert sorted(calls) == ["no", "unknown", "yes"]


def test_measures_convert_units_of_one_quantity():
    found = measures("на высоте 1,8 м, до 1000 В, хранить 30 суток или 1 год, 2 часа")
    assert found["length, m"] == {1.8}
    assert found["voltage, V"] == {1000.0}
    assert found["time, days"] == {30.0, 365.0, round(2 / 24, 6)}


def test_modality_tells_obligation_from_prohibition():
    assert modality("Работодатель обязан обеспечить") == {"obligation"}
    assert modality("Не допускается хранить") == {"prohibition"}
    assert modality("Запрещается курить, должен быть знак") == {"prohibition", "obligation"}


def test_a_reworded_copy_with_another_number_is_a_contradiction_and_an_equal_one_a_duplicate():
    items = [
        Item(
            "a1",
            "A",
            "Наряды-допуски, работы по которым полностью закончены, должны храниться в течение 30 суток, после чего они могут быть уничтожены.",
        ),
        Item(
            "b1",
            "B",
            "Наряды-допуски, работы по которым полностью закончены, должны храниться в течение 1 года, после чего могут быть уничтожены.",
        ),
        Item(
            "a2",
            "A",
            "Допускается ведение документооборота в области охраны труда в электронном виде с использованием электронной подписи.",
        ),
        Item(
            "b2",
            "B",
            "Допускается ведение документооборота в области охраны труда в электронном виде с использованием электронной подписи работника.",
        ),
        Item("a3", "A", "Совершенно другой текст про огнетушители в коридорах здания."),
    ]
    found = {(c.kind, c.a, c.b): c for c in find_candidates(items)}
    assert ("contradiction", "a1", "b1") in found
    assert found[("contradiction", "a1", "b1")].reason["quantity"] == "time, days"
    assert ("duplicate", "a2", "b2") in found
    assert not any("a3" in key for key in found)


def test_candidates_are_only_proposed_across_acts():
    text = "Работодатель обязан обеспечить работников средствами индивидуальной защиты от падения с высоты."
    assert find_candidates([Item(1, "A", text), Item(2, "A", text + " ")]) == []
