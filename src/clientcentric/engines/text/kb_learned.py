"""A learned re-ranker over BM25F: what real questions teach about how people ask.

`kb_ranking` ranks by the words a question shares with an article. People ask in their own words
(«почему удаляют ролики» for the article «Что нельзя публиковать на RUTUBE?»), so the operators' mapping of
real questions to articles is evidence the engine learns from, in two ways:

- paraphrase expansion: each article gets a pseudo-document field, «asked», holding the lemmas of the training
  questions mapped to it; a new question that shares words with how others asked for the article finds it even
  when the article's own text does not use them (an enriched BM25F index: title, body and asked);
- term necessity: per question word, how often the article a question was mapped to uses it («хотеть» rarely,
  «монетизация» nearly always) — a word-level statistic, so it carries over to articles nobody asked for;
- a learned ranker: a logistic regression over lexical features of (query, article) pairs — BM25F scores of the
  plain and the enriched index, the asked field alone, lemma overlap with the title, body and asked words,
  bigram overlap, synonym hits, coverage, length, how often the article is asked, BM25F and coverage with the
  query words weighted by their necessity, the title's idf-weighted character n-grams, how well the question
  fits the article's topic (a section of the base, as one pseudo-document), the question's likelihood under the
  article's Dirichlet-smoothed language model, and whether it asks the same kind of thing as the article's question
  («что такое», «как», «сколько»: words the lemmas drop; `kb_ranking.question_kinds`) — trained pairwise (the mapped
  article against BM25F's top-k candidates for the same question), re-orders the union of the plain and the
  enriched index's top `candidates`.

Training never scores a question against features built from that same question: the «asked» field a training
question sees is built from the other inner folds' questions only. The model is plain JSON (weights, scaler,
asked lemmas per article keyed by the article's question lemmas), so the product needs numpy only; scikit-learn
is imported inside `train`. With no model, `LearnedIndex` ranks exactly as `KbIndex` does.
"""

import json
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from .kb_ranking import NO_SYNONYMS, TITLE_BOOST, Document, Hit, KbIndex, SynonymTable

MODEL_VERSION = 1
CANDIDATES = 50
INNER_FOLDS = 5
SHAPE_CACHE = 20_000
# Inverse L2 strengths `train` chooses from (a plain log-spaced range), by inner cross-validation on the training
# questions only: the held-out fold of bench/kb.py never takes part in the choice.
REGULARISATION_GRID = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0)

FEATURES = (
    "bm25f",
    "bm25f_share",
    "bm25f_reciprocal_rank",
    "enriched",
    "enriched_share",
    "enriched_reciprocal_rank",
    "asked",
    "asked_share",
    "coverage",
    "title_overlap",
    "title_precision",
    "body_overlap",
    "asked_overlap",
    "bigram_overlap",
    "synonym_hits",
    "log_title_length",
    "log_body_length",
    "log_times_asked",
    "asked_nearest",
    "title_trigrams",
    "translation",
    "body_trigrams",
    "asked_trigrams",
    "necessity_bm25f",
    "necessity_share",
    "necessity_coverage",
    "necessity_title",
    "title_grams_cosine",
    "title_grams_recall",
    "topic",
    "topic_share",
    "topic_reciprocal_rank",
    "query_likelihood",
    "question_kind_overlap",
    "definition_match",
)
GRAM_SIZES = (3, 4)
# How many questions' worth of the average a word's necessity starts from (additive smoothing).
NECESSITY_PRIOR = 2.0


def title_key(title: Sequence[str]) -> str:
    """How the model names an article: its question's lemmas (the same in every database and process)."""
    return " ".join(title)


@dataclass(frozen=True)
class RankerModel:
    weights: tuple[float, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    # title key → the lemmas of each training question mapped to the article
    asked: dict[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict)
    times_asked: dict[str, int] = field(default_factory=dict)
    candidates: int = CANDIDATES
    regularisation: float | None = None  # the inverse L2 strength `train` chose, for the record

    def to_json(self) -> str:
        return json.dumps(
            {
                "version": MODEL_VERSION,
                "features": list(FEATURES),
                "weights": list(self.weights),
                "mean": list(self.mean),
                "scale": list(self.scale),
                "candidates": self.candidates,
                "regularisation": self.regularisation,
                "asked": {key: [" ".join(q) for q in questions] for key, questions in self.asked.items()},
                "times_asked": self.times_asked,
            },
            ensure_ascii=False,
            indent=1,
        )

    @classmethod
    def from_json(cls, text: str) -> "RankerModel":
        data = json.loads(text)
        if data.get("version") != MODEL_VERSION or tuple(data.get("features", ())) != FEATURES:
            raise ValueError("the ranking model was trained by another version of the engine: train it again")
        return cls(
            weights=tuple(data["weights"]),
            mean=tuple(data["mean"]),
            scale=tuple(data["scale"]),
            asked={
                key: tuple(tuple(q.split()) for q in questions) for key, questions in data["asked"].items()
            },
            times_asked={key: int(n) for key, n in data["times_asked"].items()},
            candidates=int(data.get("candidates", CANDIDATES)),
            regularisation=data.get("regularisation"),
        )

    @classmethod
    def load(cls, path: str | Path) -> "RankerModel | None":
        """The model in `path`, or None when there is no file (the engine then ranks by BM25F)."""
        path = Path(path)
        if not path.is_file():
            return None
        return cls.from_json(path.read_text(encoding="utf-8"))

    def save(self, path: str | Path) -> None:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(path.suffix + ".tmp")
        temporary.write_text(self.to_json(), encoding="utf-8")
        temporary.replace(path)


def _trigrams(words: Sequence[str]) -> set[str]:
    text = f" {' '.join(words)} "
    return {text[n : n + 3] for n in range(len(text) - 2)}


def _grams(words: Sequence[str]) -> Counter:
    """Character n-grams (GRAM_SIZES) of the lemmas, a space marking where words meet."""
    text = f" {' '.join(words)} "
    return Counter(text[n : n + size] for size in GRAM_SIZES for n in range(len(text) - size + 1))


def _field_counts(doc: Document) -> dict[str, float]:
    """Each lemma's frequency in the document, a title's occurrence counting TITLE_BOOST times (as in BM25F)."""
    counts: dict[str, float] = dict(Counter(doc.body))
    for word in doc.title:
        counts[word] = counts.get(word, 0.0) + TITLE_BOOST
    return counts


def _bigrams(words: Sequence[str]) -> list[str]:
    return [f" {first} {second} " for first, second in zip(words, words[1:], strict=False)]


@dataclass(frozen=True)
class _Shape:
    """What the features compare a query with, per document: word sets and the text (for bigrams, trigrams)."""

    title: frozenset
    body: frozenset
    title_text: str
    body_text: str
    title_grams: dict  # character n-gram → count × idf
    title_grams_norm: float
    title_grams_mass: float
    counts: dict[str, float]  # lemma → its frequency, a title's occurrence counting TITLE_BOOST times
    length: float  # the sum of `counts`

    @classmethod
    def of(cls, doc: Document, gram_idf: dict[str, float], gram_default: float) -> "_Shape":
        grams = {g: c * gram_idf.get(g, gram_default) for g, c in _grams(doc.title).items()}
        counts = _field_counts(doc)
        return cls(
            frozenset(doc.title),
            frozenset(doc.body),
            f" {' '.join(doc.title)} ",
            f" {' '.join(doc.body)} ",
            grams,
            math.sqrt(sum(v * v for v in grams.values())) or 1.0,
            sum(grams.values()) or 1.0,
            counts,
            sum(counts.values()),
        )


class LearnedIndex:
    """`KbIndex`'s interface (`search`, `coverage`, `len`) with the learned re-ranking on top when a model is given."""

    def __init__(
        self,
        documents: Iterable[Document],
        model: RankerModel | None = None,
        *,
        asked: dict[str, tuple[tuple[str, ...], ...]] | None = None,
        times_asked: dict[str, int] | None = None,
    ):
        self.documents = list(documents)
        self.model = model
        self.base = KbIndex.build(self.documents)
        self.asked = asked if asked is not None else (model.asked if model else {})
        self.times_asked = times_asked if times_asked is not None else (model.times_asked if model else {})
        self._shapes: dict[int, _Shape] = {}  # per candidate document, made when first needed
        if model is not None or asked is not None:
            self._build_enriched()

    def _build_enriched(self) -> None:
        enriched, asked_only = [], []
        self._asked_sets: list[frozenset] = []
        self._questions: dict[int, list[tuple[frozenset, frozenset]]] = {}  # position → (lemmas, trigrams)
        for position, doc in enumerate(self.documents):
            questions = self.asked.get(title_key(doc.title), ())
            words = tuple(word for question in questions for word in question)
            if questions:
                self._questions[position] = [(frozenset(q), frozenset(_trigrams(q))) for q in questions]
            self._asked_sets.append(frozenset(words))
            enriched.append(replace(doc, body=doc.body + words))
            asked_only.append(Document(doc.key, (), words, doc.prior))
        self._enriched = KbIndex.build(enriched)
        self._asked_only = KbIndex.build(asked_only)
        # Paraphrase pairs: how often a word of a question came with a word of its article's question.
        seen: Counter = Counter()
        together: Counter = Counter()
        titles = {title_key(doc.title): frozenset(doc.title) for doc in self.documents}
        for key, questions in self.asked.items():
            for question in questions:
                for word in set(question):
                    seen[word] += 1
                    together.update((word, other) for other in titles.get(key, ()))
        self._seen, self._together = seen, together
        self._necessity()
        # Character n-grams of the titles, weighted by how few titles have them: a title's rare fragments
        # («рассинхрон», «приватн») tell it from its neighbours; «rutube», «канал» do not.
        holding: Counter = Counter()
        for doc in self.documents:
            holding.update(_grams(doc.title).keys())
        count = len(self.documents) or 1
        self._gram_idf = {gram: math.log(1 + count / n) for gram, n in holding.items()}
        self._gram_default = math.log(1 + count)
        self._build_topics()
        # The collection's language model and the average (field-weighted) document length, for query likelihood.
        collection: Counter = Counter()
        for doc in self.documents:
            collection.update(_field_counts(doc))
        total = sum(collection.values()) or 1.0
        self._collection = {word: n / total for word, n in collection.items()}
        self._mu = total / count

    def _likelihood(self, query, shape: "_Shape") -> float:
        """Query likelihood with Dirichlet smoothing (Zhai & Lafferty 2001; mu = the average document length):
        the log-probability of the query's known words under the document's smoothed language model, less their
        log-probability under the collection's (rank-equivalent): a word weighs by how rare it is in the whole
        base's text rather than in how many articles, and the length is discounted otherwise than in BM25F."""
        mu, total, known = self._mu, 0.0, 0
        for term in sorted(query):
            p = self._collection.get(term)
            if p is not None:
                known += 1
                total += math.log1p(shape.counts.get(term, 0) / (mu * p))
        return total + known * math.log(mu / (shape.length + mu))

    def _build_topics(self) -> None:
        """One pseudo-document per topic (the section of the base an article is filed under): the topic's name
        as its title, its articles' questions and answers as its body. An article's topic score says how well the
        question fits the section, which the article's own few words may not show («в студии на телефоне» fits
        «Мобильное приложение Студия RUTUBE» whatever the article's question says) — cluster-based smoothing."""
        self._topic_of: list[int] = []
        topics: dict[tuple[str, ...], int] = {}
        titles: list[list[str]] = []
        bodies: list[list[str]] = []
        for doc in self.documents:
            if not doc.topic:
                self._topic_of.append(-1)
                continue
            n = topics.setdefault(doc.topic, len(topics))
            if n == len(titles):
                titles.append(list(doc.topic))
                bodies.append([])
            bodies[n].extend(doc.title)
            bodies[n].extend(doc.body)
            self._topic_of.append(n)
        self._topics = KbIndex.build(
            Document(n, tuple(title), tuple(body))
            for n, (title, body) in enumerate(zip(titles, bodies, strict=True))
        )

    def _necessity(self) -> None:
        """Per question word: how often the article a question was mapped to uses it (anywhere, and in its
        title), over the questions that used it — «хотеть», «сделать» rarely, «монетизация» nearly always.
        A word-level statistic, so it carries over to articles no training question asked for (term recall,
        Zhao & Callan 2010), smoothed towards the average with NECESSITY_PRIOR questions."""
        words_of: dict[str, set] = {}
        titles_of: dict[str, set] = {}
        for doc in self.documents:
            key = title_key(doc.title)
            words_of.setdefault(key, set()).update(doc.title, doc.body)
            titles_of.setdefault(key, set()).update(doc.title)
        used: Counter = Counter()
        anywhere: Counter = Counter()
        in_title: Counter = Counter()
        for key, questions in self.asked.items():
            if key not in words_of:
                continue
            for question in questions:
                for word in set(question):
                    used[word] += 1
                    anywhere[word] += word in words_of[key]
                    in_title[word] += word in titles_of[key]
        total = sum(used.values()) or 1
        self._anywhere_rate = sum(anywhere.values()) / total
        self._title_rate = sum(in_title.values()) / total
        self._necessity_anywhere = {
            word: (anywhere[word] + NECESSITY_PRIOR * self._anywhere_rate) / (n + NECESSITY_PRIOR)
            for word, n in used.items()
        }
        self._necessity_title = {
            word: (in_title[word] + NECESSITY_PRIOR * self._title_rate) / (n + NECESSITY_PRIOR)
            for word, n in used.items()
        }

    def _translation(self, terms, title: frozenset) -> float:
        """How strongly the query's words not in the title were seen, in training questions, with its words."""
        total = 0.0
        for term in set(terms) - title:
            if self._seen[term]:
                best = max((self._together[term, word] for word in title), default=0)
                total += best / (self._seen[term] + 1)
        return total / max(len(set(terms)), 1)

    def __len__(self) -> int:
        return len(self.base)

    def _shape(self, position: int) -> _Shape:
        shape = self._shapes.get(position)
        if shape is None:
            shape = _Shape.of(self.documents[position], self._gram_idf, self._gram_default)
            if len(self._shapes) >= SHAPE_CACHE:
                self._shapes.clear()
            self._shapes[position] = shape
        return shape

    def coverage(self, terms, key, synonyms: SynonymTable = NO_SYNONYMS) -> float:
        return self.base.coverage(terms, key, synonyms)

    def search(
        self, terms, top: int = 3, synonyms: SynonymTable = NO_SYNONYMS, kinds: frozenset[str] = frozenset()
    ) -> list[Hit]:
        """The `top` best documents, best first: BM25F's order, re-ranked by the model when there is one.
        `kinds` are the kinds of question the query asks (`kb_ranking.question_kinds` of its text)."""
        if self.model is None:
            return self.base.search(terms, top, synonyms)
        if top <= 0:
            return []
        terms = list(terms)
        positions, features, coverage = self.candidate_features(terms, synonyms, self.model.candidates, kinds)
        if not positions:
            return []
        mean, scale = np.asarray(self.model.mean), np.asarray(self.model.scale)
        scores = ((features - mean) / scale) @ np.asarray(self.model.weights)
        scores += np.log([self.documents[p].prior for p in positions])
        order = sorted(range(len(positions)), key=lambda i: (-scores[i], positions[i]))[:top]
        return [Hit(self.documents[positions[i]].key, float(scores[i]), coverage[i]) for i in order]

    def candidate_features(
        self,
        terms: list[str],
        synonyms: SynonymTable = NO_SYNONYMS,
        candidates: int = CANDIDATES,
        kinds: frozenset[str] = frozenset(),
    ) -> tuple[list[int], np.ndarray, list[float]]:
        """The candidates (union of the plain and the enriched index's top `candidates`), their features and
        their coverage. The query is expanded once (typos, synonyms) against the articles' own words; the
        words only people's questions use are matched as they are in the enriched and the asked index."""
        groups, unknown = self.base._groups(terms, synonyms)
        weights = KbIndex.weights(groups)
        for term in terms:
            if term not in weights and term in self._enriched.postings:
                weights[term] = 1.0
        if not weights:
            return [], np.zeros((0, len(FEATURES))), []
        base = self.base.scores(weights)
        enriched = self._enriched.scores(weights)
        asked = self._asked_only.scores(weights)
        positions = list(
            dict.fromkeys([*KbIndex.best(base, candidates), *KbIndex.best(enriched, candidates)])
        )
        total = self.base._total_weight(groups, unknown)
        coverage = [self.base._coverage(position, groups, total) for position in positions]
        necessity = {
            term: weight * self._necessity_anywhere.get(term, self._anywhere_rate)
            for term, weight in weights.items()
        }
        needed = self.base.scores(necessity)
        topic_scores = self._topics.scores(weights) if len(self._topics) else np.zeros(0)
        topic_of = np.asarray(self._topic_of)
        by_topic = np.where(
            topic_of >= 0, topic_scores[np.maximum(topic_of, 0)] if len(topic_scores) else 0.0, 0.0
        )
        rows = self.features(
            terms, positions, synonyms, (base, enriched, asked, needed, by_topic), coverage, kinds
        )
        return positions, rows, coverage

    def features(
        self, terms, positions, synonyms, score_arrays, coverage, kinds: frozenset[str] = frozenset()
    ) -> np.ndarray:
        columns = []
        for scores in score_arrays:
            mine = scores[positions]
            top = float(mine.max()) or 1.0
            rank = np.empty(len(positions))
            rank[np.argsort(-mine, kind="stable")] = np.arange(len(positions))
            columns.append((mine, mine / top, np.where(mine > 0, 1.0 / (rank + 1), 0.0)))
        (b_score, b_share, b_rank), (e_score, e_share, e_rank), (a_score, a_share, _a_rank) = columns[:3]
        n_score, n_share, _n_rank = columns[3]
        t_score, t_share, t_rank = columns[4]
        query = set(terms)
        size = max(len(query), 1)
        query_bigrams = _bigrams(terms)
        meant = {word for _phrase, words in synonyms.expand(terms) for word in words}
        idf = self.base.idf
        typical = self.base.typical_idf or 1.0
        weight = {term: idf.get(term, typical) for term in query}
        query_norm = math.sqrt(sum(w * w for w in weight.values())) or 1.0
        query_trigrams = _trigrams(terms)
        grams = max(len(query_trigrams), 1)
        necessary = {
            term: self._necessity_anywhere.get(term, self._anywhere_rate) * weight[term] for term in query
        }
        necessary_total = sum(necessary.values()) or 1.0
        title_need = {term: self._necessity_title.get(term, self._title_rate) for term in query}
        title_need_total = sum(title_need.values()) or 1.0
        gram_idf, gram_default = self._gram_idf, self._gram_default
        query_grams = {g: c * gram_idf.get(g, gram_default) for g, c in _grams(terms).items()}
        query_grams_norm = math.sqrt(sum(v * v for v in query_grams.values())) or 1.0
        rows = []
        for n, position in enumerate(positions):
            doc = self.documents[position]
            shape = self._shape(position)
            title, body, asked_words = shape.title, shape.body, self._asked_sets[position]
            questions = self._questions.get(position, ())
            in_query = [(v, query_grams[g]) for g, v in shape.title_grams.items() if g in query_grams]
            shared = sum(v * q for v, q in in_query) / (query_grams_norm * shape.title_grams_norm)
            recalled = sum(v for v, _q in in_query) / shape.title_grams_mass
            rows.append(
                (
                    b_score[n],
                    b_share[n],
                    b_rank[n],
                    e_score[n],
                    e_share[n],
                    e_rank[n],
                    a_score[n],
                    a_share[n],
                    coverage[n],
                    len(query & title) / size,
                    len(query & title) / max(len(title), 1),
                    len(query & body) / size,
                    len(query & asked_words) / size,
                    sum(1 for b in query_bigrams if b in shape.title_text or b in shape.body_text)
                    / max(len(query_bigrams), 1),
                    len(meant & (title | body)) / size,
                    math.log1p(len(doc.title)),
                    math.log1p(len(doc.body)),
                    math.log1p(self.times_asked.get(title_key(doc.title), 0)),
                    max(
                        (
                            sum(weight[w] ** 2 for w in query & lemmas)
                            / (query_norm * math.sqrt(sum(idf.get(w, typical) ** 2 for w in lemmas)) or 1.0)
                            for lemmas, _grams in questions
                        ),
                        default=0.0,
                    ),
                    sum(1 for g in query_trigrams if g in shape.title_text) / grams,
                    self._translation(terms, title),
                    sum(1 for g in query_trigrams if g in shape.body_text) / grams,
                    max(
                        (
                            len(query_trigrams & trigrams)
                            / math.sqrt(max(len(query_trigrams) * len(trigrams), 1))
                            for _lemmas, trigrams in questions
                        ),
                        default=0.0,
                    ),
                    n_score[n],
                    n_share[n],
                    sum(necessary[t] for t in query & (title | body)) / necessary_total,
                    sum(title_need[t] for t in query & title) / title_need_total,
                    shared,
                    recalled,
                    t_score[n],
                    t_share[n],
                    t_rank[n],
                    self._likelihood(query, shape),
                    len(kinds & doc.kinds) / max(len(kinds | doc.kinds), 1),
                    float("definition" in kinds and "definition" in doc.kinds),
                )
            )
        return np.asarray(rows, dtype=np.float64)


def asked_lemmas(documents: Sequence[Document], pairs: Iterable[tuple[list[str], object]]):
    """Per article (by title key): the lemmas of each question mapped to it, and how many there were."""
    by_key = {doc.key: title_key(doc.title) for doc in documents}
    asked: dict[str, list[tuple[str, ...]]] = {}
    times: Counter = Counter()
    for terms, key in pairs:
        if key not in by_key:
            continue
        asked.setdefault(by_key[key], []).append(tuple(terms))
        times[by_key[key]] += 1
    return {key: tuple(questions) for key, questions in asked.items()}, dict(times)


def train(
    documents: Sequence[Document],
    pairs: Sequence[tuple[list[str], object] | tuple[list[str], object, frozenset[str]]],
    synonyms: SynonymTable = NO_SYNONYMS,
    *,
    candidates: int = CANDIDATES,
    inner_folds: int = INNER_FOLDS,
    regularisation: float | None = None,
) -> RankerModel:
    """A model from (query lemmas, key of the mapped document[, the query's kinds of question]) over `documents`.

    Features of a training question come from an «asked» field built without it (inner folds), so the weights
    learn how much a paraphrase seen in *other* questions is worth — what a new question will meet. The L2
    strength, unless given, is chosen from REGULARISATION_GRID by the same inner folds (`_choose_regularisation`).
    """
    documents = list(documents)
    questions = [
        (list(pair[0]), pair[1], frozenset(pair[2]) if len(pair) > 2 else frozenset()) for pair in pairs
    ]
    questions = [question for question in questions if question[0]]
    mapped = [(terms, key) for terms, key, _kinds in questions]
    # (inner fold, the candidates' features, which candidate is the mapped one, which are wrong)
    groups: list[tuple[int, np.ndarray, np.ndarray, np.ndarray]] = []
    # The same question text twice (asked of two articles, or repeated) goes to one inner fold, as in the outer
    # folds: otherwise a question would meet its own words in the «asked» field.
    inner = folds([" ".join(terms) for terms, _key in mapped], inner_folds)
    for fold in range(inner_folds):
        held = [question for n, question in enumerate(questions) if inner[n] == fold]
        seen = [pair for n, pair in enumerate(mapped) if inner[n] != fold]
        asked, times = asked_lemmas(documents, seen)
        index = LearnedIndex(documents, asked=asked, times_asked=times)
        for terms, key, kinds in held:
            positions, features, _coverage = index.candidate_features(terms, synonyms, candidates, kinds)
            target = index.base.positions.get(key)
            if target is None or target not in positions or len(positions) < 2:
                continue
            # An article under another topic with the very same question («Android», «iOS») is as right as the
            # mapped one: it is neither a positive nor a negative to learn from.
            same = [documents[position].title == documents[target].title for position in positions]
            right = np.asarray([position == target for position in positions])
            wrong = ~np.asarray(same)
            groups.append((fold, features, right, wrong))
    if not groups:
        raise ValueError("no training question found its article among the candidates")
    if regularisation is None:
        regularisation = _choose_regularisation(groups, inner_folds)
    weights, scale = _fit_pairwise([group[1:] for group in groups], regularisation)
    asked, times = asked_lemmas(documents, mapped)
    return RankerModel(
        weights=tuple(float(w) for w in weights),
        mean=tuple(0.0 for _ in FEATURES),  # pairwise: only differences matter, no centring needed
        scale=tuple(float(s) for s in scale),
        asked=asked,
        times_asked=times,
        candidates=candidates,
        regularisation=regularisation,
    )


def _fit_pairwise(groups, regularisation: float) -> tuple[np.ndarray, np.ndarray]:
    """Pairwise logistic regression (RankNet-style, linear): «mapped − other» is class 1, its mirror class 0.
    Returns the weights and the scale the features are divided by."""
    from sklearn.linear_model import LogisticRegression

    differences = [
        features[mine] - features[other]
        for features, right, wrong in groups
        for mine in np.flatnonzero(right)
        for other in np.flatnonzero(wrong)
    ]
    matrix = np.asarray(differences)
    scale = matrix.std(axis=0)
    scale[scale == 0] = 1.0
    normalised = matrix / scale
    x = np.vstack([normalised, -normalised])
    y = np.concatenate([np.ones(len(normalised)), np.zeros(len(normalised))])
    fitted = LogisticRegression(C=regularisation, fit_intercept=False, max_iter=2000).fit(x, y)
    return fitted.coef_[0], scale


def _choose_regularisation(groups, inner_folds: int) -> float:
    """The grid's L2 strength whose model, fitted on the other inner folds, ranks each inner fold's questions
    best (mean reciprocal rank of the mapped article among the candidates); ties go to the stronger one.

    Only training questions take part, so a cross-validated figure stays honest: the held-out fold never chooses.
    """
    best, chosen = -1.0, REGULARISATION_GRID[0]
    for regularisation in REGULARISATION_GRID:
        total = 0.0
        for fold in range(inner_folds):
            fitted = [(f, r, w) for n, f, r, w in groups if n != fold]
            scored = [(f, r, w) for n, f, r, w in groups if n == fold]
            if not fitted or not scored:
                continue
            weights, scale = _fit_pairwise(fitted, regularisation)
            for features, right, wrong in scored:
                scores = (features / scale) @ weights
                mine = scores[right].max()
                total += 1.0 / (1 + int((scores[wrong] > mine).sum()))
        if total > best + 1e-9:
            best, chosen = total, regularisation
    return chosen


def folds(questions: Sequence[str], count: int = 5, seed: int = 2026) -> list[int]:
    """The fold of each question for cross-validation; the same question text (lemmas) always in one fold."""
    import random

    distinct = sorted(set(questions))
    random.Random(seed).shuffle(distinct)
    fold_of = {question: n % count for n, question in enumerate(distinct)}
    return [fold_of[question] for question in questions]
