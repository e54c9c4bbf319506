"""Per-client backend: a typed tree becomes generated Python source, compiled once.

Unknown is None throughout. Every operator is spelled out inline (walrus temporaries, no helper calls on the
hot path) because a client's life event evaluates dozens of rules and the budget is microseconds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from .syntax import Node
from .types import FactType, RuleError

_SIMPLE = ("lit", "fact", "param", "on")


def months_between(a: dt.date, b: dt.date) -> int:
    """Whole months from a to b; a month is complete on the same day number (or the 1st of the next month
    when that day does not exist, as with 29 February); negative when b is before a."""
    if b < a:
        return -months_between(b, a)
    return (b.year - a.year) * 12 + (b.month - a.month) - (b.day < a.day)


def _bad(name: str, value: Any, want: str):
    raise RuleError(
        "fact_value",
        f"Fact '{name}' must be {want}, got {type(value).__name__} {value!r}.",
        details={"name": name, "expected": want},
    )


def _int(value, name):
    if isinstance(value, bool) or not hasattr(value, "__index__"):
        if isinstance(value, Decimal) and value == value.to_integral_value():
            return int(value)
        _bad(name, value, "an integer")
    return int(value)


def _float(value, name):
    if isinstance(value, bool):
        _bad(name, value, "a number")
    try:
        return float(value)
    except (TypeError, ValueError):
        _bad(name, value, "a number")


def _bool(value, name):
    if type(value).__name__ == "bool_" or (isinstance(value, int) and value in (0, 1)):
        return bool(value)
    _bad(name, value, "yes/no")


def _str(value, name):
    if isinstance(value, str):
        return str(value)
    _bad(name, value, "text")


def _date(value, name):
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    _bad(name, value, "a date")


def _strset(value, name):
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        _bad(name, value, "a collection of codes")
    items = frozenset(value)
    if not all(isinstance(item, str) for item in items):
        _bad(name, value, "a collection of text codes")
    return items


def _no_parameter(name, on):
    raise RuleError(
        "parameter_not_in_force",
        f"Parameter '{name}' has no value on {on.isoformat()}.",
        details={"name": name, "on": on.isoformat()},
    )


_NORMALISE = {
    FactType.INT: ("is not int", "_int"),
    FactType.DECIMAL: ("is not float", "_float"),
    FactType.STR: ("is not str", "_str"),
    FactType.DATE: ("is not _D", "_date"),
    FactType.STR_SET: ("is not frozenset", "_strset"),
}


def nullable(node: Node) -> bool:
    if node.kind in ("lit", "param", "on", "is_known"):
        return False
    if node.kind == "fact" or (node.kind == "arith" and node.value == "/"):
        return True
    return any(nullable(arg) for arg in node.args)


class _Gen:
    def __init__(self):
        self.consts: dict[str, Any] = {}
        self.facts: dict[str, str] = {}
        self.fact_types: dict[str, FactType] = {}
        self.params: dict[str, str] = {}
        self.n = 0

    def tmp(self) -> str:
        self.n += 1
        return f"t{self.n}"

    def const(self, value) -> str:
        name = f"c{len(self.consts)}"
        self.consts[name] = value
        return name

    def expr(self, node: Node) -> str:
        return getattr(self, "g_" + node.kind)(node)

    def g_lit(self, node):
        if isinstance(node.value, (bool, int, str)) or isinstance(node.value, float):
            return repr(node.value)
        return self.const(node.value)

    def g_fact(self, node):
        if node.value not in self.facts:
            self.facts[node.value] = f"f{len(self.facts)}"
            self.fact_types[node.value] = node.type
        return self.facts[node.value]

    def g_param(self, node):
        if node.value not in self.params:
            self.params[node.value] = f"p{len(self.params)}"
        return self.params[node.value]

    def g_on(self, node):
        return "on"

    def operand(self, node: Node) -> tuple[str | None, str]:
        """(a None-test that also binds the value, or None when it cannot be unknown; the reference)."""
        code = self.expr(node)
        if node.kind in _SIMPLE:
            return (f"{code} is None" if nullable(node) else None), code
        if not nullable(node):
            return None, f"({code})"
        t = self.tmp()
        return f"({t} := {code}) is None", t

    def _guarded(self, tests: Sequence[str | None], result: str) -> str:
        present = [t for t in tests if t]
        if not present:
            return f"({result})"
        return f"(None if {' or '.join(present)} else {result})"

    def g_neg(self, node):
        test, ref = self.operand(node.args[0])
        return self._guarded([test], f"-{ref}")

    def g_arith(self, node):
        ta, a = self.operand(node.args[0])
        if node.value == "/":
            code = self.expr(node.args[1])
            if node.args[1].kind in _SIMPLE:
                b = code
                tb = f"{b} is None or {b} == 0" if nullable(node.args[1]) else f"{b} == 0"
            else:
                b = self.tmp()
                tb = f"({b} := {code}) is None or {b} == 0"
            return self._guarded([ta, tb], f"{a} / {b}")
        tb, b = self.operand(node.args[1])
        return self._guarded([ta, tb], f"{a} {node.value} {b}")

    def g_cmp(self, node):
        ta, a = self.operand(node.args[0])
        tb, b = self.operand(node.args[1])
        return self._guarded([ta, tb], f"{a} {node.value} {b}")

    def _junction(self, node, decisive: str, neutral: str, word: str) -> str:
        raw = [self.expr(arg) for arg in node.args]
        if not any(nullable(arg) for arg in node.args):
            return "(" + f" {word} ".join(f"({code})" for code in raw) + ")"
        tests, nulls = [], []
        for arg, code in zip(node.args, raw, strict=True):
            if nullable(arg):
                t = self.tmp()
                tests.append(f"({t} := {code}) is {decisive}")
                nulls.append(f"{t} is None")
            else:
                tests.append(f"({code}) is {decisive}")
        return f"({decisive} if {' or '.join(tests)} else (None if {' or '.join(nulls)} else {neutral}))"

    def g_and(self, node):
        return self._junction(node, "False", "True", "and")

    def g_or(self, node):
        return self._junction(node, "True", "False", "or")

    def g_not(self, node):
        test, ref = self.operand(node.args[0])
        return self._guarded([test], f"not {ref}")

    def g_in_list(self, node):
        test, ref = self.operand(node.args[0])
        return self._guarded([test], f"{ref} in {self.const(frozenset(node.value))}")

    def g_in_set(self, node):
        ta, a = self.operand(node.args[0])
        tb, b = self.operand(node.args[1])
        return self._guarded([ta, tb], f"{a} in {b}")

    def g_any_prefix(self, node):
        test, ref = self.operand(node.args[0])
        prefixes = self.const(tuple(node.value))
        return self._guarded([test], f"any(c.startswith({prefixes}) for c in {ref})")

    def g_is_known(self, node):
        return f"({self.expr(node.args[0])} is not None)"

    def g_call(self, node):
        tests, refs = zip(*(self.operand(arg) for arg in node.args), strict=True)
        if node.value == "age_at":
            d, o = refs
            return self._guarded(
                tests, f"{o}.year - {d}.year - (({o}.month, {o}.day) < ({d}.month, {d}.day))"
            )
        if node.value == "days_since":
            d, o = refs
            return self._guarded(tests, f"({o} - {d}).days")
        if node.value == "months_between":
            a, b = refs
            return self._guarded(tests, f"_months({a}, {b})")
        raise AssertionError(node.value)

    def prologue(self) -> list[str]:
        lines = []
        for name, var in self.facts.items():
            lines.append(f"    {var} = F.get({name!r})")
            kind = self.fact_types[name]
            if kind == FactType.BOOL:
                lines.append(
                    f"    if {var} is not None and {var} is not True and {var} is not False: "
                    f"{var} = _bool({var}, {name!r})"
                )
            else:
                check, fn = _NORMALISE[kind]
                lines.append(
                    f"    if {var} is not None and {var}.__class__ {check}: {var} = {fn}({var}, {name!r})"
                )
        for name, var in self.params.items():
            lines.append(f"    {var} = P.get({name!r})")
            lines.append(f"    if {var} is None: _no_parameter({name!r}, on)")
        return lines

    def namespace(self) -> dict[str, Any]:
        return {
            "_D": dt.date,
            "_int": _int,
            "_float": _float,
            "_bool": _bool,
            "_str": _str,
            "_date": _date,
            "_strset": _strset,
            "_months": months_between,
            "_no_parameter": _no_parameter,
            **self.consts,
        }


def build(trees: Sequence[Node], label: str = "rule"):
    """One function (F, P, on) -> tuple of True/False/None, one per tree, sharing the fact loading."""
    gen = _Gen()
    results = [gen.expr(tree) for tree in trees]
    body = gen.prologue()
    if len(results) == 1:
        body.append(f"    return {results[0]}")
    else:
        body.append("    return (" + ", ".join(results) + ",)")
    source = "def _evaluate(F, P, on):\n" + "\n".join(body) + "\n"
    namespace = gen.namespace()
    exec(compile(source, f"<{label}>", "exec"), namespace)  # generated from a whitelisted, typed tree
    fn = namespace["_evaluate"]
    fn.source = source
    return fn
