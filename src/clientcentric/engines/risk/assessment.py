"""Assign risk categories: one object with its explanations, or a whole population in one Polars plan.

Semantics (248-ФЗ art. 23–24): an object belongs to the highest category among the criteria it meets; one
criterion suffices; an object that meets none is `low`. A criterion that cannot be decided because facts are
unknown (null) is reported as "needs data" and never raises the category. Both paths compile the same typed
trees of the rule language, so they give the same answers (tests/engines/risk/test_population.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import polars as pl

from clientcentric.engines.rules import CompiledRule, FactType, Parameters, RuleSet
from clientcentric.engines.rules.polars_backend import DTYPES

from .model import Category, Criterion, Indicator, RiskModel

_NO_PARAMETERS = Parameters({})


@dataclass(frozen=True)
class CriterionResult:
    """A criterion the object meets, with the facts (name → value as given) that decided it."""

    criterion: Criterion
    facts_used: dict[str, Any]


@dataclass(frozen=True)
class IndicatorResult:
    """A risk indicator that fired, with the facts that made it fire."""

    indicator: Indicator
    facts_used: dict[str, Any]


@dataclass(frozen=True)
class NeedsData:
    """A criterion that could not be decided: the facts whose absence left it open. `could_raise` is true when
    meeting it would put the object in a higher category than it has now."""

    criterion: Criterion
    missing: tuple[str, ...]
    could_raise: bool


@dataclass(frozen=True)
class RiskAssessment:
    model: RiskModel
    on: dt.date
    category: Category
    criteria_met: tuple[CriterionResult, ...]
    needs_data: tuple[NeedsData, ...]
    indicators_fired: tuple[IndicatorResult, ...]
    how_to_lower: tuple[str, ...]
    category_if_lowered: Category | None
    """The category the object would have if it met none of the criteria that hold it where it is
    (None when it is already low)."""

    @property
    def holding(self) -> tuple[CriterionResult, ...]:
        """The criteria met at the object's own category: meeting none of them would lower it."""
        return tuple(r for r in self.criteria_met if r.criterion.category == self.category)

    def as_dict(self) -> dict[str, Any]:
        return as_dict(self)

    def explain(self) -> list[str]:
        """Plain lines «criterion title: fact title — value; …» for each criterion met (titles come from the
        model, so they are in the model's language)."""
        return [
            f"{r.criterion.title}: {describe_facts(self.model, r.facts_used)}"
            if r.facts_used
            else r.criterion.title
            for r in self.criteria_met
        ]


def _plain(value: Any) -> Any:
    """A fact value as JSON can hold it."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple, list)):
        return sorted(str(v) for v in value)
    if isinstance(value, (bool, int, float, str)) or value is None:
        return value
    return str(value)


def as_dict(result: RiskAssessment) -> dict[str, Any]:
    """The assessment as plain JSON-ready data (codes, titles, facts), to store or to send through an API."""

    def category(c: Category | None):
        return None if c is None else {"code": c.code, "title": c.title}

    return {
        "model": result.model.code,
        "on": result.on.isoformat(),
        "category": category(result.category),
        "category_if_lowered": category(result.category_if_lowered),
        "criteria_met": [
            {
                "code": r.criterion.code,
                "title": r.criterion.title,
                "category": r.criterion.category.code,
                "source": r.criterion.source,
                "facts_used": {k: _plain(v) for k, v in r.facts_used.items()},
                "explanation": describe_facts(result.model, r.facts_used),
            }
            for r in result.criteria_met
        ],
        "needs_data": [
            {
                "code": n.criterion.code,
                "title": n.criterion.title,
                "missing": list(n.missing),
                "could_raise": n.could_raise,
            }
            for n in result.needs_data
        ],
        "indicators_fired": [
            {
                "code": r.indicator.code,
                "title": r.indicator.title,
                "action": r.indicator.action,
                "facts_used": {k: _plain(v) for k, v in r.facts_used.items()},
            }
            for r in result.indicators_fired
        ],
        "how_to_lower": list(result.how_to_lower),
    }


def describe_facts(model: RiskModel, facts_used: Mapping[str, Any]) -> str:
    parts = []
    for name, value in facts_used.items():
        info = model.fact_info.get(name)
        shown = _show(value)
        if info is not None and info.unit and value is not None:
            shown = f"{shown} {info.unit}"
        parts.append(f"{model.fact_title(name)} — {shown}")
    return "; ".join(parts)


def _show(value: Any) -> str:
    if value is None:
        return "?"
    if value is True:
        return "да"
    if value is False:
        return "нет"
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (list, tuple, set, frozenset)):
        return ", ".join(sorted(str(v) for v in value))
    return str(value)


def _rule_of(item: Criterion | Indicator) -> CompiledRule:
    # The loader compiles every condition; a model built without it cannot be assessed.
    if item.compiled is None:
        raise ValueError(f"{item.code}: the condition is not compiled")
    return item.compiled


class _Compiled:
    """All criteria and indicators of a model in one generated function (facts read once per object)."""

    def __init__(self, model: RiskModel):
        rules = [(f"c{i}", _rule_of(c)) for i, c in enumerate(model.criteria)]
        rules += [(f"i{i}", _rule_of(ind)) for i, ind in enumerate(model.indicators)]
        self.ruleset = RuleSet(rules)
        self.n_criteria = len(model.criteria)
        self.ranks = [model.rank(c.category) for c in model.criteria]


_CACHE: dict[int, tuple[RiskModel, _Compiled]] = {}


def _compiled(model: RiskModel) -> _Compiled:
    hit = _CACHE.get(id(model))
    if hit is None or hit[0] is not model:
        if len(_CACHE) > 256:
            _CACHE.clear()
        hit = (model, _Compiled(model))
        _CACHE[id(model)] = hit
    return hit[1]


def _facts_used(rule, facts, on) -> dict[str, Any]:
    used: dict[str, Any] = {}
    for reason in rule.evaluate(facts, on, _NO_PARAMETERS).reasons:
        for name, value in reason.facts.items():
            used.setdefault(name, value)
    return used


def category_values(
    model: RiskModel, facts: Mapping[str, Any], *, on: dt.date
) -> tuple[str, tuple[bool | None, ...]]:
    """The category code and the raw criterion/indicator values, without explanations (the fast path)."""
    compiled = _compiled(model)
    values = compiled.ruleset.values(facts, on, _NO_PARAMETERS)
    rank = min(
        (r for r, v in zip(compiled.ranks, values, strict=False) if v is True),
        default=len(model.categories) - 1,
    )
    return model.categories[rank].code, values


def assess(model: RiskModel, facts: Mapping[str, Any], *, on: dt.date) -> RiskAssessment:
    """The risk category of one object from its facts (missing or None = unknown), with explanations.

    Raises `clientcentric.engines.rules.RuleError` (code `fact_value`) when a fact has the wrong type."""
    compiled = _compiled(model)
    values = compiled.ruleset.values(facts, on, _NO_PARAMETERS)
    criteria_values = values[: compiled.n_criteria]
    indicator_values = values[compiled.n_criteria :]
    low_rank = len(model.categories) - 1
    met = [i for i, v in enumerate(criteria_values) if v is True]
    rank = min((compiled.ranks[i] for i in met), default=low_rank)
    category = model.categories[rank]
    criteria_met = tuple(
        CriterionResult(model.criteria[i], _facts_used(model.criteria[i].compiled, facts, on)) for i in met
    )
    needs_data = []
    for i, value in enumerate(criteria_values):
        if value is None:
            criterion = model.criteria[i]
            result = _rule_of(criterion).evaluate(facts, on, _NO_PARAMETERS)
            needs_data.append(NeedsData(criterion, tuple(result.missing), compiled.ranks[i] < rank))
    fired = tuple(
        IndicatorResult(ind, _facts_used(ind.compiled, facts, on))
        for ind, value in zip(model.indicators, indicator_values, strict=True)
        if value is True
    )
    holding = [r for r in criteria_met if r.criterion.category == category]
    how_to_lower = tuple(dict.fromkeys(r.criterion.how_to_lower for r in holding))
    lowered = None
    if rank < low_rank:
        lowered_rank = min((compiled.ranks[i] for i in met if compiled.ranks[i] > rank), default=low_rank)
        lowered = model.categories[lowered_rank]
    return RiskAssessment(
        model=model,
        on=on,
        category=category,
        criteria_met=criteria_met,
        needs_data=tuple(needs_data),
        indicators_fired=fired,
        how_to_lower=how_to_lower,
        category_if_lowered=lowered,
    )


# -- population -----------------------------------------------------------------------------------------------


class RiskDataError(ValueError):
    """A population frame the engine refuses: missing or mistyped columns, each named."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems) + ".")


_ACCEPTS = {
    FactType.INT: lambda d: d.is_integer(),
    FactType.DECIMAL: lambda d: d.is_integer() or d.is_float() or d.is_decimal(),
    FactType.STR: lambda d: d in (pl.String, pl.Categorical) or isinstance(d, pl.Enum),
    FactType.BOOL: lambda d: d == pl.Boolean,
    FactType.DATE: lambda d: d == pl.Date or isinstance(d, pl.Datetime),
    FactType.STR_SET: lambda d: (
        isinstance(d, pl.List)
        and (d.inner in (pl.String, pl.Categorical, pl.Null) or isinstance(d.inner, pl.Enum))
    ),
}


def _checked(model: RiskModel, frame: pl.LazyFrame, needed: frozenset[str]) -> pl.LazyFrame:
    schema = frame.collect_schema()
    problems = []
    if "object_id" not in schema:
        problems.append("column 'object_id' is missing")
    casts = []
    for name in sorted(needed):
        kind = model.facts[name]
        if name not in schema:
            problems.append(f"column '{name}' ({kind.value}) is missing")
            continue
        dtype = schema[name]
        if dtype != pl.Null and not _ACCEPTS[kind](dtype):
            problems.append(f"column '{name}' is {dtype}, expected {kind.value}")
            continue
        if dtype != DTYPES[kind]:
            casts.append(pl.col(name).cast(DTYPES[kind]))
    if problems:
        raise RiskDataError(problems)
    return frame.with_columns(casts) if casts else frame


def _bits(names: list[str], test) -> pl.Expr:
    """One unsigned integer per row whose bit i says `test` holds for flag column names[i]."""
    if not names:
        return pl.lit(0, pl.UInt64)
    return pl.sum_horizontal(
        [
            test(pl.col(name)).fill_null(False).cast(pl.UInt64) * pl.lit(1 << i, pl.UInt64)
            for i, name in enumerate(names)
        ]
    )


WORD_BITS = 63


def flags_plan(model: RiskModel, frame: pl.LazyFrame | pl.DataFrame, *, on: dt.date) -> pl.LazyFrame:
    """`object_id` plus one nullable boolean column per criterion (`c:<code>`) and indicator (`i:<code>`), null
    = unknown: the Polars side of the engine, for callers that want the raw answers."""
    lazy = frame.lazy() if isinstance(frame, pl.DataFrame) else frame
    needed = frozenset().union(
        *(c.facts_read for c in model.criteria), *(i.facts_read for i in model.indicators)
    )
    lazy = _checked(model, lazy, needed)
    flags = [_rule_of(c).polars_expr(on, _NO_PARAMETERS).alias(f"c:{c.code}") for c in model.criteria]
    flags += [_rule_of(i).polars_expr(on, _NO_PARAMETERS).alias(f"i:{i.code}") for i in model.indicators]
    return lazy.select("object_id", *flags)


def assess_population(model: RiskModel, frame: pl.DataFrame | pl.LazyFrame, *, on: dt.date) -> pl.DataFrame:
    """One row per object: `object_id`, `category` (code; an Enum ordered highest → low), `criteria_met` and
    `indicators_fired` (lists of codes, in model order), `needs_data` (criteria left open by unknown facts).

    The frame holds `object_id` and one column per fact the conditions read (null = unknown); integer, float,
    string, categorical and list columns are cast to the fact types. The answers equal `assess` row by row.

    The conditions run as one Polars plan that packs each row's answers into bit masks; the few distinct masks
    are then turned into categories and lists of codes once each and joined back, which is far cheaper than
    building millions of lists element by element."""
    criteria = [f"c:{c.code}" for c in model.criteria]
    indicators = [f"i:{i.code}" for i in model.indicators]
    codes = [c.code for c in model.categories]
    enum = pl.Enum(codes)
    if len(criteria) > WORD_BITS or len(indicators) > WORD_BITS:
        return _assess_population_wide(model, frame, on=on)
    masks = (
        flags_plan(model, frame, on=on)
        .select(
            "object_id",
            _bits(criteria, lambda col: col).alias("__met"),
            _bits(criteria, lambda col: col.is_null()).alias("__open"),
            _bits(indicators, lambda col: col).alias("__fired"),
        )
        .collect()
    )
    ranks = [model.rank(c.category) for c in model.criteria]
    low_rank = len(codes) - 1

    def table(column: str, entries) -> pl.DataFrame:
        values = masks[column].unique().to_list()
        return pl.DataFrame(
            {
                column: pl.Series(values, dtype=pl.UInt64),
                column + "_codes": pl.Series(
                    [[e.code for i, e in enumerate(entries) if value >> i & 1] for value in values],
                    dtype=pl.List(pl.String),
                ),
            }
        )

    met = table("__met", model.criteria).with_columns(
        pl.Series(
            "__category",
            [
                codes[min((ranks[i] for i in range(len(ranks)) if value >> i & 1), default=low_rank)]
                for value in masks["__met"].unique().to_list()
            ],
            dtype=enum,
        )
    )
    return (
        masks.join(met, on="__met", how="left", maintain_order="left")
        .join(table("__fired", model.indicators), on="__fired", how="left", maintain_order="left")
        .join(table("__open", model.criteria), on="__open", how="left", maintain_order="left")
        .select(
            "object_id",
            pl.col("__category").alias("category"),
            pl.col("__met_codes").alias("criteria_met"),
            pl.col("__fired_codes").alias("indicators_fired"),
            pl.col("__open_codes").alias("needs_data"),
        )
    )


def _assess_population_wide(model: RiskModel, frame, *, on: dt.date) -> pl.DataFrame:
    """The same answers for a model with more than 63 criteria or indicators, built list by list (slower)."""
    codes = [c.code for c in model.categories]
    criteria = [(f"c:{c.code}", c) for c in model.criteria]
    indicators = [(f"i:{i.code}", i) for i in model.indicators]
    rank = pl.min_horizontal(
        [pl.when(pl.col(name)).then(pl.lit(model.rank(c.category), pl.UInt8)) for name, c in criteria]
    ).fill_null(pl.lit(len(codes) - 1, pl.UInt8))

    def listed(pairs, test):
        if not pairs:
            return pl.lit(pl.Series([[]], dtype=pl.List(pl.String))).first()
        return pl.concat_list(
            [pl.when(test(pl.col(name))).then(pl.lit(entry.code)) for name, entry in pairs]
        ).list.drop_nulls()

    return (
        flags_plan(model, frame, on=on)
        .select(
            "object_id",
            rank.replace_strict(list(range(len(codes))), codes, return_dtype=pl.Enum(codes)).alias(
                "category"
            ),
            listed(criteria, lambda col: col).alias("criteria_met"),
            listed(indicators, lambda col: col).alias("indicators_fired"),
            listed(criteria, lambda col: col.is_null()).alias("needs_data"),
        )
        .collect()
    )
