"""247-ФЗ checks of an act that sets mandatory requirements: the elements of article 10 (OT-2) and the term of
validity of at most six years for a subordinate act (OT-3). Plain data in, problem codes out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

MAX_TERM_YEARS = 6  # OT-3: a subordinate act setting requirements is valid at most six years
SOON_DAYS = 180  # an act ends «soon» within half a year: time enough to prepare a new one


@dataclass(frozen=True)
class ActFacts:
    is_law: bool  # a federal law or code: the six-year term does not bind it
    content_items: int  # requirements (conditions, restrictions, bans, duties) the act holds
    obligated: str  # who must comply
    objects: str  # the activity, objects or results governed (a rule or words)
    assessment_forms: str
    supervisory_body: str
    effective_from: date | None
    effective_to: date | None


ELEMENT_CODES = ("no_content", "no_obligated", "no_objects", "no_assessment_forms", "no_supervisory_body")


def missing_elements(facts: ActFacts) -> list[str]:
    """The elements of article 10 the act does not define, in the law's order."""
    missing = []
    if facts.content_items == 0:
        missing.append("no_content")
    if not facts.obligated.strip():
        missing.append("no_obligated")
    if not facts.objects.strip():
        missing.append("no_objects")
    if not facts.assessment_forms.strip():
        missing.append("no_assessment_forms")
    if not facts.supervisory_body.strip():
        missing.append("no_supervisory_body")
    return missing


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class Term:
    status: str  # "law", "no_term", "too_long", "expired", "ends_soon", "valid", "not_in_force"
    ends_on: date | None
    days_left: int | None


def term(facts: ActFacts, today: date) -> Term:
    """Where the act stands against its term of validity on `today`."""
    if facts.is_law:
        return Term("law", facts.effective_to, None)
    if facts.effective_to is None:
        return Term("no_term", None, None)
    days_left = (facts.effective_to - today).days
    if days_left < 0:
        return Term("expired", facts.effective_to, days_left)
    if facts.effective_from and facts.effective_to > add_years(facts.effective_from, MAX_TERM_YEARS):
        return Term("too_long", facts.effective_to, days_left)
    if facts.effective_from and facts.effective_from > today:
        return Term("not_in_force", facts.effective_to, days_left)
    if days_left <= SOON_DAYS:
        return Term("ends_soon", facts.effective_to, days_left)
    return Term("valid", facts.effective_to, days_left)
