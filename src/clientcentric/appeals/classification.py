"""Topic and executor predictions for an appeal, from the newest trained models."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from django.db import DatabaseError

from clientcentric.core.process_cache import ProcessCache
from clientcentric.engines.text.places import TOPIC_TOP, address_features

if TYPE_CHECKING:
    from clientcentric.engines.text.classifier import TrainedClassifier

from .models import ClassifierModel


@dataclass(frozen=True)
class Prediction:
    category: str = ""
    category_top: tuple = ()
    executor: str = ""
    executor_top: tuple = ()
    confidence: float = 0.0


@lru_cache(maxsize=4)
def _load(model_id: int, trained_at) -> TrainedClassifier:
    # scikit-learn is imported here, with the first model, not when Django starts (a second of every command's
    # start); the web and Celery workers load it before their first appeal (config/warmup.py).
    from clientcentric.engines.text.classifier import TrainedClassifier

    # Keyed by the training time too, so a reused primary key never serves another model.
    return TrainedClassifier.from_bytes(bytes(ClassifierModel.objects.get(pk=model_id).data))


def _newest_active_models() -> dict[str, tuple]:
    newest = {}
    for target, model_id, trained_at in (
        ClassifierModel.objects.filter(is_active=True)
        .order_by("-trained_at", "-id")
        .values_list("target", "id", "trained_at")
    ):
        newest.setdefault(target, (model_id, trained_at))
    return newest


# Which model serves each target, without a query per appeal; a newly trained model takes over within seconds.
_active = ProcessCache(_newest_active_models).invalidate_on(ClassifierModel)


def active_model(target: str) -> TrainedClassifier | None:
    newest = _active.get().get(target)
    return _load(*newest) if newest else None


def classify_many(
    texts: list[str],
    districts: list[str] | None = None,
    addresses: list[str] | None = None,
    k: int = 3,
    *,
    municipalities: list[str] | None = None,
    object_kinds: list[str] | None = None,
) -> list[Prediction]:
    """Topic first (text + the address's words + the kind of object), then the executor given the topic's
    probabilities, the district, the municipality and the kind of object (the router)."""
    districts = districts or [""] * len(texts)
    addresses = addresses or [""] * len(texts)
    municipalities = municipalities or [""] * len(texts)
    object_kinds = object_kinds or [""] * len(texts)
    extra = [address_features(a) for a in addresses]
    topic_model = active_model(ClassifierModel.Target.CATEGORY)
    executor_model = active_model(ClassifierModel.Target.EXECUTOR)
    topic_tops = (
        topic_model.predict_top(texts, extra, k=max(k, TOPIC_TOP), object_kinds=object_kinds)
        if topic_model
        else [[] for _ in texts]
    )
    executors = (
        executor_model.route_top(
            texts,
            districts,
            topic_tops,
            k=k,
            addresses=addresses,
            municipalities=municipalities,
            object_kinds=object_kinds,
        )
        if executor_model
        else [[] for _ in texts]
    )
    return [_prediction(topics[:k], routed) for topics, routed in zip(topic_tops, executors, strict=True)]


def _prediction(categories: list, executors: list) -> Prediction:
    return Prediction(
        category=categories[0][0] if categories else "",
        category_top=tuple(categories),
        executor=executors[0][0] if executors else "",
        executor_top=tuple(executors),
        confidence=min(p[0][1] for p in (categories, executors) if p) if (categories or executors) else 0.0,
    )


def classify(
    text: str,
    district: str = "",
    address: str = "",
    k: int = 3,
    *,
    municipality: str = "",
    object_kind: str = "",
) -> Prediction:
    """One appeal at intake: the models' single-text path, the same answer as :func:`classify_many`."""
    topic_model = active_model(ClassifierModel.Target.CATEGORY)
    executor_model = active_model(ClassifierModel.Target.EXECUTOR)
    extra = address_features(address)
    topics = (
        topic_model.single_text.top(text, extra, k=max(k, TOPIC_TOP), object_kind=object_kind)
        if topic_model
        else []
    )
    executors = (
        executor_model.route_one(
            text, district, topics, k=k, address=address, municipality=municipality, object_kind=object_kind
        )
        if executor_model
        else []
    )
    return _prediction(topics[:k], executors)


def classify_appeal(appeal, k: int = 3) -> Prediction:
    """A stored appeal's prediction from everything intake read: its text and its place."""
    return classify(
        appeal.text,
        district=appeal.district,
        address=appeal.address,
        k=k,
        municipality=appeal.municipality,
        object_kind=appeal.object_kind,
    )


def warm() -> bool:
    """Load the active models and put one text through them, so a worker's first appeal does not wait.

    Loading a model (unpickling, the lemma table, pymorphy3's dictionaries, the single-text path) takes 1–3 s;
    called when a web or Celery worker process starts. False when there is no model (or no table yet).
    """
    try:
        if not any(active_model(target) for target in ClassifierModel.Target.values):
            return False
    except DatabaseError:  # no database or no table yet (a fresh install before `migrate`)
        return False
    classify("Прогрев: не работает лифт в подъезде", district="", address="дом 1")
    return True
