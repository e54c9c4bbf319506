"""Reads of appeals: the public tracker, the operator's queue, similar open appeals."""

import math
import threading
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import QuerySet
from django.utils import timezone

from clientcentric.accounts.models import Agency

from . import classification
from .acknowledgement import code_matches
from .models import Answer, Appeal, Status
from .workflow import OPEN_STATUSES

SIMILAR_WINDOW = timedelta(days=30)


def tracked_appeal(number: str, user) -> Appeal | None:
    """The tracker page of one appeal: public once routed and published; otherwise only its author sees it."""
    appeal = (
        Appeal.objects.select_related("executor", "policy", "need", "life_situation")
        .prefetch_related("events", "answers")
        .with_number(number)
        .first()
    )
    if appeal is None:
        return None
    is_author = user.is_authenticated and appeal.author_id == user.pk
    if (appeal.status == Status.NEEDS_ROUTING or not appeal.is_published) and not is_author:
        return None
    return appeal


def appeal_by_code(number: str, code: str) -> Appeal | None:
    """The appeal a number and its confirmation code open, whatever its status or publication; else None."""
    appeal = (
        Appeal.objects.select_related("executor", "policy")
        .prefetch_related("events", "answers")
        .with_number(number)
        .first()
    )
    return appeal if appeal is not None and code_matches(appeal, code) else None


@dataclass(frozen=True)
class RoutingSuggestion:
    """The trained models' best guesses for one appeal, best first, each with its probability."""

    topics: tuple[tuple[str, float], ...] = ()
    # (agency, probability) for predicted executors that name an active agency here; a name the model learnt
    # from history that is no agency here cannot be routed to, and is listed apart.
    executors: tuple[tuple[Agency, float], ...] = ()
    unknown_executors: tuple[tuple[str, float], ...] = ()

    @property
    def best(self) -> tuple[str, Agency] | None:
        """The one-click choice: the most probable topic and executor, when both exist."""
        return (self.topics[0][0], self.executors[0][0]) if self.topics and self.executors else None


def awaiting_routing(limit: int = 100) -> list[tuple[Appeal, RoutingSuggestion]]:
    """Appeals no rule or confident prediction could route, soonest deadline first, with the models' top 3."""
    waiting = list(
        Appeal.objects.filter(status=Status.NEEDS_ROUTING)
        .select_related("policy")
        .order_by("deadline_at")[:limit]
    )
    agencies = {agency.name: agency for agency in Agency.objects.filter(is_active=True)}
    found = []
    for appeal in waiting:
        # The single-text path, as at intake: the desk shows the very probabilities intake weighed.
        prediction = classification.classify_appeal(appeal)
        found.append(
            (
                appeal,
                RoutingSuggestion(
                    topics=tuple(prediction.category_top),
                    executors=tuple((agencies[n], p) for n, p in prediction.executor_top if n in agencies),
                    unknown_executors=tuple((n, p) for n, p in prediction.executor_top if n not in agencies),
                ),
            )
        )
    return found


def awaiting_routing_summary(limit: int = 10) -> tuple[int, list[Appeal]]:
    """How many appeals wait for a router, and the first few by deadline (the operator's queue shows them)."""
    waiting = Appeal.objects.filter(status=Status.NEEDS_ROUTING)
    return waiting.count(), list(waiting.select_related("policy").order_by("deadline_at")[:limit])


def public_appeals(*, district=None, topic=None, status=None) -> QuerySet[Appeal]:
    queryset = (
        Appeal.objects.select_related("executor", "policy", "need", "life_situation")
        .filter(is_published=True)
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


class _OpenAppealIndex:
    """Near-duplicate index of recent open appeals, kept per process and brought up to date on each use.

    Building MinHash signatures costs about a millisecond a text, so the index is not rebuilt per request:
    only appeals that appeared since the last use are added and those no longer open are removed.
    """

    def __init__(self):
        self.lock = threading.Lock()
        self.index = None
        self.indexed: set[tuple[int, object]] = set()

    def similar(self, text: str, limit: int) -> list[tuple[int, float]]:
        from clientcentric.engines.text.near_duplicates import NearDuplicateIndex

        current = set(
            Appeal.objects.filter(
                status__in=OPEN_STATUSES - {Status.NEEDS_ROUTING},
                registered_at__gte=timezone.now() - SIMILAR_WINDOW,
            ).values_list("id", "registered_at")[:MAX_INDEXED]
        )
        with self.lock:
            if self.index is None:
                self.index = NearDuplicateIndex()
            # Keyed by registration time too, so a reused primary key (as in tests) is never mistaken.
            for gone, _registered in self.indexed - current:
                self.index.remove(gone)
            new = {pk for pk, _registered in current - self.indexed}
            for pk, body in Appeal.objects.filter(pk__in=new).values_list("id", "text"):
                self.index.add(pk, body)
            self.indexed = current
            return self.index.similar(text, limit=limit)


MAX_INDEXED = 20_000
_open_index = _OpenAppealIndex()


def similar_open_appeals(
    text: str,
    *,
    district: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    limit: int = 5,
    object_kind: str = "",
) -> list[tuple[Appeal, float]]:
    """Open appeals of the last 30 days that look like the same problem, best first.

    Near-identical text (in the same district when one is given, and within a kilometre when both have a point),
    then — when the author has pointed at the map — open appeals on the same topic within about 300 m.
    """
    hits = _open_index.similar(text, limit=limit * 4)
    # Only published appeals are offered: a private message must not surface through its likeness.
    appeals = Appeal.objects.filter(is_published=True).in_bulk([pk for pk, _score in hits])
    found = [(appeals[pk], score) for pk, score in hits if pk in appeals]
    if district:
        found = [(appeal, score) for appeal, score in found if appeal.district in ("", district)]
    if latitude is not None and longitude is not None:
        found = [(a, s) for a, s in found if a.latitude is None or _metres(a, latitude, longitude) <= 1000]
        seen = {appeal.pk for appeal, _score in found}
        found += [
            (appeal, 0.0)
            for appeal in _same_topic_nearby(text, latitude, longitude, object_kind)
            if appeal.pk not in seen
        ]
    return found[:limit]


NEARBY_METRES = 300


def _metres(appeal: Appeal, latitude: float, longitude: float) -> float:
    # An equirectangular approximation: exact enough within a city, and no GIS extension needed.
    dy = (float(appeal.latitude) - latitude) * 111_320
    dx = (float(appeal.longitude) - longitude) * 111_320 * math.cos(math.radians(latitude))
    return math.hypot(dx, dy)


def _same_topic_nearby(text: str, latitude: float, longitude: float, object_kind: str = "") -> list[Appeal]:
    topic = classification.classify(text, object_kind=object_kind).category  # the topic intake will assign
    if not topic:
        return []
    box = NEARBY_METRES / 111_320
    candidates = Appeal.objects.filter(
        status__in=OPEN_STATUSES - {Status.NEEDS_ROUTING},
        is_published=True,
        topic=topic,
        registered_at__gte=timezone.now() - SIMILAR_WINDOW,
        latitude__range=(latitude - box, latitude + box),
        longitude__range=(longitude - box * 2, longitude + box * 2),
    ).order_by("-registered_at")[:20]
    return [appeal for appeal in candidates if _metres(appeal, latitude, longitude) <= NEARBY_METRES]


def answer_template_version(value: str):
    """The knowledge-base template version an answer form names by its id, if it is a real one.

    Reached through the answer's own foreign key, so appeals does not import knowledge (knowledge builds on
    appeals, not the other way round).
    """
    model = Answer._meta.get_field("template_version").related_model
    return model.objects.filter(pk=value).first() if value.isdigit() else None
