"""The business ombudsman's queue: open requests first by their answer deadline, then the answered ones."""

from __future__ import annotations

from django.utils import timezone

from ..models import OmbudsmanRequest


def queue(*, answered_limit: int = 20) -> dict:
    today = timezone.localdate()
    base = OmbudsmanRequest.objects.select_related(
        "event__profile__business", "event__control_type__agency", "taken_by", "answered_by"
    )
    open_requests = list(base.exclude(status=OmbudsmanRequest.Status.ANSWERED).order_by("due_on", "pk"))
    for request in open_requests:
        request.overdue = request.overdue_on(today)
    answered = list(
        base.filter(status=OmbudsmanRequest.Status.ANSWERED).order_by("-answered_at")[:answered_limit]
    )
    return {
        "open_requests": open_requests,
        "overdue_count": sum(1 for r in open_requests if r.overdue),
        "answered": answered,
        "today": today,
    }
