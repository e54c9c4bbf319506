"""A plain tree interpreter: the reference semantics, used to explain a result (reasons, missing facts).

It is deliberately the simplest possible reading of the language; the differential tests hold the generated
per-client code and the Polars plans to it.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Mapping
from typing import Any

from .pyback import _bool, _date, _float, _int, _str, _strset, months_between
from .syntax import Node
from .types import FactType, Reason

_NORMALISE = {
    FactType.INT: _int,
    FactType.DECIMAL: _float,
    FactType.STR: _str,
    FactType.BOOL: _bool,
    FactType.DATE: _date,
    FactType.STR_SET: _strset,
}
_PASS = {
    FactType.INT: int,
    FactType.DECIMAL: float,
    FactType.STR: str,
    FactType.DATE: dt.date,
    FactType.STR_SET: frozenset,
}


def fact_value(node: Node, facts: Mapping[str, Any]):
    value = facts.get(node.value)
    if value is None:
        return None
    if node.type == FactType.BOOL:
        return value if value is True or value is False else _bool(value, node.value)
    if value.__class__ is _PASS[node.type]:
        return value
    return _NORMALISE[node.type](value, node.value)


def evaluate(node: Node, facts: Mapping[str, Any], params: Mapping[str, float], on: dt.date, memo: dict):
    value = _eval(node, facts, params, on, memo)
    memo[id(node)] = value
    return value


def _eval(node, facts, params, on, memo):
    kind = node.kind
    if kind in _LEAVES:
        return _LEAVES[kind](node, facts, params, on)
    if kind == "is_known":
        return evaluate(node.args[0], facts, params, on, memo) is not None
    values = [evaluate(arg, facts, params, on, memo) for arg in node.args]
    if kind == "and":
        return _kleene_and(values)
    if kind == "or":
        return _kleene_or(values)
    # Every other operator is strict: an unknown operand makes the result unknown.
    if any(v is None for v in values):
        return None
    return _STRICT[kind](node, values)


def _kleene_and(values: list) -> bool | None:
    if any(v is False for v in values):
        return False
    return None if any(v is None for v in values) else True


def _kleene_or(values: list) -> bool | None:
    if any(v is True for v in values):
        return True
    return None if any(v is None for v in values) else False


def _divide(a, b):
    return None if b == 0 else a / b


def _age_at(birth: dt.date, ref: dt.date) -> int:
    return ref.year - birth.year - ((ref.month, ref.day) < (birth.month, birth.day))


def _days_since(day: dt.date, ref: dt.date) -> int:
    return (ref - day).days


_LEAVES = {
    "lit": lambda node, facts, params, on: node.value,
    "fact": lambda node, facts, params, on: fact_value(node, facts),
    "param": lambda node, facts, params, on: params[node.value],
    "on": lambda node, facts, params, on: on,
}
_ARITHMETIC = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": _divide}
_COMPARISON = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
_CALLS = {"age_at": _age_at, "days_since": _days_since, "months_between": months_between}
_STRICT = {
    "not": lambda node, values: not values[0],
    "neg": lambda node, values: -values[0],
    "arith": lambda node, values: _ARITHMETIC[node.value](*values),
    "cmp": lambda node, values: _COMPARISON[node.value](*values),
    "in_list": lambda node, values: values[0] in node.value,
    "in_set": lambda node, values: values[0] in values[1],
    "any_prefix": lambda node, values: any(code.startswith(tuple(node.value)) for code in values[0]),
    "call": lambda node, values: _CALLS[node.value](*values),
}


def _read(node: Node, facts, params) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for sub in node.walk():
        if sub.kind == "fact":
            seen[sub.value] = facts.get(sub.value)
        elif sub.kind == "param":
            seen["P." + sub.value] = params.get(sub.value)
    return seen


def reasons(node: Node, memo: dict, facts, params) -> list[Reason]:
    """The sub-conditions that decided the value of `node`, as leaves of its and/or/not structure."""
    value = memo[id(node)]
    if node.kind in ("and", "or"):
        if value is None:
            chosen = [a for a in node.args if memo[id(a)] is None]
        elif (node.kind == "and") == value:
            chosen = list(node.args)  # every part had to hold (and: all true; or: all false)
        else:
            chosen = [a for a in node.args if memo[id(a)] is value]
        return [r for arg in chosen for r in reasons(arg, memo, facts, params)]
    if node.kind == "not" and node.args[0].kind in ("and", "or"):
        return reasons(node.args[0], memo, facts, params)
    return [Reason(node.text, value, _read(node, facts, params))]


def missing(node: Node, memo: dict) -> list[str]:
    """Facts whose absence made `node` unknown (in order of appearance, no repeats)."""
    found: list[str] = []

    def visit(sub: Node) -> None:
        if memo.get(id(sub), 0) is not None:
            return
        if sub.kind == "fact":
            if sub.value not in found:
                found.append(sub.value)
            return
        for arg in sub.args:
            visit(arg)

    visit(node)
    return found
