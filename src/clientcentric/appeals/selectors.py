"""Reads of appeals: the public tracker, the operator's queue, similar open appeals."""

from datetime import timedelta

from django.db.models import QuerySet
from django.utils import timezone

from .models import Appeal, Status
from .workflow import OPEN_STATUSES

SIMILAR_WINDOW = timedelta(days=30)


def public_appeals(*, district=None, topic=None, status=None) -> QuerySet[Appeal]:
    queryset = (
        Appeal.objects.select_related("executor", "policy")
        .exclude(status=Status.NEEDS_ROUTING)
        .order_by("-registered_at")
    )
    if district:
        queryset = queryset.filter(district=district)
    if topic:
        queryset = queryset.filter(topic=topic)
    if status:
        queryset = queryset.filter(status=status)
    return queryset


def queue_for(user, view: str = "all") -> QuerySet[Appeal]:
    """An operator's queue: their agency's open appeals, soonest deadline first."""
    queryset = Appeal.objects.filter(status__in=OPEN_STATUSES).select_related(
        "executor", "assignee", "policy"
    )
    if not user.is_superuser:
        queryset = queryset.filter(executor=user.agency)
    now = timezone.now()
    if view == "overdue":
        queryset = queryset.filter(deadline_at__lt=now)
    elif view == "at_risk":
        # At risk: due within the next 24 hours.
        queryset = queryset.filter(deadline_at__gte=now, deadline_at__lt=now + timedelta(days=1))
    return queryset.order_by("deadline_at")


def similar_open_appeals(text: str, *, district: str = "", limit: int = 5) -> list[tuple[Appeal, float]]:
    """Open appeals of the last 30 days whose text is near-identical, in the same district when one is given."""
    candidates = Appeal.objects.filter(
        status__in=OPEN_STATUSES - {Status.NEEDS_ROUTING}, registered_at__gte=timezone.now() - SIMILAR_WINDOW
    )
    if district:
        candidates = candidates.filter(district=district)
    candidates = list(candidates.only("id", "number", "text", "topic", "district", "supporters_count")[:2000])
    if not candidates:
        return []
    from clientcentric.engines.text.near_duplicates import NearDuplicateIndex

    index = NearDuplicateIndex()
    by_id = {}
    for appeal in candidates:
        index.add(appeal.pk, appeal.text)
        by_id[appeal.pk] = appeal
    return [(by_id[key], score) for key, score in index.similar(text, limit=limit)]
