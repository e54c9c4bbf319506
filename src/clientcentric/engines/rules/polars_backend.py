"""Population backend: a typed tree becomes one Polars expression; null is unknown.

Polars' `&`, `|` and `~` on nullable booleans already follow Kleene logic (false & null = false,
true | null = true) — tests/engines/rules/test_population.py pins that down.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from functools import reduce

import polars as pl

from .syntax import Node
from .types import FactType, RuleError

DTYPES: dict[FactType, pl.DataType | type[pl.DataType]] = {
    FactType.INT: pl.Int64,
    FactType.DECIMAL: pl.Float64,
    FactType.STR: pl.String,
    FactType.BOOL: pl.Boolean,
    FactType.DATE: pl.Date,
    FactType.STR_SET: pl.List(pl.String),
}


def _ymd(expr: pl.Expr | dt.date):
    if isinstance(expr, dt.date):
        return pl.lit(expr.year, pl.Int64), pl.lit(expr.month * 100 + expr.day, pl.Int64), None
    return (
        expr.dt.year().cast(pl.Int64),
        expr.dt.month().cast(pl.Int64) * 100 + expr.dt.day().cast(pl.Int64),
        expr,
    )


def age_expr(birth: pl.Expr, on: pl.Expr | dt.date) -> pl.Expr:
    """Whole years on `on`; the birthday counts, 29 February counts on 1 March in common years."""
    if isinstance(on, dt.date):
        return _age_on_date(birth, on)
    by, bmd, _ = _ymd(birth)
    oy, omd, _ = _ymd(on)
    return oy - by - (omd < bmd).cast(pl.Int64)


def _turned(on: dt.date, years: int) -> int:
    """Day number (since 1970-01-01) of the latest birth date that is `years` old on `on`."""
    year = on.year - years
    try:
        day = on.replace(year=year)
    except ValueError:  # 29 February in a common year: born on the 28th is old enough, the 1 March is not
        day = dt.date(year, 2, 28)
    return (day - _EPOCH).days


_EPOCH = dt.date(1970, 1, 1)


@functools.lru_cache(maxsize=16)
def _thresholds(on: dt.date) -> tuple[range, pl.Series]:
    """The day each age is reached on `on` (`_turned`) for every birth year Python can represent (1 … 9999),
    in numpy's proleptic Gregorian calendar — Python's — and kept for the dates last asked (every slice of a
    population asks the same)."""
    import numpy as np

    ages = range(on.year - 9999, on.year)
    years = np.arange(1, 10000) - 1970
    month = years.astype("datetime64[Y]").astype("datetime64[M]") + (on.month - 1)
    day = month.astype("datetime64[D]") + (on.day - 1)
    # 29 February in a common year: born on the 28th is old enough, the 1 March is not.
    past_the_month = day.astype("datetime64[M]") != month
    day[past_the_month] = month[past_the_month].astype("datetime64[D]") + 27
    return ages, pl.Series(day.astype(np.int64), dtype=pl.Int32)


def _age_on_date(birth: pl.Expr, on: dt.date) -> pl.Expr:
    # For a fixed date, age is a step function of the birth day number: a binary search over the day each age
    # is reached replaces three calendar decompositions per person (several times faster on millions).
    ages, thresholds = _thresholds(on)
    days = birth.cast(pl.Int32)
    reached = len(thresholds) - pl.lit(thresholds).search_sorted(days, side="left").cast(pl.Int64)
    return pl.when(days.is_null()).then(pl.lit(None, pl.Int64)).otherwise(ages.start - 1 + reached)


def divide_by_constant(numerator: pl.Expr, divisor: float) -> pl.Expr:
    """numerator / divisor rounded once, as Python does: Polars multiplies by the reciprocal instead, which is
    off by one unit in the last place for about one value in seven — enough to move a money boundary."""

    def divide(series: pl.Series) -> pl.Series:
        values = series.cast(pl.Float64).to_numpy()
        return pl.Series(series.name, values / divisor, dtype=pl.Float64).set(series.is_null(), None)

    return numerator.map_batches(divide, return_dtype=pl.Float64, is_elementwise=True)


def _months_forward(a: pl.Expr, b: pl.Expr) -> pl.Expr:
    return (
        (b.dt.year().cast(pl.Int64) - a.dt.year().cast(pl.Int64)) * 12
        + (b.dt.month().cast(pl.Int64) - a.dt.month().cast(pl.Int64))
        - (b.dt.day() < a.dt.day()).cast(pl.Int64)
    )


def months_between_expr(a: pl.Expr, b: pl.Expr) -> pl.Expr:
    return pl.when(b >= a).then(_months_forward(a, b)).otherwise(-_months_forward(b, a))


class _Compiler:
    def __init__(self, on: dt.date, params: Mapping[str, float]):
        self.on = on
        self.params = params

    def expr(self, node: Node) -> pl.Expr:
        if node.kind != "lit" and not any(sub.kind == "fact" for sub in node.walk()):
            # Fact-free parts are worked out once in Python, so constants are exactly what the per-client
            # backend computes (Polars would, for one, divide by a constant through its reciprocal).
            from . import explain

            for sub in node.walk():
                if sub.kind == "param":
                    self.x_param(sub)  # refuses a parameter not in force on this date
            value = explain.evaluate(node, {}, self.params, self.on, {})
            return pl.lit(value, DTYPES[node.type])
        return getattr(self, "x_" + node.kind)(node)

    def x_lit(self, node):
        return pl.lit(node.value, DTYPES[node.type])

    def x_fact(self, node):
        return pl.col(node.value)

    def x_param(self, node):
        if node.value not in self.params:
            raise RuleError(
                "parameter_not_in_force",
                f"Parameter '{node.value}' has no value on {self.on.isoformat()}.",
                node.line,
                node.column,
                {"name": node.value, "on": self.on.isoformat()},
            )
        return pl.lit(self.params[node.value], pl.Float64)

    def x_on(self, node):
        return pl.lit(self.on, pl.Date)

    def wide(self, node: Node) -> pl.Expr:
        """The node's value for arithmetic: integer facts may be held narrower than Int64 (household counts
        are UInt8 when every household of the slice has fewer than 256 members), so they are widened where
        they are used, not where they are stored — comparisons take the supertype themselves."""
        value = self.expr(node)
        return value.cast(pl.Int64) if node.type == FactType.INT else value

    def x_neg(self, node):
        return -self.wide(node.args[0])

    def x_arith(self, node):
        a, b = (self.wide(arg) for arg in node.args)
        if node.value == "+":
            return a + b
        if node.value == "-":
            return a - b
        if node.value == "*":
            return a * b
        divisor = node.args[1]
        if not any(sub.kind == "fact" for sub in divisor.walk()):
            from . import explain

            value = explain.evaluate(divisor, {}, self.params, self.on, {})
            if value is None or value == 0:
                return pl.lit(None, pl.Float64)
            return divide_by_constant(a, float(value))
        return (
            pl.when(b == 0).then(pl.lit(None, pl.Float64)).otherwise(a.cast(pl.Float64) / b.cast(pl.Float64))
        )

    def x_cmp(self, node):
        left, right = node.args
        a, b = self.expr(left), self.expr(right)
        if left.type != right.type and left.type.numeric:
            a, b = a.cast(pl.Float64), b.cast(pl.Float64)
        return {
            "==": a.__eq__,
            "!=": a.__ne__,
            "<": a.__lt__,
            "<=": a.__le__,
            ">": a.__gt__,
            ">=": a.__ge__,
        }[node.value](b)

    def x_and(self, node):
        return reduce(lambda a, b: a & b, (self.expr(arg) for arg in node.args))

    def x_or(self, node):
        return reduce(lambda a, b: a | b, (self.expr(arg) for arg in node.args))

    def x_not(self, node):
        return ~self.expr(node.args[0])

    def x_in_list(self, node):
        subject = node.args[0]
        value = self.expr(subject)
        values = list(node.value)
        if subject.type.numeric:
            if subject.type == FactType.DECIMAL or any(isinstance(v, float) for v in values):
                value, values = value.cast(pl.Float64), [float(v) for v in values]
                dtype = pl.Float64
            else:
                dtype = pl.Int64
        else:
            dtype = DTYPES[subject.type]
        if 0 < len(values) <= 16:
            # A few equalities are several times faster than is_in over a literal list, with the same nulls.
            return reduce(lambda a, b: a | b, (value == pl.lit(v, dtype) for v in values))
        if dtype == pl.Int64:
            value = value.cast(pl.Int64)  # a narrow count against a list of Int64
        return value.is_in(pl.Series(values, dtype=dtype).implode())

    def x_in_set(self, node):
        item, codes = node.args
        if item.kind == "lit":
            return self.expr(codes).list.contains(pl.lit(item.value, pl.String))
        value = self.expr(item)
        return (
            pl.when(value.is_null())
            .then(pl.lit(None, pl.Boolean))
            .otherwise(self.expr(codes).list.contains(value))
        )

    def x_any_prefix(self, node):
        element = pl.element()
        test = reduce(lambda a, b: a | b, (element.str.starts_with(p) for p in node.value))
        return self.expr(node.args[0]).list.eval(test).list.any()

    def x_is_known(self, node):
        return self.expr(node.args[0]).is_not_null()

    def x_call(self, node):
        if node.value == "age_at":
            birth, ref = node.args
            return age_expr(self.expr(birth), self.on if ref.kind == "on" else self.expr(ref))
        if node.value == "days_since":
            day, _ = node.args
            return (pl.lit(self.on, pl.Date) - self.expr(day)).dt.total_days().cast(pl.Int64)
        if node.value == "months_between":
            a, b = (self.expr(arg) for arg in node.args)
            return months_between_expr(a, b)
        raise AssertionError(node.value)


def expression(tree: Node, on: dt.date, params: Mapping[str, float]) -> pl.Expr:
    return _Compiler(on, params).expr(tree)
