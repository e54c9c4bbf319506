"""Usability statistics for audience tests: SUS, Wilson and t intervals, and the criteria check.

Pure Python (scipy only for the t quantile); no Django. Formulas:
- SUS (Brooke 1996): odd items contribute (answer − 1), even items (5 − answer); the sum × 2.5 gives 0…100.
- Wilson score interval for a proportion (Wilson 1927), which stays inside [0, 1] for small samples and 0 or n
  successes, unlike the normal approximation.
- Student t interval for a mean: mean ± t(1 − α/2, n − 1) · s / √n.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from clientcentric.engines import metrics

SUS_ITEMS = 10


class UsabilityError(ValueError):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def sus_score(answers: Sequence[int]) -> float:
    """The System Usability Scale score of one participant's ten answers on a 1…5 scale."""
    if len(answers) != SUS_ITEMS:
        raise UsabilityError("sus_items", f"SUS needs exactly {SUS_ITEMS} answers, got {len(answers)}")
    total = 0
    for position, answer in enumerate(answers, start=1):
        if not isinstance(answer, int) or isinstance(answer, bool) or not 1 <= answer <= 5:
            raise UsabilityError("sus_range", f"SUS answer {position} must be an integer 1…5, got {answer!r}")
        total += (answer - 1) if position % 2 == 1 else (5 - answer)
    return total * 2.5


@dataclass(frozen=True)
class Interval:
    estimate: float
    low: float
    high: float
    n: int


def _check_proportion(successes: int, n: int) -> None:
    if n <= 0:
        raise UsabilityError("no_participants", "a rate needs at least one attempt")
    if not 0 <= successes <= n:
        raise UsabilityError("successes_range", "successes must lie between 0 and the number of attempts")


def wilson(successes: int, n: int, confidence: float = 0.95) -> Interval:
    """The Wilson interval of engines.metrics, refused with the codes the audience-test pages explain."""
    _check_proportion(successes, n)
    shared = metrics.wilson(successes, n, confidence)
    return Interval(shared.estimate, shared.low, shared.high, n)


def t_interval(
    values: Sequence[float], confidence: float = 0.95, bounds: tuple[float, float] = (-math.inf, math.inf)
) -> Interval:
    """Student t interval for the mean, cut to the scale's `bounds` (a SUS mean cannot exceed 100)."""
    n = len(values)
    if n == 0:
        raise UsabilityError("no_participants", "a mean needs at least one value")
    mean = sum(values) / n
    if n == 1:
        # One value says nothing about spread: the interval is unbounded, not zero-width.
        return Interval(mean, bounds[0], bounds[1], 1)
    from scipy.stats import t  # SciPy takes a second to import: only a usability summary pays for it

    variance = sum((value - mean) ** 2 for value in values) / (n - 1)
    half = float(t.ppf(1 - (1 - confidence) / 2, n - 1)) * math.sqrt(variance / n)
    return Interval(mean, max(bounds[0], mean - half), min(bounds[1], mean + half), n)


@dataclass(frozen=True)
class Criteria:
    """What the test must show; None means no criterion on that measure. At least one must be set."""

    min_success_rate: float | None = None  # 0…1, judged on the Wilson lower bound
    min_sus: float | None = None  # 0…100, judged on the mean
    max_time_seconds: float | None = None  # mean time on task
    max_errors_per_task: float | None = None
    max_effort: float | None = None  # mean effort score (1 = very easy … 7 = very hard)

    def is_empty(self) -> bool:
        return all(value is None for value in self.__dict__.values())


@dataclass(frozen=True)
class TaskAttempt:
    task: str
    success: bool
    seconds: float
    errors: int


@dataclass(frozen=True)
class ParticipantResult:
    sus_answers: Sequence[int] | None
    effort: int | None
    attempts: Sequence[TaskAttempt]


@dataclass
class CriterionCheck:
    measure: str
    target: float
    observed: float | None
    met: bool


@dataclass
class Summary:
    participants: int
    success: Interval | None
    time_seconds: Interval | None
    errors_per_task: float | None
    sus: Interval | None
    effort: Interval | None
    per_task: dict[str, Interval] = field(default_factory=dict)
    checks: list[CriterionCheck] = field(default_factory=list)

    @property
    def criteria_met(self) -> bool:
        return bool(self.checks) and all(check.met for check in self.checks)


def summarize(results: Sequence[ParticipantResult], criteria: Criteria, confidence: float = 0.95) -> Summary:
    """Summarise a test: intervals for every measure and a verdict on each criterion that was set."""
    if not results:
        raise UsabilityError("no_participants", "the test has no participants")
    if criteria.is_empty():
        raise UsabilityError("no_criteria", "the test has no success criteria")
    attempts = [attempt for result in results for attempt in result.attempts]
    sus_values = [sus_score(r.sus_answers) for r in results if r.sus_answers]
    efforts = [float(r.effort) for r in results if r.effort is not None]
    per_task: dict[str, list[TaskAttempt]] = {}
    for attempt in attempts:
        per_task.setdefault(attempt.task, []).append(attempt)
    summary = Summary(
        # Recruited people who have not done the test yet are not participants of its results.
        participants=sum(1 for r in results if r.attempts or r.sus_answers or r.effort is not None),
        **_attempt_measures(attempts, confidence),
        sus=t_interval(sus_values, confidence, (0.0, 100.0)) if sus_values else None,
        effort=t_interval(efforts, confidence, (1.0, 7.0)) if efforts else None,
        per_task={
            task: wilson(sum(a.success for a in rows), len(rows), confidence)
            for task, rows in per_task.items()
        },
    )
    summary.checks.extend(_checks(summary, criteria))
    return summary


def _attempt_measures(attempts: Sequence[TaskAttempt], confidence: float) -> dict[str, Any]:
    if not attempts:
        return {"success": None, "time_seconds": None, "errors_per_task": None}
    return {
        "success": wilson(sum(a.success for a in attempts), len(attempts), confidence),
        "time_seconds": t_interval([a.seconds for a in attempts], confidence, (0.0, math.inf)),
        "errors_per_task": sum(a.errors for a in attempts) / len(attempts),
    }


def _checks(summary: Summary, criteria: Criteria) -> list[CriterionCheck]:
    """A verdict on each criterion that was set, in a fixed order of measures."""
    success, sus, time_seconds, effort = summary.success, summary.sus, summary.time_seconds, summary.effort
    measures = {
        "success_rate": (
            criteria.min_success_rate,
            success.low if success is not None else None,
            operator.ge,
        ),
        "sus": (criteria.min_sus, sus.estimate if sus is not None else None, operator.ge),
        "time_seconds": (
            criteria.max_time_seconds,
            time_seconds.estimate if time_seconds is not None else None,
            operator.le,
        ),
        "errors_per_task": (criteria.max_errors_per_task, summary.errors_per_task, operator.le),
        "effort": (criteria.max_effort, effort.estimate if effort is not None else None, operator.le),
    }
    # A criterion whose measure was not collected is not met: absence of data is not success.
    return [
        CriterionCheck(measure, target, observed, bool(observed is not None and meets(observed, target)))
        for measure, (target, observed, meets) in measures.items()
        if target is not None
    ]


def proportion_difference(
    successes_before: int, n_before: int, successes_after: int, n_after: int, confidence: float = 0.95
) -> Interval:
    """after − before for two independent proportions, with Newcombe's hybrid score interval (Newcombe 1998,
    method 10), built from the two Wilson intervals; it behaves at 0 % and 100 % where the Wald interval fails."""
    _check_proportion(successes_before, n_before)
    _check_proportion(successes_after, n_after)
    shared = metrics.difference(successes_after, n_after, successes_before, n_before, confidence)
    return Interval(shared.estimate, shared.low, shared.high, n_before + n_after)
