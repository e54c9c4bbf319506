"""247-ФЗ Art. 3 (OT-1): an act setting mandatory requirements takes effect on 1 March or 1 September, no earlier
than 90 days after its official publication, unless an exception of the law applies."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

MIN_DAYS_AFTER_PUBLICATION = 90
# The law's own exceptions: threats to life and health, defence and state security, emergencies, force majeure.
EXCEPTIONS = ("terrorism", "defence", "emergency", "force_majeure", "federal_law")


@dataclass(frozen=True)
class DateProblem:
    code: str  # "not_1_march_or_1_september" | "too_soon_after_publication" | "before_publication" | ...
    earliest_allowed: date | None = None


def earliest_effective_date(published_on: date) -> date:
    """The first 1 March or 1 September at least 90 days after publication."""
    floor = published_on + timedelta(days=MIN_DAYS_AFTER_PUBLICATION)
    for year in (floor.year, floor.year + 1):
        for month in (3, 9):
            candidate = date(year, month, 1)
            if candidate >= floor:
                return candidate
    raise AssertionError("unreachable: 1 March of the next year is always later")


def check_effective_date(
    effective_from: date | None, published_on: date | None, *, exception: str = ""
) -> list[DateProblem]:
    """What is wrong with an act's entry into force under 247-ФЗ; empty when it is lawful.

    With an exception the two rules do not bind, but the act still cannot take effect before it is published.
    """
    if effective_from is None:
        return [DateProblem("missing_effective_date")]
    if exception and exception not in EXCEPTIONS:
        return [DateProblem("unknown_exception")]
    if published_on is None:
        return [] if exception else [DateProblem("missing_publication_date")]
    if effective_from < published_on:
        return [DateProblem("before_publication")]
    if exception:
        return []
    problems = []
    earliest = earliest_effective_date(published_on)
    if (effective_from.month, effective_from.day) not in ((3, 1), (9, 1)):
        problems.append(DateProblem("not_1_march_or_1_september", earliest))
    if effective_from < published_on + timedelta(days=MIN_DAYS_AFTER_PUBLICATION):
        problems.append(DateProblem("too_soon_after_publication", earliest))
    return problems
