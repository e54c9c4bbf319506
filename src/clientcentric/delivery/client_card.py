"""The delivery part of the operator's client card (appeals/client_card.py): the client's requests and open offers
for the operator's agency."""

from clientcentric.core.client_card import LIMIT

from .models import Offer, ServiceRequest


def requests_and_offers(person, agency_id) -> dict:
    return {
        "requests": list(
            ServiceRequest.objects.filter(client=person, service__agency_id=agency_id)
            .select_related("service")
            .order_by("-id")[:LIMIT]
        ),
        "offers": list(
            Offer.objects.filter(client=person, service__agency_id=agency_id, status=Offer.Status.OPEN)
            .select_related("service")
            .order_by("-id")[:LIMIT]
        ),
    }
