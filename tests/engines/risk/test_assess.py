"""One object: the highest category among the criteria met, unknown facts reported, explanations."""

import datetime as dt

import polars as pl
import pytest

from clientcentric.engines.risk import (
    RiskDataError,
    assess,
    assess_population,
    category_values,
    load_risk_model,
)
from clientcentric.engines.rules import RuleError

from .test_loading import MODEL

ON = dt.date(2025, 3, 1)


@pytest.fixture(scope="module")
def model():
    return load_risk_model(MODEL)


def test_an_object_that_meets_no_criterion_is_low(model):
    result = assess(model, {"area": 10.0, "violations": 0, "declared": False, "kind": "офис"}, on=ON)
    assert result.category.code == "low"
    assert result.criteria_met == () and result.needs_data == () and result.how_to_lower == ()
    assert result.category_if_lowered is None


def test_one_criterion_suffices_and_the_highest_wins(model):
    both = assess(model, {"area": 2500, "violations": 3, "declared": False}, on=ON)
    assert both.category.code == "high"
    assert [r.criterion.code for r in both.criteria_met] == ["big", "repeat"]
    # Only the criterion at the object's own category holds it there; without it, the object is medium.
    assert both.how_to_lower == ("Уточните площадь.",)
    assert [r.criterion.code for r in both.holding] == ["big"]
    assert both.category_if_lowered.code == "medium"
    one = assess(model, {"area": 10, "violations": 3, "declared": False}, on=ON)
    assert one.category.code == "medium" and one.how_to_lower == ("Подайте декларацию.",)
    assert one.category_if_lowered.code == "low"


def test_facts_used_are_those_that_decided_the_criterion(model):
    result = assess(model, {"area": 2500.5, "violations": 3, "declared": False, "kind": "рынок"}, on=ON)
    used = {r.criterion.code: r.facts_used for r in result.criteria_met}
    assert used == {"big": {"area": 2500.5}, "repeat": {"violations": 3, "declared": False}}
    assert result.explain() == [
        "Большая площадь: Площадь — 2500.5 м²",
        "Повторные нарушения: violations — 3; declared — нет",
    ]
    assert [(i.indicator.code, i.facts_used) for i in result.indicators_fired] == [
        ("market", {"kind": "рынок"})
    ]


def test_unknown_facts_give_needs_data_and_never_raise_the_category(model):
    result = assess(model, {"violations": 5}, on=ON)
    assert result.category.code == "low"
    assert [(n.criterion.code, n.missing, n.could_raise) for n in result.needs_data] == [
        ("big", ("area",), True),
        ("repeat", ("declared",), True),
    ]
    # Kleene logic: a known fact can decide a criterion on its own.
    decided = assess(model, {"violations": 0}, on=ON)
    assert [n.criterion.code for n in decided.needs_data] == ["big"]


def test_needs_data_below_the_category_cannot_raise_it(model):
    result = assess(model, {"area": 5000, "violations": None}, on=ON)
    assert result.category.code == "high"
    assert [(n.criterion.code, n.could_raise) for n in result.needs_data] == [("repeat", False)]


def test_a_fact_of_the_wrong_type_is_refused_with_its_name(model):
    with pytest.raises(RuleError) as caught:
        assess(model, {"area": "большая"}, on=ON)
    assert caught.value.code == "fact_value" and caught.value.details["name"] == "area"


def test_category_values_is_the_same_answer_without_explanations(model):
    code, values = category_values(model, {"area": 10, "violations": 2, "declared": False}, on=ON)
    assert code == "medium" and values == (False, True, None)


def test_demo_fire_model_explains_a_shopping_centre(demo_models):
    fire = demo_models["fire_safety"]
    facts = {
        "hazard_class": "Ф3.1",
        "people_capacity": 450,
        "area_m2": 12000.0,
        "fire_deaths_3y": 0,
        "fires_3y": 0,
        "violations_3y": 1,
        "declaration_in_force": False,
        "complaints_12m": 2,
        "last_inspection": dt.date(2017, 5, 10),
    }
    result = assess(fire, facts, on=ON)
    assert result.category.title == "Высокий риск"
    assert result.category.planned_events_per_years == (1, 2)
    assert [r.criterion.code for r in result.criteria_met] == [
        "mass_gathering",
        "public_buildings",
        "violations_without_declaration",
    ]
    assert result.category_if_lowered.code == "significant"
    assert [i.indicator.code for i in result.indicators_fired] == [
        "complaints_about_violations",
        "crowded_object_not_inspected",
    ]
    assert "300" in result.how_to_lower[0]


def test_demo_labour_model_fatal_accident_is_high(demo_models):
    labour = demo_models["labour"]
    result = assess(labour, {"fatal_accidents_3y": 1, "sout_done": False, "employees": 40}, on=ON)
    assert result.category.code == "high"
    assert "accident_without_assessment" in [i.indicator.code for i in result.indicators_fired]


def test_population_refuses_missing_and_mistyped_columns(model):
    frame = pl.DataFrame({"object_id": [1], "area": ["big"], "violations": [1]})
    with pytest.raises(RiskDataError) as caught:
        assess_population(model, frame, on=ON)
    problems = " ".join(caught.value.problems)
    assert "'area' is String, expected decimal" in problems
    assert "'declared' (bool) is missing" in problems and "'kind' (str) is missing" in problems
    with pytest.raises(RiskDataError, match="object_id"):
        assess_population(model, frame.drop("object_id").with_columns(pl.lit(1.0).alias("area")), on=ON)


def test_population_casts_compatible_columns_and_keeps_rows(model):
    frame = pl.DataFrame(
        {
            "object_id": [7, 8, 9],
            "area": [2000, 5, None],  # integers for a decimal fact
            "violations": pl.Series([2, 0, None], dtype=pl.Int16),
            "declared": [False, None, None],
            "kind": pl.Series(["рынок", None, "офис"], dtype=pl.Categorical),
        }
    )
    out = assess_population(model, frame, on=ON)
    assert out["object_id"].to_list() == [7, 8, 9]
    assert out["category"].cast(pl.String).to_list() == ["high", "low", "low"]
    assert out["criteria_met"].to_list() == [["big", "repeat"], [], []]
    assert out["indicators_fired"].to_list() == [["market"], [], []]
    assert out["needs_data"].to_list() == [[], [], ["big", "repeat"]]


def test_models_with_more_criteria_than_a_mask_holds_give_the_same_answers(model, monkeypatch):
    from clientcentric.engines.risk import assessment as assess_module

    frame = pl.DataFrame(
        {
            "object_id": [1, 2, 3, 4],
            "area": [2000.0, 5.0, None, 1.0],
            "violations": [2, 0, None, 3],
            "declared": [False, None, None, False],
            "kind": ["рынок", None, "офис", None],
        }
    )
    packed = assess_population(model, frame, on=ON)
    monkeypatch.setattr(assess_module, "WORD_BITS", 1)
    wide = assess_population(model, frame, on=ON)
    assert wide.to_dicts() == packed.to_dicts()
    assert packed["criteria_met"].to_list() == [["big", "repeat"], [], [], ["repeat"]]


def test_an_assessment_as_plain_data_survives_json(demo_models):
    import json

    landscaping = demo_models["landscaping"]
    facts = {
        "object_kind": "кафе",
        "okved": {"56.10"},
        "territory_m2": 420.0,
        "complaints_12m": 3,
        "declaration_in_force": False,
    }
    data = json.loads(json.dumps(assess(landscaping, facts, on=ON).as_dict(), ensure_ascii=False))
    assert data["category"] == {"code": "medium", "title": "Средний риск"}
    assert data["category_if_lowered"]["code"] == "low"
    met = {item["code"]: item for item in data["criteria_met"]}
    assert met["food_and_retail_territory"]["facts_used"] == {
        "okved": ["56.10"],
        "territory_m2": 420.0,
        "declaration_in_force": False,
    }
    assert (
        "Площадь закреплённой (прилегающей) территории — 420 м²"
        in met["food_and_retail_territory"]["explanation"]
    )
    assert [n["code"] for n in data["needs_data"] if n["could_raise"]] == [
        "repeated_violations",
        "open_earthworks",
    ]
    assert len(data["how_to_lower"]) == 2


def test_population_of_no_objects_and_a_lazy_frame(model):
    schema = {"object_id": pl.Int64, "area": pl.Float64, "violations": pl.Int64, "declared": pl.Boolean}
    empty = assess_population(model, pl.DataFrame(schema=schema | {"kind": pl.String}), on=ON)
    assert empty.height == 0
    assert empty.columns == ["object_id", "category", "criteria_met", "indicators_fired", "needs_data"]
    lazy = pl.LazyFrame(
        {
            "object_id": [1],
            "area": [1000.0],
            "violations": [None],
            "declared": [None],
            "kind": ["рынок"],
            "unrelated": ["ignored"],
        },
        schema_overrides={"violations": pl.Int64, "declared": pl.Boolean},
    )
    row = assess_population(model, lazy, on=ON).row(0, named=True)
    assert row == {
        "object_id": 1,
        "category": "high",
        "criteria_met": ["big"],
        "indicators_fired": ["market"],
        "needs_data": ["repeat"],
    }
