"""Objective measures of a transaction, next to the ratings (measurement.md §6.2): time to submit,
completion rate, share of one-click and of 5-minute transactions. No survey: telemetry the delivery app
records with every request (seconds spent, fields the client typed, steps).

Definitions (docs/satisfaction.md):
- time to submit: median and 90th percentile (nearest rank) of the seconds from opening the form to
  sending it, over the requests whose time was measured (seconds > 0);
- one click: the client typed nothing and confirmed in one step (everything was prefilled);
- 5 minutes: submitted within 300 seconds, among the requests whose time was measured;
- completion rate: requests submitted ÷ transactions started (GOV.UK: completed ÷ started; a refusal or
  "not eligible" still counts as completed; only drop-outs fail).
Shares carry a Wilson 95 % interval, as the ratings do.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass

from .intervals import Interval, wilson

FIVE_MINUTES = 300.0


@dataclass(frozen=True)
class Transaction:
    seconds: float  # 0 when not measured (a request entered by staff or through the API)
    fields_typed: int
    steps: int

    @property
    def timed(self) -> bool:
        return self.seconds > 0

    @property
    def one_click(self) -> bool:
        return self.fields_typed == 0 and self.steps <= 1


@dataclass(frozen=True)
class Share:
    """`count` of `n` within target, with its Wilson interval (None when n = 0)."""

    count: int
    n: int
    interval: Interval | None


@dataclass(frozen=True)
class Effort:
    requests: int
    timed: int
    median_seconds: float | None
    p90_seconds: float | None
    one_click: Share
    five_minutes: Share


def nearest_rank(values: list[float], fraction: float) -> float:
    """The ⌈fraction·n⌉-th smallest value (nearest-rank percentile: always one of the values)."""
    if not values:
        raise ValueError("no values")
    if not 0 < fraction <= 1:
        raise ValueError("fraction must be in (0, 1]")
    ordered = sorted(values)
    return ordered[max(1, math.ceil(fraction * len(ordered))) - 1]


def median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def share(count: int, n: int, confidence: float = 0.95) -> Share:
    return Share(count, n, wilson(count, n, confidence) if n else None)


def effort(transactions: Iterable[Transaction], confidence: float = 0.95) -> Effort:
    items = list(transactions)
    seconds = [t.seconds for t in items if t.timed]
    return Effort(
        requests=len(items),
        timed=len(seconds),
        median_seconds=median(seconds) if seconds else None,
        p90_seconds=nearest_rank(seconds, 0.9) if seconds else None,
        one_click=share(sum(t.one_click for t in items), len(items), confidence),
        five_minutes=share(sum(s <= FIVE_MINUTES for s in seconds), len(seconds), confidence),
    )


def completion(started: int, completed: int, confidence: float = 0.95) -> Share:
    """Completed ÷ started; more completions than starts is a data error, not a rate above 100 %."""
    if completed > started:
        raise ValueError("more transactions completed than started")
    return share(completed, started, confidence)
