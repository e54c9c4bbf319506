"""Routing appeals: a text classifier for the fine topic (`reason`) and the executor (`executor_org`).

Pure Python (scikit-learn), no Django. The same machinery serves both labels; the caller picks the label and
may pass structured fields (``extra``, e.g. ``{"district": "Невский"}``) that are one-hot encoded next to the
text.

Two kinds of model:

``kind="model"`` (the one to use)
    TF-IDF over lemmas (word uni- and bigrams; lemmas from :mod:`.lemmas`, cached per distinct token, and each
    distinct text lemmatised once) + TF-IDF over character n-grams (``char_wb`` 2–5) of the normalised text
    (punctuation dropped), so typos and words pymorphy3 does not know still count + the one-hot of ``extra``;
    a multinomial logistic regression on top. Its probabilities are comparable to a confidence threshold
    ("route automatically when p ≥ 0.8").
``kind="baseline"``
    The reference to beat: TF-IDF over word uni- and bigrams of the lowercased raw text + LinearSVC
    (+ the same one-hot of ``extra``). Its scores are a softmax of SVM margins: they rank, they are not
    calibrated.

Honest evaluation needs de-duplicated, time-ordered splits: about 30 % of portal texts repeat, so a random
split would grade the model on texts it was trained on. :func:`time_ordered_split` and :func:`deduplicate`
do that; :func:`evaluate` / :func:`score` compute the figures.

``to_bytes`` pickles scikit-learn objects: only load bytes that this platform wrote itself.
"""

from __future__ import annotations

import io
import re
import struct
import time
import warnings
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property, lru_cache
from itertools import repeat
from typing import Any, Literal

import joblib
import numpy as np
import sklearn
from scipy import sparse
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction import DictVectorizer
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.svm import LinearSVC

from .lemmas import lemma
from .linear_ensemble import fold_ensemble
from .places import place_kinds, role_features
from .routing import ExecutorRoles, ObjectPrior, PlaceTopicTable, executor_role
from .single_text import SingleTextPredictor

__all__ = [
    "FORMAT_VERSION",
    "OTHER_LABEL",
    "ModelFormatError",
    "TrainedClassifier",
    "clear_caches",
    "dedup_key",
    "deduplicate",
    "evaluate",
    "group_rare_labels",
    "lemma_text",
    "normalise",
    "score",
    "time_ordered_split",
    "train_classifier",
    "train_executor_router",
]

FORMAT_VERSION = 1
_MAGIC = b"CCTXTCLF"  # Clientcentric text classifier
_HEADER = struct.Struct(">8sH")

OTHER_LABEL = "__other__"

Kind = Literal["model", "baseline"]
Extra = Sequence[Mapping[str, Any]] | None


class ModelFormatError(ValueError):
    """The bytes are not a classifier this code can load (other format version, other scikit-learn)."""


# --- text normalisation -------------------------------------------------------------------------------------

_MASK = re.compile(r"x{3,}")  # the portal masks personal data as XXXX (lowercased here)
_SPACE = re.compile(r"\s+")
_NON_WORD = re.compile(r"[\W_]+")
_WORD = re.compile(r"\w+")
_NEEDS_MORPHOLOGY = re.compile(r"[а-я]")


def normalise(text: str | None) -> str:
    """Lowercase, ё → е, masked ``XXXX`` removed, whitespace collapsed."""
    text = (text or "").lower().replace("ё", "е")
    return _SPACE.sub(" ", _MASK.sub(" ", text)).strip()


def dedup_key(text: str | None) -> str:
    """The key under which two texts count as the same ("near-exact"): :func:`normalise` minus punctuation."""
    return _SPACE.sub(" ", _NON_WORD.sub(" ", normalise(text))).strip()


# Surface token → lemma for the training vocabulary of every model trained or loaded in this process: a model
# carries this table, so a freshly started worker does not pay pymorphy3 (~100 µs a word) for words it has seen.
# The entries are pymorphy3's own answers, so the table never changes a result, only the time it takes.
_LEXICON: dict[str, str | None] = {}
_UNKNOWN = object()


def _token_lemma(token: str) -> str | None:
    if not _NEEDS_MORPHOLOGY.search(token):  # numbers and Latin words gain nothing from morphology
        return None if token.isdigit() else token
    known = _LEXICON.get(token, _UNKNOWN)
    if known is not _UNKNOWN:
        return known  # type: ignore[return-value]
    return lemma(token)


def _lexicon_of(texts: Iterable[str]) -> dict[str, str | None]:
    tokens = {
        token for text in texts for token in _WORD.findall(normalise(text)) if _NEEDS_MORPHOLOGY.search(token)
    }
    return {token: _token_lemma(token) for token in sorted(tokens)}


@lru_cache(maxsize=200_000)
def _lemma_text_cached(normalised: str) -> str:
    return " ".join(lem for token in _WORD.findall(normalised) if (lem := _token_lemma(token)))


def lemma_text(text: str | None) -> str:
    """The text as a space-separated run of lemmas, function words and bare numbers dropped.

    Tokens are ``\\w+`` runs (razdel is ~10× slower and its finer tokens add nothing to a bag of words);
    lemmas come from :func:`.lemmas.lemma`, cached per distinct token; each distinct text is lemmatised once.
    """
    return _lemma_text_cached(normalise(text))


def _text_views(text: str, char_input: str) -> tuple[str, str]:
    """The lemma run (for the word block) and the text as the char block sees it, normalising once."""
    normalised = normalise(text)
    lemmas = _lemma_text_cached(normalised)
    if char_input == "words":
        return lemmas, _SPACE.sub(" ", _NON_WORD.sub(" ", normalised)).strip()
    return lemmas, normalised


# Intake puts one text through two models (topic, executor): the second one finds its views here.
single_text_views = lru_cache(maxsize=256)(_text_views)


def clear_caches(*, tokens: bool = True) -> None:
    """Forget lemmatised texts (and, with ``tokens``, every per-token lemma): for cold-cache measurement."""
    _lemma_text_cached.cache_clear()
    single_text_views.cache_clear()
    if tokens:
        lemma.cache_clear()
        _LEXICON.clear()


# --- features -----------------------------------------------------------------------------------------------


def _extra_features(extra: Extra, n: int) -> list[dict[str, float]]:
    if extra is None:
        return [{} for _ in range(n)]
    if len(extra) != n:
        raise ValueError(f"extra has {len(extra)} rows for {n} texts")
    rows = []
    for item in extra:
        row: dict[str, float] = {}
        for key, value in (item or {}).items():
            if value is None or value == "":
                continue
            if isinstance(value, int | float) and not isinstance(value, bool):
                row[key] = float(value)  # a number stays a number
            else:
                row[f"{key}={value}"] = 1.0  # anything else is one-hot
        rows.append(row)
    return rows


class _CharNgrams:
    """TF-IDF over ``char_wb`` n-grams, computed per distinct word.

    ``char_wb`` n-grams never cross a word boundary, so a text's n-gram counts are the sum of its words'. Each
    distinct word is cut into n-grams and looked up in the vocabulary once (then cached), which makes
    ``transform`` several times faster than scikit-learn's per-text analyser and gives the same matrix.
    """

    _CACHE_LIMIT = 300_000

    def __init__(self, ngram_range: tuple[int, int] = (2, 5), min_df: int = 2) -> None:
        self.counter = CountVectorizer(
            analyzer="char_wb", lowercase=False, ngram_range=ngram_range, min_df=min_df
        )
        self.tfidf = TfidfTransformer(sublinear_tf=True)
        self._cache: dict[str, np.ndarray] = {}

    def __getstate__(self) -> dict[str, Any]:
        return {"counter": self.counter, "tfidf": self.tfidf}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._cache = {}

    def fit_transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        self._cache = {}
        return self.tfidf.fit_transform(self.counter.fit_transform(texts))

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        return self.tfidf.transform(self.counts(texts))

    def counts(self, texts: Sequence[str]) -> sparse.csr_matrix:
        split = [text.split() for text in texts]
        cache = self._words_cached(split)
        chunks = [cache[word] for words in split for word in words]
        lengths = np.fromiter((len(ids) for ids in chunks), dtype=np.int64, count=len(chunks))
        ends = np.cumsum(lengths)
        word_counts = np.fromiter((len(words) for words in split), dtype=np.int64, count=len(split))
        indptr = np.zeros(len(texts) + 1, dtype=np.int64)
        if len(chunks):
            indptr[1:] = np.concatenate([[0], ends])[np.cumsum(word_counts)]
        indices = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int32)
        matrix = sparse.csr_matrix(
            (np.ones(len(indices)), indices, indptr), shape=(len(texts), len(self.counter.vocabulary_))
        )
        matrix.sum_duplicates()
        return matrix

    def counts_of_one(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """One text's n-gram columns and counts — the row :meth:`counts` gives, without building a matrix."""
        words = text.split()
        cache = self._words_cached([words])
        if not words:
            return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int64)
        return np.unique(np.concatenate([cache[word] for word in words]), return_counts=True)

    def _words_cached(self, split: list[list[str]]) -> dict[str, np.ndarray]:
        cache = self._cache
        if len(cache) > self._CACHE_LIMIT:
            cache = self._cache = {}  # a new dict, not clear(): another thread may be reading the old one
        missing = {word for words in split for word in words if word not in cache}
        if missing:
            self._learn_words(missing, cache)
        return cache

    def _learn_words(self, words: Iterable[str], cache: dict[str, np.ndarray]) -> None:
        """Cut every new word into its n-grams (as scikit-learn's ``_char_wb_ngrams``) and look them up at once."""
        low, high = self.counter.ngram_range
        words = list(words)
        grams: list[str] = []
        bounds = [0]
        for word in words:
            padded = f" {word} "
            size = len(padded)
            for n in range(low, high + 1):
                grams += [padded[i : i + n] for i in range(max(1, size - n + 1))]
                if size <= n:
                    break
            bounds.append(len(grams))
        ids = np.array(list(map(self.counter.vocabulary_.get, grams, repeat(-1))), dtype=np.int32)
        for word, start, end in zip(words, bounds, bounds[1:], strict=False):
            chunk = ids[start:end]
            cache[word] = chunk[chunk >= 0]


@dataclass
class _Features:
    """Fitted vectorisers; ``transform`` turns texts (+ extra) into one sparse matrix."""

    kind: Kind
    word: TfidfVectorizer
    char: _CharNgrams | None
    extra: DictVectorizer | None
    weights: dict[str, float] = field(default_factory=dict)
    lexicon: dict[str, str | None] = field(default_factory=dict)
    char_input: str = "words"

    @classmethod
    def fit(
        cls, texts: Sequence[str], extra: Extra, kind: Kind, **options: Any
    ) -> tuple[_Features, sparse.csr_matrix]:
        if kind == "model":
            word = TfidfVectorizer(
                token_pattern=r"\S+",
                lowercase=False,
                ngram_range=(1, 2),
                min_df=options.get("word_min_df", 2),
                sublinear_tf=True,
                dtype=np.float32,
            )
            char = _CharNgrams(options.get("char_range", (2, 5)), options.get("char_min_df", 2))
        elif kind == "baseline":
            word = TfidfVectorizer(lowercase=True, ngram_range=(1, 2))
            char = None
        else:
            raise ValueError(f"unknown kind {kind!r}")
        extra_rows = _extra_features(extra, len(texts))
        extra_vec = DictVectorizer() if any(extra_rows) else None
        weights = {"word": 1.0, "char": 1.0, "extra": 1.0} | options.get("weights", {})
        features = cls(
            kind=kind,
            word=word,
            char=char,
            extra=extra_vec,
            weights=weights,
            char_input=options.get("char_input", "words"),
        )
        blocks = []
        if char is not None:
            lemma_texts, char_texts = features._views(texts)
            blocks.append(word.fit_transform(lemma_texts) * weights["word"])
            features.lexicon = _lexicon_of(texts)
            blocks.append(char.fit_transform(char_texts) * weights["char"])
        else:
            blocks.append(word.fit_transform(texts))
        if extra_vec is not None:
            blocks.append(extra_vec.fit_transform(extra_rows) * weights["extra"])
        return features, sparse.hstack(blocks, format="csr", dtype=features.dtype)

    def _views(self, texts: Sequence[str]) -> tuple[list[str], list[str]]:
        """The lemma runs (for the word block) and the texts as the char block sees them."""
        views = [_text_views(text, self.char_input) for text in texts]
        return [lemmas for lemmas, _ in views], [chars for _, chars in views]

    @property
    def dtype(self) -> type:
        # float32 halves the memory traffic of SAGA and of prediction; liblinear (baseline) wants float64.
        return np.float32 if self.char is not None else np.float64

    def transform(self, texts: Sequence[str], extra: Extra = None) -> sparse.csr_matrix:
        blocks = []
        if self.char is not None:
            lemma_texts, char_texts = self._views(texts)
            blocks.append(self.word.transform(lemma_texts) * self.weights["word"])
            blocks.append(self.char.transform(char_texts) * self.weights["char"])
        else:
            blocks.append(self.word.transform(texts))
        if self.extra is not None:
            rows = _extra_features(extra, len(texts))
            blocks.append(self.extra.transform(rows) * self.weights["extra"])
        return sparse.hstack(blocks, format="csr", dtype=self.dtype)


# --- the classifier -----------------------------------------------------------------------------------------


@dataclass
class TrainedClassifier:
    kind: Kind
    labels: tuple[str, ...]
    features: _Features
    model: Any
    n_train: int = 0
    train_seconds: float = 0.0
    # The executor model's place–topic table (:mod:`.routing`): with it, :meth:`route_top` predicts the
    # executor from the topic's probabilities and the district, the text model being the fallback.
    routing: PlaceTopicTable | None = None
    # With ``roles`` the model's labels are the executors' roles (:func:`.routing.executor_role`: «ЖА {район}
    # района», a city-wide agency) and its extra features the address's words; the table counts roles too, and
    # the appeal's district turns the role into the executor at the end.
    roles: ExecutorRoles | None = None
    # The kind of object's evidence (:class:`.routing.ObjectPrior`), multiplied into the probabilities when a
    # caller passes the appeals' kinds of object; absent when the training appeals had none.
    object_prior: ObjectPrior | None = None

    @property
    def route_labels(self) -> tuple[str, ...]:
        """What :meth:`route_top` answers: the executors (``labels`` are roles when ``roles`` is set)."""
        return self.roles.executors if self.roles is not None else self.labels

    def predict_proba(self, texts: Sequence[str], extra: Extra = None) -> np.ndarray:
        """One row per text, one column per label in ``self.labels`` (rows sum to 1)."""
        X = self.features.transform(list(texts), extra)
        if self.kind == "model":
            return self.model.predict_proba(X)
        margins = self.model.decision_function(X)
        if margins.ndim == 1:  # two classes
            margins = np.column_stack([-margins, margins])
        margins = margins - margins.max(axis=1, keepdims=True)
        weights = np.exp(margins)
        return weights / weights.sum(axis=1, keepdims=True)

    def predict_top(
        self,
        texts: Sequence[str],
        extra: Extra = None,
        k: int = 3,
        object_kinds: Sequence[str] | None = None,
    ) -> list[list[tuple[str, float]]]:
        """The ``k`` most probable labels per text, best first, as ``(label, probability)``; conditioned on each
        text's kind of object when ``object_kinds`` are given (:class:`.routing.ObjectPrior`)."""
        if k < 1:
            raise ValueError("k must be ≥ 1")
        texts = list(texts)
        if not texts:
            return []
        proba = self.conditioned(self.predict_proba(texts, extra), object_kinds)
        k = min(k, proba.shape[1])
        top = np.argsort(-proba, axis=1, kind="stable")[:, :k]
        labels = self.labels
        return [[(labels[j], float(row[j])) for j in idx] for row, idx in zip(proba, top, strict=True)]

    def conditioned(self, proba: np.ndarray, object_kinds: Sequence[str] | None) -> np.ndarray:
        """Rows of probabilities multiplied by what each row's kind of object says (unchanged without)."""
        if self.object_prior is None or object_kinds is None:
            return proba
        if len(object_kinds) != len(proba):
            raise ValueError(f"{len(object_kinds)} kinds of object for {len(proba)} texts")
        return self.object_prior.apply_rows(proba, object_kinds)

    @cached_property
    def single_text(self) -> SingleTextPredictor:
        """The same probabilities for one text at a time, without scikit-learn's per-call overhead."""
        return SingleTextPredictor(self)

    def route_top(
        self,
        texts: Sequence[str],
        districts: Sequence[str],
        topic_tops: Sequence[Sequence[tuple[str, float]]],
        k: int = 3,
        addresses: Sequence[str] | None = None,
        *,
        text_only: bool = False,
        municipalities: Sequence[str] | None = None,
        object_kinds: Sequence[str] | None = None,
    ) -> list[list[tuple[str, float]]]:
        """The executor's ``k`` best, blending this text model with its place–topic table.

        ``topic_tops`` are the topic model's most probable topics per text (``predict_top(..., k=5)``);
        ``addresses`` (optional) give the table the address's kind (a house or not) and the role model the
        address's words; ``municipalities`` (optional) the role model the appeal's municipality; ``object_kinds``
        (optional, the kind of object the citizen chose: «Дом», «Двор», «Улица»…) both. ``text_only``: the
        text model alone, without the table (for the report). Without a table this is :meth:`predict_top` with
        the district as ``extra``.
        """
        texts, districts = list(texts), list(districts)
        places: list[str | None] = list(addresses) if addresses is not None else [None] * len(texts)
        object_kinds = list(object_kinds) if object_kinds is not None else [""] * len(texts)
        for name, values in (("addresses", places), ("kinds of object", object_kinds)):
            if len(values) != len(texts):
                raise ValueError(f"{len(values)} {name} for {len(texts)} texts")
        kinds = [self._place_kind(a, o) for a, o in zip(places, object_kinds, strict=True)]
        if self.routing is None and self.roles is None:
            return self.predict_top(texts, [{"district": district} for district in districts], k=k)
        if not texts:
            return []
        proba = self.conditioned(
            self.predict_proba(texts, self._route_extra(districts, addresses, municipalities)), object_kinds
        )
        return [
            self._route(district, topics, row, k, kind, text_only)
            for district, topics, row, kind in zip(districts, topic_tops, proba, kinds, strict=True)
        ]

    def route_one(
        self,
        text: str,
        district: str,
        topic_top: Sequence[tuple[str, float]],
        k: int = 3,
        address: str | None = None,
        municipality: str | None = None,
        object_kind: str | None = None,
    ) -> list[tuple[str, float]]:
        """:meth:`route_top` for one text at intake, through the single-text path."""
        if self.routing is None and self.roles is None:
            return self.single_text.top(text, {"district": district} if district else None, k=k)
        kind = self._place_kind(address, object_kind)
        if self.roles is not None:
            extra: dict[str, Any] | None = role_features(address, municipality)
        else:
            extra = {"district": district} if district else None
        text_proba = self.conditioned(self.single_text.proba(text, extra)[None, :], [object_kind or ""])[0]
        return self._route(district, topic_top, text_proba, k, kind, False)

    def _place_kind(self, address: str | None, object_kind: str | None) -> str:
        """The table's kind of place; none when the caller gave neither an address nor a kind of object."""
        if self.routing is None or (address is None and not object_kind):
            return ""
        return self.routing.kind_for(place_kinds(address, object_kind))

    def _route_extra(
        self,
        districts: Sequence[str],
        addresses: Sequence[str] | None,
        municipalities: Sequence[str] | None = None,
    ) -> list[dict[str, Any]]:
        if self.roles is not None:  # the role model reads the address's words; the district picks the agency
            addresses = addresses or [""] * len(districts)
            municipalities = municipalities or [""] * len(districts)
            return [role_features(a, m) for a, m in zip(addresses, municipalities, strict=True)]
        return [{"district": district} for district in districts]

    def _route(
        self,
        district: str,
        topic_top: Sequence[tuple[str, float]],
        text_proba: np.ndarray,
        k: int,
        kind: str,
        text_only: bool,
    ) -> list[tuple[str, float]]:
        if self.routing is not None and not text_only:
            proba = self.routing.proba(district, topic_top, text_proba, kind)
        else:
            proba = text_proba
        labels = self.labels
        if self.roles is not None:
            proba, labels = self.roles.to_executors(proba, district), self.roles.executors
        order = np.argsort(-proba, kind="stable")[: max(1, k)]
        return [(labels[i], float(proba[i])) for i in order]

    def predict(self, texts: Sequence[str], extra: Extra = None) -> list[str]:
        return [top[0][0] for top in self.predict_top(texts, extra, k=1)]

    def to_bytes(self) -> bytes:
        payload = {
            "sklearn": sklearn.__version__,
            "kind": self.kind,
            "labels": self.labels,
            "features": self.features,
            "model": self.model,
            "n_train": self.n_train,
            "train_seconds": self.train_seconds,
            "routing": self.routing,
            "roles": self.roles,
            "object_prior": self.object_prior,
        }
        buffer = io.BytesIO()
        buffer.write(_HEADER.pack(_MAGIC, FORMAT_VERSION))
        joblib.dump(payload, buffer, compress=3)
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> TrainedClassifier:
        if len(data) < _HEADER.size:
            raise ModelFormatError("not a Clientcentric text classifier (too short)")
        magic, version = _HEADER.unpack_from(data)
        if magic != _MAGIC:
            raise ModelFormatError("not a Clientcentric text classifier")
        if version != FORMAT_VERSION:
            raise ModelFormatError(
                f"classifier format {version}, this code reads {FORMAT_VERSION}: retrain it"
            )
        payload = joblib.load(io.BytesIO(data[_HEADER.size :]))
        saved, running = payload["sklearn"], sklearn.__version__
        if saved.split(".")[:2] != running.split(".")[:2]:
            raise ModelFormatError(f"trained with scikit-learn {saved}, running {running}: retrain it")
        _LEXICON.update(payload["features"].lexicon)
        return cls(
            kind=payload["kind"],
            labels=tuple(payload["labels"]),
            features=payload["features"],
            model=payload["model"],
            n_train=payload["n_train"],
            train_seconds=payload["train_seconds"],
            routing=payload.get("routing"),  # absent in models trained before the table existed
            roles=payload.get("roles"),  # absent in models trained before the executors' roles
            object_prior=payload.get("object_prior"),  # absent in models trained before the kind of object
        )


def _class_weights(labels: Sequence[str], power: float) -> dict[str, float]:
    """``(n_label / mean n) ** -power``: 0 is no weighting, 1 is scikit-learn's "balanced"."""
    counts = Counter(labels)
    mean = len(labels) / len(counts)
    return {label: (n / mean) ** -power for label, n in counts.items()}


def train_classifier(
    texts: Sequence[str],
    labels: Sequence[str],
    extra: Extra = None,
    *,
    kind: Kind = "model",
    C: float | None = None,
    epochs: int = 20,
    balance: float = 0.5,
    prior_shift: float = 0.0,
    ensemble: Mapping[str, float] | None = None,
    temperature: float = 1.0,
    options: Mapping[str, Any] | None = None,
    object_kinds: Sequence[str] | None = None,
) -> TrainedClassifier:
    """Fit a classifier of ``kind`` on ``texts`` → ``labels`` (+ optional structured ``extra`` per text).

    The model is a multinomial logistic regression fitted by SAGA for a fixed number of ``epochs`` (early
    stopping: it is not run to convergence, which is both faster and no worse on held-out months), with class
    weights ``(n_label / mean) ** -balance`` — half-way to "balanced", which lifts rare topics (macro-F1)
    without wrecking the calibration of the probabilities. The defaults (C=20, 20 epochs, balance 0.5) were
    chosen on a validation split inside the training period (train Oct–Nov 2020, validate Dec 2020), never on
    the test months.

    ``prior_shift`` (β) divides every probability by the label's training share to the power β (a logit
    adjustment, folded into the intercepts so the batch and the single-text paths agree): frequent labels give
    way a little to rare ones, which lifts macro-F1 beyond what class weights do without blurring top-3.

    ``ensemble`` (member name → weight, see :mod:`.linear_ensemble`: ``svm``, ``multinomial_nb``,
    ``complement_nb``) adds other linear models fitted on the same features to the logistic regression's
    scores, folded into its coefficients: the same prediction cost, a better ranking. ``temperature`` divides
    the final scores (coefficients and intercepts), so that the ensemble's probabilities stay calibrated; it
    never changes the ranking. Both apply to ``kind="model"`` with three labels or more.

    ``object_kinds`` (the kind of object of each text, optional) are counted into an :class:`.routing.ObjectPrior`
    that :meth:`TrainedClassifier.predict_top` applies when it is given the kinds: the text model itself never sees
    them, so a text without one is classified as if the kinds did not exist.
    """
    texts, labels = list(texts), [str(label) for label in labels]
    if len(texts) != len(labels):
        raise ValueError(f"{len(texts)} texts but {len(labels)} labels")
    if len(set(labels)) < 2:
        raise ValueError("need at least two distinct labels")
    started = time.perf_counter()
    features, X = _Features.fit(texts, extra, kind, **(options or {}))
    if temperature <= 0:
        raise ValueError("temperature must be positive")
    class_weight = _class_weights(labels, balance) if balance else None
    if kind == "model":
        model = LogisticRegression(
            C=C if C is not None else 20.0,
            solver="saga",
            max_iter=epochs,
            tol=1e-3,
            class_weight=class_weight,
            random_state=0,
        )
    else:
        model = LinearSVC(C=C if C is not None else 1.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # the fixed epoch budget is deliberate
        model.fit(X, labels)
        multinomial = kind == "model" and model.intercept_.shape[0] == len(model.classes_) > 2
        if ensemble and multinomial:
            fold_ensemble(model, X, labels, ensemble, class_weight=class_weight, options=options)
    if prior_shift and multinomial:  # two labels have one intercept
        counts = Counter(labels)
        shares = np.array([counts[label] for label in model.classes_], dtype=np.float64) / len(labels)
        model.intercept_ = (model.intercept_ - prior_shift * np.log(shares)).astype(model.intercept_.dtype)
    if temperature != 1.0 and multinomial:
        model.coef_ = (model.coef_ / temperature).astype(model.coef_.dtype)
        model.intercept_ = (model.intercept_ / temperature).astype(model.intercept_.dtype)
    return TrainedClassifier(
        kind=kind,
        labels=tuple(str(label) for label in model.classes_),
        features=features,
        model=model,
        n_train=len(texts),
        train_seconds=time.perf_counter() - started,
        object_prior=ObjectPrior.fit(object_kinds, labels, model.classes_)
        if object_kinds is not None
        else None,
    )


# The role table's smoothing and the text model's weight, chosen on the validation split (train Oct–Nov 2020,
# validate Dec 2020); see docs/appeals.md. The weight went from 0.4 to 0.5 when the role model began to read the
# municipality (0.807 → 0.809 there; 0.6 gave 0.810 but 0.819 instead of 0.821 on the second split, 16–31 Dec).
ROLE_TABLE_OPTIONS: dict[str, float] = {"alpha": 2.0, "kind_alpha": 2.0, "text_weight": 0.5}


def train_executor_router(
    texts: Sequence[str],
    executors: Sequence[str],
    districts: Sequence[str],
    topics: Sequence[str],
    addresses: Sequence[str] | None = None,
    municipalities: Sequence[str] | None = None,
    object_kinds: Sequence[str] | None = None,
    **options: Any,
) -> TrainedClassifier:
    """The executor model: a text classifier of the executor's role with its place–topic table attached.

    The labels it learns are roles (:func:`.routing.executor_role`): «the district's housing agency» is one
    label for the 18 districts, so every district's appeals teach it; the text model reads the text and the
    address's words, the table counts roles per (district, kind of place, topic) → (district, topic) → the
    district and the topic, and the role model reads the municipality too (``municipalities``, optional); the kind
    of object (``object_kinds``, optional) conditions the role model's probabilities (:class:`.routing.ObjectPrior`)
    and is the table's first kind of place; the
    appeal's district turns the role into its executor (:class:`.routing.ExecutorRoles`). ``topics`` are the appeals' true topics (grouped the way the topic model's labels are; empty
    when unknown); ``options`` go to :func:`train_classifier`. Predict with :meth:`TrainedClassifier.route_top`.
    """
    started = time.perf_counter()
    executors = [str(e) for e in executors]
    districts = [d or "" for d in districts]
    roles = [executor_role(e, d) for e, d in zip(executors, districts, strict=True)]
    addresses = list(addresses) if addresses is not None else [""] * len(texts)
    object_kinds = list(object_kinds) if object_kinds is not None else [""] * len(texts)
    kinds = [place_kinds(a, o) for a, o in zip(addresses, object_kinds, strict=True)]
    if len(set(roles)) < 2:  # one role: the executors differ only by district, the text + district model
        model = train_classifier(texts, executors, [{"district": d} for d in districts], **options)
        model.routing = PlaceTopicTable.fit(districts, topics, executors, labels=model.labels, kinds=kinds)
        model.train_seconds = time.perf_counter() - started
        return model
    municipalities = list(municipalities) if municipalities is not None else [""] * len(texts)
    extra = [role_features(a, m) for a, m in zip(addresses, municipalities, strict=True)]
    model = train_classifier(texts, roles, extra, object_kinds=object_kinds, **options)
    model.routing = PlaceTopicTable.fit(
        districts,
        topics,
        roles,
        labels=model.labels,
        kinds=kinds,
        **ROLE_TABLE_OPTIONS,
    )
    model.roles = ExecutorRoles.fit(executors, districts, model.labels, labels=sorted(set(executors)))
    model.train_seconds = time.perf_counter() - started
    return model


# --- data preparation ---------------------------------------------------------------------------------------


def deduplicate(records: Iterable[Mapping[str, Any]], *, text_key: str = "text") -> list[Mapping[str, Any]]:
    """Keep the first record of every :func:`dedup_key` (exact and near-exact repeats dropped); empty texts go."""
    seen: set[str] = set()
    kept = []
    for record in records:
        key = dedup_key(record.get(text_key))
        if key and key not in seen:
            seen.add(key)
            kept.append(record)
    return kept


def _as_datetime(value: str | date | datetime) -> datetime:
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    return datetime.fromisoformat(value)


def time_ordered_split(
    records: Iterable[Mapping[str, Any]],
    test_from: date | datetime,
    *,
    time_key: str = "created_at",
    text_key: str = "text",
) -> tuple[list[Mapping[str, Any]], list[Mapping[str, Any]]]:
    """Records before ``test_from`` train, the rest test; both de-duplicated, no test text also in train.

    ``created_at`` may be a datetime or an ISO string (all naive or all aware, like ``test_from``); a ``date``
    means its midnight. Records are taken in time order, so of repeated texts the earliest is kept.
    """
    boundary = _as_datetime(test_from)
    ordered = sorted(records, key=lambda record: _as_datetime(record[time_key]))
    train = deduplicate((r for r in ordered if _as_datetime(r[time_key]) < boundary), text_key=text_key)
    seen = {dedup_key(r[text_key]) for r in train}
    test = [
        r
        for r in deduplicate((r for r in ordered if _as_datetime(r[time_key]) >= boundary), text_key=text_key)
        if dedup_key(r[text_key]) not in seen
    ]
    return train, test


def group_rare_labels(
    train_labels: Sequence[str],
    *other_label_lists: Sequence[str],
    min_count: int = 5,
    other: str = OTHER_LABEL,
) -> list[list[str]]:
    """Labels with fewer than ``min_count`` training examples become ``other``, in every list given.

    A test label never seen in training is rare by definition and becomes ``other`` too, so the figures count
    it as routed to manual triage instead of silently dropping the row.
    """
    counts = Counter(train_labels)
    kept = {label for label, n in counts.items() if n >= min_count}
    return [
        [label if label in kept else other for label in labels]
        for labels in (train_labels, *other_label_lists)
    ]


# --- evaluation ---------------------------------------------------------------------------------------------


def score(
    classifier: TrainedClassifier,
    texts: Sequence[str],
    labels: Sequence[str],
    extra: Extra = None,
    *,
    k: int = 3,
) -> dict[str, float | int]:
    """Macro-F1, accuracy and top-``k`` accuracy of ``classifier`` on labelled texts."""
    started = time.perf_counter()
    tops = classifier.predict_top(texts, extra, k=k)
    seconds = time.perf_counter() - started
    labels = [str(label) for label in labels]
    predicted = [top[0][0] for top in tops]
    in_top = [label in {name for name, _ in top} for label, top in zip(labels, tops, strict=True)]
    return {
        "macro_f1": float(f1_score(labels, predicted, average="macro", zero_division=0)),
        "accuracy": float(accuracy_score(labels, predicted)),
        f"top{k}_accuracy": float(np.mean(in_top)) if in_top else 0.0,
        "n_train": classifier.n_train,
        "n_test": len(labels),
        "n_labels": len(classifier.labels),
        "train_seconds": classifier.train_seconds,
        "predict_seconds": seconds,
    }


def evaluate(
    train_texts: Sequence[str],
    train_labels: Sequence[str],
    test_texts: Sequence[str],
    test_labels: Sequence[str],
    *,
    train_extra: Extra = None,
    test_extra: Extra = None,
    kind: Kind = "model",
    min_count: int = 5,
) -> dict[str, float | int]:
    """Train on one set, score on the other; labels rarer than ``min_count`` are grouped as ``other``.

    Returns ``macro_f1``, ``accuracy``, ``top3_accuracy``, ``n_train``, ``n_test``, ``n_labels`` (and the
    training and prediction times). The caller is responsible for the split being honest
    (:func:`time_ordered_split`).
    """
    train_labels, test_labels = group_rare_labels(train_labels, test_labels, min_count=min_count)
    classifier = train_classifier(train_texts, train_labels, train_extra, kind=kind)
    return score(classifier, test_texts, test_labels, test_extra)
