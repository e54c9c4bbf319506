"""The rule language applied to businesses: compiling a rule against the business facts, errors in Russian.

Compiled rules are cached per process by their text: items share far fewer distinct rules than there are items.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from . import facts

ERROR_TEXT = {
    "syntax": lambda e: _("The rule cannot be read."),
    "not_allowed": lambda e: _("This is not allowed in a rule."),
    "unknown_fact": lambda e: (
        _("There is no business attribute “%(name)s”. Known: %(known)s.")
        % {"name": e.details.get("name", ""), "known": ", ".join(facts.FACTS)}
    ),
    "unknown_parameter": lambda e: _("Unknown parameter “%(name)s”.") % {"name": e.details.get("name", "")},
    "type_error": lambda e: _("The types do not match here (for example, a number compared with text)."),
    "none_in_list": lambda e: _("None is not allowed inside an in (…) list."),
    "unknown_function": lambda e: _("There is no such function in the rule library."),
    "arity": lambda e: _("The function gets the wrong number of arguments."),
    "division_by_zero": lambda e: _("Division by zero."),
}


def _parameters():
    from clientcentric.engines.rules import Parameters

    return Parameters({})


@lru_cache(maxsize=65536)
def compiled(text: str):
    """The compiled rule for ``text``; raises the engine's RuleError."""
    from clientcentric.engines.rules import compile_rule

    return compile_rule(text, facts.schema(), ())


def error_message(error) -> str:
    """A Russian message with the position: «Строка 1, позиция 5: …»."""
    text = ERROR_TEXT.get(error.code, lambda e: e.message)(error)
    if error.line is not None:
        return _("Line %(line)s, column %(column)s: %(text)s") % {
            "line": error.line,
            "column": error.column,
            "text": text,
        }
    return text


def check(text: str, field: str) -> None:
    """Refuse a rule that does not compile, naming the place in it; an empty rule is fine."""
    if not (text or "").strip():
        return
    from clientcentric.engines.rules import RuleError

    try:
        compiled(text.strip())
    except RuleError as error:
        raise ValidationError({field: error_message(error)}, code=error.code) from None


PARAMETERS = None


def parameters():
    global PARAMETERS
    if PARAMETERS is None:
        PARAMETERS = _parameters()
    return PARAMETERS


def evaluate(text: str, fact_values: dict, on: date):
    """The engine's Result for one rule text; an empty rule always applies (``None``)."""
    if not (text or "").strip():
        return None
    return compiled(text.strip()).evaluate(fact_values, on, parameters())
