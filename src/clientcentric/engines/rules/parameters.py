"""Dated parameters: a value per period, possibly a formula of other parameters (checked for cycles)."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from .syntax import Node, parse_parameter
from .types import RuleError


def _decimal(value: Any, name: str) -> Decimal:
    if isinstance(value, bool):
        raise RuleError("type_error", f"Parameter '{name}' must be a number.", details={"name": name})
    if isinstance(value, Decimal):
        return value
    try:
        # str() first: Decimal(0.1) would carry float noise into money comparisons.
        return Decimal(str(value)) if isinstance(value, (int, float)) else Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise RuleError(
            "type_error",
            f"Parameter '{name}' has a value that is not a number: {value!r}.",
            details={"name": name},
        ) from None


class Parameters:
    """Parameters({"low_income": [(date(2016, 1, 1), Decimal("800.0"))]}).

    A value may also be a text formula of other parameters, e.g. "2 * P.low_income"; a cycle between
    formulas or a reference to an undeclared parameter raises RuleError at construction.
    """

    def __init__(self, periods: Mapping[str, Iterable[tuple[dt.date, Any]]] | None = None):
        self._starts: dict[str, list[dt.date]] = {}
        self._values: dict[str, list[Decimal | Node]] = {}
        self._cache: dict[dt.date, dict[str, float]] = {}
        periods = periods or {}
        names = frozenset(periods)
        for name, items in periods.items():
            if not isinstance(name, str) or not name.isidentifier():
                raise RuleError("syntax", f"'{name}' is not a valid parameter name.", details={"name": name})
            rows = sorted(items, key=lambda row: row[0])
            if not rows:
                raise RuleError("type_error", f"Parameter '{name}' has no values.", details={"name": name})
            starts: list[dt.date] = []
            values: list[Decimal | Node] = []
            for start, value in rows:
                if not isinstance(start, dt.date):
                    raise RuleError(
                        "type_error", f"Parameter '{name}': '{start}' is not a date.", details={"name": name}
                    )
                if starts and starts[-1] == start:
                    raise RuleError(
                        "duplicate",
                        f"Parameter '{name}' has two values from {start}.",
                        details={"name": name},
                    )
                if isinstance(value, str) and "P." in value:
                    try:
                        values.append(parse_parameter(value, names))
                    except RuleError as exc:
                        exc.details.setdefault("name", name)
                        raise
                else:
                    values.append(_decimal(value, name))
                starts.append(start)
            self._starts[name] = starts
            self._values[name] = values
        self._check_cycles()

    def _check_cycles(self) -> None:
        deps = {
            name: {n.value for v in values if isinstance(v, Node) for n in v.walk() if n.kind == "param"}
            for name, values in self._values.items()
        }
        state: dict[str, int] = {}

        def visit(name: str, path: list[str]) -> None:
            if state.get(name) == 2:
                return
            if state.get(name) == 1:
                cycle = path[path.index(name) :] + [name]
                raise RuleError(
                    "parameter_cycle",
                    "Parameters refer to each other in a circle: " + " → ".join(cycle) + ".",
                    details={"cycle": cycle, "name": name},
                )
            state[name] = 1
            for dep in sorted(deps[name]):
                visit(dep, [*path, name])
            state[name] = 2

        for name in sorted(deps):
            visit(name, [])

    @property
    def names(self) -> frozenset[str]:
        return frozenset(self._values)

    def periods(self, name: str) -> list[tuple[dt.date, Decimal | str]]:
        """(from, value) pairs as declared; a formula comes back as its text."""
        self.defined_from(name)
        return [
            (start, value.text if isinstance(value, Node) else value)
            for start, value in zip(self._starts[name], self._values[name], strict=True)
        ]

    def defined_from(self, name: str) -> dt.date:
        if name not in self._starts:
            raise RuleError("unknown_parameter", f"Unknown parameter '{name}'.", details={"name": name})
        return self._starts[name][0]

    def value(self, name: str, on: dt.date) -> Decimal:
        if name not in self._values:
            raise RuleError("unknown_parameter", f"Unknown parameter '{name}'.", details={"name": name})
        index = bisect_right(self._starts[name], on) - 1
        if index < 0:
            raise RuleError(
                "parameter_not_in_force",
                f"Parameter '{name}' has no value on {on.isoformat()} (first value from "
                f"{self._starts[name][0].isoformat()}).",
                details={"name": name, "on": on.isoformat()},
            )
        value = self._values[name][index]
        return self._formula(value, on) if isinstance(value, Node) else value

    def _formula(self, node: Node, on: dt.date) -> Decimal:
        if node.kind == "lit":
            return _decimal(node.value, "literal")
        if node.kind == "param":
            return self.value(node.value, on)
        if node.kind == "neg":
            return -self._formula(node.args[0], on)
        a, b = (self._formula(arg, on) for arg in node.args)
        if node.value == "+":
            return a + b
        if node.value == "-":
            return a - b
        if node.value == "*":
            return a * b
        if b == 0:
            raise RuleError(
                "division_by_zero", "A parameter formula divides by zero.", node.line, node.column
            )
        return a / b

    def resolved(self, on: dt.date) -> dict[str, float]:
        """Every parameter in force on `on`, as float64 (the precision both backends compare money in)."""
        found = self._cache.get(on)
        if found is None:
            found = {}
            for name in self._values:
                try:
                    found[name] = float(self.value(name, on))
                except RuleError as exc:
                    if exc.code != "parameter_not_in_force":
                        raise
            if len(self._cache) > 4096:
                self._cache.clear()
            self._cache[on] = found
        return found

    def __repr__(self) -> str:
        return f"Parameters({sorted(self._values)})"
