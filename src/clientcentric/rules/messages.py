"""The one table of rule-language errors in the user's language: the engine speaks in stable codes, this module
in Russian (via the .po file). The back office, the rule-file import, the business registry and the CLI all show
the same words for the same error."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from clientcentric.engines.rules import RuleError
from clientcentric.engines.rules.rulefile import Problem

MESSAGES = {
    "syntax": gettext_noop("The rule cannot be read: check brackets, quotes and operators."),
    "unknown_fact": gettext_noop("Unknown fact “%(name)s”."),
    "unknown_parameter": gettext_noop("Unknown parameter “P.%(name)s”."),
    "type_error": gettext_noop("The types do not match: %(got)s where %(expected)s is needed."),
    "none_in_list": gettext_noop("None is not allowed inside an “in (…)” list."),
    "unknown_function": gettext_noop("Unknown function “%(name)s”."),
    "not_allowed": gettext_noop("This construct is not part of the rule language."),
    "parameter_cycle": gettext_noop("Parameters refer to each other in a circle: %(cycle)s."),
    "arity": gettext_noop("Wrong number of arguments for “%(name)s”."),
    "fact_value": gettext_noop("The value of fact “%(name)s” has the wrong type."),
    "parameter_not_in_force": gettext_noop("Parameter “P.%(name)s” has no value on that date."),
    "duplicate": gettext_noop("A duplicate: the same id or date is given twice."),
    "division_by_zero": gettext_noop("A parameter formula divides by zero."),
    "extract": gettext_noop("The data extract cannot be used: %(message)s"),
    "yaml": gettext_noop("The file is not valid YAML."),
    "structure": gettext_noop("The file's structure is wrong: %(message)s"),
    "example_failed": gettext_noop("The example gives “%(got)s” but “%(expected)s” is expected."),
    "unknown_service": gettext_noop("Unknown service “%(code)s”."),
    "no_examples": gettext_noop("Add at least one example: a rule is published only with them."),
}

_KINDS = {
    "int": "целое число",
    "decimal": "число",
    "number": "число",
    "str": "текст",
    "bool": "да/нет",
    "date": "дата",
    "str_set": "набор кодов",
    "float": "дробное число",
}


def _extract_columns(columns: list[dict]) -> str:
    """Each missing or mistyped column of an extract, with the file, the column and the type found."""
    parts = []
    for problem in columns:
        values = {
            "file": problem["file"],
            "column": problem["column"],
            "found": problem["found"],
            "expected": f" {_('or')} ".join(_KINDS.get(k, k) for k in problem["expected"]),
        }
        if problem["found"] is None:
            parts.append(_("%(file)s: the column “%(column)s” is missing") % values)
        else:
            parts.append(
                _("%(file)s: the column “%(column)s” is of type %(found)s, but %(expected)s is needed")
                % values
            )
    return "; ".join(parts) + "."


def describe(code: str, message: str, details: dict | None = None, *, known: Iterable[str] = ()) -> str:
    """The Russian text of one error; `known` lists the facts a rule may use, named after an unknown fact."""
    details = dict(details or {})
    values = {
        "name": details.get("name", ""),
        "code": details.get("code", ""),
        "got": _KINDS.get(str(details.get("got", "")), details.get("got", "?")),
        "expected": _KINDS.get(str(details.get("expected", "")), details.get("expected", "?")),
        "cycle": " → ".join(details.get("cycle", [])),
        "message": message,
    }
    template = MESSAGES.get(code)
    if template is None:
        return message
    if code == "extract" and details.get("columns"):
        values["message"] = _extract_columns(details["columns"])
    if code == "type_error" and "got" not in details:
        return _("The types do not match.") + f" ({message})"
    if code == "not_allowed":
        return _(template) + f" ({message})"
    text = _(template) % values
    known = list(known)
    if code == "unknown_fact" and known:
        text += " " + _("Known facts: %(known)s.") % {"known": ", ".join(known)}
    return text


def position(line: int | None, column: int | None) -> str:
    return _("line %(line)s, column %(column)s") % {"line": line, "column": column}


def at_position(text: str, line: int | None, column: int | None) -> str:
    """`text` led by its place in the rule text: «Строка 1, столбец 5: …»."""
    if line is None:
        return text
    where = position(line, column)
    return f"{where[:1].upper()}{where[1:]}: {text}"


def describe_error(exc: RuleError, *, known: Iterable[str] = ()) -> str:
    return at_position(describe(exc.code, exc.message, exc.details, known=known), exc.line, exc.column)


def file_position(line: int, column: int | None) -> str:
    if column is None:
        return _("file line %(line)s") % {"line": line}
    return _("file line %(line)s, column %(column)s") % {"line": line, "column": column}


def describe_problem(problem: Problem) -> str:
    """A rule-file problem with every place it has: the file's line and column, the rule, the field and, for a
    rule text, the line and column inside it."""
    parts = []
    if problem.file_line:
        parts.append(file_position(problem.file_line, problem.file_column))
    if problem.rule:
        parts.append(_("rule %(rule)s") % {"rule": problem.rule})
    if problem.field:
        parts.append(problem.field)
    if problem.line:
        parts.append(position(problem.line, problem.column))
    text = describe(problem.code, problem.message, problem.details)
    return (", ".join(parts) + ": " if parts else "") + text
