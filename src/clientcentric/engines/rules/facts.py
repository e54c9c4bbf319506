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


def client_facts(
    person: Mapping[str, Any],
    on: dt.date,
    household: Mapping[str, Any] | None = None,
    members: Sequence[Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """Facts of one person on `on`. `members` is everyone in the household, the person included (defaults to
    the person alone); `household` holds the household columns of the extract (None: all unknown)."""
    # One pass over the members, no helper calls: this runs on every life event, inside a 30 µs budget.
    if members is None:
        members = (person,)
    oy, omd = on.year, (on.month, on.day)
    floor = math.floor
    n = adults = children = over = disabled = u1 = u3 = u6 = u18 = k_sum = 0
    age_gap = role_gap = disability_gap = money_gap = False
    for member in members:
        n += 1
        get = member.get
        birth = get("birth")
        if birth is None:
            age_gap = True
        else:
            a = oy - birth.year - (omd < (birth.month, birth.day))
            if a < 18:
                u18 += 1
                if a < 6:
                    u6 += 1
                    if a < 3:
                        u3 += 1
                        if a < 1:
                            u1 += 1
            elif a >= OLD_AGE:
                over += 1
        role = get("role")
        if role is None:
            role_gap = True
        elif role == "adult":
            adults += 1
        elif role == "child":
            children += 1
        disability = get("disability")
        if disability is None:
            disability_gap = True
        elif disability:
            disabled += 1
        salary, capital = get("salary"), get("capital_returns")
        if salary is None or capital is None:
            money_gap = True
        elif not money_gap:
            k_sum += floor(float(salary) * 100 + 0.5) + floor(float(capital) * 100 + 0.5)
    get = person.get
    birth, role, salary, capital = get("birth"), get("role"), get("salary"), get("capital_returns")
    household_income = None if money_gap else k_sum / 100
    household = household or _EMPTY
    hget = household.get
    rent, size, region = hget("rent"), hget("accommodation_size"), hget("region")
    return {
        "age": None if birth is None else oy - birth.year - (omd < (birth.month, birth.day)),
        "is_adult": None if role is None else role == "adult",
        "birth": birth,
        "salary": None if salary is None else float(salary),
        "capital_returns": None if capital is None else float(capital),
        "income": None
        if salary is None or capital is None
        else (floor(float(salary) * 100 + 0.5) + floor(float(capital) * 100 + 0.5)) / 100,
        "disability": get("disability"),
        "unemployed": get("unemployed"),
        "student": get("student"),
        "household_income": household_income,
        "n_persons": n,
        "n_adults": None if role_gap else adults,
        "n_children": None if role_gap else children,
        "n_over_65": None if age_gap else over,
        "n_disabled": None if disability_gap else disabled,
        "income_pc": None if household_income is None else household_income / n,
        "n_under_1": None if age_gap else u1,
        "n_under_3": None if age_gap else u3,
        "n_under_6": None if age_gap else u6,
        "n_under_18": None if age_gap else u18,
        "occupancy": hget("housing_occupancy_status"),
        "rent": None if rent is None else float(rent),
        "accommodation_size": None if size is None else float(size),
        "postal_code": hget("postal_code"),
        "region": None if region is None else str(region),
        "months_since_move": hget("months_since_move"),
    }


_EMPTY: dict[str, Any] = {}


# -- population (Polars) -----------------------------------------------------------------------------------


def population_facts(
    persons,
    households,
    on: dt.date,
    needed: set[str] | frozenset[str] | None = None,
    sorted_by_household: bool = False,
):
    """A LazyFrame: person_id plus the facts in `needed` (all when None), one row per person, in household order
    (the input order when it is already ordered by household_id)."""
    import polars as pl

    from .polars_backend import age_expr, divide_by_constant

    needed = set(PERSON_SCHEMA) if needed is None else set(needed)
    kop = lambda c: (pl.col(c).cast(pl.Float64) * 100 + 0.5).floor().cast(pl.Int64)  # noqa: E731
    age = pl.col("_age")
    persons, households = persons.lazy(), households.lazy()
    if not sorted_by_household:
        persons = persons.sort("household_id", maintain_order=True)
        households = households.sort("household_id")
    # Household aggregates: (the per-member flag or value, the input whose gap makes the count unknown).
    counted = {
        "n_adults": (pl.col("role") == "adult", "role"),
        "n_children": (pl.col("role") == "child", "role"),
        "n_over_65": (age >= OLD_AGE, "_age"),
        "n_disabled": (pl.col("disability"), "disability"),
        **{fact: (age < limit, "_age") for fact, limit in UNDER.items()},
    }
    wanted_counts = [f for f in counted if f in needed]
    money = bool(needed & {"household_income", "income_pc"})
    aggregates = wanted_counts + [f for f in ("household_income", "n_persons", "income_pc") if f in needed]
    wanted_household = {f: c for f, c in HOUSEHOLD_COLUMNS.items() if f in needed}
    person_cols = {
        "age": age,
        "is_adult": pl.col("role") == "adult",
        "birth": pl.col("birth"),
        "salary": pl.col("salary").cast(pl.Float64),
        "capital_returns": pl.col("capital_returns").cast(pl.Float64),
        "income": divide_by_constant(pl.col("_k"), 100.0),
        "disability": pl.col("disability"),
        "unemployed": pl.col("unemployed"),
        "student": pl.col("student"),
    }
    uses_age = "age" in needed or any(counted[f][1] == "_age" for f in wanted_counts)
    uses_k = money or "income" in needed
    gaps = sorted({counted[f][1] for f in wanted_counts} | ({"_k"} if money else set()))
    # One pass over the persons: their own facts, and for the household aggregates a running count of every
    # flag and gap. Members of a household are adjacent, so a household's total is the difference of the
    # running sums at its last member and at the previous household's last member — no hash group-by and no
    # join: the totals go back to the members by position (`_member_of` = the household's ordinal).
    hid = pl.col("household_id")
    p = persons.with_columns(
        *([age_expr(pl.col("birth"), on).alias("_age")] if uses_age else []),
        *([(kop("salary") + kop("capital_returns")).alias("_k")] if uses_k else []),
    )
    counts_dtype = pl.Int32
    frame = p.select(
        "person_id",
        hid,
        *(person_cols[f].alias(f) for f in PERSON_FACTS if f in needed),
        *(
            [
                (hid != hid.shift(1)).fill_null(True).cum_sum().cast(pl.Int64).alias("_member_of"),
                (hid != hid.shift(-1)).fill_null(True).alias("_last"),
                pl.int_range(1, pl.len() + 1, dtype=counts_dtype).alias("_n"),
                *(
                    counted[f][0].fill_null(False).cast(counts_dtype).cum_sum().alias(f"_c{f}")
                    for f in wanted_counts
                ),
                *(pl.col(c).is_null().cast(counts_dtype).cum_sum().alias(f"_gap{c}") for c in gaps),
                *([pl.col("_k").fill_null(0).cum_sum().alias("_k_sum")] if money else []),
            ]
            if aggregates or wanted_household
            else []
        ),
    ).collect(engine="in-memory")
    own = frame.select("person_id", *(f for f in PERSON_FACTS if f in needed))
    if not (aggregates or wanted_household):
        return own.lazy()
    ends = frame.filter(pl.col("_last"))

    def per_household(name):
        return pl.col(name) - pl.col(name).shift(1, fill_value=0)

    none = pl.lit(None, pl.Int64)
    level = [hid]
    if aggregates:
        level.append(per_household("_n").cast(pl.Int64).alias("n_persons"))
        level += [
            pl.when(per_household(f"_gap{counted[f][1]}") > 0)
            .then(none)
            .otherwise(per_household(f"_c{f}").cast(pl.Int64))
            .alias(f)
            for f in wanted_counts
        ]
        if money:
            level.append(
                pl.when(per_household("_gap_k") > 0)
                .then(pl.lit(None, pl.Float64))
                .otherwise(divide_by_constant(per_household("_k_sum"), 100.0))
                .alias("household_income")
            )
    household_level = ends.select(level)
    if "income_pc" in needed:
        household_level = household_level.with_columns(
            income_pc=pl.col("household_income") / pl.col("n_persons").cast(pl.Float64)
        )
    if wanted_household:
        casts = {FactType.DECIMAL: pl.Float64, FactType.INT: pl.Int64, FactType.STR: pl.Categorical}
        h = households.select(
            "household_id",
            *(pl.col(c).cast(casts[PERSON_SCHEMA[f]]).alias(f) for f, c in wanted_household.items()),
        ).collect(engine="in-memory")
        if h["household_id"].equals(household_level["household_id"]):
            # The usual extract: the same households in both files, in the same order — side by side.
            household_level = household_level.hstack(h.drop("household_id"))
        else:
            household_level = household_level.join(h, on="household_id", how="left", maintain_order="left")
    # Every member gets its household's row by position (a gather, much cheaper than a join on 10 M keys).
    broadcast = household_level.drop("household_id")[frame["_member_of"] - 1]
    return (
        own.hstack(broadcast)
        .lazy()
        .select(
            "person_id",
            *(f for f in PERSON_FACTS if f in needed),
            *(f for f in aggregates),
            *(f for f in wanted_household),
        )
    )
