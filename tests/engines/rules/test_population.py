"""The population backend: Polars' null logic is Kleene's (the backend relies on it) and plans over extracts."""

import datetime as dt

import polars as pl

from clientcentric.engines.rules import Parameters, compile_rule
from clientcentric.engines.rules.facts import PERSON_SCHEMA
from clientcentric.engines.rules.population import plan


def test_polars_boolean_operators_follow_kleene_logic():
    values = [True, False, None]
    frame = pl.DataFrame(
        {"a": [a for a in values for _ in values], "b": [b for _ in values for b in values]},
        schema={"a": pl.Boolean, "b": pl.Boolean},
    )
    got = frame.select(
        a_and_b=pl.col("a") & pl.col("b"), a_or_b=pl.col("a") | pl.col("b"), not_a=~pl.col("a")
    ).to_dicts()

    def k_and(a, b):
        return False if a is False or b is False else (None if a is None or b is None else True)

    def k_or(a, b):
        return True if a is True or b is True else (None if a is None or b is None else False)

    for row, (a, b) in zip(got, [(a, b) for a in values for b in values], strict=True):
        assert row == {"a_and_b": k_and(a, b), "a_or_b": k_or(a, b), "not_a": None if a is None else not a}


def test_plan_over_unsorted_and_sorted_extracts_gives_the_same_answers():
    persons = pl.DataFrame(
        {
            "person_id": [1, 2, 3, 4, 5],
            "household_id": [20, 10, 20, 10, 30],
            "role": ["adult", "adult", "child", "child", "adult"],
            "birth": [
                dt.date(1980, 1, 1),
                dt.date(1985, 1, 1),
                dt.date(2015, 1, 1),
                dt.date(2023, 6, 1),
                None,
            ],
            "salary": [700.0, 100.0, 0.0, 0.0, 50.0],
            "capital_returns": [0.0, 0.0, 0.0, 0.0, 0.0],
            "disability": [False, False, False, False, True],
            "unemployed": [False, True, False, False, False],
            "student": [False, False, True, False, False],
        }
    )
    households = pl.DataFrame(
        {
            "household_id": [10, 20, 30],
            "rent": [100.0, 200.0, 0.0],
            "accommodation_size": [30.0, 50.0, 20.0],
            "housing_occupancy_status": ["tenant", "owner", "homeless"],
            "postal_code": ["1", "2", "3"],
            "region": ["77", "78", "66"],
            "months_since_move": [1, 2, 3],
        }
    )
    params = Parameters({"low_income": [(dt.date(2016, 1, 1), 800)]})
    rules = {
        "spl": compile_rule(
            "n_adults == 1 and n_under_18 >= 1 and household_income < 2 * P.low_income",
            PERSON_SCHEMA,
            params.names,
        ),
        "baby": compile_rule("n_under_3 >= 1 and occupancy == 'tenant'", PERSON_SCHEMA, params.names),
        "old": compile_rule("age >= 65 or disability", PERSON_SCHEMA, params.names),
    }
    on = dt.date(2024, 3, 1)
    unsorted = plan(persons, households, rules, on, params).collect().sort("person_id")
    ordered = plan(persons.sort("household_id"), households, rules, on, params, sorted_by_household=True)
    assert ordered.collect().sort("person_id").equals(unsorted)
    assert unsorted["spl"].to_list() == [True, True, True, True, None]  # n_under_18 unknown: no birth date
    assert unsorted["baby"].to_list() == [False, True, False, True, False]
    assert unsorted["old"].to_list() == [False, False, False, False, True]


def test_narrow_household_counts_are_widened_for_arithmetic():
    """Counts of members are UInt8 in the facts frame; arithmetic on them must not wrap around at 256 nor
    below zero, and must agree with the per-client backend."""
    from clientcentric.engines.rules.facts import client_facts, population_facts

    persons = pl.DataFrame(
        {
            "person_id": [1, 2, 3],
            "household_id": [10, 10, 10],
            "role": ["adult", "child", "child"],
            "birth": [dt.date(1980, 1, 1), dt.date(2015, 1, 1), dt.date(2020, 1, 1)],
            "salary": [700.0, 0.0, 0.0],
            "capital_returns": [0.0, 0.0, 0.0],
            "disability": [False, False, False],
            "unemployed": [False, False, False],
            "student": [False, False, False],
        }
    )
    households = pl.DataFrame(
        {
            "household_id": [10],
            "rent": [100.0],
            "accommodation_size": [30.0],
            "housing_occupancy_status": ["tenant"],
            "postal_code": ["1"],
            "region": ["77"],
            "months_since_move": [1],
        }
    )
    on = dt.date(2024, 3, 1)
    facts = population_facts(persons, households, on).collect()
    assert facts.schema["n_persons"] == pl.UInt8 and facts.schema["age"] == pl.Int32  # held narrow
    params = Parameters({})
    texts = {
        "times": "n_persons * 100 == 300",
        "minus": "n_adults - n_children == -1",
        "neg": "-n_children < 0",
        "sum": "n_persons + 254 == 257",
        "age": "age * 1000 > 9000",
        "list": "n_persons * 100 in [300, 301]",
    }
    rules = {name: compile_rule(text, PERSON_SCHEMA, params.names) for name, text in texts.items()}
    got = plan(persons, households, rules, on, params).collect().sort("person_id")
    members = persons.to_dicts()
    household = households.to_dicts()[0]
    for row, person in zip(got.to_dicts(), members, strict=True):
        expected = client_facts(person, on, household, members)
        for name, rule in rules.items():
            assert row[name] is rule.value(expected, on, params), (name, row)
    assert got["times"].to_list() == [True, True, True]
    assert got["minus"].to_list() == [True, True, True]
    assert got["sum"].to_list() == [True, True, True]


def _extract(region_values, capital=(0.0, 0.0)):
    persons = pl.DataFrame(
        {
            "person_id": [1, 2],
            "household_id": [10, 10],
            "role": ["adult", "adult"],
            "birth": [dt.date(1980, 1, 1), dt.date(1982, 1, 1)],
            "salary": [500.0, 300.0],
            "capital_returns": list(capital),
            "disability": [False, False],
            "unemployed": [False, False],
            "student": [False, False],
        }
    )
    households = pl.DataFrame(
        {
            "household_id": [10],
            "rent": [100.0],
            "accommodation_size": [30.0],
            "housing_occupancy_status": ["tenant"],
            "postal_code": ["1"],
            "region": region_values,
            "months_since_move": [1],
        }
    )
    return persons, households


def test_household_income_is_the_members_salaries_as_the_anchor_defines_it():
    """Capital returns are a person's own fact (OpenFisca's country template): not in household income, and an
    unknown capital return leaves household income known."""
    from clientcentric.engines.rules.facts import client_facts, population_facts

    on = dt.date(2024, 3, 1)
    persons, households = _extract(["78"], capital=(1_000_000.0, None))
    facts = population_facts(persons, households, on).collect().sort("person_id")
    assert facts["household_income"].to_list() == [800.0, 800.0]
    assert facts["income_pc"].to_list() == [400.0, 400.0]
    assert facts["income"].to_list() == [1_000_500.0, None]  # the person's own: salary + capital returns
    members = persons.to_dicts()
    for person, row in zip(members, facts.to_dicts(), strict=True):
        mine = client_facts(person, on, households.to_dicts()[0], members)
        assert {k: mine[k] for k in ("household_income", "income_pc", "income")} == {
            k: row[k] for k in ("household_income", "income_pc", "income")
        }
    rule = compile_rule("household_income < 1000", PERSON_SCHEMA, frozenset())
    assert plan(persons, households, {"r": rule}, on, Parameters({})).collect()["r"].to_list() == [True, True]


def test_a_region_given_as_an_integer_column_means_the_same_region_as_its_text_code():
    from clientcentric.engines.rules.facts import client_facts

    on = dt.date(2024, 3, 1)
    texts = {
        "text_literal": "region == '07'",
        "int_literal": "region == 7",
        "short_text": "region == '7'",
        "listed": "region in (7, '78')",
        "other": "region != 78",
    }
    rules = {name: compile_rule(text, PERSON_SCHEMA, frozenset()) for name, text in texts.items()}
    answers = {}
    for given in (["07"], [7], pl.Series([7], dtype=pl.Int32), ["7"]):
        persons, households = _extract(given)
        result = plan(persons, households, rules, on, Parameters({})).collect()
        answers[str(given)] = {name: result[name].to_list() for name in rules}
        person = persons.to_dicts()[0]
        assert client_facts(person, on, households.to_dicts()[0])["region"] == "07"
    expected = {name: [True, True] for name in rules}
    assert all(found == expected for found in answers.values()), answers


def test_a_region_column_of_another_type_is_refused_in_one_sentence_naming_it():
    import pytest

    from clientcentric.engines.rules import RuleError

    persons, households = _extract([7.5])
    rule = compile_rule("region == 7", PERSON_SCHEMA, frozenset())
    from clientcentric.engines.rules.population import HOUSEHOLD_COLUMNS, check_extract

    with pytest.raises(RuleError) as refused:
        check_extract(households.lazy(), HOUSEHOLD_COLUMNS, "households")
    assert "column 'region' is Float64, expected str or int" in str(refused.value)
    assert rule.facts_used == frozenset({"region"})
