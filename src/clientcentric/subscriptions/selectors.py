from django.db.models import Q

from clientcentric.core.models import Channel, InboxMessage
from clientcentric.registry.models import FaqEntry

from . import services, topics
from .models import Subscription


def knowledge_base_topics() -> list[str]:
    """Topics a person may follow in the knowledge base: those the FAQ entries are filed under."""
    return sorted(
        {
            t
            for t in FaqEntry.objects.exclude(Q(topic="") | Q(topic__isnull=True)).values_list(
                "topic", flat=True
            )
        }
    )


def preferences_of(person) -> dict:
    """A person's settings as the page and the API show them; nothing is created by reading."""
    subscription = Subscription.objects.filter(person=person).prefetch_related("channels", "topics").first()
    if subscription is None:
        chosen = [(topics.APPEALS, "")]
        channels = {Channel.EMAIL: (person.email or "", bool(person.email)), Channel.CABINET: ("", True)}
        frequency = "immediate"
    else:
        chosen = [(t.topic, t.key) for t in subscription.topics.all()]
        channels = {c.channel: (c.address, c.is_enabled) for c in subscription.channels.all()}
        if Channel.CABINET not in channels and subscription.person_id:
            channels[Channel.CABINET] = (
                "",
                True,
            )  # routes_of adds the cabinet last unless it was switched off
        frequency = subscription.frequency
    offered = services.available_channels()
    # The client's order of preference first; channels they never placed follow in the platform's order.
    positions = {} if subscription is None else {c.channel: c.position for c in subscription.channels.all()}
    after = max(positions.values(), default=-1) + 1
    # Unplaced channels come after the placed ones; the cabinet before the rest (it is used as the last resort).
    default_order = {Channel.EMAIL: after, Channel.CABINET: after + 1}
    offered.sort(key=lambda c: (positions.get(c, default_order.get(c, after + 2)), Channel.values.index(c)))
    return {
        "frequency": frequency,
        "topics": [{"topic": t, "key": k, "label": topics.label(t, k)} for t, k in chosen],
        "channels": [
            {
                "channel": c,
                "label": str(Channel(c).label),
                "address": channels.get(c, ("", False))[0],
                "enabled": channels.get(c, ("", False))[1],
            }
            for c in offered
        ],
    }


def inbox_of(person, limit: int = 100) -> list:
    """The newest messages of a person's cabinet (their own copies; nobody else's)."""
    return list(InboxMessage.objects.filter(person=person).order_by("-created_at", "-id")[:limit])
