"""Russian word forms → lemmas, for search that finds «пенсии» when asked for «пенсия».

Tokenisation is razdel's, lemmas are pymorphy3's most probable normal form. Short function words are
dropped so that a query does not demand «в» or «и» to be present.
"""

from functools import lru_cache

import pymorphy3
from razdel import tokenize

_STOP_POS = frozenset({"PREP", "CONJ", "PRCL", "INTJ"})


@lru_cache(maxsize=1)
def _analyzer() -> pymorphy3.MorphAnalyzer:
    return pymorphy3.MorphAnalyzer()


def parse(word: str) -> list:
    """pymorphy3's parses of a word, best first; none for a word it cannot read.

    pymorphy3 asks Unicode for the name of every letter to tell Latin words apart, and some letters have none
    (Tangut, U+17000…): it raises ValueError. Such a word is no Russian word, so it has no parse.
    """
    try:
        return _analyzer().parse(word)
    except ValueError:
        return []


@lru_cache(maxsize=200_000)
def lemma(word: str) -> str | None:
    word = word.lower().replace("ё", "е")
    if not any(ch.isalnum() for ch in word):
        return None
    parses = parse(word)
    if not parses:
        return word
    parse_ = parses[0]
    if parse_.tag.POS in _STOP_POS:
        return None
    return parse_.normal_form.replace("ё", "е")


def lemmas(text: str) -> list[str]:
    return [lem for token in tokenize(text or "") if (lem := lemma(token.text))]


def search_document(*texts: str) -> str:
    """A space-padded, de-duplicated run of lemmas: a query lemma matches as ' lemma '."""
    seen = dict.fromkeys(lem for text in texts for lem in lemmas(text))
    return f" {' '.join(seen)} " if seen else ""


# pymorphy3 gives the vocalised prepositions («со», «во») their own normal form; a dictionary phrase
# written with «с» must still match «в соответствии со статьёй».
_VOCALISED = {"со": "с", "во": "в", "ко": "к", "обо": "о", "об": "о", "ото": "от", "изо": "из", "подо": "под"}


@lru_cache(maxsize=200_000)
def word_analysis(word: str) -> tuple[frozenset[str], str, bool]:
    """(every lemma the form may have, part of speech of the likeliest parse, may be an imperative).

    All parses count, not only the likeliest: «данного» is both «данный» and «дать», and a stop-phrase
    match must not depend on which one pymorphy3 ranks first.
    """
    # An acronym («КРТИ») or a two-letter abbreviation («см») is never an instruction to the reader.
    may_be_imperative = len(word) > 2 and not word.isupper()
    word = word.lower().replace("ё", "е")
    parses = parse(word)
    forms = {_VOCALISED.get(p.normal_form, p.normal_form).replace("ё", "е") for p in parses}
    forms.add(_VOCALISED.get(word, word))
    first = parses[0].tag.POS or "" if parses else ""
    # «При» is also the imperative of «переть», «части» of «частить»: only a form whose likeliest reading
    # is a verb counts («обратитесь» is first read as indicative, second as imperative).
    imperative = may_be_imperative and first == "VERB" and any(p.tag.mood == "impr" for p in parses)
    return frozenset(forms), first, imperative


def dictionary_lemma(word: str) -> str:
    """The lemma a dictionary phrase's word stands for: the word itself when it is a normal form."""
    word = word.lower().replace("ё", "е")
    word = _VOCALISED.get(word, word)
    parses = parse(word)
    normal_forms = [p.normal_form.replace("ё", "е") for p in parses]
    if word in normal_forms or not normal_forms:
        return word
    return _VOCALISED.get(normal_forms[0], normal_forms[0])
