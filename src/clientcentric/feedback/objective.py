"""Objective measures read from the delivery app's requests and offers, for the analyst's table and the
public quarter: time to submit, completion rate, one-click and 5-minute shares (engines/metrics/objective).

Only the service and agency dimensions exist on a request; other breakdowns (touchpoint, segment, …) do not
get these columns rather than repeating one service's figure on every row.
"""

from collections import defaultdict
from datetime import date

from django.db.models import Count as CountOf
from django.db.models import Q

from clientcentric.delivery.models import Offer, ServiceRequest
from clientcentric.engines import metrics

DIMENSIONS = {"service_id": "service_id", "agency_id": "service__agency_id"}


def applies_to(group_by: tuple[str, ...]) -> bool:
    return bool(group_by) and set(group_by) <= set(DIMENSIONS)


def _bounds(months: list[date]) -> tuple[date, date]:
    last = months[-1]
    after = date(last.year + 1, 1, 1) if last.month == 12 else date(last.year, last.month + 1, 1)
    return months[0], after


def effort_by(group_by: tuple[str, ...], months: list[date]) -> dict[tuple, metrics.Effort]:
    """Requests submitted in the period, per group: time to submit, one-click and 5-minute shares."""
    start, end = _bounds(months)
    fields = [DIMENSIONS[name] for name in group_by]
    rows = ServiceRequest.objects.filter(
        submitted_at__date__gte=start, submitted_at__date__lt=end
    ).values_list(*fields, "seconds", "fields_typed", "steps")
    grouped: dict[tuple, list] = defaultdict(list)
    for *key, seconds, typed, steps in rows.iterator(chunk_size=5000):
        grouped[tuple(key)].append(metrics.Transaction(seconds or 0.0, typed, steps))
    return {key: metrics.effort(items) for key, items in grouped.items()}


def completion_by(group_by: tuple[str, ...], months: list[date]) -> dict[tuple, metrics.Share]:
    """Proactive offers made in the period (the transactions started for the client) and, of them, those the
    client completed by sending the request. Offers the platform withdrew (consent revoked, death registered)
    are not starts; offers still open count as not completed yet, so a recent period's rate still rises."""
    start, end = _bounds(months)
    fields = [DIMENSIONS[name] for name in group_by]
    rows = (
        Offer.objects.filter(kind=Offer.Kind.OFFER, created_at__date__gte=start, created_at__date__lt=end)
        .exclude(status=Offer.Status.WITHDRAWN)
        .values(*fields)
        .annotate(started=CountOf("id"), completed=CountOf("id", filter=Q(status=Offer.Status.ACCEPTED)))
        .order_by()
    )
    return {
        tuple(row[f] for f in fields): metrics.completion(row["started"], row["completed"]) for row in rows
    }
