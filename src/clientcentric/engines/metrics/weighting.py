"""Post-stratification to the transaction mix, with Kish's effective sample size (measurement.md §4).

Respondents are not a random draw of transactions: a service with many refusals answers less. Each stratum
(e.g. channel × outcome) gets weight (N_h / N) / (n_h / n), clamped to [0.2, 5] so one thin stratum cannot
dominate; n_eff = (Σw)² / Σw² says how many unweighted answers the weighted estimate is worth.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from .intervals import Interval, wilson

WEIGHT_MIN = 0.2
WEIGHT_MAX = 5.0


@dataclass(frozen=True)
class Weighted:
    estimate: Interval
    n: int
    n_eff: float
    weights: dict


def stratum_weights(
    respondents: Mapping[str, int],
    transactions: Mapping[str, int],
    clamp: tuple[float, float] = (WEIGHT_MIN, WEIGHT_MAX),
) -> dict:
    """Weight per stratum; strata without respondents get none (they cannot be represented)."""
    n = sum(respondents.values())
    answered_strata = {h for h, count in respondents.items() if count > 0}
    population = sum(transactions.get(h, 0) for h in answered_strata)
    if n == 0 or population == 0:
        return {}
    weights = {}
    for h in answered_strata:
        raw = (transactions.get(h, 0) / population) / (respondents[h] / n)
        weights[h] = min(max(raw, clamp[0]), clamp[1])
    return weights


def effective_n(weights_per_answer: Mapping[str, float], counts: Mapping[str, int]) -> float:
    """Kish: (Σw)² / Σw² over the answers, with every answer in stratum h weighing w_h."""
    sum_w = sum(weights_per_answer[h] * counts[h] for h in weights_per_answer)
    sum_w2 = sum(weights_per_answer[h] ** 2 * counts[h] for h in weights_per_answer)
    return sum_w * sum_w / sum_w2 if sum_w2 else 0.0


def weighted_share(
    positive: Mapping[str, int],
    respondents: Mapping[str, int],
    transactions: Mapping[str, int],
    confidence: float = 0.95,
) -> Weighted | None:
    """Share positive weighted to the transaction mix; the interval is Wilson's at n_eff."""
    weights = stratum_weights(respondents, transactions)
    if not weights:
        return None
    sum_w = sum(weights[h] * respondents[h] for h in weights)
    p = sum(weights[h] * positive.get(h, 0) for h in weights) / sum_w
    n_eff = effective_n(weights, respondents)
    interval = wilson(p * n_eff, n_eff, confidence)
    return Weighted(interval, sum(respondents.values()), n_eff, weights)
