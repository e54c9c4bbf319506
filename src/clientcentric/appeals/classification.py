"""Topic and executor predictions for an appeal, from the newest trained models."""

from dataclasses import dataclass
from functools import lru_cache

from clientcentric.core.process_cache import ProcessCache
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


def classify_many(texts: list[str], districts: list[str] | None = None, k: int = 3) -> list[Prediction]:
    extra = [{"district": d} for d in districts] if districts else None
    results = {}
    for target in (ClassifierModel.Target.CATEGORY, ClassifierModel.Target.EXECUTOR):
        model = active_model(target)
        results[target] = model.predict_top(texts, extra, k=k) if model else [[] for _ in texts]
    return [
        _prediction(categories, executors)
        for categories, executors in zip(results["category"], results["executor"], strict=True)
    ]


def _prediction(categories: list, executors: list) -> Prediction:
    return Prediction(
        category=categories[0][0] if categories else "",
        category_top=tuple(categories),
        executor=executors[0][0] if executors else "",
        executor_top=tuple(executors),
        confidence=min(p[0][1] for p in (categories, executors) if p) if (categories or executors) else 0.0,
    )


def classify(text: str, district: str = "", k: int = 3) -> Prediction:
    """One appeal at intake: the models' single-text path, the same answer as :func:`classify_many`."""
    extra = {"district": district} if district else None
    tops = {}
    for target in (ClassifierModel.Target.CATEGORY, ClassifierModel.Target.EXECUTOR):
        model = active_model(target)
        tops[target] = model.single_text.top(text, extra, k=k) if model else []
    return _prediction(tops["category"], tops["executor"])
