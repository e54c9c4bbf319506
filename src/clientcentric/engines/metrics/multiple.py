"""Benjamini–Hochberg (1995) false discovery rate control for many comparisons at once."""

from collections.abc import Sequence


def benjamini_hochberg(p_values: Sequence[float], alpha: float = 0.05) -> tuple[list[bool], list[float]]:
    """Return (rejected, adjusted p-values) in the input order; the same as multipletests(method="fdr_bh")."""
    m = len(p_values)
    if m == 0:
        return [], []
    for p in p_values:
        if not 0 <= p <= 1:
            raise ValueError("p-values lie between 0 and 1")
    order = sorted(range(m), key=lambda i: p_values[i])
    adjusted = [0.0] * m
    running = 1.0
    # Step-up: walk from the largest p down, keeping the adjusted values monotone.
    for rank in range(m, 0, -1):
        i = order[rank - 1]
        running = min(running, p_values[i] / (rank / m))
        adjusted[i] = min(running, 1.0)
    # The decision compares each p with its own threshold rank/m·alpha, not the adjusted value with alpha: the two
    # are the same in exact arithmetic, and this is the side statsmodels rounds on (p = 0.05 at rank m rejects).
    last = max((rank for rank in range(1, m + 1) if p_values[order[rank - 1]] <= rank / m * alpha), default=0)
    rejected = [False] * m
    for rank in range(1, last + 1):
        rejected[order[rank - 1]] = True
    return rejected, adjusted
