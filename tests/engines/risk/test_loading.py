"""Loading risk models: the demo files load; every refused model names the line, column and field."""

import pytest

from clientcentric.engines.risk import LOW, RiskModelError, load_risk_model
from clientcentric.engines.rules import FactType

from .conftest import DEMO_FILES

MODEL = """\
code: demo
title: Демонстрационный вид контроля
facts:
  area: {type: decimal, title: Площадь, unit: м²}
  violations: int
  kind: str
  declared: bool
categories:
  - {code: high, title: Высокий риск, planned_events_per_years: [1, 1], preventive_visits_per_year: 1}
  - {code: medium, title: Средний риск, planned_events_per_years: [1, 3]}
  - {code: low, title: Низкий риск, planned_events_per_years: null}
criteria:
  - code: big
    title: Большая площадь
    category: high
    condition: area >= 1000
    source: ЕГРН
    how_to_lower: Уточните площадь.
  - code: repeat
    title: Повторные нарушения
    category: medium
    condition: violations >= 2 and not declared
    source: Реестр мероприятий
    how_to_lower: Подайте декларацию.
indicators:
  - code: market
    title: Рынок
    condition: kind == 'рынок'
    source: Реестр объектов
    action: Выездное обследование
"""


def refuse(text: str) -> RiskModelError:
    with pytest.raises(RiskModelError) as caught:
        load_risk_model(text, source="demo.yaml")
    return caught.value


def at(text: str, error: RiskModelError) -> str:
    """The file text from the error's position to the end of that line."""
    return text.split("\n")[error.line - 1][error.column - 1 :]


def test_a_model_loads_with_its_categories_criteria_indicators_and_facts():
    model = load_risk_model(MODEL)
    assert [c.code for c in model.categories] == ["high", "medium", LOW]
    assert model.categories[0].planned_events_per_years == (1, 1)
    assert model.categories[0].preventive_visits_per_year == 1
    assert model.low.planned_events_per_years is None and not model.low.has_planned_events
    assert model.criteria[1].category is model.categories[1]
    assert model.criteria[1].condition == "violations >= 2 and not declared"
    assert model.criteria[1].how_to_lower == "Подайте декларацию."
    assert model.indicators[0].action == "Выездное обследование"
    assert model.facts == {
        "area": FactType.DECIMAL,
        "violations": FactType.INT,
        "kind": FactType.STR,
        "declared": FactType.BOOL,
    }
    assert model.fact_title("area") == "Площадь" and model.fact_info["area"].unit == "м²"
    assert model.fact_title("kind") == "kind"


@pytest.mark.parametrize("path", DEMO_FILES, ids=lambda p: p.stem)
def test_every_demo_model_loads_and_follows_the_law(path):
    model = load_risk_model(path.read_text(encoding="utf-8"), source=path.name)
    assert len(model.categories) >= 3 and model.low.code == LOW
    assert model.low.planned_events_per_years is None
    assert all(c.planned_events_per_years for c in model.categories[:-1])
    assert all(criterion.how_to_lower and criterion.source for criterion in model.criteria)
    assert model.indicators and all(indicator.action for indicator in model.indicators)
    # Every category above low can be reached by at least one criterion.
    assert {c.category.code for c in model.criteria} == {c.code for c in model.categories[:-1]}


def test_the_fire_model_has_the_six_categories_of_the_full_scale(demo_models):
    titles = [c.title for c in demo_models["fire_safety"].categories]
    assert titles == [
        "Чрезвычайно высокий риск",
        "Высокий риск",
        "Значительный риск",
        "Средний риск",
        "Умеренный риск",
        "Низкий риск",
    ]


def test_unknown_fact_in_a_condition_is_placed_on_the_fact():
    text = MODEL.replace("violations >= 2 and not declared", "violations >= 2 and not declard")
    error = refuse(text)
    assert error.code == "unknown_fact"
    assert error.field == "criteria[2].condition"
    assert (error.line, error.column) == (22, 40)
    assert at(text, error) == "declard"
    assert "demo.yaml" in str(error) and "line 22, column 40" in str(error)


def test_wrong_type_in_a_block_condition_is_placed_on_its_line_in_the_file():
    text = MODEL.replace(
        "    condition: area >= 1000\n",
        "    condition: |\n      area >= 1000\n        or area > 'big'\n",
    )
    error = refuse(text)
    assert error.code == "type_error" and error.field == "criteria[1].condition"
    assert error.line == 18 and at(text, error) == "'big'"


def test_wrong_type_in_a_quoted_condition():
    text = MODEL.replace("condition: kind == 'рынок'", 'condition: "kind == 5 and declared"')
    error = refuse(text)
    assert error.code == "type_error" and error.field == "indicators[1].condition"
    assert at(text, error) == 'kind == 5 and declared"'


def test_unknown_fact_type_names_the_fact():
    error = refuse(MODEL.replace("violations: int", "violations: integer"))
    assert error.code == "unknown_type"
    assert error.field == "facts.violations"
    assert (error.line, error.column) == (5, 15)
    assert "integer" in error.message


def test_unknown_category_of_a_criterion():
    text = MODEL.replace("category: medium", "category: mediun")
    error = refuse(text)
    assert error.code == "unknown_category"
    assert error.field == "criteria[2].category"
    assert at(text, error) == "mediun"


def test_fewer_than_three_categories():
    text = MODEL.replace(
        "  - {code: medium, title: Средний риск, planned_events_per_years: [1, 3]}\n", ""
    ).replace("category: medium", "category: high")
    error = refuse(text)
    assert error.code == "too_few_categories"
    assert error.field == "categories" and error.line == 9


def test_no_low_category():
    text = MODEL.replace("{code: low, title: Низкий риск", "{code: lowest, title: Низкий риск")
    error = refuse(text)
    assert error.code == "no_low_category" and error.field == "categories"


def test_low_must_be_the_last_category():
    text = MODEL.replace("  - {code: low, title: Низкий риск, planned_events_per_years: null}\n", "").replace(
        "categories:\n", "categories:\n  - {code: low, title: Низкий риск}\n"
    )
    error = refuse(text)
    assert error.code == "low_not_last" and error.field == "categories[1]"


def test_a_criterion_cannot_assign_low():
    error = refuse(MODEL.replace("category: medium", "category: low"))
    assert error.code == "criterion_for_low" and error.field == "criteria[2].category"


def test_duplicate_codes_name_both_places():
    text = MODEL.replace("code: repeat", "code: big")
    error = refuse(text)
    assert error.code == "duplicate_code"
    assert error.field == "criteria[2].code" and error.line == 19
    assert "first on line 13" in error.message
    categories = MODEL.replace("{code: medium, title: Средний", "{code: high, title: Средний")
    assert refuse(categories).code == "duplicate_code"


def test_duplicate_yaml_keys_are_refused_not_silently_overwritten():
    text = MODEL.replace("    source: ЕГРН\n", "    source: ЕГРН\n    category: medium\n")
    error = refuse(text)
    assert error.code == "duplicate_key" and error.line == 18


def test_every_problem_is_reported_at_once():
    text = MODEL.replace("category: medium", "category: mediun").replace("area >= 1000", "areaa >= 1000")
    error = refuse(text)
    assert [p.code for p in error.problems] == ["unknown_fact", "unknown_category"]
    assert len(str(error).splitlines()) == 2


def test_missing_how_to_lower_and_unknown_field():
    text = MODEL.replace("    how_to_lower: Уточните площадь.\n", "    how_to_lowr: Уточните площадь.\n")
    codes = {(p.code, p.field) for p in refuse(text).problems}
    assert ("structure", "criteria[1].how_to_lowr") in codes
    assert ("missing_field", "criteria[1].how_to_lower") in codes


def test_bad_frequency_and_bad_yaml():
    error = refuse(MODEL.replace("planned_events_per_years: [1, 3]", "planned_events_per_years: [0, 3]"))
    assert error.code == "bad_frequency" and error.field == "categories[2].planned_events_per_years"
    broken = refuse(MODEL.replace("title: Рынок", "title: [Рынок"))
    assert broken.code == "yaml" and broken.line is not None


def test_fact_names_that_clash_with_the_language_are_refused():
    error = refuse(MODEL.replace("  kind: str\n", "  on: str\n  object_id: int\n"))
    assert {p.field for p in error.problems} >= {"facts.object_id"}
    assert all(p.code in ("bad_fact_name", "unknown_fact") for p in error.problems)


EXAMPLE = """\
examples:
  - title: Рынок на 2000 м²
    on: 2025-03-01
    facts: {area: 2000, violations: 0, kind: рынок}
    category: high
    criteria_met: [big]
    indicators_fired: [market]
"""


def test_worked_examples_are_checked_on_load():
    model = load_risk_model(MODEL + EXAMPLE)
    (example,) = model.examples
    assert example.category == "high" and example.criteria_met == ("big",)
    assert str(example.on) == "2025-03-01"


def test_a_failing_example_refuses_the_model_and_says_what_it_gave():
    text = MODEL + EXAMPLE.replace("category: high", "category: medium")
    error = refuse(text)
    assert error.code == "example_failed" and error.field == "examples[1]" and error.line == 32
    assert "category high, expected medium" in error.message


def test_example_with_unknown_fact_or_wrong_value_type():
    unknown = refuse(MODEL + EXAMPLE.replace("violations: 0", "violatons: 0"))
    assert unknown.code == "unknown_fact" and unknown.field == "examples[1].facts.violatons"
    wrong = refuse(MODEL + EXAMPLE.replace("area: 2000", "area: много"))
    assert wrong.code == "fact_value" and wrong.field == "examples[1].facts.area"
    assert wrong.line == 34
    codes = refuse(MODEL + EXAMPLE.replace("criteria_met: [big]", "criteria_met: [bigg]"))
    assert codes.code == "unknown_code" and codes.field == "examples[1].criteria_met"


@pytest.mark.parametrize("path", DEMO_FILES, ids=lambda p: p.stem)
def test_how_to_lower_of_every_demo_criterion_passes_the_plain_russian_check(path):
    from clientcentric.engines.text.readability import analyse

    model = load_risk_model(path.read_text(encoding="utf-8"))
    verdicts = {c.code: analyse(c.how_to_lower).verdict for c in model.criteria}
    assert verdicts == {code: "plain" for code in verdicts}


def test_a_directory_of_models_by_code_refuses_a_code_used_twice(tmp_path):
    from clientcentric.engines.risk import load_risk_model_dir

    from .conftest import MODELS_DIR

    assert list(load_risk_model_dir(MODELS_DIR)) == ["fire_safety", "labour", "landscaping"]
    (tmp_path / "a.yaml").write_text(MODEL, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(MODEL, encoding="utf-8")
    with pytest.raises(RiskModelError) as caught:
        load_risk_model_dir(tmp_path)
    assert caught.value.code == "duplicate_code" and caught.value.source == "b.yaml"
    assert "a.yaml" in caught.value.message


@pytest.mark.parametrize(
    "condition",
    [
        "condition: area >= 1000 or aera > 5\n",
        "condition: 'area >= 1000 or aera > 5'\n",
        "condition: >-\n      area >= 1000\n      or aera > 5\n",
        "condition: area >= 1000\n      or aera > 5\n",
        "condition: |\n      area >= 1000\n        or (\n          aera > 5)\n",
    ],
    ids=["plain", "single-quoted", "folded", "plain-multiline", "literal"],
)
def test_the_position_of_an_unknown_fact_in_every_yaml_style(condition):
    text = MODEL.replace("condition: area >= 1000\n", condition)
    error = refuse(text)
    assert error.code == "unknown_fact" and error.field == "criteria[1].condition"
    assert at(text, error).startswith("aera > 5")


def test_a_fact_given_as_a_mapping_without_a_type_is_placed_on_the_fact():
    error = refuse(MODEL.replace("  kind: str\n", "  kind: {title: Вид}\n"))
    assert (error.code, error.field) == ("missing_field", "facts.kind.type")
    assert (error.line, error.column) == (6, 9)


def test_an_unknown_key_of_a_fact_is_placed_on_the_key():
    text = MODEL.replace("unit: м²}", "units: м²}")
    error = refuse(text)
    assert (error.code, error.field) == ("structure", "facts.area.units")
    assert at(text, error).startswith("units")


def test_visits_per_year_must_be_a_whole_number_placed_on_its_value():
    text = MODEL.replace("preventive_visits_per_year: 1}", "preventive_visits_per_year: -1}")
    error = refuse(text)
    assert (error.code, error.field) == ("bad_frequency", "categories[1].preventive_visits_per_year")
    assert at(text, error).startswith("-1")


def test_a_fact_without_a_title_keeps_its_name():
    model = load_risk_model(MODEL.replace("title: Площадь,", "title: null,"))
    assert model.fact_title("area") == "area"
