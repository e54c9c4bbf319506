"""One text through a trained classifier without scikit-learn's per-call overhead.

Intake classifies appeals one at a time. For a single short text scikit-learn spends most of its ~2 ms per model
validating inputs and building sparse matrices, not computing. :class:`SingleTextPredictor` reads the fitted
vocabularies, IDF weights and coefficients once and then computes the same probabilities with a few dictionary
lookups and one small matrix product (tests check it against ``TrainedClassifier.predict_proba``).

Only the multinomial logistic regression of ``kind="model"`` takes this path; anything else (the baseline, a
two-label model) is answered by the model itself.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from .classifier import TrainedClassifier


class SingleTextPredictor:
    def __init__(self, trained: TrainedClassifier) -> None:
        features = trained.features
        self._trained = trained
        self._fast = trained.kind == "model" and features.char is not None and len(trained.labels) > 2
        if not self._fast:
            return
        word = features.word
        self._word_vocabulary: dict[str, int] = word.vocabulary_
        self._word_idf = word.idf_.astype(np.float64)
        self._word_ngrams = word.ngram_range
        self._char = features.char
        self._char_idf = features.char.tfidf.idf_.astype(np.float64)
        self._char_offset = len(self._word_vocabulary)
        self._extra_offset = self._char_offset + len(features.char.counter.vocabulary_)
        self._extra_vocabulary: dict[str, int] = features.extra.vocabulary_ if features.extra else {}
        self._weights = features.weights
        self._coef = np.asarray(trained.model.coef_, dtype=np.float64)
        self._intercept = np.asarray(trained.model.intercept_, dtype=np.float64)

    def proba(self, text: str, extra: dict[str, Any] | None = None) -> np.ndarray:
        """Probabilities per label in ``trained.labels`` order, as ``predict_proba`` would give them."""
        if not self._fast:
            return self._trained.predict_proba([text], [extra or {}])[0]
        from .classifier import _extra_features

        lemma_text, char_text = self._trained.features._views([text])
        columns: list[int] = []
        values: list[float] = []
        self._add_tfidf(
            self._word_counts(lemma_text[0]), self._word_idf, 0, self._weights["word"], columns, values
        )
        char_matrix = self._char.counts(char_text)
        char_counts = Counter(dict(zip(char_matrix.indices.tolist(), char_matrix.data.tolist(), strict=True)))
        self._add_tfidf(
            char_counts, self._char_idf, self._char_offset, self._weights["char"], columns, values
        )
        for name, value in _extra_features([extra or {}], 1)[0].items():
            index = self._extra_vocabulary.get(name)
            if index is not None:
                columns.append(self._extra_offset + index)
                values.append(value * self._weights["extra"])
        scores = self._intercept.copy()
        if columns:
            scores += self._coef[:, columns] @ np.asarray(values)
        scores -= scores.max()
        weights = np.exp(scores)
        return weights / weights.sum()

    def top(self, text: str, extra: dict[str, Any] | None = None, k: int = 3) -> list[tuple[str, float]]:
        proba = self.proba(text, extra)
        order = np.argsort(-proba, kind="stable")[: min(k, len(proba))]
        return [(self._trained.labels[j], float(proba[j])) for j in order]

    def _word_counts(self, lemma_text: str) -> Counter:
        # The vectoriser's analyser: whitespace tokens, then every n-gram of them joined by a space.
        tokens = lemma_text.split()
        low, high = self._word_ngrams
        counts: Counter = Counter()
        vocabulary = self._word_vocabulary
        for n in range(low, high + 1):
            for start in range(len(tokens) - n + 1):
                index = vocabulary.get(" ".join(tokens[start : start + n]))
                if index is not None:
                    counts[index] += 1
        return counts

    @staticmethod
    def _add_tfidf(counts: Counter, idf: np.ndarray, offset: int, weight: float, columns, values) -> None:
        # sublinear tf (1 + ln count) × idf, then the row scaled to unit length — TfidfTransformer's defaults.
        if not counts:
            return
        indices = list(counts)
        raw = [(1.0 + math.log(counts[i])) * idf[i] for i in indices]
        norm = math.sqrt(sum(v * v for v in raw))
        columns.extend(offset + i for i in indices)
        values.extend(weight * v / norm for v in raw)
