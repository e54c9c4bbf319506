"""The rule language: errors with positions, Kleene semantics, dates, parameters, explanations."""

from datetime import date
from decimal import Decimal

import pytest

from clientcentric.engines.rules import FactType, Outcome, Parameters, RuleError, compile_rule

SCHEMA = {
    "age": FactType.INT,
    "n_adults": FactType.INT,
    "n_under_18": FactType.INT,
    "household_income": FactType.DECIMAL,
    "income_pc": FactType.DECIMAL,
    "occupancy": FactType.STR,
    "disability": FactType.BOOL,
    "unemployed": FactType.BOOL,
    "birth": FactType.DATE,
    "okved": FactType.STR_SET,
}
PARAMS = Parameters(
    {
        "low_income": [(date(2016, 1, 1), Decimal("800.0")), (date(2020, 1, 1), Decimal("950.50"))],
        "age_of_majority": [(date(1990, 1, 1), 18)],
    }
)
ON = date(2016, 11, 1)


def run(text, facts, on=ON, params=PARAMS):
    return compile_rule(text, SCHEMA, params.names).evaluate(facts, on, params)


def error(text, names=None):
    with pytest.raises(RuleError) as caught:
        compile_rule(text, SCHEMA, PARAMS.names if names is None else names)
    return caught.value


@pytest.mark.parametrize(
    "text,code,line,column",
    [
        ("age >= 18 and salary < 5", "unknown_fact", 1, 15),
        ("age >= P.unknown", "unknown_parameter", 1, 8),
        ("age >= 'old'", "type_error", 1, 8),
        ("occupancy in ('tenant', None)", "none_in_list", 1, 25),
        ("occupancy in ('tenant', 3)", "type_error", 1, 25),
        ("age + 1", "type_error", 1, 1),
        ("disability and age", "type_error", 1, 16),
        ("not age", "type_error", 1, 5),
        ("open('x') == 1", "unknown_function", 1, 1),
        ("age.real > 1", "not_allowed", 1, 1),
        ("age ** 2 > 4", "not_allowed", 1, 1),
        ("age is None", "not_allowed", 1, 8),
        ("[x for x in okved]", "not_allowed", 1, 1),
        ("age >", "syntax", 1, 6),
        ("a and (b", "syntax", 1, 7),
        ("", "syntax", 1, 1),
        ("age_at(age) > 1", "type_error", 1, 8),
        ("days_since(birth, birth) > 1", "arity", 1, 1),
        ("age in okved", "type_error", 1, 1),
        ("age >= 18 and\n  household_income < 'x'", "type_error", 2, 22),
        ("occupancy == 'жильё' and бар", "unknown_fact", 1, 26),
        ("age > None", "not_allowed", 1, 7),
        ("date('2020-13-01') < birth", "type_error", 1, 6),
    ],
)
def test_errors_carry_code_and_position(text, code, line, column):
    exc = error(text)
    assert (exc.code, exc.line, exc.column) == (code, line, column), exc.message
    assert exc.message


def test_rule_spread_over_lines_reads_as_one_expression():
    rule = compile_rule("age >= 18\n  and disability", SCHEMA, ())
    assert rule.evaluate({"age": 20, "disability": True}, ON, PARAMS).outcome is Outcome.ELIGIBLE
    assert error("age >= 18) or\n (disability").code == "syntax"


@pytest.mark.parametrize(
    "facts,expected",
    [
        ({"disability": False}, Outcome.NOT_ELIGIBLE),  # False and unknown = False
        ({"disability": True}, Outcome.UNKNOWN),
        ({"disability": True, "age": 30}, Outcome.ELIGIBLE),
        ({}, Outcome.UNKNOWN),
    ],
)
def test_kleene_and(facts, expected):
    assert run("disability and age >= P.age_of_majority", facts).outcome is expected


@pytest.mark.parametrize(
    "facts,expected",
    [
        ({"disability": True}, Outcome.ELIGIBLE),  # True or unknown = True
        ({"disability": False}, Outcome.UNKNOWN),
        ({"disability": False, "age": 3}, Outcome.NOT_ELIGIBLE),
    ],
)
def test_kleene_or(facts, expected):
    assert run("disability or age >= 18", facts).outcome is expected


def test_not_of_unknown_is_unknown_and_is_known_never_is():
    assert run("not disability", {}).outcome is Outcome.UNKNOWN
    assert run("not is_known(disability)", {}).outcome is Outcome.ELIGIBLE


def test_division_by_zero_is_unknown_not_a_crash():
    result = run("household_income / n_adults > 100", {"household_income": 1000.0, "n_adults": 0})
    assert result.outcome is Outcome.UNKNOWN
    assert result.missing == ()
    assert run("household_income / n_adults > 100", {"household_income": 1000.0, "n_adults": 4}).outcome is (
        Outcome.ELIGIBLE
    )


def test_missing_lists_only_the_facts_that_left_it_open():
    result = run("n_adults == 1 and n_under_18 >= 1 and household_income < 2 * P.low_income", {"n_adults": 1})
    assert result.outcome is Outcome.UNKNOWN
    assert result.missing == ("n_under_18", "household_income")
    result = run("n_adults == 1 and n_under_18 >= 1", {"n_adults": 2})
    assert result.outcome is Outcome.NOT_ELIGIBLE
    assert result.missing == ()


def test_reasons_name_the_deciding_parts_with_their_values():
    text = "n_adults == 1 and n_under_18 >= 1 and household_income < 2 * P.low_income"
    result = run(text, {"n_adults": 1, "n_under_18": 2, "household_income": 1700.0})
    assert result.outcome is Outcome.NOT_ELIGIBLE
    [reason] = result.reasons
    assert reason.text == "household_income < 2 * P.low_income"
    assert reason.value is False
    assert reason.facts == {"household_income": 1700.0, "P.low_income": 800.0}
    ok = run(text, {"n_adults": 1, "n_under_18": 2, "household_income": 1200.0})
    assert [r.text for r in ok.reasons] == [
        "n_adults == 1",
        "n_under_18 >= 1",
        "household_income < 2 * P.low_income",
    ]


def test_dated_parameters_follow_the_reference_date():
    facts = {"income_pc": 900.0}
    assert run("income_pc < P.low_income", facts, on=date(2019, 12, 31)).outcome is Outcome.NOT_ELIGIBLE
    assert run("income_pc < P.low_income", facts, on=date(2020, 1, 1)).outcome is Outcome.ELIGIBLE
    assert PARAMS.value("low_income", date(2020, 6, 1)) == Decimal("950.50")
    with pytest.raises(RuleError) as caught:
        run("income_pc < P.low_income", facts, on=date(2015, 1, 1))
    assert caught.value.code == "parameter_not_in_force"


def test_parameter_formulas_and_cycles():
    params = Parameters(
        {"base": [(date(2016, 1, 1), "100.10")], "double": [(date(2016, 1, 1), "2 * P.base")]}
    )
    assert params.value("double", ON) == Decimal("200.20")
    with pytest.raises(RuleError) as caught:
        Parameters({"a": [(date(2016, 1, 1), "P.b + 1")], "b": [(date(2016, 1, 1), "P.a * 2")]})
    assert caught.value.code == "parameter_cycle"
    assert caught.value.details["cycle"] == ["a", "b", "a"]
    with pytest.raises(RuleError) as caught:
        Parameters({"a": [(date(2016, 1, 1), "P.nope + 1")]})
    assert caught.value.code == "unknown_parameter"
    with pytest.raises(RuleError) as caught:
        PARAMS.value("nope", ON)
    assert caught.value.code == "unknown_parameter"


def test_money_compares_exactly_at_the_boundary():
    # 0.1 + 0.2 style noise must not move a boundary written in the rule: compared in float64 both sides.
    assert run("household_income < 1100.10", {"household_income": Decimal("1100.10")}).outcome is (
        Outcome.NOT_ELIGIBLE
    )
    assert run("household_income <= 1100.10", {"household_income": Decimal("1100.10")}).outcome is (
        Outcome.ELIGIBLE
    )
    assert run("income_pc < P.low_income", {"income_pc": Decimal("950.49")}, on=date(2021, 1, 1)).outcome is (
        Outcome.ELIGIBLE
    )


@pytest.mark.parametrize(
    "birth,on,age",
    [
        (date(2000, 11, 1), date(2018, 11, 1), 18),  # the birthday itself counts
        (date(2000, 11, 2), date(2018, 11, 1), 17),
        (date(2000, 2, 29), date(2018, 2, 28), 17),  # 29 February counts on 1 March in common years
        (date(2000, 2, 29), date(2018, 3, 1), 18),
        (date(2000, 2, 29), date(2020, 2, 29), 20),
    ],
)
def test_age_at(birth, on, age):
    assert run(f"age_at(birth) == {age}", {"birth": birth}, on=on).outcome is Outcome.ELIGIBLE
    assert run(f"age_at(birth, on) >= {age + 1}", {"birth": birth}, on=on).outcome is Outcome.NOT_ELIGIBLE


def test_months_between_and_days_since():
    facts = {"birth": date(2016, 1, 31)}
    assert run("months_between(birth, date('2016-02-29')) == 0", facts).outcome is Outcome.ELIGIBLE
    assert run("months_between(birth, date('2016-03-01')) == 1", facts).outcome is Outcome.ELIGIBLE
    assert run("months_between(date('2016-03-01'), birth) == -1", facts).outcome is Outcome.ELIGIBLE
    assert run("days_since(birth) == 275", facts).outcome is Outcome.ELIGIBLE


def test_sets_of_codes():
    text = "'56.10' in okved or any_prefix(okved, ('47.1', '10'))"
    assert run(text, {"okved": ["56.10"]}).outcome is Outcome.ELIGIBLE
    assert run(text, {"okved": {"47.11", "01.1"}}).outcome is Outcome.ELIGIBLE
    assert run(text, {"okved": []}).outcome is Outcome.NOT_ELIGIBLE
    assert run(text, {}).outcome is Outcome.UNKNOWN
    assert run("'56.10' not in okved", {"okved": ["56.10"]}).outcome is Outcome.NOT_ELIGIBLE


def test_in_lists_and_chained_comparisons():
    assert run("occupancy in ('tenant', 'homeless')", {"occupancy": "tenant"}).outcome is Outcome.ELIGIBLE
    assert run("occupancy not in ('tenant', 'homeless')", {"occupancy": "owner"}).outcome is Outcome.ELIGIBLE
    assert run("occupancy in ('tenant',)", {}).outcome is Outcome.UNKNOWN
    assert run("18 <= age < 65", {"age": 64}).outcome is Outcome.ELIGIBLE
    assert run("18 <= age < 65", {"age": 65}).outcome is Outcome.NOT_ELIGIBLE


def test_bad_fact_values_are_refused_not_guessed():
    for facts in ({"age": "thirty"}, {"age": 30.5}, {"disability": "yes"}, {"okved": "56.10"}):
        text = {"age": "age > 1", "disability": "disability", "okved": "'1' in okved"}[next(iter(facts))]
        with pytest.raises(RuleError) as caught:
            run(text, facts)
        assert caught.value.code == "fact_value"
    assert run("age > 1", {"age": Decimal(30)}).outcome is Outcome.ELIGIBLE
    assert run("birth < date('2000-01-01')", {"birth": "1990-05-01"}).outcome is Outcome.ELIGIBLE


def test_generated_code_agrees_with_the_reference_interpreter():
    rule = compile_rule(
        "(disability or unemployed) and not (income_pc >= P.low_income) or age_at(birth) > 70",
        SCHEMA,
        PARAMS.names,
    )
    for facts in (
        {},
        {"disability": True, "income_pc": 100.0},
        {"unemployed": False, "disability": False, "birth": date(1900, 1, 1)},
        {"disability": None, "unemployed": True, "income_pc": 900.0, "birth": date(2000, 1, 1)},
    ):
        assert rule.value(facts, ON, PARAMS) == rule.reference_value(facts, ON, PARAMS)
