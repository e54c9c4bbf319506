"""The contacts part of the operator's client card (appeals/client_card.py): only the channels the client switched
on for us to use, in their order; the cabinet has no address to show."""

from clientcentric.core.models import Channel

from .models import Subscription


def allowed_contacts(person, agency_id) -> dict:
    subscription = Subscription.objects.filter(person=person).prefetch_related("channels").first()
    if subscription is None:
        return {}
    rows = sorted(subscription.channels.all(), key=lambda c: (c.position, c.channel))
    return {
        "contacts": [
            (str(Channel(row.channel).label), row.address) for row in rows if row.is_enabled and row.address
        ]
    }
