"""Whole-population evaluation over Parquet extracts: facts + every rule in one lazy Polars plan."""

from __future__ import annotations

import ctypes
import datetime as dt
import functools
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import polars as pl

from .compiled import CompiledRule
from .facts import input_columns, population_facts
from .parameters import Parameters
from .rulefile import RuleFile
from .types import RuleError

# Accepted column kinds of the extract (docs/rules.md); integers of any width, floats or integers for money.
_INT = ("int",)
_NUM = ("int", "float", "decimal")
PERSON_COLUMNS = {
    "person_id": _INT,
    "household_id": _INT,
    "role": ("str",),
    "birth": ("date",),
    "salary": _NUM,
    "capital_returns": _NUM,
    "disability": ("bool",),
    "unemployed": ("bool",),
    "student": ("bool",),
}
HOUSEHOLD_COLUMNS = {
    "household_id": _INT,
    "rent": _NUM,
    "accommodation_size": _NUM,
    "housing_occupancy_status": ("str",),
    "postal_code": ("str",),
    "region": ("str", "int"),
    "months_since_move": _INT,
}


def _kind(dtype: pl.DataType) -> str:
    if dtype.is_integer():
        return "int"
    if dtype.is_float():
        return "float"
    if dtype.is_decimal():
        return "decimal"
    if dtype == pl.Boolean:
        return "bool"
    if dtype == pl.Date:
        return "date"
    if dtype in (pl.String, pl.Categorical) or isinstance(dtype, pl.Enum):
        return "str"
    return str(dtype)


def check_extract(frame: pl.LazyFrame, columns: Mapping[str, tuple[str, ...]], label: str) -> None:
    """Refuse an extract with missing or mistyped columns, naming each one."""
    schema = frame.collect_schema()
    problems, found = [], []
    for name, kinds in columns.items():
        if name not in schema:
            problems.append(f"{label}: column '{name}' is missing")
            found.append({"file": label, "column": name, "found": None, "expected": list(kinds)})
        elif _kind(schema[name]) not in kinds:
            problems.append(f"{label}: column '{name}' is {schema[name]}, expected {' or '.join(kinds)}")
            found.append({"file": label, "column": name, "found": str(schema[name]), "expected": list(kinds)})
    if problems:
        # `columns`: the same problems as data, for the user's language (rules.messages).
        raise RuleError(
            "extract", "; ".join(problems) + ".", details={"problems": problems, "columns": found}
        )


def plan(
    persons: pl.LazyFrame | pl.DataFrame,
    households: pl.LazyFrame | pl.DataFrame,
    rules: Mapping[str, CompiledRule],
    on: dt.date,
    parameters: Parameters,
    not_in_force: frozenset[str] = frozenset(),
    sorted_by_household: bool = False,
    columns: list[pl.Expr] | None = None,
) -> pl.LazyFrame:
    """person_id plus one nullable boolean column per rule (null = unknown); a rule that is not in force on
    `on` gives false for everyone. Rows come out in household order; `sorted_by_household` (both extracts
    already ordered by household_id, as registry extracts usually are) saves sorting them first. `columns`:
    the rules' expressions from `rule_columns`, when several slices share them."""
    needed = frozenset().union(*(r.facts_used for r in rules.values())) if rules else frozenset()
    facts = population_facts(persons, households, on, needed, sorted_by_household)
    if columns is None:
        columns = rule_columns(rules, on, parameters, not_in_force)
    return facts.select("person_id", *columns)


def rule_columns(
    rules: Mapping[str, CompiledRule],
    on: dt.date,
    parameters: Parameters,
    not_in_force: frozenset[str] = frozenset(),
) -> list[pl.Expr]:
    """One Polars expression per rule, named by its id (built once, reused by every slice)."""
    return [
        (pl.lit(False) if rule_id in not_in_force else rule.polars_expr(on, parameters)).alias(rule_id)
        for rule_id, rule in rules.items()
    ]


# Persons per slice: large enough that per-slice overhead is small, small enough that a slice's intermediate
# columns stay small — the allocator then reuses the same memory for every slice instead of asking the kernel
# for fresh pages (a page fault per 4 KB), and the peak stays flat.
CHUNK_PERSONS = 250_000
# Persons read from an extract on disk at a time (then cut into slices of CHUNK_PERSONS in memory).
READ_PERSONS = 1_000_000


def _chunk_bounds(persons: pl.LazyFrame | pl.Series, size: int) -> list[int]:
    """household_id values that cut an ordered extract (or its household_id column, already read) into slices
    of about `size` persons, never inside a household; the last bound is past the end."""
    if isinstance(persons, pl.Series):
        ids = persons
    else:
        ids = persons.select("household_id").collect(engine="in-memory")["household_id"]
    if len(ids) <= size:
        return []
    cuts = ids.gather(list(range(0, len(ids), size))).unique(maintain_order=True).to_list()
    return [*cuts, ids[-1] + 1]


def _is_ordered(frame: pl.LazyFrame | pl.DataFrame) -> bool:
    if isinstance(frame, pl.DataFrame):
        ids = frame["household_id"]
        return ids.null_count() == 0 and ids.is_sorted()
    return bool(frame.select((pl.col("household_id").diff() >= 0).all()).collect().item())


def _slices(
    persons: pl.LazyFrame | pl.DataFrame, households: pl.LazyFrame | pl.DataFrame, bounds: list[int]
) -> list[tuple[pl.LazyFrame | pl.DataFrame, pl.LazyFrame | pl.DataFrame]]:
    """(persons, households) of each slice [bound, next bound) of household_id. Frames in memory are cut by
    position (zero-copy views, found by binary search); extracts still on disk by a filter the scan pushes down."""
    if isinstance(persons, pl.DataFrame) and isinstance(households, pl.DataFrame):
        cuts = pl.Series(bounds, dtype=persons["household_id"].dtype)
        at_p = persons["household_id"].search_sorted(cuts, side="left").to_list()
        at_h = households["household_id"].search_sorted(cuts, side="left").to_list()
        return [
            (persons[p0:p1], households[h0:h1])
            for p0, p1, h0, h1 in zip(at_p, at_p[1:], at_h, at_h[1:], strict=False)
        ]
    persons, households = persons.lazy(), households.lazy()
    parts: list[tuple[pl.LazyFrame | pl.DataFrame, pl.LazyFrame | pl.DataFrame]] = []
    for low, high in zip(bounds, bounds[1:], strict=False):
        slice_ = pl.col("household_id").is_between(low, high, closed="left")
        parts.append((persons.filter(slice_), households.filter(slice_)))
    return parts


def evaluate_frames(
    persons: pl.LazyFrame | pl.DataFrame,
    households: pl.LazyFrame | pl.DataFrame,
    rule_file: RuleFile,
    on: dt.date,
    chunk_persons: int = CHUNK_PERSONS,
    ordered: bool | None = None,
    read_persons: int = READ_PERSONS,
    household_ids: pl.Series | None = None,
) -> list[pl.DataFrame]:
    """The engine without files: facts + every rule of `rule_file`, person_id plus a nullable boolean column per
    rule id, as a list of slices in household order (concatenate them for one frame).

    When both extracts are ordered by household_id (`ordered`; checked when None) the population is processed in
    slices of about `chunk_persons` persons (whole households): only the answers of each slice are kept
    (bit-packed booleans, ~13 MB per million persons for 50 rules) and its facts are dropped before the next.
    Extracts still on disk (LazyFrames) are read about `read_persons` persons at a time, only the columns the
    rules' facts read; `household_ids`, the persons' household_id column when the caller has read it already,
    saves reading it again to find where the slices start."""
    rules = {r.id: r.compiled for r in rule_file.rules}
    off = frozenset(r.id for r in rule_file.rules if not r.in_force(on))
    columns = rule_columns(rules, on, rule_file.parameters, off)
    if ordered is None:
        ordered = _is_ordered(persons) and _is_ordered(households)
    if not ordered:
        # One plan over the whole population, sorted by household first.
        return [
            plan(persons, households, rules, on, rule_file.parameters, off, False, columns).collect(
                engine="in-memory"
            )
        ]
    if isinstance(persons, pl.DataFrame) and isinstance(households, pl.DataFrame):
        return _evaluate_ordered(
            persons, households, rules, on, rule_file.parameters, off, columns, chunk_persons
        )
    needed = frozenset().union(*(r.facts_used for r in rules.values())) if rules else frozenset()
    person_columns, household_columns = input_columns(needed)
    persons, households = persons.lazy(), households.lazy()
    bounds = _chunk_bounds(
        persons if household_ids is None else household_ids, max(read_persons, chunk_persons)
    )
    pieces = _slices(persons, households, bounds) if len(bounds) > 2 else [(persons, households)]
    parts = []
    for lazy_p, lazy_h in pieces:
        # Slices of lazy extracts are lazy (_slices cuts frames by position only when both are in memory).
        p = (
            cast(pl.LazyFrame, lazy_p)
            .select(list(dict.fromkeys([*person_columns, "household_id"])))
            .collect()
        )  # slices need household_id
        h = cast(pl.LazyFrame, lazy_h).select(household_columns or ["household_id"]).collect()
        parts += _evaluate_ordered(p, h, rules, on, rule_file.parameters, off, columns, chunk_persons)
    return parts


def _evaluate_ordered(
    persons: pl.DataFrame,
    households: pl.DataFrame,
    rules: Mapping[str, CompiledRule],
    on: dt.date,
    parameters: Parameters,
    off: frozenset[str],
    columns: list[pl.Expr],
    chunk_persons: int,
) -> list[pl.DataFrame]:
    """Both extracts in memory and ordered by household_id: slice by slice."""
    bounds = _chunk_bounds(persons.lazy(), chunk_persons)
    pieces = _slices(persons, households, bounds) if len(bounds) > 2 else [(persons, households)]
    _keep_freed_memory()
    parts = []
    for p, h in pieces:
        part = plan(p, h, rules, on, parameters, off, True, columns).collect(engine="in-memory")
        # The slice's own person_id — a view of the caller's column — instead of the plan's copy of it.
        # Both frames are in memory here, so _slices cut them by position into DataFrames.
        parts.append(part.with_columns(cast(pl.DataFrame, p)["person_id"]))
    return parts


@functools.cache
def _keep_freed_memory() -> None:
    """Let glibc keep what the slices free for the next slice. Each slice allocates and frees the same few numpy
    temporaries of a few MB; by default glibc gives such blocks back to the kernel on free (mmap, heap trimming),
    and the next slice faults every page in again — at 10 M persons a quarter of the engine's CPU time went to
    those page faults. Up to 128 MB freed at the top of the heap is kept instead (process-wide; a no-op where
    the C library has no mallopt)."""
    if sys.platform != "linux":
        return
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return
    m_trim_threshold, m_mmap_threshold = -1, -3
    mallopt(m_mmap_threshold, 32 << 20)  # blocks up to 32 MB come from the heap (glibc's own ceiling)
    mallopt(m_trim_threshold, 128 << 20)


def write_result(parts: list[pl.DataFrame], output: str | Path) -> None:
    """The result file: Parquet, person_id + one nullable boolean column per rule, uncompressed and without
    column statistics (compression added a quarter to the CPU time for a file a quarter the size), in row groups
    of about a million rows. With an Int64 person_id — what registry extracts carry — it is written by
    answers_parquet straight from the answers' bitmaps: Polars' writer took ≈ 0.3 s of CPU per million persons
    for 50 nullable boolean columns, that one ≈ 0.04 s. Any other person_id type goes through Polars' writer."""
    frame = pl.concat(parts, rechunk=False)
    if (
        frame.width
        and frame.schema[frame.columns[0]] == pl.Int64
        and all(dtype == pl.Boolean for dtype in list(frame.schema.values())[1:])
    ):
        from .answers_parquet import write_answers

        write_answers(frame, output, RESULT_ROW_GROUP)
        return
    frame.write_parquet(output, compression="uncompressed", statistics=False, row_group_size=RESULT_ROW_GROUP)


RESULT_ROW_GROUP = 1 << 20


@dataclass
class Summary:
    persons: int
    counts: dict[str, tuple[int, int, int]]  # rule id → (eligible, not eligible, unknown)


def _refuse_empty_ids(persons_path: str | Path, person_ids: int, household_ids: int) -> None:
    raise RuleError(
        "extract",
        f"{persons_path}: person_id and household_id must be filled in every row "
        f"({person_ids} and {household_ids} empty).",
    )


def evaluate_files(
    persons_path: str | Path,
    households_path: str | Path,
    rule_file: RuleFile,
    on: dt.date,
    output: str | Path,
    summary: bool = True,
    chunk_persons: int = CHUNK_PERSONS,
) -> Summary | None:
    """The `eligibility evaluate` contract: Parquet in, Parquet out (person_id + a column per rule id).

    An extract ordered by household_id is processed in slices of about `chunk_persons` persons (whole
    households), so memory stays flat however large the population is."""
    for path in (persons_path, households_path):
        if not Path(path).exists():
            raise RuleError("extract", f"File not found: {path}.", details={"path": str(path)})
    try:
        persons = pl.scan_parquet(persons_path)
        households = pl.scan_parquet(households_path)
        check_extract(persons, PERSON_COLUMNS, str(persons_path))
        check_extract(households, HOUSEHOLD_COLUMNS, str(households_path))
        # The persons' household_id is read once: for these checks and for where the slices start.
        household_ids = persons.select("household_id").collect(engine="in-memory")["household_id"]
        households_sorted = households.select((pl.col("household_id").diff() >= 0).all()).collect().item()
        if household_ids.null_count():
            _refuse_empty_ids(
                persons_path,
                persons.select(pl.col("person_id").null_count()).collect().item(),
                household_ids.null_count(),
            )
    except pl.exceptions.PolarsError as exc:
        raise RuleError("extract", f"Cannot read the extract: {exc}.") from None
    ordered = bool(household_ids.is_sorted() and households_sorted)
    Path(output).parent.mkdir(parents=True, exist_ok=True)
    try:
        parts = evaluate_frames(
            persons, households, rule_file, on, chunk_persons, ordered, household_ids=household_ids
        )
        # person_id is read with the slices (every answer carries it): its gaps are counted there, before
        # anything is written, instead of in a pass of its own over the extract.
        missing = sum(part["person_id"].null_count() for part in parts)
        if missing:
            _refuse_empty_ids(persons_path, missing, 0)
        write_result(parts, output)
    except pl.exceptions.PolarsError as exc:
        # Whatever the checks above let through, the user gets one line, never a traceback.
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise RuleError("extract", f"Cannot read the extract: {first}.") from None
    if not summary:
        return None
    rules = [r.id for r in rule_file.rules]
    counted = (
        pl.scan_parquet(output)
        .select(
            pl.len().alias("__n"),
            *(pl.col(r).sum().alias(f"{r}__yes") for r in rules),
            *(pl.col(r).null_count().alias(f"{r}__unknown") for r in rules),
        )
        .collect()
        .row(0, named=True)
    )
    n = counted["__n"]
    counts = {}
    for r in rules:
        yes, unknown = counted[f"{r}__yes"] or 0, counted[f"{r}__unknown"]
        counts[r] = (yes, n - yes - unknown, unknown)
    return Summary(n, counts)
