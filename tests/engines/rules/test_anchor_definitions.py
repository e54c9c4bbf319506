"""The derived facts as the anchor (OpenFisca's country template, docs/rules.md) defines them, pinned on tiny
households — one test per difference bench/eligibility.py found between the two engines' counts — and the region
column in every type the extract format allows. Each answer is checked in both backends (the population plan and
the per-client facts + compiled rule)."""

import datetime as dt

import polars as pl
import pytest

from clientcentric.engines.rules import Parameters, RuleError, compile_rule
from clientcentric.engines.rules.facts import PERSON_SCHEMA, client_facts
from clientcentric.engines.rules.population import HOUSEHOLD_COLUMNS, check_extract, plan

ON = dt.date(2024, 3, 1)
PARAMETERS = Parameters({"low_income": [(dt.date(2016, 1, 1), "950.5")]})


def _household(members: list[dict], **household) -> tuple[pl.DataFrame, pl.DataFrame]:
    person = {
        "role": "adult",
        "birth": dt.date(1980, 1, 1),
        "salary": 0.0,
        "capital_returns": 0.0,
        "disability": False,
        "unemployed": False,
        "student": False,
    }
    persons = pl.DataFrame(
        [{"person_id": i + 1, "household_id": 10, **person, **m} for i, m in enumerate(members)],
        schema_overrides={"salary": pl.Float64, "capital_returns": pl.Float64},
    )
    columns = {
        "household_id": [10],
        "rent": [100.0],
        "accommodation_size": [50.0],
        "housing_occupancy_status": ["tenant"],
        "postal_code": ["190000"],
        "region": ["78"],
        "months_since_move": pl.Series([24], dtype=pl.Int64),
    }
    columns.update(
        {name: value if isinstance(value, pl.Series) else [value] for name, value in household.items()}
    )
    return persons, pl.DataFrame(columns)


def _answers(text: str, persons: pl.DataFrame, households: pl.DataFrame) -> list:
    """The rule's answer for every member, the same in both backends (asserted)."""
    rule = compile_rule(text, PERSON_SCHEMA, frozenset({"low_income"}))
    population = (
        plan(persons, households, {"r": rule}, ON, PARAMETERS).collect().sort("person_id")["r"].to_list()
    )
    members = persons.to_dicts()
    household = households.to_dicts()[0]
    per_client = [
        rule.evaluate(client_facts(m, ON, household, members), ON, PARAMETERS).outcome for m in members
    ]
    as_bool = {"eligible": True, "not_eligible": False, "unknown": None}
    assert population == [as_bool[str(getattr(o, "value", o))] for o in per_client], (population, per_client)
    return population


OVERCROWDED = "region in ('78',) and accommodation_size / n_persons < 10.0 and n_over_65 + n_disabled >= 1"


def test_a_region_listed_in_a_rule_matches_the_text_code_of_the_extract():
    """OpenFisca holds a `str` variable as bytes, and the translation compared it with text: every region rule
    counted nobody there (overcrowded_1…5). The definition: region '78' is in ('78',)."""
    persons, households = _household(
        [{"birth": dt.date(1950, 5, 1)}, {"birth": dt.date(1990, 1, 1)}], accommodation_size=18.0
    )
    assert _answers(OVERCROWDED, persons, households) == [True, True]  # 9 m² each, one member over 65
    persons, households = _household([{}, {}], accommodation_size=18.0)
    assert _answers(OVERCROWDED, persons, households) == [False, False]  # nobody over 65 or disabled


RECENT_MOVE = (
    "n_under_3 >= 1 and (months_since_move >= 12 or not is_known(months_since_move)) "
    "and household_income < 4 * P.low_income"
)


@pytest.mark.parametrize(("months", "expected"), [(None, True), (5, False), (12, True)])
def test_not_is_known_of_an_empty_column_is_true(months, expected):
    """An empty months_since_move is unknown, and `not is_known(...)` then holds (young_children_2 and _4): OpenFisca
    replaced the empty value by 0 and could not tell; the translation now gives it the column's "filled in" flag."""
    persons, households = _household(
        [{"salary": 1000.0}, {"role": "child", "birth": dt.date(2023, 1, 1)}],
        months_since_move=pl.Series([months], dtype=pl.Int64),
    )
    assert _answers(RECENT_MOVE, persons, households) == [expected, expected]


def test_household_income_is_summed_exactly_in_kopecks_not_in_float32():
    """600.10 + 0.10 is 600.20 exactly (OpenFisca's float32 sums it to 600.19995 and would call it below 600.2):
    money is decimal-exact at the boundary (tenant_low_income_1 differed by three persons on such a boundary)."""
    persons, households = _household([{"salary": 600.10}, {"salary": 0.10}])
    assert _answers("household_income < 600.2", persons, households) == [False, False]
    assert _answers("household_income >= 600.2", persons, households) == [True, True]
    assert _answers("income_pc == 300.1", persons, households) == [True, True]


REGION_TYPES = [
    *(pl.Series([78], dtype=t) for t in (pl.Int8, pl.Int16, pl.Int32, pl.Int64)),
    *(pl.Series([78], dtype=t) for t in (pl.UInt8, pl.UInt16, pl.UInt32, pl.UInt64)),
    pl.Series(["78"], dtype=pl.String),
    pl.Series([" 78 "], dtype=pl.String),
    pl.Series(["78"], dtype=pl.Categorical),
    pl.Series(["78"], dtype=pl.Enum(["07", "77", "78"])),
]


@pytest.mark.parametrize("region", REGION_TYPES, ids=lambda s: str(s.dtype))
def test_a_region_column_of_any_allowed_type_gives_the_same_answers(region):
    persons, households = _household([{}], region=region)
    check_extract(households.lazy(), HOUSEHOLD_COLUMNS, "households.parquet")
    assert _answers("region == '78'", persons, households) == [True]
    assert _answers("region in (78, '77')", persons, households) == [True]
    assert _answers("region != '07'", persons, households) == [True]


REFUSED = [
    pl.Series([78.0]),
    pl.Series([dt.date(2024, 1, 1)]),
    pl.Series([[78]]),
    pl.Series([True]),
    pl.Series([{"code": 78}]),
    pl.Series([dt.datetime(2024, 1, 1)]),
]


@pytest.mark.parametrize("region", REFUSED, ids=lambda s: str(s.dtype))
def test_a_region_column_of_another_type_is_refused_naming_the_column_and_the_type(region):
    _, households = _household([{}], region=region)
    with pytest.raises(RuleError) as refused:
        check_extract(households.lazy(), HOUSEHOLD_COLUMNS, "households.parquet")
    assert refused.value.code == "extract"
    assert refused.value.details["columns"] == [
        {
            "file": "households.parquet",
            "column": "region",
            "found": str(region.dtype),
            "expected": ["str", "int"],
        }
    ]
    assert "\n" not in str(refused.value)
