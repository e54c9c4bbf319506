"""Where satisfaction evidence comes from: the feedback app's solicited answers to its satisfaction question
(top-2 box, one instrument version, the widget sample kept apart — see docs/satisfaction.md), read through
`feedback.selectors`. Imported evidence with a «satisfied» column speaks only where the platform has no ratings.
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


def _feedback_selectors():
    # The feedback app may be left out of INSTALLED_APPS by a deployment that measures satisfaction elsewhere.
    if not apps.is_installed("clientcentric.feedback"):
        return None
    from clientcentric.feedback import selectors  # noqa: PLC0415 - optional app

    return selectors


def _from(result: dict | None) -> Satisfaction | None:
    if not result or not result["rated"]:
        return None
    return Satisfaction(satisfied=result["satisfied"], rated=result["rated"], source="feedback")


def live_satisfaction(*, life_situation_code: str, since=None, until=None) -> Satisfaction | None:
    """Platform ratings about this life situation; None when there are none."""
    selectors = _feedback_selectors()
    if selectors is None:
        return None
    return _from(selectors.satisfaction_for_life_situation(life_situation_code, since=since, until=until))


def live_satisfaction_by_touchpoint(*, life_situation_code: str) -> dict[str, Satisfaction]:
    """Platform ratings about this life situation per touchpoint (portal, call centre, office …)."""
    selectors = _feedback_selectors()
    if selectors is None:
        return {}
    rows = selectors.satisfaction_by_touchpoint_for_life_situation(life_situation_code)
    return {touchpoint: s for touchpoint, row in rows.items() if (s := _from(row)) is not None}


def live_satisfaction_for_needs(need_codes: list[str], *, since=None, until=None) -> Satisfaction:
    """Platform ratings about these needs in [since, until); zero rated when there are none."""
    selectors = _feedback_selectors()
    result = selectors.satisfaction_for_needs(need_codes, since=since, until=until) if selectors else None
    return Satisfaction(
        satisfied=result["satisfied"] if result else 0,
        rated=result["rated"] if result else 0,
        source="feedback",
    )


def live_satisfaction_by_need(need_codes: list[str], *, since=None, until=None) -> dict[str, Satisfaction]:
    """`live_satisfaction_for_needs` for each code alone, computed together."""
    selectors = _feedback_selectors()
    rows = selectors.satisfaction_by_need(need_codes, since=since, until=until) if selectors else {}
    empty = {"satisfied": 0, "rated": 0}
    return {
        code: Satisfaction(satisfied=row["satisfied"], rated=row["rated"], source="feedback")
        for code in need_codes
        for row in [rows.get(code, empty)]
    }
