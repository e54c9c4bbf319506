"""The one ranking engine: BM25F over lemmas, titles weighing more than bodies, typo- and synonym-tolerant.

The knowledge-base search, the chat-bot and the site search (situations, needs, services, FAQ and articles
together) all rank with this index, on SQLite and PostgreSQL alike, so the same data gives the same order.
Nothing is filtered by "every word present": a document matching some of the query's words is ranked, the
more (and the rarer) words it matches the higher.

Okapi BM25 (Robertson & Zaragoza, "The Probabilistic Relevance Framework: BM25 and Beyond", 2009) with the
field weighting of BM25F: a term's frequency is the weighted sum of its frequencies in the question (the
title) and the answer (the body), normalised by the weighted document length. A question typed by a client
is short and phrased like the articles' questions, so a match in the question counts `title_boost` times.

A query word the vocabulary does not know (a typo: «монетезация») is replaced by its closest known lemmas
(rapidfuzz's normalised Indel similarity), each weighted by how close it is. A word in Cyrillic that the base
writes in Latin letters («андроид», «самсунг», «смарт») is looked up transliterated as well (and the other way
round), the same similarity deciding.

People say «детсад», «ИП», «яма»; the documents say «детский сад», «индивидуальный предприниматель»,
«выбоина». A `SynonymTable` (kept by the methodologist in the back office) adds the documents' words to a
query that uses the people's words, each weighing SYNONYM_WEIGHT of an exact match.

A document may carry a prior (default 1): its score is multiplied by it, e.g. so that a need which cannot be
met does not outrank the service that can meet a close one.

The index takes lemmas, not text: the caller stores each article's lemmas once (lemmatising 10,000 articles
on every start would take seconds) and lemmatises only the query, with `engines.text.lemmas`.
"""

import math
import re
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import fuzz, process

from .lemmas import lemmas

K1 = 1.6
B = 0.75
TITLE_BOOST = 3.0
FUZZY_CUTOFF = 80.0
FUZZY_CHOICES = 2
MIN_FUZZY_LENGTH = 4
SYNONYM_WEIGHT = 0.9
NEIGHBOUR_CACHE = 10_000
# Russian letters as people spell brand and platform names in Latin ones («андроид» → «android»).
_LATIN = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        "a b v g d e e zh z i y k l m n o p r s t u f h ts ch sh sch - y - e yu ya".split(),
        strict=True,
    )
)
_LATIN["ъ"] = _LATIN["ь"] = ""
_CYRILLIC = {latin: cyrillic for cyrillic, latin in reversed(_LATIN.items()) if len(latin) == 1}
_CYRILLIC.update({"c": "к", "w": "в", "x": "кс", "q": "к", "j": "дж"})


def transliterated(word: str) -> str | None:
    """The word in the other alphabet (Cyrillic ↔ Latin), or None when it mixes both or has neither."""
    letters = [ch for ch in word if ch.isalpha()]
    if letters and all(ch in _LATIN for ch in letters):
        return "".join(_LATIN.get(ch, ch) for ch in word)
    if letters and all("a" <= ch <= "z" for ch in letters):
        return "".join(_CYRILLIC.get(ch, ch) for ch in word)
    return None


@dataclass(frozen=True)
class Document:
    key: object
    title: tuple[str, ...]
    body: tuple[str, ...]
    prior: float = 1.0
    topic: tuple[str, ...] = ()  # the lemmas of the section the document belongs to, when it has one
    kinds: frozenset[str] = frozenset()  # the kinds of question its title asks (`question_kinds`)


@dataclass(frozen=True)
class SynonymTable:
    """Phrases people use (as lemma tuples) → the lemmas the documents use for the same thing."""

    phrases: dict[tuple[str, ...], tuple[str, ...]] = field(default_factory=dict)
    longest: int = 0

    @classmethod
    def from_pairs(cls, pairs) -> "SynonymTable":
        """Pairs of (what people say, what the documents say), as text; several pairs may share a phrase."""
        phrases: dict[tuple[str, ...], tuple[str, ...]] = {}
        for said, meant in pairs:
            key = tuple(lemmas(said))
            value = tuple(lemmas(meant))
            if not key or not value:
                continue
            phrases[key] = tuple(dict.fromkeys((*phrases.get(key, ()), *value)))
        return cls(phrases, max((len(k) for k in phrases), default=0))

    def expand(self, terms) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
        """Each phrase of the table found in the query lemmas (contiguous), with the lemmas it stands for."""
        terms = list(terms)
        found = []
        for size in range(min(self.longest, len(terms)), 0, -1):
            for start in range(len(terms) - size + 1):
                key = tuple(terms[start : start + size])
                if key in self.phrases:
                    found.append((key, self.phrases[key]))
        return found


NO_SYNONYMS = SynonymTable()


# Politeness formulae and pronouns: a client's message is full of them («Добрый день! Подскажите, пожалуйста, у меня
# вопрос…») and they only match articles by accident. Dropped from the query, kept in the articles.
CHATTER = frozenset(
    {
        "добрый", "день", "вечер", "утро", "здравствовать", "привет", "уважаемый", "подсказать", "пожалуйста",
        "спасибо", "заранее", "помочь", "вопрос",
        "я", "мы", "вы", "он", "она", "они", "мой", "наш", "ваш", "это", "этот", "который", "такой",
    }
)  # fmt: skip


# What a question asks for, read from its words as typed: «что такое X» wants a definition, «как X» a procedure,
# «сколько» a number. The lemmas drop these words (they are in every question), yet they tell «Что такое Smart TV?»
# from «Где скачать приложение для Smart TV?». Patterns over the lower-cased text, ё as е; a question may be of
# several kinds («как долго», «можно ли … и как»). A word is whole between `_W`s: a hyphen joins («как-то», «где-то»,
# «кто-нибудь» ask nothing); «так как», «как только», «потому что за …» are conjunctions, not questions, and «не
# могу войти» is a complaint, not «можно ли». «Что нельзя …» asks for a list of what is forbidden and «можете …» is
# a request, «могут …» mostly asks who or what can («Какие пользователи могут …»): none asks whether something is
# possible. «Что это» is a definition when it ends the question or goes on «такое», «значит», «за», not in «пишет,
# что это невозможно».
_W = r"(?<![\w-])"
_END = r"(?![\w-])"
QUESTION_KINDS = {
    "definition": re.compile(
        "|".join(
            (
                rf"(?<!потому\s){_W}что\s+(?:такое|за){_END}",  # «что такое X», «что за X», not «потому что за»
                rf"{_W}это\s+что{_END}",  # «X, это что?»
                rf"{_W}что\s+это(?=\s*(?:[?!.,]|$)|\s+(?:такое|значит|за){_END})",  # «X, что это?», «что это значит»
            )
        )
    ),
    "how": re.compile(rf"(?<!так\s){_W}как(?:им)?{_END}(?!\s+(?:только|будто|бы))"),
    "how_many": re.compile(rf"{_W}(?:сколь(?:ко|ка)?|какое\s+количество){_END}"),
    "where": re.compile(rf"{_W}(?:где|куда|откуда){_END}"),
    "why": re.compile(rf"{_W}(?:почему|зачем|за\s+что|с\s+какой\s+стати){_END}"),
    "possible": re.compile(rf"(?<!не\s){_W}(?:можно|могу|может|возможно|получится){_END}"),
    "who": re.compile(rf"{_W}(?:кто|кому|кем){_END}"),
    "what_to_do": re.compile(rf"{_W}что\s+делать{_END}"),
    "when": re.compile(rf"{_W}(?:когда|как\s+долго|срок(?:а|и|ов|у|ом|ам|ах|е)?){_END}"),
}


def question_kinds(text: str) -> frozenset[str]:
    """The kinds of question a text asks (`QUESTION_KINDS`' names), from its words as typed."""
    low = text.lower().replace("ё", "е")
    return frozenset(kind for kind, pattern in QUESTION_KINDS.items() if pattern.search(low))


def query_terms(text: str) -> list[str]:
    """The lemmas of a client's question that can tell one article from another."""
    return [term for term in lemmas(text) if term not in CHATTER]


def stored_lemmas(question: str, answer: str) -> str:
    """What a caller stores per article: «question lemmas | answer lemmas»."""
    return f"{' '.join(lemmas(question))} | {' '.join(lemmas(answer))}"


def document(key, stored: str, topic: str = "", question: str = "") -> Document:
    """A document from its stored lemmas and, optionally, its topic's (as text; lemmatised here) and its
    question as typed (for the kinds of question it answers)."""
    title, _bar, body = stored.partition(" | ")
    return Document(
        key,
        tuple(title.split()),
        tuple(body.split()),
        topic=tuple(lemmas(topic)),
        kinds=question_kinds(question),
    )


@dataclass(frozen=True)
class Hit:
    key: object
    score: float
    coverage: float  # share of the query's weight (idf) that this document matches, 0…1


@dataclass
class KbIndex:
    keys: list = field(default_factory=list)
    priors: np.ndarray = field(default_factory=lambda: np.ones(0))
    terms: list[frozenset] = field(default_factory=list)
    positions: dict = field(default_factory=dict)
    # term → (documents holding it, their BM25F term score before the query weight), computed once at build.
    postings: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    idf: dict[str, float] = field(default_factory=dict)
    vocabulary: list[str] = field(default_factory=list)
    typical_idf: float = 0.0
    title_boost: float = TITLE_BOOST
    # Typo neighbours already looked up (a query is expanded several times: ranking, coverage, re-ranking).
    neighbour_cache: dict[str, dict[str, float]] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def build(cls, documents, *, title_boost: float = TITLE_BOOST) -> "KbIndex":
        index = cls(title_boost=title_boost)
        raw: dict[str, list[tuple[int, float]]] = defaultdict(list)
        lengths = []
        priors = []
        for position, document in enumerate(documents):
            priors.append(document.prior)
            index.positions[document.key] = len(index.keys)
            index.keys.append(document.key)
            titles, bodies = Counter(document.title), Counter(document.body)
            lengths.append(title_boost * len(document.title) + len(document.body))
            index.terms.append(frozenset(titles.keys() | bodies.keys()))
            for term in index.terms[-1]:
                raw[term].append((position, title_boost * titles.get(term, 0) + bodies.get(term, 0)))
        count = len(index.keys)
        index.priors = np.asarray(priors, dtype=np.float64)
        average = (sum(lengths) / count) if count else 1.0
        length_of = np.asarray(lengths, dtype=np.float64)  # once, not once per term
        for term, found in raw.items():
            idf = math.log(1 + (count - len(found) + 0.5) / (len(found) + 0.5))
            index.idf[term] = idf
            docs = np.fromiter((doc for doc, _tf in found), dtype=np.int64, count=len(found))
            tf = np.fromiter((tf for _doc, tf in found), dtype=np.float64, count=len(found))
            norm = K1 * (1 - B + B * length_of[docs] / average)
            index.postings[term] = (docs, idf * tf * (K1 + 1) / (tf + norm))
        index.vocabulary = sorted(raw)
        index.typical_idf = statistics.median(index.idf.values()) if index.idf else 0.0
        return index

    def __len__(self) -> int:
        return len(self.keys)

    def _neighbours(self, term: str) -> dict[str, float]:
        if term in self.postings:
            return {term: 1.0}
        if len(term) < MIN_FUZZY_LENGTH or not self.vocabulary:
            return {}
        cached = self.neighbour_cache.get(term)
        if cached is None:
            if len(self.neighbour_cache) >= NEIGHBOUR_CACHE:
                self.neighbour_cache.clear()
            cached = {}
            for spelling in (term, transliterated(term)):
                if spelling is None:
                    continue
                found = process.extract(
                    spelling,
                    self.vocabulary,
                    scorer=fuzz.ratio,
                    limit=FUZZY_CHOICES,
                    score_cutoff=FUZZY_CUTOFF,
                )
                for candidate, similarity, _pos in found:
                    cached[candidate] = max(cached.get(candidate, 0.0), similarity / 100.0)
            self.neighbour_cache[term] = cached
        return cached

    def expand(self, terms, synonyms: SynonymTable = NO_SYNONYMS) -> dict[str, float]:
        """Query lemmas → known lemmas with a weight: 1 for a known lemma, the similarity for a typo's
        neighbours, SYNONYM_WEIGHT for what a synonym stands for."""
        expanded: dict[str, float] = {}
        for group in self._groups(terms, synonyms)[0]:
            for candidate, weight in group.items():
                expanded[candidate] = max(expanded.get(candidate, 0.0), weight)
        return expanded

    def search(
        self, terms, top: int = 3, synonyms: SynonymTable = NO_SYNONYMS, kinds: frozenset[str] = frozenset()
    ) -> list[Hit]:
        """The `top` best documents for the query lemmas, best first; ties go to the earlier document.
        BM25F ranks by words alone: the query's `kinds` of question matter to the learned re-ranker only
        (`kb_learned.LearnedIndex`, which answers the same call)."""
        if top <= 0:
            return []
        groups, unknown = self._groups(terms, synonyms)
        if not groups:
            return []
        total_weight = self._total_weight(groups, unknown)
        scores = self.scores(self.weights(groups))
        return [
            Hit(self.keys[doc], float(scores[doc]), self._coverage(doc, groups, total_weight))
            for doc in self.best(scores, top)
        ]

    @staticmethod
    def weights(groups) -> dict[str, float]:
        """Each known lemma of the expanded query with its weight (the best over the words it stands for)."""
        weights: dict[str, float] = {}
        for group in groups:
            for candidate, weight in group.items():
                weights[candidate] = max(weights.get(candidate, 0.0), weight)
        return weights

    def scores(self, weights: dict[str, float]) -> np.ndarray:
        """Every document's score (times its prior) for weighted lemmas; lemmas the index lacks add nothing."""
        scores = np.zeros(len(self.keys))
        for term, weight in weights.items():
            if term in self.postings:
                docs, partial = self.postings[term]
                scores[docs] += (
                    weight * partial
                )  # a term's documents are distinct: plain fancy-index addition
        return scores * self.priors

    @staticmethod
    def best(scores: np.ndarray, top: int) -> list[int]:
        """Positions of the `top` highest non-zero scores, best first; ties go to the earlier document."""
        candidates = np.flatnonzero(scores)
        if len(candidates) > top:
            cut = np.argpartition(-scores[candidates], top - 1)[:top]
            floor = scores[candidates[cut]].min()
            candidates = candidates[scores[candidates] >= floor]  # keep ties at the cut for a stable order
        return sorted(candidates.tolist(), key=lambda doc: (-scores[doc], doc))[:top]

    def coverage(self, terms, key, synonyms: SynonymTable = NO_SYNONYMS) -> float:
        """The coverage `search` would report for the document `key` (0 for a key not in the index)."""
        if key not in self.positions:
            return 0.0
        groups, unknown = self._groups(terms, synonyms)
        return self._coverage(self.positions[key], groups, self._total_weight(groups, unknown))

    def _groups(self, terms, synonyms: SynonymTable = NO_SYNONYMS) -> tuple[list[dict[str, float]], int]:
        """Each query word's known neighbours, and how many words the base does not know at all.

        A phrase the synonym table knows is one group: its own words (when the base knows them) and the
        words it stands for; its words count once, not once each, so a synonym never lowers coverage.
        """
        terms = list(dict.fromkeys(terms))
        groups, unknown = [], 0
        covered: set[str] = set()
        for phrase, meant in synonyms.expand(terms):
            if covered.intersection(phrase):
                continue  # a longer phrase already took these words
            group: dict[str, float] = {}
            for word in phrase:
                for candidate, weight in self._neighbours(word).items():
                    group[candidate] = max(group.get(candidate, 0.0), weight)
            for word in meant:
                if word in self.postings:
                    group[word] = max(group.get(word, 0.0), SYNONYM_WEIGHT)
            covered.update(phrase)
            if group:
                groups.append(group)
            else:
                unknown += 1
        for term in terms:
            if term in covered:
                continue
            group = self._neighbours(term)
            if group:
                groups.append(group)
            else:
                unknown += 1
        return groups, unknown

    def _total_weight(self, groups, unknown: int) -> float:
        # A query word counts once however many neighbours its typo has; a word the base never uses
        # counts as a typical word, so «удалить погоду» is not fully covered by an article on deleting.
        known = sum(max(w * self.idf[c] for c, w in group.items()) for group in groups)
        return known + unknown * self.typical_idf

    def _coverage(self, doc: int, groups, total_weight: float) -> float:
        if not total_weight:
            return 0.0
        matched = 0.0
        for group in groups:
            present = [w * self.idf[c] for c, w in group.items() if c in self.terms[doc]]
            matched += max(present, default=0.0)
        return min(1.0, matched / total_weight)
