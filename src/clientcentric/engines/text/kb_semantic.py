"""Meaning-level similarity for the knowledge base: word vectors learned from the base's own text.

BM25F and the lexical features only see a word the article itself uses. People say «стрим» where the article
says «трансляция», «отложка» where it says «отложенная публикация»; the base's own text often puts such words
side by side («трансляция (стрим)»), and words used in the same company mean related things. Word vectors are
learned from that company: the positive pointwise mutual information of lemmas within a window (Levy, Goldberg &
Dagan, "Improving Distributional Similarity with Lessons Learned from Word Embeddings", TACL 2015: context
distribution smoothing 0.75, eigenvalue weighting 0.5), reduced by a truncated SVD. A text's vector is the
weighted mean of its lemmas' vectors with the smooth inverse frequency weights of Arora, Liang & Ma ("A Simple
but Tough-to-Beat Baseline for Sentence Embeddings", ICLR 2017), so frequent words («видео», «канал») count less.

Learning needs scikit-learn and scipy (only `learn` imports them, at training time); using the vectors needs numpy.
Nothing here sees the real questions: the vectors come from the articles alone.
"""

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

DIMENSIONS = 100
WINDOW = 5
SMOOTHING = 0.75  # context distribution smoothing
SIF = 1e-3  # the smooth inverse frequency parameter `a`
MIN_COUNT = 1  # a base of a few hundred articles uses most words once or twice: keep them all


@dataclass(frozen=True)
class WordVectors:
    words: tuple[str, ...]
    matrix: np.ndarray  # one unit-length row per word
    weights: np.ndarray  # the SIF weight of each word, a / (a + p(word))

    def __post_init__(self):
        object.__setattr__(self, "_row", {word: n for n, word in enumerate(self.words)})

    def __eq__(self, other) -> bool:
        return (
            isinstance(other, WordVectors)
            and self.words == other.words
            and np.allclose(self.matrix, other.matrix)
            and np.allclose(self.weights, other.weights)
        )

    def __hash__(self) -> int:
        return hash(self.words)

    def __contains__(self, word: str) -> bool:
        return word in self._row

    def vector(self, terms: Iterable[str] | Mapping[str, float]) -> np.ndarray:
        """The unit vector of a bag of lemmas (a mapping gives each lemma a weight); zeros when none is known."""
        pairs = terms.items() if isinstance(terms, Mapping) else ((term, 1.0) for term in terms)
        rows, weights = [], []
        for term, weight in pairs:
            row = self._row.get(term)
            if row is not None:
                rows.append(row)
                weights.append(weight * self.weights[row])
        if not rows:
            return np.zeros(self.matrix.shape[1])
        total = np.asarray(weights) @ self.matrix[rows]
        norm = float(np.linalg.norm(total))
        return total / norm if norm else total

    def to_dict(self) -> dict:
        return {
            "words": list(self.words),
            "weights": [round(float(w), 5) for w in self.weights],
            "matrix": [[round(float(x), 4) for x in row] for row in self.matrix],
        }

    @classmethod
    def from_dict(cls, data: dict) -> "WordVectors":
        matrix = np.asarray(data["matrix"], dtype=np.float64).reshape(len(data["words"]), -1)
        return cls(tuple(data["words"]), matrix, np.asarray(data["weights"], dtype=np.float64))


def learn(
    texts: Sequence[Sequence[str]], *, dimensions: int = DIMENSIONS, window: int = WINDOW, seed: int = 2026
) -> WordVectors | None:
    """Word vectors from lemma sequences (each article's title and body are separate sequences); None when
    the texts are too few to learn from."""
    from scipy import sparse
    from sklearn.utils.extmath import randomized_svd

    counts = Counter(word for text in texts for word in text)
    words = tuple(sorted(word for word, n in counts.items() if n >= MIN_COUNT))
    if len(words) < 3:
        return None
    row = {word: n for n, word in enumerate(words)}
    pairs: Counter = Counter()
    for text in texts:
        ids = [row[word] for word in text if word in row]
        for n, first in enumerate(ids):
            for second in ids[n + 1 : n + 1 + window]:
                if first != second:
                    pairs[first, second] += 1
                    pairs[second, first] += 1
    if not pairs:
        return None
    keys = np.asarray(list(pairs.keys()), dtype=np.int64)
    together = sparse.csr_matrix(
        (np.fromiter(pairs.values(), dtype=np.float64), (keys[:, 0], keys[:, 1])), shape=(len(words),) * 2
    )
    word_total = np.asarray(together.sum(axis=1)).ravel()
    context = np.asarray(together.sum(axis=0)).ravel() ** SMOOTHING
    total = together.sum()
    coo = together.tocoo()
    pmi = np.log(coo.data * context.sum() / (word_total[coo.row] * context[coo.col]))
    keep = pmi > 0
    ppmi = sparse.csr_matrix((pmi[keep], (coo.row[keep], coo.col[keep])), shape=together.shape)
    rank = max(1, min(dimensions, len(words) - 1))
    u, s, _vt = randomized_svd(ppmi, rank, random_state=seed)
    matrix = u * np.sqrt(s)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    matrix = matrix / np.where(norms > 0, norms, 1.0)
    frequency = np.asarray([counts[word] for word in words], dtype=np.float64) / max(total, 1.0)
    frequency = frequency / frequency.sum()
    return WordVectors(words, matrix, SIF / (SIF + frequency))
