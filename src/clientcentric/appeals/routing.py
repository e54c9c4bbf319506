"""Ordered routing rules: the first active rule whose conditions all hold names the executor."""

from clientcentric.accounts.models import Agency
from clientcentric.core.process_cache import ProcessCache

from .models import RoutingRule

# Condition keys a rule may use, and how each compares with the appeal.
MATCHERS = {
    "topic": lambda expected, value: value in _as_list(expected),
    "district": lambda expected, value: value in _as_list(expected),
    "channel": lambda expected, value: value in _as_list(expected),
    "kind": lambda expected, value: value in _as_list(expected),
    "address_contains": lambda expected, value: any(
        part.lower() in value.lower() for part in _as_list(expected)
    ),
}
FIELD_OF = {"address_contains": "address"}


def _as_list(value) -> list[str]:
    return value if isinstance(value, list) else [value]


def rule_matches(conditions: dict, fields: dict) -> bool:
    return all(
        MATCHERS[key](expected, fields.get(FIELD_OF.get(key, key), "") or "")
        for key, expected in conditions.items()
    )


# The active rules in their order, as every intake consults them.
_active_rules = ProcessCache(
    lambda: list(RoutingRule.objects.filter(is_active=True).select_related("executor"))
).invalidate_on(RoutingRule, Agency)


def route(fields: dict):
    """(rule, executor) of the first matching rule, or (None, None)."""
    for rule in _active_rules.get():
        if rule_matches(rule.conditions, fields):
            return rule, rule.executor
    return None, None


def unknown_condition_keys(conditions: dict) -> list[str]:
    return [key for key in conditions if key not in MATCHERS]
