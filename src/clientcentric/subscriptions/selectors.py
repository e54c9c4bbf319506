from django.db.models import Q

from clientcentric.core.models import Channel
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
        channels = {Channel.EMAIL: (person.email or "", bool(person.email))}
        frequency = "immediate"
    else:
        chosen = [(t.topic, t.key) for t in subscription.topics.all()]
        channels = {c.channel: (c.address, c.is_enabled) for c in subscription.channels.all()}
        frequency = subscription.frequency
    offered = services.available_channels()
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
