"""The Standard Cost Model (SCM-1…3) in its seven steps, for one business or for a whole affected population.

1. information obligations: each mandatory requirement that applies is one obligation (a recommendation is not);
2. required actions: an obligation breaks into actions — a one-off familiarisation (reading the requirement and
   setting up how it is met) and the recurring action the requirement itself demands;
3. time and tariff: price of one occurrence = hours × hourly rate + acquisitions (out-of-pocket);
4. frequency: occurrences a year (a one-off action happens once, outside the yearly figure);
5. population: how many businesses carry the obligation (1 for a business's own cost);
6. cost per action: price × frequency × population, the one-off and the recurring parts apart;
7. totals: per act and overall, per year, and over a horizon of years (optionally discounted, SCM-1's NPV).

Decimal throughout: this is money. No Django here; callers bring plain data.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

KOPECK = Decimal("0.01")
ZERO = Decimal(0)
# Order 669 derives the tariff from the average monthly wage and the working hours of a month [U: formula seen
# only in secondary sources]; 164.4 h is the 40-hour week averaged over a year of the production calendar.
MONTHLY_HOURS = Decimal("164.4")
# A clause that only recommends is not a mandatory requirement: it carries no obligation and is never costed.
RECOMMENDATION = re.compile(r"\bрекоменду(ется|ются|ем)\b", re.IGNORECASE)


def is_recommendation(text: str) -> bool:
    return bool(RECOMMENDATION.search(text or ""))


@dataclass(frozen=True)
class Assumptions:
    """What the figures rest on; every one is shown next to the result and can be changed by the reader."""

    hourly_rate: Decimal
    familiarisation_hours: Decimal = Decimal("1")
    horizon_years: int = 1
    discount_rate: Decimal = ZERO  # a share a year: 0.1 is 10 %

    def __post_init__(self):
        if min(self.hourly_rate, self.familiarisation_hours, self.discount_rate) < 0:
            raise ValueError("cost assumptions must not be negative")
        if self.horizon_years < 1:
            raise ValueError("the horizon is at least one year")


@dataclass(frozen=True)
class Action:
    """Step 2: one required action of an obligation, with its time (step 3) and frequency (step 4)."""

    name: str
    hours: Decimal
    acquisitions: Decimal = ZERO
    frequency: Decimal = Decimal(1)
    one_off: bool = False

    def __post_init__(self):
        if min(self.hours, self.acquisitions, self.frequency) < 0:
            raise ValueError("cost inputs must not be negative")


@dataclass(frozen=True)
class Obligation:
    """Step 1: an information (or substantive) obligation of one requirement; step 5: its population."""

    key: object  # the caller's key: a primary key, an item number
    act: str
    title: str
    actions: tuple[Action, ...]
    population: Decimal = Decimal(1)

    def __post_init__(self):
        if self.population < 0:
            raise ValueError("the population must not be negative")


@dataclass(frozen=True)
class ActionCost:
    """Step 6: one action's price and its cost per business and over the population."""

    obligation: Obligation
    action: Action
    price: Decimal  # one occurrence: hours × tariff + acquisitions
    per_business: Decimal  # a year (recurring) or once (one-off)
    total: Decimal  # per_business × population
    hours: Decimal  # staff hours over the population: a year, or once


@dataclass(frozen=True)
class Totals:
    recurring: Decimal = ZERO  # ₽ a year
    one_off: Decimal = ZERO  # ₽ once
    hours_recurring: Decimal = ZERO
    hours_one_off: Decimal = ZERO

    def __add__(self, other: Totals) -> Totals:
        return Totals(
            self.recurring + other.recurring,
            self.one_off + other.one_off,
            self.hours_recurring + other.hours_recurring,
            self.hours_one_off + other.hours_one_off,
        )


@dataclass(frozen=True)
class Report:
    """Step 7: every action's cost, totals by act and overall, and the total over the horizon."""

    assumptions: Assumptions
    lines: list[ActionCost]
    by_act: dict[str, Totals]
    totals: Totals
    over_horizon: Decimal
    obligations: int = field(default=0)

    @property
    def total(self) -> Decimal:
        """The recurring cost a year: what «your yearly cost» means."""
        return self.totals.recurring


def hourly_rate_from_wage(monthly_wage: Decimal, monthly_hours: Decimal = MONTHLY_HOURS) -> Decimal:
    """Order 669's tariff: the average monthly wage over the working hours of a month."""
    if monthly_wage < 0 or monthly_hours <= 0:
        raise ValueError("the wage must not be negative and the month must have hours")
    return (monthly_wage / monthly_hours).quantize(KOPECK, ROUND_HALF_UP)


def obligation_for(
    key,
    act: str,
    title: str,
    *,
    hours: Decimal,
    acquisitions: Decimal,
    frequency: Decimal,
    familiarisation_hours: Decimal,
    population: Decimal = Decimal(1),
) -> Obligation:
    """Steps 1–2 for a registry requirement: its familiarisation once, then its own action as often as it recurs."""
    actions = []
    if familiarisation_hours > 0:
        actions.append(Action("familiarisation", familiarisation_hours, ZERO, Decimal(1), one_off=True))
    if frequency > 0:
        actions.append(Action("recurring", hours, acquisitions, frequency))
    return Obligation(key, act, title, tuple(actions), population)


def _money(value: Decimal) -> Decimal:
    return value.quantize(KOPECK, ROUND_HALF_UP)


def action_cost(obligation: Obligation, action: Action, assumptions: Assumptions) -> ActionCost:
    price = action.hours * assumptions.hourly_rate + action.acquisitions
    times = Decimal(1) if action.one_off else action.frequency
    per_business = _money(price * times)
    return ActionCost(
        obligation=obligation,
        action=action,
        price=_money(price),
        per_business=per_business,
        total=_money(price * times * obligation.population),
        hours=action.hours * times * obligation.population,
    )


def horizon_total(recurring: Decimal, one_off: Decimal, years: int, discount_rate: Decimal) -> Decimal:
    """One-off now plus the recurring cost in each of `years` years, each discounted to today (SCM-1, NPV)."""
    factor = sum((1 / (1 + discount_rate) ** year for year in range(years)), ZERO)
    return _money(one_off + recurring * factor)


def calculate(obligations: Iterable[Obligation], assumptions: Assumptions) -> Report:
    """All seven steps over the obligations given (steps 1–2 are the caller's, via `obligation_for`)."""
    lines: list[ActionCost] = []
    by_act: dict[str, Totals] = {}
    count = 0
    for obligation in obligations:
        count += 1
        for action in obligation.actions:
            line = action_cost(obligation, action, assumptions)
            lines.append(line)
            part = (
                Totals(one_off=line.total, hours_one_off=line.hours)
                if action.one_off
                else Totals(recurring=line.total, hours_recurring=line.hours)
            )
            by_act[obligation.act] = by_act.get(obligation.act, Totals()) + part
    totals = sum(by_act.values(), Totals())
    ordered = dict(sorted(by_act.items(), key=lambda kv: (-kv[1].recurring, -kv[1].one_off, kv[0])))
    return Report(
        assumptions=assumptions,
        lines=lines,
        by_act=ordered,
        totals=totals,
        over_horizon=horizon_total(
            totals.recurring, totals.one_off, assumptions.horizon_years, assumptions.discount_rate
        ),
        obligations=count,
    )
