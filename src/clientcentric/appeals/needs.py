"""Which typical need, and so which life situation, an appeal's topic is evidence of."""

from typing import NamedTuple

from clientcentric.core.process_cache import ProcessCache
from clientcentric.registry.models import LifeSituation, Need

from .models import NeedTopic


class TopicNeed(NamedTuple):
    need: Need | None
    life_situation: LifeSituation | None


NO_NEED = TopicNeed(None, None)


def _normalised(topic: str) -> str:
    # Topic lists are typed by people: «ё» and «е», doubled spaces and case vary between sources.
    return " ".join(topic.lower().replace("ё", "е").split())


def _load() -> dict[str, TopicNeed]:
    # The rows themselves are kept, not only their ids, so that an appeal shows its need's and situation's codes
    # without asking the database again at every intake (docs/appeals.md, "Intake throughput").
    topics = list(NeedTopic.objects.values_list("topic", "need_id"))
    need_ids = {need_id for _topic, need_id in topics}
    needs = Need.objects.in_bulk(need_ids)
    first_situation = {}
    for link in (
        Need.life_situations.through.objects.filter(need_id__in=need_ids)
        .select_related("lifesituation")
        .order_by("lifesituation__sort_order", "lifesituation__name")
    ):
        first_situation.setdefault(link.need_id, link.lifesituation)
    return {
        _normalised(topic): TopicNeed(needs[need_id], first_situation.get(need_id))
        for topic, need_id in topics
    }


_by_topic = ProcessCache(_load).invalidate_on(NeedTopic, Need, LifeSituation)


def for_topic(topic: str) -> TopicNeed:
    """The need and its first life situation for an appeal topic; (None, None) when no need lists it."""
    return _by_topic.get().get(_normalised(topic), NO_NEED) if topic else NO_NEED
