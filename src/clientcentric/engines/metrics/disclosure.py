"""Which hidden counts published figures give back: an interval audit by linear programming.

Hiding a small cell is not enough when the same table publishes its total, a share and a mean: together they are
linear equations in the hidden counts, and a reader with a solver gets the counts back. Each published figure
becomes an `Equation` (a total is exact; a rounded share or mean is an interval); the audit asks, for every
hidden cell, the least and the greatest value it can take with every count ≥ 0. A cell whose range is narrower
than one answer is recoverable and must not be left like that.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

# Below one answer, with room for the solver's own tolerance.
RECOVERED_WIDTH = 0.999


@dataclass(frozen=True)
class Equation:
    """low ≤ Σ weight·count ≤ high over the named cells: a published total, share × n or mean × n."""

    terms: tuple[tuple[Hashable, float], ...]
    low: float
    high: float

    @classmethod
    def exact(cls, terms: Iterable[tuple[Hashable, float]], value: float) -> Equation:
        return cls(tuple(terms), value, value)

    @classmethod
    def rounded(cls, terms: Iterable[tuple[Hashable, float]], value: float, half_step: float) -> Equation:
        """A figure published rounded: the true value is within half a rounding step of it."""
        return cls(tuple(terms), value - half_step, value + half_step)


def ranges(
    equations: Iterable[Equation], known: Mapping[Hashable, float], hidden: Iterable[Hashable]
) -> dict[Hashable, tuple[float, float]]:
    """The least and greatest value of each hidden cell that the equations allow (inf when unbounded)."""
    # NumPy and SciPy's solver take a second to import; only a disclosure check pays for them.
    import numpy as np
    from scipy.optimize import linprog

    hidden = list(dict.fromkeys(hidden))
    index = {cell: position for position, cell in enumerate(hidden)}
    rows, upper = [], []
    for equation in equations:
        row = np.zeros(len(hidden))
        constant = 0.0
        for cell, weight in equation.terms:
            if cell in index:
                row[index[cell]] += weight
            else:
                constant += weight * known.get(cell, 0.0)
        if not row.any():
            continue
        rows += [row, -row]
        upper += [equation.high - constant, constant - equation.low]
    found: dict[Hashable, tuple[float, float]] = {cell: (0.0, float("inf")) for cell in hidden}
    if not rows:
        return found
    matrix, bounds = np.array(rows), np.array(upper)
    constrained = np.flatnonzero(matrix.any(axis=0))
    for position in constrained:
        objective = np.zeros(len(hidden))
        objective[position] = 1.0
        least = linprog(objective, A_ub=matrix, b_ub=bounds, bounds=(0, None), method="highs")
        most = linprog(-objective, A_ub=matrix, b_ub=bounds, bounds=(0, None), method="highs")
        if least.status != 0:  # infeasible: the figures contradict each other; report the cell as exposed
            found[hidden[position]] = (0.0, 0.0)
            continue
        high = float("inf") if most.status == 3 else -float(most.fun)
        found[hidden[position]] = (float(least.fun), high)
    return found


def recoverable(
    equations: Iterable[Equation], known: Mapping[Hashable, float], hidden: Iterable[Hashable]
) -> set[Hashable]:
    """The hidden cells the published figures pin to within one answer."""
    return {
        cell
        for cell, (least, most) in ranges(list(equations), known, hidden).items()
        if most - least < RECOVERED_WIDTH
    }
