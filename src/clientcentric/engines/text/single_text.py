"""One text through a trained classifier without scikit-learn's per-call overhead.

Intake classifies appeals one at a time. For a single short text scikit-learn spends most of its ~2 ms per model
validating inputs and building sparse matrices, not computing. :class:`SingleTextPredictor` reads the fitted
vocabularies, IDF weights and coefficients once and then computes the same probabilities with a few dictionary
lookups and one small matrix product (tests check it against ``TrainedClassifier.predict_proba``).

Only the multinomial logistic regression of ``kind="model"`` takes this path; anything else (the baseline, a
two-label model) is answered by the model itself.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from .classifier import TrainedClassifier


class SingleTextPredictor:
    def __init__(self, trained: TrainedClassifier) -> None:
        features = trained.features
        char = features.char
        self._trained = trained
        self._fast = trained.kind == "model" and char is not None and len(trained.labels) > 2
        if not self._fast or char is None:
            return
        word = features.word
        self._word_vocabulary: dict[str, int] = word.vocabulary_
        self._word_idf = word.idf_.astype(np.float64)
        self._word_ngrams = word.ngram_range
        self._char = char
        self._char_idf = char.tfidf.idf_.astype(np.float64)
        self._char_offset = len(self._word_vocabulary)
        self._extra_offset = self._char_offset + len(char.counter.vocabulary_)
        self._extra_vocabulary: dict[str, int] = features.extra.vocabulary_ if features.extra else {}
        self._weights = features.weights
        self._coef = np.asarray(trained.model.coef_, dtype=np.float64)
        self._intercept = np.asarray(trained.model.intercept_, dtype=np.float64)

    def proba(self, text: str, extra: dict[str, Any] | None = None) -> np.ndarray:
        """Probabilities per label in ``trained.labels`` order, as ``predict_proba`` would give them."""
        if not self._fast:
            return self._trained.predict_proba([text], [extra or {}])[0]
        from .classifier import _extra_features, single_text_views

        lemma_text, char_text = single_text_views(text, self._trained.features.char_input)
        word_counts = self._word_counts(lemma_text)
        char_columns, char_counts = self._char.counts_of_one(char_text)
        blocks = [
            self._tfidf(
                np.fromiter(word_counts.keys(), dtype=np.int64, count=len(word_counts)),
                np.fromiter(word_counts.values(), dtype=np.float64, count=len(word_counts)),
                self._word_idf,
                0,
                self._weights["word"],
            ),
            self._tfidf(
                char_columns.astype(np.int64),
                char_counts.astype(np.float64),
                self._char_idf,
                self._char_offset,
                self._weights["char"],
            ),
        ]
        extra_columns, extra_values = [], []
        for name, value in _extra_features([extra or {}], 1)[0].items():
            index = self._extra_vocabulary.get(name)
            if index is not None:
                extra_columns.append(self._extra_offset + index)
                extra_values.append(value * self._weights["extra"])
        blocks.append((np.array(extra_columns, dtype=np.int64), np.array(extra_values, dtype=np.float64)))
        columns = np.concatenate([c for c, _ in blocks])
        values = np.concatenate([v for _, v in blocks])
        scores = self._intercept.copy()
        if len(columns):
            scores += self._coef[:, columns] @ values
        scores -= scores.max()
        weights = np.exp(scores)
        return weights / weights.sum()

    def top(
        self, text: str, extra: dict[str, Any] | None = None, k: int = 3, object_kind: str | None = None
    ) -> list[tuple[str, float]]:
        proba = self.proba(text, extra)
        if object_kind:
            proba = self._trained.conditioned(proba[None, :], [object_kind])[0]
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
    def _tfidf(indices, counts, idf, offset: int, weight: float):
        # sublinear tf (1 + ln count) × idf, then the row scaled to unit length — TfidfTransformer's defaults.
        if not len(indices):
            return indices, counts
        raw = (1.0 + np.log(counts)) * idf[indices]
        return indices + offset, raw * (weight / np.sqrt(raw @ raw))
