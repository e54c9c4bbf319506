"""One table of rule errors: the same Russian words for the same error in the back office, the rule-file import,
the business registry and the CLI, with the place of every problem."""

import pytest
from django.utils import translation

from clientcentric.engines.rules import RuleError
from clientcentric.engines.rules.rulefile import RuleFileError, load_rules
from clientcentric.rules import business, eligibility, messages


@pytest.fixture(autouse=True)
def russian():
    with translation.override("ru"):
        yield


def _error(text, schema_check):
    with pytest.raises(RuleError) as caught:
        schema_check(text)
    return caught.value


def test_an_unknown_fact_reads_the_same_for_clients_and_businesses():
    person = _error("agee > 3", lambda t: eligibility.compiled(t, frozenset()))
    firm = _error("floors > 3", business.compiled)
    assert messages.describe_error(person) == "Строка 1, столбец 1: Неизвестный факт «agee»."
    assert business.error_message(firm).startswith("Строка 1, столбец 1: Неизвестный факт «floors». ")
    assert "Известные факты: " in business.error_message(firm) and "okved" in business.error_message(firm)


def test_a_code_without_words_falls_back_to_the_engine_text():
    assert messages.describe("no_such_code", "as is") == "as is"


def test_a_rule_file_problem_names_the_file_line_and_column_and_the_place_in_the_text():
    with pytest.raises(RuleFileError) as caught:
        load_rules("rules:\n  - id: x\n    text: age > 1 and salry > 2\n    valid_from: 2020-01-01\n")
    [problem] = caught.value.problems
    assert messages.describe_problem(problem) == (
        "строка файла 2, столбец 5, правило x, text, строка 1, столбец 13: Неизвестный факт «salry»."
    )


def test_a_structural_problem_keeps_its_file_line_and_column_in_russian():
    with pytest.raises(RuleFileError) as caught:
        load_rules("rules:\n  - id: x\n    text: age > 1\n    valid_from: someday\n")
    [problem] = caught.value.problems
    text = messages.describe_problem(problem)
    assert text.startswith("строка файла 4, столбец 5, правило x, valid_from: ")
    assert "Неверная структура файла: " in text
