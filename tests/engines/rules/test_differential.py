"""The per-client backend, the Polars backend and the reference interpreter must agree everywhere."""

import datetime as dt
from pathlib import Path

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clientcentric.engines.rules import Parameters, compile_rule
from clientcentric.engines.rules.facts import PERSON_SCHEMA, client_facts, population_facts
from clientcentric.engines.rules.polars_backend import DTYPES
from clientcentric.engines.rules.population import plan
from clientcentric.engines.rules.rulefile import load_rules

from .strategies import DAYS, FACTS, PARAM_NAMES, fact_rows, populations, rule_texts

PARAMS = Parameters(
    {
        "low": [(dt.date(1900, 1, 1), "800.0"), (dt.date(2020, 1, 1), "950.5")],
        "high": [(dt.date(1900, 1, 1), "2 * P.low")],
    }
)
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PERSON_PARAMS = ("low", "high")
ROOT = Path(__file__).resolve().parents[3]


def frame(rows, schema):
    return pl.DataFrame(
        {name: [row.get(name) for row in rows] for name in schema},
        schema={name: DTYPES[t] for name, t in schema.items()},
    )


@SETTINGS
@given(text=rule_texts(), rows=st.lists(fact_rows, min_size=1, max_size=12), on=DAYS)
def test_random_rules_agree_on_random_facts(text, rows, on):
    rule = compile_rule(text, FACTS, PARAM_NAMES)
    polars_values = frame(rows, FACTS).with_columns(rule.polars_expr(on, PARAMS).alias("r"))["r"].to_list()
    for row, from_polars in zip(rows, polars_values, strict=True):
        per_client = rule.value(row, on, PARAMS)
        reference = rule.reference_value(row, on, PARAMS)
        assert per_client is reference, (text, row, per_client, reference)
        assert from_polars is per_client, (text, row, from_polars, per_client, rule.source)


@SETTINGS
@given(population=populations(), on=DAYS)
def test_facts_layer_is_the_same_in_both_backends(population, on):
    persons, households = population
    persons_frame = pl.DataFrame(persons, schema=_PERSON_DTYPES)
    households_frame = pl.DataFrame(households, schema=_HOUSEHOLD_DTYPES)
    from_polars = population_facts(persons_frame, households_frame, on).collect().to_dicts()
    by_household = {h["household_id"]: h for h in households}
    for person, row in zip(persons, from_polars, strict=True):
        members = [p for p in persons if p["household_id"] == person["household_id"]]
        expected = client_facts(person, on, by_household.get(person["household_id"]), members)
        assert row.pop("person_id") == person["person_id"]
        assert row == expected, (person, row, expected)


@SETTINGS
@given(population=populations(), texts=st.lists(rule_texts(PERSON_SCHEMA), min_size=1, max_size=4), on=DAYS)
def test_random_rules_agree_over_random_populations(population, texts, on):
    persons, households = population
    rules = {f"r{i}": compile_rule(text, PERSON_SCHEMA, PARAM_NAMES) for i, text in enumerate(texts)}
    result = plan(
        pl.DataFrame(persons, schema=_PERSON_DTYPES),
        pl.DataFrame(households, schema=_HOUSEHOLD_DTYPES),
        rules,
        on,
        PARAMS,
    ).collect()
    by_household = {h["household_id"]: h for h in households}
    for person, row in zip(persons, result.to_dicts(), strict=True):
        members = [p for p in persons if p["household_id"] == person["household_id"]]
        facts = client_facts(person, on, by_household.get(person["household_id"]), members)
        for rule_id, rule in rules.items():
            assert row[rule_id] is rule.value(facts, on, PARAMS), (rule.text, facts)


def test_every_example_of_the_shipped_rule_files_agrees_in_both_backends():
    files = [ROOT / "bench" / "rules50.yaml", *sorted((ROOT / "docs").glob("*.rules.yaml"))]
    checked = 0
    for path in files:
        if not path.exists():
            continue
        rule_file = load_rules(path)
        for spec in rule_file.rules:
            for example in spec.examples:
                one = frame([example.facts], PERSON_SCHEMA)
                from_polars = one.with_columns(
                    spec.compiled.polars_expr(example.on, rule_file.parameters).alias("r")
                )
                expected = spec.compiled.value(example.facts, example.on, rule_file.parameters)
                assert from_polars["r"][0] is expected, (spec.id, example)
                checked += 1
    assert checked >= 50


_PERSON_DTYPES = {
    "person_id": pl.Int64,
    "household_id": pl.Int64,
    "role": pl.String,
    "birth": pl.Date,
    "salary": pl.Float64,
    "capital_returns": pl.Float64,
    "disability": pl.Boolean,
    "unemployed": pl.Boolean,
    "student": pl.Boolean,
}
_HOUSEHOLD_DTYPES = {
    "household_id": pl.Int64,
    "rent": pl.Float64,
    "accommodation_size": pl.Float64,
    "housing_occupancy_status": pl.String,
    "postal_code": pl.String,
    "region": pl.String,
    "months_since_move": pl.Int64,
}
