"""The facts layer for persons in households: each fact is defined once per backend, side by side.

Input is the population extract of docs/rules.md (persons: person_id, household_id, role, birth, salary,
capital_returns, disability, unemployed, student; households: household_id, rent, accommodation_size,
housing_occupancy_status, postal_code, region, months_since_move). Null means unknown, and a household
aggregate is unknown as soon as one member's input to it is unknown — a count of children under 3 cannot be
known when one member's birth date is not.

Money is summed in integer kopecks so the sum does not depend on the order of members (float addition does),
then divided back to roubles in float64 the same way in both backends.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from typing import Any

from .types import FactType

PERSON_FACTS = {
    "age": FactType.INT,
    "is_adult": FactType.BOOL,
    "birth": FactType.DATE,
    "salary": FactType.DECIMAL,
    "capital_returns": FactType.DECIMAL,
    "income": FactType.DECIMAL,
    "disability": FactType.BOOL,
    "unemployed": FactType.BOOL,
    "student": FactType.BOOL,
}
HOUSEHOLD_FACTS = {
    "household_income": FactType.DECIMAL,
    "n_persons": FactType.INT,
    "n_adults": FactType.INT,
    "n_children": FactType.INT,
    "n_under_1": FactType.INT,
    "n_under_3": FactType.INT,
    "n_under_6": FactType.INT,
    "n_under_18": FactType.INT,
    "n_over_65": FactType.INT,
    "n_disabled": FactType.INT,
    "income_pc": FactType.DECIMAL,
    "occupancy": FactType.STR,
    "rent": FactType.DECIMAL,
    "accommodation_size": FactType.DECIMAL,
    "postal_code": FactType.STR,
    "region": FactType.STR,
    "months_since_move": FactType.INT,
}
PERSON_SCHEMA: dict[str, FactType] = {**PERSON_FACTS, **HOUSEHOLD_FACTS}
# Ages below which a member counts in n_under_<N>; n_over_65 counts members aged 65 or more.
UNDER = {"n_under_1": 1, "n_under_3": 3, "n_under_6": 6, "n_under_18": 18}
OLD_AGE = 65
HOUSEHOLD_COLUMNS = {
    "occupancy": "housing_occupancy_status",
    "rent": "rent",
    "accommodation_size": "accommodation_size",
    "postal_code": "postal_code",
    "region": "region",
    "months_since_move": "months_since_move",
}

# -- per client ---------------------------------------------------------------------------------------------


def _kopecks(value) -> int | None:
    return None if value is None else math.floor(float(value) * 100 + 0.5)


def _age(birth, on: dt.date) -> int | None:
    if birth is None:
        return None
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _count(values: Sequence, test) -> int | None:
    if any(v is None for v in values):
        return None
    return sum(1 for v in values if test(v))


def client_facts(
    person: Mapping[str, Any],
    on: dt.date,
    household: Mapping[str, Any] | None = None,
    members: Sequence[Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """Facts of one person on `on`. `members` is everyone in the household, the person included (defaults to
    the person alone); `household` holds the household columns of the extract (None: all unknown)."""
    members = list(members) if members is not None else [person]
    own_k = _income_k(person)
    ages = [_age(m.get("birth"), on) for m in members]
    roles = [m.get("role") for m in members]
    incomes = [_income_k(m) for m in members]
    household_k = None if any(k is None for k in incomes) else sum(incomes)
    household_income = None if household_k is None else household_k / 100
    role = person.get("role")
    facts = {
        "age": _age(person.get("birth"), on),
        "is_adult": None if role is None else role == "adult",
        "birth": person.get("birth"),
        "salary": _float_or_none(person.get("salary")),
        "capital_returns": _float_or_none(person.get("capital_returns")),
        "income": None if own_k is None else own_k / 100,
        "disability": person.get("disability"),
        "unemployed": person.get("unemployed"),
        "student": person.get("student"),
        "household_income": household_income,
        "n_persons": len(members),
        "n_adults": _count(roles, lambda r: r == "adult"),
        "n_children": _count(roles, lambda r: r == "child"),
        "n_over_65": _count(ages, lambda a: a >= OLD_AGE),
        "n_disabled": _count([m.get("disability") for m in members], bool),
        "income_pc": None if household_income is None else household_income / len(members),
    }
    for fact, limit in UNDER.items():
        facts[fact] = _count(ages, lambda a, limit=limit: a < limit)
    household = household or {}
    for fact, column in HOUSEHOLD_COLUMNS.items():
        value = household.get(column)
        facts[fact] = _float_or_none(value) if PERSON_SCHEMA[fact] == FactType.DECIMAL else value
    return facts


def _float_or_none(value):
    return None if value is None else float(value)


def _income_k(person: Mapping[str, Any]) -> int | None:
    salary, capital = _kopecks(person.get("salary")), _kopecks(person.get("capital_returns"))
    return None if salary is None or capital is None else salary + capital


# -- population (Polars) -----------------------------------------------------------------------------------


def population_facts(persons, households, on: dt.date, needed: set[str] | frozenset[str] | None = None):
    """A LazyFrame: person_id plus the facts in `needed` (all when None), one row per person."""
    import polars as pl

    from .polars_backend import age_expr, divide_by_constant

    needed = set(PERSON_SCHEMA) if needed is None else set(needed)
    kop = lambda c: (pl.col(c).cast(pl.Float64) * 100 + 0.5).floor().cast(pl.Int64)  # noqa: E731
    p = persons.lazy().with_columns(
        _age=age_expr(pl.col("birth"), on),
        _k=kop("salary") + kop("capital_returns"),
    )
    aggs = {
        "n_persons": pl.len().cast(pl.Int64),
        "_k_sum": pl.col("_k").sum(),
        "_k_null": pl.col("_k").null_count(),
        "_age_null": pl.col("_age").null_count(),
        "_role_null": pl.col("role").null_count(),
        "_dis_null": pl.col("disability").null_count(),
        "_adults": (pl.col("role") == "adult").sum(),
        "_children": (pl.col("role") == "child").sum(),
        "_over": (pl.col("_age") >= OLD_AGE).sum(),
        "_disabled": pl.col("disability").sum(),
        **{f"_{fact}": (pl.col("_age") < limit).sum() for fact, limit in UNDER.items()},
    }
    none = pl.lit(None, pl.Int64)

    def known_if(null_col, value):
        return pl.when(pl.col(null_col) > 0).then(none).otherwise(value.cast(pl.Int64))

    household_income = (
        pl.when(pl.col("_k_null") > 0)
        .then(pl.lit(None, pl.Float64))
        .otherwise(divide_by_constant(pl.col("_k_sum"), 100.0))
    )
    derived = {
        "household_income": household_income,
        "n_persons": pl.col("n_persons"),
        "n_adults": known_if("_role_null", pl.col("_adults")),
        "n_children": known_if("_role_null", pl.col("_children")),
        "n_over_65": known_if("_age_null", pl.col("_over")),
        "n_disabled": known_if("_dis_null", pl.col("_disabled")),
        "income_pc": household_income / pl.col("n_persons").cast(pl.Float64),
        **{fact: known_if("_age_null", pl.col(f"_{fact}")) for fact in UNDER},
    }
    wanted_aggregates = [f for f in derived if f in needed]
    person_cols = {
        "age": pl.col("_age"),
        "is_adult": pl.col("role") == "adult",
        "birth": pl.col("birth"),
        "salary": pl.col("salary").cast(pl.Float64),
        "capital_returns": pl.col("capital_returns").cast(pl.Float64),
        "income": divide_by_constant(pl.col("_k"), 100.0),
        "disability": pl.col("disability"),
        "unemployed": pl.col("unemployed"),
        "student": pl.col("student"),
    }
    out = p
    if wanted_aggregates:
        agg = (
            p.group_by("household_id")
            .agg(**aggs)
            .select("household_id", *(derived[f].alias(f) for f in wanted_aggregates))
        )
        out = out.join(agg, on="household_id", how="left", maintain_order="left")
    wanted_household = {f: c for f, c in HOUSEHOLD_COLUMNS.items() if f in needed}
    if wanted_household:
        casts = {FactType.DECIMAL: pl.Float64, FactType.INT: pl.Int64, FactType.STR: pl.String}
        h = households.lazy().select(
            "household_id",
            *(pl.col(c).cast(casts[PERSON_SCHEMA[f]]).alias(f) for f, c in wanted_household.items()),
        )
        out = out.join(h, on="household_id", how="left", maintain_order="left")
    return out.select(
        "person_id",
        *(person_cols[f].alias(f) for f in PERSON_FACTS if f in needed),
        *(pl.col(f) for f in wanted_aggregates),
        *(pl.col(f) for f in wanted_household),
    )
