"""The plain-Russian check of an answer: readability indices, long sentences, bureaucratese, address, next step.

Formulas (both take ASL = words per sentence and ASW = syllables per word; a syllable is a vowel letter):

* Flesch reading ease adapted to Russian by I. V. Oborneva, «Автоматизированная оценка сложности учебных
  текстов на основе статистических параметров», PhD thesis, Moscow, 2006:
  FRE = 206.835 − 1.3·ASL − 60.1·ASW.
* Flesch–Kincaid grade for Russian as calibrated by the Plain Russian Language project (I. Begtin, 2014,
  github.com/infoculture/plainrussian) and used as ruTS' "plainrussian" preset:
  grade = 0.318·ASL + 14.2·ASW − 30.5.

Token policy (the same as ruTS', which the tests use as an oracle): sentences are razdel's, a blank line
always ends one, and only sentences holding a word count; a word is a razdel token that is not punctuation
(numbers are words with no syllables). Words are found with one regular expression that follows razdel's
joining rules (hyphens, underscores, 1.5, 1/2, 22.10.2020) instead of razdel's token objects: razdel's
tokenizer alone would cap the check near 4,000 answers/s, and an operator's keystroke must not wait.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

from razdel import sentenize

from .lemmas import dictionary_lemma, word_analysis

# Oborneva (2006): Flesch reading ease for Russian.
FRE_BASE, FRE_ASL, FRE_ASW = 206.835, 1.3, 60.1
# Plain Russian Language project (Begtin, 2014): Flesch–Kincaid grade for Russian.
FK_ASL, FK_ASW, FK_BASE = 0.318, 14.2, 30.5

MAX_TEXT_CHARS = 1_048_576
DATA_FILE = Path(__file__).with_name("plain_russian.json")

_VOWELS = frozenset("аеёиоуыэюяАЕЁИОУЫЭЮЯ")
_DELETE_VOWELS = str.maketrans("", "", "".join(_VOWELS))
_BLANK_LINE = re.compile(r"(?>\r\n|[\n\r\x85\u2028])[\s\u200b\ufeff]*(?:\r\n|[\n\r\x85\u2028])|\u2029")
_UNIT = r"(?:\d+|[^\W\d_]+)"
# An en or em dash glued between two words of two letters or more is punctuation («слово—слово»), as in
# ruTS; razdel itself would keep it inside the token.
_JOIN = r"(?:[-‑−_]|(?<![^\W\d_]{2})[–—]|[–—](?![^\W\d_])|(?<=\d)[.,/\\](?=\d))"
_WORD = re.compile(rf"{_UNIT}(?:{_JOIN}{_UNIT})*")
_PHONE = re.compile(
    r"(?:\+7|\b8)[\s\-‑(]*\d{3}[\s\-‑)]*\d{3}[\s\-‑]*\d{2}[\s\-‑]*\d{2}\b|\b\d{3}[\-‑]\d{2}[\-‑]\d{2}\b"
)
_LINK = re.compile(
    r"https?://\S+|\bwww\.\S+|\b[\w.+-]+@[\w-]+\.[\w.]+|\b[\w-]+\.(?:ru|рф|su|gov\.ru)\b", re.I
)
_MONTHS = "января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря"
_DEADLINE = re.compile(
    rf"\b(?:до|не позднее|не позже|к|по)\s+(?:\d{{1,2}}\.\d{{1,2}}(?:\.\d{{2,4}})?|\d{{1,2}}\s+(?:{_MONTHS}))",
    re.I,
)

_CONTACT_OR_DEADLINE = re.compile("|".join(f"(?:{p.pattern})" for p in (_PHONE, _LINK, _DEADLINE)), re.I)


class EmptyTextError(ValueError):
    """The text holds no word to check."""


class TextTooLongError(ValueError):
    """The text is longer than MAX_TEXT_CHARS."""


@dataclass(frozen=True)
class Limits:
    """Where an answer stops being plain. The agency's own limits come from its settings."""

    min_reading_ease: float = 30.0
    max_grade: float = 12.0
    long_sentence_words: int = 20
    # Below this many words the indices say nothing: «Сделано.» alone scores like a statute.
    min_words_for_scores: int = 10


@dataclass(frozen=True)
class LongSentence:
    start: int
    end: int
    words: int


@dataclass(frozen=True)
class StopPhrase:
    phrase: str
    suggestion: str
    start: int
    end: int


@dataclass(frozen=True)
class Readability:
    words: int
    sentences: int
    syllables: int
    flesch_reading_ease: float
    fk_grade: float
    long_sentences: list[LongSentence] = field(default_factory=list)
    stop_phrases: list[StopPhrase] = field(default_factory=list)
    personal_address: bool = False
    next_step: bool = False
    problems: list[str] = field(default_factory=list)
    verdict: str = "plain"

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class _Entry:
    phrase: str
    suggestion: str
    lemmas: tuple[str, ...]


@dataclass(frozen=True)
class Dictionary:
    by_first: dict[str, tuple[_Entry, ...]]
    first_lemmas: frozenset[str]
    size: int
    chain_min_nouns: int
    chain_min_verbal: int
    verbal_endings: tuple[str, ...]
    chain_suggestion: str
    address_lemmas: frozenset[str]
    address_imperative: bool
    step_lemmas: frozenset[str]
    step_phrases: tuple[tuple[str, ...], ...]
    step_imperative: bool


def load_dictionary(path: Path | str = DATA_FILE) -> Dictionary:
    """Read the stop-phrase dictionary; each phrase becomes the sequence of its words' lemmas."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    by_first: dict[str, list[_Entry]] = {}
    entries = 0
    for item in data["stop_phrases"]:
        lemmas = tuple(dictionary_lemma(w) for w in _WORD.findall(item["phrase"]))
        if not lemmas or not item.get("suggestion", "").strip():
            raise ValueError(f"stop phrase {item!r}: a phrase and a suggestion are both needed")
        by_first.setdefault(lemmas[0], []).append(_Entry(item["phrase"], item["suggestion"], lemmas))
        entries += 1
    chain, address, step = data["noun_chain"], data["personal_address"], data["next_step"]
    return Dictionary(
        # Longest first: «произвести оплату» wins over «произвести» at the same place.
        by_first={k: tuple(sorted(v, key=lambda e: -len(e.lemmas))) for k, v in by_first.items()},
        first_lemmas=frozenset(by_first),
        size=entries,
        chain_min_nouns=chain["min_nouns"],
        chain_min_verbal=chain["min_verbal_nouns"],
        verbal_endings=tuple(chain["verbal_noun_endings"]),
        chain_suggestion=chain["suggestion"],
        address_lemmas=frozenset(dictionary_lemma(w) for w in address["lemmas"]),
        address_imperative=address["use_imperative"],
        step_lemmas=frozenset(dictionary_lemma(w) for w in step["lemmas"]),
        step_phrases=tuple(tuple(dictionary_lemma(w) for w in _WORD.findall(p)) for p in step["phrases"]),
        step_imperative=step["use_imperative"],
    )


@lru_cache(maxsize=1)
def default_dictionary() -> Dictionary:
    return load_dictionary()


def flesch_reading_ease(words: int, sentences: int, syllables: int) -> float:
    return FRE_BASE - FRE_ASL * (words / sentences) - FRE_ASW * (syllables / words)


def fk_grade(words: int, sentences: int, syllables: int) -> float:
    return FK_ASL * (words / sentences) + FK_ASW * (syllables / words) - FK_BASE


def _sentence_spans(text: str):
    start = 0
    for match in [*_BLANK_LINE.finditer(text), None]:
        stop = match.start() if match else len(text)
        part = text[start:stop]
        if part.strip():
            for sentence in sentenize(part):
                yield start + sentence.start, start + sentence.stop
        if match:
            start = match.end()


def analyse(text: str, limits: Limits | None = None, dictionary: Dictionary | None = None) -> Readability:
    """Check one text. Raises EmptyTextError when it has no word, TextTooLongError past MAX_TEXT_CHARS."""
    if not isinstance(text, str):
        raise TypeError("text must be a string")
    if len(text) > MAX_TEXT_CHARS:
        raise TextTooLongError(f"the text is {len(text)} characters long; the limit is {MAX_TEXT_CHARS}")
    limits = limits or Limits()
    dictionary = dictionary or default_dictionary()

    words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]
    if not words:
        raise EmptyTextError("the text holds no words")
    # Every vowel letter belongs to some word (a word is any run of letters), so one pass over the text
    # counts the syllables of all words.
    syllables = len(text) - len(text.translate(_DELETE_VOWELS))

    sentences = 0
    long_sentences: list[LongSentence] = []
    sentence_bounds: list[tuple[int, int, int, int]] = []  # char start, char end, first word, word after
    index = 0
    for start, stop in _sentence_spans(text):
        first = index
        while index < len(words) and words[index][0] < stop:
            index += 1
        if index == first:
            continue
        sentences += 1
        sentence_bounds.append((start, stop, first, index))
        if index - first > limits.long_sentence_words:
            long_sentences.append(LongSentence(start, stop, index - first))
    # A word the sentence splitter left outside every sentence (it never should) still counts.
    sentences = max(sentences, 1)

    analyses = [word_analysis(w) for _s, _e, w in words]
    stop_phrases = _stop_phrases(text, words, analyses, dictionary)
    personal_address = any(
        forms & dictionary.address_lemmas or (dictionary.address_imperative and imperative)
        for forms, _pos, imperative in analyses
    )
    next_step = _has_next_step(text, words, analyses, dictionary)

    ease = flesch_reading_ease(len(words), sentences, syllables)
    grade = fk_grade(len(words), sentences, syllables)
    problems = []
    if len(words) >= limits.min_words_for_scores:
        if ease < limits.min_reading_ease:
            problems.append("hard_to_read")
        if grade > limits.max_grade:
            problems.append("grade_too_high")
    if long_sentences:
        problems.append("long_sentences")
    if stop_phrases:
        problems.append("stop_phrases")
    if not personal_address:
        problems.append("no_personal_address")
    if not next_step:
        problems.append("no_next_step")
    if "hard_to_read" in problems or "grade_too_high" in problems:
        verdict = "hard"
    elif problems:
        verdict = "needs_work"
    else:
        verdict = "plain"
    return Readability(
        words=len(words),
        sentences=sentences,
        syllables=syllables,
        flesch_reading_ease=ease,
        fk_grade=grade,
        long_sentences=long_sentences,
        stop_phrases=stop_phrases,
        personal_address=personal_address,
        next_step=next_step,
        problems=problems,
        verdict=verdict,
    )


def _stop_phrases(text, words, analyses, dictionary: Dictionary) -> list[StopPhrase]:
    found: list[StopPhrase] = []
    chains = _noun_chains(text, words, analyses, dictionary)
    chain_at = {start: (end_index, end) for start, end_index, end in chains}
    i, n = 0, len(words)
    while i < n:
        if i in chain_at:
            end_index, end = chain_at[i]
            found.append(StopPhrase(text[words[i][0] : end], dictionary.chain_suggestion, words[i][0], end))
            i = end_index
            continue
        starts = analyses[i][0] & dictionary.first_lemmas
        if not starts:
            i += 1
            continue
        best = None
        for lemma in sorted(starts):
            for entry in dictionary.by_first.get(lemma, ()):
                size = len(entry.lemmas)
                if best is not None and size <= len(best.lemmas):
                    continue
                if i + size <= n and all(entry.lemmas[k] in analyses[i + k][0] for k in range(1, size)):
                    best = entry
                    break
        if best is None:
            i += 1
            continue
        last = i + len(best.lemmas) - 1
        found.append(StopPhrase(best.phrase, best.suggestion, words[i][0], words[last][1]))
        i = last + 1
    return found


def _noun_chains(text, words, analyses, dictionary: Dictionary) -> list[tuple[int, int, int]]:
    """Runs of nouns with nothing but spaces between them, verbal nouns among them: «проведение проверки
    соблюдения требований». Returns (first word index, index after the run, end character)."""
    chains: list[tuple[int, int, int]] = []
    endings = dictionary.verbal_endings
    run_start = None
    for i, analysis in enumerate(analyses):
        if analysis[1] == "NOUN" and (run_start is None or not text[words[i - 1][1] : words[i][0]].strip()):
            if run_start is None:
                run_start = i
            continue
        if run_start is not None:
            _close_chain(chains, run_start, i, words, analyses, dictionary, endings)
        run_start = i if analysis[1] == "NOUN" else None
    if run_start is not None:
        _close_chain(chains, run_start, len(words), words, analyses, dictionary, endings)
    return chains


def _close_chain(chains, start, stop, words, analyses, dictionary: Dictionary, endings) -> None:
    if stop - start < dictionary.chain_min_nouns:
        return
    verbal = sum(1 for k in range(start, stop) if any(f.endswith(endings) for f in analyses[k][0]))
    if verbal >= dictionary.chain_min_verbal:
        chains.append((start, stop, words[stop - 1][1]))


def _has_next_step(text, words, analyses, dictionary: Dictionary) -> bool:
    n = len(words)
    for i in range(n):
        forms, _pos, imperative = analyses[i]
        if forms & dictionary.step_lemmas or (dictionary.step_imperative and imperative):
            return True
        for phrase in dictionary.step_phrases:
            if phrase[0] in forms and i + len(phrase) <= n:
                if all(phrase[k] in analyses[i + k][0] for k in range(1, len(phrase))):
                    return True
    return bool(_CONTACT_OR_DEADLINE.search(text))
