"""Routing an appeal to its executor: the topic first, then the executor's role given the place and the topic.

Pure Python (NumPy), no Django. On the portal's data an executor is decided mostly by *where* (the district) and
*what* (the topic). Most executors are one of a few *roles* repeated per district — the district's housing agency
(«СПб ГКУ ЖА Невского района»), its administration — next to a few city-wide agencies (the road traffic
directorate, the energy committee). So the router predicts the role (:func:`executor_role`: the name without the
appeal's district, about 17 labels instead of 50) and the appeal's district turns it into the executor
(:class:`ExecutorRoles`):

    P(role | text, place) ∝ [ Σ_t P(t | text) · P(role | district, kind, t) ] ^ (1 - w)  ·  P_text(role | text) ^ w

- ``P(t | text)``: the topic model's probabilities (its ``top_topics`` most probable topics);
- ``P(role | district, kind, t)``: the kind of place (:func:`.places.place_kinds`: the kind of object the citizen
  chose — a house, a yard, a street… — when the table has counted it, else the address's kind: a house, a
  street, none; the portal gives a house's address, not a yard's or a street's) within the district, smoothed
  with ``kind_alpha`` pseudo-counts towards ``P(role | district, t)``;
- ``P(role | district, t)``: the place–topic table, counted on the *true* topics of the training appeals and
  smoothed towards the back-off ``½ P(role | district) + ½ P(role | t)`` with ``alpha`` pseudo-counts, so a pair
  seen rarely or never still gets a sensible answer;
- ``P_text``: the text classifier of the role (text + the address's words + the municipality,
  :func:`.places.role_features`), which learns «the housing agency» from every district's appeals at once, with
  the weight ``w`` (``text_weight``), conditioned on the kind of object when the appeal has one
  (:class:`ObjectPrior`, which conditions the topic model's ``P(t | text)`` the same way).

The table counts the *true* topics, so it needs no held-out topic predictions to train; at prediction time the
topic model's probability spreads the vote over the topics it hesitates between. :class:`PlaceTopicTable` works
the same over executors (a model trained before the roles, or data whose executors have no roles).

:func:`lookup_baseline` is the reference to beat: the most frequent executor of (district, predicted topic) in
the training months, else of the district, else overall.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from .places import TOPIC_TOP, TopicTop, address_features, address_kind, object_key

__all__ = [
    "TOPIC_TOP",
    "ExecutorRoles",
    "LookupBaseline",
    "ObjectPrior",
    "PlaceTopicTable",
    "address_features",
    "address_kind",
    "executor_role",
    "lookup_baseline",
    "per_label_figures",
]


def _normalised(vector: np.ndarray) -> np.ndarray:
    total = vector.sum()
    return vector / total if total > 0 else np.full(len(vector), 1.0 / len(vector))


@dataclass
class ObjectPrior:
    """What the kind of object the citizen chose says about a label, multiplied into a text model's probabilities.

    ``P(label | text, object) ∝ P(label | text) · P(label | object) / P(label)``, the two counted on the training
    appeals: the text and the object taken as independent given the label (naive Bayes). On the city portal the
    citizen picks the object before the topic and each topic belongs to one object, so this is close to a mask
    (snow in a yard under «Двор», snow on a road under «Улица»). A kind not seen in training, or none, changes
    nothing: an appeal without it is classified exactly as by the text model. ``alpha`` pseudo-counts (per label,
    spread by the label's share) keep a label never seen with a kind possible.
    """

    factors: dict[str, np.ndarray]  # object_key(kind) → P(label | kind) / P(label), one column per label

    @classmethod
    def fit(
        cls,
        object_kinds: Sequence[str],
        row_labels: Sequence[str],
        labels: Sequence[str],
        *,
        alpha: float = 0.1,
    ) -> ObjectPrior | None:
        """Counted over the rows that have a kind of object; None when none has one."""
        column = {label: i for i, label in enumerate(labels)}
        counts: dict[str, np.ndarray] = {}
        for kind, label in zip(object_kinds, row_labels, strict=True):
            if (key := object_key(kind)) and label in column:
                counts.setdefault(key, np.zeros(len(labels)))[column[label]] += 1
        if not counts:
            return None
        total = np.sum(list(counts.values()), axis=0)
        prior = (total + 1.0) / (total.sum() + len(labels))
        smoothing = alpha * len(labels) * prior
        return cls(
            factors={
                key: ((row + smoothing) / (row.sum() + alpha * len(labels)) / prior)
                for key, row in counts.items()
            }
        )

    def apply(self, proba: np.ndarray, object_kind: str | None) -> np.ndarray:
        """One row of probabilities conditioned on the kind of object (unchanged without a known kind)."""
        return self.apply_rows(proba[None, :], [object_kind or ""])[0]

    def apply_rows(self, proba: np.ndarray, object_kinds: Sequence[str]) -> np.ndarray:
        """Each row conditioned on its kind of object, in one product."""
        ones = np.ones(proba.shape[1])
        conditioned = proba * np.vstack([self.factors.get(object_key(kind), ones) for kind in object_kinds])
        return conditioned / conditioned.sum(axis=1, keepdims=True)


@dataclass
class PlaceTopicTable:
    """Executor counts per (district, topic), per district, per topic and overall, over ``executors``."""

    executors: tuple[str, ...]
    pairs: dict[tuple[str, str], np.ndarray] = field(default_factory=dict)
    districts: dict[str, np.ndarray] = field(default_factory=dict)
    topics: dict[str, np.ndarray] = field(default_factory=dict)
    # (district + the kind of place (:func:`.places.place_kinds`), topic): the finest level of the hierarchy.
    places: dict[tuple[str, str], np.ndarray] = field(default_factory=dict)
    # The kinds of place counted in ``places`` (absent in tables pickled before the kind of object).
    kinds_seen: frozenset[str] = frozenset()
    total: np.ndarray = field(default_factory=lambda: np.zeros(0))
    # Chosen on a validation split inside the training period (train Oct–Nov 2020, validate Dec 2020, texts
    # de-duplicated), over executors: the district table with text weight 0.25 gave 0.799 there (the lookup
    # baseline 0.780, the text model alone 0.750); the (district, kind of place, topic) level with kind_alpha 2
    # and text weight 0.2 gives 0.801. Over roles the router uses ``classifier.ROLE_TABLE_OPTIONS``.
    alpha: float = 2.0
    text_weight: float = 0.2
    kind_alpha: float = 2.0
    top_topics: int = TOPIC_TOP

    @classmethod
    def fit(
        cls,
        districts: Sequence[str],
        topics: Sequence[str],
        executors: Sequence[str],
        *,
        labels: Sequence[str] | None = None,
        kinds: Sequence[str | Sequence[str]] | None = None,
        **options: float,
    ) -> PlaceTopicTable:
        """Count the training appeals; ``labels`` fixes the executor order (the text model's ``labels``).

        An empty topic (an example labelled with its executor only) counts for its district and overall.
        ``kinds`` (the kind of place per appeal, or several, :func:`.places.place_kinds`: an appeal counts under
        each) adds the finest level, (district, kind, topic), which backs off to (district, topic).
        """
        if kinds is None:
            kinds = [""] * len(districts)
        if not len(districts) == len(topics) == len(executors) == len(kinds):
            raise ValueError(
                f"{len(districts)} districts, {len(topics)} topics, {len(executors)} executors, {len(kinds)} kinds"
            )
        order = tuple(labels) if labels is not None else tuple(sorted(set(executors)))
        index = {name: i for i, name in enumerate(order)}
        size = len(order)
        table = cls(executors=order, total=np.zeros(size), **options)  # type: ignore[arg-type]
        for district, topic, executor, kind in zip(districts, topics, executors, kinds, strict=True):
            column = index.get(executor)
            if column is None:
                continue  # a label the text model does not know (it was grouped away)
            table.total[column] += 1
            table.districts.setdefault(district or "", np.zeros(size))[column] += 1
            if topic:
                table.topics.setdefault(topic, np.zeros(size))[column] += 1
                table.pairs.setdefault((district or "", topic), np.zeros(size))[column] += 1
                for each in (kind,) if isinstance(kind, str) else kind:
                    if each:
                        table.places.setdefault((_place(district, each), topic), np.zeros(size))[column] += 1
        table.kinds_seen = frozenset(
            each for row in kinds for each in ((row,) if isinstance(row, str) else row) if each
        )
        return table

    def kind_for(self, candidates: Sequence[str]) -> str:
        """The first of an appeal's kinds of place (:func:`.places.place_kinds`) that this table has counted: a
        kind of object it never saw leaves the address's kind, which it counted for every appeal."""
        seen = getattr(self, "kinds_seen", None)
        if not seen:  # a table from before the kind of object: it counted the address's kind only
            return candidates[-1] if candidates else ""
        return next((kind for kind in candidates if kind in seen), candidates[-1] if candidates else "")

    def executor_given(self, district: str, topic: str, kind: str = "") -> np.ndarray:
        """``P(e | district, kind, topic)``, smoothed towards ``P(e | district, topic)``, itself smoothed towards
        the district's and the topic's own distributions."""
        by_pair = self._executor_given_pair(district, topic)
        places = getattr(self, "places", None)  # absent in tables pickled before the address's kind counted
        counts = places.get((_place(district, kind), topic)) if kind and places else None
        if counts is None:
            return by_pair
        return _normalised(counts + self.kind_alpha * by_pair)

    def _executor_given_pair(self, district: str, topic: str) -> np.ndarray:
        overall = _normalised(self.total + 1.0)
        by_district = self.districts.get(district or "")
        by_topic = self.topics.get(topic)
        backoff = 0.5 * (
            _normalised(by_district + self.alpha * overall) if by_district is not None else overall
        ) + 0.5 * (_normalised(by_topic + self.alpha * overall) if by_topic is not None else overall)
        counts = self.pairs.get((district or "", topic))
        if counts is None:
            return backoff
        return _normalised(counts + self.alpha * backoff)

    def proba(
        self, district: str, topic_top: TopicTop, text_proba: np.ndarray | None = None, kind: str = ""
    ) -> np.ndarray:
        """``P(e | text, place)`` over ``executors``: the table's vote, blended with the text model's."""
        top = sorted(topic_top, key=lambda item: -item[1])[: self.top_topics]
        weight = sum(p for _, p in top)
        table = np.zeros(len(self.executors))
        if weight > 0:
            for topic, p in top:
                table += (p / weight) * self.executor_given(district, topic, kind)
        else:
            table = self.executor_given(district, "")
        if text_proba is None or self.text_weight <= 0:
            return table
        if len(text_proba) != len(self.executors):
            raise ValueError(f"{len(text_proba)} text probabilities for {len(self.executors)} executors")
        floor = 1e-9  # log of zero
        scores = (1.0 - self.text_weight) * np.log(table + floor) + self.text_weight * np.log(
            np.asarray(text_proba, dtype=np.float64) + floor
        )
        scores -= scores.max()
        return _normalised(np.exp(scores))

    def top(
        self,
        district: str,
        topic_top: TopicTop,
        text_proba: np.ndarray | None = None,
        k: int = 3,
        kind: str = "",
    ) -> list[tuple[str, float]]:
        """The ``k`` most probable executors, best first, as ``(executor, probability)``."""
        proba = self.proba(district, topic_top, text_proba, kind)
        order = np.argsort(-proba, kind="stable")[: max(1, k)]
        return [(self.executors[i], float(proba[i])) for i in order]


DISTRICT_PLACEHOLDER = "{район}"


def _genitive(district: str) -> str:
    """«Невский» → «Невского», «Центральный» → «Центрального»: how an agency's name names its district."""
    return district[:-2] + "ого" if len(district) > 2 and district.endswith(("ий", "ый", "ой")) else district


def executor_role(executor: str, district: str) -> str:
    """The executor's role, its name without the appeal's district: «СПб ГКУ ЖА {район} района».

    Most executors are one of a few kinds of district agency (the housing agency, the administration) repeated
    for each of the 18 districts; an appeal's district says which one. A city-wide executor is its own role.
    """
    genitive = _genitive(district or "")
    if district and genitive in executor:
        return executor.replace(genitive, DISTRICT_PLACEHOLDER, 1)
    return executor


@dataclass
class ExecutorRoles:
    """From a role's probabilities to the executors': a district's agency of each district-bound role.

    Learnt from the training appeals: (role, district) → the executor seen for them. In a known district, a
    district-bound role with no executor seen there passes its probability to nobody (the other executors share
    the rest); for an appeal without a district (or one never seen) it is spread over the role's executors by
    their share of the training appeals.
    """

    roles: tuple[str, ...]
    executors: tuple[str, ...]
    # district → role index → executor index; role index → executor index → its share of the role's appeals
    by_district: dict[str, dict[int, int]] = field(default_factory=dict)
    spread: dict[int, dict[int, float]] = field(default_factory=dict)

    @classmethod
    def fit(
        cls, executors: Sequence[str], districts: Sequence[str], roles: Sequence[str], labels: Sequence[str]
    ) -> ExecutorRoles:
        """``roles`` fixes the role order (the role model's ``labels``), ``labels`` the executors' order."""
        role_index = {role: i for i, role in enumerate(roles)}
        executor_index = {name: i for i, name in enumerate(labels)}
        mapping = cls(roles=tuple(roles), executors=tuple(labels))
        counts: dict[int, Counter[int]] = {}
        for executor, district in zip(executors, districts, strict=True):
            role = executor_role(executor, district)
            if role in role_index and executor in executor_index:
                row, column = role_index[role], executor_index[executor]
                mapping.by_district.setdefault(district or "", {})[row] = column
                counts.setdefault(row, Counter())[column] += 1
        mapping.spread = {
            row: {column: n / sum(seen.values()) for column, n in seen.items()}
            for row, seen in counts.items()
        }
        return mapping

    def to_executors(self, role_proba: np.ndarray, district: str) -> np.ndarray:
        """The executors' probabilities in ``executors`` order (they sum to 1)."""
        result = np.zeros(len(self.executors))
        known = self.by_district.get(district) if district else None
        for role, p in enumerate(role_proba):
            column = known.get(role) if known is not None else None
            if column is not None:
                result[column] += p
            elif known is None or DISTRICT_PLACEHOLDER not in self.roles[role]:  # no district, or city-wide
                for column, share in self.spread.get(role, {}).items():
                    result[column] += p * share
        return _normalised(result)


def _place(district: str, kind: str) -> str:
    return f"{district or ''}|{kind}"


def lookup_baseline(
    train_districts: Sequence[str],
    train_topics: Sequence[str],
    train_executors: Sequence[str],
) -> LookupBaseline:
    """The most frequent executor of (district, topic) in training, else of the district, else overall."""
    pairs: dict[tuple[str, str], Counter[str]] = {}
    districts: dict[str, Counter[str]] = {}
    overall: Counter[str] = Counter()
    for district, topic, executor in zip(train_districts, train_topics, train_executors, strict=True):
        pairs.setdefault((district, topic), Counter())[executor] += 1
        districts.setdefault(district, Counter())[executor] += 1
        overall[executor] += 1
    return LookupBaseline(
        pairs={key: counts.most_common(1)[0][0] for key, counts in pairs.items()},
        districts={key: counts.most_common(1)[0][0] for key, counts in districts.items()},
        overall=overall.most_common(1)[0][0] if overall else "",
    )


@dataclass(frozen=True)
class LookupBaseline:
    pairs: Mapping[tuple[str, str], str]
    districts: Mapping[str, str]
    overall: str

    def predict(self, district: str, topic: str) -> str:
        return self.pairs.get((district, topic)) or self.districts.get(district) or self.overall


def per_label_figures(
    true: Sequence[str], predicted: Sequence[str], *, largest: int = 20
) -> list[dict[str, float | int | str]]:
    """Precision, recall and F1 of the ``largest`` labels by their count in ``true``, largest first."""
    support = Counter(true)
    predicted_count = Counter(predicted)
    correct = Counter(t for t, p in zip(true, predicted, strict=True) if t == p)
    rows: list[dict[str, float | int | str]] = []
    for label, n in sorted(support.items(), key=lambda item: (-item[1], item[0]))[:largest]:
        precision = correct[label] / predicted_count[label] if predicted_count[label] else 0.0
        recall = correct[label] / n
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        rows.append({"label": label, "support": n, "precision": precision, "recall": recall, "f1": f1})
    return rows
