"""Generate a synthetic population extract of docs/rules.md's shape: persons.parquet + households.parquet.

    python bench/population.py --persons 1000000 --out bench/data/1m [--seed 7]

About 2.45 persons per household (1 M persons ≈ 408,000 households, as in the OpenFisca anchor), with
gaps (nulls) in every column a registry can leave empty, so that unknown results occur as in real data.
"""

import argparse
import datetime as dt
import time
from pathlib import Path

import numpy as np
import polars as pl

REFERENCE = dt.date(2024, 3, 1)
SIZES = np.array([1, 2, 3, 4, 5, 6])
SIZE_SHARES = np.array([0.30, 0.26, 0.20, 0.15, 0.06, 0.03])
STATUSES = ["tenant", "owner", "free_lodger", "homeless"]
STATUS_SHARES = [0.30, 0.62, 0.07, 0.01]
REGIONS = ["77", "78", "50", "66", "23", "74", "59", "16", "02", "54"]


def _with_nulls(rng, values: np.ndarray, share: float, dtype) -> pl.Series:
    series = pl.Series(values, dtype=dtype)
    return series.scatter(np.flatnonzero(rng.random(len(values)) < share), None)


def generate(n_persons: int, seed: int = 7) -> tuple[pl.DataFrame, pl.DataFrame]:
    rng = np.random.default_rng(seed)
    sizes = rng.choice(SIZES, size=int(n_persons / 2.4) + 16, p=SIZE_SHARES)
    ends = np.cumsum(sizes)
    n_households = int(np.searchsorted(ends, n_persons)) + 1
    sizes = sizes[:n_households].copy()
    sizes[-1] -= ends[n_households - 1] - n_persons
    household_id = np.repeat(np.arange(1, n_households + 1, dtype=np.int64), sizes)
    position = np.arange(n_persons) - np.repeat(ends[:n_households] - sizes, sizes)
    # One or two adults head each household; the others are children.
    second_adult = np.repeat(rng.random(n_households) < 0.55, sizes)
    adult = (position == 0) | ((position == 1) & second_adult)
    age_days = np.where(
        adult,
        rng.integers(18 * 365 + 5, 90 * 365, n_persons),
        rng.integers(0, 18 * 365 - 5, n_persons),
    )
    birth = np.datetime64(REFERENCE) - age_days.astype("timedelta64[D]")
    salary_kopecks = np.where(adult & (rng.random(n_persons) < 0.8), rng.lognormal(11.3, 0.6, n_persons), 0)
    capital = np.where(rng.random(n_persons) < 0.1, rng.integers(0, 5_000_00, n_persons), 0) / 100
    persons = pl.DataFrame(
        {
            "person_id": np.arange(1, n_persons + 1, dtype=np.int64),
            "household_id": household_id,
            "role": _with_nulls(rng, np.where(adult, "adult", "child"), 0.005, pl.String),
            "birth": _with_nulls(rng, birth, 0.01, pl.Date),
            "salary": _with_nulls(rng, np.round(salary_kopecks) / 100, 0.02, pl.Float64),
            "capital_returns": _with_nulls(rng, capital, 0.01, pl.Float64),
            "disability": _with_nulls(rng, rng.random(n_persons) < 0.06, 0.01, pl.Boolean),
            "unemployed": _with_nulls(rng, adult & (rng.random(n_persons) < 0.05), 0.01, pl.Boolean),
            "student": _with_nulls(rng, rng.random(n_persons) < 0.12, 0.01, pl.Boolean),
        }
    )
    status = rng.choice(len(STATUSES), size=n_households, p=STATUS_SHARES)
    rent = np.where(status == 0, rng.integers(80_00, 600_00, n_households) / 100, 0.0)
    households = pl.DataFrame(
        {
            "household_id": np.arange(1, n_households + 1, dtype=np.int64),
            "rent": _with_nulls(rng, rent, 0.02, pl.Float64),
            "accommodation_size": _with_nulls(
                rng, np.round(rng.uniform(12, 140, n_households), 1), 0.02, pl.Float64
            ),
            "housing_occupancy_status": _with_nulls(rng, np.array(STATUSES)[status], 0.01, pl.String),
            "postal_code": _with_nulls(
                rng, np.char.zfill(rng.integers(100000, 999999, n_households).astype(str), 6), 0.02, pl.String
            ),
            "region": _with_nulls(
                rng, np.array(REGIONS)[rng.integers(0, len(REGIONS), n_households)], 0.01, pl.String
            ),
            "months_since_move": _with_nulls(rng, rng.integers(0, 480, n_households), 0.05, pl.Int64),
        }
    )
    return persons, households


def write(n_persons: int, out: Path, seed: int = 7) -> tuple[Path, Path]:
    out.mkdir(parents=True, exist_ok=True)
    persons_path, households_path = out / "persons.parquet", out / "households.parquet"
    if persons_path.exists() and households_path.exists():
        if pl.scan_parquet(persons_path).select(pl.len()).collect().item() == n_persons:
            return persons_path, households_path
    persons, households = generate(n_persons, seed)
    persons.write_parquet(persons_path)
    households.write_parquet(households_path)
    return persons_path, households_path


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, default=Path("bench/data/1m"))
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    started = time.perf_counter()
    persons_path, households_path = write(args.persons, args.out, args.seed)
    n_households = pl.scan_parquet(households_path).select(pl.len()).collect().item()
    print(
        f"{args.persons:,} persons in {n_households:,} households → {args.out} ({time.perf_counter() - started:.1f} s)"
    )


if __name__ == "__main__":
    main()
