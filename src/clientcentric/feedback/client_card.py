"""The ratings part of the operator's client card (appeals/client_card.py): how the client rated the agency."""

from django.db.models import Avg

from .models import Response


def ratings(person, agency_id) -> dict:
    given = Response.objects.filter(person=person, agency_id=agency_id)
    return {
        "ratings": {
            "count": given.count(),
            "average": given.filter(answers__value__isnull=False).aggregate(v=Avg("answers__value"))["v"],
            "latest": list(given.order_by("-submitted_at").values_list("submitted_at", "comment")[:3]),
        }
    }
