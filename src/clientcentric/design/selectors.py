"""Reads for design projects: the monitoring of a launched service (DES-3)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, Sum

from clientcentric.engines import usability
from clientcentric.research.models import EvidenceRecord
from clientcentric.research.satisfaction import Satisfaction, live_satisfaction_for_needs

from .models import DesignProject


@dataclass
class Monitoring:
    before: Satisfaction
    after: Satisfaction
    difference: usability.Interval | None
    source: str


def _imported(needs, period: Q) -> Satisfaction:
    totals = EvidenceRecord.objects.filter(period, need__in=needs, satisfied__isnull=False).aggregate(
        rated=Sum("count"), happy=Sum("count", filter=Q(satisfied=True))
    )
    return Satisfaction(totals["happy"] or 0, totals["rated"] or 0, "imported")


def monitoring(project: DesignProject) -> Monitoring | None:
    """Satisfaction with the project's needs before and after its launch, and the interval of the difference.

    Platform ratings (the feedback app's solicited answers, top-2 box, about the project's needs: the rated appeal's
    need or the rated service's needs) when there are any, else imported evidence with a satisfaction column.
    None until the project is launched.
    """
    if project.launched_on is None:
        return None
    needs = list(project.needs.all())
    codes = [need.code for need in needs]
    before = live_satisfaction_for_needs(codes, until=project.launched_on)
    after = live_satisfaction_for_needs(codes, since=project.launched_on)
    if not (before.rated or after.rated):
        before = _imported(needs, Q(occurred_on__lt=project.launched_on))
        after = _imported(needs, Q(occurred_on__gte=project.launched_on))
    difference = (
        usability.proportion_difference(before.satisfied, before.rated, after.satisfied, after.rated)
        if before.rated and after.rated
        else None
    )
    return Monitoring(before, after, difference, after.source)
