"""Reads for the Standard Cost Model: a business's own cost and a developer's burden over the population.

Steps 1–2 happen here (which requirements are obligations, which actions they carry); the engine does the rest.
A recommendation («рекомендуется») is not an obligation and is never costed; an item the business disputes is
not costed for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils import timezone

from clientcentric.engines.requirements import cost as scm

from .models import Act, Assessment, BusinessProfile, Requirement

COST_FIELDS = ("cost_hours", "cost_out_of_pocket", "cost_frequency")


def is_recommendation(requirement) -> bool:
    """A non-mandatory clause: the registry's flag where it has one, else the item's wording."""
    flag = (
        requirement.get("is_recommendation")
        if isinstance(requirement, dict)
        else getattr(requirement, "is_recommendation", None)
    )
    if flag is not None:
        return bool(flag)
    text = requirement["text"] if isinstance(requirement, dict) else requirement.text
    return scm.is_recommendation(text)


def _own(assessment, row, name):
    mine = getattr(assessment, name) if assessment is not None else None
    return row[name] if mine is None else mine


def assumptions_for(profile: BusinessProfile, **changes) -> scm.Assumptions:
    return scm.Assumptions(hourly_rate=profile.hourly_rate, **changes)


def business_cost(
    profile: BusinessProfile, entries, assumptions: scm.Assumptions | None = None
) -> scm.Report:
    """SCM over the personal list's entries that apply; the business's own figures replace the registry's."""
    assumptions = assumptions or assumptions_for(profile)
    obligations = []
    for entry in entries:
        row, mine = entry.requirement, entry.assessment
        if mine is not None and mine.applies == Assessment.Applies.DISPUTED:
            continue
        if is_recommendation(row) or _own(mine, row, "cost_frequency") == 0:
            continue
        obligations.append(
            scm.obligation_for(
                row["id"],
                entry.act.code,
                row["cost_activity"] or row["text"][:300],
                hours=_own(mine, row, "cost_hours"),
                acquisitions=_own(mine, row, "cost_out_of_pocket"),
                frequency=_own(mine, row, "cost_frequency"),
                familiarisation_hours=assumptions.familiarisation_hours,
            )
        )
    return scm.calculate(obligations, assumptions)


@dataclass
class Burden:
    """A developer's view of one act: the report over the population and what the population rests on."""

    act: Act
    report: scm.Report
    businesses: int  # profiles on the platform
    applies: dict[int, int]  # requirement id → profiles it applies to
    population: Decimal  # the act's population the figures are scaled to
    scaled: bool  # True: population given by the developer, platform shares scaled to it


def act_burden(
    act: Act,
    assumptions: scm.Assumptions,
    population: Decimal | None = None,
    on: date | None = None,
) -> Burden:
    """Steps 1–7 for one act over every business it touches (SCM-3's aggregate burden).

    The population of an item is the number of platform businesses it applies to; given the act's population
    (say, Rosstat's count of businesses in scope), each item's share among the platform's businesses is scaled to it.
    """
    on = on or timezone.localdate()
    rows = list(
        Requirement.objects.filter(act=act, cost_frequency__gt=0, is_repealed=False)
        .order_by("position")
        .values("id", "item_no", "chapter", "text", "cost_activity", *COST_FIELDS)
    )
    rows = [row for row in rows if not is_recommendation(row)]
    counted, in_scope = _count_applies(act, on)
    applies = {row["id"]: counted.get(row["id"], 0) for row in rows}
    scaled = population is not None and in_scope > 0
    obligations = []
    for row in rows:
        count = Decimal(applies[row["id"]])
        people = (count / in_scope * population).quantize(Decimal(1)) if scaled else count
        if people == 0:
            continue
        obligations.append(
            scm.obligation_for(
                row["id"],
                act.code,
                row["cost_activity"] or row["text"][:300],
                hours=row["cost_hours"],
                acquisitions=row["cost_out_of_pocket"],
                frequency=row["cost_frequency"],
                familiarisation_hours=assumptions.familiarisation_hours,
                population=people,
            )
        )
    return Burden(
        act=act,
        report=scm.calculate(obligations, assumptions),
        businesses=in_scope,
        applies=applies,
        population=population if scaled else Decimal(in_scope),
        scaled=scaled,
    )


def _count_applies(act: Act, on: date) -> tuple[dict[int, int], int]:
    """How many businesses each item of an act applies to, and how many the act touches at all."""
    from .selectors import applying_items  # every business's list, decided once and shared with the summary

    items = set(Requirement.objects.filter(act=act, is_repealed=False).values_list("id", flat=True))
    applies: dict[int, int] = dict.fromkeys(items, 0)
    in_scope = 0  # businesses at least one item of the act applies to, costed or not
    for applying in applying_items.get(on.isoformat()).values():
        hits = items & applying
        for rid in hits:
            applies[rid] += 1
        in_scope += bool(hits)
    return applies, in_scope
