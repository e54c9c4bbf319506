"""Eligibility of a client for a service: the rule engine (engines.rules) over the client's declared facts.

Domain-agnostic: the rule texts, parameters and parameter names come from the caller (delivery reads them from its
tables, `delivery.selectors.rules`)."""

from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from clientcentric.engines.rules import Outcome, Parameters, RuleError, compile_rule

from .facts.person import QUESTIONS, SCHEMA
from .messages import describe_error

__all__ = [
    "Rule",
    "Verdict",
    "check_examples",
    "check_text",
    "compiled",
    "evaluate",
    "example_date",
    "explain",
]


class Rule(Protocol):
    """What evaluating and explaining read of a rule (delivery's EligibilityRule has it)."""

    text: str
    explain_yes: str
    explain_no: str


_compiled: dict = {}


def compiled(text: str, names: frozenset[str]):
    key = (text, names)
    if key not in _compiled:
        if len(_compiled) > 2000:
            _compiled.clear()
        _compiled[key] = compile_rule(text, SCHEMA, names)
    return _compiled[key]


def check_text(text: str, names: frozenset[str]):
    """Compile `text` against the parameter `names`; a RuleError becomes a Russian ValidationError on the `text`
    field with its position."""
    try:
        return compiled(text, names)
    except RuleError as error:
        raise ValidationError({"text": describe_error(error)}, code=error.code) from error


def check_examples(text: str, examples: list, parameters: Parameters, names: frozenset[str]) -> list[str]:
    """Every example evaluated; returns the problems (an empty list means all pass)."""
    from .facts.person import FactValueError, parse_fact

    rule = check_text(text, names)
    problems = []
    for number, example in enumerate(examples or [], start=1):
        try:
            raw_on = example_date(example)
            on = raw_on if isinstance(raw_on, date) else date.fromisoformat(str(raw_on))
            facts = {name: parse_fact(name, value) for name, value in (example.get("facts") or {}).items()}
            expect = Outcome(example["expect"])
        except (KeyError, TypeError, ValueError, FactValueError) as error:
            problems.append(_("Example %(n)s is malformed (%(error)s).") % {"n": number, "error": error})
            continue
        unknown = set(facts) - set(SCHEMA)
        if unknown:
            problems.append(
                _("Example %(n)s names unknown facts: %(facts)s.")
                % {"n": number, "facts": ", ".join(sorted(unknown))}
            )
            continue
        got = rule.evaluate(facts, on, parameters).outcome
        if got != expect:
            problems.append(
                _("Example %(n)s: expected %(expected)s, the rule gives %(got)s.")
                % {"n": number, "expected": expect.value, "got": got.value}
            )
    return problems


def example_date(example: dict):
    """YAML 1.1 reads a bare `on:` key as the boolean True; both spellings mean the evaluation date."""
    return example["on"] if "on" in example else example[True]


@dataclass
class Verdict:
    outcome: Outcome
    missing: tuple[str, ...] = ()
    because: list[str] = field(default_factory=list)

    @property
    def eligible(self) -> bool:
        return self.outcome == Outcome.ELIGIBLE


def evaluate(
    rule: Rule,
    facts: dict,
    on: date,
    parameters: Parameters,
    names: frozenset[str],
    *,
    reasons: bool = False,
) -> Verdict:
    """The verdict; the sub-expression values ("because …") are worked out only when `reasons` is asked for."""
    result = compiled(rule.text, names).evaluate(facts, on, parameters)
    because = [f"{_reason_text(r)} = {_reason_value(r)}" for r in result.reasons] if reasons else []
    return Verdict(outcome=result.outcome, missing=tuple(result.missing), because=because)


def _reason_text(reason):
    return getattr(reason, "text", None) or (reason[0] if isinstance(reason, tuple) else str(reason))


def _reason_value(reason):
    value = getattr(reason, "value", None) if not isinstance(reason, tuple) else reason[1]
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    if value is None:
        return _("unknown")
    return value


def explain(rule: Rule, verdict: Verdict) -> str:
    """The result in plain words: "you qualify because …", "you do not qualify because …", "we need … to decide"."""
    if verdict.outcome == Outcome.UNKNOWN:
        asked = "; ".join(_(QUESTIONS.get(name, name)).rstrip("?").lower() for name in verdict.missing)
        return _("We need a little more information to decide: %(facts)s.") % {"facts": asked}
    if verdict.eligible:
        lead = rule.explain_yes or _("You qualify for this service.")
    else:
        lead = rule.explain_no or _("You do not qualify for this service.")
    return lead
