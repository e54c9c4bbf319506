"""Where satisfaction evidence comes from. The feedback app (issue 5) is built in parallel; until it is merged,
the live source answers None and only imported evidence (EvidenceRecord.satisfied) speaks to satisfaction.

Point `live_satisfaction` at the feedback app's selector when it lands; nothing else here needs to change.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps


@dataclass(frozen=True)
class Satisfaction:
    satisfied: int
    rated: int
    source: str

    @property
    def share(self) -> float | None:
        return self.satisfied / self.rated if self.rated else None


def live_satisfaction(*, life_situation_code: str) -> Satisfaction | None:
    """Ratings given on the platform for appeals of this life situation; None while no feedback app exists."""
    if not apps.is_installed("clientcentric.feedback"):
        return None
    try:
        from clientcentric.feedback import selectors  # noqa: PLC0415 - optional app
    except ImportError:
        return None
    reader = getattr(selectors, "satisfaction_for_life_situation", None)
    if reader is None:
        return None
    result = reader(life_situation_code)
    if result is None:
        return None
    return Satisfaction(satisfied=result["satisfied"], rated=result["rated"], source="feedback")


def live_satisfaction_for_needs(need_codes: list[str], *, since=None, until=None) -> Satisfaction | None:
    """Platform ratings about these needs in [since, until); None while no feedback app provides them."""
    if not apps.is_installed("clientcentric.feedback"):
        return None
    try:
        from clientcentric.feedback import selectors  # noqa: PLC0415 - optional app
    except ImportError:
        return None
    reader = getattr(selectors, "satisfaction_for_needs", None)
    result = reader(need_codes, since=since, until=until) if reader is not None else None
    if result is None:
        return None
    return Satisfaction(satisfied=result["satisfied"], rated=result["rated"], source="feedback")
