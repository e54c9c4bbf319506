"""The facts layer for persons in households: each fact is defined once per backend, side by side.

Input is the population extract of docs/rules.md (persons: person_id, household_id, role, birth, salary,
capital_returns, disability, unemployed, student; households: household_id, rent, accommodation_size,
housing_occupancy_status, postal_code, region, months_since_move). Null means unknown, and a household
aggregate is unknown as soon as one member's input to it is unknown — a count of children under 3 cannot be
known when one member's birth date is not.

`household_income` is the sum of the members' salaries, as the anchor (OpenFisca's country template) defines it:
capital returns stay each person's own fact (`capital_returns`, and `income` = salary + capital returns), which a
rule may add. Money is summed in integer kopecks so the sum does not depend on the order of members (float addition does),
then divided back to roubles in float64 the same way in both backends.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .types import CODE_WIDTHS, FactType, canonical_code

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
        salary = get("salary")
        if salary is None:
            money_gap = True
        elif not money_gap:
            k_sum += floor(float(salary) * 100 + 0.5)
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
        "region": None if region is None else canonical_code("region", region),
        "months_since_move": hget("months_since_move"),
    }


_EMPTY: dict[str, Any] = {}


# -- population (Polars) -----------------------------------------------------------------------------------


def input_columns(needed: set[str] | frozenset[str]) -> tuple[list[str], list[str]]:
    """The columns of the persons and of the households extract that the facts in `needed` read."""
    own = {f for f in PERSON_FACTS if f in needed}
    age_counts = needed & {*UNDER, "n_over_65"}
    reads = {"person_id"} | ({"household_id"} if needed & set(HOUSEHOLD_FACTS) else set())
    reads |= own & {"birth", "salary", "capital_returns", "disability", "unemployed", "student"}
    reads |= {"birth"} if ("age" in needed or age_counts) else set()
    reads |= {"salary", "capital_returns"} if "income" in needed else set()
    reads |= {"salary"} if needed & {"household_income", "income_pc"} else set()
    reads |= {"role"} if needed & {"is_adult", "n_adults", "n_children"} else set()
    reads |= {"disability"} if "n_disabled" in needed else set()
    household = [c for f, c in HOUSEHOLD_COLUMNS.items() if f in needed]
    return sorted(reads), (["household_id", *household] if household else [])


@dataclass(frozen=True)
class _Plan:
    """Which facts a population run computes, declared once from the facts its rules need."""

    needed: frozenset[str]
    own_facts: tuple[str, ...]
    age_counts: tuple[str, ...]
    role_counts: tuple[str, ...]
    aggregates: tuple[str, ...]
    wanted_household: dict[str, str]

    @classmethod
    def of(cls, needed: set[str] | frozenset[str] | None) -> _Plan:
        needed = frozenset(PERSON_SCHEMA if needed is None else needed)
        order = ("n_adults", "n_children", "n_over_65", "n_disabled", *UNDER, "household_income", "n_persons")
        aggregates = [f for f in order if f in needed]
        if "income_pc" in needed:
            aggregates += [f for f in ("household_income", "n_persons", "income_pc") if f not in aggregates]
        return cls(
            needed=needed,
            own_facts=tuple(f for f in PERSON_FACTS if f in needed),
            age_counts=tuple(f for f in (*UNDER, "n_over_65") if f in needed),
            role_counts=tuple(f for f in ("n_adults", "n_children") if f in needed),
            aggregates=tuple(aggregates),
            wanted_household={f: c for f, c in HOUSEHOLD_COLUMNS.items() if f in needed},
        )

    @property
    def money(self) -> bool:
        return bool(self.needed & {"household_income", "income_pc"})

    @property
    def per_household(self) -> bool:
        return bool(self.aggregates or self.wanted_household)


class _Households:
    """The households of a slice sorted by household: where each starts (members are adjacent), each person's
    household ordinal, and the narrowest unsigned type that holds a count of members."""

    def __init__(self, household_ids):
        import numpy as np
        import polars as pl

        ids = household_ids.to_numpy()
        new = np.empty(len(ids), dtype=bool)
        new[:1] = True
        np.not_equal(ids[1:], ids[:-1], out=new[1:])  # (an empty household_id differs from everything)
        self.starts = np.flatnonzero(new)
        self.count = len(self.starts)
        self.sizes = np.diff(self.starts, append=len(new))
        self.member_of = np.repeat(np.arange(self.count), self.sizes)
        # Counts are held as narrow as the largest household allows (UInt8 almost always): every member gets a
        # copy, and the rules widen them to Int64 where they do arithmetic (polars_backend).
        largest = int(self.sizes.max()) if self.count else 0
        self.count_type = pl.UInt8 if largest <= 0xFF else pl.UInt16 if largest <= 0xFFFF else pl.UInt32
        self.narrow = {pl.UInt8: np.uint8, pl.UInt16: np.uint16, pl.UInt32: np.uint32}[self.count_type]

    def histogram(self, codes, width: int):
        """Members of each household per code: a (width, n_households) array, one contiguous row per code."""
        import numpy as np

        index = codes.to_numpy().astype(np.intp) * self.count
        index += self.member_of
        return np.bincount(index, minlength=self.count * width).reshape(width, -1)


def _age_levels(
    plan: _Plan, homes: _Households, bands, limits: list[int], level: dict, unknown: dict
) -> None:
    import numpy as np

    # Band j (0 … len(limits)) = the number of limits the age has reached; the next code = age unknown.
    by_band = homes.histogram(bands, len(limits) + 2)
    age_gap = by_band[len(limits) + 1] > 0
    under = np.cumsum(by_band[: len(limits)], axis=0, dtype=homes.narrow)  # row j: members under limits[j]
    for fact, limit in UNDER.items():
        if fact in plan.age_counts:
            level[fact], unknown[fact] = under[limits.index(limit)], age_gap
    if "n_over_65" in plan.age_counts:
        level["n_over_65"] = by_band[limits.index(OLD_AGE) + 1 : len(limits) + 1].sum(
            axis=0, dtype=homes.narrow
        )
        unknown["n_over_65"] = age_gap


def _role_levels(plan: _Plan, homes: _Households, raw, level: dict, unknown: dict) -> None:
    import polars as pl

    role = pl.col("role")
    codes = raw.select(
        pl.when(role == "adult")
        .then(0)
        .when(role == "child")
        .then(1)
        .when(role.is_null())
        .then(3)
        .otherwise(2)
        .cast(pl.UInt8)
    ).to_series()
    by_role = homes.histogram(codes, 4)
    for fact, code in (("n_adults", 0), ("n_children", 1)):
        if fact in plan.role_counts:
            level[fact], unknown[fact] = by_role[code].astype(homes.narrow), by_role[3] > 0


def _disability_levels(homes: _Households, raw, level: dict, unknown: dict) -> None:
    import polars as pl

    by_flag = homes.histogram(raw.select(pl.col("disability").cast(pl.UInt8).fill_null(2)).to_series(), 3)
    level["n_disabled"], unknown["n_disabled"] = by_flag[1].astype(homes.narrow), by_flag[2] > 0


def _money_levels(homes: _Households, raw, level: dict, unknown: dict) -> None:
    import numpy as np

    k = raw["_k_salary"]
    level["household_income"] = np.add.reduceat(k.fill_null(0).to_numpy(), homes.starts) / 100.0
    gap = np.zeros(homes.count, dtype=bool)
    if k.null_count():
        gap[homes.member_of[k.is_null().to_numpy()]] = True
    unknown["household_income"] = gap


def _household_level(plan: _Plan, homes: _Households, raw, bands, limits: list[int]):
    """One row per household: its counts and income (null where a member's input is unknown)."""
    import numpy as np
    import polars as pl

    level: dict[str, Any] = {}
    unknown: dict[str, Any] = {}
    if "n_persons" in plan.aggregates:
        level["n_persons"] = homes.sizes.astype(homes.narrow)
    if plan.age_counts:
        _age_levels(plan, homes, bands, limits, level, unknown)
    if plan.role_counts:
        _role_levels(plan, homes, raw, level, unknown)
    if "n_disabled" in plan.needed:
        _disability_levels(homes, raw, level, unknown)
    if plan.money:
        _money_levels(homes, raw, level, unknown)
    columns = {name: np.ascontiguousarray(values) for name, values in level.items()}
    gaps = {f"_gap_{name}": np.ascontiguousarray(values) for name, values in unknown.items()}
    frame = pl.DataFrame({"household_id": raw["household_id"].gather(pl.Series(homes.starts))}).hstack(
        pl.DataFrame({**columns, **gaps}).select(
            *(
                (
                    pl.when(~pl.col(f"_gap_{name}")).then(pl.col(name)) if name in unknown else pl.col(name)
                ).cast(pl.Float64 if name == "household_income" else homes.count_type)
                for name in columns
            )
        )
    )
    if "income_pc" in plan.needed:
        frame = frame.with_columns(
            income_pc=pl.col("household_income") / pl.col("n_persons").cast(pl.Float64)
        )
    return frame


def _with_household_columns(plan: _Plan, household_level, households):
    """The household extract's own columns (rent, occupancy …) next to the computed household facts."""
    import polars as pl

    casts = {FactType.DECIMAL: pl.Float64, FactType.INT: pl.Int64, FactType.STR: pl.Categorical}

    def column(fact: str, name: str):
        if fact in CODE_WIDTHS:  # as read; put in canonical form below, on its distinct values
            return pl.col(name).alias(fact)
        return pl.col(name).cast(casts[PERSON_SCHEMA[fact]]).alias(fact)

    h = households.select("household_id", *(column(f, c) for f, c in plan.wanted_household.items())).collect(
        engine="in-memory"
    )
    codes = [fact for fact in plan.wanted_household if fact in CODE_WIDTHS]
    if codes:
        h = h.with_columns(canonical_codes(h[fact], CODE_WIDTHS[fact]) for fact in codes)
    if h["household_id"].equals(household_level["household_id"]):
        # The usual extract: the same households in both files, in the same order — side by side.
        return household_level.hstack(h.drop("household_id"))
    return household_level.join(h, on="household_id", how="left", maintain_order="left")


def canonical_codes(column, width: int):
    """A code column (text of any kind, or integers) as a categorical in the one form of types.canonical_code:
    7, '7' and ' 7' are '07'. The form is worked out on the column's distinct values — a region column has a few
    dozen among millions of rows — and the column is mapped only when one of them changes."""
    import polars as pl

    def canonical(text):
        text = text.str.strip_chars()
        return pl.when(text.str.contains(r"^\d+$")).then(text.str.zfill(width)).otherwise(text)

    textual = not column.dtype.is_integer()
    if textual:
        column = column.cast(pl.Categorical)  # hashed once; distinct values are then cheap
    distinct = column.unique().drop_nulls()
    as_text = distinct.cast(pl.String)
    forms = pl.select(canonical(pl.lit(as_text))).to_series()
    if textual and forms.equals(as_text):
        return column
    if distinct.is_empty():  # nothing filled in
        return column.cast(pl.String).cast(pl.Categorical)
    old = as_text if textual else distinct
    source = column.cast(pl.String) if textual else column
    return source.replace_strict(old, forms, return_dtype=pl.Categorical)


def _own_facts(plan: _Plan, raw):
    import polars as pl

    from .polars_backend import divide_by_constant

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
    return raw.select("person_id", *(person_cols[f].alias(f) for f in plan.own_facts))


def population_facts(
    persons,
    households,
    on: dt.date,
    needed: set[str] | frozenset[str] | None = None,
    sorted_by_household: bool = False,
):
    """A LazyFrame: person_id plus the facts in `needed` (all when None), one row per person, in household order
    (the input order when it is already ordered by household_id).

    Only the columns the facts in `needed` read are loaded. One collected pass over the persons computes their
    own facts and small codes (age band, role, disability, gap flags); a household's counts are then histograms
    of those codes per household (numpy `bincount`, members of a household being adjacent), money is summed in
    kopecks per household (`reduceat`), and every member gets its household's row by position (a gather) —
    no hash group-by and no join on 10 M keys."""
    import polars as pl

    plan = _Plan.of(needed)
    kop = lambda c: (pl.col(c).cast(pl.Float64) * 100 + 0.5).floor().cast(pl.Int64)  # noqa: E731
    persons, households = persons.lazy(), households.lazy()
    if not sorted_by_household:
        persons = persons.sort("household_id", maintain_order=True)
        households = households.sort("household_id")
    # Only the input columns these facts read (projection pushdown into the Parquet scan).
    raw = persons.select(input_columns(plan.needed)[0]).collect(engine="in-memory")
    # Age bands for the household counts: 0 = under the first limit, …, len(limits) = at least the last one.
    limits = sorted({*UNDER.values(), OLD_AGE})
    bands = None
    if "age" in plan.needed or plan.age_counts:
        age, bands = _ages_and_bands(raw["birth"], on, limits)
        raw = raw.with_columns(age.alias("_age"))
    if plan.money:
        raw = raw.with_columns(kop("salary").alias("_k_salary"))
    if "income" in plan.needed:
        raw = raw.with_columns((kop("salary") + kop("capital_returns")).alias("_k"))
    own = _own_facts(plan, raw)
    if not plan.per_household:
        return own.lazy()
    homes = _Households(raw["household_id"])
    household_level = _household_level(plan, homes, raw, bands, limits)
    if plan.wanted_household:
        household_level = _with_household_columns(plan, household_level, households)
    # Every member gets its household's row by position (a gather, much cheaper than a join on 10 M keys).
    # (Contiguous columns and a UInt32 index gather about twice as fast as the chunks the extract came in.)
    household_level = household_level.select(*plan.aggregates, *plan.wanted_household).rechunk()
    broadcast = household_level[pl.Series(homes.member_of, dtype=pl.UInt32)]
    return own.hstack(broadcast).lazy()


def _ages_and_bands(birth, on: dt.date, limits: Sequence[int]):
    """Whole years on `on` for each birth date (null stays null), and each person's age band: the number of
    `limits` the age has reached, len(limits) + 1 when the age is unknown.

    For a fixed date age is a step function of the day number, so both are read from tables over the days the
    data spans (one gather per person) instead of decomposing every date; the table is built by `age_expr`."""
    import numpy as np
    import polars as pl

    from .polars_backend import age_expr

    days = birth.cast(pl.Int32)
    low, high = days.min(), days.max()
    if low is None or high - low > 4_000_000:  # no date, or dates far outside any calendar: one by one
        age = pl.select(age_expr(pl.lit(birth), on)).to_series().cast(pl.Int64)
    else:
        span = pl.Series(np.arange(low, high + 1, dtype=np.int32)).cast(pl.Date)
        # Int32 holds the age of any date Polars can hold; the rules widen it where they do arithmetic.
        table = pl.select(age_expr(pl.lit(span), on)).to_series().cast(pl.Int32)
        index = days - low
        age = table.gather(index)
        band_table = np.searchsorted(np.asarray(limits), table.to_numpy(), side="right").astype(np.uint8)
        return age.alias("age"), pl.Series(band_table).gather(index).fill_null(len(limits) + 1)
    bands = np.searchsorted(np.asarray(limits), age.fill_null(0).to_numpy(), side="right").astype(np.uint8)
    bands[age.is_null().to_numpy()] = len(limits) + 1
    return age.alias("age"), pl.Series(bands)
