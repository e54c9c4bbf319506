"""YAML rule files: everything validated at once, with where to look; examples must pass."""

from datetime import date

import pytest

from clientcentric.engines.rules import Outcome
from clientcentric.engines.rules.rulefile import RuleFileError, dump_rules, load_rules

GOOD = """
parameters:
  low_income: [{from: 2016-01-01, value: 800.0}]
  double_low: [{from: 2016-01-01, value: "2 * P.low_income"}]
rules:
  - id: single_parent_low_income
    service: SOC-1
    text: n_adults == 1 and n_under_18 >= 1 and household_income < P.double_low
    valid_from: 2016-01-01
    legal_reference: "ст. 1"
    explain_yes: "да"
    explain_no: "нет"
    examples:
      - on: 2016-11-01
        facts: {n_adults: 1, n_under_18: 2, household_income: 1200.0}
        expect: eligible
      - on: 2016-11-01
        facts: {n_adults: 2}
        expect: not_eligible
"""


def problems(text):
    with pytest.raises(RuleFileError) as caught:
        load_rules(text)
    return caught.value.problems


def test_a_good_file_loads_with_its_metadata():
    rule_file = load_rules(GOOD)
    [rule] = rule_file.rules
    assert (rule.id, rule.service, rule.valid_from, rule.explain_yes) == (
        "single_parent_low_income",
        "SOC-1",
        date(2016, 1, 1),
        "да",
    )
    assert [e.expect for e in rule.examples] == [Outcome.ELIGIBLE, Outcome.NOT_ELIGIBLE]
    assert rule.in_force(date(2016, 1, 1)) and not rule.in_force(date(2015, 12, 31))
    again = load_rules(dump_rules(rule_file))
    assert again.rules[0].text == rule.text
    assert again.parameters.value("double_low", date(2020, 1, 1)) == rule_file.parameters.value(
        "double_low", date(2020, 1, 1)
    )


def test_every_problem_is_reported_with_its_place():
    text = GOOD.replace("household_income < P.double_low", "household_incme < P.double_low").replace(
        "expect: not_eligible", "expect: not_eligible\n        colour: red"
    )
    text += """
  - id: single_parent_low_income
    text: age >= 18
    valid_from: 2016-13-01
    explain_yess: "typo"
"""
    found = problems(text)
    codes = sorted(p.code for p in found)
    assert codes == ["duplicate", "structure", "structure", "structure", "unknown_fact"]
    unknown = next(p for p in found if p.code == "unknown_fact")
    assert (unknown.rule, unknown.field, unknown.line, unknown.column) == (
        "single_parent_low_income",
        "text",
        1,
        39,
    )
    assert unknown.file_line == 6
    assert any("explain_yess" in p.message for p in found)
    assert any(p.field == "valid_from" for p in found)


def test_failing_examples_are_refused_with_what_they_got():
    [problem] = problems(GOOD.replace("expect: eligible", "expect: unknown"))
    assert problem.code == "example_failed"
    assert problem.field == "examples[1]"
    assert problem.details == {"expected": "unknown", "got": "eligible"}


def test_parameters_must_be_in_force_when_the_rule_starts():
    [problem] = problems(GOOD.replace("valid_from: 2016-01-01", "valid_from: 2015-01-01"))
    assert problem.code == "parameter_not_in_force"


def test_a_parameter_cycle_is_refused():
    text = GOOD.replace('"2 * P.low_income"', '"2 * P.double_low"')
    found = problems(text)
    assert found[0].code == "parameter_cycle"


def test_broken_yaml_and_wrong_shape():
    assert problems("rules: [")[0].code == "yaml"
    assert problems("just: text")[0].code == "structure"
    assert problems("rules:\n  - id: 1x\n    text: age > 1\n")[0].field == "id"


def test_examples_with_unknown_facts_are_refused():
    found = problems(GOOD.replace("facts: {n_adults: 2}", "facts: {n_adultz: 2}"))
    assert found[0].code == "unknown_fact" and found[0].details == {"name": "n_adultz"}


def test_a_structural_problem_names_the_line_and_column_of_its_field():
    text = GOOD.replace("valid_from: 2016-01-01", "valid_from: someday")
    [problem] = problems(text)
    assert (problem.code, problem.field) == ("structure", "valid_from")
    assert (problem.file_line, problem.file_column) == (9, 5)


def test_an_unknown_field_of_an_example_is_placed_on_its_key():
    text = GOOD.replace("expect: not_eligible", "expect: not_eligible\n        colour: red")
    [problem] = problems(text)
    assert problem.field == "examples[2]" and "colour" in problem.message
    assert (problem.file_line, problem.file_column) == (20, 9)


def test_a_missing_field_is_placed_on_its_rule():
    [problem] = problems("rules:\n  - id: lonely\n    text: age > 1\n")
    assert (problem.field, problem.file_line, problem.file_column) == ("valid_from", 2, 5)


def test_a_bad_parameter_entry_is_placed_on_the_entry():
    found = problems(GOOD.replace("{from: 2016-01-01, value: 800.0}", "{value: 800.0}"))
    assert found[0].field == "low_income" and (found[0].file_line, found[0].file_column) == (3, 16)


def test_broken_yaml_names_its_line_and_column():
    [problem] = problems("rules:\n  - id: x\n    text: [\n")
    assert problem.code == "yaml" and problem.file_line == 4 and problem.file_column is not None


def test_caller_fields_are_typed_and_kept():
    text = GOOD.replace('    explain_no: "нет"\n', '    explain_no: "нет"\n    inform_without_consent: yes\n')
    rule_file = load_rules(text, extra_fields={"inform_without_consent": bool})
    assert rule_file.rules[0].extra == {"inform_without_consent": True}
    wrong = text.replace("inform_without_consent: yes", "inform_without_consent: often")
    with pytest.raises(RuleFileError) as caught:
        load_rules(wrong, extra_fields={"inform_without_consent": bool})
    [problem] = caught.value.problems
    assert problem.field == "inform_without_consent" and (problem.file_line, problem.file_column) == (13, 5)
