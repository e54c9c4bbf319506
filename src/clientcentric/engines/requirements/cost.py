"""The Standard Cost Model (SCM-1, SCM-3) for one business.

cost of a requirement per year = Σ over its activities of (hours × hourly rate + out-of-pocket) × frequency,
where frequency is how many times a year the business performs the activity. Decimal throughout: this is money.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

KOPECK = Decimal("0.01")


@dataclass(frozen=True)
class Activity:
    requirement: object  # the caller's key: a primary key, an item number
    act: str
    hours: Decimal
    out_of_pocket: Decimal
    frequency: Decimal


@dataclass(frozen=True)
class CostLine:
    requirement: object
    act: str
    hours: Decimal
    out_of_pocket: Decimal
    frequency: Decimal
    yearly: Decimal


@dataclass(frozen=True)
class CostReport:
    hourly_rate: Decimal
    lines: list[CostLine]
    by_act: dict[str, Decimal]
    total: Decimal
    hours_per_year: Decimal


def activity_cost(
    hours: Decimal, out_of_pocket: Decimal, frequency: Decimal, hourly_rate: Decimal
) -> Decimal:
    if min(hours, out_of_pocket, frequency, hourly_rate) < 0:
        raise ValueError("cost inputs must not be negative")
    return ((hours * hourly_rate + out_of_pocket) * frequency).quantize(KOPECK, ROUND_HALF_UP)


def yearly_cost(activities: Iterable[Activity], hourly_rate: Decimal) -> CostReport:
    lines: list[CostLine] = []
    by_act: defaultdict[str, Decimal] = defaultdict(Decimal)
    hours = Decimal(0)
    for a in activities:
        value = activity_cost(a.hours, a.out_of_pocket, a.frequency, hourly_rate)
        lines.append(CostLine(a.requirement, a.act, a.hours, a.out_of_pocket, a.frequency, value))
        by_act[a.act] += value
        hours += a.hours * a.frequency
    return CostReport(
        hourly_rate=hourly_rate,
        lines=lines,
        by_act=dict(sorted(by_act.items(), key=lambda kv: -kv[1])),
        total=sum(by_act.values(), Decimal(0)),
        hours_per_year=hours,
    )
