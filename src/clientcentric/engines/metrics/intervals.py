"""Confidence intervals for proportions: Wilson's score interval and Newcombe's interval of a difference.

Wilson (1927), in the form of measurement.md §4: centre (p + z²/2n)/(1 + z²/n), half-width
z·√(p(1−p)/n + z²/4n²)/(1 + z²/n). Newcombe (1998), method 10, combines the two Wilson intervals into
one for p₁ − p₂; it is what statsmodels' confint_proportions_2indep(method="newcomb") computes.
"""

import math
from dataclasses import dataclass
from statistics import NormalDist


def z_for(confidence: float) -> float:
    if not 0 < confidence < 1:
        raise ValueError("confidence must be between 0 and 1")
    return NormalDist().inv_cdf(1 - (1 - confidence) / 2)


@dataclass(frozen=True)
class Interval:
    estimate: float
    low: float
    high: float

    @property
    def half_width(self) -> float:
        return (self.high - self.low) / 2


def wilson(successes: float, n: float, confidence: float = 0.95) -> Interval:
    """Wilson score interval; `n` may be fractional (an effective sample size after weighting)."""
    if n <= 0:
        raise ValueError("n must be positive")
    if not 0 <= successes <= n:
        raise ValueError("successes must be between 0 and n")
    z = z_for(confidence)
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    # Rounding can push an end a hair past p (or past [0, 1]) when p is 0 or 1.
    return Interval(p, min(p, max(0.0, centre - half)), max(p, min(1.0, centre + half)))


def difference(
    successes_1: float, n_1: float, successes_2: float, n_2: float, confidence: float = 0.95
) -> Interval:
    """Newcombe's hybrid score interval for p₁ − p₂ (independent samples)."""
    first = wilson(successes_1, n_1, confidence)
    second = wilson(successes_2, n_2, confidence)
    d = first.estimate - second.estimate
    low = d - math.sqrt((first.estimate - first.low) ** 2 + (second.high - second.estimate) ** 2)
    high = d + math.sqrt((first.high - first.estimate) ** 2 + (second.estimate - second.low) ** 2)
    return Interval(d, max(-1.0, low), min(1.0, high))


def two_proportion_p_value(successes_1: int, n_1: int, successes_2: int, n_2: int) -> float:
    """Two-sided p-value of the pooled z-test for p₁ = p₂; the input to Benjamini–Hochberg."""
    if n_1 <= 0 or n_2 <= 0:
        raise ValueError("both samples need answers")
    pooled = (successes_1 + successes_2) / (n_1 + n_2)
    variance = pooled * (1 - pooled) * (1 / n_1 + 1 / n_2)
    if variance == 0:
        return 1.0
    z = (successes_1 / n_1 - successes_2 / n_2) / math.sqrt(variance)
    # 2·P(Z > |z|) = erfc(|z| / √2): exact in the far tail, where 1 − Φ(|z|) would round to zero.
    return math.erfc(abs(z) / math.sqrt(2))
