"""Life event → life situations: the back-office table (LifeEventSituation), its seed, and the per-process read.

The table replaces a mapping that used to be code; a methodologist edits it in the back office
(«Жизненные события → жизненные ситуации»). The seed below is the mapping the platform shipped with.
"""

from dataclasses import dataclass
from datetime import date

from clientcentric.core.process_cache import ProcessCache
from clientcentric.engines.rules import Outcome

# (event kind, registry code of the life situation): what a fresh installation starts with.
DEFAULT_MAPPING = (
    ("birth_registered", "birth"),
    ("birth_registered", "large-family"),
    ("child_reached_age", "birth"),
    ("child_reached_age", "large-family"),
    ("pension_age_reached", "retirement"),
    ("address_changed", "relocation"),
    ("job_lost", "job-loss"),
    ("disability_established", "disability"),
    ("business_registered", "business-start"),
    ("death_registered", "death"),
)


def seed(mapping_model=None, situation_model=None) -> int:
    """Migration 0004 imports the seed from here; the rows are written by services."""
    from .services.event_situations import seed as write_seed

    return write_seed(mapping_model, situation_model)


@dataclass(frozen=True)
class Entry:
    situation_id: int
    min_age: int | None
    max_age: int | None
    condition: str

    def applies(self, facts_of) -> bool:
        """`facts_of()` gives the person's facts (derived only when an entry needs them)."""
        if self.min_age is None and self.max_age is None and not self.condition:
            return True
        facts, on = facts_of()
        age = facts.get("age")
        if self.min_age is not None and (age is None or age < self.min_age):
            return False
        if self.max_age is not None and (age is None or age >= self.max_age):
            return False
        if self.condition:
            from clientcentric.rules import eligibility

            from .selectors.rules import cached_parameters

            parameters, names = cached_parameters()
            result = eligibility.compiled(self.condition, names).evaluate(facts, on, parameters)
            return result.outcome == Outcome.ELIGIBLE
        return True


def _load() -> dict[str, list[Entry]]:
    from .models import LifeEventSituation

    by_kind: dict[str, list[Entry]] = {}
    rows = LifeEventSituation.objects.filter(active=True).order_by("event_kind", "life_situation_id")
    for row in rows:
        by_kind.setdefault(row.event_kind, []).append(
            Entry(row.life_situation_id, row.min_age, row.max_age, row.condition)
        )
    return by_kind


_cache: ProcessCache | None = None


def entries(kind: str) -> list[Entry]:
    """The active rows for `kind`, kept per process and reloaded when a row or a life situation changes."""
    global _cache
    if _cache is None:
        from clientcentric.registry.models import LifeSituation

        from .models import LifeEventSituation

        _cache = ProcessCache(_load).invalidate_on(LifeEventSituation, LifeSituation)
    return _cache.get().get(kind, [])


def situations_for(kind: str, profile, on: date) -> list[int]:
    """Ids of the life situations an event of `kind` opens for `profile` on `on`."""
    from clientcentric.rules.facts.person import profile_facts

    cached = []

    def facts_of():
        if not cached:
            cached.append((profile_facts(profile, on), on))
        return cached[0]

    return [entry.situation_id for entry in entries(kind) if entry.applies(facts_of)]
