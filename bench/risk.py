"""Risk categories for 1,000,000 controlled objects from their indicators (issue 9): target < 30 s on 2 cores,
and the same answers as the per-object path.

For each demo risk model (src/clientcentric/supervision/risk_models/*.yaml) the script generates a population
of controlled objects with numpy (values on both sides of every bound the model's conditions use, about 3 % of
every fact unknown), times `assess_population` (check and cast of the frame + every criterion and indicator +
category + lists of codes), then runs `assess` — the per-object path with its explanations — on a random
sample of rows and counts the rows whose category, criteria met, indicators fired or needs-data differ.

Prints wall-clock and CPU time, peak memory of the step and the load average: the machine is shared (2 cores,
other jobs running), so the figures vary from run to run.

    .venv/bin/python bench/risk.py [--size 1000000] [--sample 10000] [--models fire_safety,labour,landscaping]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

from clientcentric.engines.risk import assess, assess_population, load_risk_model_file
from clientcentric.engines.rules import FactType

ROOT = Path(__file__).resolve().parents[1]
MODELS_DIR = ROOT / "src" / "clientcentric" / "supervision" / "risk_models"
TARGET_SECONDS = 30.0
ON = dt.date(2026, 6, 1)
UNKNOWN_SHARE = 0.03
COMMON_OKVED = np.array(
    ["41.20", "43.21", "46.90", "47.11", "49.41", "56.10", "62.01", "68.20", "85.11", "86.10"]
)


def bounds(model) -> dict[str, list]:
    """For each fact, the constants the model's conditions compare it with (so objects fall on both sides)."""
    found: dict[str, set] = {name: set() for name in model.facts}
    for entry in (*model.criteria, *model.indicators):
        for node in entry.compiled.tree.walk():
            if node.kind == "cmp":
                left, right = node.args
                for fact, other in ((left, right), (right, left)):
                    if fact.kind == "fact" and other.kind == "lit":
                        found[fact.value].add(other.value)
            elif node.kind == "in_list" and node.args[0].kind == "fact":
                found[node.args[0].value].update(node.value)
            elif node.kind == "any_prefix" and node.args[0].kind == "fact":
                found[node.args[0].value].update(f"{p}0" if len(p) == 4 else f"{p}.10" for p in node.value)
    return {name: sorted(values, key=repr) for name, values in found.items()}


def _with_unknowns(series: pl.Series, rng: np.random.Generator) -> pl.Series:
    unknown = pl.Series(rng.random(len(series)) < UNKNOWN_SHARE)
    return pl.select(
        pl.when(pl.lit(unknown)).then(None).otherwise(pl.lit(series)).alias(series.name)
    ).to_series()


def population(model, size: int, seed: int = 9) -> pl.DataFrame:
    """`size` objects with every fact the model declares, vectorised (no Python loop over rows)."""
    rng = np.random.default_rng(seed)
    seen = bounds(model)
    columns: dict[str, pl.Series] = {
        "object_id": pl.Series("object_id", np.arange(1, size + 1, dtype=np.int64))
    }
    for name, kind in model.facts.items():
        numbers = np.array([float(v) for v in seen[name] if isinstance(v, (int, float))] or [1.0])
        if kind == FactType.INT:
            # Mostly small counts (violations, accidents, complaints), some values around the bounds.
            small = rng.poisson(0.3, size)
            near = numbers[rng.integers(0, len(numbers), size)].astype(np.int64) + rng.integers(-1, 2, size)
            wide = rng.lognormal(3.0, 1.5, size).astype(np.int64)
            pick = rng.random(size)
            values = np.where(pick < 0.7, small, np.where(pick < 0.9, near, wide))
            series = pl.Series(name, values, dtype=pl.Int64)
        elif kind == FactType.DECIMAL:
            near = numbers[rng.integers(0, len(numbers), size)] + rng.choice([-0.01, 0.0, 0.01], size)
            scale = np.log(max(float(numbers.max()), 1.0)) - 1.0  # a share (0.5) or an area (1000 m²)
            wide = np.round(rng.lognormal(scale, 1.2, size), 2 if scale > 0 else 4)
            series = pl.Series(name, np.where(rng.random(size) < 0.3, near, wide), dtype=pl.Float64)
        elif kind == FactType.STR:
            # Half of the objects are of some other kind than the conditions name.
            choices = pl.Series(name, [*map(str, seen[name]), "прочее"], dtype=pl.String)
            index = np.where(rng.random(size) < 0.5, len(choices) - 1, rng.integers(0, len(choices), size))
            series = choices.gather(pl.Series(index.astype(np.uint32)))
        elif kind == FactType.BOOL:
            series = pl.Series(name, rng.random(size) < 0.3, dtype=pl.Boolean)
        elif kind == FactType.DATE:
            days = rng.integers(
                (dt.date(2012, 1, 1) - dt.date(1970, 1, 1)).days, (ON - dt.date(1970, 1, 1)).days, size
            )
            series = pl.Series(name, days.astype(np.int32)).cast(pl.Date)
        else:  # STR_SET: one to three OKVED codes per object, built flat and grouped (no per-row Python)
            codes = pl.Series("code", [*seen[name], *COMMON_OKVED], dtype=pl.String)
            count = rng.integers(1, 4, size)
            flat = pl.DataFrame(
                {
                    "row": pl.Series(np.repeat(np.arange(size, dtype=np.int64), count)).set_sorted(),
                    "code": codes.gather(
                        pl.Series(rng.integers(0, len(codes), int(count.sum())).astype(np.uint32))
                    ),
                }
            )
            series = flat.group_by("row", maintain_order=True).agg("code")["code"].alias(name)
        columns[name] = _with_unknowns(series, rng)
    return pl.DataFrame(list(columns.values()))


def _reset_peak() -> bool:
    """Reset the kernel's peak-RSS mark so the step's own peak can be read (Linux ≥ 4.0)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _peak_bytes() -> int:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _rss_bytes() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def mismatches(
    model, frame: pl.DataFrame, answers: pl.DataFrame, sample: int, seed: int = 10
) -> tuple[int, int]:
    rng = np.random.default_rng(seed)
    rows = np.sort(rng.choice(frame.height, size=min(sample, frame.height), replace=False))
    facts = frame[rows].to_dicts()
    got = answers[rows].with_columns(pl.col("category").cast(pl.String)).to_dicts()
    bad = 0
    for fact_row, row in zip(facts, got, strict=True):
        one = assess(model, fact_row, on=ON)
        expected = (
            one.category.code,
            [r.criterion.code for r in one.criteria_met],
            [r.indicator.code for r in one.indicators_fired],
            [n.criterion.code for n in one.needs_data],
        )
        if expected != (row["category"], row["criteria_met"], row["indicators_fired"], row["needs_data"]):
            bad += 1
            if bad <= 3:
                print(
                    f"    mismatch, object {fact_row['object_id']}: per object {expected}, population {row}"
                )
    return bad, len(rows)


def run(path: Path, size: int, sample: int) -> bool:
    model = load_risk_model_file(path)
    started = time.perf_counter()
    frame = population(model, size)
    generated = time.perf_counter() - started
    frame.shrink_to_fit(in_place=True)
    rss_before = _rss_bytes()
    precise_peak = _reset_peak()
    load_before = os.getloadavg()
    wall, cpu = time.perf_counter(), time.process_time()
    answers = assess_population(model, frame, on=ON)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    peak = _peak_bytes()
    load_after = os.getloadavg()
    check_started = time.perf_counter()
    bad, checked = mismatches(model, frame, answers, sample)
    per_object = (time.perf_counter() - check_started) / max(checked, 1)
    counts = answers["category"].value_counts(sort=False)
    by_code = dict(zip(counts["category"].cast(pl.String).to_list(), counts["count"].to_list(), strict=True))
    spread = ", ".join(f"{c.code} {by_code.get(c.code, 0):,}" for c in model.categories)
    ok = wall < TARGET_SECONDS and bad == 0
    print(
        f"\n{model.title} ({path.name}): {len(model.categories)} categories, {len(model.criteria)} criteria, "
        f"{len(model.indicators)} indicators, {len(model.facts)} facts"
    )
    print(
        f"  population: {size:,} objects generated in {generated:.1f} s ({UNKNOWN_SHARE:.0%} of each fact unknown)"
    )
    print(
        f"  assess_population: wall {wall:.2f} s, CPU {cpu:.2f} s (target < {TARGET_SECONDS:.0f} s)   "
        f"{'OK' if wall < TARGET_SECONDS else 'MISSED'}"
    )
    peak_note = "step peak" if precise_peak else "process peak"
    print(
        f"  memory: {peak_note} RSS {peak / 2**20:,.0f} MB (population frame resident before: "
        f"{rss_before / 2**20:,.0f} MB)"
    )
    print(
        f"  load average (1 min) before/after: {load_before[0]:.1f} / {load_after[0]:.1f} on {os.cpu_count()} cores"
    )
    print(f"  categories: {spread}")
    print(
        f"  same answers as assess() on {checked:,} random objects: {checked - bad:,} match, "
        f"{bad} mismatches   {'OK' if bad == 0 else 'MISSED'}  ({per_object * 1e6:.0f} µs per object with explanations)"
    )
    return ok


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=10_000)
    parser.add_argument(
        "--models", default="", help="comma-separated model file stems (default: every demo model)"
    )
    args = parser.parse_args(argv)
    paths = sorted(MODELS_DIR.glob("*.yaml"))
    if args.models:
        wanted = set(args.models.split(","))
        paths = [p for p in paths if p.stem in wanted]
    print(
        f"Risk categories, issue 9: {args.size:,} controlled objects per model, on {ON}, "
        f"Polars {pl.__version__}, {pl.thread_pool_size()} threads"
    )
    results = [run(path, args.size, args.sample) for path in paths]
    print(f"\n{'all OK' if all(results) else 'some targets MISSED'}")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
