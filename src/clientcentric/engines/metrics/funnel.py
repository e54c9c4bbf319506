"""Funnel plots for comparing units (services, agencies) on a share: the share of each unit against its
number of answers n, with control limits around the overall share that narrow as n grows (Spiegelhalter,
"Funnel plots for comparing institutional performance", Stat Med 2005). measurement.md §6.5 uses them
instead of rank tables: a unit is flagged only when it lies outside the limits.

Limits use the normal approximation of the binomial around the overall (pooled) share p₀:
p₀ ± z·√(p₀(1 − p₀)/n), clipped to [0, 1]; z = 1.960 for 95 % and 3.090 for 99.8 % (two-sided).
"""

import math
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

from .intervals import z_for

LEVELS = (0.95, 0.998)


@dataclass(frozen=True)
class Limits:
    low: float
    high: float


@dataclass(frozen=True)
class Point:
    key: Hashable
    positive: int
    n: int
    share: float
    limits: dict  # confidence → Limits at this unit's n
    position: str  # "within", "above_95", "below_95", "above_998", "below_998"


@dataclass(frozen=True)
class Funnel:
    overall: float
    total: int
    points: list

    def curve(self, confidence: float, sizes: Iterable[int]) -> list[tuple[int, Limits]]:
        return [(n, limits(self.overall, n, confidence)) for n in sizes]


def limits(overall: float, n: int, confidence: float) -> Limits:
    if n <= 0:
        raise ValueError("n must be positive")
    if not 0 <= overall <= 1:
        raise ValueError("the overall share must be between 0 and 1")
    half = z_for(confidence) * math.sqrt(overall * (1 - overall) / n)
    return Limits(max(0.0, overall - half), min(1.0, overall + half))


def _position(share: float, bands: dict) -> str:
    outer, inner = bands[LEVELS[1]], bands[LEVELS[0]]
    if share > outer.high:
        return "above_998"
    if share < outer.low:
        return "below_998"
    if share > inner.high:
        return "above_95"
    if share < inner.low:
        return "below_95"
    return "within"


def funnel(units: Mapping[Hashable, tuple[int, int]]) -> Funnel:
    """`units` maps a key to (positive, n); units with n = 0 are left out. The overall share is pooled:
    Σ positive / Σ n, so every answer weighs the same."""
    kept = {key: (positive, n) for key, (positive, n) in units.items() if n > 0}
    for key, (positive, n) in kept.items():
        if not 0 <= positive <= n:
            raise ValueError(f"{key!r}: positive must be between 0 and n")
    total = sum(n for _positive, n in kept.values())
    if not total:
        return Funnel(0.0, 0, [])
    overall = sum(positive for positive, _n in kept.values()) / total
    points = []
    for key, (positive, n) in kept.items():
        bands = {level: limits(overall, n, level) for level in LEVELS}
        share = positive / n
        points.append(Point(key, positive, n, share, bands, _position(share, bands)))
    return Funnel(overall, total, points)
