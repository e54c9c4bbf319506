"""What every indicator module shares: registration, the suppression of small cells, intervals, drill-downs.

An indicator module registers its computation with `@indicator(...)`; the computation counts in the database and
hands the counts to `share_value` or `score_value`, which apply the publication rules the same way everywhere:
a cell (the total or one breakdown cell) with fewer answers or records than `CLIENTCENTRIC_MIN_CELL` is
suppressed, and since the total is shown beside its breakdown, one more cell of the breakdown is hidden when a
single one is (complementary suppression, engines/metrics/suppression.py), so that no hidden count follows by
subtraction.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Q, QuerySet

from clientcentric.engines import metrics

from .indicators import INDICATORS, IndicatorDefinition, IndicatorValue, Quarter


@dataclass(frozen=True)
class Column:
    title: str  # lazy translatable
    value: Callable  # record → shown value (already formatted, or a date/number the template formats)
    link: Callable | None = None  # record → URL, for the column that opens the record


@dataclass(frozen=True)
class Details:
    """What the staff pages need beyond the contract: the breakdown's name and labels, the records behind."""

    breakdown_title: str = ""
    labels: Callable[[], Mapping[str, str]] = dict  # breakdown key → label
    records: Callable[..., QuerySet] | None = None  # (agency, quarter, key) → the records counted
    columns: tuple[Column, ...] = ()
    sample: bool = False  # a sample of answers (ratings): its shares carry a Wilson interval
    definition: str = ""  # one line for the page; the full definition is in docs/indicators.md
    order: int = 0


DETAILS: dict[str, Details] = {}


def indicator(code: str, title, *, unit: str, higher_is_better: bool = True, **details):
    """Register a computation `(agency, quarter) → IndicatorValue` under `code` (kept in the shared contract)."""

    def register(function):
        INDICATORS[code] = IndicatorDefinition(code, title, unit, higher_is_better, function)
        DETAILS[code] = Details(order=len(DETAILS), **details)
        return function

    return register


def minimum() -> int:
    return settings.CLIENTCENTRIC_MIN_CELL


def agency_id(agency) -> int | None:
    if agency is None:
        return None
    return agency if isinstance(agency, int) else agency.pk


def _hidden(sizes: Mapping[str, float]) -> set:
    counts = {key: int(size) for key, size in sizes.items()}
    return metrics.suppress(counts, groups=[list(counts)], minimum=minimum())


def _share_cell(
    code, quarter, agency, numerator, denominator, *, interval: bool, hide: bool
) -> IndicatorValue:
    base = dict(code=code, quarter=str(quarter), agency_id=agency_id(agency))
    if hide or denominator < minimum():
        return IndicatorValue(numerator=None, denominator=None, value=None, suppressed=True, **base)
    value = numerator / denominator
    low = high = None
    if interval:
        bounds = metrics.wilson(numerator, denominator)
        low, high = bounds.low, bounds.high
    return IndicatorValue(
        numerator=numerator, denominator=denominator, value=value, ci_low=low, ci_high=high, **base
    )


def share_value(
    code: str,
    quarter: Quarter,
    agency,
    counts: Mapping[str, tuple[int, int]],
    *,
    interval: bool = False,
    total: tuple[int, int] | None = None,
) -> IndicatorValue:
    """A share from (numerator, denominator) per breakdown key; the total is their sum unless given (a record
    counted under two keys, or a total wider than the breakdown)."""
    if total is None:
        total = (sum(n for n, _d in counts.values()), sum(d for _n, d in counts.values()))
    hidden = _hidden({key: d for key, (_n, d) in counts.items()}) if len(counts) > 1 else set()
    breakdown = {
        key: _share_cell(code, quarter, agency, n, d, interval=interval, hide=key in hidden or d < minimum())
        for key, (n, d) in counts.items()
        if d > 0
    }
    result = _share_cell(code, quarter, agency, total[0], total[1], interval=interval, hide=False)
    return _with_breakdown(result, breakdown)


def tally(records: QuerySet, hit: Q) -> tuple[int, int]:
    """(records matching `hit`, all records) of a queryset, in one query."""
    totals = records.aggregate(share_total=Count("pk"), share_hits=Count("pk", filter=hit))
    return totals["share_hits"], totals["share_total"]


def tally_by(records: QuerySet, fields: Iterable[str], hit: Q, key: Callable[..., str] | None = None) -> dict:
    """{breakdown key: (records matching `hit`, all records)}, grouped by `fields` in one query; `key` turns the
    fields' values into the breakdown key (default: the one field's value), and rows given the same key add up."""
    fields = tuple(fields)
    rows = records.values(*fields).annotate(share_total=Count("pk"), share_hits=Count("pk", filter=hit))
    counts: dict[str, tuple[int, int]] = {}
    for row in rows:
        values = [row[name] for name in fields]
        cell = key(*values) if key is not None else values[0]
        hits, total = counts.get(cell, (0, 0))
        counts[cell] = (hits + row["share_hits"], total + row["share_total"])
    return counts


def share_by(
    code: str,
    quarter: Quarter,
    agency,
    records: QuerySet,
    fields: Iterable[str],
    hit: Q,
    *,
    key: Callable[..., str] | None = None,
    interval: bool = False,
) -> IndicatorValue:
    """The share of `records` matching `hit` per quarter, broken down by `fields` (see `tally_by`), with the
    publication rules of `share_value`: the shape every counted share indicator has."""
    return share_value(code, quarter, agency, tally_by(records, fields, hit, key), interval=interval)


@dataclass(frozen=True)
class Score:
    """A score of a sample: its value, the number it rests on, and the interval (None when not computable)."""

    value: float | None
    n: int
    low: float | None = None
    high: float | None = None
    extra: dict = field(default_factory=dict)


def _score_cell(code, quarter, agency, score: Score, hide: bool) -> IndicatorValue:
    base = dict(code=code, quarter=str(quarter), agency_id=agency_id(agency))
    if hide or score.n < minimum() or score.value is None:
        return IndicatorValue(numerator=None, denominator=None, value=None, suppressed=True, **base)
    return IndicatorValue(
        numerator=None, denominator=score.n, value=score.value, ci_low=score.low, ci_high=score.high, **base
    )


def score_value(
    code: str, quarter: Quarter, agency, total: Score, parts: Mapping[str, Score]
) -> IndicatorValue:
    hidden = _hidden({key: part.n for key, part in parts.items()}) if len(parts) > 1 else set()
    breakdown = {
        key: _score_cell(code, quarter, agency, part, key in hidden)
        for key, part in parts.items()
        if part.n > 0
    }
    return _with_breakdown(_score_cell(code, quarter, agency, total, False), breakdown)


def _with_breakdown(value: IndicatorValue, breakdown: dict) -> IndicatorValue:
    value.breakdown.update(breakdown)
    return value


# Intervals of scores that are not shares (normal approximation, z = 1.96 for 95 %).

Z95 = metrics.z_for(0.95)


def mean_score(values: Iterable[tuple[float, int]]) -> Score:
    """Mean of (level, count) pairs with the normal interval mean ± z·s/√n (s: the sample standard deviation)."""
    pairs = [(float(level), int(count)) for level, count in values if count]
    n = sum(count for _level, count in pairs)
    if not n:
        return Score(None, 0)
    mean = sum(level * count for level, count in pairs) / n
    if n < 2:
        return Score(mean, n)
    variance = sum(count * (level - mean) ** 2 for level, count in pairs) / (n - 1)
    half = Z95 * math.sqrt(variance / n)
    return Score(mean, n, mean - half, mean + half)


def bounded(score: Score, low: float, high: float) -> Score:
    if score.low is None:
        return score
    return Score(score.value, score.n, max(low, score.low), min(high, score.high), score.extra)
