"""Which typical need, and so which life situation, an appeal's topic is evidence of."""

from clientcentric.core.process_cache import ProcessCache
from clientcentric.registry.models import LifeSituation, Need

from .models import NeedTopic


def _normalised(topic: str) -> str:
    # Topic lists are typed by people: «ё» and «е», doubled spaces and case vary between sources.
    return " ".join(topic.lower().replace("ё", "е").split())


def _load() -> dict[str, tuple[int, int | None]]:
    first_situation = {}
    for need_id, situation_id in Need.life_situations.through.objects.order_by(
        "lifesituation__sort_order", "lifesituation__name"
    ).values_list("need_id", "lifesituation_id"):
        first_situation.setdefault(need_id, situation_id)
    return {
        _normalised(topic): (need_id, first_situation.get(need_id))
        for topic, need_id in NeedTopic.objects.values_list("topic", "need_id")
    }


_by_topic = ProcessCache(_load).invalidate_on(NeedTopic, Need, LifeSituation)


def for_topic(topic: str) -> tuple[int | None, int | None]:
    """(need id, life situation id) for an appeal topic; (None, None) when no need lists it."""
    return _by_topic.get().get(_normalised(topic), (None, None)) if topic else (None, None)
