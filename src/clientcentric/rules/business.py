"""The rule language applied to businesses: compiling a rule against the business facts, errors in Russian.

Compiled rules are cached per process by their text: items share far fewer distinct rules than there are items.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from django.core.exceptions import ValidationError

from clientcentric.engines.rules import Parameters, RuleError, compile_rule

from .facts import business as facts
from .messages import describe_error


@lru_cache(maxsize=65536)
def compiled(text: str):
    """The compiled rule for ``text``; raises the engine's RuleError."""
    return compile_rule(text, facts.schema(), ())


def error_message(error: RuleError) -> str:
    """A Russian message with the position: «Строка 1, столбец 5: …»; an unknown fact lists the known ones."""
    return describe_error(error, known=facts.FACTS)


def check(text: str, field: str) -> None:
    """Refuse a rule that does not compile, naming the place in it; an empty rule is fine."""
    if not (text or "").strip():
        return
    try:
        compiled(text.strip())
    except RuleError as error:
        raise ValidationError({field: error_message(error)}, code=error.code) from None


_PARAMETERS = Parameters({})


def parameters() -> Parameters:
    """Business rules use no dated parameters yet."""
    return _PARAMETERS


def evaluate(text: str, fact_values: dict, on: date):
    """The engine's Result for one rule text; an empty rule always applies (``None``)."""
    if not (text or "").strip():
        return None
    return compiled(text.strip()).evaluate(fact_values, on, parameters())
