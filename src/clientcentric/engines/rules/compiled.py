"""Compiled rules: one per-client function and, on demand, one Polars expression per rule."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from . import explain, pyback
from .parameters import Parameters
from .syntax import Node, parse
from .types import Outcome, Reason, Schema

_OUTCOME = {True: Outcome.ELIGIBLE, False: Outcome.NOT_ELIGIBLE, None: Outcome.UNKNOWN}


class Result:
    """The outcome of one rule for one client on one date; reasons and missing facts are worked out only when
    asked for, so that evaluating many rules stays cheap."""

    __slots__ = ("outcome", "_rule", "_facts", "_on", "_params", "_memo")

    def __init__(self, outcome: Outcome, rule: CompiledRule, facts, on, params):
        self.outcome = outcome
        self._rule = rule
        self._facts = facts
        self._on = on
        self._params = params
        self._memo: dict | None = None

    def _evaluated(self) -> dict:
        if self._memo is None:
            memo: dict = {}
            explain.evaluate(self._rule.tree, self._facts, self._params, self._on, memo)
            self._memo = memo
        return self._memo

    @property
    def missing(self) -> tuple[str, ...]:
        if self.outcome is not Outcome.UNKNOWN:
            return ()
        return tuple(explain.missing(self._rule.tree, self._evaluated()))

    @property
    def reasons(self) -> list[Reason]:
        return explain.reasons(self._rule.tree, self._evaluated(), self._facts, self._params)

    def __repr__(self) -> str:
        return f"Result({self.outcome.value})"


class CompiledRule:
    def __init__(self, text: str, tree: Node, schema: Schema):
        self.text = text
        self.tree = tree
        self.schema = schema
        self.facts_used = frozenset(n.value for n in tree.walk() if n.kind == "fact")
        self.parameters_used = frozenset(n.value for n in tree.walk() if n.kind == "param")
        self._fn = pyback.build([tree])

    @property
    def source(self) -> str:
        """The generated Python of the per-client backend (for reading and debugging)."""
        return self._fn.source

    def value(self, facts: Mapping[str, Any], on: dt.date, parameters: Parameters) -> bool | None:
        """True / False / None (unknown) without building a Result."""
        return self._fn(facts, parameters.resolved(on), on)

    def evaluate(self, facts: Mapping[str, Any], on: dt.date, parameters: Parameters) -> Result:
        params = parameters.resolved(on)
        return Result(_OUTCOME[self._fn(facts, params, on)], self, facts, on, params)

    def reference_value(self, facts: Mapping[str, Any], on: dt.date, parameters: Parameters) -> bool | None:
        """The same answer from the tree interpreter (the reference the backends are tested against)."""
        return explain.evaluate(self.tree, facts, parameters.resolved(on), on, {})

    def polars_expr(self, on: dt.date, parameters: Parameters):
        """A Polars expression over columns named like the facts: a nullable boolean (null = unknown)."""
        from . import polars_backend

        return polars_backend.expression(self.tree, on, parameters.resolved(on))

    def __repr__(self) -> str:
        return f"CompiledRule({self.text!r})"


def compile_rule(text: str, schema: Schema, parameter_names: Iterable[str]) -> CompiledRule:
    """Parse, type-check and compile a rule; raises RuleError with the position of the first problem."""
    return CompiledRule(text, parse(text, schema, parameter_names), schema)


class RuleSet:
    """Many rules evaluated for one client in one generated function: facts are read once."""

    def __init__(self, rules: Mapping[str, CompiledRule] | Sequence[tuple[str, CompiledRule]]):
        items = list(rules.items()) if isinstance(rules, Mapping) else list(rules)
        self.ids = tuple(rule_id for rule_id, _ in items)
        self.rules = dict(items)
        self._fn = pyback.build([rule.tree for _, rule in items], label="ruleset")
        self.facts_used = frozenset().union(*(rule.facts_used for _, rule in items)) if items else frozenset()

    def values(
        self, facts: Mapping[str, Any], on: dt.date, parameters: Parameters
    ) -> tuple[bool | None, ...]:
        result = self._fn(facts, parameters.resolved(on), on)
        return result if isinstance(result, tuple) else (result,)

    def evaluate(self, facts: Mapping[str, Any], on: dt.date, parameters: Parameters) -> dict[str, Result]:
        params = parameters.resolved(on)
        raw = self._fn(facts, params, on)
        if not isinstance(raw, tuple):
            raw = (raw,)
        return {
            rule_id: Result(_OUTCOME[value], self.rules[rule_id], facts, on, params)
            for rule_id, value in zip(self.ids, raw, strict=True)
        }
