"""Suggested segments: clusters of appeals by topic × place × time × channel, and potential non-users.

K-means on one-hot features groups appeals that share a topic, a district, a time of day and a channel. A cluster
becomes a suggestion when its members agree on some features (≥ 60 % share one value): those features are its
definition, so the suggestion can be saved as a hypothesis and sized exactly like a hand-written one.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from clientcentric.appeals.models import Appeal, Channel

from . import segmentation

MOSCOW = ZoneInfo("Europe/Moscow")
AGREEMENT = 0.6
TIME_BANDS = {"night": (0, 6), "morning": (7, 11), "day": (12, 17), "evening": (18, 23)}
MAX_APPEALS = 50_000


@dataclass
class Suggestion:
    name: str
    conditions: list[dict]
    appeals: int
    rationale: str
    origin: str
    registry_segment: str = ""


def _band(hour: int) -> str:
    return next(name for name, (low, high) in TIME_BANDS.items() if low <= hour <= high)


def cluster_appeals(*, max_clusters: int = 8, min_size: int = 5, seed: int = 0) -> list[Suggestion]:
    from sklearn.cluster import KMeans
    from sklearn.feature_extraction import DictVectorizer

    rows = list(
        Appeal.objects.order_by("-registered_at").values_list(
            "topic", "district", "channel", "registered_at"
        )[:MAX_APPEALS]
    )
    if len(rows) < min_size * 2:
        return []
    features = [
        {
            "topic": topic or "—",
            "district": district or "—",
            "channel": channel,
            "band": _band(registered_at.astimezone(MOSCOW).hour),
        }
        for topic, district, channel, registered_at in rows
    ]
    matrix = DictVectorizer(sparse=True).fit_transform(features).tocsr()
    # Some scipy builds hand out 64-bit indices that k-means refuses; the matrix is far below 2**31 entries.
    matrix.indices = matrix.indices.astype("int32")
    matrix.indptr = matrix.indptr.astype("int32")
    clusters = min(max_clusters, max(2, len(rows) // (min_size * 2)))
    labels = KMeans(n_clusters=clusters, n_init=4, random_state=seed).fit_predict(matrix)
    groups: dict[int, list[dict]] = {}
    for label, feature in zip(labels, features, strict=True):
        groups.setdefault(int(label), []).append(feature)
    suggestions = []
    for members in groups.values():
        if len(members) < min_size:
            continue
        suggestion = _describe(members)
        if suggestion is not None:
            suggestions.append(suggestion)
    return sorted(suggestions, key=lambda s: -s.appeals)


def _describe(members: list[dict]) -> Suggestion | None:
    conditions, words = [], []
    for key in ("topic", "district", "channel", "band"):
        value, count = Counter(m[key] for m in members).most_common(1)[0]
        if value == "—" or count / len(members) < AGREEMENT:
            continue
        if key == "band":
            low, high = TIME_BANDS[value]
            conditions.append({"field": "hour", "op": "between", "value": [low, high]})
            words.append(_("%(low)s:00–%(high)s:59") % {"low": low, "high": high})
        else:
            conditions.append({"field": key, "op": "in", "value": [value]})
            words.append(Channel(value).label if key == "channel" else value)
    if not conditions:
        return None
    conditions = segmentation.validate(conditions)
    return Suggestion(
        name=" · ".join(str(w) for w in words)[:300],
        conditions=conditions,
        appeals=segmentation.apply(conditions).count(),
        rationale=_(
            "A cluster of %(n)s similar appeals (k-means on topic, district, time of day and channel)."
        )
        % {"n": len(members)},
        origin="clustering",
    )


def non_user_suggestions() -> list[Suggestion]:
    """Potential clients the portal does not reach (the presentation's segments 2.2–2.4)."""
    candidates = [
        (
            _("Call or come in instead of writing"),
            [{"field": "channel", "op": "in", "value": [Channel.PHONE, Channel.IN_PERSON]}],
            _("They reach the authority by phone or in person: the portal form does not suit them."),
            "seg-2-2",
        ),
        (
            _("Residents of houses outside the portal's scope"),
            [{"field": "in_scope", "op": "is", "value": False}],
            _("No routing rule covers the place they wrote about: their house or yard is not served yet."),
            "seg-2-3",
        ),
        (
            _("Guests: wrote once without an account and without a district of the region"),
            [
                {"field": "has_account", "op": "is", "value": False},
                {"field": "district", "op": "in", "value": [""]},
            ],
            _("No account and no district: most likely visitors who did not know where to report."),
            "seg-2-4",
        ),
    ]
    suggestions = []
    for name, conditions, rationale, segment in candidates:
        count = segmentation.apply(conditions).count()
        suggestions.append(Suggestion(name, conditions, count, rationale, "non_users", segment))
    return suggestions
