"""Rule engine errors in the user's language: the engine speaks in stable codes, this module in Russian."""

from __future__ import annotations

from django.utils.translation import gettext as _

from clientcentric.engines.rules import RuleError
from clientcentric.engines.rules.rulefile import Problem


def _templates() -> dict[str, str]:
    return {
        "syntax": _("The rule cannot be read: check brackets, quotes and operators."),
        "unknown_fact": _("Unknown fact “%(name)s”."),
        "unknown_parameter": _("Unknown parameter “P.%(name)s”."),
        "type_error": _("The types do not match: %(got)s where %(expected)s is needed."),
        "none_in_list": _("None is not allowed inside an “in (…)” list."),
        "unknown_function": _("Unknown function “%(name)s”."),
        "not_allowed": _("This construct is not part of the rule language."),
        "parameter_cycle": _("Parameters refer to each other in a circle: %(cycle)s."),
        "arity": _("Wrong number of arguments for “%(name)s”."),
        "fact_value": _("The value of fact “%(name)s” has the wrong type."),
        "parameter_not_in_force": _("Parameter “P.%(name)s” has no value on that date."),
        "duplicate": _("A duplicate: the same id or date is given twice."),
        "division_by_zero": _("A parameter formula divides by zero."),
        "extract": _("The data extract cannot be used: %(message)s"),
        "yaml": _("The file is not valid YAML."),
        "structure": _("The file's structure is wrong: %(message)s"),
        "example_failed": _("The example gives “%(got)s” but “%(expected)s” is expected."),
    }


_KINDS = {
    "int": "целое число",
    "decimal": "число",
    "number": "число",
    "str": "текст",
    "bool": "да/нет",
    "date": "дата",
    "str_set": "набор кодов",
}


def describe(code: str, message: str, details: dict | None = None) -> str:
    details = dict(details or {})
    values = {
        "name": details.get("name", ""),
        "got": _KINDS.get(str(details.get("got", "")), details.get("got", "?")),
        "expected": _KINDS.get(str(details.get("expected", "")), details.get("expected", "?")),
        "cycle": " → ".join(details.get("cycle", [])),
        "message": message,
    }
    template = _templates().get(code)
    if template is None:
        return message
    if code == "type_error" and "got" not in details:
        return _("The types do not match.") + f" ({message})"
    if code == "not_allowed":
        return template + f" ({message})"
    return template % values


def describe_error(exc: RuleError) -> str:
    where = ""
    if exc.line is not None:
        where = _("line %(line)s, column %(column)s: ") % {"line": exc.line, "column": exc.column}
    return where + describe(exc.code, exc.message, exc.details)


def describe_problem(problem: Problem) -> str:
    parts = []
    if problem.file_line:
        parts.append(_("file line %(line)s") % {"line": problem.file_line})
    if problem.rule:
        parts.append(_("rule %(rule)s") % {"rule": problem.rule})
    if problem.field:
        parts.append(problem.field)
    if problem.line:
        parts.append(_("line %(line)s, column %(column)s") % {"line": problem.line, "column": problem.column})
    text = describe(problem.code, problem.message, problem.details)
    return (", ".join(parts) + ": " if parts else "") + text
