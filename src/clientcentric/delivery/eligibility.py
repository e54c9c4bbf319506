"""Eligibility of a client for a service: the rule engine (engines.rules) over the client's declared facts."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from clientcentric.core.process_cache import KeyedProcessCache, ProcessCache
from clientcentric.engines.rules import Outcome, Parameters, RuleError, compile_rule
from clientcentric.registry.models import Service

from .facts import QUESTIONS, SCHEMA
from .models import EligibilityRule, RuleParameter

# Engine error codes in words a methodologist reads; an unlisted code falls back to the engine's English text.
ERROR_MESSAGES = {
    "unknown_fact": gettext_noop("unknown fact «%(name)s»"),
    "unknown_parameter": gettext_noop("unknown parameter «P.%(name)s»"),
    "unknown_function": gettext_noop("unknown function «%(name)s»"),
    "type_error": gettext_noop("the types do not match (%(left)s %(operator)s %(right)s)"),
    "syntax": gettext_noop("the rule cannot be read"),
    "none_in_list": gettext_noop("None is not allowed inside an in (…) list"),
    "not_allowed": gettext_noop("this construct is not allowed in a rule"),
    "parameter_cycle": gettext_noop("parameters refer to each other in a cycle"),
    "division_by_zero": gettext_noop("division by zero"),
}


def load_parameters() -> Parameters:
    series: dict[str, list] = {}
    for row in RuleParameter.objects.order_by("name", "valid_from"):
        series.setdefault(row.name, []).append((row.valid_from, Decimal(row.value)))
    return Parameters(series)


def parameter_names() -> frozenset[str]:
    return frozenset(RuleParameter.objects.values_list("name", flat=True).distinct())


def rule_error_message(error: RuleError) -> str:
    what = ERROR_MESSAGES.get(error.code)
    try:
        what = _(what) % error.details if what else error.message
    except (KeyError, TypeError, ValueError):
        what = _("the types do not match") if error.code == "type_error" else error.message
    if error.line:
        return _("Line %(line)s, column %(column)s: %(what)s.") % {
            "line": error.line,
            "column": error.column,
            "what": what,
        }
    return _("%(what)s.") % {"what": what}


_compiled: dict = {}


def compiled(text: str, names: frozenset[str]):
    key = (text, names)
    if key not in _compiled:
        if len(_compiled) > 2000:
            _compiled.clear()
        _compiled[key] = compile_rule(text, SCHEMA, names)
    return _compiled[key]


def check_text(text: str, names: frozenset[str] | None = None):
    """Compile `text`; a RuleError becomes a Russian ValidationError on the `text` field with its position."""
    try:
        return compiled(text, parameter_names() if names is None else names)
    except RuleError as error:
        raise ValidationError({"text": rule_error_message(error)}, code=error.code) from error


def check_examples(text: str, examples: list, parameters: Parameters | None = None, names=None) -> list[str]:
    """Every example evaluated; returns the problems (an empty list means all pass)."""
    from .facts import FactValueError, parse_fact

    rule = check_text(text, names)
    parameters = parameters or load_parameters()
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


def _load_rules_in_force(on_iso: str) -> list[EligibilityRule]:
    on = date.fromisoformat(on_iso)
    rows = EligibilityRule.objects.filter(status=EligibilityRule.Status.PUBLISHED, valid_from__lte=on).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=on)
    )
    newest = {}
    for rule in rows.select_related("service").order_by("rule_id", "-version"):
        newest.setdefault(rule.rule_id, rule)
    return list(newest.values())


# Every life event reads the same rules; a published rule or a service change reloads them in this process at once
# (and in other processes within the cache's few seconds).
_rules_by_date = KeyedProcessCache(_load_rules_in_force, max_keys=32).invalidate_on(EligibilityRule, Service)
_parameters = ProcessCache(lambda: (load_parameters(), parameter_names())).invalidate_on(RuleParameter)


def cached_parameters():
    """(Parameters, names) of this process, reloaded when a parameter changes."""
    return _parameters.get()


def rules_in_force(on: date, services=None) -> list[EligibilityRule]:
    """The newest published version of each rule in force on `on`, with its service."""
    rules = _rules_by_date.get(on.isoformat()) or []
    if services is None:
        return list(rules)
    wanted = {s if isinstance(s, int) else s.pk for s in services}
    return [rule for rule in rules if rule.service_id in wanted]


@dataclass
class Verdict:
    outcome: Outcome
    missing: tuple[str, ...] = ()
    because: list[str] = field(default_factory=list)

    @property
    def eligible(self) -> bool:
        return self.outcome == Outcome.ELIGIBLE


def evaluate(
    rule: EligibilityRule, facts: dict, on: date, parameters: Parameters, names=None, *, reasons: bool = False
) -> Verdict:
    """The verdict; the sub-expression values ("because …") are worked out only when `reasons` is asked for."""
    result = compiled(rule.text, parameter_names() if names is None else names).evaluate(
        facts, on, parameters
    )
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


def explain(rule: EligibilityRule, verdict: Verdict) -> str:
    """The result in plain words: "you qualify because …", "you do not qualify because …", "we need … to decide"."""
    if verdict.outcome == Outcome.UNKNOWN:
        asked = "; ".join(_(QUESTIONS.get(name, name)).rstrip("?").lower() for name in verdict.missing)
        return _("We need a little more information to decide: %(facts)s.") % {"facts": asked}
    if verdict.eligible:
        lead = rule.explain_yes or _("You qualify for this service.")
    else:
        lead = rule.explain_no or _("You do not qualify for this service.")
    return lead
